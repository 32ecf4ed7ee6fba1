"""The map page is rendered once per data version, day and view in a worker; every answer
still has its own CSP nonce, and an edit or another permalink gets its own page."""

import json
import re

import pytest

from mapsite.zones import snapshot
from mapsite.zones.models import Policy

NONCE = re.compile(r"'nonce-([^']+)'")


def _nonces(response) -> tuple[str, set[str]]:
    header = NONCE.search(response["Content-Security-Policy"]).group(1)
    in_page = set(re.findall(r'nonce="([^"]+)"', response.content.decode()))
    return header, in_page


def _config(response) -> dict:
    found = re.search(
        r'<script id="map-config" type="application/json">(.*?)</script>',
        response.content.decode(),
        re.S,
    )
    return json.loads(found.group(1))


@pytest.mark.django_db
def test_each_answer_from_the_kept_page_has_a_fresh_nonce_of_its_own(client):
    first, second = client.get("/"), client.get("/")
    assert first.status_code == second.status_code == 200
    (one, one_in_page), (two, two_in_page) = _nonces(first), _nonces(second)
    assert one != two
    assert one_in_page == {one} and two_in_page == {two}
    # The page itself was rendered once: but for the nonce, the bytes are the same.
    assert first.content.replace(one.encode(), b"N") == second.content.replace(two.encode(), b"N")
    assert len(snapshot.current().responses["map-pages"]) == 1
    assert first["Link"] == second["Link"] and "rel=preload" in first["Link"]
    assert "s-maxage=1" in second["Cache-Control"] and "public" in second["Cache-Control"]


@pytest.mark.django_db
def test_another_permalink_gets_its_own_page(client):
    today, then = _config(client.get("/")), _config(client.get("/?date=2024-05-31"))
    assert then["view"]["date"] == "2024-05-31" != today["view"]["date"]
    assert then["firstZones"]["url"] != today["firstZones"]["url"]
    assert len(snapshot.current().responses["map-pages"]) == 2


@pytest.mark.django_db
def test_an_edit_is_on_the_next_page_served(client):
    shown = _config(client.get("/"))["view"]["policy"]
    policy = Policy.objects.get(slug=shown)
    assert policy.title in client.get("/").content.decode()
    policy.title = "A retitled version"
    policy.save()
    assert "A retitled version" in client.get("/").content.decode()


@pytest.mark.django_db
def test_a_version_drawn_from_tiles_preloads_no_geojson(client, monkeypatch):
    """Past FROM_ZONES zones the page draws from vector tiles: the first view names no
    GeoJSON for the browser to preload (10,000 zones would be about 30 MB of it)."""
    from mapsite.tiles import page as tiles_page

    small = client.get("/")
    assert _config(small)["firstZones"]["url"] and "rel=preload" in small["Link"]
    assert _config(small)["tiles"]["fromZones"] == tiles_page.FROM_ZONES
    snapshot.forget()
    monkeypatch.setattr(tiles_page, "FROM_ZONES", 1)
    large = client.get("/")
    config = _config(large)
    assert config["firstZones"]["url"] is None and not large.has_header("Link")
    assert config["tiles"]["zones"][config["view"]["policy"]] >= 1
    assert config["view"]["policy"] in config["tiles"]["tiled"]
