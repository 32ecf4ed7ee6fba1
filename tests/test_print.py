"""Printing the map: map, legend, the version, the verdict and the sources on the page; the
controls hidden; nothing cut off at the paper's edge."""

import pytest

from tests.map_fixtures import (  # noqa: F401
    ARTIFACTS,
    BELGOROD,
    click_at,
    local_tiles_fixture,
    open_map,
    verdict,
)

pytestmark = pytest.mark.browser

HIDDEN_IN_PRINT = [
    "#place-search",
    "#weapon-select",
    "#ask-centre",
    "#copy-link",
    "#embed-open",
    "#step-prev",
    "#drop-launch",
    ".leaflet-control-zoom",
]
SHOWN_IN_PRINT = [
    ".site-caveat",
    "#map",
    "#legend .legend-list",
    "#verdict-body",
    "#policy-switch",
    ".print-link",
]


def test_the_printed_page_holds_map_legend_verdict_and_sources(
    browser_page, loaded_live_server, local_tiles
):
    page = browser_page
    page.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi
    open_map(page, loaded_live_server.url)
    click_at(page, *BELGOROD)
    assert verdict(page, date="2024-05-30") == "conditional"
    page.evaluate("() => window.dispatchEvent(new Event('beforeprint'))")
    page.emulate_media(media="print")
    for selector in HIDDEN_IN_PRINT:
        assert not page.is_visible(selector), selector
    assert "Not for operational use" in page.inner_text(".site-caveat")
    for selector in SHOWN_IN_PRINT:
        assert page.is_visible(selector), selector
    # The verdict's text is all there: within the paper's width, not clipped by a scroll box.
    box = page.evaluate(
        """() => {
            const body = document.getElementById('verdict-body');
            const r = body.getBoundingClientRect();
            return {right: r.right, width: document.documentElement.clientWidth,
                    clipped: body.scrollHeight > body.clientHeight + 1,
                    panelClipped: document.getElementById('panel').scrollHeight >
                                  document.getElementById('panel').clientHeight + 1};
        }"""
    )
    assert box["right"] <= box["width"] + 1
    assert not box["clipped"] and not box["panelClipped"]
    # The printed address carries the view.
    link = page.inner_text(".print-link")
    assert "date=2024-05-30" in link and "at=50.6" in link
    printed = page.inner_text("#verdict-body")
    assert "Counter-fire area near Kharkiv" in printed
    assert "POLITICO" in printed  # the sources the verdict rests on, printed with it
    page.set_viewport_size({"width": 718, "height": 1047})
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "print.png"), full_page=True)
    pdf = page.pdf(path=str(ARTIFACTS / "print.pdf"), format="A4", print_background=True)
    assert pdf.startswith(b"%PDF")
    assert pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages") == 1, "one printed page"
    page.evaluate("() => window.dispatchEvent(new Event('afterprint'))")
    page.emulate_media(media="screen")
    assert page.is_visible("#place-search")


def test_without_a_point_the_sources_are_printed(browser_page, loaded_live_server, local_tiles):
    page = browser_page
    open_map(page, loaded_live_server.url)
    page.evaluate("() => window.dispatchEvent(new Event('beforeprint'))")
    page.emulate_media(media="print")
    assert page.evaluate("document.getElementById('sources-details').open")
    assert page.is_visible(".quotes") and page.is_visible(".assumptions")
    assert not page.is_visible("#verdict-body")
    assert not page.is_visible("#place-search")
    page.evaluate("() => window.dispatchEvent(new Event('afterprint'))")
    assert not page.evaluate("document.getElementById('sources-details').open")
