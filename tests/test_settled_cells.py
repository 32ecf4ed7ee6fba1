"""Settled cells and the border's per-cell candidates (mapsite/zones/settled_cells.py,
border_line.py) answer exactly as the general path does, and as PostGIS, and they are used."""

import copy
import dataclasses
import math
import random

import numpy as np
import pytest
import shapely

from mapsite.zones import border_line, point_index, settled_cells, snapshot
from mapsite.zones.querysets import box_degrees
from tests.test_point_index import RADIUS_KM, _assert_same, _versions

pytestmark = pytest.mark.django_db
STEP = 1 / settled_cells.CELLS_PER_DEGREE


def _index():
    return point_index.for_version(snapshot.current().version)


def _general(pieces):
    """The same pieces with no cell to use (another radius): every point takes the tree."""
    off_grid = dataclasses.replace(pieces.settled, radius_km=math.nan)
    return dataclasses.replace(pieces, settled=off_grid)


def _on_the_tree(index, policy, points):
    """What the lookup answers at `points` with every point sent to the tree."""
    pieces = index.pieces(policy.id)
    index.policies[policy.id] = _general(pieces)
    try:
        return [index.lookup_at(lon, lat, policy.id, RADIUS_KM) for lon, lat in points]
    finally:
        index.policies[policy.id] = pieces


def _assert_as_the_tree_and_postgis(index, policy, points, fast):
    """`fast` (the lookup's answers at `points`) equals the tree's, and PostGIS's at 40."""
    slow = _on_the_tree(index, policy, points)
    for (lon, lat), a, b in zip(points, fast, slow, strict=True):
        assert a == b, f"at {lon}, {lat} (policy {policy.id})"
    for lon, lat in points[:40]:
        _assert_same(lon, lat, policy.id, index)


def _points_of(pieces, cells, count: int, seed: int) -> list[tuple[float, float]]:
    """Random points of some of `cells`, half of them on a cell's corner or edge."""
    grid = pieces.settled
    rng = random.Random(seed)
    points = []
    for cell in rng.sample(cells.tolist(), count):
        column, row = divmod(cell, grid.rows)
        west, south = grid.west + column * STEP, grid.south + row * STEP
        dx, dy = rng.choice([(rng.random(), rng.random()), (0, 0), (1, 1), (rng.random(), 0)])
        points.append((west + dx * STEP, south + dy * STEP))
    return points


def _window(lon: float, lat: float) -> tuple[float, float, float, float]:
    box = box_degrees(lat, RADIUS_KM)
    return lon - box, lat - box, lon + box, lat + box


def _settled_points(pieces, count: int, seed: int) -> list[tuple[float, float]]:
    settled = np.flatnonzero(pieces.settled.cells != settled_cells.UNSETTLED)
    return _points_of(pieces, settled, count, seed)


def test_most_cells_of_every_version_are_settled():
    index = _index()
    for policy in _versions():
        share = index.pieces(policy.id).settled.settled_share
        assert 0.6 < share < 1.0, f"policy {policy.id}: {share:.0%} of the cells settled"


def test_a_settled_cell_answers_as_the_tree_and_as_postgis():
    index = _index()
    for number, policy in enumerate(_versions()):
        pieces = index.pieces(policy.id)
        points = _settled_points(pieces, 150, seed=number)
        by_cells = [pieces.settled.areas_at(lon, lat, RADIUS_KM) for lon, lat in points]
        assert sum(a is not None for a in by_cells) > len(points) / 2
        fast = [index.lookup_at(lon, lat, policy.id, RADIUS_KM) for lon, lat in points]
        _assert_as_the_tree_and_postgis(index, policy, points, fast)


def test_an_unsettled_cell_s_candidates_answer_as_the_tree_and_as_postgis():
    """Its points test only the cell's candidates (the tree is not asked), and answer alike:
    areas holding all of the cell, areas holding the point, and the nearby distances."""
    index = _index()
    for number, policy in enumerate(_versions()):
        pieces = index.pieces(policy.id)
        cells = pieces.settled
        unsettled = np.flatnonzero(cells.cells == settled_cells.UNSETTLED)
        points = _points_of(pieces, unsettled, 150, seed=100 + number)
        tested = [cells.still_to_test(cells.cell_at(lon, lat, RADIUS_KM)) for lon, lat in points]
        # Fewer pieces than the tree gives, and cells held whole by some area among them.
        windows = [shapely.box(*_window(lon, lat)) for lon, lat in points]
        assert sum(len(c) for _, c in tested) < sum(len(pieces.tree.query(w)) for w in windows)
        assert any(held for held, _ in tested), policy.id
        index.policies[policy.id] = dataclasses.replace(pieces, tree=None)  # not asked
        try:
            fast = [index.lookup_at(lon, lat, policy.id, RADIUS_KM) for lon, lat in points]
        finally:
            index.policies[policy.id] = pieces
        assert any(nearby for _, _, nearby in fast)
        _assert_as_the_tree_and_postgis(index, policy, points, fast)


def test_a_settled_cell_holds_areas_and_leaves_others_out():
    """Both kinds are settled: cells inside some area, and cells with no area near."""
    index = _index()
    for policy in _versions():
        cells = index.pieces(policy.id).settled
        kinds = {bool(cells.areas[a]) for a in np.unique(cells.cells).tolist() if a != -1}
        assert kinds == {True, False}, policy.id


def test_outside_the_grid_or_for_another_radius_a_point_takes_the_tree():
    cells = _index().pieces(_versions()[0].id).settled
    west, south, east, north = settled_cells.grid_box()
    assert cells.areas_at(west - 0.01, south + 1, RADIUS_KM) is None
    assert cells.areas_at(east + 0.01, south + 1, RADIUS_KM) is None
    assert cells.areas_at(west + 1, north + 0.01, RADIUS_KM) is None
    assert cells.areas_at(west + 1, south - 0.01, RADIUS_KM) is None
    some = next(
        (c, r)
        for c in range(cells.columns)
        for r in range(cells.rows)
        if cells.cells[c * cells.rows + r] != settled_cells.UNSETTLED
    )
    lon, lat = west + (some[0] + 0.5) * STEP, south + (some[1] + 0.5) * STEP
    assert cells.areas_at(lon, lat, RADIUS_KM) is not None
    assert cells.areas_at(lon, lat, RADIUS_KM + 1) is None


def test_the_border_s_cells_find_the_same_nearest_vertex_as_the_whole_line():
    line = _index().border
    whole = copy.copy(line)
    whole.columns = 0  # no cell: every point compares all the vertices
    west, south, east, north = settled_cells.grid_box()
    rng = random.Random(7)
    points = [(rng.uniform(west, east), rng.uniform(south, north)) for _ in range(3000)]
    step = 1 / border_line.CELLS_PER_DEGREE  # the cells' corners and edges
    points += [
        (west + rng.randrange(line.columns) * step, south + rng.randrange(line.rows) * step)
        for _ in range(500)
    ]
    points += [
        (west + rng.randrange(line.columns) * step, rng.uniform(south, north)) for _ in range(250)
    ]
    several = [cell for cell, kept in enumerate(line.candidates) if len(kept) > 1]
    for cell in rng.sample(several, 500):  # cells where the nearest changes inside
        column, row = divmod(cell, line.rows)
        for _ in range(4):
            x, y = rng.random(), rng.random()
            points.append((west + (column + x) * step, south + (row + y) * step))
    for lon, lat in points:
        assert line.metres(lon, lat) == whole.metres(lon, lat), f"at {lon}, {lat}"
    counts = np.array([len(kept) for kept in line.candidates])
    assert counts.min() >= 1
    assert np.median(counts) == 1 and counts.mean() < 2  # a point compares a handful at most


def test_the_border_is_built_once_for_the_same_line():
    assert border_line.read() is border_line.read() is _index().border


def test_a_light_cell_s_pieces_are_bounded_by_their_boxes_and_answer_alike(monkeypatch):
    """Cells whose candidates are light skip `_maybe_within` (a bound that costs more than
    the measuring it saves there) for their boxes' bound, which drops pieces unmeasured; and
    only pieces whose boxes hold a point are asked whether they hold it. The answers stay
    the tree's, which bounds first and asks every piece in its window."""
    index = _index()
    bounded, boxed = [], []
    real, real_boxes = point_index._maybe_within, point_index._by_boxes

    def by_boxes(boxes, pieces, *point):
        holding, near = real_boxes(boxes, pieces, *point)
        boxed.append((len(pieces), len(holding), len(near)))
        return holding, near

    monkeypatch.setattr(point_index, "_maybe_within", lambda *a: bounded.append(a) or real(*a))
    monkeypatch.setattr(point_index, "_by_boxes", by_boxes)
    for number, policy in enumerate(_versions()):
        pieces = index.pieces(policy.id)
        unsettled = np.flatnonzero(pieces.settled.cells == settled_cells.UNSETTLED)
        light = np.array(pieces.light)[unsettled]
        assert light.any() and not light.all(), policy.id  # both kinds occur in the data
        points = _points_of(pieces, unsettled[light], 100, seed=200 + number)
        points = [p for p in points if pieces.light[pieces.settled.cell_at(*p, RADIUS_KM)]]
        bounded.clear()
        boxed.clear()
        fast = [index.lookup_at(lon, lat, policy.id, RADIUS_KM) for lon, lat in points]
        assert not bounded
        pieces_asked, held_in_box, near = (sum(counts) for counts in zip(*boxed, strict=True))
        assert held_in_box < near < pieces_asked
        assert any(nearby for _, _, nearby in fast)
        _assert_as_the_tree_and_postgis(index, policy, points, fast)
        heavy = _points_of(pieces, unsettled[~light], 20, seed=300 + number)
        for lon, lat in heavy:
            index.lookup_at(lon, lat, policy.id, RADIUS_KM)
        assert bounded  # heavy cells still bound first
