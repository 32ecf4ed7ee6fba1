"""The admin zone pages: the map widget under the CSP, our own static files, our tiles."""

import re

import pytest

from tests.admin_fixtures import *  # noqa: F403
from tests.admin_fixtures import change_url, get, zone


def inline_scripts(html: str) -> list[str]:
    tags = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html)
    return [attrs for attrs in tags if 'type="application/json"' not in attrs]


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["change", "add", "revert"])
def test_every_inline_script_of_the_map_carries_the_csp_nonce(editor_client, page):
    counter_fire = zone("counter-fire-kharkiv")
    url = {
        "change": change_url(counter_fire),
        "add": "/admin/zones/zone/add/",
        "revert": f"/admin/zones/zone/{counter_fire.pk}/history/"
        f"{counter_fire.history.first().history_id}/",
    }[page]
    response = get(editor_client, url)
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", policy).group(1)
    html = response.content.decode()
    scripts = inline_scripts(html)
    assert scripts, "the leaflet widget renders inline start-up scripts"
    assert all(f'nonce="{nonce}"' in attrs for attrs in scripts), scripts
    assert "L.Map.djangoMap" in html


@pytest.mark.django_db
def test_the_admin_loads_nothing_from_a_cdn(editor_client):
    html = get(editor_client, change_url(zone("counter-fire-kharkiv"))).content.decode()
    sources = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', html)
    assert any(re.search(r"/static/leaflet/leaflet\.(\w+\.)?js$", s) for s in sources)
    assert any(re.search(r"/static/leaflet/draw/leaflet\.draw\.(\w+\.)?js$", s) for s in sources)
    assert all(s.startswith("/") and not s.startswith("//") for s in sources), sources


@pytest.mark.django_db
def test_the_admin_map_uses_the_sites_tile_server(editor_client, settings):
    settings.TILE_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    html = get(editor_client, change_url(zone("counter-fire-kharkiv"))).content.decode()
    assert "https://tiles.example.org/{z}/{x}/{y}.png" in html
    assert "strict-origin-when-cross-origin" in html  # OSM wants a Referer


@pytest.mark.django_db
def test_a_derived_zones_map_is_read_only_and_a_drawn_zones_is_editable(editor_client):
    derived = get(editor_client, change_url(zone("counter-fire-kharkiv"))).content.decode()
    assert ".modifiable = false;" in derived
    assert "Computed from the parameters above (read-only)" in derived
    added = get(editor_client, "/admin/zones/zone/add/").content.decode()
    assert ".modifiable = true;" in added


@pytest.mark.django_db
def test_the_change_page_offers_drafts_and_the_draft_page_offers_publishing(editor_client, editor):
    from mapsite.zones import editing

    counter_fire = zone("counter-fire-kharkiv")
    html = get(editor_client, change_url(counter_fire)).content.decode()
    assert 'name="_save_draft"' in html and 'name="_publish"' not in html
    draft = editing.save_as_draft(counter_fire, editor)
    html = get(editor_client, change_url(draft)).content.decode()
    assert 'name="_publish"' in html and 'name="_save_draft"' not in html
    assert "Draft of <a" in html
