"""Point lookups in process: what `ZonePiece.objects.lookup_at` answers, without a query.

Each worker keeps, per policy version, an STRtree of the lookup pieces PostGIS cut from the
public zones (`zones_zonepiece`) with its settled cells (mapsite/zones/settled_cells.py), and
the Ukraine–Russia border densified along geodesics (mapsite/zones/border_line.py). Both are
read from PostGIS, which stays the source of truth, and are thrown away when the data
version moves (the snapshot's version). Distances are geodesic on the WGS84 ellipsoid: the
nearest point of a nearby piece is found in Mercator, then measured exactly with
`pyproj.Geod`. Tests hold this path equal to the SQL one at thousands of points.
"""

import math
import threading
from dataclasses import dataclass

import numpy as np
import shapely
from django.conf import settings
from django.db import connection

from mapsite.zones import border_line, heap, settled_cells
from mapsite.zones.border_line import GEOD, geodesic_vertices
from mapsite.zones.models import ZonePiece
from mapsite.zones.querysets import box_degrees, metres_at_least, public_sql

PIECE_STEP_M = 1000.0  # a lookup piece's edges are densified to this, for distances to it
PIECE_SLACK_M = 2_000.0  # more than a straight edge in degrees strays from its geodesic
NEARBY_KM = 10.0  # areas within this of a point are listed as nearby (the engine's radius)
LIGHT_CELL_VERTICES = 1500  # a cell's pieces this light are bounded by their boxes alone
BULGE_DEG = 0.1  # more than a geodesic of a few tens of km strays poleward of its ends
FLATTEST_M = GEOD.a * (1 - GEOD.es)  # the least radius of curvature of the ellipsoid
BOX_HAIR = 1e-9  # radians in Mercator (under a cm), wider than math's and numpy's roundings differ

PIECES_SQL = f"""
SELECT p.zone_id, ST_AsBinary(p.geom)
  FROM zones_zonepiece p JOIN zones_zone z ON z.id = p.zone_id
 WHERE z.policy_id = %s AND {public_sql("z")}
 ORDER BY p.id
"""  # noqa: S608 (constants only; the value is a bound parameter)


@dataclass
class PolicyPieces:
    """One version's public lookup pieces, with the zone each belongs to."""

    tree: shapely.STRtree
    pieces: np.ndarray  # prepared, in the tree's order
    measured: np.ndarray  # each piece, its edges' geodesics traced, in Mercator: for distances
    zone_ids: np.ndarray
    settled: settled_cells.SettledCells  # cells whose points all get one answer (NEARBY_KM)
    light: list[bool]  # per cell: its candidates, traced, have LIGHT_CELL_VERTICES at most
    boxes: list[tuple[float, ...]]  # per piece: `_boxes`
    zone_of: list[int]  # per piece: its zone's id (zone_ids, as Python numbers)


def _geodesic_polygon(polygon, step_m: float):
    rings = [polygon.exterior, *polygon.interiors]
    shell, *holes = (geodesic_vertices(np.asarray(r.coords)[:, :2], step_m) for r in rings)
    return shapely.Polygon(shell, holes)


def _pieces(policy_id: int) -> PolicyPieces:
    with connection.cursor() as cursor:
        cursor.execute(PIECES_SQL, [policy_id])
        rows = cursor.fetchall()
    zone_ids = np.array([row[0] for row in rows], dtype=np.int64)
    pieces = shapely.from_wkb([bytes(row[1]) for row in rows])
    shapely.prepare(pieces)
    traced = [_geodesic_polygon(piece, PIECE_STEP_M) for piece in pieces]
    measured = shapely.transform(np.array(traced, dtype=object), _mercator)
    tree = shapely.STRtree(pieces)
    settled = settled_cells.settle(tree, pieces, zone_ids, NEARBY_KM, PIECE_SLACK_M)
    # Measuring a light piece costs less than the bound that would skip it (both are GEOS
    # walks of its vertices, the bound with a dozen more calls around it).
    vertices = np.concatenate(
        [[0], np.cumsum(shapely.get_num_coordinates(measured[settled.candidates]))]
    )
    light = vertices[settled.offsets[1:]] - vertices[settled.offsets[:-1]] <= LIGHT_CELL_VERTICES
    return PolicyPieces(
        tree,
        pieces,
        measured,
        zone_ids,
        settled,
        light.tolist(),
        _boxes(measured),
        zone_ids.tolist(),
    )


def _boxes(measured: np.ndarray) -> list[tuple[float, ...]]:
    """Each traced piece's box in Mercator, with the cosine of the farthest latitude a
    geodesic to it may reach (its own farthest, and BULGE_DEG more)."""
    bounds = shapely.bounds(measured)
    farthest = np.degrees(np.arctan(np.sinh(np.abs(bounds[:, [1, 3]]).max(1))))
    cosine = np.cos(np.radians(np.minimum(farthest + BULGE_DEG, 89.0)))
    return [tuple(row) for row in np.column_stack([bounds, cosine]).tolist()]


def _mercator_y(phi, xp=np):
    """Mercator's northing (on the sphere) of latitudes in radians; `xp` is numpy or math."""
    return xp.log(xp.tan(xp.pi / 4 + phi / 2))


def _mercator(coords: np.ndarray) -> np.ndarray:
    """Mercator (on the sphere, of geodetic lon/lat): conformal, so the foot of a
    perpendicular from a point to a shape some kilometres away is where it should be."""
    lam, phi = np.radians(coords[:, 0]), np.radians(coords[:, 1])
    return np.stack([lam, _mercator_y(phi)], -1)


def _mercator_point(lon: float, lat: float) -> shapely.Point:
    """`_mercator` of one point, without numpy's per-call cost."""
    return shapely.Point(math.radians(lon), _mercator_y(math.radians(lat), math))


def _metres_to_many(lon: float, lat: float, shapes: np.ndarray) -> list[float]:
    """Geodesic metres from a point to each of some nearby shapes (in Mercator) it is not
    inside: the foot found in Mercator, then measured on the ellipsoid. A few feet each time:
    pyproj's call for one point costs less than its array call's conversions."""
    origin = _mercator_point(lon, lat)
    feet = shapely.get_coordinates(shapely.shortest_line(origin, shapes))[1::2].tolist()
    inv, degrees, atan, sinh = GEOD.inv, math.degrees, math.atan, math.sinh
    return [inv(lon, lat, degrees(x), degrees(atan(sinh(y))))[2] for x, y in feet]


def _by_boxes(boxes, pieces: list[int], lon: float, lat: float, radius_m: float):
    """Indexes into `pieces`: those whose boxes in Mercator (`_boxes`) hold the point, to a
    hair (BOX_HAIR), the only ones that may; and those whose boxes may lie within `radius_m`
    of it. A path on the ellipsoid is at least FLATTEST_M times the cosine of its farthest
    latitude times its length in Mercator, so a box farther than that is dropped. Beyond
    89° (where Mercator runs out, and the bound's cosine stops) every piece stays."""
    if abs(lat) > 89.0:
        every = list(range(len(pieces)))
        return every, every
    x, y = math.radians(lon), _mercator_y(math.radians(lat), math)
    here = math.cos(math.radians(min(abs(lat) + BULGE_DEG, 89.0)))
    reach = radius_m / FLATTEST_M
    holding, near = [], []
    for k, piece in enumerate(pieces):
        west, south, east, north, cosine = boxes[piece]
        dx, dy = max(west - x, x - east, 0.0), max(south - y, y - north, 0.0)
        if dx <= BOX_HAIR and dy <= BOX_HAIR:
            holding.append(k)
            near.append(k)
        elif math.hypot(dx, dy) * min(cosine, here) <= reach:
            near.append(k)
    return holding, near


def _maybe_within(pieces, kept: list[int], lon: float, lat: float, box: float, radius_km: float):
    """Those of `kept` (indexes into `pieces`) that may lie within `radius_km` of the point:
    a piece whose distance in degrees is surely more than the radius, anywhere in the window
    (`metres_at_least`), is dropped before it is measured on the ellipsoid."""
    degrees = shapely.distance(pieces[kept], shapely.Point(lon, lat))
    bound = metres_at_least(degrees, abs(lat) + box, PIECE_SLACK_M).tolist()
    return [k for k, metres in zip(kept, bound, strict=True) if metres <= radius_km * 1000]


class PointIndex:
    """Everything a point lookup needs, for one data version."""

    def __init__(self, version: int):
        self.version = version
        self.border = border_line.read()
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
        return self.border.metres(lon, lat) if self.border is not None else None

    def lookup_at(self, lon: float, lat: float, policy_id: int, radius_km: float):
        """As `ZonePiece.objects.lookup_at`: the zone ids holding the point, the metres to
        the border, and [zone id, metres] for the zones within `radius_km`."""
        index = self.pieces(policy_id)
        cells = index.settled
        cell = cells.cell_at(lon, lat, radius_km)
        settled = cells.settled_areas(cell) if cell is not None else None
        if settled is not None:
            return list(settled), self.border_metres(lon, lat), [[z, 0.0] for z in settled]
        box = box_degrees(lat, radius_km)
        if cell is None:
            window = shapely.box(lon - box, lat - box, lon + box, lat + box)
            held, candidates = (), index.tree.query(window)  # the point's pieces are among them
        else:
            held, candidates = cells.still_to_test(cell)
        pieces, zone_of = candidates.tolist(), index.zone_of
        boxed, near = _by_boxes(index.boxes, pieces, lon, lat, radius_km * 1000)
        here = set(held)
        if boxed:
            tested = candidates[boxed]
            holding = shapely.intersects_xy(index.pieces[tested], lon, lat).tolist()
            here.update(
                [zone_of[p] for p, holds in zip(tested.tolist(), holding, strict=True) if holds]
            )
        inside = sorted(here)
        if cell is None or not index.light[cell]:
            kept = [k for k, piece in enumerate(pieces) if zone_of[piece] not in here]
            if kept:
                kept = _maybe_within(index.pieces[candidates], kept, lon, lat, box, radius_km)
        else:
            kept = [k for k in near if zone_of[pieces[k]] not in here]
        nearest = dict.fromkeys(inside, 0.0)
        if kept:
            metres = _metres_to_many(lon, lat, index.measured[candidates[kept]])
            for k, distance in zip(kept, metres, strict=True):
                zone_id = zone_of[pieces[k]]
                nearest[zone_id] = min(distance, nearest.get(zone_id, math.inf))
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
    current = _current  # read once: another thread may replace it, never change it
    if current is not None and current.version == version:
        return current
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
