"""The policy over time: every recorded version at real places and dates, band edges on
both sides, rules composed per weapon and target, disputed reports never applied, and
what the data knows."""

import datetime as dt

import pytest
from django.contrib.gis.geos import Point
from django.db import connection
from pyproj import Geod

from mapsite.zones import engine
from tests.api_support import get, verdict_url

pytestmark = pytest.mark.django_db
GEOD = Geod(ellps="WGS84")

BELGOROD = (50.6, 36.58)  # 35 km over the border from Kharkiv Oblast
SUMY_BORDER_RU = (51.34, 34.63)  # Glushkovo, Kursk Oblast, just over the border from Sumy
ROSTOV_BORDER = (47.75, 39.9)  # Rostov Oblast, near Luhansk Oblast's border
KURSK_CITY = (51.73, 36.19)  # Kursk Oblast, about 110 km from the border
KHARKIV = (49.99, 36.23)
MOSCOW = (55.75, 37.62)

VERSIONS = {  # a day of each version, and the version's slug
    "2024-05-29": "within-ukraine-only",
    "2024-05-30": "counter-fire-kharkiv",
    "2024-05-31": "counter-fire-kharkiv-sumy",
    "2024-07-01": "counter-fire-across-border",
    "2024-12-01": "atacms-kursk",
    "2025-09-01": "pentagon-approval",
    "2025-11-01": "pentagon-approval",  # the denied October 2025 report is not applied
}


def ask(place, day, weapon=None, target=None) -> dict:
    lat, lon = place
    return engine.verdict_at(Point(lon, lat, srid=4326), weapon, target, dt.date.fromisoformat(day))


@pytest.mark.parametrize("day, slug", VERSIONS.items())
def test_each_day_answers_with_its_version(day, slug):
    assert ask(KHARKIV, day)["policy"]["slug"] == slug


# (place, day, weapon, target) -> status
CASES = [
    (BELGOROD, "2024-05-29", "gmlrs", "launchers", "prohibited"),
    (BELGOROD, "2024-05-30", "gmlrs", "launchers", "permitted"),
    (BELGOROD, "2024-05-30", None, None, "conditional"),
    (BELGOROD, "2024-05-30", "atacms", "launchers", "prohibited"),
    (SUMY_BORDER_RU, "2024-05-30", "gmlrs", "launchers", "prohibited"),  # Kharkiv only
    (SUMY_BORDER_RU, "2024-05-31", "gmlrs", "launchers", "permitted"),  # Sumy too
    (ROSTOV_BORDER, "2024-05-31", "gmlrs", "launchers", "prohibited"),
    (ROSTOV_BORDER, "2024-07-01", "gmlrs", "launchers", "permitted"),  # the whole border
    (ROSTOV_BORDER, "2024-07-01", "gmlrs", "civilian-infrastructure", "prohibited"),
    (KURSK_CITY, "2024-07-01", "atacms", "troops-massing", "prohibited"),
    (KURSK_CITY, "2024-12-01", "atacms", "troops-massing", "permitted"),  # Kursk first
    (KURSK_CITY, "2024-12-01", "atacms", None, "conditional"),
    (KURSK_CITY, "2024-12-01", "atacms", "civilian-infrastructure", "prohibited"),
    (KURSK_CITY, "2025-09-01", "atacms", "troops-massing", "conditional"),  # needs approval
    (MOSCOW, "2024-12-01", "atacms", "other-military", "prohibited"),
    (MOSCOW, "2025-11-01", "atacms", "other-military", "prohibited"),
    (KHARKIV, "2024-12-01", None, "troops-massing", "permitted"),
    (KHARKIV, "2024-12-01", None, None, "conditional"),
]


@pytest.mark.parametrize("place, day, weapon, target, status", CASES)
def test_real_places_and_dates(place, day, weapon, target, status):
    assert ask(place, day, weapon, target)["status"] == status


def test_atacms_against_troops_in_the_band_and_kursk_is_permitted_in_december_2024():
    """The band forbids ATACMS; Kursk Oblast's area grants it: the rules compose."""
    near_border = (51.3, 35.3)  # Kursk Oblast, inside the border band
    answer = ask(near_border, "2024-12-15", "atacms", "troops-massing")
    assert {a["slug"] for a in answer["areas"]} == {
        "border-band-2024-11-17",
        "kursk-atacms-2024-11-17",
    }
    assert answer["status"] == "permitted" and answer["zone"]["slug"] == "kursk-atacms-2024-11-17"
    assert ask(near_border, "2024-12-15", "gmlrs", "launchers")["status"] == "permitted"
    anything = ask(near_border, "2024-12-15")
    assert anything["status"] == "conditional"
    assert anything["label"] == "Counter-fire only or Military targets only"


def test_the_pentagon_review_makes_every_atacms_strike_conditional_with_its_reason():
    answer = ask(KURSK_CITY, "2025-09-01", "atacms", "troops-massing")
    assert answer["label"].startswith("Needs the Pentagon's approval")
    assert [c["code"] for c in answer["conditions"]] == ["approval"]
    assert any(r["code"] == "approval" for r in answer["reasons"])


def test_a_disputed_version_is_named_but_never_applied():
    answer = ask(KURSK_CITY, "2025-11-01", "atacms", "troops-massing")
    assert answer["policy"]["slug"] == "pentagon-approval"
    assert any(r["code"] == "disputed" and "denied" in r["text"] for r in answer["reasons"])
    assert not any(r["code"] == "disputed" for r in ask(KURSK_CITY, "2025-09-01")["reasons"])


def test_known_as_of_on_today_s_date(client):
    body = get(client, verdict_url(*KHARKIV)).json()
    assert body["policy"]["known_as_of"] == "2025-10-23" == body["known_as_of"]
    ends = [r for r in body["reasons"] if r["code"] == "knowledge-ends"]
    assert ends and "Nothing after 23 October 2025 is recorded here" in ends[0]["text"]
    before = get(client, verdict_url(*KHARKIV, date="2024-12-01")).json()
    assert before["known_as_of"] == "2025-10-23"
    assert not [r for r in before["reasons"] if r["code"] == "knowledge-ends"]


def _distance_km(lat: float, lon: float, line_sql: str) -> float:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT ST_Distance(({line_sql})::geography, "  # noqa: S608 (the tests' constants)
            "ST_SetSRID(ST_MakePoint(%s, %s), 4326)::geography) / 1000",
            [lon, lat],
        )
        return cursor.fetchone()[0]


def _edge(start, azimuth: float, line_sql: str, km: float) -> tuple:
    """The point on a ray from `start` at `km` from the line (bisection, on the ellipsoid)."""
    low, high = 0.0, 400.0
    for _ in range(40):
        mid = (low + high) / 2
        lon, lat, _ = GEOD.fwd(start[1], start[0], azimuth, mid * 1000)
        if _distance_km(lat, lon, line_sql) < km:
            low = mid
        else:
            high = mid
    lon, lat, _ = GEOD.fwd(start[1], start[0], azimuth, low * 1000)
    return lat, lon


BORDER = "SELECT geom FROM zones_referencefeature WHERE slug = 'ukraine-russia-border'"
KHARKIV_SEGMENT = "SELECT geom FROM zones_referencefeature WHERE slug = 'kharkiv-border-segment'"


@pytest.mark.parametrize(
    "start, azimuth, line, day, zone",
    [
        ((50.45, 36.9), 20, KHARKIV_SEGMENT, "2024-05-30", "counter-fire-kharkiv"),
        ((51.25, 34.6), 60, BORDER, "2024-06-01", "counter-fire-kharkiv-sumy"),
        ((48.2, 40.0), 90, BORDER, "2024-07-01", "border-band-2024-06-17"),
        ((48.2, 40.0), 90, BORDER, "2025-01-15", "border-band-2024-11-17"),
        ((48.2, 40.0), 90, BORDER, "2025-07-01", "border-band-2025-06-01"),
    ],
)
def test_both_sides_of_each_band_edge(start, azimuth, line, day, zone):
    inside = _edge(start, azimuth, line, 83.5)
    outside = _edge(start, azimuth, line, 84.5)
    assert ask(inside, day)["zone"]["slug"] == zone
    assert ask(outside, day)["zone"]["kind"] == "deep-strike"
    assert ask(inside, day, "gmlrs", "launchers")["status"] == "permitted"
    assert ask(outside, day, "gmlrs", "launchers")["status"] == "prohibited"


def test_both_sides_of_kursk_oblast_s_edge_in_december_2024():
    # Kursk Oblast's eastern edge with Voronezh Oblast, well beyond the border band.
    inside, outside = (51.75, 38.35), (51.75, 38.7)
    assert ask(inside, "2024-12-01", "atacms", "other-military")["status"] == "permitted"
    assert ask(outside, "2024-12-01", "atacms", "other-military")["status"] == "prohibited"


@pytest.mark.parametrize(
    "day, status_inside", [("2024-12-01", "permitted"), ("2025-09-01", "conditional")]
)
def test_both_sides_of_kursk_oblast_s_edge_in_each_atacms_version(day, status_inside):
    # In 2025 each ATACMS strike needs an approval nobody outside can see: conditional.
    inside, outside = (51.75, 38.35), (51.75, 38.7)
    assert ask(inside, day)["zone"]["slug"].startswith("kursk-atacms-")
    assert ask(inside, day, "atacms", "other-military")["status"] == status_inside
    assert ask(outside, day, "atacms", "other-military")["status"] == "prohibited"


def _crossing(start, azimuth: float, day: str) -> float:
    """Kilometres along a ray from `start` (in Ukraine) to where the answer leaves Ukraine."""
    low, high = 0.0, 200.0
    for _ in range(30):
        mid = (low + high) / 2
        lon, lat, _ = GEOD.fwd(start[1], start[0], azimuth, mid * 1000)
        if ask((lat, lon), day)["zone"]["kind"] == "ukraine":
            low = mid
        else:
            high = mid
    return low


@pytest.mark.parametrize("azimuth", [0, 45])
def test_both_sides_of_the_border_before_30_may_2024(azimuth):
    """Before the first permission the edge is the border: Ukraine on one side, all of Russia
    prohibited on the other, as near as 500 m."""
    day = "2024-05-29"
    km = _crossing(KHARKIV, azimuth, day)
    lon, lat, _ = GEOD.fwd(KHARKIV[1], KHARKIV[0], azimuth, (km - 0.5) * 1000)
    assert ask((lat, lon), day, "gmlrs", "launchers")["status"] == "permitted"
    assert _distance_km(lat, lon, BORDER) < 1.0
    lon, lat, _ = GEOD.fwd(KHARKIV[1], KHARKIV[0], azimuth, (km + 0.5) * 1000)
    outside = ask((lat, lon), day, "gmlrs", "launchers")
    assert outside["zone"]["slug"] == "russia-before" and outside["status"] == "prohibited"
