"""The in-process point lookup answers as PostGIS does: every version, thousands of random
points, and points within 100 m of every area's edge; whole verdicts alike."""

import datetime as dt
import random

import pytest
from django.contrib.gis.geos import Point
from django.db import connection
from django.test import override_settings
from pyproj import Geod

from mapsite.zones import engine, point_index, snapshot
from mapsite.zones.models import ZonePiece

pytestmark = pytest.mark.django_db
GEOD = Geod(ellps="WGS84")
RADIUS_KM = engine.NEARBY_KM
RANDOM_POINTS = 500  # per version
EDGE_POINTS = 40  # per area
BORDER_TOLERANCE = 0.001  # relative, on the ellipsoid (PostGIS geography)
NEARBY_TOLERANCE_M = 0.25


def _versions():
    return [policy for policy in snapshot.current().policies if not policy.disputed]


def _random_points(seed: int, count: int) -> list[tuple[float, float]]:
    rng = random.Random(seed)
    return [(rng.uniform(26, 44), rng.uniform(44, 56)) for _ in range(count)]


def _edge_points(zone_id: int, seed: int) -> list[tuple[float, float]]:
    """Points within 100 m of a zone's outline: its vertices, moved a random bearing."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_X(d.geom), ST_Y(d.geom) FROM zones_zone z, "
            "ST_DumpPoints(ST_Boundary(z.geom)) d WHERE z.id = %s",
            [zone_id],
        )
        vertices = cursor.fetchall()
    rng = random.Random(seed)
    picked = rng.sample(vertices, min(EDGE_POINTS, len(vertices)))
    points = []
    for lon, lat in picked:
        moved_lon, moved_lat, _ = GEOD.fwd(lon, lat, rng.uniform(0, 360), rng.uniform(0, 100))
        points.append((moved_lon, moved_lat))
    return points


def _assert_same(lon: float, lat: float, policy_id: int, index) -> None:
    inside, border_m, nearby = ZonePiece.objects.lookup_at(lon, lat, policy_id, RADIUS_KM)
    fast_inside, fast_border_m, fast_nearby = index.lookup_at(lon, lat, policy_id, RADIUS_KM)
    where = f"at {lon:.6f}, {lat:.6f} (policy {policy_id})"
    assert fast_inside == sorted(inside), where
    assert fast_border_m == pytest.approx(border_m, rel=BORDER_TOLERANCE, abs=0.25), where
    # Zones the point is in are not "nearby" (the engine drops them); PostGIS measures them
    # along geodesic edges, which can put a point that is inside some metres "away".
    radius = RADIUS_KM * 1000 - 1.0  # a zone right at the radius may fall either side
    sql = {z: m for z, m in nearby if z not in inside and m < radius}
    fast = {z: m for z, m in fast_nearby if z not in inside and m < radius}
    assert fast.keys() == sql.keys(), where
    for zone_id, metres in sql.items():
        assert fast[zone_id] == pytest.approx(metres, abs=NEARBY_TOLERANCE_M), where


def test_random_points_in_every_version_answer_as_postgis():
    index = point_index.for_version(snapshot.current().version)
    for number, policy in enumerate(_versions()):
        for lon, lat in _random_points(number, RANDOM_POINTS):
            _assert_same(lon, lat, policy.id, index)


def test_the_poles_and_the_world_s_edges_answer_as_postgis(client):
    """Where Mercator runs out (the poles) and at the antimeridian: the same answers as
    PostGIS, and a verdict, not a server error (schemathesis found lat=-90 once)."""
    index = point_index.for_version(snapshot.current().version)
    corners = [(-180, -90), (180, 90), (0, -90), (36.5, 90), (-180, 0), (180, 55), (36.5, 89.5)]
    for policy in _versions():
        for lon, lat in corners:
            _assert_same(lon, lat, policy.id, index)
    for lon, lat in corners:
        response = client.get(
            f"/api/verdict?lat={lat}&lon={lon}&date=2024-06-10", HTTP_HOST="127.0.0.1"
        )
        assert response.status_code == 200, (lon, lat, response.content)


def test_points_within_100_m_of_every_area_s_edge_answer_as_postgis():
    snap = snapshot.current()
    index = point_index.for_version(snap.version)
    checked = 0
    for policy in _versions():
        for zone in (z for z in snap.zones.values() if z.policy_slug == policy.slug):
            for lon, lat in _edge_points(zone.id, seed=zone.id):
                _assert_same(lon, lat, policy.id, index)
                checked += 1
    assert checked > 500


def test_whole_verdicts_are_the_same_by_either_path():
    """Every field of the answer is the SQL path's, distances to a rounding step."""
    points = _random_points(99, 60) + [(36.58, 50.6), (36.23, 49.99), (38.35, 51.75)]
    days = ["2024-05-29", "2024-05-30", "2024-06-01", "2024-07-01", "2024-12-01", "2025-09-01"]
    for day in map(dt.date.fromisoformat, days):
        for weapon, target in [(None, None), ("gmlrs", "launchers"), ("atacms", None)]:
            for lon, lat in points:
                fast = engine.verdict_at(Point(lon, lat, srid=4326), weapon, target, day)
                with override_settings(POINT_LOOKUP="sql"):
                    slow = engine.verdict_at(Point(lon, lat, srid=4326), weapon, target, day)
                _assert_same_verdict(fast, slow)


def _assert_same_verdict(fast: dict, slow: dict) -> None:
    fast, slow = dict(fast), dict(slow)
    assert fast.pop("distance_to_border_km") == pytest.approx(
        slow.pop("distance_to_border_km"), abs=0.1
    )
    fast_near, slow_near = fast.pop("nearby"), slow.pop("nearby")
    assert [n["slug"] for n in fast_near] == [n["slug"] for n in slow_near]
    for a, b in zip(fast_near, slow_near, strict=True):
        assert a["distance_km"] == pytest.approx(b["distance_km"], abs=0.01)
    assert fast == slow


def test_the_index_follows_the_data_version():
    snap = snapshot.current()
    index = point_index.for_version(snap.version)
    assert point_index.for_version(snap.version) is index
    assert point_index.for_version(snap.version + 1) is not index


def test_the_sql_lookup_stays_available_as_the_baseline(settings):
    settings.POINT_LOOKUP = "sql"
    assert isinstance(point_index.for_version(1), point_index.SqlLookup)


@pytest.mark.django_db
def test_a_starting_worker_builds_every_applied_versions_pieces():
    """gunicorn's post_worker_init (mapsite/gunicorn_conf.py) prepares the index, so no
    reader's first click on a date waits for its version's pieces to be built."""
    from mapsite import gunicorn_conf
    from mapsite.zones import snapshot

    point_index.forget()
    gunicorn_conf.post_worker_init(worker=None)
    index = point_index.for_version(snapshot.current().version)
    applied = {p.id for p in snapshot.current().policies if not p.disputed}
    assert set(index.policies) == applied and len(applied) >= 6
