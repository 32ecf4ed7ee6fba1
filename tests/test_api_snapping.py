"""simplify and bbox are snapped before the cache key and the SQL; exports cite their sources."""

import pytest
from django.http import QueryDict

from mapsite.api import geojson, params
from mapsite.zones import vocabulary
from mapsite.zones.models import Assumption
from tests.api_support import get

pytestmark = pytest.mark.django_db


def counting(monkeypatch, name: str) -> list:
    """Record the arguments of each render of `geojson.<name>` (a cache miss)."""
    calls = []
    real = getattr(geojson, name)

    def wrapper(*args):
        calls.append(args)
        return real(*args)

    monkeypatch.setattr(geojson, name, wrapper)
    return calls


# --- simplify ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "snapped"),
    [
        ("0", 0),
        ("0.4", 0),
        ("0.5", 1),
        ("1", 1),
        ("1.49", 1),
        ("1.5", 2),
        ("9.5", 10),
        ("480", 500),
        ("520", 500),
        ("549.99", 500),
        ("550", 600),
        ("2400", 2000),
        ("2500", 3000),
        ("1.5e3", 2000),
        ("9999", 10000),
        ("99999", 100000),
        ("100000", 100000),
    ],
)
def test_simplify_is_snapped_to_one_significant_figure(given, snapped):
    assert params.simplify(QueryDict(f"simplify={given}")) == snapped


def test_simplify_still_refuses_what_it_refused():
    for bad in ("-1", "100001", "abc", "inf", "nan", "1_000"):
        with pytest.raises(params.BadParam):
            params.simplify(QueryDict(f"simplify={bad}"))


def test_every_tolerance_the_page_may_ask_for_is_served_as_asked():
    """The page picks its tolerances from the ladder; the API snaps each to itself."""
    ladder = vocabulary.simplify_ladder()
    assert ladder[0] == vocabulary.SIMPLIFY_MIN_METRES and ladder[-1] == 100_000
    for step in ladder:
        assert params.simplify(QueryDict(f"simplify={step}")) == step


def test_the_first_view_s_tolerance_is_on_the_ladder():
    ladder = set(vocabulary.simplify_ladder())
    for lat in [x / 2 for x in range(-179, 180)]:
        for zoom in range(vocabulary.MIN_ZOOM, vocabulary.MAX_ZOOM + 1):
            assert vocabulary.tolerance_for(lat, zoom) in ladder, (lat, zoom)


@pytest.mark.parametrize(
    "path",
    [
        "/api/zones.geojson?date=2024-05-30&simplify={}",
        "/api/zones/counter-fire-kharkiv.geojson?simplify={}",
        "/api/layers/oblasts.geojson?simplify={}",
        "/api/reach.geojson?weapon=gmlrs&simplify={}",
    ],
)
def test_nearby_simplify_values_share_one_answer_and_etag(client, path):
    answers = [get(client, path.format(value)) for value in ("480", "500", "520.5")]
    assert {a.status_code for a in answers} == {200}
    assert len({a["ETag"] for a in answers}) == 1
    assert len({a.content for a in answers}) == 1
    assert get(client, path.format("600"))["ETag"] != answers[0]["ETag"]


def test_nearby_simplify_values_render_once(client, monkeypatch):
    renders = counting(monkeypatch, "zones_collection")
    for value in ("480", "500", "520.5", "549"):
        assert (
            get(client, f"/api/zones.geojson?date=2024-05-30&simplify={value}").status_code == 200
        )
    assert len(renders) == 1
    assert renders[0][3] == 500  # the SQL gets the snapped tolerance too


def test_the_page_s_own_zone_requests_are_answered_as_asked(client, monkeypatch):
    renders = counting(monkeypatch, "zones_collection")
    get(client, "/api/zones.geojson?date=2024-05-30&simplify=600")
    get(client, "/api/zones.geojson?date=2024-05-30&simplify=300")
    assert [r[3] for r in renders] == [600, 300]


# --- bbox ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "snapped"),
    [
        ("36.123,50.001,36.789,50.999", (36.12, 50.0, 36.79, 51.0)),
        # Already on the grid: unchanged (no float drift, e.g. 36.57 * 100 = 3656.99…).
        ("36.57,50.29,36.58,50.58", (36.57, 50.29, 36.58, 50.58)),
        ("-0.001,-0.001,0.001,0.001", (-0.01, -0.01, 0.01, 0.01)),
        ("-180,-90,180,90", (-180.0, -90.0, 180.0, 90.0)),
        ("-179.999,-89.999,179.999,89.999", (-180.0, -90.0, 180.0, 90.0)),
        ("36.5,50.5,36.5,50.5", (36.5, 50.5, 36.5, 50.5)),
    ],
)
def test_bbox_is_snapped_outward_to_a_hundredth_of_a_degree(given, snapped):
    assert params.bbox(QueryDict(f"bbox={given}")) == snapped


def test_nearby_bboxes_share_one_render_and_etag(client, monkeypatch):
    renders = counting(monkeypatch, "zones_collection")
    etags = {
        get(client, f"/api/zones.geojson?date=2024-05-30&bbox={box}")["ETag"]
        for box in ("36.123,50.001,36.789,50.999", "36.121,50.009,36.782,50.991")
    }
    assert len(etags) == 1
    assert len(renders) == 1
    assert renders[0][2] == (36.12, 50.0, 36.79, 51.0)


def test_the_openapi_document_says_how_values_are_snapped(client):
    document = get(client, "/api/openapi.json").json()
    zones = {p["name"]: p for p in document["paths"]["/api/zones.geojson"]["get"]["parameters"]}
    assert "one significant figure" in zones["simplify"]["description"]
    assert "hundredths of a degree" in zones["bbox"]["description"]
    for path in ("/api/zones/{slug}.geojson", "/api/layers/{name}.geojson", "/api/reach.geojson"):
        described = {
            p["name"]: p["description"] for p in document["paths"][path]["get"]["parameters"]
        }
        assert "one significant figure" in described["simplify"], path


# --- the export cites each assumption's sources --------------------------------------------


def expected_sources(slug: str) -> list[dict]:
    """Assumption.as_dict's sources, as the export must write them."""
    return Assumption.objects.get(slug=slug).as_dict()["sources"]


@pytest.mark.parametrize(
    "path", ["/api/zones.geojson?date=2024-05-30", "/api/zones/counter-fire-kharkiv.geojson"]
)
def test_the_export_gives_each_assumption_its_sources(client, path):
    body = get(client, path).json()
    features = body["features"] if "features" in body else [body]
    counter_fire = next(f for f in features if f["id"] == "counter-fire-kharkiv")
    assumptions = {a["slug"]: a for a in counter_fire["properties"]["assumptions"]}
    depth = assumptions["counter-fire-depth"]
    assert depth["sources"], "the counter-fire depth assumption cites its sources"
    for source in depth["sources"]:
        assert {"publisher", "speaker", "quote", "date", "url", "kind", "note"} <= set(source)
    for slug, assumption in assumptions.items():
        assert assumption["sources"] == expected_sources(slug), slug


def test_the_schema_requires_an_assumption_s_sources(client):
    document = get(client, "/api/openapi.json").json()
    assumption = document["components"]["schemas"]["Assumption"]
    assert "sources" in assumption["required"]
