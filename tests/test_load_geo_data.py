"""manage.py load_geo_data: one transaction, idempotent, keeps editors' changes."""

import json
import re
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from mapsite.zones import bundled_files, loader
from mapsite.zones.models import DataVersion, Place, ReferenceFeature, Source, Zone

ROOT = Path(__file__).resolve().parent.parent


def run(*args) -> str:
    out = StringIO()
    call_command("load_geo_data", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def data_copy(tmp_path):
    """A copy of geo_data/ that a test may break."""
    for part in ("layers", "policy", "source"):
        shutil.copytree(ROOT / "geo_data" / part, tmp_path / part)
    return tmp_path


@pytest.mark.django_db
def test_a_rerun_changes_nothing():
    version = DataVersion.objects.get().version
    assert run().strip() == "load_geo_data: nothing to change"
    assert DataVersion.objects.get().version == version


@pytest.mark.django_db
def test_it_keeps_a_zone_an_editor_changed_unless_reset():
    Zone.objects.filter(slug="counter-fire-kharkiv").update(name="Edited by hand", edited=True)
    output = run()
    assert "kept editor's changes to zone counter-fire-kharkiv" in output
    assert Zone.objects.get(slug="counter-fire-kharkiv").name == "Edited by hand"
    run("--reset")
    zone = Zone.objects.get(slug="counter-fire-kharkiv")
    assert (zone.name, zone.edited) == ("Counter-fire area near Kharkiv", False)


@pytest.mark.django_db
def test_it_leaves_a_zone_an_editor_deleted_unless_reset():
    area = Zone.objects.get(slug="counter-fire-kharkiv").area_km2
    Zone.objects.get(slug="counter-fire-kharkiv").delete()
    assert "left zone counter-fire-kharkiv deleted" in run()
    assert not Zone.objects.filter(slug="counter-fire-kharkiv").exists()
    assert "created 1 zones" in run("--reset")
    zone = Zone.objects.get(slug="counter-fire-kharkiv")
    assert zone.area_km2 == pytest.approx(area)
    assert zone.pieces.count() > 0


@pytest.mark.django_db
def test_it_restores_a_zone_missing_without_a_recorded_deletion():
    Zone.objects.filter(slug="counter-fire-kharkiv").delete()
    Zone.history.filter(slug="counter-fire-kharkiv").delete()
    assert "created 1 zones" in run()
    assert Zone.objects.get(slug="counter-fire-kharkiv").pieces.count() > 0


@pytest.mark.django_db
def test_a_missing_file_names_the_file_and_loads_nothing(data_copy):
    (data_copy / "layers" / "oblasts.geojson").unlink()
    Source.objects.all().delete()
    with pytest.raises(loader.LoadError, match=r"oblasts\.geojson: file is missing"):
        loader.load(data_dir=data_copy)
    assert not Source.objects.exists()


@pytest.mark.django_db
def test_a_malformed_feature_is_named_and_nothing_is_half_loaded(data_copy):
    path = data_copy / "layers" / "oblasts.geojson"
    doc = json.loads(path.read_text())
    bow_tie = [[36, 50], [37, 51], [36, 51], [37, 50], [36, 50]]
    doc["features"][2]["geometry"] = {"type": "MultiPolygon", "coordinates": [[bow_tie]]}
    path.write_text(json.dumps(doc))
    ReferenceFeature.objects.filter(layer="country").delete()
    places = Place.objects.count()
    Place.objects.all().delete()
    with pytest.raises(
        loader.LoadError,
        match=r"oblasts\.geojson feature 2 \(ua-\w+\) has an invalid geometry: Self-intersection",
    ):
        loader.load(data_dir=data_copy)
    assert not ReferenceFeature.objects.filter(layer="country").exists()
    assert Place.objects.count() == 0 < places


@pytest.mark.django_db
def test_broken_json_gives_a_clear_command_error(data_copy):
    (data_copy / "policy" / "policy.json").write_text("{not json")
    with pytest.raises(CommandError, match=r"nothing was loaded: .*policy\.json: not valid JSON"):
        call_command("load_geo_data", data_dir=str(data_copy))


@pytest.mark.django_db
def test_a_quote_that_is_not_in_the_report_is_refused(data_copy):
    path = data_copy / "policy" / "policy.json"
    doc = json.loads(path.read_text())
    doc["sources"][0]["quote"] = "Words the report never printed."
    path.write_text(json.dumps(doc))
    with pytest.raises(loader.LoadError, match="politico-permission quotes words"):
        loader.load(data_dir=data_copy)


def _edit_policy(data_copy, change) -> None:
    path = data_copy / "policy" / "policy.json"
    doc = json.loads(path.read_text())
    change(doc)
    path.write_text(json.dumps(doc))


def _item(items: list, slug: str) -> dict:
    return next(item for item in items if item["slug"] == slug)


def _zone_count() -> int:
    from mapsite.zones.models import Zone

    return Zone.objects.count()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "change, message",
    [
        (
            lambda d: _item(d["sources"], "carpenter-northern-border").update(
                quote="Words no stored page holds."
            ),
            "carpenter-northern-border quotes words that are not in the stored copy of "
            "https://kyivindependent.com/",
        ),
        (
            lambda d: _item(d["sources"], "trump-fake-news").update(url="https://example.org/x"),
            "trump-fake-news has no stored copy of 'https://example.org/x'",
        ),
        (
            lambda d: _item(d["sources"], "reuters-glide-bombs").pop("url"),
            "reuters-glide-bombs has no stored copy of None in geo_data/source/later or "
            "geo_data/source/report-copies",
        ),
        (
            # In report.txt, but not in the stored page its address names.
            lambda d: _item(d["sources"], "politico-permission").update(
                url=_item(d["sources"], "reuters-launchers")["url"]
            ),
            "politico-permission quotes words that are not in the stored copy of "
            "https://kdal610.com/",
        ),
        (
            lambda d: _item(d["policies"], "atacms-kursk").update(effective_to="2025-07-01"),
            "policy versions atacms-kursk and pentagon-approval overlap",
        ),
        (
            lambda d: _item(d["policies"], "counter-fire-kharkiv-sumy").update(sources=[]),
            "policy version counter-fire-kharkiv-sumy cites no report",
        ),
        (
            lambda d: _item(d["policies"], "counter-fire-across-border").update(
                sources=["note-band-not-geography"]
            ),
            "policy version counter-fire-across-border cites no report",
        ),
        (
            lambda d: _item(d["policies"], "pentagon-approval").pop("confidence"),
            "policy version pentagon-approval has confidence None; expected one of: on_record,",
        ),
        (
            lambda d: _item(d["policies"], "atacms-kursk").update(confidence="rumoured"),
            "policy version atacms-kursk has confidence 'rumoured'",
        ),
        (
            lambda d: _item(d["sources"], "note-kursk-only-named").update(quote="Kursk first."),
            "source note-kursk-only-named is of kind 'editorial' and cannot quote anyone",
        ),
        (
            lambda d: _item(d["zones"], "border-band-2024-06-17").update(depth_km=5000),
            "zone border-band-2024-06-17 gives both depth_km and depth_from",
        ),
        (
            lambda d: _item(d["assumptions"], "gmlrs-range").update(value=5000),
            ": The depth must be more than 0 and at most 2000 km",
        ),
        (
            lambda d: _item(d["zones"], "counter-fire-kharkiv-sumy").update(
                border_oblasts="ua-kharkiv,ua-atlantis"
            ),
            "zone counter-fire-kharkiv-sumy: No reference oblast ua-atlantis",
        ),
    ],
)
def test_a_bad_policy_file_is_refused_by_name_and_nothing_is_loaded(data_copy, change, message):
    from mapsite.zones.models import Zone

    Zone.objects.filter(slug="counter-fire-kharkiv").update(name="Kept as it was")
    zones = _zone_count()
    _edit_policy(data_copy, change)
    with pytest.raises(loader.LoadError, match=re.escape(message)):
        loader.load(data_dir=data_copy, reset=True)
    assert _zone_count() == zones
    assert Zone.objects.get(slug="counter-fire-kharkiv").name == "Kept as it was"


def test_every_quote_is_in_the_stored_copy_at_its_address():
    """Each quote, of the report or a later one, word for word in the excerpt stored with its
    address (the report's quotes are also checked against report.txt)."""
    doc = json.loads((ROOT / "geo_data/policy/policy.json").read_text())
    copies = bundled_files.stored_copies(ROOT / "geo_data/source/later")
    copies.update(bundled_files.stored_copies(ROOT / "geo_data/source/report-copies"))
    quoted = [s for s in doc["sources"] if s["kind"] in ("report", "later-report")]
    assert len([s for s in quoted if s["kind"] == "later-report"]) >= 20
    assert len([s for s in quoted if s["kind"] == "report"]) == 12
    for source in quoted:
        assert source["url"] in copies, source["slug"]
        assert bundled_files.normalise_quote(source["quote"]) in copies[source["url"]], source[
            "slug"
        ]
        assert len(source["quote"]) <= 320 and "\n" not in source["quote"], source["slug"]  # short


@pytest.mark.django_db
def test_every_band_takes_its_depth_from_the_gmlrs_reach_written_once(data_copy):
    """The bands' depth is the GMLRS reach assumption's value; change it once, all follow."""
    from mapsite.zones.models import Zone

    doc = json.loads((ROOT / "geo_data/policy/policy.json").read_text())
    bands = [z["slug"] for z in doc["zones"] if z["derivation"] == "within-depth"]
    assert len(bands) == 5
    assert all(_item(doc["zones"], slug)["depth_from"] == "gmlrs-range" for slug in bands)
    assert not any("depth_km" in _item(doc["zones"], slug) for slug in bands)
    _edit_policy(data_copy, lambda d: _item(d["assumptions"], "gmlrs-range").update(value=60))
    loader.load(data_dir=data_copy, reset=True)
    assert set(Zone.objects.filter(slug__in=bands).values_list("depth_km", flat=True)) == {60}


@pytest.mark.django_db
def test_history_says_a_loaded_version_and_source_came_from_the_bundled_data():
    from mapsite.zones.models import Policy, Source

    for model, slug in [(Policy, "atacms-kursk"), (Source, "trump-fake-news")]:
        first = model.history.filter(slug=slug).earliest("history_date")
        assert first.history_change_reason == loader.LOADED, (model, slug)
