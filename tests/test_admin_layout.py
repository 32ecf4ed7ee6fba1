"""The editors' pages in chromium at 1280×800: a compact zone form, a list that fits, a save
that shows it is working, the invalid spot marked on the map, and shape changes drawn."""

import json

import pytest

from tests.admin_fixtures import BOW_TIE, make_user, polygon
from tests.conftest import ARTIFACTS
from tests.test_admin_browser import csp_errors, log_in, not_tile_errors, open_zone

# Measured: 4,567 px before the form was grouped, ~1,900 px after (see docs/admin.md).
FORM_MAX_PX = 2500


@pytest.fixture
def editor_page(browser_page, loaded_live_server):
    make_user("editor", editor=True)
    log_in(browser_page, loaded_live_server.url, "editor")
    return browser_page


def height(page, selector: str) -> float:
    return page.evaluate(f"document.querySelector('{selector}').getBoundingClientRect().height")


@pytest.mark.browser
def test_the_zone_form_is_grouped_with_the_map_first_and_short(editor_page, loaded_live_server):
    page = editor_page
    open_zone(page, loaded_live_server.url, "counter-fire-kharkiv")
    form_px = height(page, "#zone_form")
    print(f"zone form height at 1280x800: {form_px:.0f} px")
    assert form_px < FORM_MAX_PX
    headings = page.locator("#zone_form fieldset .fieldset-heading").all_inner_texts()
    assert headings[0] == "Shape" and headings[1] == "Zone"
    assert headings[3].startswith("Evidence (") and headings[4].startswith("Record (version ")
    # The map is the first field, and the folded sections open on demand.
    assert page.locator("#zone_form .form-row").first.get_attribute("class").endswith("field-geom")
    assert not page.locator("#id_sources_from").is_visible()
    page.locator("summary", has_text="Evidence").click()
    assert page.locator("#id_sources_from").is_visible()
    assert csp_errors(page.watch.console_errors) == [] and not_tile_errors(page) == []


@pytest.mark.browser
def test_the_zone_list_fits_1280_px(editor_page, loaded_live_server):
    page = editor_page
    page.goto(f"{loaded_live_server.url}/admin/zones/zone/")
    page.wait_for_selector("#result_list")
    widths = page.evaluate(
        """() => ({doc: document.documentElement.scrollWidth,
                  table: document.querySelector('#result_list').scrollWidth,
                  box: document.querySelector('.results').clientWidth})"""
    )
    print(f"zone list at 1280x800: {widths}")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "admin_zone_list.png"))
    assert widths["doc"] <= 1280
    assert widths["table"] <= widths["box"], "the table scrolls sideways inside its box"


# Runs after the form's own submit handler (the event bubbles up to the document) and keeps
# what the page showed in sessionStorage, which outlives the navigation the save starts.
CAPTURE_ON_SUBMIT = """() => document.addEventListener('submit', () => {
  const status = document.querySelector('.saving-status');
  sessionStorage.setItem('atSubmit', JSON.stringify({
    status: status.textContent, live: status.getAttribute('aria-live'),
    disabled: [...document.querySelectorAll('#zone_form input[type=submit]')].map(b => b.disabled),
    busy: document.querySelector('#zone_form').getAttribute('aria-busy'),
  }));
})"""


@pytest.mark.browser
def test_saving_disables_the_buttons_and_says_saving(editor_page, loaded_live_server):
    page, base = editor_page, loaded_live_server.url
    open_zone(page, base, "counter-fire-kharkiv")
    assert page.locator(".saving-status").inner_text() == ""
    page.evaluate(CAPTURE_ON_SUBMIT)
    page.fill("#id_depth_km", "70")
    page.click("input[name=_save_draft]")
    page.wait_for_selector("ul.messagelist li.success")
    # The pressed button still reached the server: this was "Save as draft".
    assert "Saved as draft" in page.inner_text("ul.messagelist")
    at_submit = json.loads(page.evaluate("sessionStorage.getItem('atSubmit')"))
    assert at_submit["status"].startswith("Saving…") and at_submit["live"] == "polite"
    assert at_submit["disabled"] and all(at_submit["disabled"])
    assert at_submit["busy"] == "true"


@pytest.mark.browser
def test_a_self_intersection_is_marked_on_the_map(editor_page, loaded_live_server):
    from mapsite.zones.models import Policy

    page = editor_page
    page.goto(f"{loaded_live_server.url}/admin/zones/zone/add/")
    page.wait_for_selector("#id_geom-map.leaflet-container")
    page.fill("#id_slug", "bow-tie")
    page.fill("#id_name", "Bow tie")
    page.select_option("#id_policy", str(Policy.objects.get(slug="counter-fire-kharkiv").pk))
    page.select_option("#id_kind", "counter-fire")
    page.select_option("#id_status", "conditional")
    bow_tie = json.dumps(polygon(BOW_TIE))
    page.evaluate("(text) => { document.querySelector('#id_geom').value = text; }", bow_tie)
    page.click("input[name=_save]")
    page.wait_for_selector(".errornote")
    assert "the outline crosses itself near lon 36.60000, lat 50.80000" in page.content()
    marker = page.wait_for_selector("#id_geom-map path.zone-problem-marker")
    label = page.inner_text("#id_geom-map .zone-problem-label")
    assert "lon 36.60000, lat 50.80000" in label
    # The marker sits where the bow tie's edges cross: the middle of its outline, measured
    # once the widget has finished fitting the map to the shape (no zoom under way).
    page.wait_for_function("() => !document.querySelector('#id_geom-map .leaflet-zoom-anim')")
    page.wait_for_timeout(300)
    shape = page.locator("#id_geom-map path.leaflet-interactive").first.bounding_box()
    spot = marker.bounding_box()
    assert abs(spot["x"] + spot["width"] / 2 - (shape["x"] + shape["width"] / 2)) < 4
    assert abs(spot["y"] + spot["height"] / 2 - (shape["y"] + shape["height"] / 2)) < 4
    page.locator("#id_geom-map").screenshot(path=str(ARTIFACTS / "admin_problem_marker.png"))
    assert csp_errors(page.watch.console_errors) == []


@pytest.mark.browser
def test_the_history_draws_a_changed_shape(editor_page, loaded_live_server):
    from mapsite.zones.models import Zone

    page, base = editor_page, loaded_live_server.url
    open_zone(page, base, "counter-fire-kharkiv")
    page.fill("#id_depth_km", "60")
    page.click("input[name=_save]")
    page.wait_for_selector("ul.messagelist li.success")
    zone = Zone.objects.get(slug="counter-fire-kharkiv")
    page.goto(f"{base}/admin/zones/zone/{zone.pk}/history/")
    svg = page.wait_for_selector("figure.shape-diff svg")
    assert svg.get_attribute("aria-label").startswith("The shape before")
    after = page.locator("figure.shape-diff path.shape-after").get_attribute("d")
    before = page.locator("figure.shape-diff path.shape-before").get_attribute("d")
    assert after.count("L") > 20 and before.count("L") > 20 and after != before
    box = svg.bounding_box()
    assert 240 <= box["width"] <= 244 and 160 <= box["height"] <= 164  # small, with a border
    assert page.locator("td.history-by").first.inner_text() == "editor"
    assert page.locator("td.history-by").last.inner_text() == "Loaded from the bundled data"
    page.screenshot(path=str(ARTIFACTS / "admin_zone_history.png"), full_page=True)
    assert csp_errors(page.watch.console_errors) == [] and page.watch.failed_requests == []
