"""The page asks for tolerances on the API's ladder, and its first request is the preload."""

import datetime as dt
import re

import pytest

from mapsite.zones import vocabulary
from tests.map_fixtures import local_tiles_fixture, open_map  # noqa: F401

pytestmark = pytest.mark.browser

SIMPLIFY = re.compile(r"[?&]simplify=([0-9]+)")


def test_every_tolerance_the_page_asks_for_is_on_the_ladder(
    browser_page, loaded_live_server, local_tiles
):
    page = browser_page
    asked = []
    page.on("request", lambda r: "/api/" in r.url and asked.append(r.url))
    open_map(page, loaded_live_server.url)
    for lat, lon, zoom in [(50.4, 36.6, 10), (55.5, 38.0, 5), (48.0, 34.0, 13), (52.0, 40.0, 3)]:
        page.evaluate(
            "([lat, lon, zoom]) => PolicyMap.map.setView([lat, lon], zoom, {animate: false})",
            [lat, lon, zoom],
        )
        page.wait_for_timeout(300)
    ladder = set(vocabulary.simplify_ladder())
    tolerances = [int(m.group(1)) for url in asked if (m := SIMPLIFY.search(url))]
    assert len({t for t in tolerances}) >= 4, asked
    assert all(t in ladder for t in tolerances), tolerances


def test_the_page_and_its_preload_agree_on_bad_permalink_dates(
    browser_page, loaded_live_server, local_tiles
):
    page = browser_page
    zone_requests = []
    page.on("request", lambda r: "/api/zones.geojson" in r.url and zone_requests.append(r.url))
    response = open_map(page, loaded_live_server.url, "?date=2024-13-45")
    today = dt.datetime.now(dt.UTC).date().isoformat()  # the default date
    expected = f"/api/zones.geojson?date={today}&simplify=600"
    assert zone_requests == [loaded_live_server.url + expected]
    assert f"<{expected}>; rel=preload" in (response.headers.get("link") or "")
