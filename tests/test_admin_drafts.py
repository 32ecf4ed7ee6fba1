"""Drafts: saved beside the published zone, never public, published by copying onto it."""

import pytest

from mapsite.zones import editing, engine, snapshot
from mapsite.zones.models import Zone
from tests.admin_fixtures import *  # noqa: F403
from tests.admin_fixtures import change_url, form_data, get, polygon, post, zone
from tests.test_admin_editing import FIRST_DAY, NEAR_70_KM

DAY = "2024-05-30"


def public_zone_slugs(client) -> set[str]:
    response = get(client, f"/api/zones.geojson?date={DAY}")
    assert response.status_code == 200
    return {f["properties"]["slug"] for f in response.json()["features"]}


def public_verdict_zone(client, point) -> str:
    response = get(client, f"/api/verdict?lat={point.y}&lon={point.x}&date={DAY}")
    assert response.status_code == 200
    return response.json()["zone"]["slug"]


def save_as_draft(client, published: Zone, **changes) -> Zone:
    data = form_data(published, _save_draft="Save as draft", **changes)
    response = post(client, change_url(published), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    return Zone.objects.get(draft_of=published)


@pytest.mark.django_db
def test_save_as_draft_leaves_the_published_zone_and_the_public_map_alone(editor_client):
    counter_fire = zone("counter-fire-kharkiv")
    area = counter_fire.area_km2

    draft = save_as_draft(editor_client, counter_fire, depth_km=60, name="Narrower area")

    assert draft.slug == "counter-fire-kharkiv-draft"
    assert not draft.published and draft.based_on_version == 1
    assert draft.depth_km == 60 and draft.area_km2 < area  # the draft's own shape, for review
    assert {w.slug for w in draft.permitted_weapons.all()} == {"gmlrs"}  # links copied
    counter_fire.refresh_from_db()
    assert (counter_fire.depth_km, counter_fire.version, counter_fire.area_km2) == (84, 1, area)
    # Never public: not in the verdict engine, the published queryset, or the endpoints.
    snapshot.forget()
    assert draft.pk not in snapshot.current().zones
    assert not Zone.objects.public().filter(pk=draft.pk).exists()
    assert engine.verdict_at(NEAR_70_KM, day=FIRST_DAY)["zone"]["slug"] == "counter-fire-kharkiv"
    slugs = public_zone_slugs(editor_client)
    assert "counter-fire-kharkiv-draft" not in slugs and "counter-fire-kharkiv" in slugs
    assert public_verdict_zone(editor_client, NEAR_70_KM) == "counter-fire-kharkiv"
    draft_page = get(editor_client, "/api/zones/counter-fire-kharkiv-draft.geojson")
    assert draft_page.status_code == 404


@pytest.mark.django_db
def test_a_new_zone_saved_as_draft_is_never_public(editor_client):
    policy = zone("counter-fire-kharkiv").policy
    data = form_data(
        Zone(policy=policy, derivation="drawn"),
        slug="proposed-area",
        name="Proposed area",
        kind="counter-fire",
        status="prohibited",
        geom=polygon(),
        _save_draft="Save as draft",
    )
    response = post(editor_client, "/admin/zones/zone/add/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    proposed = zone("proposed-area")
    assert proposed.is_draft and proposed.draft_of is None
    # The square lies inside the counter-fire area; a published "prohibited" zone would win.
    square_centre = proposed.geom.centroid
    assert engine.verdict_at(square_centre, day=FIRST_DAY)["zone"]["slug"] == "counter-fire-kharkiv"
    assert zone("deep-strike-russia").version == 1  # the remainder ignores drafts
    assert "proposed-area" not in public_zone_slugs(editor_client)
    assert public_verdict_zone(editor_client, square_centre) == "counter-fire-kharkiv"


@pytest.mark.django_db
def test_publishing_a_draft_copies_it_onto_the_published_zone_and_deletes_it(editor_client):
    counter_fire = zone("counter-fire-kharkiv")
    draft = save_as_draft(editor_client, counter_fire, depth_km=60, permitted_weapons=[])

    data = form_data(draft, _publish="Publish draft")
    response = post(editor_client, change_url(draft), data)
    assert response.status_code == 302
    assert response["Location"] == change_url(counter_fire)

    assert not Zone.objects.filter(pk=draft.pk).exists()
    counter_fire.refresh_from_db()
    assert counter_fire.slug == "counter-fire-kharkiv"
    assert counter_fire.depth_km == 60 and counter_fire.version == 2 and counter_fire.edited
    assert counter_fire.permitted_weapons.count() == 0
    record = counter_fire.history.first()
    assert record.history_user.username == "editor"
    assert record.history_change_reason == "Published draft counter-fire-kharkiv-draft"
    assert engine.verdict_at(NEAR_70_KM, day=FIRST_DAY)["zone"]["slug"] == "deep-strike-russia"
    snapshot.forget()
    assert public_verdict_zone(editor_client, NEAR_70_KM) == "deep-strike-russia"


@pytest.mark.django_db
def test_publishing_a_new_draft_makes_it_public(editor_client, editor):
    policy = zone("counter-fire-kharkiv").policy
    proposed = Zone(
        slug="proposed",
        name="Proposed",
        kind="deep-strike",
        status="prohibited",
        policy=policy,
        published=False,
        geom=None,
    )
    voronezh_square = [[[40.0, 52.0], [40.2, 52.0], [40.2, 52.2], [40.0, 52.2], [40.0, 52.0]]]
    proposed.geom = editing.validation.clean_zone_geometry(
        editing.validation.geometry_from_geojson(polygon(voronezh_square))
    )
    editing.save_zone(proposed, editor)
    editing.publish_draft(proposed, editor)
    proposed.refresh_from_db()
    assert proposed.published and proposed.version == 2
    assert Zone.objects.public().filter(slug="proposed").exists()
    assert zone("deep-strike-russia").version == 2  # the remainder made room for it


@pytest.mark.django_db
def test_a_draft_is_not_published_over_a_newer_change(editor_client, other_editor):
    counter_fire = zone("counter-fire-kharkiv")
    draft = save_as_draft(editor_client, counter_fire, depth_km=60)
    # Someone else changes the published zone meanwhile.
    counter_fire.refresh_from_db()
    counter_fire.description = "Changed meanwhile."
    editing.save_zone(counter_fire, other_editor, expected_version=1)

    response = post(editor_client, change_url(draft), form_data(draft, _publish="Publish draft"))
    assert response.status_code == 302
    assert response["Location"] == change_url(draft)
    follow = get(editor_client, change_url(draft))
    assert "was changed by other-editor" in follow.content.decode()
    counter_fire.refresh_from_db()
    assert counter_fire.depth_km == 84 and counter_fire.description == "Changed meanwhile."
    assert Zone.objects.filter(pk=draft.pk).exists()


@pytest.mark.django_db
def test_the_publish_action_on_the_changelist(editor_client):
    counter_fire = zone("counter-fire-kharkiv")
    draft = save_as_draft(editor_client, counter_fire, depth_km=60)
    response = post(
        editor_client,
        "/admin/zones/zone/",
        {"action": "publish_drafts", "_selected_action": [draft.pk, counter_fire.pk]},
    )
    assert response.status_code == 302
    counter_fire.refresh_from_db()
    assert counter_fire.depth_km == 60
    assert not Zone.objects.filter(pk=draft.pk).exists()


@pytest.mark.django_db
def test_the_changelist_filters_drafts(editor_client):
    counter_fire = zone("counter-fire-kharkiv")
    save_as_draft(editor_client, counter_fire, depth_km=60)
    drafts = get(editor_client, "/admin/zones/zone/?state=draft").content.decode()
    published = get(editor_client, "/admin/zones/zone/?state=published").content.decode()
    assert "counter-fire-kharkiv-draft" in drafts and "deep-strike-russia" not in drafts
    assert "counter-fire-kharkiv-draft" not in published and "deep-strike-russia" in published
