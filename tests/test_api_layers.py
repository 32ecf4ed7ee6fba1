"""What the map page draws besides zones: reference layers, place search and weapon reach."""

import json
import math

import pytest
from django.contrib.gis.geos import GEOSGeometry, Point
from pyproj import Geod

from tests.api_support import BELGOROD, KURSK, VORONEZH, get, polygons, ring_is_ccw

pytestmark = pytest.mark.django_db
WGS84 = Geod(ellps="WGS84")


def geojson(client, url: str) -> dict:
    response = get(client, url)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/geo+json"
    assert response["ETag"] and "max-age=" in response["Cache-Control"]
    return json.loads(response.content)


@pytest.mark.parametrize(
    ("name", "slugs", "geometry"),
    [
        ("countries", ["russia", "ukraine"], "MultiPolygon"),
        ("border", ["ukraine-russia-border"], "LineString"),
        ("kharkiv-segment", ["kharkiv-border-segment"], "LineString"),
    ],
)
def test_it_serves_each_reference_layer(client, name, slugs, geometry):
    body = geojson(client, f"/api/layers/{name}.geojson")
    assert body["type"] == "FeatureCollection"
    assert [f["id"] for f in body["features"]] == slugs
    for feature in body["features"]:
        assert feature["geometry"]["type"] == geometry
        assert feature["properties"]["slug"] == feature["id"]
        assert feature["properties"]["name"]
        for polygon in polygons(feature["geometry"]):
            assert ring_is_ccw(polygon[0])


def test_it_serves_the_oblasts_with_their_properties(client):
    body = geojson(client, "/api/layers/oblasts.geojson")
    slugs = {f["id"] for f in body["features"]}
    assert {"ua-kharkiv", "ru-belgorod", "ru-kursk"} <= slugs
    kharkiv = next(f for f in body["features"] if f["id"] == "ua-kharkiv")
    assert kharkiv["properties"]["name"] == "Kharkiv Oblast"
    assert kharkiv["properties"]["layer"] == "oblast"
    assert kharkiv["properties"]["iso_3166_2"] == "UA-63"


def test_it_simplifies_layers_and_keeps_them_valid(client):
    full = get(client, "/api/layers/countries.geojson").content
    light = get(client, "/api/layers/countries.geojson?simplify=2000").content
    assert len(light) < len(full) / 2
    for feature in json.loads(light)["features"]:
        geometry = GEOSGeometry(json.dumps(feature["geometry"]))
        assert geometry.valid, geometry.valid_reason
    border = geojson(client, "/api/layers/border.geojson?simplify=1000")["features"][0]
    assert border["geometry"]["type"] == "LineString"


@pytest.mark.parametrize("name", ["rivers", "COUNTRIES", "countries.json", "%00"])
def test_it_answers_an_unknown_layer_with_a_json_404(client, name):
    response = get(client, f"/api/layers/{name}.geojson")
    assert response.status_code == 404
    assert response.json()["field"] == "name"


@pytest.mark.parametrize("value", ["-5", "100001", "x", "nan"])
def test_it_refuses_a_bad_layer_tolerance(client, value):
    response = get(client, f"/api/layers/countries.geojson?simplify={value}")
    assert response.status_code == 400
    assert response.json()["field"] == "simplify"


def places(client, query: str) -> list[dict]:
    response = get(client, f"/api/places?{query}")
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_it_finds_places_by_prefix_case_insensitively(client):
    results = places(client, "q=KHARK")
    assert results[0]["name"] == "Kharkiv"
    assert {"name", "country", "population", "lat", "lon", "oblast"} <= set(results[0])
    assert results[0]["country"] == "UA"
    assert abs(results[0]["lat"] - 49.98) < 0.1 and abs(results[0]["lon"] - 36.25) < 0.1


def test_it_lists_prefix_matches_before_other_matches_by_population(client):
    """A name (any of a place's names) starting with the text comes before one that only
    contains it or is near it; prefix matches by population."""
    results = places(client, "q=bel&limit=50")

    def starts(result):
        return (result.get("matched") or result["name"]).lower().startswith("bel")

    flags = [starts(r) for r in results]
    assert True in flags and False in flags
    assert flags == sorted(flags, reverse=True), "prefix matches come first"
    prefix = [r["population"] for r in results if starts(r)]
    assert prefix == sorted(prefix, reverse=True)


def test_it_limits_the_results(client):
    assert len(places(client, "q=a")) == 10
    assert len(places(client, "q=a&limit=3")) == 3
    assert len(places(client, "q=a&limit=50")) == 50


@pytest.mark.parametrize("q", ["%25", "_", "%5C", "%27%20OR%201%3D1%20--", "zzzzqqq", "Ж"])
def test_it_treats_the_query_as_plain_text(client, q):
    for result in places(client, f"q={q}"):
        assert result["name"]  # no wildcard or SQL meaning: at most literal matches


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("", "q"),
        ("q=", "q"),
        ("q=%20%20", "q"),
        ("q=" + "a" * 101, "q"),
        ("q=a%00b", "q"),
        ("q=kyiv&q=kharkiv", "q"),
        ("q=kyiv&limit=0", "limit"),
        ("q=kyiv&limit=51", "limit"),
        ("q=kyiv&limit=-1", "limit"),
        ("q=kyiv&limit=ten", "limit"),
        ("q=kyiv&limit=" + "9" * 5000, "limit"),
    ],
)
def test_it_refuses_bad_place_queries(client, query, field):
    response = get(client, f"/api/places?{query}")
    assert response.status_code == 400
    assert response.json()["field"] == field


def reach_feature(client, query: str) -> dict:
    body = geojson(client, f"/api/reach.geojson?{query}")
    assert len(body["features"]) == 1
    feature = body["features"][0]
    assert feature["geometry"]["type"] == "MultiPolygon"
    shape = GEOSGeometry(json.dumps(feature["geometry"]))
    assert shape.valid, shape.valid_reason
    feature["shape"] = shape
    return feature


def test_it_draws_the_reach_from_the_kharkiv_border_segment(client):
    feature = reach_feature(client, "weapon=gmlrs")
    props = feature["properties"]
    assert (props["weapon"], props["range_km"], props["from"]) == (
        "gmlrs",
        84,
        "kharkiv-border-segment",
    )
    assert props["name"] == "GMLRS rockets (HIMARS)"
    assert props["range_assumption"]["slug"] == "gmlrs-range"
    assert props["range_assumption"]["statement"] and props["range_assumption"]["sources"]
    # A 232 km line buffered by 84 km: about 2·84·232 + π·84² ≈ 61,000 km².
    assert 50_000 < props["area_km2"] < 70_000
    shape = feature["shape"]
    assert shape.contains(Point(BELGOROD[1], BELGOROD[0]))
    assert not shape.contains(Point(VORONEZH[1], VORONEZH[0]))
    for polygon in polygons(feature["geometry"]):
        assert ring_is_ccw(polygon[0])
    longer = reach_feature(client, "weapon=atacms")["shape"]
    assert longer.contains(Point(KURSK[1], KURSK[0])) and longer.contains(shape)


@pytest.mark.parametrize(("lat", "lon"), [(50.0, 36.2), (62.0, 40.0), (-10.0, -60.0)])
def test_it_measures_the_reach_from_a_launch_point_on_the_ellipsoid(client, lat, lon):
    feature = reach_feature(client, f"weapon=gmlrs&lat={lat}&lon={lon}&simplify=0")
    props = feature["properties"]
    assert (props["from"], props["lat"], props["lon"]) == ("point", lat, lon)
    # Every vertex is 84 km from the launch point on the WGS84 ellipsoid (not in degrees).
    for ring in polygons(feature["geometry"]):
        for vlon, vlat in ring[0]:
            _, _, metres = WGS84.inv(lon, lat, vlon, vlat)
            assert abs(metres - 84_000) < 84_000 * 0.01
    assert abs(props["area_km2"] - math.pi * 84**2) < math.pi * 84**2 * 0.02


def test_it_splits_a_reach_that_crosses_the_antimeridian(client):
    feature = reach_feature(client, "weapon=atacms&lat=65&lon=179.5")
    assert len(feature["geometry"]["coordinates"]) == 2
    for polygon in polygons(feature["geometry"]):
        assert all(-180 <= lon <= 180 for lon, _ in polygon[0])
    assert abs(feature["properties"]["area_km2"] - math.pi * 300**2) < math.pi * 300**2 * 0.03


def test_it_survives_a_launch_point_near_the_pole(client):
    response = get(client, "/api/reach.geojson?weapon=atacms&lat=89.9&lon=0")
    assert response.status_code == 200
    assert json.loads(response.content)["features"][0]["geometry"]["type"] == "MultiPolygon"


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("", "weapon"),
        ("weapon=nuke", "weapon"),
        ("weapon=gmlrs&lat=50", "lon"),
        ("weapon=gmlrs&lon=36", "lat"),
        ("weapon=gmlrs&lat=91&lon=36", "lat"),
        ("weapon=gmlrs&lat=50&lon=-181", "lon"),
        ("weapon=gmlrs&lat=nan&lon=36", "lat"),
        ("weapon=gmlrs&lat=50&lon=" + "1" * 1000, "lon"),
        ("weapon=gmlrs&simplify=-3", "simplify"),
    ],
)
def test_it_refuses_a_bad_reach_query(client, query, field):
    response = get(client, f"/api/reach.geojson?{query}")
    assert response.status_code == 400
    assert response.json()["field"] == field


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/api/layers/countries.geojson?simplify=99999",
        "/api/layers/countries.geojson?simplify=84632.99",
        "/api/reach.geojson?weapon=atacms&lat=-89&lon=145.45",
    ],
)
def test_shapes_made_invalid_by_simplifying_or_wrapping_are_repaired_not_refused(client, url):
    """Found by the contract fuzzer: a coarse tolerance on the countries, or a reach circle
    around a pole, once made GEOS fail (a 503); both are repaired into valid shapes now."""
    response = client.get(url)
    assert response.status_code == 200, response.content[:200]
    features = response.json()["features"]
    assert features and all(f["geometry"]["coordinates"] for f in features)
