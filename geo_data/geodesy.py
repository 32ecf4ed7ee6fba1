"""Geodesic helpers: lengths and areas on the WGS84 ellipsoid, buffers in local
azimuthal-equidistant (AEQD) projections, and coordinate rounding."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import shapely
from pyproj import CRS, Geod, Transformer
from shapely.geometry import LineString, MultiPolygon, Polygon, shape

GEOD = Geod(ellps="WGS84")
WGS84 = CRS.from_epsg(4326)
PRECISION = 6  # decimals kept in lon/lat (~0.1 m)
PIECE_KM = 100.0  # longest line piece buffered in one AEQD projection
QUAD_SEGS = 32  # buffer arc resolution (sagitta < 0.1 km at 300 km radius)
DENSIFY_M = 2000.0  # max edge length of buffer outlines before unprojecting


def length_km(geom) -> float:
    """Geodesic length on the WGS84 ellipsoid, in km."""
    return GEOD.geometry_length(geom) / 1000.0


def area_km2(geom) -> float:
    """Geodesic area on the WGS84 ellipsoid, in km² (orientation-safe)."""
    if geom.is_empty:
        return 0.0
    area, _ = GEOD.geometry_area_perimeter(shapely.orient_polygons(geom))
    return abs(area) / 1e6


@lru_cache(maxsize=256)
def aeqd_transformers(lat: float, lon: float) -> tuple[Transformer, Transformer]:
    """Forward (lon/lat -> metres) and inverse transformers for an AEQD centred here."""
    crs = CRS.from_proj4(f"+proj=aeqd +lat_0={lat!r} +lon_0={lon!r} +datum=WGS84 +units=m +no_defs")
    return (
        Transformer.from_crs(WGS84, crs, always_xy=True),
        Transformer.from_crs(crs, WGS84, always_xy=True),
    )


def apply_transformer(geom, transformer: Transformer):
    def _fn(xy: np.ndarray) -> np.ndarray:
        x, y = transformer.transform(xy[:, 0], xy[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(geom, _fn)


def split_line(line: LineString, piece_km: float = PIECE_KM) -> list[LineString]:
    """Cut a lon/lat line at vertices into pieces of about piece_km (geodesic)."""
    line = shapely.segmentize(line, 0.05)  # no edge longer than ~5 km
    coords = np.asarray(line.coords)
    _, _, seg_m = GEOD.inv(coords[:-1, 0], coords[:-1, 1], coords[1:, 0], coords[1:, 1])
    pieces, start, acc = [], 0, 0.0
    for i, seg in enumerate(np.atleast_1d(seg_m)):
        acc += seg
        if acc >= piece_km * 1000.0 and i + 2 < len(coords):
            pieces.append(LineString(coords[start : i + 2]))
            start, acc = i + 1, 0.0
    pieces.append(LineString(coords[start:]))
    return pieces


def buffer_geodesic(line, km: float, piece_km: float = PIECE_KM):
    """Polygon (lon/lat) of all points within `km` of a lon/lat line.

    The line is cut into pieces of about `piece_km`; each piece is buffered in an
    AEQD projection centred on its own midpoint (distances from the centre are
    true there, and the rest of a 300 km buffer around a 100 km piece stays within
    ~0.1% scale error), outlines are densified, unprojected and unioned.
    """
    parts = getattr(line, "geoms", [line])
    buffers = []
    for part in parts:
        for piece in split_line(part, piece_km):
            mid = piece.interpolate(0.5, normalized=True)
            fwd, inv = aeqd_transformers(round(mid.y, 6), round(mid.x, 6))
            projected = apply_transformer(piece, fwd)
            buf = shapely.segmentize(projected.buffer(km * 1000.0, quad_segs=QUAD_SEGS), DENSIFY_M)
            buffers.append(apply_transformer(buf, inv))
    return shapely.make_valid(shapely.union_all(buffers))


def within_km(line, km: float, territory):
    """Part of `territory` (lon/lat polygons) within `km` of `line`."""
    zone = buffer_geodesic(line, km)
    clipped = shapely.clip_by_rect(territory, *zone.bounds)
    return shapely.intersection(clipped, zone)


def _round_xy(xy: np.ndarray) -> np.ndarray:
    return np.array([[round(x, PRECISION), round(y, PRECISION)] for x, y in xy.tolist()]).reshape(
        xy.shape
    )


def round_line(geom):
    """Round a line to PRECISION decimals and drop repeated vertices."""
    out = shapely.remove_repeated_points(shapely.transform(geom, _round_xy))
    return shapely.line_merge(out) if out.geom_type == "MultiLineString" else out


def _as_multipolygon(geom) -> MultiPolygon:
    if isinstance(geom, MultiPolygon):
        return geom
    if isinstance(geom, Polygon):
        return MultiPolygon([geom])
    polys = [g for g in getattr(geom, "geoms", []) if isinstance(g, (Polygon, MultiPolygon))]
    return _as_multipolygon(shapely.union_all(polys))


def rfc7946_multipolygon(geom) -> MultiPolygon:
    """The polygons of `geom` as one valid MultiPolygon, exteriors CCW / holes CW (RFC 7946)."""
    out = shapely.orient_polygons(_as_multipolygon(geom), exterior_cw=False)
    if not out.is_valid:
        raise ValueError(f"geometry invalid after rounding: {shapely.is_valid_reason(out)}")
    return out


def round_polygons(geom) -> MultiPolygon:
    """Round to PRECISION decimals, keep valid, exteriors CCW / holes CW (RFC 7946)."""
    out = shapely.remove_repeated_points(shapely.transform(geom, _round_xy))
    if not out.is_valid:
        out = shapely.transform(shapely.set_precision(geom, 10.0**-PRECISION), _round_xy)
    return rfc7946_multipolygon(out)


def _coords(geom):
    """GeoJSON coordinates, rounded with Python's correctly-rounded round()."""
    r = lambda v: round(float(v), PRECISION)  # noqa: E731
    line = lambda g: [[r(x), r(y)] for x, y in g.coords]  # noqa: E731
    poly = lambda p: [line(p.exterior)] + [line(i) for i in p.interiors]  # noqa: E731
    kind = geom.geom_type
    if kind == "Point":
        return [r(geom.x), r(geom.y)]
    if kind == "LineString":
        return line(geom)
    if kind == "MultiLineString":
        return [line(g) for g in geom.geoms]
    if kind == "MultiPolygon":
        return [poly(p) for p in geom.geoms]
    raise TypeError(f"unsupported geometry {kind}")


def feature(properties: dict, geom) -> dict:
    """GeoJSON Feature with coordinates rounded to PRECISION (fixed key order)."""
    geometry = {"type": geom.geom_type, "coordinates": _coords(geom)}
    if geom.geom_type == "MultiPolygon":  # round-trip check of what is written
        back = shape(geometry)
        if not back.is_valid:
            raise ValueError(f"invalid after rounding: {shapely.is_valid_reason(back)}")
    return {"type": "Feature", "properties": properties, "geometry": geometry}
