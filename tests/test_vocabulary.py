"""The policy's vocabulary is written once and the page, the zone table and the API share it."""

import re
from pathlib import Path

import pytest

from mapsite.api import openapi
from mapsite.zones import vocabulary
from mapsite.zones.models import Zone
from tests.map_fixtures import local_tiles_fixture, open_map  # noqa: F401

ROOT = Path(__file__).resolve().parent.parent
# Where the page and the server are written; the vocabulary module is the one home.
CODE = [
    *ROOT.glob("static/front/**/*.js"),
    *ROOT.glob("static/front/**/*.css"),
    *ROOT.glob("templates/**/*.html"),
    *(p for p in ROOT.glob("mapsite/**/*.py") if p.name != "vocabulary.py"),
]


def test_no_status_label_or_colour_is_written_outside_the_vocabulary():
    words = [s.label for s in vocabulary.VERDICT_STATUSES if s.label not in ("Prohibited",)]
    colours = {c.lower() for s in vocabulary.VERDICT_STATUSES for c in (s.fill, s.line, s.tint)}
    colours |= {c.lower() for c in vocabulary.MAP_COLOURS.values()} - {"#ffffff"}
    for path in CODE:
        text = path.read_text()
        if "/migrations/" in str(path):
            continue
        for word in words:
            assert f'"{word}"' not in text, (path, word)
        found = {c.lower() for c in re.findall(r"#[0-9a-fA-F]{6}\b", text)}
        assert not found & colours, (path, found & colours)


def test_no_tolerance_rule_or_permalink_parser_is_left_in_the_page():
    scripts = "".join(p.read_text() for p in ROOT.glob("static/front/js/*.js"))
    assert "40075016" not in scripts and "Math.log10" not in scripts
    assert "readPermalink" not in scripts and "URLSearchParams(window.location" not in scripts
    assert '"atacms"' not in scripts


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
    assert badge == vocabulary.PERMITTED.label
    colour = page.evaluate(
        "() => getComputedStyle(document.querySelector('#verdict-body .status-badge')).borderColor"
    )
    assert colour == "rgb(0, 114, 178)"  # the vocabulary's permitted fill
