"""Checks on zone geometry from editors and uploads, each failing with a message that says why.

Pure functions: nothing here touches the database or GDAL. GeoJSON is parsed with
Python's json module and geometries are built by GEOS from plain coordinates, so a
user-supplied spatial reference (a `crs` member) never reaches GDAL (gis.W001);
such input is refused instead. Only WGS84 longitude/latitude is accepted.

The database CHECK constraints on Zone (valid, within lon ±180 / lat ±90) remain
the backstop for anything that bypasses these checks.
"""

import json
import math
import re
import sys

from django.contrib.gis.geos import GEOSException, GEOSGeometry, LinearRing, MultiPolygon, Polygon

# The part of the world the map is about (lon_min, lat_min, lon_max, lat_max).
# A drawn or imported zone must reach into it; one entirely outside is a mistake
# (often longitude and latitude swapped).
REGION = (20.0, 40.0, 60.0, 70.0)

# Deepest JSON nesting accepted. A FeatureCollection of MultiPolygons needs 7 levels;
# anything much deeper is hostile or broken and is refused before geometry is built.
MAX_JSON_DEPTH = 20

ZONE_TYPES = ("Polygon", "MultiPolygon")
OTHER_TYPES = ("Point", "MultiPoint", "LineString", "MultiLineString", "GeometryCollection")

GEOS_REASONS = {
    "Self-intersection": "the outline crosses itself",
    "Ring Self-intersection": "a ring touches or crosses itself",
    "Hole lies outside shell": "a hole lies outside its polygon",
    "Nested holes": "a hole lies inside another hole",
    "Nested shells": "one polygon lies inside another (draw a hole or merge them)",
    "Interior is disconnected": "the holes cut the polygon in two",
    "Too few points in geometry component": "a ring has fewer than three distinct corners",
    "Invalid Coordinate": "a coordinate is not a number",
    "Duplicate Rings": "a ring appears twice",
}


class GeometryError(ValueError):
    """Input that cannot become a zone's geometry; the message says why, and where."""


def region_label() -> str:
    lon_min, lat_min, lon_max, lat_max = REGION
    return f"lon {lon_min:g}–{lon_max:g}, lat {lat_min:g}–{lat_max:g}"


# --- JSON -------------------------------------------------------------------------


def _refuse_constant(name: str):
    raise GeometryError(f"{name} is not a number JSON allows")


def load_json(text: str):
    """Parse JSON text, refusing NaN/Infinity and nesting too deep for the parser.

    Every failure is a GeometryError, so callers never see a bare ValueError: the json
    module raises one (not a JSONDecodeError) for an integer longer than Python's
    integer-to-string digit limit (4,300 digits by default).
    """
    try:
        return json.loads(text, parse_constant=_refuse_constant)
    except GeometryError:
        raise
    except RecursionError:
        raise GeometryError(
            f"the JSON is nested too deeply (more than {MAX_JSON_DEPTH} levels are refused)"
        ) from None
    except json.JSONDecodeError as exc:
        raise GeometryError(
            f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
        ) from None
    except ValueError as exc:
        reason = str(exc)
        if "integer string conversion" in reason:
            reason = f"a number has more than {sys.get_int_max_str_digits()} digits"
        raise GeometryError(f"not valid JSON: {reason}") from None


def json_depth(value) -> int:
    """How deeply lists and objects nest in `value` (without recursion)."""
    deepest = 0
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, depth)
        if deepest > MAX_JSON_DEPTH:
            return deepest
        stack.extend((child, depth + 1) for child in children)
    return deepest


def check_depth(value, what: str = "the JSON") -> None:
    if json_depth(value) > MAX_JSON_DEPTH:
        raise GeometryError(
            f"{what} is nested more than {MAX_JSON_DEPTH} levels deep "
            "(nested geometry collections are refused)"
        )


def find_member(value, name: str, path: str = "") -> str | None:
    """The path of the first object member called `name` anywhere in `value`, or None."""
    stack = [(value, path)]
    while stack:
        item, where = stack.pop()
        if isinstance(item, dict):
            if name in item:
                return f"{where}.{name}" if where else name
            stack.extend(
                (child, f"{where}.{key}" if where else str(key)) for key, child in item.items()
            )
        elif isinstance(item, list):
            stack.extend((child, f"{where}[{i}]") for i, child in enumerate(item))
    return None


def refuse_crs(value, what: str = "the GeoJSON") -> None:
    where = find_member(value, "crs")
    if where is not None:
        raise GeometryError(
            f"{what} has a 'crs' member ({where}): only WGS84 longitude/latitude GeoJSON "
            "without 'crs' (RFC 7946) is accepted"
        )


# --- GeoJSON geometry -> GEOS ---------------------------------------------------------


def _number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _position(value, where: str) -> tuple[float, float]:
    if not isinstance(value, list) or len(value) not in (2, 3) or not all(map(_number, value)):
        raise GeometryError(f"{where}: a position must be [longitude, latitude] numbers")
    lon, lat = float(value[0]), float(value[1])
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise GeometryError(
            f"{where}: point ({lon:g}, {lat:g}) is outside longitude -180…180 / "
            "latitude -90…90 (coordinates must be WGS84 longitude, latitude)"
        )
    return lon, lat


def _ring(value, where: str) -> LinearRing:
    if not isinstance(value, list):
        raise GeometryError(f"{where}: a ring must be a list of positions")
    points = [_position(p, f"{where}, point {i + 1}") for i, p in enumerate(value)]
    if len(points) < 4:
        raise GeometryError(
            f"{where} has {len(points)} point{'s' if len(points) != 1 else ''}; a ring needs "
            "at least 4 (three corners and the first point again to close it)"
        )
    if points[0] != points[-1]:
        raise GeometryError(
            f"{where} is not closed: it starts at ({points[0][0]:g}, {points[0][1]:g}) but ends "
            f"at ({points[-1][0]:g}, {points[-1][1]:g}); repeat the first point at the end"
        )
    try:
        return LinearRing(points)
    except (GEOSException, ValueError, TypeError) as exc:
        raise GeometryError(f"{where} is not a ring: {exc}") from None


def _polygon(value, where: str) -> Polygon:
    if not isinstance(value, list):
        raise GeometryError(f"{where}: polygon coordinates must be a list of rings")
    if not value:
        return Polygon()
    label = (lambda i: f"{where}, ring {i + 1}") if where else (lambda i: f"ring {i + 1}")
    rings = [_ring(ring, label(i)) for i, ring in enumerate(value)]
    try:
        return Polygon(rings[0], *rings[1:])
    except (GEOSException, ValueError, TypeError) as exc:
        raise GeometryError(f"{where or 'the polygon'} cannot be built: {exc}") from None


def _collection_depth(value) -> int:
    depth, item = 0, value
    while isinstance(item, dict) and item.get("type") == "GeometryCollection":
        depth += 1
        children = item.get("geometries")
        item = (
            next(
                (
                    c
                    for c in children
                    if isinstance(c, dict) and c.get("type") == "GeometryCollection"
                ),
                None,
            )
            if isinstance(children, list)
            else None
        )
    return depth


def geometry_from_geojson(value) -> GEOSGeometry:
    """A GEOS Polygon or MultiPolygon (SRID 4326) built from a GeoJSON geometry object.

    Checks the structure (type, nesting, ring sizes, closed rings, coordinate ranges);
    validity and region are left to `zone_geometry_problems`.
    """
    if not isinstance(value, dict):
        raise GeometryError("the geometry must be a GeoJSON geometry object")
    check_depth(value, "the geometry")
    refuse_crs(value, "the geometry")
    kind = value.get("type")
    if kind == "GeometryCollection":
        depth = _collection_depth(value)
        nested = f" nested {depth} levels deep" if depth > 1 else ""
        raise GeometryError(
            f"the geometry is a GeometryCollection{nested}; a zone must be a Polygon or "
            "MultiPolygon"
        )
    if kind in OTHER_TYPES:
        raise GeometryError(f"the geometry is a {kind}; a zone must be a Polygon or MultiPolygon")
    if kind not in ZONE_TYPES:
        raise GeometryError(
            f"unknown geometry type {kind!r}; a zone must be a Polygon or MultiPolygon"
        )
    coordinates = value.get("coordinates")
    if not isinstance(coordinates, list):
        raise GeometryError(f"the {kind} has no 'coordinates' list")
    if kind == "Polygon":
        geom = _polygon(coordinates, "")
    else:
        polygons = [_polygon(p, f"polygon {i + 1}") for i, p in enumerate(coordinates)]
        geom = MultiPolygon([p for p in polygons if not p.empty])
    geom.srid = 4326
    return geom


def geometry_from_text(text: str) -> GEOSGeometry:
    """A GEOS geometry from GeoJSON text (as the map widget posts it)."""
    return geometry_from_geojson(load_json(text))


# --- Checks on a GEOS geometry ---------------------------------------------------------


def _where(reason: str) -> tuple[str, str]:
    match = re.match(r"^(.*?)\[([-\d.eE+]+) ([-\d.eE+]+)\]$", reason.strip())
    if not match:
        return GEOS_REASONS.get(reason, reason), ""
    name, x, y = match.groups()
    return GEOS_REASONS.get(name, name), f" near lon {float(x):.5f}, lat {float(y):.5f}"


def problem_location(geom) -> tuple[float, float] | None:
    """(lon, lat) where GEOS finds `geom` invalid (a crossing, say), or None.

    The same place the message names ("near lon …, lat …"), for marking it on the map.
    """
    if geom is None or geom.empty or geom.geom_type not in ZONE_TYPES:
        return None
    try:
        if geom.valid:
            return None
        reason = geom.valid_reason
    except GEOSException:
        return None
    match = re.match(r"^.*?\[([-\d.eE+]+) ([-\d.eE+]+)\]$", reason.strip())
    if not match:
        return None
    lon, lat = float(match.group(1)), float(match.group(2))
    return (lon, lat) if math.isfinite(lon) and math.isfinite(lat) else None


def _intersects_region(extent) -> bool:
    xmin, ymin, xmax, ymax = extent
    lon_min, lat_min, lon_max, lat_max = REGION
    return xmin <= lon_max and xmax >= lon_min and ymin <= lat_max and ymax >= lat_min


def zone_geometry_problems(geom) -> list[str]:
    """Everything wrong with `geom` as a zone's geometry (an empty list if nothing is)."""
    if geom is None or geom.empty:
        return ["the geometry is empty: draw at least one polygon"]
    if geom.geom_type not in ZONE_TYPES:
        return [f"the geometry is a {geom.geom_type}; a zone must be a Polygon or MultiPolygon"]
    if geom.srid not in (None, 4326):
        return [
            f"the geometry is in SRID {geom.srid}; only WGS84 longitude/latitude (4326) is accepted"
        ]
    problems = []
    xmin, ymin, xmax, ymax = geom.extent
    if xmin < -180 or xmax > 180 or ymin < -90 or ymax > 90:
        problems.append(
            f"coordinates reach ({xmin:g}, {ymin:g})–({xmax:g}, {ymax:g}), outside longitude "
            "-180…180 / latitude -90…90"
        )
    elif not _intersects_region(geom.extent):
        hint = ""
        if _intersects_region((ymin, xmin, ymax, xmax)):
            hint = "; are longitude and latitude swapped?"
        problems.append(
            f"the geometry lies entirely outside the region the map covers ({region_label()}): "
            f"it spans lon {xmin:g}…{xmax:g}, lat {ymin:g}…{ymax:g}{hint}"
        )
    if not geom.valid:
        what, where = _where(geom.valid_reason)
        problems.append(f"the geometry is invalid: {what}{where}")
    return problems


def clean_zone_geometry(geom) -> MultiPolygon:
    """`geom` as a valid MultiPolygon in SRID 4326, or GeometryError naming every problem."""
    problems = zone_geometry_problems(geom)
    if problems:
        raise GeometryError("; ".join(problems))
    if geom.geom_type == "Polygon":
        geom = MultiPolygon(geom)
    geom.srid = 4326
    return geom
