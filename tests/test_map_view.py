"""The map page as the server renders it: options, data for the script, sources, safety."""

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from mapsite.zones.models import Source, TargetCategory, WeaponSystem, Zone
from tests.map_fixtures import plain_static_fixture  # noqa: F401

pytestmark = pytest.mark.usefixtures("plain_static")


def page_config(html: str) -> dict:
    match = re.search(r'<script id="map-config" type="application/json">(.*?)</script>', html, re.S)
    assert match, "the page carries its configuration as a JSON data block"
    return json.loads(match.group(1))


@pytest.mark.django_db
def test_it_renders_weapon_and_target_options_from_the_database(client):
    html = client.get("/").content.decode()
    for weapon in WeaponSystem.objects.all():
        assert f'<option value="{weapon.slug}">{weapon.name}</option>' in html
    for target in TargetCategory.objects.all():
        assert f'<option value="{target.slug}">{target.name}</option>' in html
    assert '<option value="">Any weapon</option>' in html


@pytest.mark.django_db
def test_it_offers_every_policy_version_as_a_date(client):
    html = client.get("/").content.decode()
    config = page_config(html)
    dates = {policy["slug"]: policy["date"] for policy in config["policies"]}
    assert dates == {
        "within-ukraine-only": "2024-05-29",
        "counter-fire-kharkiv": "2024-05-30",
        "counter-fire-kharkiv-sumy": "2024-05-31",
        "counter-fire-across-border": "2024-06-17",
        "atacms-kursk": "2024-11-17",
        "pentagon-approval": "2025-06-01",
        "restriction-lifted-denied": "2025-10-22",
    }
    assert 'value="2024-05-29" data-policy="within-ukraine-only"' in html
    today = dt.datetime.now(dt.UTC).date().isoformat()
    assert config["view"]["date"] == today  # the first view answers for today
    assert (config["view"]["step"], config["view"]["policy"]) == ("pentagon-approval",) * 2


@pytest.mark.django_db
def test_it_names_the_areas_each_version_changed(client):
    config = page_config(client.get("/").content.decode())
    changed = [
        (c["policy"], c["zone"], c["from_status"], c["to_status"]) for c in config["changes"]
    ]
    assert changed == [
        ("counter-fire-kharkiv", "counter-fire-kharkiv", "prohibited", "conditional"),
        ("counter-fire-kharkiv", "ukraine", "permitted", "permitted"),  # civilian targets out
        ("counter-fire-kharkiv-sumy", "counter-fire-kharkiv-sumy", "prohibited", "conditional"),
        ("counter-fire-across-border", "border-band-2024-06-17", "prohibited", "conditional"),
        ("atacms-kursk", "kursk-atacms-2024-11-17", "prohibited", "conditional"),
        ("pentagon-approval", "kursk-atacms-2025-06-01", "conditional", "conditional"),
    ]
    assert config["changes"][0]["to_label"] == "Conditional"


@pytest.mark.django_db
def test_it_passes_tile_settings_and_cities_to_the_script(client, settings):
    settings.TILE_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    settings.TILE_ATTRIBUTION = "Example tiles"
    config = page_config(client.get("/").content.decode())
    assert config["tileUrl"] == "https://tiles.example.org/{z}/{x}/{y}.png"
    assert config["tileAttribution"] == "Example tiles"
    names = [place["name"] for place in config["places"]]
    assert {"Kharkiv", "Belgorod", "Sumy", "Kursk"} <= set(names)
    # City districts close to a larger city are left out.
    assert "Saltivka" not in names
    assert len(names) <= 120


@pytest.mark.django_db
def test_it_shows_the_report_quotes_and_the_depth_assumption(client):
    html = client.get("/?date=2024-05-30").content.decode()
    # the depth assumption of the version the permalink's date shows
    assert "Assumption: Counter-fire area near Kharkiv reaches 84 km into Russia." in html
    assert "not for operational use" in html
    quote = Source.objects.get(slug="pentagon-within-ukraine")
    # The Reuters addition gives no date of its own, so its quotes show none; each links
    # the stored page that carries it.
    assert f'Pentagon spokesperson Sabrina Singh, Reuters · <a href="{quote.url}"' in html
    assert quote.quote.replace("’", "’")[:40] in html


@pytest.mark.django_db
def test_it_escapes_database_text_in_the_page(client):
    Zone.objects.filter(slug="counter-fire-kharkiv").update(name="<img src=x onerror=alert(1)>")
    Source.objects.filter(slug="politico-permission").update(
        quote="</script><script>alert(2)</script>"
    )
    html = client.get("/").content.decode()
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<script>alert(2)" not in html
    # Inside the JSON block too (the changed area's name): json_script escapes <, > and &.
    assert "\\u003Cimg src=x onerror=alert(1)\\u003E" in html


@pytest.mark.django_db
def test_it_loads_only_our_own_scripts_and_keeps_the_nonce_on_the_inline_one(client):
    response = client.get("/")
    html = response.content.decode()
    config = json.loads(
        re.search(r'id="map-config" type="application/json">(.*?)</script>', html).group(1)
    )
    # The head's scripts as tags, the rest named in the config for startup.js to add.
    scripts = re.findall(r'<script[^>]+src="([^"]+)"', html) + config["scripts"]
    assert all(src.startswith("/static/") for src in scripts), scripts
    assert {"/static/front/js/page.js", "/static/front/js/verdict-panel.js"} <= set(scripts)
    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html)
    executable = [attrs for attrs in inline if 'type="application/json"' not in attrs]
    assert len(executable) == 1 and "nonce=" in executable[0]
    scripts_dir = Path(__file__).resolve().parent.parent / "static" / "front" / "js"
    sources = "".join(path.read_text() for path in scripts_dir.glob("*.js"))
    assert "innerHTML" not in sources and "insertAdjacentHTML" not in sources


@pytest.mark.django_db
def test_it_preloads_the_zones_the_first_view_asks_for(client):
    response = client.get("/?c=50.6,36.58&z=9&date=2024-05-01")
    assert response["Link"] == (
        "</api/zones.geojson?date=2024-05-01&simplify=300&bbox=30,48,43,53&clip=1>; rel=preload;"
        " as=fetch; crossorigin"
    )
    # Without a permalink: the default view (zoom 8 at 50.35 N) and today.
    response = client.get("/?z=abc&c=x&date=1%20May")
    today = dt.datetime.now(dt.UTC).date()
    assert f"date={today}&simplify=600&bbox=25,45,48,55&clip=1>" in response["Link"]
