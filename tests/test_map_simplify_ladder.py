"""The page's own maths in chromium: tolerances on the API's ladder, permalink dates checked."""

import pytest

from mapsite.api.params import one_figure
from mapsite.front.views import _simplify_for
from tests.map_fixtures import local_tiles_fixture, open_map  # noqa: F401

pytestmark = pytest.mark.browser

GRID = [(lat / 2, zoom) for lat in range(-170, 171, 7) for zoom in range(3, 15)]


def test_the_page_s_tolerances_are_the_server_s_and_on_the_ladder(
    browser_page, loaded_live_server, local_tiles
):
    page = browser_page
    open_map(page, loaded_live_server.url)
    tolerances = page.evaluate(
        """grid => grid.map(([lat, zoom]) => {
            const zones = PolicyMap.simplifyFor(lat, zoom);
            const countries = Math.min(Math.max(PolicyMap.oneFigure(Math.min(zones, 100000) * 4),
                                                2000), 100000);
            return [zones, countries];
        })""",
        GRID,
    )
    for (lat, zoom), (zones, countries) in zip(GRID, tolerances, strict=True):
        # The Link preload header's sum gives the URL the script asks for ...
        assert zones == _simplify_for(lat, zoom), (lat, zoom)
        # ... and the API answers both as asked, not as a neighbouring value.
        assert one_figure(zones) == zones, (lat, zoom)
        assert one_figure(countries) == countries, (lat, zoom)


def test_the_page_and_its_preload_agree_on_bad_permalink_dates(
    browser_page, loaded_live_server, local_tiles
):
    page = browser_page
    zone_requests = []
    page.on("request", lambda r: "/api/zones.geojson" in r.url and zone_requests.append(r.url))
    open_map(page, loaded_live_server.url, "?date=2024-13-45")
    assert zone_requests == [
        loaded_live_server.url + "/api/zones.geojson?date=2024-05-30&simplify=600"
    ]
    dates = page.evaluate(
        "texts => texts.map(t => PolicyMap.readPermalink('?date=' + encodeURIComponent(t)).date)",
        ["2024-02-29", "2023-02-29", "2024-13-45", "0000-01-01", "\u0662\u0660\u0662\u0664-05-01"],
    )
    assert dates == ["2024-02-29", "2024-05-30", "2024-05-30", "2024-05-30", "2024-05-30"]
