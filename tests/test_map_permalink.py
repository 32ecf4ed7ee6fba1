"""The address bar holds the view: opening it again restores the map and the verdict."""

import datetime as dt

import pytest

from tests.map_fixtures import (  # noqa: F401
    click_at,
    local_tiles_fixture,
    map_view,
    open_map,
    screenshot,
    verdict,
    wait_for_zones,
)

pytestmark = pytest.mark.browser


def test_the_permalink_round_trips(browser, browser_page, loaded_live_server, local_tiles):
    page = browser_page
    open_map(page, loaded_live_server.url)
    page.evaluate("() => window.PolicyMap.map.setView([50.45, 36.9], 9, {animate: false})")
    page.check("input[name=date][data-policy=within-ukraine-only]")
    page.select_option("#weapon-select", "gmlrs")
    page.select_option("#target-select", "launchers")
    click_at(page, 50.52, 36.75)
    assert verdict(page, weapon="gmlrs", target="launchers", date="2024-05-29") == "prohibited"
    page.wait_for_function("() => location.search.includes('at=')")
    url = page.url
    assert "date=2024-05-29" in url and "weapon=gmlrs" in url and "target=launchers" in url
    before = {
        "view": map_view(page),
        "verdict": page.inner_text("#verdict-body"),
    }

    context = browser.new_context(viewport={"width": 1280, "height": 800})
    other = context.new_page()
    try:
        other.route(
            "**/*",
            lambda route: (
                route.continue_()
                if route.request.url.startswith(loaded_live_server.url)
                or route.request.url.startswith("data:")
                else route.abort()
            ),
        )
        other.goto(url)
        other.wait_for_selector("#map[data-zones]", state="attached")
        assert verdict(other, weapon="gmlrs", target="launchers", date="2024-05-29") == "prohibited"
        assert map_view(other) == before["view"]
        assert other.input_value("#weapon-select") == "gmlrs"
        assert other.input_value("#target-select") == "launchers"
        assert other.is_checked("input[name=date][data-policy=within-ukraine-only]")
        assert other.inner_text("#verdict-body") == before["verdict"]
        assert other.locator("path.selected-point").count() == 1
        screenshot(other, "map_permalink_restored")
    finally:
        context.close()


def test_the_address_bar_follows_the_map(browser_page, loaded_live_server, local_tiles):
    page = browser_page
    open_map(page, loaded_live_server.url)
    history = page.evaluate("() => history.length")
    page.evaluate("() => window.PolicyMap.map.setView([50.1, 37.2], 10, {animate: false})")
    page.wait_for_function("() => location.search.includes('z=10')")
    assert "c=50.1,37.2" in page.url
    page.select_option("#weapon-select", "atacms")
    page.wait_for_function("() => location.search.includes('weapon=atacms')")
    # replaceState: the back button is not filled with map moves.
    assert page.evaluate("() => history.length") == history


REACH_SLUGS = ["gmlrs", "atacms"]


def rings_drawn(page, expected: list[str]) -> None:
    """The reach rings from the Kharkiv border are exactly `expected`, as drawn and as the
    panel's checkboxes show them."""
    for slug in expected:
        page.wait_for_selector(f"path.reach--{slug}", state="attached")
    page.wait_for_timeout(300)
    for slug in REACH_SLUGS:
        assert page.locator(f"path.reach--{slug}").count() == (slug in expected), slug
        assert page.is_checked(f"#reach-switch input[value={slug}]") == (slug in expected), slug


@pytest.mark.parametrize(
    "query, shown",
    [
        ("", ["atacms"]),
        ("?reach=gmlrs", ["gmlrs"]),
        ("?reach=none", []),
        ("?reach=x,<b>", ["atacms"]),
    ],
)
def test_the_permalink_holds_the_reach_rings(
    browser_page, loaded_live_server, local_tiles, query, shown
):
    page = browser_page
    open_map(page, loaded_live_server.url, query)
    rings_drawn(page, shown)
    # Switching a ring writes the rings to the address bar, and that link restores them.
    page.click("#reach-switch input[value=gmlrs]")
    expected = [slug for slug in REACH_SLUGS if (slug in shown) != (slug == "gmlrs")]
    page.wait_for_function(
        "(text) => new URLSearchParams(location.search).get('reach') === text",
        arg=",".join(expected) or "none",
    )
    page.goto(page.url)
    wait_for_zones(page)
    rings_drawn(page, expected)
    assert page.watch.console_errors == []


def test_a_malformed_permalink_falls_back_to_the_defaults(
    browser_page, loaded_live_server, local_tiles
):
    page = browser_page
    open_map(page, loaded_live_server.url, "?c=abc&z=99&date=yesterday&weapon=<b>&at=95,200")
    view = map_view(page)
    assert view["zoom"] == 14
    assert (view["lat"], view["lon"]) == (50.35, 36.6)
    assert page.input_value("#weapon-select") == ""
    today = dt.datetime.now(dt.UTC).date().isoformat()
    assert page.get_attribute("#map", "data-zones-date") == today  # the default: today
    assert page.watch.console_errors == []
