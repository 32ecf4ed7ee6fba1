"""/api/zones.gpkg, .kml and .fgb: read back with Debian's GDAL (ogrinfo, ogr2ogr) and held
against /api/zones.geojson with the same parameters."""

import datetime as dt
import gzip
import json
import os
import re
import sqlite3
import subprocess
import sys
import xml.etree.ElementTree as ET
from urllib.parse import parse_qs

import pytest
import shapely
from django.utils import translation
from openapi_spec_validator import validate

from mapsite.api import openapi
from mapsite.api.responses import cache_for
from mapsite.zones import snapshot, vocabulary
from tests.api_support import get
from tests.map_fixtures import plain_static_fixture  # noqa: F401

pytestmark = pytest.mark.django_db

FORMATS = {
    "gpkg": ("application/geopackage+sqlite3", "GPKG"),
    "kml": ("application/vnd.google-earth.kml+xml", "LIBKML"),
    "fgb": ("application/flatgeobuf", "FlatGeobuf"),
}
QUERIES = [
    "date=2024-05-30",
    "date=2024-05-30&kind=counter-fire",
    "date=2026-01-01&bbox=35,49,40,52&simplify=500",
    "date=2024-05-01&kind=ukraine&simplify=2000",
    "date=2024-11-20&simplify=100000",
    "date=2024-05-30&bbox=36,50,37.5,51&clip=1",  # the page's "zones on screen"
    "date=2024-06-20&lang=uk",  # names in Ukrainian, as the GeoJSON gives them
]
LISTS = ("permitted_weapons", "prohibited_weapons", "permitted_targets", "prohibited_targets")
KML = "{http://www.opengis.net/kml/2.2}"


def run(*command: str) -> str:
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "Warning" not in result.stderr and "ERROR" not in result.stderr, result.stderr
    return result.stdout


def download(client, tmp_path, fmt: str, query: str):
    response = get(client, f"/api/zones.{fmt}?{query}")
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == FORMATS[fmt][0]
    path = tmp_path / f"zones.{fmt}"
    path.write_bytes(response.content)
    return path


def summary(path) -> str:
    """ogrinfo's summary of the one layer (driver, count, geometry type, SRS, fields)."""
    return run("ogrinfo", "-ro", "-al", "-so", str(path))


def read_back(path) -> dict[str, dict]:
    """The file's features as GDAL 3.6 reads them (ogr2ogr to GeoJSON), by slug."""
    text = run("ogr2ogr", "-f", "GeoJSON", "/vsistdout/", str(path))
    return {f["properties"]["slug"]: f for f in json.loads(text)["features"]}


def exported(client, query: str) -> dict[str, dict]:
    response = get(client, f"/api/zones.geojson?{query}")
    assert response.status_code == 200
    return {f["properties"]["slug"]: f for f in json.loads(response.content)["features"]}


def areas(geometry: dict):
    """The polygons of a geometry, 2D, as one normalised MultiPolygon."""
    shape = shapely.force_2d(shapely.geometry.shape(geometry))
    parts = [p for p in shapely.get_parts(shape) if p.geom_type == "Polygon"]
    parts += [q for p in shapely.get_parts(shape) if p.geom_type == "MultiPolygon" for q in p.geoms]
    return shapely.MultiPolygon(parts).normalize()


def from_json(value):
    """A JSON text column read back (GDAL's GeoJSON writer turns JSON-looking text into JSON)."""
    return json.loads(value) if isinstance(value, str) else value


def day_of(value) -> str | None:
    """A date as GDAL wrote it back (2024-05-30, 2024/05/30 or a DateTime), as ISO."""
    return None if value in (None, "") else str(value)[:10].replace("/", "-")


def instant(value: str) -> dt.datetime:
    moment = dt.datetime.fromisoformat(value.replace("/", "-").replace("Z", "+00:00"))
    return moment.astimezone(dt.UTC)


def expected_attributes(properties: dict, lang: str) -> dict:
    """What each file carries for a GeoJSON feature's properties, its labels the
    vocabulary's words in the export's language."""
    with translation.override(lang):
        kind_label = vocabulary.kind_label(properties["kind"])
        status_label = vocabulary.status_label(properties["status"])
    return {
        "slug": properties["slug"],
        "name": properties["name"],
        "kind": properties["kind"],
        "kind_label": kind_label,
        "status": properties["status"],
        "status_label": status_label,
        "policy": properties["policy"],
        "policy_title": properties["policy_title"],
        "description": properties["description"],
        **{name: "; ".join(item["name"] for item in properties[name]) for name in LISTS},
    }


def gdal_attributes(fmt: str, properties: dict) -> dict:
    """A read-back feature's attributes under the export's names (LIBKML reads a
    placemark's <name> as Name)."""
    if fmt == "kml":
        properties = {**properties, "name": properties.get("Name")}
    return properties


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("fmt", FORMATS)
def test_the_file_holds_the_geojson_exports_zones(client, tmp_path, fmt, query):
    path = download(client, tmp_path, fmt, query)
    expected = exported(client, query)
    assert expected, "each query finds zones"
    info = summary(path)
    assert f"using driver `{FORMATS[fmt][1]}' successful" in info
    assert f"Feature Count: {len(expected)}" in info
    assert 'ID["EPSG",4326]' in info
    assert "sources: String" in info and "assumptions: String" in info
    if fmt != "kml":  # KML's layer has no one geometry type
        assert "Geometry: Multi Polygon" in info
    features = read_back(path)
    assert set(features) == set(expected)
    for slug, feature in expected.items():
        props = feature["properties"]
        got = gdal_attributes(fmt, features[slug]["properties"])
        want = expected_attributes(props, parse_qs(query).get("lang", ["en"])[0])
        assert {k: got.get(k) for k in want} == want, slug
        assert day_of(got.get("valid_from")) == props["valid_from"]
        assert day_of(got.get("valid_to")) == props["valid_to"]
        assert from_json(got["sources"]) == props["sources"]
        assert from_json(got["assumptions"]) == props["assumptions"]
        assert got["area_km2"] == pytest.approx(props["area_km2"], abs=1e-9)
        assert abs(instant(got["updated_at"]) - instant(props["updated_at"])) < dt.timedelta(
            milliseconds=1
        )
        theirs, ours = areas(features[slug]["geometry"]), areas(feature["geometry"])
        assert ours.equals_exact(theirs, tolerance=1e-9), slug
        assert shapely.get_num_coordinates(theirs) == shapely.get_num_coordinates(ours)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    "query", ["date=2024-05-30&kind=counter-fire&bbox=22,48,24,49", "bbox=-80,-60,-70,-50"]
)
def test_no_zones_make_an_empty_file_gdal_opens(client, tmp_path, fmt, query):
    assert exported(client, query) == {}
    info = summary(download(client, tmp_path, fmt, query))
    assert "Feature Count: 0" in info
    if fmt != "kml":  # an empty KML has no schema to show
        assert "status_label: String" in info and "updated_at: DateTime" in info


def test_each_kml_placemark_has_the_zones_name_and_description(client):
    response = get(client, "/api/zones.kml?date=2024-05-30")
    document = ET.fromstring(response.content)  # noqa: S314 (our own answer)
    placemarks = document.iter(f"{KML}Placemark")
    found = {p.findtext(f"{KML}name"): p.findtext(f"{KML}description") for p in placemarks}
    expected = exported(client, "date=2024-05-30").values()
    assert found == {f["properties"]["name"]: f["properties"]["description"] for f in expected}


def test_the_geopackage_is_version_1_2_dated_by_its_newest_zone(client, tmp_path):
    path = download(client, tmp_path, "gpkg", "date=2024-05-30")
    newest = max(
        instant(f["properties"]["updated_at"]) for f in exported(client, "date=2024-05-30").values()
    )
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA application_id").fetchone()[0] == 0x47504B47  # "GPKG"
        assert db.execute("PRAGMA user_version").fetchone()[0] == 10200
        (last_change,) = db.execute("SELECT last_change FROM gpkg_contents").fetchone()
    assert instant(last_change) == newest.replace(microsecond=newest.microsecond // 1000 * 1000)


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_filename_names_the_date(client, fmt):
    response = get(client, f"/api/zones.{fmt}?date=2024-05-30&download=1")
    assert response["Content-Disposition"] == (
        f'attachment; filename="kharkiv-policy-zones-2024-05-30.{fmt}"'
    )
    response = get(client, f"/api/zones.{fmt}?date=2024-05-31")
    assert response["Content-Disposition"] == (
        f'inline; filename="kharkiv-policy-zones-2024-05-31.{fmt}"'
    )
    today = dt.datetime.now(dt.UTC).date().isoformat()
    assert today in get(client, f"/api/zones.{fmt}?download=1")["Content-Disposition"]


BAD = [
    ("date=2024-02-30", "date"),
    ("date=30.05.2024", "date"),
    ("date=2024-05-30&date=2024-05-31", "date"),
    ("kind=everything", "kind"),
    ("kind=ukraine&kind=counter-fire", "kind"),
    ("bbox=1,2,3", "bbox"),
    ("bbox=a,b,c,d", "bbox"),
    ("bbox=10,0,5,1", "bbox"),
    ("bbox=0,-91,1,1", "bbox"),
    ("bbox=nan,0,1,1", "bbox"),
    ("bbox=0,0,1,1&bbox=0,0,2,2", "bbox"),
    ("simplify=-1", "simplify"),
    ("simplify=100001", "simplify"),
    ("simplify=inf", "simplify"),
    ("simplify=1e400", "simplify"),
    ("simplify=5&simplify=6", "simplify"),
    ("download=maybe", "download"),
    ("download=1&download=1", "download"),
]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(("query", "field"), BAD)
def test_it_refuses_bad_parameters_naming_the_field(client, fmt, query, field):
    response = get(client, f"/api/zones.{fmt}?{query}")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()["field"] == field
    assert "Content-Disposition" not in response


def test_an_unknown_format_is_a_json_404(client):
    response = get(client, "/api/zones.shp?date=2024-05-30")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_matching_etag_gets_304_plain_and_gzipped(client, fmt):
    url = f"/api/zones.{fmt}?date=2024-05-30&simplify=500"
    plain = get(client, url)
    etag = plain["ETag"]
    assert get(client, url, **{"If-None-Match": etag}).status_code == 304
    packed = get(client, url, **{"Accept-Encoding": "gzip"})
    assert packed["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.content) == plain.content  # binary bodies pass intact
    assert packed["ETag"] != etag
    again = get(client, url, **{"Accept-Encoding": "gzip", "If-None-Match": packed["ETag"]})
    assert again.status_code == 304
    assert get(client, url, **{"If-None-Match": '"other"'}).status_code == 200


@pytest.mark.parametrize("fmt", FORMATS)
def test_it_is_cached_and_rewritten_byte_for_byte(client, fmt):
    url = f"/api/zones.{fmt}?date=2024-05-30&kind=counter-fire&bbox=36.123,50.001,36.789,50.999"
    first = get(client, url)
    snap = snapshot.current()
    policy_id = snap.policy_on(dt.date(2024, 5, 30)).id
    box = (36.12, 50.0, 36.79, 51.0)
    key = ("zones-file", fmt, policy_id, "counter-fire", box, 0.0, False, None)
    assert cache_for(snap).get(key).content == first.content
    hit = get(client, url.replace("36.123", "36.121"))  # snapped to the same box
    assert hit.content == first.content and hit["ETag"] == first["ETag"]
    snapshot.forget()  # a new snapshot: rendered afresh, to the same bytes
    fresh = get(client, url)
    assert snapshot.current() is not snap
    assert fresh.content == first.content and fresh["ETag"] == first["ETag"]


def test_the_served_document_describes_the_files_with_the_geojson_parameters():
    document = openapi.document()
    validate(document)
    geojson_params = document["paths"]["/api/zones.geojson"]["get"]["parameters"]
    operation = document["paths"]["/api/zones.{format}"]["get"]
    path_param, *query_params = operation["parameters"]
    assert path_param["in"] == "path" and path_param["schema"]["enum"] == list(FORMATS)
    assert query_params == geojson_params
    for media, _driver in FORMATS.values():
        assert media in operation["responses"]["200"]["content"]
    assert {"200", "304", "400"} <= set(operation["responses"])


@pytest.mark.usefixtures("plain_static")
def test_the_pages_download_menu_offers_every_format(client):
    html = get(client, "/?date=2024-05-30").content.decode()
    menu = re.search(r'<p id="download-menu">(.*?)</p>', html, re.S)
    assert menu, "the page has a download menu"
    links = dict(re.findall(r'data-download="([^"]+)" href="([^"]+)"', menu.group(1)))
    assert set(links) == {"download", "download-gpkg", "download-kml", "download-fgb"}
    config = json.loads(
        re.search(r'<script id="map-config" type="application/json">(.*?)</script>', html, re.S)[1]
    )
    for name in links:  # each link's URL template is in the map config the script reads
        url = config["urls"][name].format(date="2024-05-30", bbox="35,49,40,52")
        response = get(client, url)
        assert response.status_code == 200, url
        assert response["Content-Disposition"].startswith("attachment;")
        fmt = name.removeprefix("download-")
        if fmt in FORMATS:
            assert links[name] == f"/api/zones.{fmt}?download=1"
            assert response["Content-Type"] == FORMATS[fmt][0]


def test_gdal_is_loaded_on_the_first_file_asked_for_not_at_start_up():
    """pyogrio brings GDAL (about 50 MB of each worker's memory): only a file export loads it."""
    started = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, sys; django.setup(); import mapsite.urls, mapsite.front.views;"
            " print('pyogrio' in sys.modules)",
        ],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "mapsite.settings"},
    )
    assert started.stdout.strip() == "False", started.stderr
