"""The map page in chromium: it loads cleanly, draws the zones, survives without tiles."""

import urllib.request

import pytest

from tests.map_fixtures import (  # noqa: F401
    BELGOROD,
    KHARKIV,
    click_at,
    console_log_fixture,
    local_tiles_fixture,
    open_map,
    screen_point,
    screenshot,
    verdict,
)

pytestmark = pytest.mark.browser

# The rings' names, as the server words them (mapsite/front/timeline.py reach_label).
DEEP_STRIKE_LABEL = (
    "ATACMS reach: 300 km from the Kharkiv Oblast border with Russia (not a policy line)"
)
GMLRS_LABEL = "GMLRS rockets reach: 84 km from the Kharkiv Oblast border with Russia"

PANEL_FITS = (
    "() => { const p = document.getElementById('panel'); return p.scrollWidth <= p.clientWidth; }"
)


def test_it_loads_without_console_errors_or_failed_requests(
    browser_page, loaded_live_server, local_tiles
):
    page = browser_page
    zone_requests = []
    warnings = []
    page.on("request", lambda r: "/api/zones.geojson" in r.url and zone_requests.append(r.url))
    page.on("console", lambda m: m.type == "warning" and warnings.append(m.text))
    open_map(page, loaded_live_server.url)
    page.wait_for_selector("#map[data-zones-date='2024-05-30']", state="attached")
    page.wait_for_function("() => document.querySelectorAll('.oblast-label').length >= 10")
    page.wait_for_timeout(300)
    assert page.watch.console_errors == []
    assert page.watch.failed_requests == []
    assert page.watch.external_requests == []
    assert warnings == []
    # The zones were asked for once: the script took the response to the page's preload.
    assert zone_requests == [
        loaded_live_server.url
        + "/api/zones.geojson?date=2024-05-30&simplify=600&bbox=25,45,48,55&clip=1"
    ]
    # Leaflet comes from our own static files, never a CDN.
    assert page.evaluate("() => L.version").startswith("1.9")


def test_the_first_view_zones_are_cut_to_a_box_until_the_view_leaves_it(
    browser_page, loaded_live_server, local_tiles
):
    page = browser_page
    zone_requests = []
    page.on("request", lambda r: "/api/zones.geojson" in r.url and zone_requests.append(r.url))
    open_map(page, loaded_live_server.url)
    page.wait_for_selector("#map[data-zones-date='2024-05-30']", state="attached")
    first = page.evaluate("() => PolicyMap.config.firstZones")
    assert first["box"] == [25, 45, 48, 55] and "&bbox=25,45,48,55&clip=1" in first["url"]
    # The cut zones end at the box: no vertex of a drawn zone lies outside it.
    outside = """(box) => {
        let out = 0;
        PolicyMap.zones.group.eachLayer(g => g.eachLayer(layer => {
            const b = layer.getBounds();
            if (b.getWest() < box[0] - 1e-6 || b.getSouth() < box[1] - 1e-6 ||
                b.getEast() > box[2] + 1e-6 || b.getNorth() > box[3] + 1e-6) out += 1;
        }));
        return out;
    }"""
    assert page.evaluate(outside, first["box"]) == 0
    # Panning within the box asks for nothing more.
    page.evaluate("() => PolicyMap.map.panBy([200, 100], {animate: false})")
    page.wait_for_timeout(400)
    assert len(zone_requests) == 1
    # Once the view leaves the box, the whole zones are fetched and drawn.
    page.evaluate("() => PolicyMap.map.setView([55.7, 49.1], 8, {animate: false})")
    page.wait_for_function("() => document.querySelectorAll('path.zone').length > 0")
    page.wait_for_function(
        "() => performance.getEntriesByType('resource').filter("
        "e => e.name.includes('/api/zones.geojson')).length === 2"
    )
    assert zone_requests[1].startswith(
        loaded_live_server.url + "/api/zones.geojson?date=2024-05-30&simplify="
    )
    assert "bbox=" not in zone_requests[1]
    page.wait_for_function(f"(box) => ({outside})(box) > 0", arg=first["box"])
    assert page.watch.console_errors == []


def test_it_draws_the_zones_styled_by_status(browser_page, loaded_live_server, local_tiles):
    page = browser_page
    open_map(page, loaded_live_server.url)
    classes = page.eval_on_selector_all(
        "path.zone", "paths => paths.map(p => p.getAttribute('class'))"
    )
    assert len(classes) == 3, classes
    assert sorted(c.split()[1] for c in classes) == [
        "zone--conditional",
        "zone--permitted",
        "zone--prohibited",
    ]
    # The prohibited area is hatched with the page's one pattern, which the legend uses too.
    fill = page.get_attribute("path.zone--prohibited", "fill")
    assert fill == "url(#pm-hatch-prohibited)"
    assert page.locator("svg pattern#pm-hatch-prohibited").count() == 1
    legend_fill = page.get_attribute("#legend .swatch--hatched rect", "fill")
    assert legend_fill == "url(#pm-hatch-prohibited)"
    # The area the permission changed is outlined, and the panel says what changed.
    # (the counter-fire area, and Ukraine, where civilian targets were ruled out)
    assert page.locator("path.zone-changed").count() == 2
    note = page.inner_text("#change-note")
    assert note.startswith("What changed on 30 May 2024: Counter-fire into Russia near Kharkiv")
    assert "Dashed outline: “Counter-fire area near Kharkiv”" in note
    # Borders, the emphasised Kharkiv segment, oblast names and cities.
    page.wait_for_selector("path.kharkiv-segment", state="attached")
    page.wait_for_function("() => document.querySelectorAll('.oblast-label').length >= 10")
    labels = page.locator(".oblast-label").all_text_contents()
    assert "Belgorod Oblast" in labels and "Kharkiv Oblast" in labels
    assert "Kharkiv" in page.locator(".place-label").all_text_contents()
    # Every place the page carries for this zoom gets its marker (made a few per task).
    page.wait_for_selector("#map[data-places='ready']", state="attached")
    expected = page.evaluate(
        """() => { const c = PolicyMap.config;
                   const min = c.zoom.placePopulation[PolicyMap.map.getZoom()];
                   return c.places.filter(p => p.population >= min).length; }"""
    )
    assert expected > 25, "more places than one task makes"
    assert page.locator(".place-label").count() == expected
    # The text alternative lists this policy's zones with status and area.
    rows = page.locator("#zones-table tbody tr:not([hidden])")
    assert rows.count() == 3
    page.click("#zones-details summary")
    assert "Counter-fire area near Kharkiv" in page.inner_text("#zones-table")
    assert "24,449" in page.inner_text("#zones-table")
    assert page.evaluate(PANEL_FITS), "the panel's content fits its width"
    assert page.evaluate("() => performance.getEntriesByName('zones-drawn').length") == 1
    screenshot(page, "map_desktop")


def test_it_stays_usable_with_every_tile_request_blocked(
    browser_page, loaded_live_server, console_log
):
    page = browser_page
    open_map(page, loaded_live_server.url)
    page.wait_for_selector("#tile-note", state="visible")
    assert "Online map tiles unavailable" in page.inner_text("#tile-note")
    page.wait_for_selector("#map[data-basemap='outline']", state="attached")
    assert page.watch.external_requests, "the fixture blocked the online tiles"
    assert all("openstreetmap" in url for url in page.watch.external_requests)
    # The zones are still there and answer a click.
    click_at(page, *BELGOROD)
    assert verdict(page, weapon="") == "conditional"
    # The only console errors are the blocked tiles, and nothing of ours failed.
    assert page.watch.failed_requests == []
    assert console_log and all(
        text.startswith("Failed to load resource") and "openstreetmap" in url
        for text, url in console_log
    ), console_log
    screenshot(page, "map_without_tiles")


def test_it_fits_a_phone(browser, loaded_live_server, local_tiles):
    context = browser.new_context(
        viewport={"width": 375, "height": 667}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    try:
        open_map(page, loaded_live_server.url)
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 375
        panel = page.locator("#panel").bounding_box()
        assert panel["y"] < 667 and panel["width"] == 375
        assert page.locator("#place-search").is_visible()
        screenshot(page, "map_phone")
        point = page.evaluate(
            """([lat, lon]) => {
                const m = window.PolicyMap.map, p = m.latLngToContainerPoint([lat, lon]);
                const b = m.getContainer().getBoundingClientRect();
                return {x: b.left + p.x, y: b.top + p.y};
            }""",
            list(BELGOROD),
        )
        page.touchscreen.tap(point["x"], point["y"])
        assert verdict(page) == "conditional"
        badge = page.locator("#verdict-body .status-badge")
        page.wait_for_function(
            """() => {
                const b = document.querySelector('#verdict-body .status-badge');
                const box = b.getBoundingClientRect();
                return box.top >= 0 && box.bottom <= window.innerHeight;
            }"""
        )
        assert badge.inner_text().strip().endswith("Counter-fire only")
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 375
        screenshot(page, "map_phone_verdict")
        page.click("#sheet-toggle")
        assert page.get_attribute("#sheet-toggle", "aria-expanded") == "true"
        page.click("#zones-details summary")
        page.click("#sources-details summary")
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 375
        assert page.evaluate(PANEL_FITS)
        screenshot(page, "map_phone_sheet_expanded")
    finally:
        context.close()


def test_it_draws_weapon_reach_from_the_border_and_from_a_launch_point(
    browser_page, loaded_live_server, local_tiles
):
    page = browser_page
    open_map(page, loaded_live_server.url)
    # The layer control switches the reach from the Kharkiv border segment off and on,
    # and the panel's checkbox and the address bar follow.
    page.wait_for_selector("path.reach--atacms", state="attached")
    page.hover(".leaflet-control-layers")
    control = page.get_by_label(DEEP_STRIKE_LABEL)
    assert control.is_checked()
    control.uncheck()
    page.wait_for_selector("path.reach--atacms", state="detached")
    assert not page.is_checked("#reach-switch input[value=atacms]")
    page.wait_for_function("() => location.search.includes('reach=none')")
    control.check()
    page.wait_for_selector("path.reach--atacms", state="attached")
    assert page.is_checked("#reach-switch input[value=atacms]")
    page.wait_for_function("() => !location.search.includes('reach=')")
    page.get_by_label(GMLRS_LABEL).check()
    page.wait_for_selector("path.reach--gmlrs", state="attached")
    assert GMLRS_LABEL in " ".join(page.locator(".reach-label").all_inner_texts())
    page.wait_for_function("() => location.search.includes('reach=gmlrs,atacms')")
    control.uncheck()
    page.get_by_label(GMLRS_LABEL).uncheck()
    page.wait_for_selector("path.reach", state="detached")
    # A launch point dropped in Ukraine gets a ring per weapon, and the legend explains them.
    assert not page.is_visible("#legend-launch")
    page.click("#drop-launch")
    assert page.get_attribute("#drop-launch", "aria-pressed") == "true"
    click_at(page, *KHARKIV)
    page.wait_for_selector("path.reach--gmlrs", state="attached")
    page.wait_for_selector("path.reach--atacms", state="attached")
    assert "Launch point" in page.inner_text("#launch-body")
    assert "from launch point" in " ".join(page.locator(".reach-label").all_inner_texts())
    assert page.is_visible("#legend-launch .launch-marker")
    assert "Your launch point: the rings around it" in page.inner_text("#legend-launch")
    assert page.get_attribute("#drop-launch", "aria-pressed") == "false"
    page.wait_for_function("() => location.search.includes('launch=49.9')")
    # With a point chosen, the panel says which weapons reach it from the launch point.
    click_at(page, *BELGOROD)
    verdict(page)
    text = page.inner_text("#launch-body")
    assert "km away: within reach of" in text
    screenshot(page, "map_launch_point")
    # A launch point in Russia is refused.
    page.click("#clear-launch")
    assert not page.is_visible("#legend-launch")
    page.click("#drop-launch")
    click_at(page, 51.2, 37.8)
    page.wait_for_selector("#launch-body .verdict-error")
    assert "must be in Ukraine" in page.inner_text("#launch-body")
    assert page.watch.console_errors == []
    assert page.watch.failed_requests == []


def test_the_deep_strike_band_is_drawn_on_first_load(browser_page, loaded_live_server, local_tiles):
    """Issue 3: ATACMS reach (300 km) from the Kharkiv segment, on by default and requested
    after the zones, is named as a weapon's reach, not as where prohibition begins."""
    page = browser_page
    requests = []
    page.on("request", lambda r: "/api/" in r.url and requests.append(r.url))
    open_map(page, loaded_live_server.url)
    page.wait_for_selector("path.reach--atacms", state="attached")
    assert page.locator("path.reach--gmlrs").count() == 0
    # Labelled on the map, in the legend and in the layer control.
    assert page.inner_text(".reach-label--atacms") == DEEP_STRIKE_LABEL
    legend = page.locator("#legend .legend-list li").all_inner_texts()
    assert DEEP_STRIKE_LABEL in legend, legend
    page.hover(".leaflet-control-layers")
    assert page.get_by_label(DEEP_STRIKE_LABEL).is_checked()
    assert not page.get_by_label(GMLRS_LABEL).is_checked()
    # The panel agrees, and the default needs nothing in the address bar.
    assert page.is_checked("#reach-switch input[value=atacms]")
    assert not page.is_checked("#reach-switch input[value=gmlrs]")
    assert "reach=" not in page.url
    # One small request, made once the zones had arrived.
    reach = [url for url in requests if "/api/reach.geojson" in url]
    assert reach == [loaded_live_server.url + "/api/reach.geojson?weapon=atacms"]
    assert (
        requests.index(reach[0])
        > [i for i, url in enumerate(requests) if "/api/zones.geojson" in url][0]
    )
    timing = page.evaluate(
        """() => {
            const all = performance.getEntriesByType('resource');
            const zones = all.find(e => e.name.includes('/api/zones.geojson'));
            const reach = all.find(e => e.name.includes('/api/reach.geojson'));
            return {zonesEnd: zones.responseEnd, reachStart: reach.startTime,
                    reachBytes: reach.encodedBodySize};
        }"""
    )
    assert timing["reachStart"] >= timing["zonesEnd"], timing
    assert timing["reachBytes"] < 20_000, timing
    assert page.watch.console_errors == []
    assert page.watch.failed_requests == []
    # The legend, one line longer, still leaves Kharkiv clickable.
    legend = page.locator("#legend").bounding_box()
    kharkiv = screen_point(page, *KHARKIV)
    assert legend["x"] + legend["width"] < kharkiv["x"] - 8, (legend, kharkiv)
    page.hover("#panel")
    screenshot(page, "map_deep_strike_band")
    # 300 km is wider than the first view: zoomed out, the whole ring and its label show.
    page.evaluate("() => window.PolicyMap.map.setView([50.5, 36.5], 6, {animate: false})")
    page.wait_for_timeout(300)
    ring = page.locator("path.reach--atacms").bounding_box()
    label = page.locator(".reach-label--atacms").bounding_box()
    box = page.locator("#map").bounding_box()
    assert box["y"] <= label["y"] and ring["y"] >= box["y"], (ring, label, box)
    assert ring["y"] + ring["height"] <= box["y"] + box["height"], (ring, box)
    screenshot(page, "map_deep_strike_band_zoomed_out")


def test_it_links_a_geojson_download_of_the_zones_on_screen(
    browser_page, loaded_live_server, local_tiles
):
    page = browser_page
    open_map(page, loaded_live_server.url, "?date=2024-05-01")
    href = page.get_attribute("#download-link", "href")
    assert href.startswith("/api/zones.geojson?date=2024-05-01&bbox=")
    assert href.endswith("&clip=1&download=1")
    with urllib.request.urlopen(loaded_live_server.url + href) as response:
        assert "attachment" in response.headers["Content-Disposition"]
        assert response.headers["Content-Type"].startswith("application/geo+json")


def test_the_panel_switches_the_weapon_reach_on_and_off(
    browser_page, loaded_live_server, local_tiles
):
    page = browser_page
    open_map(page, loaded_live_server.url)
    page.check("#reach-switch input[value=gmlrs]")
    page.wait_for_selector("path.reach--gmlrs", state="attached")
    page.hover(".leaflet-control-layers")
    assert page.get_by_label(GMLRS_LABEL).is_checked()
    page.uncheck("#reach-switch input[value=gmlrs]")
    page.wait_for_selector("path.reach--gmlrs", state="detached")
    # The deep-strike ring, on by default, switches off from the panel too.
    page.wait_for_selector("path.reach--atacms", state="attached")
    page.uncheck("#reach-switch input[value=atacms]")
    page.wait_for_selector("path.reach--atacms", state="detached")
    page.hover(".leaflet-control-layers")
    assert not page.get_by_label(DEEP_STRIKE_LABEL).is_checked()
    page.wait_for_function("() => location.search.includes('reach=none')")
    assert page.watch.console_errors == []
