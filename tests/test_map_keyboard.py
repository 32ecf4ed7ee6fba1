"""Everything works from the keyboard: focus order, visible focus, verdicts without a mouse."""

import pytest

from tests.map_fixtures import local_tiles_fixture, open_map, screenshot, verdict  # noqa: F401

pytestmark = pytest.mark.browser


def focused(page) -> str:
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            if (!el) return '';
            if (el.id) return '#' + el.id;
            if (el.name) return el.tagName.toLowerCase() + '[name=' + el.name + ']';
            return el.tagName.toLowerCase() + '.' + el.className;
        }"""
    )


def tab_until(page, target: str, limit: int = 40) -> list[str]:
    seen = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        seen.append(focused(page))
        if seen[-1] == target:
            return seen
    raise AssertionError(f"Tab never reached {target}: {seen}")


def test_tab_reaches_every_control(browser_page, loaded_live_server, local_tiles):
    page = browser_page
    open_map(page, loaded_live_server.url)
    page.focus("body")
    seen = tab_until(page, "#drop-launch")
    for control in (
        "#map",
        "a.leaflet-control-zoom-in",
        "a.leaflet-control-layers-toggle",
        "#place-search",
        "#weapon-select",
        "#target-select",
        "input[name=date]",
        "#ask-centre",
        "#copy-link",
        "input[name=reach]",
        "#drop-launch",
    ):
        assert control in seen, (control, seen)
    assert seen.index("#place-search") < seen.index("#weapon-select") < seen.index("#ask-centre")
    # Focus is visible: the browser draws our outline on the focused button.
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"


def test_a_verdict_without_a_mouse(browser_page, loaded_live_server, local_tiles):
    page = browser_page
    open_map(page, loaded_live_server.url, "?c=50.6,36.58&z=9")
    page.focus("body")
    # The map itself: Tab to it, Enter asks about its centre.
    tab_until(page, "#map")
    page.keyboard.press("Enter")
    assert verdict(page, weapon="") == "conditional"
    assert "50.6000°N, 36.5800°E" in page.inner_text("#verdict-body")
    screenshot(page, "map_keyboard_centre")
    # The weapon selector, by keyboard.
    tab_until(page, "#weapon-select")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.wait_for_function("() => document.getElementById('weapon-select').value === 'atacms'")
    assert verdict(page, weapon="atacms") == "prohibited"
    # The "ask about the map centre" button.
    page.evaluate("() => window.PolicyMap.map.setView([49.99, 36.23], 9, {animate: false})")
    page.focus("#ask-centre")
    page.keyboard.press("Enter")
    page.wait_for_function(
        "() => document.getElementById('verdict-body').textContent.includes('Ukraine (')"
    )
    assert verdict(page, weapon="atacms") == "conditional"  # in Ukraine: military targets only
    # The place search: type, arrow down, Enter.
    page.focus("#place-search")
    page.keyboard.type("Kursk")
    page.wait_for_selector("#place-results [role=option]")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_function(
        "() => document.querySelector('#verdict-body .coords').textContent.startsWith('Kursk')"
    )
    assert verdict(page, weapon="atacms") == "prohibited"
    assert "Prohibited at Kursk" in page.inner_text("#verdict-live")


def test_a_launch_point_from_the_keyboard(browser_page, loaded_live_server, local_tiles):
    page = browser_page
    open_map(page, loaded_live_server.url, "?c=49.99,36.23&z=8")
    page.focus("#drop-launch")
    page.keyboard.press("Enter")
    assert page.is_visible("#mode-note")
    page.focus("#map")
    page.keyboard.press("Enter")
    page.wait_for_selector("path.reach--gmlrs", state="attached")
    assert "Launch point: 49.99" in page.inner_text("#launch-body")
    page.focus("#drop-launch")
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    assert page.is_hidden("#mode-note")


def test_the_layer_control_works_from_the_keyboard(browser_page, loaded_live_server, local_tiles):
    page = browser_page
    open_map(page, loaded_live_server.url)
    page.focus("body")
    tab_until(page, "a.leaflet-control-layers-toggle")
    page.keyboard.press("Enter")
    page.wait_for_selector(".leaflet-control-layers-expanded")
    box = page.get_by_label("GMLRS rockets reach: 84 km from the Kharkiv Oblast border with Russia")
    box.focus()
    page.keyboard.press("Space")
    page.wait_for_selector("path.reach--gmlrs", state="attached")
    assert box.is_checked()
