"""/tiles/{layer}/{z}/{x}/{y}.mvt and /tiles/{layer}.json: PostGIS vector tiles, read by GDAL."""

import json
import math
import re
import subprocess

import pytest
from django.contrib.gis.geos import Polygon
from django.contrib.staticfiles import finders
from django.utils.html import json_script

from mapsite.tiles import page as tiles_page
from mapsite.zones import snapshot
from mapsite.zones.models import DataVersion, Policy, Zone
from tests.api_support import BELGOROD, get
from tests.map_fixtures import local_tiles_fixture, open_map  # noqa: F401

FIRST_DAY = "2024-05-30"  # the first, Kharkiv-only version: three public zones
MVT = "application/vnd.mapbox-vector-tile"
IMMUTABLE = "public, max-age=31536000, immutable"


def tile_of(lat: float, lon: float, z: int) -> tuple[int, int]:
    """The XYZ tile holding a point (the slippy-map formula)."""
    n = 2**z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return x, y


def tile_lonlat_box(z: int, x: int, y: int) -> Polygon:
    """The tile's outline in lon/lat."""
    n = 2**z

    def lat(row: int) -> float:
        return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * row / n))))

    box = Polygon.from_bbox((x / n * 360 - 180, lat(y + 1), (x + 1) / n * 360 - 180, lat(y)))
    box.srid = 4326
    return box


def version() -> int:
    return DataVersion.objects.current()


def ogr_features(content: bytes, z: int, x: int, y: int, tmp_path) -> dict[str, dict]:
    """The tile read by GDAL's MVT driver: {slug: properties} of the zones layer."""
    path = tmp_path / f"{z}-{x}-{y}.mvt"
    path.write_bytes(content)
    command = ["ogrinfo", "-ro", "-al", "-oo", f"X={x}", "-oo", f"Y={y}", "-oo", f"Z={z}"]
    out = subprocess.run(
        [*command, str(path)], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    assert "Layer name: zones" in out, out
    assert "Geometry: Multi Polygon" in out or "Geometry: Polygon" in out, out
    features = {}
    for block in out.split("OGRFeature(zones)")[1:]:
        props = dict(re.findall(r"^\s+(\w+) \(String\) = (.*)$", block, re.M))
        assert "POLYGON" in block, block  # every feature came with its shape
        features[props["slug"]] = props
    return features


# --- TileJSON ---------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/tiles/zones.json", "/tiles/zones/tilejson.json"])
def test_it_describes_the_zone_tiles_in_tilejson(client, path):
    response = get(client, f"{path}?date={FIRST_DAY}")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    doc = json.loads(response.content)
    assert doc["tilejson"] == "3.0.0"
    assert (doc["minzoom"], doc["maxzoom"], doc["scheme"]) == (0, 16, "xyz")
    assert doc["tiles"] == [
        f"http://127.0.0.1/tiles/zones/{{z}}/{{x}}/{{y}}.mvt?v={version()}&date={FIRST_DAY}"
    ]
    west, south, east, north = doc["bounds"]
    assert -180 <= west < east <= 180 and -85.06 < south < north < 85.06
    assert west < BELGOROD[1] < east and south < BELGOROD[0] < north
    assert doc["vector_layers"] == [
        {
            "id": "zones",
            "fields": {"slug": "String", "kind": "String", "status": "String"},
            "minzoom": 0,
            "maxzoom": 16,
        }
    ]
    assert (
        doc["features"]
        == 3
        == Zone.objects.public().filter(policy__slug="counter-fire-kharkiv").count()
    )


@pytest.mark.django_db
def test_it_describes_a_reference_layer_without_a_date(client):
    doc = json.loads(get(client, "/tiles/border.json").content)
    assert doc["tiles"][0].endswith(f"/tiles/border/{{z}}/{{x}}/{{y}}.mvt?v={version()}")
    assert doc["vector_layers"][0]["fields"] == {
        "slug": "String",
        "name": "String",
        "layer": "String",
    }
    assert "features" not in doc


# --- Tiles, read by GDAL ----------------------------------------------------------------


@pytest.mark.django_db
def test_gdal_reads_the_zones_in_a_border_tile(client, tmp_path):
    z = 8
    x, y = tile_of(*BELGOROD, z)
    response = get(client, f"/tiles/zones/{z}/{x}/{y}.mvt?date={FIRST_DAY}")
    assert response.status_code == 200
    assert response["Content-Type"] == MVT
    features = ogr_features(response.content, z, x, y, tmp_path)
    # What PostGIS says lies in the tile: the public zones of that day's version.
    expected = Zone.objects.public().filter(
        policy__slug="counter-fire-kharkiv", geom__intersects=tile_lonlat_box(z, x, y)
    )
    assert set(features) == {zone.slug for zone in expected}
    assert "counter-fire-kharkiv" in features and "ukraine" in features
    for zone in expected:
        assert features[zone.slug] == {"slug": zone.slug, "kind": zone.kind, "status": zone.status}


@pytest.mark.django_db
def test_a_reference_layer_tile_holds_its_features(client, tmp_path):
    z = 6
    x, y = tile_of(*BELGOROD, z)
    response = get(client, f"/tiles/kharkiv-segment/{z}/{x}/{y}.mvt")
    assert response.status_code == 200
    path = tmp_path / "segment.mvt"
    path.write_bytes(response.content)
    out = subprocess.run(
        ["ogrinfo", "-ro", "-al", "-oo", f"X={x}", "-oo", f"Y={y}", "-oo", f"Z={z}", str(path)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "Layer name: kharkiv-segment" in out
    assert "slug (String) = kharkiv-border-segment" in out
    assert "LINESTRING" in out


@pytest.mark.django_db
def test_an_empty_tile_is_a_204_without_a_body(client):
    # The Pacific at the equator: no zone comes near it.
    response = get(client, f"/tiles/zones/8/0/128.mvt?date={FIRST_DAY}&v={version()}")
    assert response.status_code == 204
    assert response.content == b""
    assert response["Cache-Control"] == IMMUTABLE


@pytest.mark.django_db
def test_a_day_without_a_version_in_force_has_only_empty_tiles(client):
    x, y = tile_of(*BELGOROD, 8)
    Policy.objects.filter(effective_from__isnull=True).update(published=False)
    response = get(client, f"/tiles/zones/8/{x}/{y}.mvt?date=1990-01-01")
    assert response.status_code == 204
    doc = json.loads(get(client, "/tiles/zones.json?date=1990-01-01").content)
    assert doc["features"] == 0


# --- Caching ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_tile_at_the_current_data_version_is_immutable(client):
    x, y = tile_of(*BELGOROD, 7)
    url = f"/tiles/zones/7/{x}/{y}.mvt?date={FIRST_DAY}"
    current = get(client, f"{url}&v={version()}")
    assert current.status_code == 200
    assert current["Cache-Control"] == IMMUTABLE
    etag = current["ETag"]
    assert re.fullmatch(r'"[0-9a-f]{24}"', etag)
    # Without the version, or at another one, the same tile lives only briefly.
    for other in (url, f"{url}&v={version() + 5}"):
        response = get(client, other)
        assert response.status_code == 200
        assert response["Cache-Control"] == "public, max-age=60, s-maxage=1"
        assert response["ETag"] == etag
        assert response.content == current.content
    again = get(client, f"{url}&v={version()}", If_None_Match=etag)
    assert again.status_code == 304
    assert again["Cache-Control"] == IMMUTABLE
    # Gzip when asked, with its own tag.
    packed = get(client, f"{url}&v={version()}", Accept_Encoding="gzip")
    assert packed["Content-Encoding"] == "gzip"
    assert packed["ETag"] == etag[:-1] + '-gz"'


@pytest.mark.django_db
def test_a_tile_follows_a_new_data_version(client, tmp_path):
    z = 8
    x, y = tile_of(*BELGOROD, z)
    url = f"/tiles/zones/{z}/{x}/{y}.mvt?date={FIRST_DAY}"
    before = version()
    assert get(client, f"{url}&v={before}")["X-Cache"] == "miss"
    assert get(client, f"{url}&v={before}")["X-Cache"] == "hit"
    Zone.objects.filter(slug="counter-fire-kharkiv").update(status="prohibited")
    after = version()
    assert after > before
    response = get(client, f"{url}&v={after}")
    assert response["X-Cache"] == "miss"
    assert response["Cache-Control"] == IMMUTABLE
    assert ogr_features(response.content, z, x, y, tmp_path)["counter-fire-kharkiv"]["status"] == (
        "prohibited"
    )
    # The page's old URL still answers, with the new data, but not for long.
    assert get(client, f"{url}&v={before}")["Cache-Control"].startswith("public, max-age=60")
    doc = json.loads(get(client, f"/tiles/zones.json?date={FIRST_DAY}").content)
    assert f"v={after}&" in doc["tiles"][0]


@pytest.mark.django_db
def test_a_tile_newer_than_the_workers_snapshot_is_never_cached(client, settings):
    settings.POLICY_CACHE_SECONDS = 3600  # this worker keeps its snapshot
    x, y = tile_of(*BELGOROD, 8)
    url = f"/tiles/zones/8/{x}/{y}.mvt?date={FIRST_DAY}"
    held = snapshot.current().version
    Zone.objects.filter(slug="ukraine").update(name="Ukraine (edited)")  # the version moves
    assert version() > held
    for _ in range(2):
        response = get(client, f"{url}&v={held}")
        assert response.status_code == 200
        assert response["X-Cache"] == "miss"
        assert response["Cache-Control"] != IMMUTABLE


# --- Bad input: JSON 400/404, never a 500 -------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "status", "field"),
    [
        ("/tiles/zones/17/0/0.mvt", 404, "z"),
        ("/tiles/zones/30/0/0.mvt", 404, "z"),
        ("/tiles/zones/2/4/0.mvt", 404, "x"),
        ("/tiles/zones/2/0/4.mvt", 404, "y"),
        ("/tiles/zones/0/1/0.mvt", 404, "x"),
        ("/tiles/zones/16/65536/0.mvt", 404, "x"),
        ("/tiles/nowhere/1/0/0.mvt", 404, "layer"),
        ("/tiles/nowhere.json", 404, "layer"),
        ("/tiles/zones/a/0/0.mvt", 400, "z"),
        ("/tiles/zones/-1/0/0.mvt", 400, "z"),
        ("/tiles/zones/1.5/0/0.mvt", 400, "z"),
        ("/tiles/zones/%EF%BC%91/0/0.mvt", 400, "z"),  # a full-width digit one
        ("/tiles/zones/1/0/99999999999.mvt", 400, "y"),
        ("/tiles/zones/1/x/0.mvt", 400, "x"),
        ("/tiles/zones/1/0/0.mvt?date=2024-02-30", 400, "date"),
        ("/tiles/zones/1/0/0.mvt?date=yesterday", 400, "date"),
        ("/tiles/zones/1/0/0.mvt?date=2024-05-30&date=2024-05-31", 400, "date"),
        ("/tiles/zones/1/0/0.mvt?v=latest", 400, "v"),
        ("/tiles/zones.json?date=0000-00-00", 400, "date"),
        ("/tiles/zones/1/0/0.png", 404, None),
        ("/tiles/zones/1/0.mvt", 404, None),
        ("/tiles/", 404, None),
    ],
)
def test_bad_tile_addresses_answer_json(client, path, status, field):
    response = get(client, path)
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    body = json.loads(response.content)
    assert body["error"] and body["field"] == field


@pytest.mark.django_db
def test_tiles_answer_only_reads(client):
    response = client.post("/tiles/zones/0/0/0.mvt", HTTP_HOST="127.0.0.1")
    assert response.status_code == 405
    assert json.loads(response.content)["error"]


# --- The map page -------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_page_config_names_the_tiles_and_the_zones_per_version(settings):
    # Source names, as the live server's pages use (no collectstatic manifest needed).
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    snap = snapshot.current()
    config = tiles_page.config(snap)
    assert config["url"] == f"/tiles/zones/{{z}}/{{x}}/{{y}}.mvt?v={snap.version}&date={{date}}"
    assert (config["layer"], config["minZoom"], config["maxZoom"]) == ("zones", 0, 16)
    for policy in Policy.objects.public():
        count = Zone.objects.public().filter(policy=policy).count()
        assert config["zones"].get(policy.slug, 0) == count
    assert config["fromZones"] == tiles_page.FROM_ZONES > max(config["zones"].values())
    assert config["tiled"] == []  # no bundled version is large enough
    assert config["plugin"].startswith("/static/")
    assert finders.find(tiles_page.PLUGIN)


def _with_tiles_config(page, base_url: str, config: dict) -> None:
    """Serve the map page with `config` as its tile settings (what mapsite.tiles.page gives)."""

    def route(route_request):
        response = route_request.fetch()
        html = response.text()
        found = re.search(r'<script id="map-config" type="application/json">(.*?)</script>', html)
        page_config = json.loads(found.group(1))
        page_config["tiles"] = config
        html = html.replace(found.group(0), json_script(page_config, "map-config"))
        route_request.fulfill(response=response, body=html)

    page.route(re.compile(re.escape(base_url) + r"/(\?.*)?$"), route)


@pytest.mark.browser
def test_the_map_draws_a_version_with_many_zones_from_tiles(
    browser_page, loaded_live_server, local_tiles, monkeypatch
):
    page = browser_page
    monkeypatch.setattr(tiles_page, "FROM_ZONES", 3)  # the bundled versions count as many
    _with_tiles_config(page, loaded_live_server.url, tiles_page.config(snapshot.current()))
    answers = []
    page.on("response", lambda r: "/tiles/zones/" in r.url and answers.append(r))
    geojson = []
    page.on("request", lambda r: "/api/zones.geojson" in r.url and geojson.append(r.url))
    open_map(page, loaded_live_server.url)
    map_box = page.locator("#map")
    assert map_box.get_attribute("data-zones-from") == "tiles"
    assert map_box.get_attribute("data-zones") == "3"
    assert page.evaluate("() => typeof L.vectorGrid.protobuf") == "function"
    classes = set(
        page.eval_on_selector_all(
            ".leaflet-zones-pane path.zone", "paths => paths.map(p => p.getAttribute('class'))"
        )
    )
    assert {"zone zone--permitted", "zone zone--conditional", "zone zone--prohibited"} <= classes
    # Styled from the vocabulary the page was handed: the permitted fill.
    permitted = page.evaluate("() => window.PolicyMap.STATUSES.permitted.fill")
    fills = page.eval_on_selector_all(
        ".leaflet-zones-pane path.zone--permitted", "ps => ps.map(p => p.getAttribute('fill'))"
    )
    assert fills and set(fills) == {permitted}
    assert answers and {a.status for a in answers} <= {200, 204}
    assert all(f"date={FIRST_DAY}" in a.url and "v=" in a.url for a in answers)
    assert page.watch.console_errors == []
    assert page.watch.failed_requests == []
    # Another date: the tiles of that date.
    page.goto(loaded_live_server.url + "/?date=2024-06-20")
    page.wait_for_selector('#map[data-zones-date="2024-06-20"]', state="attached")
    assert map_box.get_attribute("data-zones-from") == "tiles"


@pytest.mark.browser
def test_the_map_draws_a_version_with_few_zones_from_geojson(
    browser_page, loaded_live_server, local_tiles
):
    page = browser_page
    _with_tiles_config(page, loaded_live_server.url, tiles_page.config(snapshot.current()))
    tiles = []
    page.on("request", lambda r: "/tiles/" in r.url and tiles.append(r.url))
    open_map(page, loaded_live_server.url)
    assert page.locator("#map").get_attribute("data-zones-from") == "geojson"
    assert tiles == []
    assert page.evaluate("() => typeof L.vectorGrid") == "undefined"  # never loaded
