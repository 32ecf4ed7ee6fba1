"""Zone geometry validation: every refusal names the problem; the database is the backstop."""

import json

import pytest
from django.contrib.gis.geos import LineString, MultiPolygon, Polygon
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from mapsite.zones import validation
from mapsite.zones.forms import ZoneGeometryField
from mapsite.zones.validation import GeometryError
from tests.admin_fixtures import *  # noqa: F403
from tests.admin_fixtures import BELGOROD_SQUARE, BOW_TIE, polygon, zone


def refused(value) -> str:
    with pytest.raises(GeometryError) as info:
        validation.clean_zone_geometry(validation.geometry_from_geojson(value))
    return str(info.value)


def test_it_accepts_a_polygon_and_promotes_it_to_a_multipolygon():
    geom = validation.clean_zone_geometry(validation.geometry_from_geojson(polygon()))
    assert isinstance(geom, MultiPolygon)
    assert geom.srid == 4326
    assert geom.num_geom == 1


def test_it_accepts_a_multipolygon():
    value = {"type": "MultiPolygon", "coordinates": [BELGOROD_SQUARE]}
    geom = validation.clean_zone_geometry(validation.geometry_from_geojson(value))
    assert geom.geom_type == "MultiPolygon"


def test_it_names_a_self_intersection_and_where_it_is():
    message = refused(polygon(BOW_TIE))
    assert "crosses itself" in message
    assert "lon 36.60000, lat 50.80000" in message


def test_it_refuses_too_few_points():
    message = refused(polygon([[[36.5, 50.7], [36.7, 50.7], [36.5, 50.7]]]))
    assert "ring 1 has 3 points" in message
    assert "at least 4" in message


def test_it_refuses_an_unclosed_ring():
    ring = [[36.5, 50.7], [36.7, 50.7], [36.7, 50.9], [36.5, 50.9]]
    message = refused(polygon([ring]))
    assert "ring 1 is not closed" in message
    assert "starts at (36.5, 50.7) but ends at (36.5, 50.9)" in message


def test_geos_itself_raises_on_an_unclosed_ring_which_the_parser_catches_first():
    # GEOSGeometry would throw an exception with no useful message; we name the problem.
    text = json.dumps(polygon([[[36.5, 50.7], [36.7, 50.7], [36.7, 50.9], [36.5, 50.9]]]))
    with pytest.raises(GeometryError, match="not closed"):
        validation.geometry_from_text(text)


@pytest.mark.parametrize(
    "value",
    [
        {"type": "Polygon", "coordinates": []},
        {"type": "MultiPolygon", "coordinates": []},
        {"type": "MultiPolygon", "coordinates": [[]]},
    ],
)
def test_it_refuses_an_empty_geometry(value):
    assert "empty" in refused(value)


def test_it_refuses_no_geometry_at_all():
    assert validation.zone_geometry_problems(None) == [
        "the geometry is empty: draw at least one polygon"
    ]


@pytest.mark.parametrize(
    ("position", "shown"),
    [([200, 50.7], "(200, 50.7)"), ([36.5, 95], "(36.5, 95)"), ([-181, 0], "(-181, 0)")],
)
def test_it_refuses_coordinates_outside_lon_lat_range(position, shown):
    ring = [position, [36.7, 50.7], [36.7, 50.9], position]
    message = refused(polygon([ring]))
    assert f"point {shown} is outside longitude -180…180 / latitude -90…90" in message


def test_it_checks_the_range_of_geos_geometries_too():
    # GEOS geometries that did not come through the parser (e.g. from code) are checked too.
    wild = Polygon(((200, 50), (201, 50), (201, 51), (200, 50)), srid=4326)
    problems = validation.zone_geometry_problems(wild)
    assert any("outside longitude -180…180" in p for p in problems)


def test_it_refuses_a_geometry_far_outside_the_region():
    far = [[[-74.1, 40.6], [-73.9, 40.6], [-73.9, 40.8], [-74.1, 40.8], [-74.1, 40.6]]]
    message = refused(polygon(far))
    assert "entirely outside the region the map covers (lon 20–60, lat 40–70)" in message


def test_it_suspects_swapped_longitude_and_latitude():
    swapped = [[[y, x] for x, y in ring] for ring in BELGOROD_SQUARE]
    assert "are longitude and latitude swapped?" in refused(polygon(swapped))


@pytest.mark.parametrize(
    "value",
    [
        {"type": "Point", "coordinates": [36.5, 50.7]},
        {"type": "LineString", "coordinates": [[36.5, 50.7], [36.7, 50.9]]},
        {"type": "MultiPoint", "coordinates": [[36.5, 50.7]]},
    ],
)
def test_it_refuses_the_wrong_geometry_type(value):
    assert f"is a {value['type']}; a zone must be a Polygon or MultiPolygon" in refused(value)


def test_it_refuses_a_wrong_type_given_as_a_geos_geometry():
    line = LineString((36.5, 50.7), (36.7, 50.9), srid=4326)
    assert validation.zone_geometry_problems(line) == [
        "the geometry is a LineString; a zone must be a Polygon or MultiPolygon"
    ]


def test_it_refuses_nested_geometry_collections_before_building_anything():
    value = {"type": "Polygon", "coordinates": BELGOROD_SQUARE}
    for _ in range(30):
        value = {"type": "GeometryCollection", "geometries": [value]}
    with pytest.raises(GeometryError, match="nested more than 20 levels"):
        validation.geometry_from_geojson(value)


def test_it_names_a_shallow_geometry_collection_as_the_wrong_type():
    inner = {"type": "GeometryCollection", "geometries": [polygon()]}
    value = {"type": "GeometryCollection", "geometries": [inner]}
    message = refused(value)
    assert "GeometryCollection nested 2 levels deep" in message


def test_it_survives_json_nested_deeper_than_the_parser_allows():
    with pytest.raises(GeometryError, match="nested too deeply"):
        validation.load_json("[" * 100_000 + "]" * 100_000)


def test_it_refuses_a_crs_member():
    value = {**polygon(), "crs": {"type": "name", "properties": {"name": "EPSG:3857"}}}
    assert "'crs' member" in refused(value)


@pytest.mark.parametrize("text", ["NaN", "[36.5, Infinity]"])
def test_it_refuses_json_numbers_that_are_not_numbers(text):
    with pytest.raises(GeometryError, match="is not a number JSON allows"):
        validation.load_json(text)


HUGE_INTEGER = "1" * 5000  # past Python's int/str digit limit: json raises a bare ValueError


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{", "not valid JSON: Expecting property name enclosed in double quotes"),
        (HUGE_INTEGER, "not valid JSON: a number has more than 4300 digits"),
        (f"[[36.5, {HUGE_INTEGER}]]", "not valid JSON: a number has more than 4300 digits"),
        (f"[-{HUGE_INTEGER}]", "not valid JSON: a number has more than 4300 digits"),
    ],
)
def test_it_refuses_json_it_cannot_parse_with_a_clear_message(text, message):
    with pytest.raises(GeometryError, match=message):
        validation.load_json(text)


@pytest.mark.parametrize(
    "text",
    [
        json.dumps(polygon()).replace("36.5", HUGE_INTEGER, 1),
        json.dumps(polygon()).replace("50.7", "-" + HUGE_INTEGER, 1),
    ],
)
def test_the_map_field_names_a_number_too_long_to_parse(text):
    with pytest.raises(GeometryError, match="a number has more than 4300 digits"):
        validation.geometry_from_text(text)
    with pytest.raises(ValidationError) as info:
        ZoneGeometryField().clean(text)
    assert info.value.messages == ["not valid JSON: a number has more than 4300 digits"]


def test_it_refuses_positions_that_are_not_number_pairs():
    ring = [["36.5", 50.7], [36.7, 50.7], [36.7, 50.9], ["36.5", 50.7]]
    assert "a position must be [longitude, latitude] numbers" in refused(polygon([ring]))


@pytest.mark.django_db
def test_the_database_refuses_an_invalid_geometry_written_with_a_raw_update():
    counter_fire = zone("counter-fire-kharkiv")
    before = counter_fire.geom.wkt
    bow_tie = "MULTIPOLYGON(((36.5 50.7, 36.7 50.9, 36.7 50.7, 36.5 50.9, 36.5 50.7)))"
    with pytest.raises(IntegrityError, match="zone_geom_valid"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE zones_zone SET geom = ST_GeomFromText(%s, 4326) WHERE id = %s",
                [bow_tie, counter_fire.pk],
            )
    counter_fire.refresh_from_db()
    assert counter_fire.geom.wkt == before


@pytest.mark.django_db
def test_the_database_refuses_coordinates_outside_the_world_and_other_srids():
    counter_fire = zone("counter-fire-kharkiv")
    outside = "MULTIPOLYGON(((200 50, 201 50, 201 51, 200 50)))"
    with pytest.raises(IntegrityError, match="zone_geom_in_bounds"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE zones_zone SET geom = ST_GeomFromText(%s, 4326) WHERE id = %s",
                [outside, counter_fire.pk],
            )
    mercator = (
        "MULTIPOLYGON(((4000000 6500000, 4100000 6500000, 4100000 6600000, 4000000 6500000)))"
    )
    with pytest.raises(Exception, match="SRID"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE zones_zone SET geom = ST_GeomFromText(%s, 3857) WHERE id = %s",
                [mercator, counter_fire.pk],
            )
