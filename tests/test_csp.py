"""The content security policy allows no inline style or script without the page's nonce,
and the pages work under it in a real browser (the map, and the editors' admin)."""

import re

import pytest

from mapsite.zones.models import Policy, Zone
from tests.admin_fixtures import make_user
from tests.map_fixtures import (  # noqa: F401
    BELGOROD,
    click_at,
    local_tiles_fixture,
    open_map,
    verdict,
)
from tests.test_admin_browser import csp_errors, log_in

# Every violation the page reports, as text (securitypolicyviolation events).
LISTEN = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.__violations.push(event.violatedDirective + " " + (event.blockedURI || "inline"));
});
"""


def policy_of(response) -> dict[str, str]:
    directives = [d.strip() for d in response["Content-Security-Policy"].split(";")]
    return {d.split()[0]: d for d in directives if d}


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/admin/login/"])
def test_no_unsafe_inline_anywhere_and_styles_need_the_nonce(client, path):
    response = client.get(path)
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    style = policy_of(response)["style-src"]
    # The nonce is named only where the page used it (the map's one <style>).
    assert re.fullmatch(r"style-src 'self'( 'nonce-[^']+')?", style), style
    html = response.content.decode()
    assert " style=" not in html  # no inline style attributes to refuse
    inline_styles = re.findall(r"<style([^>]*)>", html)
    assert bool(inline_styles) == (path == "/")
    for attrs in inline_styles:
        nonce = re.search(r"'nonce-([^']+)'", style).group(1)
        assert f'nonce="{nonce}"' in attrs


def violations(page) -> list[str]:
    return page.evaluate("() => window.__violations") + csp_errors(page.watch.console_errors)


@pytest.mark.browser
def test_the_map_and_the_admin_work_under_the_policy(browser_page, loaded_live_server, local_tiles):
    page, base = browser_page, loaded_live_server.url
    page.add_init_script(LISTEN)
    open_map(page, base)
    click_at(page, *BELGOROD)  # a verdict, with its panel and marker
    assert verdict(page, weapon="") == "conditional"
    assert violations(page) == []

    make_user("editor", editor=True)
    log_in(page, base, "editor")
    zone = Zone.objects.get(slug="counter-fire-kharkiv")
    policy = Policy.objects.get(slug="counter-fire-kharkiv")
    for path in (
        f"/admin/zones/zone/{zone.pk}/change/",
        f"/admin/zones/zone/{zone.pk}/history/",
        f"/admin/zones/policy/{policy.pk}/change/",
        "/admin/zones/zone/",
    ):
        page.goto(base + path)
        page.wait_for_load_state("load")
        assert violations(page) == [], path
    page.goto(f"{base}/admin/zones/zone/{zone.pk}/change/")
    page.wait_for_selector("#id_geom-map path.leaflet-interactive")  # the drawing widget
    assert violations(page) == []


@pytest.mark.django_db
def test_an_answer_without_a_nonce_gets_the_policy_django_csp_builds(client):
    from csp.utils import build_policy

    for path in ("/api/ping", "/api/verdict?lat=50.6&lon=36.58&date=2024-06-02", "/api/policies"):
        assert client.get(path)["Content-Security-Policy"] == build_policy(), path
    # The map page's policy still carries its own nonce, and the embed its own frame rule.
    page = client.get("/")
    assert "'nonce-" in page["Content-Security-Policy"]
    assert page["Content-Security-Policy"] != client.get("/")["Content-Security-Policy"]
    assert "frame-ancestors *" in client.get("/embed/")["Content-Security-Policy"]


@pytest.mark.django_db
def test_an_api_answer_ignores_the_browser_language_and_does_not_vary_on_it(client):
    response = client.get("/api/verdict?lat=50.6&lon=36.58", HTTP_ACCEPT_LANGUAGE="uk")
    assert response["Content-Language"] == "en"
    assert "Accept-Language" not in response.get("Vary", "")
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="uk")
    assert page["Content-Language"] == "uk" and "Accept-Language" in page["Vary"]
