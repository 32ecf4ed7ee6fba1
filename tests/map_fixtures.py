"""Helpers and fixtures for the map page's browser tests (tests/test_map_*.py).

Test modules import the fixtures by their function names (`local_tiles_fixture`, ...),
which registers them under their fixture names (`local_tiles`, ...).
"""

from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"

# A 1x1 transparent PNG: tiles that "load" without leaving the machine.
BLANK_TILE = (
    "data:image/png;base64,"
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
)

BELGOROD = (50.6, 36.58)
KHARKIV = (49.99, 36.23)


@pytest.fixture(name="plain_static")
def plain_static_fixture(settings):
    """Static URLs by source name, as for the live server (no collectstatic manifest needed)."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(name="local_tiles")
def local_tiles_fixture(settings):
    """Serve the basemap tiles from a data: URL so the page makes no blocked request."""
    settings.TILE_URL = BLANK_TILE
    return BLANK_TILE


@pytest.fixture(name="console_log")
def console_log_fixture(browser_page):
    """Every console error with the URL it is about (page.watch keeps only the text)."""
    entries: list[tuple[str, str]] = []

    def record(message):
        if message.type == "error":
            entries.append((message.text, (message.location or {}).get("url", "")))

    browser_page.on("console", record)
    return entries


# The version most page tests look at (Kharkiv only); open_map(..., default_view=True) keeps
# the page's own default (today).
FIRST_DAY = "2024-05-30"


def open_map(page, base_url: str, query: str = "", default_view: bool = False):
    """Open the map (on FIRST_DAY unless asked otherwise) and wait until the zones are drawn."""
    if not default_view and "date=" not in query:
        query = (query + "&" if query else "?") + f"date={FIRST_DAY}"
    response = page.goto(base_url + "/" + query)
    wait_for_zones(page)
    return response


def wait_for_zones(page, date: str | None = None) -> None:
    selector = "#map[data-zones]" if date is None else f'#map[data-zones-date="{date}"]'
    page.wait_for_selector(selector, state="attached", timeout=15_000)
    page.wait_for_selector("#map[data-ready]", state="attached")
    page.wait_for_function("() => document.querySelectorAll('path.zone').length > 0")


def screen_point(page, lat: float, lon: float) -> dict:
    """Where a lat/lon is on the page, in CSS pixels."""
    return page.evaluate(
        """([lat, lon]) => {
            const map = window.PolicyMap.map;
            const p = map.latLngToContainerPoint([lat, lon]);
            const box = map.getContainer().getBoundingClientRect();
            return {x: box.left + p.x, y: box.top + p.y};
        }""",
        [lat, lon],
    )


def click_at(page, lat: float, lon: float) -> None:
    point = screen_point(page, lat, lon)
    page.mouse.click(point["x"], point["y"])


def verdict(page, **expected: str) -> str:
    """The status in the verdict panel once the answer for `expected` (weapon, target,
    date: as the panel's data attributes show them) has arrived."""
    page.wait_for_function(
        """(expected) => {
            const body = document.getElementById('verdict-body');
            if (!body.dataset.status || body.hasAttribute('aria-busy')) return false;
            return Object.entries(expected).every(([key, value]) => body.dataset[key] === value);
        }""",
        arg=expected,
        timeout=10_000,
    )
    return page.get_attribute("#verdict-body", "data-status")


def map_view(page) -> dict:
    return page.evaluate(
        """() => {
            const map = window.PolicyMap.map, c = map.getCenter();
            return {lat: +c.lat.toFixed(4), lon: +c.lng.toFixed(4), zoom: map.getZoom()};
        }"""
    )


def screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))
