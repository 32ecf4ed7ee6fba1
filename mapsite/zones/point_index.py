"""Point lookups in process: what `ZonePiece.objects.lookup_at` answers, without a query.

Each worker keeps, per policy version, an STRtree of the lookup pieces PostGIS cut from the
public zones (`zones_zonepiece`), and the Ukraine–Russia border densified along geodesics.
Both are read from PostGIS, which stays the source of truth, and are thrown away when the
data version moves (the snapshot's version). Distances are geodesic on the WGS84 ellipsoid:
the nearest point is found in Mercator (nearby pieces) or in a plane tangent at the border's
nearest vertex, then measured exactly with `pyproj.Geod`. Tests hold this path equal to the
SQL one at thousands of points.
"""

import math
import threading
from dataclasses import dataclass

import numpy as np
import shapely
from django.conf import settings
from django.db import connection
from pyproj import Geod

from mapsite.zones import heap
from mapsite.zones.models import ZonePiece
from mapsite.zones.querysets import BORDER_SLUG, box_degrees, public_sql

GEOD = Geod(ellps="WGS84")
BORDER_STEP_M = 500.0  # the border is densified to steps no longer than this
PIECE_STEP_M = 1000.0  # a lookup piece's edges, likewise, for distances to it
PIECE_SLACK_M = 2_000.0  # more than a straight edge in degrees strays from its geodesic
BORDER_NEIGHBOURS = 3  # steps either side of the nearest vertex searched for the foot

PIECES_SQL = f"""
SELECT p.zone_id, ST_AsBinary(p.geom)
  FROM zones_zonepiece p JOIN zones_zone z ON z.id = p.zone_id
 WHERE z.policy_id = %s AND {public_sql("z")}
 ORDER BY p.id
"""  # noqa: S608 (constants only; the value is a bound parameter)
BORDER_SQL = "SELECT ST_AsBinary(geom) FROM zones_referencefeature WHERE slug = %s"


@dataclass
class PolicyPieces:
    """One version's public lookup pieces, with the zone each belongs to."""

    tree: shapely.STRtree
    pieces: np.ndarray  # prepared, in the tree's order
    measured: np.ndarray  # each piece, its edges' geodesics traced, in Mercator: for distances
    zone_ids: np.ndarray


@dataclass
class BorderLine:
    """The border's vertices, densified, as lon/lat and as unit vectors (for the nearest)."""

    lons: np.ndarray
    lats: np.ndarray
    unit: np.ndarray
    part: np.ndarray  # which line of a multi-line each vertex is on

    def __post_init__(self):
        self.vertices = list(zip(self.lons.tolist(), self.lats.tolist(), strict=True))
        self.parts = self.part.tolist()


def _unit(lons, lats) -> np.ndarray:
    lam, phi = np.radians(lons), np.radians(lats)
    return np.stack([np.cos(phi) * np.cos(lam), np.cos(phi) * np.sin(lam), np.sin(phi)], -1)


def _geodesic_vertices(coords: np.ndarray, step_m: float) -> np.ndarray:
    """A ring or line with points added along each edge's geodesic, so no step is longer
    than `step_m`: PostGIS measures geography as if edges were geodesics, and so do we."""
    lon1, lat1 = coords[:-1, 0], coords[:-1, 1]
    lon2, lat2 = coords[1:, 0], coords[1:, 1]
    lengths = GEOD.inv(lon1, lat1, lon2, lat2)[2] if len(coords) > 1 else np.zeros(0)
    out = [coords[:1]]
    for k, metres in enumerate(lengths):
        extra = math.ceil(metres / step_m) - 1
        if extra > 0:
            points = GEOD.npts(lon1[k], lat1[k], lon2[k], lat2[k], extra)
            out.append(np.asarray(points, dtype=float).reshape(-1, 2))
        out.append(coords[k + 1 : k + 2])
    return np.concatenate(out)


def _geodesic_polygon(polygon, step_m: float):
    rings = [polygon.exterior, *polygon.interiors]
    shell, *holes = (_geodesic_vertices(np.asarray(r.coords)[:, :2], step_m) for r in rings)
    return shapely.Polygon(shell, holes)


def _border() -> BorderLine | None:
    with connection.cursor() as cursor:
        cursor.execute(BORDER_SQL, [BORDER_SLUG])
        row = cursor.fetchone()
    if not row:
        return None
    geom = shapely.from_wkb(bytes(row[0]))
    lines = list(geom.geoms) if hasattr(geom, "geoms") else [geom]
    parts = [_geodesic_vertices(np.asarray(line.coords)[:, :2], BORDER_STEP_M) for line in lines]
    coords = np.concatenate(parts)
    part = np.concatenate([np.full(len(p), i) for i, p in enumerate(parts)])
    return BorderLine(coords[:, 0], coords[:, 1], _unit(coords[:, 0], coords[:, 1]), part)


def _pieces(policy_id: int) -> PolicyPieces:
    with connection.cursor() as cursor:
        cursor.execute(PIECES_SQL, [policy_id])
        rows = cursor.fetchall()
    zone_ids = np.array([row[0] for row in rows], dtype=np.int64)
    pieces = shapely.from_wkb([bytes(row[1]) for row in rows])
    shapely.prepare(pieces)
    traced = [_geodesic_polygon(piece, PIECE_STEP_M) for piece in pieces]
    measured = shapely.transform(np.array(traced, dtype=object), _mercator)
    return PolicyPieces(shapely.STRtree(pieces), pieces, measured, zone_ids)


def _mercator(coords: np.ndarray) -> np.ndarray:
    """Mercator (on the sphere, of geodetic lon/lat): conformal, so the foot of a
    perpendicular from a point to a shape some kilometres away is where it should be."""
    lam, phi = np.radians(coords[:, 0]), np.radians(coords[:, 1])
    return np.stack([lam, np.log(np.tan(np.pi / 4 + phi / 2))], -1)


def _from_mercator(xy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return np.degrees(xy[:, 0]), np.degrees(2 * np.arctan(np.exp(xy[:, 1])) - np.pi / 2)


def _to_plane(lon0: float, lat0: float):
    """Metres east and north in a plane tangent to the ellipsoid at (lon0, lat0)."""
    sin = math.sin(math.radians(lat0))
    w = math.sqrt(1 - GEOD.es * sin * sin)
    east = math.radians(1) * GEOD.a / w * math.cos(math.radians(lat0))  # metres a degree
    north = math.radians(1) * GEOD.a * (1 - GEOD.es) / w**3

    def forward(lon: float, lat: float) -> tuple[float, float]:
        return (lon - lon0) * east, (lat - lat0) * north

    def back(x: float, y: float) -> tuple[float, float]:
        return lon0 + x / east, lat0 + y / north

    return forward, back


def _metres_to_many(lon: float, lat: float, shapes: np.ndarray) -> np.ndarray:
    """Geodesic metres from a point to each of some nearby shapes (in Mercator) it is not
    inside: the foot found in Mercator, then measured on the ellipsoid."""
    origin = shapely.Point(_mercator(np.array([[lon, lat]]))[0])
    feet = shapely.get_coordinates(shapely.shortest_line(origin, shapes))[1::2]
    foot_lons, foot_lats = _from_mercator(feet)
    count = len(feet)
    return GEOD.inv(np.full(count, lon), np.full(count, lat), foot_lons, foot_lats)[2]


def _maybe_within(pieces, kept: list[int], lon: float, lat: float, box: float, radius_km: float):
    """Those of `kept` (indexes into `pieces`) that may lie within `radius_km` of the point:
    a piece farther in degrees than a sure lower bound of the radius is dropped before it is
    measured on the ellipsoid. A degree is at least 110 km of latitude and 110 km times the
    cosine of the window's farthest latitude of longitude; straight edges in degrees stray
    from the geodesics measured by less than PIECE_SLACK_M."""
    cos = math.cos(math.radians(min(abs(lat) + box, 89.0)))
    degrees = shapely.distance(pieces[kept], shapely.Point(lon, lat))
    bound = (degrees * 110_000.0 * cos - PIECE_SLACK_M).tolist()
    return [k for k, metres in zip(kept, bound, strict=True) if metres <= radius_km * 1000]


def _foot_on_polyline(origin: tuple[float, float], vertices: list) -> tuple[float, float]:
    """The point of a short polyline (plane coordinates) nearest `origin`."""
    ox, oy = origin
    best, foot = math.inf, vertices[0]
    for (x1, y1), (x2, y2) in zip(vertices, vertices[1:], strict=False):
        dx, dy = x2 - x1, y2 - y1
        t = ((ox - x1) * dx + (oy - y1) * dy) / max(dx * dx + dy * dy, 1e-12)
        t = min(max(t, 0.0), 1.0)
        fx, fy = x1 + t * dx, y1 + t * dy
        d2 = (fx - ox) ** 2 + (fy - oy) ** 2
        if d2 < best:
            best, foot = d2, (fx, fy)
    return foot


class PointIndex:
    """Everything a point lookup needs, for one data version."""

    def __init__(self, version: int):
        self.version = version
        self.border = _border()
        self.policies: dict[int, PolicyPieces] = {}

    def pieces(self, policy_id: int) -> PolicyPieces:
        if policy_id not in self.policies:
            self.build([policy_id])
        return self.policies[policy_id]

    def build(self, policy_ids) -> None:
        """Build these versions' pieces, then settle the heap once for all of them."""
        for policy_id in policy_ids:
            self.policies[policy_id] = _pieces(policy_id)
        heap.settle()

    def border_metres(self, lon: float, lat: float) -> float | None:
        line = self.border
        if line is None:
            return None
        lam, phi = math.radians(lon), math.radians(lat)
        here = (math.cos(phi) * math.cos(lam), math.cos(phi) * math.sin(lam), math.sin(phi))
        nearest = int(np.argmax(line.unit @ here))
        low, high = max(0, nearest - BORDER_NEIGHBOURS), nearest + BORDER_NEIGHBOURS + 1
        part = line.parts[nearest]
        window = zip(line.vertices[low:high], line.parts[low:high], strict=True)
        coords = [vertex for vertex, p in window if p == part]
        vertex_lon, vertex_lat = line.vertices[nearest]
        if len(coords) == 1:
            return GEOD.inv(lon, lat, vertex_lon, vertex_lat)[2]
        # The point placed in the plane tangent at the nearest vertex by its true azimuth and
        # distance from there, so a far point's foot on the line is found as near as a close one's.
        azimuth, _, metres = GEOD.inv(vertex_lon, vertex_lat, lon, lat)
        origin = (
            metres * math.sin(math.radians(azimuth)),
            metres * math.cos(math.radians(azimuth)),
        )
        forward, back = _to_plane(vertex_lon, vertex_lat)
        foot = _foot_on_polyline(origin, [forward(x, y) for x, y in coords])
        return GEOD.inv(lon, lat, *back(*foot))[2]

    def lookup_at(self, lon: float, lat: float, policy_id: int, radius_km: float):
        """As `ZonePiece.objects.lookup_at`: the zone ids holding the point, the metres to
        the border, and [zone id, metres] for the zones within `radius_km`."""
        index = self.pieces(policy_id)
        box = box_degrees(lat, radius_km)
        window = shapely.box(lon - box, lat - box, lon + box, lat + box)
        candidates = index.tree.query(window)  # the point's pieces are among them
        holding = shapely.intersects_xy(index.pieces[candidates], lon, lat)
        inside = sorted(set(index.zone_ids[candidates[holding]].tolist()))
        zone_ids = index.zone_ids[candidates].tolist()
        kept = [k for k, zone_id in enumerate(zone_ids) if zone_id not in inside]
        if kept:
            kept = _maybe_within(index.pieces[candidates], kept, lon, lat, box, radius_km)
        nearest = dict.fromkeys(inside, 0.0)
        if kept:
            metres = _metres_to_many(lon, lat, index.measured[candidates[kept]])
            for k, distance in zip(kept, metres.tolist(), strict=True):
                nearest[zone_ids[k]] = min(distance, nearest.get(zone_ids[k], math.inf))
        radius = radius_km * 1000
        nearby = [[zone_id, m] for zone_id, m in sorted(nearest.items()) if m <= radius]
        return inside, self.border_metres(lon, lat), nearby


_lock = threading.Lock()
_current: PointIndex | None = None


class SqlLookup:
    """The same answers from one PostGIS query each (settings.POINT_LOOKUP = "sql")."""

    def lookup_at(self, lon: float, lat: float, policy_id: int, radius_km: float):
        return ZonePiece.objects.lookup_at(lon, lat, policy_id, radius_km)


def for_version(version: int) -> PointIndex | SqlLookup:
    """The index for a data version (the snapshot's), rebuilt when the version moves."""
    global _current
    if settings.POINT_LOOKUP == "sql":
        return SqlLookup()
    with _lock:
        if _current is None or _current.version != version:
            _current = PointIndex(version)
        return _current


def prepare() -> PointIndex | SqlLookup:
    """Build every applied version's pieces now (a worker starting up), so no reader's first
    click on a date waits for its version's pieces."""
    from mapsite.zones import snapshot

    snap = snapshot.current()
    index = for_version(snap.version)
    if isinstance(index, PointIndex):
        index.build([policy.id for policy in snap.policies if not policy.disputed])
    return index


def forget() -> None:
    """Drop the index (tests, whose rolled-back writes can reuse a data version number)."""
    global _current
    with _lock:
        _current = None
