"""OGC API - Features at /ogc/: documents, paging, filters, formats, bad input, and GDAL."""

import json
import subprocess

import pytest

from mapsite.ogc.params import CRS84, LIMIT_MAX
from mapsite.zones.models import Place, Policy, Zone
from tests.api_support import box, fetch

pytestmark = pytest.mark.django_db
ITEMS = "/ogc/collections/{}/items"
COLLECTION_IDS = ["zones", "countries", "oblasts", "border", "kharkiv-segment", "places"]
HTML_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
FIRST_DAY = "2024-05-30"
KHARKIV_GEONAMEID = 706483


def get(client, url: str, **meta):
    """GET through the test client with a host the settings allow; `meta` as HTTP_ACCEPT=..."""
    return client.get(url, HTTP_HOST="127.0.0.1", **meta)


def ogc(client, url: str, status: int = 200, media: str = "application/json", **meta):
    response = get(client, url, **meta)
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith(media), response["Content-Type"]
    assert "Accept" in response["Vary"]
    return response


def items(client, collection: str, query: str = "") -> dict:
    url = ITEMS.format(collection) + (f"?{query}" if query else "")
    response = ogc(client, url, media="application/geo+json")
    assert response["Content-Crs"] == f"<{CRS84}>"
    body = json.loads(response.content)
    assert body["type"] == "FeatureCollection"
    assert body["numberReturned"] == len(body["features"])
    assert body["timeStamp"].endswith("Z")
    return body


def links(document: dict, rel: str, media: str | None = None) -> list[str]:
    return [x["href"] for x in document["links"] if x["rel"] == rel and media in (None, x["type"])]


def path_of(href: str) -> str:
    """A link's path and query, for the test client."""
    return "/" + href.split("://", 1)[1].split("/", 1)[1]


def api_zones(client, day: str, query: str = "") -> list[dict]:
    return get(client, f"/api/zones.geojson?date={day}{query}").json()["features"]


def test_the_landing_page_links_the_definition_conformance_and_collections(client):
    body = ogc(client, "/ogc/").json()
    assert body["title"] and body["description"]
    assert links(body, "self", "application/json") == ["http://127.0.0.1/ogc/?f=json"]
    assert links(body, "alternate", "text/html") == ["http://127.0.0.1/ogc/?f=html"]
    assert links(body, "service-desc") == ["http://127.0.0.1/ogc/api"]
    assert links(body, "conformance", "application/json")
    assert links(body, "data", "application/json") == ["http://127.0.0.1/ogc/collections?f=json"]


def test_it_declares_only_the_classes_it_implements(client):
    body = ogc(client, "/ogc/conformance").json()
    classes = {uri.rsplit("/", 1)[1] for uri in body["conformsTo"]}
    assert classes == {"core", "geojson", "html", "oas30", "crs"}
    assert "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs" in body["conformsTo"]


def test_the_api_definition_is_openapi_3_0_with_the_capped_limit(client):
    response = ogc(client, "/ogc/api", media="application/vnd.oai.openapi+json;version=3.0")
    body = response.json()
    assert body["openapi"].startswith("3.0")
    assert "/collections/{collectionId}/items" in body["paths"]
    assert body["components"]["parameters"]["limit"]["schema"]["maximum"] == LIMIT_MAX
    assert ogc(client, "/ogc/api?f=html", 400).json()["field"] == "f"


def test_it_lists_the_collections_in_crs84(client):
    body = ogc(client, "/ogc/collections").json()
    assert [c["id"] for c in body["collections"]] == COLLECTION_IDS
    for collection in body["collections"]:
        assert collection["crs"] == [CRS84] and collection["storageCrs"] == CRS84
        minlon, minlat, maxlon, maxlat = collection["extent"]["spatial"]["bbox"][0]
        assert -180 <= minlon < maxlon <= 180 and -90 <= minlat < maxlat <= 90
        items_link = links(collection, "items", "application/geo+json")
        assert items_link == [f"http://127.0.0.1/ogc/collections/{collection['id']}/items?f=json"]
        one = ogc(client, f"/ogc/collections/{collection['id']}").json()
        assert one["id"] == collection["id"] and one["title"] == collection["title"]
    zones = body["collections"][0]
    assert zones["extent"]["temporal"]["interval"] == [[None, None]]  # the first has no start


def test_the_zones_are_the_apis_zones_of_the_policy_in_force(client):
    today = items(client, "zones", "limit=100")
    assert today["features"] == api_zones(client, "")
    assert today["numberMatched"] == len(today["features"]) > 0
    on_first_day = items(client, "zones", f"datetime={FIRST_DAY}&limit=100")
    assert on_first_day["features"] == api_zones(client, FIRST_DAY)
    assert [f["id"] for f in on_first_day["features"]] == [
        "counter-fire-kharkiv",
        "deep-strike-russia",
        "ukraine",
    ]
    before = items(client, "zones", "datetime=2024-05-29")
    assert [f["id"] for f in before["features"]] == ["russia-before", "ukraine-before"]


def test_an_instant_picks_the_policy_of_its_utc_day(client):
    late_evening_west = items(client, "zones", "datetime=2024-05-29T23:30:00-02:00")
    assert late_evening_west["features"] == api_zones(client, FIRST_DAY)
    just_before = items(client, "zones", "datetime=2024-05-29T23:59:59.5Z")
    assert [f["id"] for f in just_before["features"]] == ["russia-before", "ukraine-before"]


def test_paging_follows_next_links_through_every_feature(client):
    whole = items(client, "oblasts", "limit=100")
    seen, url, pages = [], ITEMS.format("oblasts") + "?limit=3", 0
    while url:
        page = items(client, "oblasts", url.split("?", 1)[1])
        assert page["numberMatched"] == 10
        seen += page["features"]
        pages += 1
        assert bool(links(page, "prev")) == (pages > 1)
        following = links(page, "next", "application/geo+json")
        url = path_of(following[0]) if following else None
    assert pages == 4 and [f["id"] for f in seen] == [f["id"] for f in whole["features"]]
    last = items(client, "oblasts", "limit=3&offset=9")
    assert last["numberReturned"] == 1 and not links(last, "next")
    assert path_of(links(last, "prev", "application/geo+json")[0]).endswith(
        "limit=3&offset=6&f=json"
    )
    beyond = items(client, "oblasts", "limit=3&offset=50")
    assert beyond["features"] == [] and beyond["numberMatched"] == 10


def test_next_links_keep_the_filters(client):
    page = items(client, "zones", f"datetime={FIRST_DAY}&bbox=30,44,40,55&limit=1")
    following = path_of(links(page, "next", "application/geo+json")[0])
    assert f"datetime={FIRST_DAY}" in following and "bbox=30%2C44%2C40%2C55" in following
    second = items(client, "zones", following.split("?", 1)[1])
    assert second["features"][0]["id"] == "deep-strike-russia"


def test_a_limit_above_the_maximum_is_capped(client):
    assert Place.objects.count() > LIMIT_MAX
    body = items(client, "places", "limit=99999999999")
    assert body["numberReturned"] == LIMIT_MAX
    assert "limit=1000&offset=1000" in links(body, "next", "application/geo+json")[0]
    assert items(client, "places")["numberReturned"] == 10  # the default


def test_datetime_leaves_collections_without_time_whole(client):
    everything = items(client, "oblasts")["numberMatched"]
    assert items(client, "oblasts", "datetime=2020-01-01")["numberMatched"] == everything
    assert items(client, "oblasts", "crs=[OGC:CRS84]")["numberMatched"] == everything


def test_bbox_picks_the_features_it_touches(client):
    ids = [
        f["id"]
        for f in items(client, "zones", f"datetime={FIRST_DAY}&bbox=36,50,37.5,51")["features"]
    ]
    assert ids == [f["id"] for f in api_zones(client, FIRST_DAY, "&bbox=36,50,37.5,51")]
    assert ids == ["counter-fire-kharkiv", "ukraine"]
    six = items(client, "zones", f"datetime={FIRST_DAY}&bbox=36,50,-100,37.5,51,9000")
    assert [f["id"] for f in six["features"]] == ids
    assert items(client, "zones", f"datetime={FIRST_DAY}&bbox=10,40,12,42")["features"] == []
    # Over the antimeridian (minlon > maxlon): Russia's far east.
    across = items(client, "countries", "bbox=179,60,-179,70")
    assert [f["id"] for f in across["features"]] == ["russia"]
    assert [f["id"] for f in items(client, "countries", "bbox=30,60,40,61")["features"]] == [
        "russia"
    ]


def test_a_bbox_with_no_area_still_finds_what_it_touches(client):
    kharkiv = Place.objects.get(geonameid=KHARKIV_GEONAMEID).point
    here = f"{kharkiv.x},{kharkiv.y},{kharkiv.x},{kharkiv.y}"
    assert KHARKIV_GEONAMEID in [
        f["id"] for f in items(client, "places", f"bbox={here}")["features"]
    ]


def test_places_are_features_with_the_apis_fields(client):
    body = items(client, "places", "bbox=36,49.5,36.5,50.5&limit=1")
    kharkiv = body["features"][0]
    assert kharkiv["id"] == KHARKIV_GEONAMEID  # the largest first
    assert kharkiv["geometry"]["type"] == "Point"
    assert {"name", "country", "population"} <= set(kharkiv["properties"])


def test_it_serves_single_features_with_links(client):
    for collection, item_id in [
        ("zones", "counter-fire-kharkiv"),
        ("oblasts", "ua-kharkiv"),
        ("places", str(KHARKIV_GEONAMEID)),
    ]:
        url = f"{ITEMS.format(collection)}/{item_id}"
        response = ogc(client, url, media="application/geo+json")
        assert response["Content-Crs"] == f"<{CRS84}>"
        feature = response.json()
        assert feature["type"] == "Feature" and str(feature["id"]) == item_id
        assert links(feature, "self", "application/geo+json") == [f"http://127.0.0.1{url}?f=json"]
        assert links(feature, "collection")
    geo = "application/geo+json"
    zone = ogc(client, f"{ITEMS.format('zones')}/counter-fire-kharkiv", media=geo).json()
    assert zone["properties"]["policy"] == "counter-fire-kharkiv"
    assert ogc(client, f"{ITEMS.format('zones')}/ukraine?crs={CRS84}", media=geo).status_code == 200


NOT_FOUND = [
    ("/ogc/collections/rivers", "collectionId"),
    ("/ogc/collections/rivers/items", "collectionId"),
    ("/ogc/collections/zones/items/no-such-zone", "featureId"),
    ("/ogc/collections/zones/items/bad%20slug!", "featureId"),
    ("/ogc/collections/places/items/12x", "featureId"),
    ("/ogc/collections/places/items/99999999999999999999", "featureId"),
    ("/ogc/collections/oblasts/items/russia", "featureId"),
    ("/ogc/nothing/here", None),
]


@pytest.mark.parametrize(("url", "field"), NOT_FOUND)
def test_unknown_collections_and_features_are_404(client, url, field):
    assert ogc(client, url, 404).json()["field"] == field
    page = ogc(client, url, 404, "text/html", HTTP_ACCEPT=HTML_ACCEPT).content.decode()
    assert "<h1>Not found</h1>" in page


BAD = [
    ("bbox=1,2,3", "bbox"),
    ("bbox=1,2,3,4,5", "bbox"),
    ("bbox=a,b,c,d", "bbox"),
    ("bbox=0,0,nan,1", "bbox"),
    ("bbox=0,0,200,1", "bbox"),
    ("bbox=0,50,1,40", "bbox"),
    ("bbox=0,-91,1,1", "bbox"),
    ("bbox=,,,", "bbox"),
    ("limit=0", "limit"),
    ("limit=abc", "limit"),
    ("limit=-1", "limit"),
    ("limit=1.5", "limit"),
    ("limit=%D9%A1", "limit"),  # an Arabic-Indic one
    ("offset=-1", "offset"),
    ("offset=x", "offset"),
    ("datetime=yesterday", "datetime"),
    ("datetime=2024-02-30", "datetime"),
    ("datetime=2024-06-01T12:00:00", "datetime"),  # no offset: not RFC 3339
    ("datetime=2024-06-01T25:00:00Z", "datetime"),
    ("datetime=2024-01-01/2024-06-01", "datetime"),
    ("datetime=../2024-06-01", "datetime"),
    ("f=xml", "f"),
    ("crs=http://www.opengis.net/def/crs/EPSG/0/4326", "crs"),
    ("bbox-crs=http://www.opengis.net/def/crs/EPSG/0/3857&bbox=0,0,1,1", "bbox-crs"),
    ("kind=ukraine", "kind"),
    ("limit=1&limit=2", "limit"),
]


@pytest.mark.parametrize(("query", "field"), BAD)
def test_bad_parameters_are_400_naming_them(client, query, field):
    body = ogc(client, f"{ITEMS.format('zones')}?{query}", 400).json()
    assert body["field"] == field and body["error"]
    html = ogc(
        client, f"{ITEMS.format('zones')}?{query}", 400, "text/html", HTTP_ACCEPT=HTML_ACCEPT
    )
    assert "<h1>Bad request</h1>" in html.content.decode()


def test_every_resource_refuses_unknown_parameters_and_formats(client):
    for url in ["/ogc/", "/ogc/conformance", "/ogc/collections", "/ogc/collections/zones"]:
        assert ogc(client, f"{url}?limit=5", 400).json()["field"] == "limit"
        assert ogc(client, f"{url}?f=xml", 400).json()["field"] == "f"
    item = f"{ITEMS.format('zones')}/ukraine"
    assert ogc(client, f"{item}?datetime={FIRST_DAY}", 400).json()["field"] == "datetime"
    assert ogc(client, f"{item}?crs=EPSG:4326", 400).json()["field"] == "crs"


@pytest.mark.parametrize(
    ("accept", "media"),
    [
        (HTML_ACCEPT, "text/html"),
        ("TEXT/HTML", "text/html"),
        ("application/json", "application/json"),
        ("application/geo+json, application/json", "application/json"),
        ("text/html;q=0.5, application/json", "application/json"),
        ("text/html, application/json;q=0.9", "text/html"),
        ("*/*", "application/json"),
        ("text/*", "text/html"),
        ("text/html;q=0, */*", "application/json"),
        ("image/png", "application/json"),
        ("", "application/json"),
    ],
)
def test_the_accept_header_chooses_the_format(client, accept, media):
    ogc(client, "/ogc/collections", media=media, HTTP_ACCEPT=accept)


def test_f_overrides_the_accept_header(client):
    ogc(client, "/ogc/collections?f=json", media="application/json", HTTP_ACCEPT=HTML_ACCEPT)
    ogc(client, "/ogc/collections?f=HTML", media="text/html", HTTP_ACCEPT="application/json")


def test_the_html_pages_list_links_and_features(client):
    pages = {
        "/ogc/?f=html": ["Collections", "Conformance", "ogrinfo OAPIF:http://127.0.0.1/ogc/"],
        "/ogc/conformance?f=html": ["conf/core"],
        "/ogc/collections?f=html": ["Policy zones", "Oblasts", "Places", "Browse its features"],
        "/ogc/collections/zones?f=html": ["Policy zones", CRS84],
        f"{ITEMS.format('zones')}?f=html&datetime={FIRST_DAY}&limit=2": [
            "2 shown of 3 matched",
            "Counter-fire area in Russia",  # the kind's label from the vocabulary
            'rel="next"',
            "offset=2",
        ],
        f"{ITEMS.format('zones')}/counter-fire-kharkiv?f=html": ["Counter-fire", "MultiPolygon"],
        f"{ITEMS.format('places')}/{KHARKIV_GEONAMEID}?f=html": ["Kharkiv", "Point"],
    }
    for url, expected in pages.items():
        page = ogc(client, url, media="text/html").content.decode()
        assert page.startswith("<!doctype html>") and '<html lang="en">' in page
        for text in expected:
            assert text in page, (url, text)
        # The site's CSP allows no inline styles or scripts.
        assert "<style" not in page and "<script" not in page and "style=" not in page


def test_answers_are_cached_and_revalidate(client):
    url = f"{ITEMS.format('zones')}?datetime={FIRST_DAY}"
    first = ogc(client, url, media="application/geo+json")
    again = get(client, url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert get(client, url).content == first.content  # the same timeStamp: one rendering


def test_only_get_head_and_options_are_allowed(client):
    response = client.post("/ogc/collections", HTTP_HOST="127.0.0.1")
    assert response.status_code == 405 and response.json()["error"]
    assert client.options("/ogc/", HTTP_HOST="127.0.0.1").status_code == 204


def test_unpublished_zones_never_appear(client):
    policy = Policy.objects.get(slug="counter-fire-kharkiv")
    Zone.objects.create(
        slug="hidden-unpublished",
        name="Unpublished",
        published=False,
        kind="ukraine",
        status="permitted",
        policy=policy,
        geom=box(27, 53.5, 28.2, 54.2),
    )
    body = items(client, "zones", f"datetime={FIRST_DAY}&bbox=26,53,29,55")
    assert "hidden-unpublished" not in [f["id"] for f in body["features"]]
    assert body["numberMatched"] == len(api_zones(client, FIRST_DAY, "&bbox=26,53,29,55"))
    ogc(client, f"{ITEMS.format('zones')}/hidden-unpublished", 404)


def test_odd_input_never_gets_a_500(client):
    queries = ["bbox=1e400,0,1,1", "limit=" + "9" * 200, "offset=" + "9" * 20, "f=", "bbox=%00",
               "datetime=" + "x" * 5000, "%FF=1", "datetime=2024-06-01T12:00:00+99:00"]  # fmt: skip
    for query in queries:
        for url in ["/ogc/", ITEMS.format("places"), f"{ITEMS.format('zones')}/ukraine"]:
            response = get(client, f"{url}?{query}")
            assert response.status_code in (200, 400), (url, query, response.content[:200])


def _run(*command: str) -> str:
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "ERROR" not in result.stderr, result.stderr
    return result.stdout


def test_gdal_reads_it_with_the_oapif_driver(loaded_live_server, tmp_path):
    url = f"OAPIF:{loaded_live_server.url}/ogc/"
    listing = _run("ogrinfo", "-ro", "-so", url)
    for number, name in enumerate(COLLECTION_IDS, start=1):
        assert f"{number}: {name} " in listing, listing
    status, _, body = fetch(f"{loaded_live_server.url}/api/zones.geojson")
    assert status == 200
    expected = [f["id"] for f in json.loads(body)["features"]]
    assert expected
    # A page size of one makes GDAL follow the next links from feature to feature.
    out = tmp_path / "zones.json"
    _run("ogr2ogr", "-f", "GeoJSON", str(out), url, "zones", "-oo", "PAGE_SIZE=1")
    exported = json.loads(out.read_text())["features"]
    assert len(exported) == len(expected)
    assert [f["properties"]["slug"] for f in exported] == expected
    summary = _run("ogrinfo", "-ro", "-so", url, "places")
    assert f"Feature Count: {Place.objects.count()}" in summary
