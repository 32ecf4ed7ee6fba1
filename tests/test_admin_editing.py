"""Changing zones in the admin: derived shapes regrow in PostGIS, drawn shapes are kept."""

import datetime as dt
import json

import pytest
from django.contrib.gis.geos import Point

from mapsite.zones import editing, engine, snapshot
from mapsite.zones.models import Zone
from mapsite.zones.validation import geometry_from_geojson
from tests.admin_fixtures import *  # noqa: F403
from tests.admin_fixtures import (
    BELGOROD_SQUARE,
    BOW_TIE,
    change_url,
    form_data,
    get,
    polygon,
    post,
    zone,
)

# 70 km from the Kharkiv border segment, inside Russia: in the 84 km zone, not in 60 km.
NEAR_70_KM = Point(36.9, 51.0, srid=4326)
FIRST_DAY = dt.date(2024, 5, 30)  # the Kharkiv-only version (30 May 2024)


def uncovered_area_km2(policy_id: int, country: str) -> float:
    """Area of the country not covered by the policy's published zones, and their overlap."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT ST_Area(ST_SymDifference(c.geom, ST_Union(z.geom))::geography) / 1e6
              FROM zones_referencefeature c, zones_zone z
             WHERE c.slug = %s AND z.policy_id = %s AND z.published AND z.draft_of_id IS NULL
               AND z.kind <> 'ukraine'
             GROUP BY c.geom
            """,
            [country, policy_id],
        )
        return cursor.fetchone()[0]


def pieces_area_km2(zone_id: int) -> float:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_Area(ST_Union(geom)::geography) / 1e6 FROM zones_zonepiece "
            "WHERE zone_id = %s",
            [zone_id],
        )
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_it_regrows_a_derived_zone_and_its_remainder_when_the_depth_changes(editor_client):
    counter_fire = zone("counter-fire-kharkiv")
    remainder = zone("deep-strike-russia")
    area_before, remainder_before = counter_fire.area_km2, remainder.area_km2
    assert engine.verdict_at(NEAR_70_KM, day=FIRST_DAY)["zone"]["slug"] == "counter-fire-kharkiv"

    response = post(editor_client, change_url(counter_fire), form_data(counter_fire, depth_km=60))
    assert response.status_code == 302, response.content.decode()[:2000]

    counter_fire.refresh_from_db()
    remainder.refresh_from_db()
    assert counter_fire.depth_km == 60
    assert counter_fire.area_km2 < area_before * 0.8
    assert remainder.area_km2 > remainder_before
    assert counter_fire.version == 2 and counter_fire.edited
    assert remainder.version == 2
    # The two still tile Russia exactly: no gap, no overlap.
    assert uncovered_area_km2(counter_fire.policy_id, "russia") < 1.0
    # The lookup pieces were rebuilt, and the public verdict changed at once.
    assert pieces_area_km2(counter_fire.pk) == pytest.approx(counter_fire.area_km2, rel=1e-3)
    assert engine.verdict_at(NEAR_70_KM, day=FIRST_DAY)["zone"]["slug"] == "deep-strike-russia"


@pytest.mark.django_db
def test_a_change_bumps_the_data_version_the_caches_watch(editor_client):
    counter_fire = zone("counter-fire-kharkiv")
    before = snapshot.data_version()
    post(editor_client, change_url(counter_fire), form_data(counter_fire, depth_km=70))
    assert snapshot.data_version() > before


@pytest.mark.django_db
def test_it_shows_the_change_in_the_public_export(editor_client):
    counter_fire = zone("counter-fire-kharkiv")
    day = "2024-05-30"
    response = get(editor_client, f"/api/zones.geojson?date={day}")
    assert response.status_code == 200
    areas = {
        f["properties"]["slug"]: f["properties"]["area_km2"] for f in response.json()["features"]
    }
    post(editor_client, change_url(counter_fire), form_data(counter_fire, depth_km=60))
    snapshot.forget()
    response = get(editor_client, f"/api/zones.geojson?date={day}")
    after = {
        f["properties"]["slug"]: f["properties"]["area_km2"] for f in response.json()["features"]
    }
    assert after["counter-fire-kharkiv"] < areas["counter-fire-kharkiv"]
    assert after["deep-strike-russia"] > areas["deep-strike-russia"]


@pytest.mark.django_db
def test_a_drawn_zone_keeps_the_editors_geometry(editor_client):
    counter_fire = zone("counter-fire-kharkiv")
    data = form_data(counter_fire, derivation="drawn", geom=polygon())
    response = post(editor_client, change_url(counter_fire), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    counter_fire.refresh_from_db()
    assert counter_fire.derivation == "drawn"
    assert counter_fire.geom.geom_type == "MultiPolygon"
    assert [list(map(list, ring)) for ring in counter_fire.geom[0].coords] == BELGOROD_SQUARE
    # The remainder grew back over the old counter-fire area.
    assert uncovered_area_km2(counter_fire.policy_id, "russia") < 1.0

    # Saving again (say, a new description) leaves the drawn shape alone.
    counter_fire.refresh_from_db()
    post(editor_client, change_url(counter_fire), form_data(counter_fire, description="Redrawn."))
    counter_fire.refresh_from_db()
    assert counter_fire.description == "Redrawn."
    assert [list(map(list, ring)) for ring in counter_fire.geom[0].coords] == BELGOROD_SQUARE


@pytest.mark.django_db
def test_a_derived_zone_ignores_a_reshaped_map(editor_client):
    counter_fire = zone("counter-fire-kharkiv")
    post(editor_client, change_url(counter_fire), form_data(counter_fire, geom=polygon()))
    counter_fire.refresh_from_db()
    assert counter_fire.area_km2 > 20_000  # still the 84 km zone, not the small square


@pytest.mark.django_db
def test_it_refuses_an_invalid_drawing_naming_the_problem_and_stores_nothing(editor_client):
    counter_fire = zone("counter-fire-kharkiv")
    data = form_data(counter_fire, derivation="drawn", geom=polygon(BOW_TIE))
    response = post(editor_client, change_url(counter_fire), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert (
        "The geometry is invalid: the outline crosses itself near lon 36.60000, lat 50.80000"
        in html
    )
    counter_fire.refresh_from_db()
    assert counter_fire.derivation == "within-depth" and counter_fire.version == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("geom", "message"),
    [
        ("", "The geometry is empty"),
        ("not json", "not valid JSON"),
        (json.dumps({"type": "Point", "coordinates": [36.5, 50.7]}), "is a Point"),
        (json.dumps({**polygon(), "crs": {"type": "name"}}), "&#x27;crs&#x27; member"),
    ],
)
def test_it_names_each_bad_drawing(editor_client, geom, message):
    counter_fire = zone("counter-fire-kharkiv")
    data = form_data(counter_fire, derivation="drawn", geom=geom)
    response = post(editor_client, change_url(counter_fire), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert zone("counter-fire-kharkiv").version == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"depth_km": ""}, "A within-depth zone needs a depth in km."),
        ({"depth_km": "5000"}, "at most 2000 km"),
        ({"measured_from": ""}, "needs the line its depth is measured from"),
        (
            {"country": "atlantis"},
            "No reference country &#x27;atlantis&#x27;; known: russia, ukraine",
        ),
    ],
)
def test_it_names_missing_or_impossible_parameters(editor_client, changes, message):
    counter_fire = zone("counter-fire-kharkiv")
    response = post(editor_client, change_url(counter_fire), form_data(counter_fire, **changes))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert zone("counter-fire-kharkiv").version == 1


@pytest.mark.django_db
def test_adding_a_drawn_zone_publishes_it_and_shrinks_the_remainder(editor_client):
    remainder = zone("deep-strike-russia")
    data = form_data(
        Zone(policy=remainder.policy, derivation="drawn"),
        slug="belgorod-square",
        name="Belgorod square",
        kind="counter-fire",
        status="conditional",
        geom=polygon([[[40.0, 52.0], [40.2, 52.0], [40.2, 52.2], [40.0, 52.2], [40.0, 52.0]]]),
    )
    response = post(editor_client, "/admin/zones/zone/add/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    added = zone("belgorod-square")
    assert added.published and added.edited and added.area_km2 > 0
    assert added.history.first().history_user.username == "editor"
    remainder.refresh_from_db()
    assert remainder.version == 2
    assert uncovered_area_km2(remainder.policy_id, "russia") < 1.0


@pytest.mark.django_db
def test_save_zone_is_the_one_write_path_and_refuses_bad_geometry_without_storing():
    counter_fire = zone("counter-fire-kharkiv")
    counter_fire.derivation = "drawn"
    counter_fire.geom = geometry_from_geojson({"type": "MultiPolygon", "coordinates": [BOW_TIE]})
    with pytest.raises(editing.EditRefused, match="crosses itself"):
        editing.save_zone(counter_fire)
    assert zone("counter-fire-kharkiv").derivation == "within-depth"


@pytest.mark.django_db
def test_the_loader_leaves_an_edited_zone_alone(editor_client):
    from mapsite.zones import loader

    counter_fire = zone("counter-fire-kharkiv")
    post(editor_client, change_url(counter_fire), form_data(counter_fire, depth_km=60))
    report = loader.load()
    assert "counter-fire-kharkiv" in report.kept_edited
    assert zone("counter-fire-kharkiv").depth_km == 60
