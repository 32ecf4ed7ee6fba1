"""The figures of figures.json: lengths, areas and buffers measured on the WGS84 ellipsoid
from the rounded layers the build writes (geo_data/build.py writes the file)."""

from __future__ import annotations

from .geodesy import PIECE_KM, area_km2, length_km, within_km

COUNTERFIRE_KM = 84  # GMLRS realistic maximum (see /work/shared/source/README.md)
ATACMS_KM = 300

BUFFER_METHOD = (
    "Line cut into pieces of about {piece:g} km; each piece buffered by {km} km in an "
    "azimuthal-equidistant projection (pyproj, WGS84) centred on the piece's midpoint; "
    "outlines densified to 2 km, unprojected to lon/lat and unioned (shapely); intersected "
    "with the Russia polygon; area geodesic on the WGS84 ellipsoid "
    "(pyproj.Geod.geometry_area_perimeter), rounded to whole km²."
)
LENGTH_METHOD = "Geodesic length of the {} on the WGS84 ellipsoid (pyproj.Geod.geometry_length)."
AREA_METHOD = "Geodesic area of the {} polygon on the WGS84 ellipsoid (pyproj.Geod)."


def _fig(label, value, unit, method) -> dict:
    return {"label": label, "value": value, "unit": unit, "method": method}


def compute_figures(ua, ru, border, segment) -> dict:
    zone84 = area_km2(within_km(segment, COUNTERFIRE_KM, ru))
    zone300_kh = area_km2(within_km(segment, ATACMS_KM, ru))
    zone300_border = area_km2(within_km(border, ATACMS_KM, ru))
    return {
        "parameters": {
            "counterfire_depth_km": COUNTERFIRE_KM,
            "atacms_range_km": ATACMS_KM,
            "ellipsoid": "WGS84",
            "buffer_piece_km": PIECE_KM,
        },
        "figures": {
            **_length_figures(border, segment),
            **_buffer_figures(zone84, zone300_kh, zone300_border),
            **_area_figures(ua, ru),
        },
    }


def _length_figures(border, segment) -> dict:
    return {
        "border_length_km": _fig(
            "Ukraine–Russia land border length",
            round(length_km(border), 1),
            "km",
            LENGTH_METHOD.format("land border line (border.geojson)"),
        ),
        "kharkiv_segment_length_km": _fig(
            "Kharkiv Oblast border with Russia, length",
            round(length_km(segment), 1),
            "km",
            LENGTH_METHOD.format("Kharkiv segment line (kharkiv_segment.geojson)"),
        ),
    }


def _buffer_figures(zone84: float, zone300_kh: float, zone300_border: float) -> dict:
    """Russian territory within the counter-fire depth and ATACMS range, and their ratio."""
    return {
        "ru_within_84km_of_kharkiv_segment_km2": _fig(
            f"Russian territory within {COUNTERFIRE_KM} km of the Kharkiv segment "
            "(counter-fire zone)",
            round(zone84),
            "km2",
            BUFFER_METHOD.format(piece=PIECE_KM, km=COUNTERFIRE_KM),
        ),
        "ru_within_300km_of_kharkiv_segment_km2": _fig(
            f"Russian territory within {ATACMS_KM} km of the Kharkiv segment",
            round(zone300_kh),
            "km2",
            BUFFER_METHOD.format(piece=PIECE_KM, km=ATACMS_KM),
        ),
        "ru_within_300km_of_border_km2": _fig(
            f"Russian territory within {ATACMS_KM} km of the whole Ukraine–Russia land border",
            round(zone300_border),
            "km2",
            BUFFER_METHOD.format(piece=PIECE_KM, km=ATACMS_KM),
        ),
        "counterfire_share_of_300km_border_zone_pct": _fig(
            f"Share of the {ATACMS_KM} km border zone that the {COUNTERFIRE_KM} km "
            "Kharkiv counter-fire zone represents",
            round(100.0 * zone84 / zone300_border, 1),
            "percent",
            "100 × (Russian territory within 84 km of the Kharkiv segment) ÷ (Russian "
            "territory within 300 km of the whole land border), both unrounded geodesic "
            "areas as above, rounded to 0.1.",
        ),
    }


def _area_figures(ua, ru) -> dict:
    return {
        "ukraine_area_km2": _fig(
            "Ukraine area (incl. Crimea, as in the source)",
            round(area_km2(ua)),
            "km2",
            AREA_METHOD.format("Ukraine (countries.geojson)"),
        ),
        "russia_area_km2": _fig(
            "Russia area (excl. Crimea, as in the source)",
            round(area_km2(ru)),
            "km2",
            AREA_METHOD.format("Russia (countries.geojson)"),
        ),
    }
