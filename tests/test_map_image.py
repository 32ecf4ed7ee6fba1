"""The map as a picture (/api/map.svg, /api/map.png) and the page's link previews."""

import re
import struct
from html import unescape

import defusedxml.ElementTree as ET
import pytest

from mapsite.zones import vocabulary
from tests.map_fixtures import ARTIFACTS

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"


def png_size(content: bytes) -> tuple[int, int]:
    """Width and height from a PNG's signature and IHDR chunk."""
    assert content[:8] == b"\x89PNG\r\n\x1a\n"
    assert content[12:16] == b"IHDR"
    return struct.unpack(">II", content[16:24])


def test_the_png_is_a_real_png_of_the_link_preview_size_by_default(client):
    response = client.get("/api/map.png?date=2024-05-30")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert png_size(response.content) == (1200, 630)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "map-preview.png").write_bytes(response.content)
    smaller = client.get("/api/map.png?date=2024-05-30&width=600&height=400")
    assert png_size(smaller.content) == (600, 400)


def test_the_svg_draws_the_zones_legend_title_and_attribution(client):
    response = client.get("/api/map.svg?date=2024-05-30&lat=50.6&lon=36.58")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    root = ET.fromstring(response.content)
    text = " ".join("".join(node.itertext()) for node in root.iter(SVG + "text"))
    assert "Counter-fire permission near Kharkiv · 30 May 2024" in text
    for status in vocabulary.ZONE_STATUSES:
        assert status.label in text  # the legend
    assert "Natural Earth" in text and "GeoNames (CC BY 4.0)" in text
    zones = {p.get("class") for p in root.iter(SVG + "path") if p.get("class")}
    assert {"zone status--conditional", "zone status--prohibited"} <= zones
    body = response.content.decode()
    assert vocabulary.CONDITIONAL.fill in body
    assert "url(#pm-hatch-prohibited)" in body  # the hatch the page uses
    assert root.find(f".//{SVG}circle[@class='chosen-point']") is not None
    assert "Belgorod" in text


def test_each_day_draws_its_own_version(client):
    before = client.get("/api/map.svg?date=2024-05-01").content.decode()
    after = client.get("/api/map.svg?date=2024-05-30").content.decode()
    assert "status--conditional" not in before and "status--conditional" in after
    assert "1 May 2024" in before


def test_a_bbox_sets_what_the_picture_shows(client):
    kharkiv = client.get("/api/map.svg?date=2024-05-30&bbox=35.5,49.5,37.5,50.5").content
    wide = client.get("/api/map.svg?date=2024-11-20&bbox=30,44,46,56").content
    assert b">Kyiv<" in wide and b">Kyiv<" not in kharkiv


def test_a_second_request_is_served_from_the_cache(client):
    first = client.get("/api/map.png?date=2024-06-01&width=400&height=300")
    assert first.status_code == 200
    again = client.get(
        "/api/map.png?date=2024-06-01&width=400&height=300", HTTP_IF_NONE_MATCH=first["ETag"]
    )
    assert again.status_code == 304
    assert "max-age" in first["Cache-Control"]


@pytest.mark.parametrize(
    "query, field",
    [
        ("date=2024-02-30", "date"),
        ("date=yesterday", "date"),
        ("bbox=1,2,3", "bbox"),
        ("bbox=40,50,30,55", "bbox"),
        ("width=99999", "width"),
        ("width=1000000&height=1000000", "width"),
        ("height=10", "height"),
        ("lat=50", "lon"),
        ("lat=95&lon=30", "lat"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(client, query, field):
    for fmt in ("png", "svg"):
        response = client.get(f"/api/map.{fmt}?{query}")
        assert response.status_code == 400, (fmt, query)
        assert response.json()["field"] == field


def test_a_box_without_area_shows_its_surroundings(client):
    for query in ("bbox=36,50,36,50", "bbox=0,0,0,0", "bbox=0,90,10,90", "bbox=-180,-90,180,90"):
        response = client.get(f"/api/map.png?width=300&height=200&{query}")
        assert response.status_code == 200, query
        assert png_size(response.content) == (300, 200)


def test_an_unknown_format_is_the_api_404(client):
    response = client.get("/api/map.gif")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


def _meta(html: str) -> dict:
    found = re.findall(r'<meta (?:property|name)="([^"]+)" content="([^"]*)">', html)
    return {name: unescape(value) for name, value in found}


def test_the_page_previews_with_its_picture_and_the_verdict(client):
    html = client.get("/?date=2024-05-30&at=50.6,36.58&c=50.3,36.6&z=8").content.decode()
    meta = _meta(html)
    assert meta["twitter:card"] == "summary_large_image"
    assert meta["og:description"].startswith(
        "Counter-fire only at 50.6000, 36.5800 on 30 May 2024."
    )
    assert meta["og:title"].startswith("Counter-fire permission near Kharkiv, 30 May 2024")
    image = meta["og:image"]
    assert image.startswith("http://testserver/api/map.png?") and meta["twitter:image"] == image
    assert "date=2024-05-30" in image and "lat=50.6" in image
    picture = client.get(image.removeprefix("http://testserver"))
    assert picture.status_code == 200
    width, height = png_size(picture.content)
    assert width >= 1200 and height >= 630
    assert (meta["og:image:width"], meta["og:image:height"]) == ("1200", "630")


def test_without_a_point_the_preview_says_the_version(client):
    meta = _meta(client.get("/?date=2024-05-30").content.decode())
    assert meta["og:description"].startswith(
        "Counter-fire permission near Kharkiv, in force on 30 May 2024:"
    )
    assert "lat=" not in meta["og:image"]
