"""The timeline on the map: stepping through the versions after May 2024 in order, the
permalink keeping the date, the disputed version marked and never drawn as the rule, the
"deep" wording per version, and where the record ends."""

import datetime as dt

import pytest

from mapsite.zones import vocabulary
from tests.map_fixtures import local_tiles_fixture, open_map, wait_for_zones  # noqa: F401

pytestmark = pytest.mark.browser

PROHIBITED = vocabulary.PROHIBITED.label.lower()
RING = (
    "The 300 km ring is ATACMS reach, measured from the Kharkiv Oblast border with Russia: "
    "a weapon’s reach, not a policy boundary."
)
# The versions after May 2024, in order: (slug, date shown, where prohibition begins).
AFTER_MAY = [
    (
        "counter-fire-kharkiv-sumy",
        "2024-05-31",
        f"Beyond 84 km of the Kharkiv and Sumy oblasts’ border with Russia: {PROHIBITED}",
    ),
    (
        "counter-fire-across-border",
        "2024-06-17",
        f"Beyond 84 km of the Ukraine–Russia land border: {PROHIBITED}.",
    ),
    (
        "atacms-kursk",
        "2024-11-17",
        f"Beyond 84 km of the Ukraine–Russia land border: {PROHIBITED}; except ATACMS in "
        "Kursk Oblast (ATACMS area): military targets only.",
    ),
    (
        "pentagon-approval",
        "2025-06-01",
        f"Beyond 84 km of the Ukraine–Russia land border: {PROHIBITED}; except ATACMS in "
        "Kursk Oblast (ATACMS area): military targets only, each strike needing the Pentagon",
    ),
]
DISPUTED = ("restriction-lifted-denied", "2025-10-22")


def shown(page) -> dict:
    return page.evaluate(
        """() => ({
            step: PolicyMap.state.step, policy: PolicyMap.state.policy,
            date: PolicyMap.state.date,
            checked: (document.querySelector('#policy-switch input:checked') || {}).dataset?.policy,
            prohibition: document.getElementById('policy-prohibition').textContent,
            ring: document.getElementById('policy-ring').textContent,
            position: document.getElementById('step-position').textContent,
            prev: document.getElementById('step-prev').disabled,
            next: document.getElementById('step-next').disabled,
            note: document.getElementById('disputed-note').hidden
                ? null : document.getElementById('disputed-note').textContent,
            title: document.getElementById('policy-title').textContent,
        })"""
    )


def url_date(page, date: str) -> None:
    page.wait_for_function("(date) => location.search.includes('date=' + date)", arg=date)


def test_stepping_forward_through_the_versions_after_may_2024(
    browser_page, loaded_live_server, local_tiles
):
    page = browser_page
    open_map(page, loaded_live_server.url, "?date=2024-05-30")
    assert shown(page)["step"] == "counter-fire-kharkiv"
    for slug, date, prohibition in AFTER_MAY:
        page.click("#step-next")
        wait_for_zones(page, date)
        url_date(page, date)
        now = shown(page)
        assert (now["step"], now["policy"], now["checked"], now["date"]) == (
            slug,
            slug,
            slug,
            date,
        )
        assert now["prohibition"].startswith(prohibition), now["prohibition"]
        assert now["ring"] == RING
        assert now["note"] is None and not now["prev"] and not now["next"]
    # The areas the version changed are outlined, and the note says what changed.
    assert "What changed on 1 June 2025" in page.inner_text("#change-note")
    assert page.locator("path.zone-changed").count() >= 1
    assert page.watch.console_errors == []


def test_the_disputed_version_is_stepped_to_but_marked_and_never_the_rule(
    browser_page, loaded_live_server, local_tiles
):
    page = browser_page
    open_map(page, loaded_live_server.url, "?date=2025-06-01")
    page.focus("#step-next")
    page.keyboard.press("Enter")
    slug, date = DISPUTED
    wait_for_zones(page, date)
    url_date(page, date)
    now = shown(page)
    # Stepped to, but the map draws the version in force that day, and says so.
    assert (now["step"], now["policy"], now["checked"]) == (
        slug,
        "pentagon-approval",
        "pentagon-approval",
    )
    assert now["next"] and not now["prev"]
    assert now["note"].startswith("Not applied: “Reported lifting of a long-range missile")
    assert "never the rule" in now["note"] and "Pentagon approval required" in now["note"]
    assert now["title"].startswith("Pentagon approval required")
    option = page.locator(f".policy-option--disputed[data-policy={slug}]")
    assert option.get_attribute("aria-current") == "step"
    assert "Not applied" in option.inner_text()
    assert now["prohibition"] == shown_for(page, "pentagon-approval")
    # The Later button is disabled at the end; the focus moved to Earlier.
    assert page.evaluate("() => document.activeElement.id") == "step-prev"
    # The permalink reopens the disputed step.
    page.goto(page.url)
    wait_for_zones(page, date)
    again = shown(page)
    assert (again["step"], again["policy"]) == (slug, "pentagon-approval")
    assert not page.is_hidden("#disputed-note")
    # A verdict there is the rule in force, with the denied report named.
    page.keyboard.press("Shift+Tab")
    page.click("#step-prev")
    wait_for_zones(page, "2025-06-01")
    assert shown(page)["note"] is None and page.is_hidden("#disputed-note")


def shown_for(page, slug: str) -> str:
    return page.evaluate("(slug) => PolicyMap.policy(slug).prohibition", slug)


def test_stepping_back_keeps_the_date_in_the_permalink(
    browser_page, loaded_live_server, local_tiles
):
    page = browser_page
    open_map(page, loaded_live_server.url, "?date=2025-06-01&z=7")
    for slug, date, _ in reversed(AFTER_MAY[:-1]):
        page.click("#step-prev")
        wait_for_zones(page, date)
        url_date(page, date)
        assert shown(page)["step"] == slug
    assert "z=7" in page.url
    # Back to the first version: Earlier is disabled there.
    page.click("#step-prev")
    page.click("#step-prev")
    wait_for_zones(page, "2024-05-29")
    now = shown(page)
    assert now["step"] == "within-ukraine-only" and now["prev"] and not now["next"]
    assert now["prohibition"] == f"All of Russia: {PROHIBITED}."
    # A permalink to a date between versions shows the version in force then.
    page.goto(loaded_live_server.url + "/?date=2024-08-01")
    wait_for_zones(page, "2024-08-01")
    assert shown(page)["step"] == "counter-fire-across-border"


def test_the_record_ends_where_the_newest_source_does(
    browser_page, loaded_live_server, local_tiles
):
    page = browser_page
    open_map(page, loaded_live_server.url, default_view=True)  # today
    today = dt.date.today().isoformat()
    assert shown(page)["date"] in (today, dt.datetime.now(dt.UTC).date().isoformat())
    known = page.inner_text("#known-as-of")
    assert known.startswith("Nothing after 23 October 2025 is recorded here")
    assert "known-as-of--past" in page.get_attribute("#known-as-of", "class")
    # Within the record, it says how far the record reaches.
    page.click("#step-prev")
    wait_for_zones(page, "2024-11-17")
    assert page.inner_text("#known-as-of") == (
        "Recorded up to 23 October 2025: nothing later is known to this map."
    )
    assert "known-as-of--past" not in page.get_attribute("#known-as-of", "class")
