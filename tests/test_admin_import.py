"""Importing zones from GeoJSON: the whole file is checked first, and nothing reaches GDAL."""

import json
import os
import subprocess
import sys

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from mapsite.zones import importer
from mapsite.zones.models import Zone
from tests.admin_fixtures import *  # noqa: F403
from tests.admin_fixtures import (
    BOW_TIE,
    as_file,
    client_for,
    collection,
    feature,
    get,
    make_user,
    polygon,
    post,
    zone,
)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
POLICY = "counter-fire-kharkiv"
VORONEZH_SQUARE = [[[40.0, 52.0], [40.2, 52.0], [40.2, 52.2], [40.0, 52.2], [40.0, 52.0]]]
# An integer longer than Python's int/str digit limit (4,300): json raises a bare ValueError.
HUGE_INTEGER = (
    b'{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}, '
    b'"geometry": {"type": "Polygon", "coordinates": [[[' + b"1" * 5000 + b", 50]]]}}]}"
)


def good_file() -> dict:
    return collection(
        feature("belgorod-square", permitted_weapons=["gmlrs"], sources=["politico-near-kharkiv"]),
        feature(
            "voronezh-square", polygon(VORONEZH_SQUARE), kind="deep-strike", status="prohibited"
        ),
    )


def refused(doc, **options) -> list[str]:
    with pytest.raises(importer.ImportRefused) as info:
        importer.import_zones(as_file(doc), **{"policy": POLICY, **options})
    return info.value.problems


def zone_count() -> int:
    return Zone.objects.count()


@pytest.mark.django_db
def test_it_imports_a_good_file_as_drafts_by_default(editor):
    report = importer.import_zones(as_file(good_file()), policy=POLICY, user=editor)
    assert report.drafts == ["belgorod-square", "voronezh-square"]
    square = zone("belgorod-square")
    assert square.is_draft and square.derivation == "drawn" and square.area_km2 > 0
    assert [w.slug for w in square.permitted_weapons.all()] == ["gmlrs"]
    assert square.history.first().history_user == editor
    assert not Zone.objects.public().filter(slug__in=["belgorod-square", "voronezh-square"])
    assert zone("deep-strike-russia").version == 1


@pytest.mark.django_db
def test_it_publishes_at_once_when_asked(editor):
    report = importer.import_zones(as_file(good_file()), policy=POLICY, publish=True, user=editor)
    assert report.created == ["belgorod-square", "voronezh-square"]
    assert Zone.objects.public().filter(slug="voronezh-square").exists()
    remainder = zone("deep-strike-russia")
    assert remainder.version == 2  # regrown once for the whole import


@pytest.mark.django_db
def test_a_feature_matching_a_published_zone_becomes_its_draft_or_changes_it():
    doc = collection(feature("counter-fire-kharkiv", name="Redrawn counter-fire area"))
    report = importer.import_zones(as_file(doc), policy=POLICY)
    assert report.drafts == ["counter-fire-kharkiv-draft (draft of counter-fire-kharkiv)"]
    draft = zone("counter-fire-kharkiv-draft")
    assert draft.draft_of == zone("counter-fire-kharkiv") and draft.based_on_version == 1
    assert {w.slug for w in draft.permitted_weapons.all()} == {"gmlrs"}  # kept from the original
    assert zone("counter-fire-kharkiv").derivation == "within-depth"

    Zone.objects.filter(pk=draft.pk).delete()
    report = importer.import_zones(as_file(doc), policy=POLICY, publish=True)
    assert report.updated == ["counter-fire-kharkiv"]
    changed = zone("counter-fire-kharkiv")
    assert changed.name == "Redrawn counter-fire area" and changed.derivation == "drawn"
    assert changed.version == 2 and changed.area_km2 < 1000


@pytest.mark.django_db
def test_one_bad_feature_means_nothing_is_stored_and_the_report_names_it():
    doc = good_file()
    doc["features"].append(feature("bow-tie", polygon(BOW_TIE), name="Bow tie"))
    before = zone_count()
    problems = refused(doc)
    assert problems == [
        "feature 2 (slug 'bow-tie', name 'Bow tie'): the geometry is invalid: the outline "
        "crosses itself near lon 36.60000, lat 50.80000"
    ]
    assert zone_count() == before


@pytest.mark.django_db
def test_the_report_names_every_bad_feature_and_why():
    unclosed = [[[36.5, 50.7], [36.7, 50.7], [36.7, 50.9], [36.5, 50.9]]]
    doc = collection(
        feature("ok"),
        {"type": "Feature", "properties": {"slug": "no-name"}, "geometry": polygon()},
        feature("bad-kind", kind="airspace", status="maybe"),
        feature("unclosed", polygon(unclosed)),
        feature("ok"),
        feature("elsewhere", policy="no-such-policy"),
        feature("odd-links", permitted_weapons=["howitzer"]),
        {"type": "Feature", "geometry": polygon()},
    )
    problems = refused(doc)
    assert "feature 1 (slug 'no-name'): property 'name' is missing" in problems
    assert "feature 1 (slug 'no-name'): property 'kind' is missing" in problems
    assert any(
        p.startswith("feature 2 (slug 'bad-kind'") and "unknown kind 'airspace'" in p
        for p in problems
    )
    assert any("unknown status 'maybe'" in p for p in problems)
    assert any(
        p.startswith("feature 3 (slug 'unclosed'") and "ring 1 is not closed" in p for p in problems
    )
    assert any(
        p.startswith("feature 4 (slug 'ok'") and "also used by feature 0" in p for p in problems
    )
    assert any(
        p.startswith("feature 5") and "says policy 'no-such-policy' but the import is for" in p
        for p in problems
    )
    assert any(
        p.startswith("feature 6") and "'permitted_weapons' names unknown howitzer" in p
        for p in problems
    )
    assert "feature 7: has no 'properties' object" in problems
    assert not Zone.objects.filter(slug="ok").exists()


@pytest.mark.django_db
def test_the_policy_can_come_from_the_features():
    doc = collection(feature("square", policy=POLICY))
    importer.import_zones(as_file(doc))
    assert zone("square").policy.slug == POLICY
    problems = refused(collection(feature("square-2")), policy=None)
    assert problems == [
        "feature 0 (slug 'square-2', name 'Square 2'): no policy: give one for the import or "
        "a 'policy' property"
    ]


@pytest.mark.django_db
def test_it_refuses_an_oversized_file_without_reading_it_all():
    data = json.dumps(good_file()).encode()
    stream = as_file(data)
    with pytest.raises(importer.ImportRefused, match="larger than the 100 bytes"):
        importer.import_zones(stream, policy=POLICY, max_bytes=100)
    assert stream.tell() == 101  # read one byte past the limit, no further


@pytest.mark.django_db
@pytest.mark.parametrize(
    "crs_at",
    ["top", "feature", "geometry", "properties"],
)
def test_it_refuses_a_crs_member_at_any_level(crs_at):
    crs = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3857"}}
    doc = good_file()
    target = {
        "top": doc,
        "feature": doc["features"][1],
        "geometry": doc["features"][1]["geometry"],
        "properties": doc["features"][1]["properties"],
    }[crs_at]
    target["crs"] = crs
    problems = refused(doc)
    assert len(problems) == 1
    assert "has a 'crs' member" in problems[0]
    assert "only WGS84 longitude/latitude GeoJSON without 'crs'" in problems[0]


@pytest.mark.django_db
def test_it_refuses_projected_coordinates():
    metres = [[[4e6, 6.5e6], [4.1e6, 6.5e6], [4.1e6, 6.6e6], [4e6, 6.5e6]]]
    problems = refused(collection(feature("mercator", polygon(metres))))
    assert "is outside longitude -180…180 / latitude -90…90" in problems[0]


@pytest.mark.django_db
def test_it_refuses_deep_nesting_early():
    geometry = polygon()
    for _ in range(25):
        geometry = {"type": "GeometryCollection", "geometries": [geometry]}
    problems = refused(collection(feature("deep", geometry)))
    assert problems == [
        "the file is nested more than 20 levels deep (nested geometry collections are refused)"
    ]


@pytest.mark.django_db
def test_it_survives_hostile_nesting_deeper_than_the_json_parser_allows():
    problems = refused(
        b'{"type": "FeatureCollection", "features": ' + b"[" * 50_000 + b"]" * 50_000 + b"}"
    )
    assert problems == ["the JSON is nested too deeply (more than 20 levels are refused)"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"this is not json", "not valid JSON: Expecting value at line 1, column 1"),
        (HUGE_INTEGER, "not valid JSON: a number has more than 4300 digits"),
        (b"\xff\xfe{}", "the file is not UTF-8 text (byte 0xff at position 0)"),
        (b"", "the file is empty"),
        (b"[]", "must be a GeoJSON FeatureCollection, not list"),
        (b'{"type": "Feature"}', "must be a GeoJSON FeatureCollection, not Feature"),
        (b'{"type": "FeatureCollection", "features": []}', "has no features"),
        (b'{"type": "FeatureCollection"}', "has no 'features' list"),
    ],
)
def test_it_names_what_is_wrong_with_the_file(data, message):
    problems = refused(data)
    assert len(problems) == 1 and message in problems[0], problems


@pytest.mark.django_db
def test_a_zone_that_is_a_draft_cannot_be_overwritten_by_an_import():
    importer.import_zones(as_file(collection(feature("proposal"))), policy=POLICY)
    problems = refused(collection(feature("proposal")))
    assert "zone 'proposal' is a draft; publish or delete it in the admin first" in problems[0]


# --- The management command -----------------------------------------------------------


@pytest.mark.django_db
def test_the_command_imports_drafts(tmp_path, capsys, editor):
    path = tmp_path / "zones.geojson"
    path.write_text(json.dumps(good_file()))
    call_command("import_zones", str(path), "--policy", POLICY, "--user", "editor")
    out = capsys.readouterr().out
    assert "import_zones: saved 2 draft(s) to review and publish" in out
    assert zone("belgorod-square").history.first().history_user == editor
    assert (
        zone("belgorod-square").history.first().history_change_reason
        == "Imported from zones.geojson"
    )


@pytest.mark.django_db
def test_the_command_publishes_with_publish(tmp_path):
    path = tmp_path / "zones.geojson"
    path.write_text(json.dumps(good_file()))
    call_command("import_zones", str(path), "--policy", POLICY, "--publish")
    assert Zone.objects.public().filter(slug="belgorod-square").exists()


@pytest.mark.django_db
def test_the_command_fails_naming_each_problem(tmp_path, capsys):
    doc = good_file()
    doc["features"][0]["geometry"] = polygon(BOW_TIE)
    path = tmp_path / "zones.geojson"
    path.write_text(json.dumps(doc))
    before = zone_count()
    with pytest.raises(CommandError, match="nothing was imported .* 1 problem"):
        call_command("import_zones", str(path), "--policy", POLICY)
    assert "feature 0 (slug 'belgorod-square'" in capsys.readouterr().err
    assert zone_count() == before


@pytest.mark.django_db
def test_the_command_refuses_an_oversized_file_before_opening_it(tmp_path, settings):
    settings.ZONE_IMPORT_MAX_BYTES = 50
    path = tmp_path / "zones.geojson"
    path.write_text(json.dumps(good_file()))
    with pytest.raises(CommandError):
        call_command("import_zones", str(path), "--policy", POLICY)


@pytest.mark.parametrize("data", [b"not json at all", HUGE_INTEGER])
def test_the_command_exits_non_zero_on_a_bad_file(tmp_path, data):
    path = tmp_path / "zones.geojson"
    path.write_bytes(data)
    result = subprocess.run(
        [sys.executable, "manage.py", "import_zones", str(path), "--policy", POLICY],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert "not valid JSON" in result.stderr and "nothing was imported" in result.stderr
    assert "Traceback" not in result.stderr


# --- The admin page -------------------------------------------------------------------


def upload(doc, name="zones.geojson") -> SimpleUploadedFile:
    data = doc if isinstance(doc, bytes) else json.dumps(doc).encode()
    return SimpleUploadedFile(name, data, content_type="application/geo+json")


@pytest.mark.django_db
def test_the_changelist_links_to_the_import_page(editor_client):
    html = get(editor_client, "/admin/zones/zone/").content.decode()
    assert 'href="/admin/zones/zone/import/"' in html
    page = get(editor_client, "/admin/zones/zone/import/")
    assert page.status_code == 200 and 'enctype="multipart/form-data"' in page.content.decode()


@pytest.mark.django_db
def test_the_admin_import_saves_drafts(editor_client):
    policy = zone("counter-fire-kharkiv").policy
    response = post(
        editor_client,
        "/admin/zones/zone/import/",
        {"file": upload(good_file()), "policy": policy.slug},
    )
    assert response.status_code == 302
    assert response["Location"] == "/admin/zones/zone/?state=draft"
    assert zone("belgorod-square").is_draft
    assert zone("belgorod-square").history.first().history_user.username == "editor"


@pytest.mark.django_db
def test_the_admin_import_shows_every_problem_and_stores_nothing(editor_client):
    doc = good_file()
    doc["features"][1]["geometry"] = {"type": "Point", "coordinates": [40.0, 52.0]}
    before = zone_count()
    response = post(
        editor_client, "/admin/zones/zone/import/", {"file": upload(doc), "policy": POLICY}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Nothing was imported" in html
    assert "feature 1 (slug &#x27;voronezh-square&#x27;, name &#x27;Voronezh Square&#x27;)" in html
    assert "the geometry is a Point" in html
    assert zone_count() == before


@pytest.mark.django_db
def test_the_admin_import_refuses_an_oversized_upload(editor_client, settings):
    settings.ZONE_IMPORT_MAX_BYTES = 200
    response = post(
        editor_client, "/admin/zones/zone/import/", {"file": upload(good_file()), "policy": POLICY}
    )
    assert response.status_code == 400
    assert "larger than the 200 bytes" in response.content.decode()


@pytest.mark.django_db
def test_the_admin_import_refuses_a_crs(editor_client):
    doc = {**good_file(), "crs": {"type": "name", "properties": {"name": "EPSG:3857"}}}
    response = post(
        editor_client, "/admin/zones/zone/import/", {"file": upload(doc), "policy": POLICY}
    )
    assert response.status_code == 400
    assert "has a &#x27;crs&#x27; member (crs)" in response.content.decode()


@pytest.mark.django_db
def test_the_admin_import_names_a_number_too_long_to_parse(editor_client):
    before = zone_count()
    response = post(
        editor_client, "/admin/zones/zone/import/", {"file": upload(HUGE_INTEGER), "policy": POLICY}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Nothing was imported" in html
    assert "not valid JSON: a number has more than 4300 digits" in html
    assert zone_count() == before


@pytest.mark.django_db
def test_the_admin_import_refuses_a_huge_upload_before_reading_it(editor_client, settings):
    settings.ZONE_IMPORT_MAX_BYTES = 200
    huge = json.dumps(good_file()).encode() + b" " * 200_000
    response = post(
        editor_client, "/admin/zones/zone/import/", {"file": upload(huge), "policy": POLICY}
    )
    assert response.status_code == 413
    assert "larger than the 200 bytes" in response.content.decode()
    assert not Zone.objects.filter(slug="belgorod-square").exists()


@pytest.mark.django_db
def test_the_import_page_keeps_its_url_name_and_asks_for_the_add_permission(staff_user):
    assert reverse("admin:zones_zone_import") == "/admin/zones/zone/import/"
    client = client_for(staff_user)
    assert get(client, "/admin/zones/zone/import/").status_code == 403
    response = post(client, "/admin/zones/zone/import/", {"file": upload(good_file())})
    assert response.status_code == 403
    assert not Zone.objects.filter(slug="belgorod-square").exists()


@pytest.mark.django_db
def test_publishing_an_import_needs_the_change_permission_too():
    adder = make_user("adder")
    adder.user_permissions.add(Permission.objects.get(codename="add_zone"))
    client = client_for(adder)
    assert get(client, "/admin/zones/zone/import/").status_code == 200
    data = {"file": upload(good_file()), "policy": POLICY, "publish": "on"}
    assert post(client, "/admin/zones/zone/import/", data).status_code == 403
    assert not Zone.objects.filter(slug="belgorod-square").exists()


@pytest.mark.django_db
def test_the_admin_import_checks_the_csrf_token(editor):
    client = Client(HTTP_HOST="127.0.0.1", enforce_csrf_checks=True)
    client.force_login(editor)
    response = post(
        client, "/admin/zones/zone/import/", {"file": upload(good_file()), "policy": POLICY}
    )
    assert response.status_code == 403
    assert not Zone.objects.filter(slug="belgorod-square").exists()
