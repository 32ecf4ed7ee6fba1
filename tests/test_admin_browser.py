"""An editor changes a zone in the admin, in chromium, and the public map shows it."""

import pytest
from django.conf import settings

from tests.admin_fixtures import PASSWORD, make_user
from tests.conftest import ARTIFACTS

DAY = "2024-05-30"
CSP_WORDS = ("Content Security Policy", "Content-Security-Policy", "Refused to")


def zone_areas(page, base: str) -> dict[str, float]:
    response = page.request.get(f"{base}/api/zones.geojson?date={DAY}")
    assert response.ok, response.status
    return {
        f["properties"]["slug"]: f["properties"]["area_km2"] for f in response.json()["features"]
    }


def log_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/admin/login/?next=/admin/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector("#site-name")


def csp_errors(messages: list[str]) -> list[str]:
    return [m for m in messages if any(word in m for word in CSP_WORDS)]


def not_tile_errors(page) -> list[str]:
    """Console errors other than the blocked tile images failing to load.

    Chromium logs each blocked image as "Failed to load resource"; same-origin failures
    are caught separately by page.watch.failed_requests.
    """
    return [m for m in page.watch.console_errors if "Failed to load resource" not in m]


def open_zone(page, base: str, slug: str) -> None:
    from mapsite.zones.models import Zone

    zone = Zone.objects.get(slug=slug)
    page.goto(f"{base}/admin/zones/zone/{zone.pk}/change/")
    page.wait_for_selector("#id_geom-map.leaflet-container")
    page.wait_for_selector("#id_geom-map path.leaflet-interactive")


@pytest.mark.browser
def test_an_editor_changes_the_counter_fire_depth_and_the_public_map_follows(
    browser_page, loaded_live_server
):
    page, base = browser_page, loaded_live_server.url
    make_user("editor", editor=True)
    before = zone_areas(page, base)
    log_in(page, base, "editor")

    open_zone(page, base, "counter-fire-kharkiv")
    # The site's own outlines are drawn under the zone, tiles or no tiles.
    page.wait_for_selector("#id_geom-map.outlines-countries.outlines-kharkiv-segment")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "admin_zone_change_page.png"), full_page=True)
    page.locator("#id_geom-map").screenshot(path=str(ARTIFACTS / "admin_zone_map_widget.png"))
    assert csp_errors(page.watch.console_errors) == []
    assert not_tile_errors(page) == []
    assert page.watch.failed_requests == []
    # Tiles come from settings.TILE_URL and are blocked here: the widget works regardless.
    tile_prefix = settings.TILE_URL.split("{")[0]
    assert any(url.startswith(tile_prefix) for url in page.watch.external_requests)

    page.fill("#id_depth_km", "60")
    page.click("input[name=_save]")
    page.wait_for_selector("ul.messagelist li.success")
    assert "was changed successfully" in page.inner_text("ul.messagelist")

    after = zone_areas(page, base)
    assert after["counter-fire-kharkiv"] < before["counter-fire-kharkiv"] * 0.8
    assert after["deep-strike-russia"] > before["deep-strike-russia"]

    open_zone(page, base, "counter-fire-kharkiv")
    assert float(page.input_value("#id_depth_km")) == 60
    page.screenshot(path=str(ARTIFACTS / "admin_zone_after_change.png"), full_page=True)

    page.watch.console_errors.clear()
    page.goto(f"{base}/")
    page.wait_for_load_state("networkidle")
    assert not_tile_errors(page) == []
    page.screenshot(path=str(ARTIFACTS / "admin_change_public_map.png"))


@pytest.mark.browser
def test_an_editor_draws_a_new_zone_on_the_map_and_saves_it_as_a_draft(
    browser_page, loaded_live_server
):
    from mapsite.zones.models import Policy, Zone

    page, base = browser_page, loaded_live_server.url
    make_user("editor", editor=True)
    log_in(page, base, "editor")
    page.goto(f"{base}/admin/zones/zone/add/")
    page.wait_for_selector("#id_geom-map.leaflet-container")
    page.fill("#id_slug", "drawn-in-chromium")
    page.fill("#id_name", "Drawn in chromium")
    page.select_option("#id_policy", str(Policy.objects.get(slug="counter-fire-kharkiv").pk))
    page.select_option("#id_kind", "counter-fire")
    page.select_option("#id_status", "conditional")

    # Draw a triangle with Leaflet.draw: pick the polygon tool, click three corners, close.
    page.click("#id_geom-map .leaflet-draw-draw-polygon")
    box = page.locator("#id_geom-map").bounding_box()
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    corners = [(cx - 80, cy + 60), (cx + 80, cy + 60), (cx, cy - 80)]
    for x, y in corners:
        page.mouse.click(x, y)
        page.wait_for_timeout(150)
    page.mouse.click(*corners[0])
    page.wait_for_function("() => document.querySelector('#id_geom').value.includes('Polygon')")
    page.screenshot(path=str(ARTIFACTS / "admin_zone_drawn.png"), full_page=True)

    page.click("input[name=_save_draft]")
    page.wait_for_selector("ul.messagelist li")
    drawn = Zone.objects.get(slug="drawn-in-chromium")
    assert drawn.is_draft and drawn.derivation == "drawn"
    assert drawn.geom.geom_type == "MultiPolygon" and len(drawn.geom[0].exterior_ring) == 4
    assert 0 < drawn.area_km2 < 10_000
    assert csp_errors(page.watch.console_errors) == []
    assert not_tile_errors(page) == []
