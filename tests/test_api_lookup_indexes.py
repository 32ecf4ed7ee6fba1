"""Point lookups touch small, indexed pieces: GiST on every geometry column, used by the plan."""

import datetime as dt
import json

import pytest
from django.db import connection

from mapsite.zones import engine, querysets, snapshot

pytestmark = pytest.mark.django_db


def test_it_has_a_gist_index_on_every_geometry_column():
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT f_table_name, f_geometry_column FROM geometry_columns
             WHERE f_table_schema = current_schema()
            """
        )
        columns = cursor.fetchall()
        cursor.execute(
            """
            SELECT t.relname, a.attname
              FROM pg_index x
              JOIN pg_class t ON t.oid = x.indrelid
              JOIN pg_class i ON i.oid = x.indexrelid
              JOIN pg_am am ON am.oid = i.relam
              JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = ANY(x.indkey)
             WHERE am.amname = 'gist'
            """
        )
        indexed = set(cursor.fetchall())
    assert ("zones_zonepiece", "geom") in columns
    assert ("zones_zone", "geom") in columns
    missing = [column for column in columns if column not in indexed]
    assert not missing, f"geometry columns without a GiST index: {missing}"


def test_the_point_lookup_uses_the_pieces_gist_index():
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE zones_zonepiece")
        cursor.execute(
            """
            SELECT i.relname FROM pg_index x
              JOIN pg_class i ON i.oid = x.indexrelid
              JOIN pg_am am ON am.oid = i.relam
             WHERE x.indrelid = 'zones_zonepiece'::regclass AND am.amname = 'gist'
            """
        )
        (index,) = cursor.fetchone()
        policy = snapshot.current().policy_on(dt.date(2024, 5, 30))
        cursor.execute(
            "EXPLAIN (FORMAT JSON) " + querysets.LOOKUP_SQL,
            {
                "lon": 36.58,
                "lat": 50.6,
                "policy": policy.id,
                "border": querysets.BORDER_SLUG,
                "box": querysets.box_degrees(50.6, engine.NEARBY_KM),
                "radius": engine.NEARBY_KM * 1000,
            },
        )
        plan = cursor.fetchone()[0]
    text = json.dumps(plan)
    scans = [node for node in _nodes(plan) if node.get("Relation Name") == "zones_zonepiece"]
    assert scans, text
    assert all(node.get("Index Name") == index for node in scans), text
    assert all("Seq Scan" != node["Node Type"] for node in scans), text


def _nodes(plan):
    if isinstance(plan, list):
        for item in plan:
            yield from _nodes(item)
    elif isinstance(plan, dict):
        yield plan
        for key in ("Plan", "Plans"):
            if key in plan:
                yield from _nodes(plan[key])
