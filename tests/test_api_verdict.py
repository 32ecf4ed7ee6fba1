"""/api/verdict: the policy's answer at a point, and every way input can be wrong."""

import datetime as dt

import pytest
from django.db import connection

from tests.api_support import (
    BELGOROD,
    BLACK_SEA,
    KHARKIV,
    KURSK,
    KYIV,
    MINSK,
    SHEBEKINO,
    VORONEZH,
    get,
    verdict_url,
)

pytestmark = pytest.mark.django_db
COUNTER_FIRE_TARGETS = ["troops-massing", "launchers", "missiles-in-flight", "glide-bomb-aircraft"]


FIRST_DAY = "2024-05-30"  # the Kharkiv-only version; tests/test_policy_timeline.py has the rest


def verdict(client, point, **extra) -> dict:
    extra.setdefault("date", FIRST_DAY)
    response = get(client, verdict_url(*point, **extra))
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert all(set(reason) == {"code", "text", "main"} for reason in body["reasons"]), body[
        "reasons"
    ]
    # The reasons' words, for the assertions below; their codes are checked on their own.
    body["reasons"] = [reason["text"] for reason in body["reasons"]]
    return body


@pytest.mark.parametrize("point", [KYIV, KHARKIV])
def test_it_permits_a_point_in_ukraine(client, point):
    body = verdict(client, point, target="troops-massing")
    assert body["status"] == "permitted" and body["label"] == "Permitted"
    assert body["zone"]["kind"] == "ukraine"
    assert body["zone"]["slug"] == "ukraine"
    assert body["policy"]["slug"] == "counter-fire-kharkiv"
    assert body["policy"]["effective_from"] == "2024-05-30"
    assert any("may be used here" in reason for reason in body["reasons"])
    assert body["sources"], "every answer cites its sources"
    for source in body["sources"]:
        assert {"publisher", "quote", "date", "url"} <= set(source)
    assert body["distance_to_border_km"] > 0


@pytest.mark.parametrize("point", [KYIV, KHARKIV])
def test_a_point_in_ukraine_with_any_target_is_conditional(client, point):
    body = verdict(client, point)
    assert body["status"] == "conditional" and body["label"] == "Military targets only"
    assert body["conditions"][0]["code"] == "target-open"
    assert any("Except against civilian infrastructure" in r for r in body["reasons"])


def test_it_prohibits_civilian_infrastructure_even_in_ukraine(client):
    body = verdict(client, KHARKIV, target="civilian-infrastructure")
    assert body["status"] == "prohibited"
    assert "Striking civilian infrastructure is prohibited." in body["reasons"]


@pytest.mark.parametrize("point", [BELGOROD, SHEBEKINO])
def test_counter_fire_with_any_weapon_is_conditional_and_states_the_conditions(client, point):
    body = verdict(client, point)
    assert body["status"] == "conditional" and body["label"] == "Counter-fire only"
    assert body["zone"]["kind"] == "counter-fire"
    assert body["zone"]["slug"] == "counter-fire-kharkiv"
    conditions = " ".join(body["reasons"])
    assert "Counter-fire only: permitted only against" in conditions
    assert "launchers firing on Kharkiv" in conditions  # a place name keeps its capital
    assert "GMLRS rockets (HIMARS)" in conditions
    assert "Not permitted here: ATACMS, civilian infrastructure." in body["reasons"]
    assert any("84 km deep" in reason and "assumption" in reason for reason in body["reasons"])
    assert any(s["publisher"] == "POLITICO" for s in body["sources"])


@pytest.mark.parametrize("target", COUNTER_FIRE_TARGETS)
def test_it_permits_gmlrs_against_counter_fire_targets(client, target):
    body = verdict(client, SHEBEKINO, weapon="gmlrs", target=target)
    assert body["status"] == "permitted"
    assert body["label"] == "Permitted: counter-fire only"  # the condition met, said
    assert any(
        reason.startswith("Striking") and "with GMLRS rockets (HIMARS) is permitted here" in reason
        for reason in body["reasons"]
    )


def test_gmlrs_alone_is_conditional_with_the_conditions(client):
    body = verdict(client, BELGOROD, weapon="gmlrs")
    assert body["status"] == "conditional" and body["label"] == "Counter-fire only"
    assert any("permitted only against" in reason for reason in body["reasons"])


def test_it_prohibits_atacms_in_the_counter_fire_zone(client):
    for extra in ({"weapon": "atacms"}, {"weapon": "atacms", "target": "launchers"}):
        body = verdict(client, BELGOROD, **extra)
        assert body["status"] == "prohibited"
        assert body["zone"]["kind"] == "counter-fire"
        assert "ATACMS may not be used here." in body["reasons"]


def test_it_prohibits_striking_civilian_infrastructure_in_the_counter_fire_zone(client):
    for extra in ({}, {"weapon": "gmlrs"}):
        body = verdict(client, SHEBEKINO, target="civilian-infrastructure", **extra)
        assert body["status"] == "prohibited"
        assert "Striking civilian infrastructure is prohibited." in body["reasons"]


def test_it_prohibits_targets_that_are_not_counter_fire(client):
    body = verdict(client, SHEBEKINO, weapon="gmlrs", target="other-military")
    assert body["status"] == "prohibited"
    assert any("is not among the targets this permission covers" in r for r in body["reasons"])


@pytest.mark.parametrize("point", [KURSK, VORONEZH])
@pytest.mark.parametrize("extra", [{}, {"weapon": "gmlrs", "target": "launchers"}])
def test_it_prohibits_deep_strikes_anywhere_else_in_russia(client, point, extra):
    body = verdict(client, point, **extra)
    assert body["status"] == "prohibited"
    assert body["zone"]["kind"] == "deep-strike"
    assert "US-provided weapons may not be used against targets here." in body["reasons"]


@pytest.mark.parametrize("point", [MINSK, BLACK_SEA, (0, 0), (-33.9, 151.2)])
def test_it_does_not_cover_points_outside_ukraine_and_russia(client, point):
    body = verdict(client, point)
    assert body["status"] == "not_covered"
    assert body["zone"] is None
    assert body["policy"]["slug"] == "counter-fire-kharkiv"
    assert any("does not cover" in reason for reason in body["reasons"])


def test_it_answers_with_the_policy_in_force_on_the_date(client):
    before = verdict(client, BELGOROD, date="2024-05-29")
    assert before["status"] == "prohibited"
    assert before["policy"]["slug"] == "within-ukraine-only"
    assert before["zone"]["slug"] == "russia-before"
    after = verdict(client, BELGOROD, date="2024-05-30")
    assert after["status"] == "conditional"
    assert after["policy"]["slug"] == "counter-fire-kharkiv"
    assert verdict(client, KHARKIV, date="2024-05-29")["status"] == "permitted"


@pytest.mark.parametrize("point", [BELGOROD, SHEBEKINO, KURSK, VORONEZH])
def test_it_prohibits_every_point_in_russia_before_the_change(client, point):
    for day in ("2022-03-01", "2024-05-29"):
        for extra in ({}, {"weapon": "gmlrs", "target": "launchers"}):
            body = verdict(client, point, date=day, **extra)
            assert body["status"] == "prohibited", (point, day, extra)


def test_it_defaults_to_today_in_utc(client):
    body = get(client, verdict_url(*BELGOROD)).json()
    assert body["query"]["date"] == dt.datetime.now(dt.UTC).date().isoformat()
    assert body["policy"]["slug"] == "pentagon-approval"


def test_it_lists_nearby_zones_with_their_distance(client):
    body = verdict(client, SHEBEKINO)
    nearby = {item["slug"]: item for item in body["nearby"]}
    assert "ukraine" in nearby
    assert 0 < nearby["ukraine"]["distance_km"] <= 10
    assert nearby["ukraine"]["kind"] == "ukraine"
    assert "counter-fire-kharkiv" not in nearby  # the zone it is in is not "nearby"
    assert verdict(client, VORONEZH)["nearby"] == []


BAD_INPUT = [
    ("", "lat"),
    ("lon=36.5", "lat"),
    ("lat=50", "lon"),
    ("lat=&lon=36", "lat"),
    ("lat=abc&lon=36", "lat"),
    ("lat=50&lon=east", "lon"),
    ("lat=nan&lon=36", "lat"),
    ("lat=NaN&lon=36", "lat"),
    ("lat=inf&lon=36", "lat"),
    ("lat=50&lon=-Infinity", "lon"),
    ("lat=1e999&lon=36", "lat"),
    ("lat=50&lon=" + "9" * 5000, "lon"),
    ("lat=" + "1" * 400 + "&lon=36", "lat"),
    ("lat=50&lat=51&lon=36", "lat"),
    ("lat=50,6&lon=36", "lat"),
    ("lat=%2050&lon=36", "lat"),
    ("lat=1_0&lon=36", "lat"),
    ("lat=%D9%A5%D9%A0&lon=36", "lat"),  # Arabic-Indic digits
    ("lat=0x10&lon=36", "lat"),
    ("lat=90.0001&lon=36", "lat"),
    ("lat=-91&lon=36", "lat"),
    ("lat=50&lon=180.5", "lon"),
    ("lat=50&lon=-181", "lon"),
    ("lat=50&lon=36&date=2024-02-30", "date"),
    ("lat=50&lon=36&date=2024-13-01", "date"),
    ("lat=50&lon=36&date=20240530", "date"),
    ("lat=50&lon=36&date=30/05/2024", "date"),
    ("lat=50&lon=36&date=2024-05-30T00:00", "date"),
    ("lat=50&lon=36&date=yesterday", "date"),
    ("lat=50&lon=36&weapon=nuke", "weapon"),
    ("lat=50&lon=36&weapon=ATACMS", "weapon"),
    ("lat=50&lon=36&weapon=gmlrs&weapon=atacms", "weapon"),
    ("lat=50&lon=36&target=everything", "target"),
    ("lat=50&lon=36&weapon=%27%20OR%201%3D1%20--", "weapon"),
    ("lat=50&lon=36&target=launchers%3B%20DROP%20TABLE%20zones_zone", "target"),
    ("lat=50&lon=36&weapon=" + "x" * 10000, "weapon"),
    ("lat=50&lon=36&target=%E2%80%AEsrehcnual", "target"),
    ("lat=50&lon=36&weapon=%00", "weapon"),
]


@pytest.mark.parametrize(("query", "field"), BAD_INPUT)
def test_it_refuses_bad_input_naming_the_field(client, query, field):
    response = get(client, f"/api/verdict?{query}")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) == {"error", "field"}
    assert body["field"] == field
    assert body["error"] and len(body["error"]) < 300  # never echoes a huge value back


@pytest.mark.parametrize(
    "query",
    [
        "lat=50.6&lon=36.58&weapon=gmlrs%27%3B--",
        "lat=%27%3B%20SELECT%20pg_sleep(5)%3B--&lon=1",
        "lat=50&lon=36&date=%F0%9F%92%A3",
        "lat=%E2%80%8B50&lon=36",
        "lat=50&lon=36&" + "&".join(f"p{i}=x" for i in range(500)),
        "lat=50&lon=36&q=" + "%FF" * 2000,
        "lat=50.6&lon=36.58&weapon=gmlrs&target=launchers&unknown=ignored",
    ],
)
def test_it_never_answers_hostile_input_with_a_500(client, query):
    response = get(client, f"/api/verdict?{query}")
    assert response.status_code in (200, 400)
    assert response["Content-Type"] == "application/json"
    assert b"Traceback" not in response.content
    response.json()


def test_it_accepts_the_edges_of_the_globe(client):
    for lat, lon in ((90, 180), (-90, -180), (0, 0), (-0.0, 1e-7)):
        assert verdict(client, (lat, lon))["status"] == "not_covered"


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_it_only_answers_get_and_head(client, method):
    response = getattr(client, method)(verdict_url(*BELGOROD), HTTP_HOST="127.0.0.1")
    assert response.status_code == 405
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]
    assert "GET" in response["Allow"]
    assert response["Access-Control-Allow-Origin"] == "*"


def test_it_answers_head_like_get_without_a_body(client):
    response = client.head(verdict_url(*BELGOROD), HTTP_HOST="127.0.0.1")
    assert response.status_code == 200
    assert response.content == b""
    assert response["ETag"]


def test_it_answers_a_cors_preflight(client):
    response = client.options(verdict_url(*BELGOROD), HTTP_HOST="127.0.0.1")
    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "GET" in response["Access-Control-Allow-Methods"]
    get_response = get(client, verdict_url(*BELGOROD))
    assert get_response["Access-Control-Allow-Origin"] == "*"


def test_it_answers_unknown_api_paths_with_json_404(client):
    for path in ("/api/", "/api/nope", "/api/verdict/", "/api/zones/a/b.geojson"):
        response = get(client, path)
        assert response.status_code == 404, path
        assert response["Content-Type"] == "application/json"
        assert set(response.json()) == {"error", "field"}


@pytest.mark.django_db(transaction=True)
def test_it_answers_503_json_when_the_database_is_down(client):
    saved = dict(connection.settings_dict)
    connection.close()
    # A port nothing listens on: a real connection failure, not a mock.
    connection.settings_dict.update(HOST="127.0.0.1", PORT="1", OPTIONS={"connect_timeout": 2})
    try:
        response = get(client, verdict_url(*BELGOROD))
        bad = get(client, "/api/verdict?lat=abc&lon=1")
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"] and b"Traceback" not in response.content
    assert bad.status_code == 400, "bad input is refused before the database is asked"


def test_an_assumption_states_a_number_only_when_it_is_about_one(client):
    """The depth assumption shows the zone's depth; the date assumption, cited by the same
    zone, shows no number (it once showed the depth, "took effect: 84")."""
    body = client.get("/api/verdict?lat=50.6&lon=36.58&date=2024-05-30").json()
    shown = {a["slug"]: a for a in body["assumptions"]}
    assert shown["counter-fire-depth"]["value"] == 84.0
    assert shown["counter-fire-depth"]["unit"] == "km"
    assert shown["policy-date"]["value"] is None
    page = client.get("/?date=2024-05-30").content.decode()
    assert "Date the counter-fire permission took effect:" not in page
