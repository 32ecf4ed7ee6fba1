"""The public zones as GDAL files (GeoPackage, KML, FlatGeobuf), written in memory by pyogrio.

Each file is made from the GeoJSON export of the same parameters (mapsite/api/geojson.py): the
same zones, chosen by the same public rule, with the same (possibly simplified) lon/lat
geometry. Here each feature's properties are flattened into the columns a GIS reads: the
weapons and targets as text, the sources and assumptions as JSON strings.
"""

import datetime as dt
import io
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import shapely

from mapsite.zones import vocabulary

LAYER = "kharkiv_policy_zones"
CRS = "EPSG:4326"
TITLE = "Kharkiv policy zones"
ABOUT = (
    "Where US-provided weapons may be used near Kharkiv: the published zones of the policy"
    " version in force on the day asked for. Geometry in WGS 84 longitude/latitude."
)
# GeoPackage's last_change when a file has no zone to date it by (fixed, so equal bytes).
NO_ZONES_DATE = "1970-01-01T00:00:00.000Z"
UTC_OFFSET = 100  # GDAL's time zone flag for UTC (100 + quarter hours)
# GDAL's configuration is the process's: one file at a time sets and clears its date.
_WRITING = threading.Lock()


@dataclass(frozen=True)
class FileFormat:
    """A GDAL driver and how the API serves what it writes."""

    driver: str
    content_type: str
    extension: str
    dataset_options: dict = field(default_factory=dict)
    layer_options: dict = field(default_factory=dict)
    dates_as_text: bool = False  # KML has no date type: ISO text instead of GDAL's 2024/05/30


FORMATS = {
    # GeoPackage 1.2: what GDAL before 3.11 (Debian's 3.6, older QGIS) reads without warning.
    "gpkg": FileFormat(
        "GPKG",
        "application/geopackage+sqlite3",
        "gpkg",
        {"VERSION": "1.2"},
        {"IDENTIFIER": TITLE, "DESCRIPTION": ABOUT, "SPATIAL_INDEX": "YES"},
    ),
    # The KML driver (LIBKML is read-only in pyogrio's GDAL): a placemark's <name> and
    # <description> are the zone's; the other columns go to its ExtendedData.
    "kml": FileFormat(
        "KML",
        "application/vnd.google-earth.kml+xml",
        "kml",
        {"NameField": "name", "DescriptionField": "description", "DOCUMENT_ID": LAYER},
        dates_as_text=True,
    ),
    "fgb": FileFormat(
        "FlatGeobuf",
        "application/flatgeobuf",
        "fgb",
        layer_options={"SPATIAL_INDEX": "YES", "TITLE": TITLE, "DESCRIPTION": ABOUT},
    ),
}

TEXT, DATE, DATETIME, REAL = "text", "date", "datetime", "real"


def _names(items: list[dict]) -> str:
    return "; ".join(item["name"] for item in items)


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


# The columns, in order: (name, type, value from a GeoJSON feature's properties).
COLUMNS: tuple[tuple[str, str, Callable[[dict], object]], ...] = (
    ("slug", TEXT, lambda p: p["slug"]),
    ("name", TEXT, lambda p: p["name"]),
    ("kind", TEXT, lambda p: p["kind"]),
    ("kind_label", TEXT, lambda p: vocabulary.kind_label(p["kind"])),
    ("status", TEXT, lambda p: p["status"]),
    ("status_label", TEXT, lambda p: vocabulary.status_label(p["status"])),
    ("policy", TEXT, lambda p: p["policy"]),
    ("policy_title", TEXT, lambda p: p["policy_title"]),
    ("valid_from", DATE, lambda p: p["valid_from"]),
    ("valid_to", DATE, lambda p: p["valid_to"]),
    ("description", TEXT, lambda p: p["description"]),
    ("permitted_weapons", TEXT, lambda p: _names(p["permitted_weapons"])),
    ("prohibited_weapons", TEXT, lambda p: _names(p["prohibited_weapons"])),
    ("permitted_targets", TEXT, lambda p: _names(p["permitted_targets"])),
    ("prohibited_targets", TEXT, lambda p: _names(p["prohibited_targets"])),
    ("sources", TEXT, lambda p: _json(p["sources"])),
    ("assumptions", TEXT, lambda p: _json(p["assumptions"])),
    ("area_km2", REAL, lambda p: p["area_km2"]),
    ("updated_at", DATETIME, lambda p: p["updated_at"]),
)


def utc_instant(text: str | None) -> dt.datetime | None:
    """A timestamp from the GeoJSON (ISO 8601 with offset) in UTC, to the millisecond,
    which is as fine as GDAL keeps."""
    if not text:
        return None
    moment = dt.datetime.fromisoformat(text).astimezone(dt.UTC).replace(tzinfo=None)
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def _column(kind: str, values: list, as_text: bool) -> tuple[np.ndarray, np.ndarray | None]:
    """One column's array and its null mask (None when nothing is null)."""
    missing = np.array([v is None for v in values], dtype=bool)
    if kind == REAL:
        array = np.array([np.nan if v is None else float(v) for v in values], dtype=float)
    elif kind == DATE and not as_text:
        array = np.array([v or "NaT" for v in values], dtype="datetime64[D]")
    elif kind == DATETIME:
        moments = [utc_instant(v) for v in values]
        if as_text:
            values = [m and m.isoformat(timespec="milliseconds") + "Z" for m in moments]
            array = np.array(["" if v is None else v for v in values], dtype=object)
        else:
            array = np.array([m or "NaT" for m in moments], dtype="datetime64[ms]")
    else:
        array = np.array(["" if v is None else str(v) for v in values], dtype=object)
    return array, (missing if missing.any() else None)


def _last_change(features: list[dict]) -> str:
    """When the newest zone in the file changed: GeoPackage's last_change, so the same
    zones always make the same bytes."""
    moments = [utc_instant(f["properties"].get("updated_at")) for f in features]
    moments = [m for m in moments if m]
    if not moments:
        return NO_ZONES_DATE
    return max(moments).isoformat(timespec="milliseconds") + "Z"


def _geometry(geometry: dict | None) -> bytes | None:
    return None if geometry is None else shapely.to_wkb(shapely.geometry.shape(geometry))


def write_zones(collection: bytes, file_format: FileFormat) -> bytes:
    """A GeoJSON FeatureCollection of zones (the export's bytes) as a file of `file_format`."""
    features = json.loads(collection)["features"]
    properties = [feature["properties"] for feature in features]
    geometry = np.array([_geometry(f["geometry"]) for f in features], dtype=object)
    arrays, masks = [], []
    for _name, kind, value in COLUMNS:
        array, mask = _column(kind, [value(p) for p in properties], file_format.dates_as_text)
        arrays.append(array)
        masks.append(mask)
    offsets = {}
    if not file_format.dates_as_text:
        offsets = {n: np.full(len(features), UTC_OFFSET) for n, k, _ in COLUMNS if k == DATETIME}
    # GDAL (in pyogrio) is loaded on the first file asked for, not by every worker at start-up.
    import pyogrio

    out = io.BytesIO()
    with _WRITING:
        pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": _last_change(features)})
        try:
            _write(out, geometry, arrays, masks, file_format, offsets)
        finally:
            pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": None})
    return out.getvalue()


def _write(out: io.BytesIO, geometry, arrays, masks, file_format: FileFormat, offsets) -> None:
    from pyogrio.raw import write

    write(
        out,
        geometry,
        arrays,
        [name for name, _kind, _value in COLUMNS],
        field_mask=masks,
        layer=LAYER,
        driver=file_format.driver,
        geometry_type="MultiPolygon",
        crs=CRS,
        promote_to_multi=True,
        dataset_options=file_format.dataset_options,
        layer_options=file_format.layer_options,
        gdal_tz_offsets=offsets,
    )
