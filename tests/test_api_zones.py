"""/api/zones.geojson, /api/zones/<slug>.geojson and /api/policies."""

import json
import math
import re
import subprocess

import pytest
import shapely
import shapely.geometry
from django.contrib.gis.geos import GEOSGeometry

from mapsite.zones.models import Policy, Zone, ZonePiece
from tests.api_support import MINSK, box, get, polygons, ring_is_ccw, verdict_url

pytestmark = pytest.mark.django_db
# The zones of the first, Kharkiv-only version (30 May 2024), which these tests export;
# tests/test_policy_timeline.py covers the later versions.
FIRST_DAY = "2024-05-30"
TODAY_SLUGS = ["counter-fire-kharkiv", "deep-strike-russia", "ukraine"]
PROPERTIES = {
    "slug", "name", "kind", "status", "policy", "policy_title", "valid_from", "valid_to",
    "description", "permitted_weapons", "prohibited_weapons", "permitted_targets",
    "prohibited_targets", "sources", "assumptions", "area_km2", "updated_at",
}  # fmt: skip


def collection(client, query: str = "") -> dict:
    if "date=" not in query:
        query = (query + "&" if query else "?") + f"date={FIRST_DAY}"
    response = get(client, f"/api/zones.geojson{query}")
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/geo+json"
    body = json.loads(response.content)
    assert body["type"] == "FeatureCollection"
    return body


def by_slug(body: dict) -> dict:
    return {feature["id"]: feature for feature in body["features"]}


def test_it_exports_the_zones_of_a_version(client):
    body = collection(client)
    assert [f["id"] for f in body["features"]] == TODAY_SLUGS
    for feature in body["features"]:
        assert feature["type"] == "Feature"
        assert set(feature["properties"]) >= PROPERTIES
        assert feature["properties"]["slug"] == feature["id"]
        assert feature["properties"]["policy"] == "counter-fire-kharkiv"
        assert feature["properties"]["valid_from"] == "2024-05-30"
        assert feature["properties"]["valid_to"] == "2024-05-31"
        assert feature["properties"]["area_km2"] > 0
        assert feature["geometry"]["type"] == "MultiPolygon"


def test_it_describes_the_counter_fire_zone_fully(client):
    zone = by_slug(collection(client))["counter-fire-kharkiv"]["properties"]
    assert zone["kind"] == "counter-fire"
    assert zone["status"] == "conditional"
    assert zone["policy_title"] == "Counter-fire permission near Kharkiv"
    assert [w["slug"] for w in zone["permitted_weapons"]] == ["gmlrs"]
    assert [w["slug"] for w in zone["prohibited_weapons"]] == ["atacms"]
    assert [t["slug"] for t in zone["permitted_targets"]] == [
        "troops-massing",
        "launchers",
        "missiles-in-flight",
        "glide-bomb-aircraft",
    ]
    assert zone["prohibited_targets"] == [
        {"slug": "civilian-infrastructure", "name": "Civilian infrastructure"}
    ]
    depth = next(a for a in zone["assumptions"] if a["slug"] == "counter-fire-depth")
    assert (depth["value"], depth["unit"]) == (84, "km")
    assert depth["title"] and depth["statement"]
    assert zone["sources"]
    for source in zone["sources"]:
        assert {"publisher", "quote", "date", "url"} <= set(source)
    assert 20_000 < zone["area_km2"] < 30_000


def test_it_follows_rfc_7946(client):
    body = collection(client)
    text = json.dumps(body)
    assert '"crs"' not in text
    for feature in body["features"]:
        for polygon in polygons(feature["geometry"]):
            assert ring_is_ccw(polygon[0]), feature["id"]
            assert all(not ring_is_ccw(hole) for hole in polygon[1:]), feature["id"]
            for lon, lat in polygon[0]:
                assert -180 <= lon <= 180 and -90 <= lat <= 90
                assert lon == round(lon, 6) and lat == round(lat, 6)
    # lon/lat order: the counter-fire area lies east of 35°E and north of 49°N.
    cf = by_slug(body)["counter-fire-kharkiv"]["geometry"]["coordinates"][0][0]
    assert all(34 < lon < 40 and 49 < lat < 52 for lon, lat in cf)


def test_it_picks_the_policy_in_force_on_the_date(client):
    assert [f["id"] for f in collection(client, "?date=2024-05-29")["features"]] == [
        "russia-before",
        "ukraine-before",
    ]
    assert [f["id"] for f in collection(client, "?date=2024-05-30")["features"]] == TODAY_SLUGS


def test_it_filters_by_kind(client):
    body = collection(client, "?kind=counter-fire")
    assert [f["id"] for f in body["features"]] == ["counter-fire-kharkiv"]
    body = collection(client, "?kind=deep-strike&date=2024-01-01")
    assert [f["id"] for f in body["features"]] == ["russia-before"]


def test_it_filters_by_bbox(client):
    # From Kharkiv to Kursk: all three of today's zones touch this box.
    assert len(collection(client, "?bbox=35.5,49.5,37,52")["features"]) == 3
    # Just over the border from Kharkiv: Ukraine and the counter-fire area only.
    slugs = [f["id"] for f in collection(client, "?bbox=36,50,37.5,51")["features"]]
    assert slugs == ["counter-fire-kharkiv", "ukraine"]
    # Deep in Ukraine, west of the counter-fire area.
    assert [f["id"] for f in collection(client, "?bbox=30,50,31,51")["features"]] == ["ukraine"]
    # Italy: nothing.
    assert collection(client, "?bbox=10,40,12,42")["features"] == []


def test_clip_cuts_each_zone_to_the_box(client):
    """The download of the zones on screen holds what is on screen, not all of Russia."""
    box_ = shapely.geometry.box(36, 50, 37.5, 51)
    whole = by_slug(collection(client, "?bbox=36,50,37.5,51&simplify=500"))
    cut = by_slug(collection(client, "?bbox=36,50,37.5,51&simplify=500&clip=1"))
    assert list(cut) == list(whole) == ["counter-fire-kharkiv", "ukraine"]
    for slug, feature in cut.items():
        shape = shapely.geometry.shape(feature["geometry"])
        assert feature["geometry"]["type"] == "MultiPolygon"
        assert shape.is_valid and not shape.is_empty
        assert box_.buffer(1e-9).contains(shape), slug
        full = shapely.geometry.shape(whole[slug]["geometry"])
        assert shape.area < full.area
        assert shape.area == pytest.approx(full.intersection(box_).area, rel=0.01)
        # The properties stay the whole zone's.
        assert feature["properties"] == whole[slug]["properties"]
    # Russia beyond the counter-fire area, on a view north of Kharkiv: a piece, not the country.
    query = "?bbox=36,50,38,52&clip=1"
    russia = by_slug(collection(client, query))["deep-strike-russia"]
    points = [xy for polygon in polygons(russia["geometry"]) for xy in polygon[0]]
    assert 36 <= min(x for x, _ in points) and max(x for x, _ in points) <= 38
    assert 50 <= min(y for _, y in points) and max(y for _, y in points) <= 52
    whole_size = len(get(client, f"/api/zones.geojson?date={FIRST_DAY}&bbox=36,50,38,52").content)
    cut_size = len(
        get(client, f"/api/zones.geojson?date={FIRST_DAY}&bbox=36,50,38,52&clip=1").content
    )
    assert cut_size < whole_size / 5, (cut_size, whole_size)


def test_clip_without_a_bbox_keeps_whole_shapes_and_a_bad_value_is_refused(client):
    whole = get(client, f"/api/zones.geojson?date={FIRST_DAY}").content
    assert get(client, f"/api/zones.geojson?date={FIRST_DAY}&clip=1").content == whole
    response = get(client, f"/api/zones.geojson?date={FIRST_DAY}&clip=maybe&bbox=36,50,37,51")
    assert response.status_code == 400
    assert json.loads(response.content)["field"] == "clip"


def test_it_simplifies_for_display_and_keeps_geometry_valid(client):
    full = get(client, "/api/zones.geojson?date=2024-05-30").content
    light = get(client, "/api/zones.geojson?date=2024-05-30&simplify=500").content
    lighter = get(client, "/api/zones.geojson?date=2024-05-30&simplify=5000").content
    assert len(lighter) < len(light) < len(full)
    for feature in json.loads(lighter)["features"]:
        geometry = GEOSGeometry(json.dumps(feature["geometry"]))
        assert geometry.valid, (feature["id"], geometry.valid_reason)
        for polygon in polygons(feature["geometry"]):
            assert ring_is_ccw(polygon[0])
    # Still the same place, roughly: Belgorod stays inside the counter-fire area.
    cf = by_slug(json.loads(light))["counter-fire-kharkiv"]["geometry"]
    assert GEOSGeometry(json.dumps(cf)).contains(GEOSGeometry("POINT(36.58 50.6)"))


@pytest.mark.parametrize("metres", [500, 2000, 5000])
def test_the_simplify_tolerance_is_in_metres_on_the_ground(client, metres):
    def local_metres(body: bytes):
        geometry = shapely.geometry.shape(json.loads(body)["geometry"])
        scale = [math.cos(math.radians(50.5)) * 111_320, 111_320]  # the zone spans 49.6-51.4°N
        return shapely.transform(geometry, lambda xy: xy * scale)

    url = "/api/zones/counter-fire-kharkiv.geojson"
    full = local_metres(get(client, url).content)
    light = local_metres(get(client, f"{url}?simplify={metres}").content)
    # The outline moves by about the tolerance, never much more.
    assert 0.5 * metres < full.hausdorff_distance(light) <= 1.05 * metres


def test_it_sends_a_named_attachment_on_download(client):
    response = get(client, "/api/zones.geojson?download=1&date=2024-05-30")
    assert response["Content-Disposition"] == (
        'attachment; filename="kharkiv-policy-zones-2024-05-30.geojson"'
    )
    assert "Content-Disposition" not in get(client, "/api/zones.geojson")


def test_the_download_opens_in_gdal_without_warnings(client, tmp_path):
    response = get(client, "/api/zones.geojson?date=2024-05-30&download=1")
    path = tmp_path / "zones.geojson"
    path.write_bytes(response.content)
    result = subprocess.run(
        ["ogrinfo", "-ro", "-al", "-so", str(path)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert "Warning" not in result.stderr, result.stderr
    assert "Feature Count: 3" in result.stdout
    assert "Multi Polygon" in result.stdout
    assert "EPSG" in result.stdout or "WGS 84" in result.stdout
    for field in ("slug", "kind", "status", "policy", "area_km2"):
        assert f"{field}:" in result.stdout


BAD = [
    ("kind=everything", "kind"),
    ("kind=Counter-fire", "kind"),
    ("kind=ukraine&kind=counter-fire", "kind"),
    ("bbox=1,2,3", "bbox"),
    ("bbox=1,2,3,4,5", "bbox"),
    ("bbox=a,b,c,d", "bbox"),
    ("bbox=10,0,5,1", "bbox"),
    ("bbox=0,10,1,5", "bbox"),
    ("bbox=0,-91,1,1", "bbox"),
    ("bbox=-181,0,1,1", "bbox"),
    ("bbox=nan,0,1,1", "bbox"),
    ("bbox=" + ",".join(["1" * 500] * 4), "bbox"),
    ("simplify=-1", "simplify"),
    ("simplify=100001", "simplify"),
    ("simplify=abc", "simplify"),
    ("simplify=inf", "simplify"),
    ("date=2024-02-30", "date"),
    ("date=2024-5-1", "date"),
    ("download=maybe", "download"),
]


@pytest.mark.parametrize(("query", "field"), BAD)
def test_it_refuses_bad_filters(client, query, field):
    response = get(client, f"/api/zones.geojson?{query}")
    assert response.status_code == 400
    assert response.json()["field"] == field


def test_it_serves_one_zone(client):
    response = get(client, "/api/zones/counter-fire-kharkiv.geojson")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    feature = json.loads(response.content)
    assert feature["type"] == "Feature"
    assert feature["id"] == "counter-fire-kharkiv"
    assert set(feature["properties"]) >= PROPERTIES
    assert ring_is_ccw(feature["geometry"]["coordinates"][0][0])
    # A zone of an earlier policy is still published, so it is still served.
    assert get(client, "/api/zones/russia-before.geojson").status_code == 200
    light = get(client, "/api/zones/deep-strike-russia.geojson?simplify=2000")
    assert len(light.content) < len(get(client, "/api/zones/deep-strike-russia.geojson").content)


@pytest.mark.parametrize(
    "slug", ["nope", "UKRAINE", "ukraine%00", "%27%20OR%201%3D1", "x" * 300, "%C3%BCber"]
)
def test_it_answers_an_unknown_zone_with_a_json_404(client, slug):
    response = get(client, f"/api/zones/{slug}.geojson")
    assert response.status_code == 404
    assert response.json()["field"] == "slug"


@pytest.fixture
def hidden_zones():
    """An unpublished zone, a draft copy, and a 'published' draft, all over Minsk."""
    policy = Policy.objects.get(slug="counter-fire-kharkiv")
    ukraine = Zone.objects.get(slug="ukraine")
    common = {"kind": "ukraine", "status": "permitted", "policy": policy}
    zones = [
        Zone.objects.create(
            slug="hidden-unpublished", name="Unpublished", published=False, **common,
            geom=box(27, 53.5, 28.2, 54.2),
        ),
        Zone.objects.create(
            slug="hidden-draft", name="Draft of Ukraine", published=False, draft_of=ukraine,
            **common, geom=box(26.9, 53.4, 28.3, 54.3),
        ),
        Zone.objects.create(
            slug="hidden-published-draft", name="Published draft", published=True,
            draft_of=ukraine, **common, geom=box(26.8, 53.3, 28.4, 54.4),
        ),
    ]  # fmt: skip
    # The database cut them into lookup pieces like any zone: only the public rule hides them.
    assert ZonePiece.objects.filter(zone__in=zones).values("zone").distinct().count() == 3
    return zones


def test_unpublished_zones_and_drafts_never_appear(client, hidden_zones):
    assert Zone.objects.filter(slug__startswith="hidden-").count() == 3
    body = get(client, verdict_url(*MINSK)).json()
    assert body["status"] == "not_covered"
    assert body["nearby"] == []
    near = get(client, verdict_url(53.7, 29.5)).json()  # 10 km from none of today's zones
    assert all(not item["slug"].startswith("hidden-") for item in near["nearby"])
    for query in ("", "?bbox=26,53,29,55", "?kind=ukraine"):
        slugs = [f["id"] for f in collection(client, query)["features"]]
        assert not [slug for slug in slugs if slug.startswith("hidden-")], query
    for zone in hidden_zones:
        response = get(client, f"/api/zones/{zone.slug}.geojson")
        assert response.status_code == 404, zone.slug
    policies = get(client, "/api/policies").json()["policies"]
    listed = [z["slug"] for p in policies for z in p["zones"]]
    assert not [slug for slug in listed if slug.startswith("hidden-")]


def test_it_lists_the_policy_versions(client):
    response = get(client, "/api/policies")
    assert response.status_code == 200
    policies = response.json()["policies"]
    assert [p["slug"] for p in policies] == [
        "within-ukraine-only",
        "counter-fire-kharkiv",
        "counter-fire-kharkiv-sumy",
        "counter-fire-across-border",
        "atacms-kursk",
        "pentagon-approval",
        "restriction-lifted-denied",
    ]
    before, first = policies[:2]
    assert before["effective_from"] is None and before["effective_to"] == "2024-05-30"
    assert first["effective_from"] == "2024-05-30" and first["effective_to"] == "2024-05-31"
    assert [p["slug"] for p in policies if p["in_force"]] == ["pentagon-approval"]
    assert first["summary"] and first["title"] and first["changes"]
    assert first["sources"] and all("publisher" in s for s in first["sources"])
    assert [a["slug"] for a in first["assumptions"]] == ["policy-date"]
    assert sorted(z["slug"] for z in first["zones"]) == TODAY_SLUGS
    assert {p["confidence"] for p in policies} == {"on_record", "reported", "disputed"}
    assert all(p["government"] == "United States" for p in policies)
    assert policies[-1]["confidence"] == "disputed" and not policies[-1]["zones"]
    assert response.json()["known_as_of"] == "2025-10-23"
    # Each weapon names its supplier, so other suppliers' policies can be added as data.
    weapons = {w["slug"]: w for w in response.json()["weapons"]}
    assert set(weapons) == {"gmlrs", "atacms"}
    assert {w["supplier"] for w in weapons.values()} == {"United States"}
    assert weapons["atacms"]["range_km"] == 300


def test_a_simplified_shape_is_written_with_the_places_its_tolerance_leaves_meaningful(client):
    """Digits finer than a fifth of the tolerance are noise on the wire: 600 m gives 3 places
    (about 111 m), 20 km 2, and the unsimplified export keeps 6 (about 0.1 m)."""
    from mapsite.api.geojson import coordinate_digits

    assert [coordinate_digits(m) for m in (0, 20, 500, 600, 5000, 20000)] == [6, 5, 4, 3, 3, 2]

    def places(body: bytes) -> int:
        numbers = re.findall(r"-?\d+\.(\d+)", json.dumps(json.loads(body)["geometry"]))
        return max(len(n) for n in numbers)

    url = "/api/zones/counter-fire-kharkiv.geojson"
    assert places(get(client, url).content) == 6
    assert places(get(client, f"{url}?simplify=600").content) == 3
