"""/api/openapi.json is a valid OpenAPI document, and real answers match its schemas."""

import json

import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

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
        "/api/zones/{slug}.geojson",
        "/api/policies",
        "/api/layers/{name}.geojson",
        "/api/places",
        "/api/reach.geojson",
        "/api/openapi.json",
    }
    verdict_params = {p["name"] for p in document["paths"]["/api/verdict"]["get"]["parameters"]}
    assert verdict_params == {"lat", "lon", "weapon", "target", "date"}
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
