"""/api/openapi.json is a valid OpenAPI document, and real answers match its schemas."""

import json
import re
import urllib.parse

import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from mapsite.zones.models import TargetCategory, WeaponSystem
from tests.api_support import BELGOROD, MINSK, SHEBEKINO, get, verdict_url

pytestmark = pytest.mark.django_db
DOC_URI = "urn:mapsite:openapi"


@pytest.fixture
def document(client) -> dict:
    response = get(client, "/api/openapi.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return response.json()


def response_validator(document: dict, path: str, status: int, media: str):
    responses = document["paths"][path]["get"]["responses"]
    assert str(status) in responses, f"{path} does not document {status}"
    content = responses[str(status)]["content"]
    assert media in content, f"{path} {status} does not document {media}"
    registry = Registry().with_resource(
        DOC_URI, Resource.from_contents(document, default_specification=DRAFT202012)
    )
    pointer = "/".join(
        part.replace("~", "~0").replace("/", "~1")
        for part in ("paths", path, "get", "responses", str(status), "content", media, "schema")
    )
    return Draft202012Validator({"$ref": f"{DOC_URI}#/{pointer}"}, registry=registry)


def test_it_is_a_valid_openapi_document(document):
    validate(document)
    assert document["openapi"].startswith("3.1")


def test_it_describes_every_endpoint(document):
    assert set(document["paths"]) == {
        "/api/ping",
        "/api/verdict",
        "/api/zones.geojson",
        "/api/zones.{format}",
        "/api/map.{format}",
        "/api/zones/{slug}.geojson",
        "/api/policies",
        "/api/layers/{name}.geojson",
        "/api/places",
        "/api/reach.geojson",
        "/api/openapi.json",
    }
    verdict_params = {p["name"] for p in document["paths"]["/api/verdict"]["get"]["parameters"]}
    assert verdict_params == {"lat", "lon", "weapon", "target", "date", "lang"}
    error = document["components"]["schemas"]["Error"]
    assert set(error["required"]) == {"error", "field"}


REAL_ANSWERS = [
    ("/api/ping", "/api/ping", 200),
    ("/api/verdict", verdict_url(*BELGOROD), 200),
    ("/api/verdict", verdict_url(*SHEBEKINO, weapon="atacms", target="launchers"), 200),
    ("/api/verdict", verdict_url(*MINSK), 200),
    ("/api/verdict", verdict_url(*BELGOROD, date="2024-01-01"), 200),
    ("/api/verdict", "/api/verdict?lat=abc&lon=1", 400),
    ("/api/verdict", verdict_url(*BELGOROD, weapon="nuke"), 400),
    ("/api/zones.geojson", "/api/zones.geojson", 200),
    ("/api/zones.geojson", "/api/zones.geojson?simplify=1000&date=2024-01-01", 200),
    ("/api/zones.geojson", "/api/zones.geojson?bbox=10,40,12,42", 200),
    ("/api/zones.geojson", "/api/zones.geojson?kind=sea", 400),
    ("/api/zones/{slug}.geojson", "/api/zones/counter-fire-kharkiv.geojson", 200),
    ("/api/zones/{slug}.geojson", "/api/zones/nope.geojson", 404),
    ("/api/policies", "/api/policies", 200),
    ("/api/layers/{name}.geojson", "/api/layers/countries.geojson?simplify=5000", 200),
    ("/api/layers/{name}.geojson", "/api/layers/oblasts.geojson?simplify=5000", 200),
    ("/api/layers/{name}.geojson", "/api/layers/border.geojson", 200),
    ("/api/layers/{name}.geojson", "/api/layers/kharkiv-segment.geojson", 200),
    ("/api/layers/{name}.geojson", "/api/layers/rivers.geojson", 404),
    ("/api/places", "/api/places?q=kharkiv", 200),
    ("/api/places", "/api/places?q=", 400),
    ("/api/reach.geojson", "/api/reach.geojson?weapon=gmlrs", 200),
    ("/api/reach.geojson", "/api/reach.geojson?weapon=atacms&lat=50&lon=36", 200),
    ("/api/reach.geojson", "/api/reach.geojson?weapon=x", 400),
    ("/api/openapi.json", "/api/openapi.json", 200),
]


@pytest.mark.parametrize(("path", "url", "status"), REAL_ANSWERS)
def test_real_answers_match_the_documented_schemas(client, document, path, url, status):
    response = get(client, url)
    assert response.status_code == status, response.content
    media = response["Content-Type"]
    body = json.loads(response.content)
    errors = list(response_validator(document, path, status, media).iter_errors(body))
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors[:5]]


@pytest.mark.parametrize("method", ["post", "delete"])
def test_a_refused_method_matches_the_documented_error(client, document, method):
    response = getattr(client, method)("/api/zones.geojson", HTTP_HOST="127.0.0.1")
    assert response.status_code == 405
    validator = response_validator(document, "/api/zones.geojson", 405, "application/json")
    validator.validate(response.json())


def test_the_schemas_would_catch_a_wrong_answer(document):
    validator = response_validator(document, "/api/verdict", 200, "application/json")
    assert not validator.is_valid({"status": "maybe"})
    collection = response_validator(document, "/api/zones.geojson", 200, "application/geo+json")
    assert not collection.is_valid(
        {"type": "FeatureCollection", "features": [], "crs": {"type": "name"}}
    )


def test_every_documented_path_routes_to_the_view_declaring_it():
    from django.urls import resolve

    from mapsite.api import openapi

    examples = {"{slug}": "ukraine", "{name}": "countries"}
    formats = {"/api/map.{format}": "png"}
    for path, described in openapi.paths().items():
        concrete = path.replace("{format}", formats.get(path, "gpkg"))
        for template, value in examples.items():
            concrete = concrete.replace(template, value)
        assert resolve(concrete).func.operation is openapi.OPERATIONS[path], path
        assert described["get"]["operationId"] == openapi.OPERATIONS[path].op_id


def parameter(document: dict, path: str, name: str) -> dict:
    found = [p for p in document["paths"][path]["get"]["parameters"] if p["name"] == name]
    assert len(found) == 1, f"{path} documents {name} {len(found)} times"
    return found[0]


def test_an_empty_optional_value_is_documented_as_allowed(client, document):
    for path in ("/api/layers/{name}.geojson", "/api/zones/{slug}.geojson"):
        assert parameter(document, path, "simplify")["allowEmptyValue"] is True
    assert parameter(document, "/api/verdict", "date")["allowEmptyValue"] is True
    assert parameter(document, "/api/verdict", "lat")["allowEmptyValue"] is False
    assert get(client, "/api/layers/countries.geojson?simplify=").status_code == 200
    assert get(client, "/api/zones/ukraine.geojson?simplify=").status_code == 200
    assert get(client, verdict_url(*BELGOROD, date="")).status_code == 200
    assert get(client, "/api/verdict?lat=&lon=1").json()["field"] == "lat"


@pytest.mark.parametrize("word", ["1", "0", "true", "false", "yes", "no"])
def test_download_documents_every_word_the_flag_takes(client, document, word):
    assert word in parameter(document, "/api/zones.geojson", "download")["schema"]["enum"]
    assert get(client, f"/api/zones.geojson?download={word}").status_code == 200


def test_download_refuses_what_it_does_not_document(client, document):
    assert "on" not in parameter(document, "/api/zones.geojson", "download")["schema"]["enum"]
    assert get(client, "/api/zones.geojson?download=on").json()["field"] == "download"


@pytest.mark.parametrize(
    ("q", "status"),
    [
        ("kharkiv", 200),
        ("  kharkiv\u3000", 200),  # white space trimmed first
        ("  kharkiv\t", 400),  # but a tab is a control character, at the ends too
        ("New\u00a0York", 200),
        ("\u0099abc", 400),  # a C1 control character
        ("a\u0000b", 400),
        ("a\u007fb", 400),
        ("   ", 400),
        ("a" * 100, 200),
        ("a" * 101, 400),
        (" " * 5 + "a" * 100, 200),
    ],
)
def test_the_place_query_pattern_is_what_the_parser_accepts(client, document, q, status):
    pattern = parameter(document, "/api/places", "q")["schema"]["pattern"]
    assert bool(re.search(pattern, q)) is (status == 200)
    response = get(client, "/api/places?" + urllib.parse.urlencode({"q": q}))
    assert response.status_code == status
    if status == 400:
        assert response.json()["field"] == "q"


def test_the_launch_point_is_documented_as_both_or_neither(client, document):
    names = {p["name"] for p in document["paths"]["/api/reach.geojson"]["get"]["parameters"]}
    assert "lat" not in names and "lon" not in names
    origin = parameter(document, "/api/reach.geojson", "point")
    assert (origin["style"], origin["explode"]) == ("form", True)
    assert origin["schema"]["required"] == ["lat", "lon"]
    lone = get(client, "/api/reach.geojson?weapon=gmlrs&lon=-180")
    assert lone.status_code == 400 and lone.json() == {"error": "lat is required", "field": "lat"}


def test_weapons_and_targets_are_enumerated_from_the_data(client, document):
    weapons = sorted(WeaponSystem.objects.values_list("slug", flat=True))
    targets = sorted(TargetCategory.objects.values_list("slug", flat=True))
    assert weapons and targets
    assert parameter(document, "/api/verdict", "weapon")["schema"]["enum"] == weapons
    assert parameter(document, "/api/verdict", "target")["schema"]["enum"] == targets
    assert parameter(document, "/api/reach.geojson", "weapon")["schema"]["enum"] == weapons
    refused = get(client, "/api/verdict?lat=1&lon=1&weapon=x")
    assert refused.status_code == 400 and refused.json()["field"] == "weapon"


@pytest.mark.parametrize(
    ("bbox", "valid"),
    [
        (["10", "40", "12", "42"], True),
        (["a", "b", "c", "d"], False),
        (["1", "2", "3"], False),
        (["1", "2", "3", "4", "5"], False),
        (["-181", "0", "1", "1"], False),
        (["0", "-91", "1", "1"], False),
    ],
)
def test_the_bbox_schema_is_what_the_parser_accepts(client, document, bbox, valid):
    described = parameter(document, "/api/zones.geojson", "bbox")
    assert (described["style"], described["explode"]) == ("form", False)
    numbers = []
    for part in bbox:
        try:
            numbers.append(float(part))
        except ValueError:
            numbers.append(part)
    assert Draft202012Validator(described["schema"]).is_valid(numbers) is valid
    response = get(client, f"/api/zones.geojson?bbox={','.join(bbox)}")
    assert response.status_code == (200 if valid else 400)
