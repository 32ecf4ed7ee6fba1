"""The Ukraine–Russia border in process: the metres from a point to it, on the ellipsoid.

The line is read from PostGIS (`zones_referencefeature`) and densified along its geodesics.
A point's nearest vertex is the one whose unit vector is closest to the point's; the foot
is then found in the plane tangent at that vertex, among its neighbours, and the distance
measured exactly with `pyproj.Geod`. Over the map's first view (the settled cells' grid)
each 1/32° cell keeps the few vertices that can be nearest to any of its points, so a point
there compares one or a handful of vertices in plain Python, not a matrix of them.
"""

import math
from dataclasses import dataclass

import numpy as np
import shapely
from django.db import connection
from pyproj import Geod

from mapsite.zones import settled_cells
from mapsite.zones.querysets import BORDER_SLUG

GEOD = Geod(ellps="WGS84")
BORDER_STEP_M = 500.0  # the border is densified to steps no longer than this
BORDER_NEIGHBOURS = 3  # steps either side of the nearest vertex searched for the foot
RUN_CELLS_PER_DEGREE = 8  # coarse cells: a run of the line that bounds each of their cells
CELLS_PER_DEGREE = 32  # the cells that keep their candidate vertices (a multiple of the above)
CORNER_PAD_DEG = 1e-5  # a parallel bows out of its corners' cone by under 2e-6° in a cell
DOMINANCE_MARGIN = 1e-12  # a vertex is dropped only when beaten by more (cosines, ~1e-16 noise)
BORDER_SQL = "SELECT ST_AsBinary(geom) FROM zones_referencefeature WHERE slug = %s"


def unit_vectors(lons, lats) -> np.ndarray:
    lam, phi = np.radians(lons), np.radians(lats)
    return np.stack([np.cos(phi) * np.cos(lam), np.cos(phi) * np.sin(lam), np.sin(phi)], -1)


def geodesic_vertices(coords: np.ndarray, step_m: float) -> np.ndarray:
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


@dataclass(frozen=True, slots=True)
class VertexFrame:
    """A border vertex: its unit vector, its tangent plane's metres a degree east and north,
    and the segments of its part up to BORDER_NEIGHBOURS steps either side in that plane (the
    vertex at 0, 0), each as (x, y, dx, dy, 1 / length²)."""

    lon: float
    lat: float
    x: float
    y: float
    z: float
    east: float
    north: float
    segments: tuple[tuple[float, float, float, float, float], ...]


def _frame(k: int, vertices: list, parts: list, unit: tuple) -> VertexFrame:
    lon0, lat0 = vertices[k]
    sin = math.sin(math.radians(lat0))
    w = math.sqrt(1 - GEOD.es * sin * sin)
    east = math.radians(1) * GEOD.a / w * math.cos(math.radians(lat0))
    north = math.radians(1) * GEOD.a * (1 - GEOD.es) / w**3
    low, high = max(0, k - BORDER_NEIGHBOURS), k + BORDER_NEIGHBOURS + 1
    window = zip(vertices[low:high], parts[low:high], strict=True)
    around = [
        ((lon - lon0) * east, (lat - lat0) * north) for (lon, lat), p in window if p == parts[k]
    ]
    segments = tuple(
        (x1, y1, x2 - x1, y2 - y1, 1 / max((x2 - x1) ** 2 + (y2 - y1) ** 2, 1e-12))
        for (x1, y1), (x2, y2) in zip(around, around[1:], strict=False)
    )
    return VertexFrame(lon0, lat0, *unit, east, north, segments)


def _foot(x: float, y: float, segments) -> tuple[float, float]:
    """The point of a short polyline (plane coordinates, as segments) nearest (x, y)."""
    best, foot = math.inf, (0.0, 0.0)
    for x1, y1, dx, dy, inverse in segments:
        t = min(max(((x - x1) * dx + (y - y1) * dy) * inverse, 0.0), 1.0)
        fx, fy = x1 + t * dx, y1 + t * dy
        d2 = (fx - x) ** 2 + (fy - y) ** 2
        if d2 < best:
            best, foot = d2, (fx, fy)
    return foot


class BorderLine:
    """The border's vertices, densified: unit vectors (for the nearest), each vertex's frame,
    and each grid cell's candidates: the vertices that can be nearest to its points."""

    def __init__(self, coords: np.ndarray, part: np.ndarray):
        self.unit = unit_vectors(coords[:, 0], coords[:, 1])
        vertices = [tuple(c) for c in coords[:, :2].tolist()]
        parts = part.tolist()
        units = [tuple(u) for u in self.unit.tolist()]
        self.frames = [_frame(k, vertices, parts, units[k]) for k in range(len(vertices))]
        self.west, self.south, east, north = settled_cells.grid_box()
        self.columns = (east - self.west) * CELLS_PER_DEGREE
        self.rows = (north - self.south) * CELLS_PER_DEGREE
        self.candidates = self._candidates()

    def _runs(self) -> np.ndarray:
        """For each coarse cell (RUN_CELLS_PER_DEGREE; column * rows + row), (first, last + 1)
        of the vertices within the angle to its centre's nearest plus its diameter: any point
        of the cell has its nearest among them (triangle inequality on the sphere)."""
        step = 1 / RUN_CELLS_PER_DEGREE
        coarse = CELLS_PER_DEGREE // RUN_CELLS_PER_DEGREE
        column, row = np.divmod(
            np.arange(self.columns * self.rows // coarse**2), self.rows // coarse
        )
        west, south = self.west + column * step, self.south + row * step
        centre = unit_vectors(west + step / 2, south + step / 2)
        corners = [unit_vectors(west + dx, south + dy) for dx in (0, step) for dy in (0, step)]
        spread = np.max([np.arccos(np.clip((centre * c).sum(-1), -1, 1)) for c in corners], 0)
        count, runs = len(self.unit), []
        for start in range(0, len(centre), 1024):
            cosines = centre[start : start + 1024] @ self.unit.T
            nearest = np.arccos(np.clip(cosines.max(1), -1, 1))
            # 1e-7 rad (0.6 m): arccos near 1 is that coarse
            angle = np.minimum(nearest + 2 * spread[start : start + 1024] + 1e-7, np.pi)
            near = cosines >= np.cos(angle)[:, None]  # every row holds its nearest at least
            runs.append(np.stack([near.argmax(1), count - near[:, ::-1].argmax(1)], -1))
        return np.concatenate(runs)

    def _candidates(self) -> list[tuple[VertexFrame, ...]]:
        """For each cell (column * rows + row), the vertices that can be nearest to its points,
        in the order of the line. A vertex's cosine to a point is linear in the point's unit
        vector, so what holds at a cell's four corners (pushed out by CORNER_PAD_DEG) holds in
        their cone, the whole cell: when one vertex is nearest to all four, it is nearest to
        every point; else the run's vertices stay that none of the corners' nearest beats at
        all four corners."""
        step, fine = 1 / CELLS_PER_DEGREE, CELLS_PER_DEGREE // RUN_CELLS_PER_DEGREE
        column, row = np.divmod(np.arange(self.columns * self.rows), self.rows)
        west, south = self.west + column * step, self.south + row * step
        pad = CORNER_PAD_DEG
        corners = np.stack(
            [
                unit_vectors(west + x, south + y)
                for x in (-pad, step + pad)
                for y in (-pad, step + pad)
            ],
            1,
        )  # cells x 4 x 3
        coarse_rows = self.rows // fine
        offsets = (np.arange(fine)[:, None] * self.rows + np.arange(fine)).ravel()
        found: list[tuple[VertexFrame, ...]] = [()] * len(corners)
        shared: dict[tuple[int, ...], tuple[VertexFrame, ...]] = {}
        # A vertex nearest to a point of the cell is within the angle to a corner's nearest
        # plus twice the cell's diagonal of that corner (the triangle inequality, twice).
        diagonal = np.arccos(np.clip((corners[:, 0] * corners[:, 3]).sum(-1), -1, 1)).tolist()
        for coarse, (first, last) in enumerate(self._runs().tolist()):
            coarse_column, coarse_row = divmod(coarse, coarse_rows)
            cells = coarse_column * fine * self.rows + coarse_row * fine + offsets
            cosines = corners[cells].reshape(-1, 3) @ self.unit[first:last].T  # 4 rows a cell
            nearest = cosines.argmax(1).reshape(len(cells), 4)
            for k, (cell, winners) in enumerate(zip(cells.tolist(), nearest.tolist(), strict=True)):
                if winners.count(winners[0]) == 4:
                    kept = (first + winners[0],)
                else:
                    at_corners = cosines[4 * k : 4 * k + 4]
                    reach = math.acos(min(at_corners[0, winners[0]], 1.0)) + 2 * diagonal[cell]
                    near = np.flatnonzero(at_corners[0] >= math.cos(min(reach + 1e-7, math.pi)))
                    beating = at_corners[:, winners]  # corner x each corner's nearest
                    beaten = beating[:, :, None] - at_corners[:, None, near] > DOMINANCE_MARGIN
                    kept = tuple((first + near[~beaten.all(0).any(0)]).tolist())
                if kept not in shared:
                    shared[kept] = tuple(self.frames[i] for i in kept)
                found[cell] = shared[kept]
        return found

    def _nearest(self, lon: float, lat: float) -> VertexFrame:
        column = math.floor((lon - self.west) * CELLS_PER_DEGREE)
        row = math.floor((lat - self.south) * CELLS_PER_DEGREE)
        if 0 <= column < self.columns and 0 <= row < self.rows:
            candidates = self.candidates[column * self.rows + row]
            if len(candidates) == 1:
                return candidates[0]
        else:
            candidates = None
        lam, phi = math.radians(lon), math.radians(lat)
        x, y, z = math.cos(phi) * math.cos(lam), math.cos(phi) * math.sin(lam), math.sin(phi)
        if candidates is not None:  # the first of the nearest, as argmax over the line picks
            return max(candidates, key=lambda f: x * f.x + y * f.y + z * f.z)
        return self.frames[int(np.dot(self.unit, (x, y, z)).argmax())]

    def metres(self, lon: float, lat: float) -> float:
        """Geodesic metres from the point to the border."""
        frame = self._nearest(lon, lat)
        if not frame.segments:
            return GEOD.inv(lon, lat, frame.lon, frame.lat)[2]
        # The point placed in the plane tangent at the nearest vertex by its true azimuth and
        # distance from there, so a far point's foot on the line is found as near as a close one's.
        azimuth, _, metres = GEOD.inv(frame.lon, frame.lat, lon, lat)
        angle = math.radians(azimuth)
        x, y = _foot(metres * math.sin(angle), metres * math.cos(angle), frame.segments)
        return GEOD.inv(lon, lat, frame.lon + x / frame.east, frame.lat + y / frame.north)[2]


_built: tuple[bytes, BorderLine] | None = None  # the last line built, by its WKB


def read() -> BorderLine | None:
    """The border from PostGIS, densified; None when the data has none. The same line is
    built once: a new data version with the same border reuses it."""
    global _built
    with connection.cursor() as cursor:
        cursor.execute(BORDER_SQL, [BORDER_SLUG])
        row = cursor.fetchone()
    if not row:
        return None
    wkb = bytes(row[0])
    built = _built  # read once: another thread may replace it
    if built is not None and built[0] == wkb:
        return built[1]
    geom = shapely.from_wkb(wkb)
    lines = list(geom.geoms) if hasattr(geom, "geoms") else [geom]
    parts = [geodesic_vertices(np.asarray(line.coords)[:, :2], BORDER_STEP_M) for line in lines]
    part = np.concatenate([np.full(len(p), i) for i, p in enumerate(parts)])
    line = BorderLine(np.concatenate(parts), part)
    _built = (wkb, line)
    return line
