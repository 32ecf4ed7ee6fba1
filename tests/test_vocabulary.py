"""The policy's vocabulary is written once and the page, the zone table and the API share it."""

import math
import re
from pathlib import Path

import pytest

from mapsite.api import openapi
from mapsite.zones import vocabulary
from mapsite.zones.models import Zone
from tests.map_fixtures import local_tiles_fixture, open_map  # noqa: F401

ROOT = Path(__file__).resolve().parent.parent
PAGE_SUFFIXES = (".js", ".css", ".html", ".svg")
# The page's files (scripts, styles, templates, images); the vocabulary module is the one home.
PAGE = [
    p
    for folder in ("static/front", "templates")
    for p in (ROOT / folder).rglob("*")
    if p.suffix in PAGE_SUFFIXES
]
# Files colleagues own that still repeat a colour (reported, not edited here).
ADMIN = [p for p in (ROOT / "static/admin_zones").rglob("*") if p.suffix in PAGE_SUFFIXES]
SERVER = [
    p
    for p in ROOT.glob("mapsite/**/*.py")
    if p.name != "vocabulary.py" and "/migrations/" not in str(p)
]
HEX = re.compile(r"#[0-9a-fA-F]{6}\b")


def vocabulary_colours() -> set[str]:
    """Every status colour (fill, line, ink, tint) and map colour, but plain white."""
    parts = ("fill", "line", "ink", "tint")
    colours = {getattr(s, part).lower() for s in vocabulary.VERDICT_STATUSES for part in parts}
    colours |= {c.lower() for c in vocabulary.MAP_COLOURS.values()}
    return colours - {"#ffffff"}


def written_here(path: Path) -> tuple[list[str], set[str]]:
    """The status labels (as words, however quoted) and vocabulary colours in a file."""
    text = path.read_text()
    labels = [
        s.label
        for s in vocabulary.VERDICT_STATUSES
        if re.search(r"(?<![\w-])" + re.escape(s.label) + r"(?![\w-])", text)
    ]
    colours = {c.lower() for c in HEX.findall(text)} & vocabulary_colours()
    return labels, colours


def test_no_status_label_or_colour_is_written_in_the_page_files():
    assert len(PAGE) > 10 and any(p.suffix == ".html" for p in PAGE)
    for path in PAGE:
        assert written_here(path) == ([], set()), path


def test_no_status_label_or_colour_is_written_in_the_server_code():
    for path in SERVER:
        text = path.read_text()
        for status in vocabulary.VERDICT_STATUSES:
            for quote in ('"', "'"):
                assert f"{quote}{status.label}{quote}" not in text, (path, status.label)
        assert not {c.lower() for c in HEX.findall(text)} & vocabulary_colours(), path


def test_no_status_colour_is_written_in_the_admin_files():
    for path in ADMIN:
        assert written_here(path) == ([], set()), path


@pytest.mark.django_db
def test_the_verdict_api_words_each_status_as_the_vocabulary_does(client):
    def verdict(lat, lon, date):
        response = client.get(f"/api/verdict?lat={lat}&lon={lon}&date={date}")
        assert response.status_code == 200
        return response.json()

    labels = {s.slug: s.label for s in vocabulary.VERDICT_STATUSES}
    for lat, lon, date, status in [
        (55.75, 37.62, "2024-05-30", "prohibited"),  # Moscow
        (49.99, 36.23, "2024-05-29", "permitted"),  # Kharkiv, before the change
        (53.9, 27.56, "2024-05-30", "not_covered"),  # Minsk
    ]:
        data = verdict(lat, lon, date)
        assert (data["status"], data["label"]) == (status, labels[status])
    # A conditional answer's label is its conditions in words (rules.badge_label).
    data = verdict(50.41, 36.89, "2024-05-30")
    assert data["status"] == "conditional"
    words = ", ".join(c["text"] for c in data["conditions"])
    assert data["label"] == words[:1].upper() + words[1:]


def test_no_tolerance_rule_or_permalink_parser_is_left_in_the_page():
    scripts = "".join(p.read_text() for p in ROOT.glob("static/front/js/*.js"))
    assert "40075016" not in scripts and "Math.log10" not in scripts
    assert "equatorMetresPerPixel" not in scripts and "ladder" not in scripts
    assert "readPermalink" not in scripts and "URLSearchParams(window.location" not in scripts
    assert '"atacms"' not in scripts
    # Dates come worded from the server; zones URLs from its template.
    assert "Intl.DateTimeFormat" not in scripts and "toLocaleDateString" not in scripts
    assert "/api/zones.geojson" not in scripts and "/api/layers/" not in scripts
    assert "policyOn" not in scripts


def test_the_page_takes_its_display_rules_from_the_config():
    config = vocabulary.page_vocabulary()
    css = (ROOT / "static/front/css/map.css").read_text()
    assert "@media (max-width" not in css and "760px" not in css
    assert config["narrowMedia"] == vocabulary.NARROW_MEDIA
    tolerances = config["simplify"]["tolerances"]
    assert sorted(tolerances) == list(range(vocabulary.MIN_ZOOM, vocabulary.MAX_ZOOM + 1))
    ladder = set(vocabulary.simplify_ladder())
    assert all(t in ladder for row in tolerances.values() for t in row)
    assert tolerances[8][round(50.35 / config["simplify"]["latStep"])] == 600


def test_the_models_and_the_openapi_document_take_their_words_from_the_vocabulary():
    assert dict(Zone.Status.choices) == {s.slug: s.label for s in vocabulary.ZONE_STATUSES}
    assert dict(Zone.Kind.choices) == dict(vocabulary.ZONE_KINDS)
    schemas = openapi.DOCUMENT["components"]["schemas"]
    assert schemas["ZoneSummary"]["properties"]["status"]["enum"] == list(Zone.Status.values)
    assert schemas["Verdict"]["properties"]["status"]["enum"] == [
        s.slug for s in vocabulary.VERDICT_ANSWERS
    ]


def test_the_ladder_and_the_tolerance_rule():
    ladder = vocabulary.simplify_ladder()
    assert ladder[:11] == [10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 200] and ladder[-1] == 100_000
    assert vocabulary.tolerance_for(50.35, 8) == 600
    assert vocabulary.tolerance_for(0, 3) == 30_000
    assert vocabulary.tolerance_for(50.35, 14) == 10  # never below the ladder's first step


def test_dates_in_words():
    import datetime as dt

    day, next_day = dt.date(2024, 5, 30), dt.date(2024, 5, 31)
    assert vocabulary.day_in_words(day) == "30 May 2024"
    assert vocabulary.period_in_words(day, None) == "From 30 May 2024"
    assert vocabulary.period_in_words(None, day) == "Before 30 May 2024"
    assert vocabulary.period_in_words(day, next_day) == "30 May 2024 to 31 May 2024"


@pytest.mark.browser
def test_the_legend_the_zone_table_and_the_badge_use_the_same_labels(
    browser_page, loaded_live_server, local_tiles
):
    page = browser_page
    open_map(
        page,
        loaded_live_server.url,
        "?date=2024-05-30&at=50.41,36.89&target=launchers&weapon=gmlrs",
    )
    page.wait_for_selector("#verdict-body[data-status]")
    labels = [s.label for s in vocabulary.ZONE_STATUSES]
    assert page.locator("#legend .legend-status").all_inner_texts() == labels
    chips = set(page.locator("#zones-table .status-chip").all_text_contents())
    assert chips == set(labels)
    zone_status = page.locator("#verdict-body .facts dd").all_inner_texts()
    assert vocabulary.CONDITIONAL.label in zone_status
    badge = page.inner_text("#verdict-body .status-text")
    # rules.badge_label: a strike permitted only under the area's condition says so
    assert badge == f"{vocabulary.PERMITTED.label}: counter-fire only"
    colour = page.evaluate(
        "() => getComputedStyle(document.querySelector('#verdict-body .status-badge')).borderColor"
    )
    assert colour == "rgb(0, 114, 178)"  # the vocabulary's permitted fill


def _mercator_y(lat: float) -> float:
    """Web Mercator y of a latitude on a world 1 wide (the test's own formula)."""
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)) / (2 * math.pi)


@pytest.mark.parametrize(("lat", "lon", "zoom"), [(50.35, 36.6, 8), (50.6, 36.58, 9), (55, 40, 6)])
def test_the_first_view_box_covers_the_reach_and_no_more_than_a_degree_besides(lat, lon, zoom):
    west, south, east, north = vocabulary.first_view_box(lat, lon, zoom)
    assert all(isinstance(edge, int) for edge in (west, south, east, north))
    world = 256 * 2**zoom
    reach_x, reach_y = vocabulary.FIRST_VIEW_REACH_PIXELS
    lon_reach = 360 * reach_x / world
    assert west <= lon - lon_reach < west + 1 and east - 1 < lon + lon_reach <= east
    y = _mercator_y(lat)
    assert (
        _mercator_y(south) <= y - reach_y / world and _mercator_y(south + 1) > y - reach_y / world
    )
    assert (
        _mercator_y(north) >= y + reach_y / world and _mercator_y(north - 1) < y + reach_y / world
    )


def test_the_first_view_box_is_none_when_it_would_span_the_world_and_stops_at_its_edges():
    assert vocabulary.first_view_box(50.35, 36.6, 4) is None  # 4,096 px: the world is 4,096
    assert vocabulary.first_view_box(50.35, 36.6, 5) is not None
    west, south, east, north = vocabulary.first_view_box(-80, -179.5, 9)
    assert west == -180 and south >= -90
    west, south, east, north = vocabulary.first_view_box(84, 179.5, 9)
    assert east == 180 and north <= 90
