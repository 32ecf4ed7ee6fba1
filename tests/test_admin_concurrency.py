"""Concurrent edits: a save based on an old version is refused; nobody's work is overwritten."""

import threading

import pytest
from django.db import connection

from mapsite.zones import editing
from mapsite.zones.models import Zone
from tests.admin_fixtures import *  # noqa: F403
from tests.admin_fixtures import change_url, client_for, form_data, get, make_user, post, zone


@pytest.mark.django_db
def test_it_refuses_a_save_from_a_form_opened_before_someone_elses_save(
    editor_client, other_editor
):
    counter_fire = zone("counter-fire-kharkiv")
    page = get(editor_client, change_url(counter_fire))
    assert 'name="loaded_version" value="1"' in page.content.decode()
    mine = form_data(counter_fire, depth_km=60)  # opened at version 1

    theirs = form_data(counter_fire, description="Their change.")
    assert post(client_for(other_editor), change_url(counter_fire), theirs).status_code == 302

    response = post(editor_client, change_url(counter_fire), mine)
    assert response.status_code == 200
    html = response.content.decode()
    assert "This zone was changed by other-editor at " in html
    assert "after you opened it; reload to see their changes — your edit was not saved." in html
    counter_fire.refresh_from_db()
    assert counter_fire.description == "Their change."
    assert counter_fire.depth_km == 84 and counter_fire.version == 2


@pytest.mark.django_db
def test_a_form_without_its_version_is_refused(editor_client):
    counter_fire = zone("counter-fire-kharkiv")
    data = form_data(counter_fire, depth_km=60)
    del data["loaded_version"]
    response = post(editor_client, change_url(counter_fire), data)
    assert response.status_code == 200
    assert "reload the page" in response.content.decode()
    assert zone("counter-fire-kharkiv").version == 1


@pytest.mark.django_db
def test_save_zone_itself_refuses_a_stale_version(other_editor):
    counter_fire = zone("counter-fire-kharkiv")
    theirs = zone("counter-fire-kharkiv")
    theirs.description = "Their wording."
    editing.save_zone(theirs, other_editor, expected_version=1)
    counter_fire.depth_km = 60
    with pytest.raises(editing.EditConflict, match="changed by other-editor at"):
        editing.save_zone(counter_fire, expected_version=1)
    assert zone("counter-fire-kharkiv").depth_km == 84


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_saves_of_the_same_version_let_exactly_one_through():
    """Two editors past the form check at once: the locked save lets one through."""
    from mapsite.zones import loader

    loader.load()
    user = make_user("racer")
    counter_fire = Zone.objects.get(slug="counter-fire-kharkiv")
    results: list[str] = []
    barrier = threading.Barrier(2)

    def save(depth: float) -> None:
        try:
            mine = Zone.objects.get(pk=counter_fire.pk)
            mine.depth_km = depth
            barrier.wait()
            editing.save_zone(mine, user, expected_version=1)
            results.append(f"saved {depth:g}")
        except editing.EditConflict:
            results.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(d,)) for d in (60, 70)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results)[0] == "refused" and len(results) == 2, results
    saved = Zone.objects.get(pk=counter_fire.pk)
    assert saved.version == 2
    assert f"saved {saved.depth_km:g}" in results
