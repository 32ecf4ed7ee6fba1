"""Names on the map never overlap: a lower-ranked name (a small place under an oblast's
name, an oblast's name under a major place) gives way while it would cover another."""

import pytest

from tests.map_fixtures import local_tiles_fixture, open_map, screenshot  # noqa: F401

pytestmark = pytest.mark.browser

# Every name drawn, its box, whether it is visible and what it is.
NAMES = """() => Array.from(document.querySelectorAll('.leaflet-labels-pane .map-label')).map(n => {
  const b = (n.firstElementChild || n).getBoundingClientRect();
  const style = getComputedStyle(n);
  return {text: n.textContent, kind: n.className, left: b.left, right: b.right, top: b.top,
          bottom: b.bottom, shown: b.width > 0 && style.visibility !== 'hidden'
                               && style.display !== 'none'};
})"""


def overlapping(names: list[dict], gap: float = 0) -> list[tuple[str, str]]:
    """Pairs of shown names whose boxes overlap (or come within `gap` px)."""
    shown = [n for n in names if n["shown"]]
    return [
        (a["text"], b["text"])
        for i, a in enumerate(shown)
        for b in shown[i + 1 :]
        if a["left"] < b["right"] + gap and b["left"] < a["right"] + gap
        and a["top"] < b["bottom"] + gap and b["top"] < a["bottom"] + gap
    ]  # fmt: skip


def rank(name: dict) -> int:
    """As map-labels.js ranks them: major places, then oblasts, then other places."""
    kinds = name["kind"].split()
    return 0 if "place-label--major" in kinds else 1 if "oblast-label" in kinds else 2


def names_after_zoom(page, zoom: int) -> list[dict]:
    page.evaluate("z => window.PolicyMap.map.setZoom(z, {animate: false})", zoom)
    page.wait_for_function(f"() => window.PolicyMap.map.getZoom() === {zoom}")
    page.wait_for_timeout(100)  # the next animation frame re-checks the names
    return page.evaluate(NAMES)


@pytest.mark.parametrize("size", [(1280, 800), (390, 844)], ids=["desktop", "phone"])
def test_no_two_names_overlap_at_any_zoom(browser_page, loaded_live_server, local_tiles, size):
    page = browser_page
    page.set_viewport_size({"width": size[0], "height": size[1]})
    open_map(page, loaded_live_server.url, "?c=50.2,36.6&z=7")
    page.wait_for_function("() => document.querySelectorAll('.oblast-label').length >= 10")
    page.wait_for_selector("#map[data-labels-checked]", state="attached")
    hidden = 0
    for zoom in (6, 7, 8, 9, 10):
        names = names_after_zoom(page, zoom)
        assert overlapping(names) == [], zoom
        shown = [n for n in names if n["shown"]]
        assert any("place-label--major" in n["kind"] for n in shown), zoom
        hidden += sum(1 for n in names if not n["shown"] and "label-covered" in n["kind"])
    # Names did collide (the check has work to do), and those that gave way were ranked lower.
    assert hidden > 0
    names = names_after_zoom(page, 7)
    shown = [n for n in names if n["shown"]]
    for name in (n for n in names if "label-covered" in n["kind"]):
        assert any(
            overlapping([{**name, "shown": True}, other], gap=2) and rank(other) <= rank(name)
            for other in shown
        ), name
    screenshot(page, f"map_labels_{size[0]}")
