"""Each zone's finished GeoJSON feature, kept by the database for the export."""

from django.db import models


class ZoneFeature(models.Model):
    """A zone's export feature in finished pieces of JSON text, written by the database.

    Triggers (migration 0014) render it again in the statement that changes anything it
    shows: the zone, its links, its policy version, or a weapon, target, source or
    assumption it cites. The export (mapsite/api/geojson.py) only joins the pieces, so
    nothing here is written from Python.
    """

    zone = models.OneToOneField(
        "zones.Zone", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    # ST_AsGeoJSON with FULL_DIGITS decimal places, exterior rings counter-clockwise.
    geometry = models.TextField()
    # The members of the feature's properties: `head` up to the description, `links` the
    # weapons, targets, sources and assumptions, `tail` the area and the time of the change.
    head = models.TextField()
    links = models.TextField()
    # sha256 of `links`: zones citing the same evidence share one copy in an export query.
    links_digest = models.BinaryField()
    tail = models.TextField()

    def __str__(self) -> str:
        return f"feature of zone {self.zone_id}"
