"""Who may do what in the admin; CSRF; no spatial lookups from the query string."""

import json
import re

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from mapsite.zones import editing, permissions
from mapsite.zones.models import Zone
from tests.admin_fixtures import *  # noqa: F403
from tests.admin_fixtures import (
    HOST,
    change_url,
    client_for,
    collection,
    feature,
    form_data,
    get,
    make_user,
    post,
    zone,
)

PAGES = {
    "changelist": "/admin/zones/zone/",
    "change": "counter-fire-kharkiv",
    "add": "/admin/zones/zone/add/",
    "import": "/admin/zones/zone/import/",
    "history": "history",
    "policy": "/admin/zones/policy/",
}
EXPECTED = {"anonymous": 302, "plain staff": 403, "editor": 200, "superuser": 200}


def user_for(who: str):
    return {
        "anonymous": lambda: None,
        "plain staff": lambda: make_user("plain-staff"),
        "editor": lambda: make_user("editor", editor=True),
        "superuser": lambda: make_user("root", superuser=True),
    }[who]()


def url_for(page: str) -> str:
    counter_fire = zone("counter-fire-kharkiv")
    if page == "change":
        return change_url(counter_fire)
    if page == "history":
        return f"/admin/zones/zone/{counter_fire.pk}/history/"
    return PAGES[page]


@pytest.mark.django_db
@pytest.mark.parametrize("who", list(EXPECTED))
@pytest.mark.parametrize("page", list(PAGES))
def test_it_lets_only_editors_and_superusers_in(who, page):
    client = client_for(user_for(who))
    url = url_for(page)
    response = get(client, url)
    assert response.status_code == EXPECTED[who], (who, page)
    if who == "anonymous":
        assert response["Location"].startswith("/admin/login/?next=")


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["anonymous", "plain staff"])
def test_it_refuses_changes_and_imports_from_non_editors(who):
    client = client_for(user_for(who))
    counter_fire = zone("counter-fire-kharkiv")
    response = post(client, change_url(counter_fire), form_data(counter_fire, depth_km=60))
    assert response.status_code == EXPECTED[who]
    upload = SimpleUploadedFile("z.geojson", json.dumps(collection(feature("sneaky"))).encode())
    response = post(
        client, "/admin/zones/zone/import/", {"file": upload, "policy": "counter-fire-kharkiv"}
    )
    assert response.status_code == EXPECTED[who]
    assert zone("counter-fire-kharkiv").depth_km == 84
    assert not Zone.objects.filter(slug="sneaky").exists()


@pytest.mark.django_db
def test_the_migration_made_the_zone_editors_group():
    group = Group.objects.get(name=permissions.EDITOR_GROUP)
    codenames = set(group.permissions.values_list("codename", flat=True))
    for model in permissions.EDITOR_MODELS:
        assert {f"add_{model}", f"change_{model}", f"view_{model}"} <= codenames
    # Deleting: zones and versions (drafts only, the admin sees to it), nothing else.
    assert {"delete_zone", "delete_policy"} <= codenames and "delete_source" not in codenames


@pytest.mark.django_db
def test_the_create_editor_command_makes_a_staff_editor(capsys):
    from django.core.management import call_command

    call_command("create_editor", "newbie", "--no-password")
    user = Group.objects.get(name=permissions.EDITOR_GROUP).user_set.get(username="newbie")
    assert user.is_staff and not user.is_superuser and not user.has_usable_password()
    assert "create_editor: created newbie" in capsys.readouterr().out


@pytest.mark.django_db
def test_editors_delete_drafts_but_not_published_zones(editor_client, editor):
    counter_fire = zone("counter-fire-kharkiv")
    draft = editing.save_as_draft(zone("counter-fire-kharkiv"), editor)
    assert get(editor_client, f"/admin/zones/zone/{counter_fire.pk}/delete/").status_code == 403
    response = post(editor_client, f"/admin/zones/zone/{draft.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Zone.objects.filter(pk=draft.pk).exists()
    # The bulk action refuses too when the selection holds a published zone.
    response = post(
        editor_client,
        "/admin/zones/zone/",
        {"action": "delete_selected", "_selected_action": [counter_fire.pk], "post": "yes"},
    )
    assert response.status_code == 403
    assert Zone.objects.filter(pk=counter_fire.pk).exists()


@pytest.mark.django_db
def test_a_superuser_may_delete_a_published_zone_and_the_remainder_regrows(superuser):
    counter_fire = zone("counter-fire-kharkiv")
    remainder_area = zone("deep-strike-russia").area_km2
    response = post(
        client_for(superuser), f"/admin/zones/zone/{counter_fire.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 302
    assert not Zone.objects.filter(slug="counter-fire-kharkiv").exists()
    assert zone("deep-strike-russia").area_km2 > remainder_area


@pytest.mark.django_db
def test_csrf_is_enforced(editor):
    client = Client(enforce_csrf_checks=True, HTTP_HOST=HOST)
    client.force_login(editor)
    counter_fire = zone("counter-fire-kharkiv")
    data = form_data(counter_fire, depth_km=60)
    assert post(client, change_url(counter_fire), data).status_code == 403
    assert zone("counter-fire-kharkiv").depth_km == 84

    page = get(client, change_url(counter_fire))
    token = page.context["csrf_token"]
    response = post(client, change_url(counter_fire), {**data, "csrfmiddlewaretoken": str(token)})
    assert response.status_code == 302
    assert zone("counter-fire-kharkiv").depth_km == 60

    upload = SimpleUploadedFile("z.geojson", json.dumps(collection(feature("x"))).encode())
    response = post(client, "/admin/zones/zone/import/", {"file": upload})
    assert response.status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [
        "geom__intersects=POINT(36.6 50.8)",
        'geom__intersects={"type":"Point","coordinates":[36.6,50.8],"crs":{"type":"name",'
        '"properties":{"name":"EPSG:4326"}}}',
        "geom=SRID=3857;POINT(0 0)",
        "geom__dwithin=POINT(0 0),1",
        "pieces__geom__intersects=POINT(36.6 50.8)",
        "description__regex=(a+)+$",
    ],
)
def test_it_never_filters_on_lookups_from_the_query_string(editor_client, query):
    response = get(editor_client, f"/admin/zones/zone/?{query}")
    assert response.status_code == 400  # DisallowedModelAdminLookup: refused, never a 500


@pytest.mark.django_db
def test_the_list_filters_and_search_still_work(editor_client):
    policy = zone("counter-fire-kharkiv").policy
    html = get(
        editor_client, f"/admin/zones/zone/?policy__id__exact={policy.pk}&kind=counter-fire"
    ).content.decode()
    assert "counter-fire-kharkiv" in html and "deep-strike-russia" not in html
    html = get(editor_client, "/admin/zones/zone/?q=beyond").content.decode()
    found = re.findall(r'class="zone-slug">([^<]+)<', html)
    assert "deep-strike-russia" in found and all(slug.startswith("deep-strike") for slug in found)
    for query in (
        "status__exact=conditional",
        "published__exact=1",
        "state=draft",
        "derivation__exact=drawn",
    ):
        assert get(editor_client, f"/admin/zones/zone/?{query}").status_code == 200
