"""The map page and its static files load from the app itself, in a real browser."""

import re

import pytest

from tests.map_fixtures import local_tiles_fixture  # noqa: F401


@pytest.mark.django_db
def test_it_serves_the_page_with_leaflet_from_our_own_static_files(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    # startup.js loads Leaflet itself, as the head preloads it.
    scripts = re.findall(r'<script[^>]+src="([^"]+)"', html)
    scripts += re.findall(r'<link rel="preload" href="([^"]+)" as="script">', html)
    styles = re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)
    assert any("leaflet/leaflet" in src for src in scripts)
    assert all(src.startswith("/static/") for src in scripts + styles), scripts + styles
    # The icon is drawn in the vocabulary's colours, inline (no request).
    icons = re.findall(r'<link rel="icon" href="([^"]+)"', html)
    assert len(icons) == 1 and icons[0].startswith("data:image/svg+xml,")


@pytest.mark.django_db
def test_every_inline_script_carries_the_csp_nonce(client):
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", policy).group(1)
    tags = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", response.content.decode())
    # JSON data blocks are never executed; every other inline script must carry the nonce.
    inline = [attrs for attrs in tags if 'type="application/json"' not in attrs]
    assert inline, "django-leaflet renders an inline start-up script"
    assert all(f'nonce="{nonce}"' in attrs for attrs in inline)
    assert "script-src 'self' 'nonce-" in policy


@pytest.mark.browser
def test_the_map_loads_in_chromium_without_errors(browser_page, loaded_live_server, local_tiles):
    # Tiles come from a data: URL here; the tiles-blocked page has its own test in test_map_page.
    page = browser_page
    page.goto(loaded_live_server.url + "/")
    page.wait_for_selector("#map.leaflet-container")
    page.wait_for_function("() => typeof L !== 'undefined' && L.version")
    assert page.evaluate("() => L.version").startswith("1.")
    assert page.watch.console_errors == []
    assert page.watch.failed_requests == []
