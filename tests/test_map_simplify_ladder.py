"""The page's first request is the preload. (The page takes its tolerances from the server's
table, mapsite/zones/vocabulary.py tolerance_table, so no test keeps two copies equal.)"""

import datetime as dt

import pytest

from tests.map_fixtures import local_tiles_fixture, open_map  # noqa: F401

pytestmark = pytest.mark.browser


def test_the_page_and_its_preload_agree_on_bad_permalink_dates(
    browser_page, loaded_live_server, local_tiles
):
    page = browser_page
    zone_requests = []
    page.on("request", lambda r: "/api/zones.geojson" in r.url and zone_requests.append(r.url))
    response = open_map(page, loaded_live_server.url, "?date=2024-13-45")
    today = dt.datetime.now(dt.UTC).date().isoformat()  # the default date
    expected = f"/api/zones.geojson?date={today}&simplify=600&bbox=25,45,48,55&clip=1"
    assert zone_requests == [loaded_live_server.url + expected]
    assert f"<{expected}>; rel=preload" in (response.headers.get("link") or "")
