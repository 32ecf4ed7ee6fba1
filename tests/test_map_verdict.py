"""Asking the map: click, weapon and target, policy date, place search, escaped text."""

import pytest

from mapsite.zones.models import Source, Zone
from tests.map_fixtures import (  # noqa: F401
    BELGOROD,
    click_at,
    local_tiles_fixture,
    open_map,
    screenshot,
    verdict,
    wait_for_zones,
)

pytestmark = pytest.mark.browser

XSS = "<img src=x onerror=alert(1)>"


def test_a_click_in_the_counter_fire_zone_is_counter_fire_only_and_not_with_atacms(
    browser_page, loaded_live_server, local_tiles
):
    page = browser_page
    open_map(page, loaded_live_server.url)
    click_at(page, *BELGOROD)
    assert verdict(page, weapon="", date="2024-05-30") == "conditional"
    assert page.inner_text("#verdict-body .status-text") == "Counter-fire only"  # not "Permitted"
    body = page.inner_text("#verdict-body")
    assert "Counter-fire area near Kharkiv" in body
    assert "km from the Ukraine–Russia border" in body
    assert "Depth of the counter-fire area into Russia: 84 km." in body
    assert "within 84 km of Kharkiv Oblast" in body  # the assumption, worded from the depth
    assert "POLITICO, 30 May 2024" in body
    assert "Counter-fire only at" in page.inner_text("#verdict-live")

    page.select_option("#weapon-select", "atacms")
    assert verdict(page, weapon="atacms") == "prohibited"
    assert "ATACMS may not be used here." in page.inner_text("#verdict-body")
    assert page.inner_text("#verdict-body .status-badge").strip().endswith("Prohibited")

    page.select_option("#weapon-select", "gmlrs")
    page.select_option("#target-select", "civilian-infrastructure")
    assert verdict(page, weapon="gmlrs", target="civilian-infrastructure") == "prohibited"
    page.select_option("#target-select", "launchers")
    assert verdict(page, weapon="gmlrs", target="launchers") == "permitted"
    assert page.inner_text("#verdict-body .status-text") == "Permitted: counter-fire only"
    screenshot(page, "map_verdict_counter_fire")
    assert page.watch.console_errors == []
    assert page.watch.failed_requests == []


def test_the_policy_before_the_change_prohibits_belgorod(
    browser_page, loaded_live_server, local_tiles
):
    page = browser_page
    open_map(page, loaded_live_server.url)
    click_at(page, *BELGOROD)
    assert verdict(page, date="2024-05-30") == "conditional"
    page.check("input[name=date][data-policy=within-ukraine-only]")
    wait_for_zones(page, "2024-05-29")
    assert verdict(page, date="2024-05-29") == "prohibited"
    assert page.locator("path.zone").count() == 2
    assert page.locator("path.zone-changed").count() == 0
    assert "US weapons to be used within Ukraine only" in page.inner_text("#policy-summary")
    assert "Show that version" in page.inner_text("#change-note")
    screenshot(page, "map_before_the_change")
    # An exact date from the address bar: 1 May 2024.
    open_map(page, loaded_live_server.url, "?date=2024-05-01&at=50.6,36.58")
    assert verdict(page, date="2024-05-01") == "prohibited"
    assert page.is_checked("input[name=date][data-policy=within-ukraine-only]")
    assert "2024-05-01" in page.inner_text("#verdict-body")


def test_a_place_search_asks_about_the_place(browser_page, loaded_live_server, local_tiles):
    page = browser_page
    open_map(page, loaded_live_server.url)
    page.fill("#place-search", "Belgor")
    page.wait_for_selector("#place-results [role=option]")
    assert page.get_attribute("#place-search", "aria-expanded") == "true"
    options = page.locator("#place-results [role=option]").all_inner_texts()
    assert options[0].startswith("Belgorod")
    page.press("#place-search", "ArrowDown")
    assert page.get_attribute("#place-search", "aria-activedescendant") == "place-option-0"
    page.press("#place-search", "Enter")
    assert verdict(page) == "conditional"
    assert "Belgorod" in page.inner_text("#verdict-body .coords")
    assert page.get_attribute("#place-search", "aria-expanded") == "false"


def test_database_text_is_shown_as_text(browser_page, loaded_live_server, local_tiles):
    Zone.objects.filter(slug="counter-fire-kharkiv").update(name=XSS)
    Source.objects.filter(slug="politico-near-kharkiv").update(quote=XSS, publisher=XSS)
    page = browser_page
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    open_map(page, loaded_live_server.url)
    click_at(page, *BELGOROD)
    assert verdict(page) == "conditional"
    body = page.inner_text("#verdict-body")
    assert XSS in body  # the zone name and the quote, as text
    assert page.locator("img[src=x]").count() == 0
    assert page.locator("#verdict-body img, #change-note img, #zones-table img").count() == 0
    assert XSS in page.inner_text("#change-note")
    assert XSS in page.locator("#zones-table").text_content()
    assert dialogs == []
    assert page.watch.console_errors == []
    screenshot(page, "map_escaped_text")


def test_a_point_outside_ukraine_and_russia_is_not_covered(
    browser_page, loaded_live_server, local_tiles
):
    page = browser_page
    open_map(page, loaded_live_server.url, "?at=53.9,27.56")
    assert verdict(page) == "not_covered"
    assert "Not covered by the policy" in page.inner_text("#verdict-body .status-badge")
    assert "outside Ukraine and Russia" in page.inner_text("#verdict-body")
