"""History: who changed what and when, viewable per zone and revertible from the admin."""

import pytest

from mapsite.zones import engine
from mapsite.zones.models import Policy, Source
from tests.admin_fixtures import *  # noqa: F403
from tests.admin_fixtures import change_url, client_for, form_data, get, post, zone
from tests.test_admin_editing import FIRST_DAY, NEAR_70_KM, pieces_area_km2, uncovered_area_km2


@pytest.mark.django_db
def test_every_change_is_recorded_with_who_and_when(editor_client, other_editor):
    counter_fire = zone("counter-fire-kharkiv")
    post(editor_client, change_url(counter_fire), form_data(counter_fire, depth_km=60))
    counter_fire.refresh_from_db()
    post(client_for(other_editor), change_url(counter_fire), form_data(counter_fire, depth_km=70))

    records = list(counter_fire.history.all()[:3])
    assert [(r.history_user and r.history_user.username, r.depth_km) for r in records] == [
        ("other-editor", 70),
        ("editor", 60),
        (None, 84),  # the data load
    ]
    assert records[0].history_date > records[1].history_date
    # The remainder's regrowth is recorded too, with who caused it.
    remainder_record = zone("deep-strike-russia").history.first()
    assert remainder_record.history_user.username == "other-editor"
    assert (
        remainder_record.history_change_reason == "Shape regenerated: counter-fire-kharkiv changed"
    )

    page = get(editor_client, f"/admin/zones/zone/{counter_fire.pk}/history/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "other-editor" in html and "editor" in html
    assert "Depth km" in html  # the changed field is listed


@pytest.mark.django_db
def test_a_revert_restores_the_zone_and_rebuilds_its_pieces(editor_client):
    counter_fire = zone("counter-fire-kharkiv")
    original_area = counter_fire.area_km2
    original_record = counter_fire.history.first()
    post(editor_client, change_url(counter_fire), form_data(counter_fire, depth_km=60))
    assert engine.verdict_at(NEAR_70_KM, day=FIRST_DAY)["zone"]["slug"] == "deep-strike-russia"

    revert_url = f"/admin/zones/zone/{counter_fire.pk}/history/{original_record.history_id}/"
    page = get(editor_client, revert_url)
    assert page.status_code == 200
    assert 'name="_save"' in page.content.decode() and "Revert" in page.content.decode()

    response = post(editor_client, revert_url, form_data(original_record.instance))
    assert response.status_code == 302, response.content.decode()[:3000]

    counter_fire.refresh_from_db()
    assert counter_fire.depth_km == 84 and counter_fire.version == 3
    assert counter_fire.area_km2 == pytest.approx(original_area, rel=1e-6)
    assert pieces_area_km2(counter_fire.pk) == pytest.approx(original_area, rel=1e-3)
    assert uncovered_area_km2(counter_fire.policy_id, "russia") < 1.0
    assert engine.verdict_at(NEAR_70_KM, day=FIRST_DAY)["zone"]["slug"] == "counter-fire-kharkiv"
    assert counter_fire.history.first().history_user.username == "editor"


@pytest.mark.django_db
def test_a_stale_revert_form_is_refused(editor_client, other_editor):
    counter_fire = zone("counter-fire-kharkiv")
    original_record = counter_fire.history.first()
    revert_url = f"/admin/zones/zone/{counter_fire.pk}/history/{original_record.history_id}/"
    stale = form_data(original_record.instance)  # the revert form as the editor opened it
    post(client_for(other_editor), change_url(counter_fire), form_data(counter_fire, depth_km=60))

    response = post(editor_client, revert_url, stale)
    assert response.status_code == 200
    assert "was changed by other-editor" in response.content.decode()
    assert zone("counter-fire-kharkiv").depth_km == 60


@pytest.mark.django_db
def test_policies_and_sources_keep_history_too(editor_client):
    policy = Policy.objects.get(slug="counter-fire-kharkiv")
    source = Source.objects.first()
    for obj in (policy, source):
        assert (
            get(editor_client, f"/admin/zones/{obj._meta.model_name}/{obj.pk}/history/").status_code
            == 200
        )
    source.note = "Checked again."
    source._history_user = None
    source.save()
    assert source.history.count() == 2


@pytest.mark.django_db
def test_a_change_to_weapons_is_one_recorded_change_and_reverts_too(editor_client):
    counter_fire = zone("counter-fire-kharkiv")
    original_record = counter_fire.history.first()
    records_before = counter_fire.history.count()
    data = form_data(counter_fire, permitted_weapons=[], description="No rockets after all.")
    assert post(editor_client, change_url(counter_fire), data).status_code == 302

    assert counter_fire.history.count() == records_before + 1
    latest = counter_fire.history.first()
    assert latest.permitted_weapons.count() == 0
    delta = latest.diff_against(original_record)
    assert {"permitted_weapons", "description"} <= set(delta.changed_fields)
    html = get(editor_client, f"/admin/zones/zone/{counter_fire.pk}/history/").content.decode()
    assert "Permitted weapons" in html

    revert_url = f"/admin/zones/zone/{counter_fire.pk}/history/{original_record.history_id}/"
    page = get(editor_client, revert_url)
    assert page.context["adminform"].form.initial["permitted_weapons"] == [
        w.pk for w in original_record.instance.permitted_weapons.model.objects.filter(slug="gmlrs")
    ]
    assert post(editor_client, revert_url, form_data(original_record.instance)).status_code == 302
    counter_fire.refresh_from_db()
    assert [w.slug for w in counter_fire.permitted_weapons.all()] == ["gmlrs"]
    assert counter_fire.history.count() == records_before + 2
