"""Draft policy versions: prepared in the admin with their zones, unseen by readers (map,
verdicts, exports, /api/policies, figures, `known_as_of`) until published in one step."""

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction

from mapsite.zones import editing, figures, snapshot
from mapsite.zones.admin_policy import PolicyForm
from mapsite.zones.models import Policy, Source, Zone
from mapsite.zones.validation import clean_zone_geometry, geometry_from_geojson
from tests.admin_fixtures import *  # noqa: F403
from tests.admin_fixtures import get, polygon, post, posted

ADD = "/admin/zones/policy/add/"
CURRENT = "pentagon-approval"  # open-ended since 1 June 2025
START = dt.date(2026, 3, 1)
LATER = "2026-06-01"
# A square near Voronezh: deep-strike (prohibited) under the current version.
SQUARE = [[[40.0, 52.0], [40.2, 52.0], [40.2, 52.2], [40.0, 52.2], [40.0, 52.0]]]
INSIDE = "lat=52.1&lon=40.1"


def read(client, path: str):
    snapshot.forget()
    response = get(client, path)
    assert response.status_code == 200, response.content[:300]
    return response.json()


def verdict(client, day: str = LATER) -> dict:
    return read(client, f"/api/verdict?{INSIDE}&date={day}")


def policy_slugs(client) -> list[str]:
    return [p["slug"] for p in read(client, "/api/policies")["policies"]]


@pytest.fixture
def newer_source():
    return Source.objects.create(
        slug="test-newer-report", kind="later-report", publisher="A test outlet",
        quote="A newer report.", date=dt.date(2026, 2, 1),
    )  # fmt: skip


@pytest.fixture
def draft(editor_client, editor, newer_source) -> Policy:
    """A new open-ended version saved as a draft in the admin, with one area of its own."""
    data = {
        "slug": "next-version", "title": "A next version", "summary": "Next.", "changes": "",
        "government": "United States", "confidence": "reported",
        "effective_from": START.isoformat(), "effective_to": "",
        "sources": [str(newer_source.pk)], "assumptions": [], "_save_draft": "Save as draft",
    }  # fmt: skip
    response = post(editor_client, ADD, data, follow=True)
    assert "Saved “A next version” as a draft version" in response.content.decode()
    policy = Policy.objects.get(slug="next-version")
    assert not policy.published and str(policy) == "A next version (draft)"
    area = Zone(
        slug="next-area", name="Next area", kind="counter-fire", status="permitted",
        policy=policy, geom=clean_zone_geometry(geometry_from_geojson(polygon(SQUARE))),
    )  # fmt: skip
    editing.save_zone(area, editor)
    return policy


def publish_data(policy: Policy) -> dict:
    return {**posted(PolicyForm(instance=policy)), "_publish": "Publish version"}


@pytest.mark.django_db
def test_a_draft_version_is_the_editors_alone(editor_client, draft):
    assert Zone.objects.get(slug="next-area").is_published  # in its version, not to readers
    assert not Zone.objects.public().filter(slug="next-area").exists()
    assert "next-version" not in policy_slugs(editor_client)
    answer = verdict(editor_client)
    assert answer["policy"]["slug"] == CURRENT and answer["status"] == "prohibited"
    assert "next-area" not in {area["slug"] for area in answer["areas"]}
    assert answer["known_as_of"] == "2025-10-23"  # the draft's newer source is not counted
    snapshot.forget()
    assert get(editor_client, "/api/zones/next-area.geojson").status_code == 404
    export = read(editor_client, f"/api/zones.geojson?date={LATER}")
    assert "next-area" not in {f["properties"]["slug"] for f in export["features"]}
    assert "A next version" not in get(editor_client, "/").content.decode()
    assert "next-version" not in {v["policy"] for v in figures.compute()["versions"]}


@pytest.mark.django_db
def test_publishing_a_draft_version_ends_the_open_one_and_goes_live_at_once(editor_client, draft):
    response = post(editor_client, f"/admin/zones/policy/{draft.pk}/change/", publish_data(draft))
    assert response.status_code == 302
    messages = get(editor_client, response.url).content.decode()
    assert "Published “A next version”." in messages
    assert "now ends on 1 March 2026." in messages
    draft.refresh_from_db()
    assert draft.published
    assert Policy.objects.get(slug=CURRENT).effective_to == START
    record = draft.history.first()
    assert record.history_change_reason == "Published" and record.history_user.username == "editor"

    assert policy_slugs(editor_client)[-1] == "next-version"  # in date order
    answer = verdict(editor_client)
    assert answer["policy"]["slug"] == "next-version" and answer["zone"]["slug"] == "next-area"
    assert answer["known_as_of"] == "2026-02-01"
    assert verdict(editor_client, "2026-02-28")["policy"]["slug"] == CURRENT


@pytest.mark.django_db
def test_a_draft_overlapping_a_bounded_version_is_saved_but_not_published(editor_client, draft):
    data = publish_data(draft)
    data.update(effective_from="2024-06-01", effective_to="2024-06-10")  # inside 31 May–17 June
    response = post(editor_client, f"/admin/zones/policy/{draft.pk}/change/", data, follow=True)
    html = response.content.decode()
    assert "“A next version” was not published: This period" in html
    assert "overlaps “Counter-fire permission along Kharkiv and Sumy oblasts”" in html
    draft.refresh_from_db()
    assert not draft.published and draft.effective_from == dt.date(2024, 6, 1)
    assert Policy.objects.get(slug="counter-fire-kharkiv-sumy").effective_to == dt.date(2024, 6, 17)
    assert "next-version" not in policy_slugs(editor_client)


@pytest.mark.django_db
def test_the_database_refuses_overlapping_applied_versions(draft):
    with pytest.raises(IntegrityError, match="policy_versions_do_not_overlap"):
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS policy_versions_do_not_overlap IMMEDIATE")
            Policy.objects.filter(pk=draft.pk).update(published=True)
    # Another government's policy may cover the same days.
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS policy_versions_do_not_overlap IMMEDIATE")
        Policy.objects.filter(pk=draft.pk).update(government="United Kingdom", published=True)


@pytest.mark.django_db
def test_editors_delete_draft_versions_only(editor_client, draft):
    current = Policy.objects.get(slug=CURRENT)
    assert get(editor_client, f"/admin/zones/policy/{current.pk}/delete/").status_code == 403
    Zone.objects.filter(policy=draft).delete()
    delete = f"/admin/zones/policy/{draft.pk}/delete/"
    assert post(editor_client, delete, {"post": "yes"}).status_code == 302
    assert not Policy.objects.filter(pk=draft.pk).exists()


@pytest.mark.django_db
def test_the_add_form_offers_a_draft_and_a_draft_offers_publishing(editor_client, draft):
    assert 'name="_save_draft"' in get(editor_client, ADD).content.decode()
    page = get(editor_client, f"/admin/zones/policy/{draft.pk}/change/").content.decode()
    assert 'name="_publish"' in page
    current = Policy.objects.get(slug=CURRENT)
    page = get(editor_client, f"/admin/zones/policy/{current.pk}/change/").content.decode()
    assert 'name="_publish"' not in page and 'name="_save_draft"' not in page
    listing = get(editor_client, "/admin/zones/policy/?published__exact=0").content.decode()
    assert "A next version" in listing and "Pentagon approval" not in listing


@pytest.mark.django_db
def test_reverting_a_published_version_to_its_draft_record_keeps_it_published(editor_client, draft):
    draft_record = draft.history.first()
    assert not draft_record.published
    publish = post(editor_client, f"/admin/zones/policy/{draft.pk}/change/", publish_data(draft))
    assert publish.status_code == 302
    draft.refresh_from_db()
    revert = f"/admin/zones/policy/{draft.pk}/history/{draft_record.history_id}/"
    response = post(editor_client, revert, {"loaded_version": str(draft.version)})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.published and draft.version > draft_record.version
    assert "next-version" in policy_slugs(editor_client)
