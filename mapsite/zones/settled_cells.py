"""Settled cells: grid cells where every point gets the same areas from the point index.

Over the map's first view (the box `vocabulary.first_view_box` gives for the default view),
each policy version's lookup pieces are laid on a grid of 1/16° cells. A cell is settled
when `PointIndex.lookup_at` answers alike for all of its points (edges included):

- the areas holding the cell are those with a piece that contains the whole cell;
- every piece of any other area is surely farther than the nearby radius from all of the
  cell, by the lower bound each point's lookup applies (`querysets.metres_at_least`: the
  cell's distance in degrees is no more than any of its points', and its farthest latitude
  no nearer the equator than theirs).

Then a point's answer is those areas, each "nearby" at 0 m, and only its distance to the
border is left to measure. An unsettled cell keeps what its points still have to test: the
areas holding all of it, and the pieces of other areas that are not surely out of reach
(its candidates), so its points skip the tree. Outside the grid, or for another radius, a
point takes the general path.
"""

import math
from dataclasses import dataclass

import numpy as np
import shapely

from mapsite.zones import vocabulary
from mapsite.zones.querysets import box_degrees, metres_at_least

CELLS_PER_DEGREE = 16  # a power of two: the cell edges are exact in binary floating point
UNSETTLED = -1
MARGIN_M = 1.0  # the per-point bound's rounding, kept clear of


def grid_box() -> tuple[int, int, int, int]:
    """(west, south, east, north) of the grid: the first view's box at the default view."""
    lat, lon = vocabulary.DEFAULT_CENTER
    box = vocabulary.first_view_box(lat, lon, vocabulary.DEFAULT_ZOOM)
    if box is None:
        raise ValueError("the default view's box spans the world: no grid to settle")
    return box


@dataclass
class SettledCells:
    """One version's settled cells: for each cell, an index into `areas`, or UNSETTLED."""

    west: int
    south: int
    columns: int
    rows: int
    radius_km: float
    cells: np.ndarray  # int32, columns x rows, flattened column-major (column * rows + row)
    areas: list[tuple[int, ...]]  # sorted zone ids holding a cell
    held: np.ndarray  # int32 per cell: an index into `areas`, the areas holding all of it
    offsets: np.ndarray  # int32, cells + 1: cell c's candidates are [offsets[c], offsets[c+1])
    candidates: np.ndarray  # int32: indexes of pieces, cell after cell

    def cell_at(self, lon: float, lat: float, radius_km: float) -> int | None:
        """The cell holding a point (edges included), for this radius; None off the grid."""
        if radius_km != self.radius_km:
            return None
        column = math.floor((lon - self.west) * CELLS_PER_DEGREE)
        row = math.floor((lat - self.south) * CELLS_PER_DEGREE)
        if not (0 <= column < self.columns and 0 <= row < self.rows):
            return None
        # The cell's edges hold the point exactly (the subtraction could round, far from 0).
        step = 1 / CELLS_PER_DEGREE
        if not (
            self.west + column * step <= lon <= self.west + (column + 1) * step
            and self.south + row * step <= lat <= self.south + (row + 1) * step
        ):
            return None
        return column * self.rows + row

    def areas_at(self, lon: float, lat: float, radius_km: float) -> tuple[int, ...] | None:
        """The zone ids holding a point in a settled cell; None where it is not settled."""
        cell = self.cell_at(lon, lat, radius_km)
        return None if cell is None else self.settled_areas(cell)

    def settled_areas(self, cell: int) -> tuple[int, ...] | None:
        """The zone ids holding a settled cell; None when it is not settled."""
        answer = int(self.cells[cell])
        return None if answer == UNSETTLED else self.areas[answer]

    def still_to_test(self, cell: int) -> tuple[tuple[int, ...], np.ndarray]:
        """An unsettled cell's areas holding all of it, and its candidate pieces."""
        start, end = self.offsets[cell : cell + 2].tolist()
        return self.areas[self.held[cell]], self.candidates[start:end]

    @property
    def settled_share(self) -> float:
        return float(np.count_nonzero(self.cells != UNSETTLED)) / len(self.cells)


def settle(tree, pieces, zone_ids, radius_km: float, slack_m: float) -> SettledCells:
    """The settled cells of one version's pieces (in `tree`'s order), for `radius_km`;
    `slack_m` is how far a straight edge in degrees may stray from its geodesic."""
    west, south, east, north = grid_box()
    columns, rows = (east - west) * CELLS_PER_DEGREE, (north - south) * CELLS_PER_DEGREE
    column, row = np.divmod(np.arange(columns * rows), rows)
    x0, y0 = west + column / CELLS_PER_DEGREE, south + row / CELLS_PER_DEGREE
    x1, y1 = x0 + 1 / CELLS_PER_DEGREE, y0 + 1 / CELLS_PER_DEGREE
    cells = shapely.box(x0, y0, x1, y1)
    top = np.maximum(np.abs(y0), np.abs(y1))
    reach = np.array([box_degrees(lat, radius_km) for lat in top.tolist()])
    # Every piece any point of a cell could see: its own window is inside this one.
    cell_of, piece = tree.query(shapely.box(x0 - reach, y0 - reach, x1 + reach, y1 + reach))
    holds = shapely.contains(pieces[piece], cells[cell_of])
    degrees = shapely.distance(pieces[piece], cells[cell_of])
    bound = metres_at_least(degrees, (top + reach)[cell_of], slack_m)
    far = bound > radius_km * 1000 + MARGIN_M

    zone = zone_ids[piece]
    key_base = int(zone_ids.max()) + 1 if len(zone_ids) else 1  # (cell, zone) as one number
    holding_keys = np.unique(cell_of[holds] * key_base + zone[holds])
    held = np.isin(cell_of * key_base + zone, holding_keys)
    unsettled = np.unique(cell_of[~held & ~far])

    holding: dict[int, list[int]] = {}
    for key in holding_keys.tolist():
        holding.setdefault(key // key_base, []).append(key % key_base)
    answers: dict[tuple[int, ...], int] = {(): 0}
    held_by = np.zeros(columns * rows, dtype=np.int32)  # no piece anywhere near: no area
    for cell, zones in holding.items():
        held_by[cell] = answers.setdefault(tuple(sorted(zones)), len(answers))
    table = held_by.copy()
    table[unsettled] = UNSETTLED
    # What an unsettled cell's points test: pieces of areas not holding it, not surely far.
    test = ~held & ~far
    order = np.lexsort((piece[test], cell_of[test]))
    candidates = piece[test][order].astype(np.int32)
    counts = np.bincount(cell_of[test], minlength=len(table))
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int32)
    return SettledCells(
        west, south, columns, rows, radius_km, table, list(answers), held_by, offsets, candidates
    )
