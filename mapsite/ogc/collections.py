"""The feature collections: the zones of the policy in force, the reference layers, places.

Each picks a page of rows with the models' querysets (`Zone.objects.public()`, so the public
rule is written once, in mapsite/zones/querysets.py) and renders it with the API's builders
(mapsite/api/geojson.py): the same features, property for property, as /api/ serves.
"""

import json
import re
from dataclasses import dataclass

from django.contrib.gis.db.models import Extent
from django.contrib.gis.geos import GEOSGeometry, LineString, Point, Polygon
from django.db import connection, transaction
from django.db.models import Q, QuerySet

from mapsite.api import geojson, views
from mapsite.api.responses import dumps
from mapsite.ogc.params import CRS84, ItemsQuery
from mapsite.zones import vocabulary
from mapsite.zones.models import Place, ReferenceFeature, Zone
from mapsite.zones.querysets import public_sql
from mapsite.zones.snapshot import Snapshot

ITEM_ID = re.compile(r"[-a-zA-Z0-9_]{1,80}")
PAGE_SQL = "SELECT COALESCE(json_agg(feature ORDER BY slug), '[]'::json)::text FROM features"
DAY = "{}T00:00:00Z"
TRS = "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian"


@dataclass
class Page:
    features: bytes  # a JSON array of GeoJSON Features
    returned: int
    matched: int


def _shape(box: tuple[float, float, float, float]) -> GEOSGeometry:
    """The box as a geometry; a box with no width or height is a line or a point."""
    minlon, minlat, maxlon, maxlat = box
    if minlon == maxlon and minlat == maxlat:
        return Point(minlon, minlat, srid=4326)
    if minlon == maxlon or minlat == maxlat:
        return LineString((minlon, minlat), (maxlon, maxlat), srid=4326)
    return Polygon.from_bbox(box)


def _within(field: str, boxes: tuple) -> Q:
    found = Q()
    for box in boxes:
        shape = _shape(box)
        shape.srid = 4326
        found |= Q(**{f"{field}__intersects": shape})
    return found


def _bbox(rows: QuerySet, field: str) -> list[list[float]]:
    extent = rows.aggregate(box=Extent(field))["box"]
    return [list(extent)] if extent else [[-180.0, -90.0, 180.0, 90.0]]


class Collection:
    """One collection; subclasses say which rows and how they are drawn."""

    id = title = description = ""
    columns: tuple[tuple[str, str], ...] = (("name", "Name"),)
    geometry = "polygon"

    def extent(self, snap: Snapshot) -> dict:
        return {"spatial": {"bbox": self.bbox(), "crs": CRS84}}

    def bbox(self) -> list[list[float]]:
        raise NotImplementedError

    def page(self, snap: Snapshot, query: ItemsQuery) -> Page:
        raise NotImplementedError

    def item(self, snap: Snapshot, item_id: str) -> bytes | None:
        raise NotImplementedError

    def cell(self, name: str, value) -> str:
        """A property as the HTML table shows it (labels from the vocabulary)."""
        return "" if value is None else str(value)


class Zones(Collection):
    id = "zones"
    title = "Policy zones"
    description = (
        "Where US-provided weapons may be used, zone by zone, under the policy version in force"
        " on `datetime` (a date or an instant; default today, UTC). Published zones only."
    )
    columns = (("name", "Name"), ("status", "Status"), ("kind", "Kind"), ("policy", "Policy"))

    def bbox(self) -> list[list[float]]:
        return _bbox(Zone.objects.public(), "geom")

    def extent(self, snap: Snapshot) -> dict:
        starts = [p.effective_from for p in snap.policies]
        ends = [p.effective_to for p in snap.policies]
        first = None if None in starts or not starts else DAY.format(min(starts))
        last = None if None in ends or not ends else DAY.format(max(ends))
        temporal = {"interval": [[first, last]], "trs": TRS}
        return {**super().extent(snap), "temporal": temporal}

    def page(self, snap: Snapshot, query: ItemsQuery) -> Page:
        policy = snap.policy_on(query.day)
        if policy is None:
            return Page(b"[]", 0, 0)
        rows = Zone.objects.public().filter(policy_id=policy.id)
        if query.boxes:
            rows = rows.filter(_within("geom", query.boxes))
        ids = list(
            rows.order_by("slug").values_list("id", flat=True)[
                query.offset : query.offset + query.limit
            ]
        )
        return Page(_zone_features(ids), len(ids), rows.count())

    def item(self, snap: Snapshot, item_id: str) -> bytes | None:
        if not ITEM_ID.fullmatch(item_id):
            return None
        return geojson.zone_feature(item_id)

    def cell(self, name: str, value) -> str:
        if name == "status" and value in vocabulary.STATUS:
            return vocabulary.STATUS[value].label
        if name == "kind":
            return vocabulary.KIND_LABEL.get(value, value)
        return super().cell(name, value)


def _zone_features(ids: list[int]) -> bytes:
    """The zones with these ids, drawn by the API's own SQL (geojson.ZONES_SQL)."""
    if not ids:
        return b"[]"
    sql = geojson.ZONES_SQL.format(
        public=public_sql("z"),
        where="z.id = ANY(%(ids)s)",
        geometry=geojson.display_geometry("z.geom", simplify=False),
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql + PAGE_SQL, {"ids": ids, **geojson.shape_params(0)})
        return cursor.fetchone()[0].encode()


class Layer(Collection):
    """A reference layer of mapsite/api/geojson.py LAYERS, served as the API serves it."""

    columns = (("name", "Name"), ("layer", "Layer"))

    def __init__(self, name: str, title: str, description: str, geometry: str = "polygon"):
        self.id, self.title, self.description, self.geometry = name, title, description, geometry

    def rows(self) -> QuerySet:
        column, value = geojson.LAYERS[self.id]
        return ReferenceFeature.objects.filter(**{column: value})

    def bbox(self) -> list[list[float]]:
        return _bbox(self.rows(), "geom")

    def _features(self, snap: Snapshot) -> list[dict]:
        # The API's own answer for the unsimplified layer, from its cache.
        return json.loads(views.layer_body(snap, self.id, 0.0).content)["features"]

    def page(self, snap: Snapshot, query: ItemsQuery) -> Page:
        rows = self.rows()
        if query.boxes:
            rows = rows.filter(_within("geom", query.boxes))
        wanted = set(
            rows.order_by("slug").values_list("slug", flat=True)[
                query.offset : query.offset + query.limit
            ]
        )
        features = [f for f in self._features(snap) if f["id"] in wanted] if wanted else []
        return Page(dumps(features), len(features), rows.count())

    def item(self, snap: Snapshot, item_id: str) -> bytes | None:
        found = [f for f in self._features(snap) if f["id"] == item_id]
        return dumps(found[0]) if found else None


class Places(Collection):
    id = "places"
    title = "Places"
    description = "Populated places from GeoNames, largest first: the map's labels and search."
    columns = (("name", "Name"), ("country", "Country"), ("population", "Population"))
    geometry = "point"
    order = ("-population", "geonameid")

    def bbox(self) -> list[list[float]]:
        return _bbox(Place.objects.all(), "point")

    def page(self, snap: Snapshot, query: ItemsQuery) -> Page:
        rows = Place.objects.all()
        if query.boxes:
            rows = rows.filter(_within("point", query.boxes))
        found = rows.order_by(*self.order)[query.offset : query.offset + query.limit]
        features = [place_feature(place) for place in found]
        return Page(dumps(features), len(features), rows.count())

    def item(self, snap: Snapshot, item_id: str) -> bytes | None:
        if not (item_id.isascii() and item_id.isdigit() and len(item_id) <= 10):
            return None
        place = Place.objects.filter(geonameid=int(item_id)).first()
        return dumps(place_feature(place)) if place else None


def place_feature(place: Place) -> dict:
    """A place as /api/places describes it, as a GeoJSON Feature."""
    lon, lat = round(place.point.x, 6), round(place.point.y, 6)
    return {
        "type": "Feature",
        "id": place.geonameid,
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "properties": {
            "name": place.name,
            "country": place.country,
            "population": place.population,
            "admin1": place.admin1,
        },
    }


COLLECTIONS: dict[str, Collection] = {
    c.id: c
    for c in (
        Zones(),
        Layer("countries", "Countries", "Ukraine and Russia: the outlines zones are cut from."),
        Layer("oblasts", "Oblasts", "The Ukrainian and Russian oblasts near Kharkiv."),
        Layer("border", "Ukraine–Russia border", "The land border, as a line.", "line"),
        Layer(
            "kharkiv-segment",
            "Kharkiv border segment",
            "The stretch of the border along Kharkiv Oblast that reach rings start from.",
            "line",
        ),
        Places(),
    )
}
