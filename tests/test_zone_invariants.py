"""A zone's invariants hold for any write: the admin's, a shell's, a queryset's, raw SQL."""

import pytest
from django.db import connection

from mapsite.zones import editing, loader
from mapsite.zones.models import Source, Zone
from tests.admin_fixtures import *  # noqa: F403
from tests.admin_fixtures import change_url, client_for, form_data, post, zone

pytestmark = pytest.mark.django_db


def test_a_shell_edit_bumps_the_version_and_marks_the_zone_edited():
    counter_fire = zone("counter-fire-kharkiv")
    assert (counter_fire.version, counter_fire.edited) == (1, False)
    counter_fire.name = "Counter-fire area (shell)"
    counter_fire.save()
    assert (counter_fire.version, counter_fire.edited) == (2, True)
    stored = zone("counter-fire-kharkiv")
    assert (stored.version, stored.edited) == (2, True)
    assert stored.history.first().version == 2  # history records what was stored


def test_load_geo_data_keeps_a_shell_edit():
    counter_fire = zone("counter-fire-kharkiv")
    counter_fire.name = "Counter-fire area (shell)"
    counter_fire.save()
    report = loader.load()
    assert "counter-fire-kharkiv" in report.kept_edited
    assert zone("counter-fire-kharkiv").name == "Counter-fire area (shell)"


def test_load_geo_data_keeps_a_queryset_update_and_a_raw_sql_edit():
    Zone.objects.filter(slug="ukraine").update(description="Edited by a script.")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE zones_zone SET name = 'Russia (SQL)' WHERE slug = 'russia-before'")
    assert zone("ukraine").version == 2 and zone("ukraine").edited
    assert zone("russia-before").version == 2 and zone("russia-before").edited
    loader.load()
    assert zone("ukraine").description == "Edited by a script."
    assert zone("russia-before").name == "Russia (SQL)"


def test_a_change_to_a_zone_s_links_alone_marks_it_edited():
    extra = Source.objects.get(slug="reuters-glide-bombs")
    zone("counter-fire-kharkiv").sources.add(extra)
    assert zone("counter-fire-kharkiv").edited
    loader.load()
    assert zone("counter-fire-kharkiv").sources.filter(pk=extra.pk).exists()


def test_a_stale_shell_copy_is_refused_with_the_editors_message(other_editor):
    stale = zone("counter-fire-kharkiv")
    theirs = zone("counter-fire-kharkiv")
    theirs.description = "Their wording."
    editing.save_zone(theirs, other_editor)
    stale.depth_km = 60
    with pytest.raises(editing.EditConflict, match="changed by other-editor at"):
        stale.save()
    assert zone("counter-fire-kharkiv").depth_km == 84
    assert zone("counter-fire-kharkiv").description == "Their wording."


def test_a_form_opened_before_a_shell_edit_is_refused(editor):
    counter_fire = zone("counter-fire-kharkiv")
    data = form_data(counter_fire, depth_km=60)  # opened at version 1
    shell = zone("counter-fire-kharkiv")
    shell.name = "Counter-fire area (shell)"
    shell.save()
    response = post(client_for(editor), change_url(counter_fire), data)
    assert response.status_code == 200
    assert "after you opened it" in response.content.decode()
    stored = zone("counter-fire-kharkiv")
    assert (stored.depth_km, stored.name) == (84, "Counter-fire area (shell)")


def test_the_database_measures_the_area_and_cuts_the_pieces_of_any_new_shape():
    ukraine = zone("ukraine")
    before = ukraine.area_km2
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE zones_zone SET geom = ST_Multi(ST_MakeEnvelope(30, 48, 31, 49, 4326)) "
            "WHERE slug = 'ukraine'"
        )
    ukraine.refresh_from_db()
    assert before > 500_000 and 7_000 < ukraine.area_km2 < 9_000  # 1° x 1° near 48.5° N
    pieces = ukraine.pieces.all()
    assert len(pieces) == 1 and pieces[0].geom.extent == (30.0, 48.0, 31.0, 49.0)


def test_a_save_that_changes_nothing_keeps_the_version():
    counter_fire = zone("counter-fire-kharkiv")
    counter_fire.save()
    assert zone("counter-fire-kharkiv").version == 1


def test_the_history_says_a_change_came_from_the_bundled_data():
    record = zone("border-band-2024-06-17").history.earliest()
    assert record.history_user is None
    assert record.history_change_reason == loader.LOADED


def test_editors_see_the_rules_and_parameters_in_the_zone_form(editor):
    html = client_for(editor).get(change_url(zone("kursk-atacms-2025-06-01"))).content.decode()
    for field in ("condition", "approval", "border_oblasts", "permitted_weapons"):
        assert f'name="{field}"' in html, field
    assert 'value="ru-kursk" selected' in html  # the oblast it is cut from
    assert html.index('name="geom"') < html.index('name="slug"')  # the map comes first
