"""What the map page needs to draw a date's zones as vector tiles: `config["tiles"]`.

The page draws a policy version's zones from the GeoJSON export while they are few, and
from /tiles/zones/{z}/{x}/{y}.mvt once the version has FROM_ZONES zones or more: a
version's whole GeoJSON costs about 3 KB a zone (10,000 zones: 30 MB), a tile only
what it shows.
"""

from django.templatetags.static import static
from django.urls import reverse

from mapsite.tiles import mvt

FROM_ZONES = 500
PLUGIN = "vendor/leaflet.vectorgrid/Leaflet.VectorGrid.bundled.min.js"


def zone_counts(snap) -> dict[str, int]:
    """Public zones per policy version (slug), kept with the snapshot."""
    key = ("tiles", "zone-counts")
    if key not in snap.responses:
        counts: dict[str, int] = {}
        for zone in snap.zones.values():
            counts[zone.policy_slug] = counts.get(zone.policy_slug, 0) + 1
        snap.responses[key] = counts
    return snap.responses[key]


def config(snap) -> dict:
    """The page's tile settings: the URL (data version in it, `{date}` for the page to fill),
    the layer, the zoom range, when to use tiles, the zones per version, the plugin."""
    path = reverse("tiles:tile", args=[mvt.ZONES.name, "{z}", "{x}", "{y}"])
    path = path.replace("%7B", "{").replace("%7D", "}")
    return {
        "url": f"{path}?v={snap.version}&date={{date}}",
        "layer": mvt.ZONES.name,
        "minZoom": mvt.MIN_ZOOM,
        "maxZoom": mvt.MAX_ZOOM,
        "fromZones": FROM_ZONES,
        "zones": zone_counts(snap),
        # The versions drawn from tiles: the page asks this list, it does not count again.
        "tiled": sorted(slug for slug in zone_counts(snap) if drawn_from_tiles(snap, slug)),
        "plugin": static(PLUGIN),
    }


def drawn_from_tiles(snap, policy_slug: str | None) -> bool:
    """Whether the page draws this version's zones from the tiles (and preloads no GeoJSON)."""
    return zone_counts(snap).get(policy_slug, 0) >= FROM_ZONES
