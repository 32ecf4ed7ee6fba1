"""The history pages read well: who in words, a changed shape as a small map, and a revert
page that is read-only and says afterwards what it restored."""

import json
import re

import pytest
from django.contrib.messages import SUCCESS

from tests.admin_fixtures import *  # noqa: F403
from tests.admin_fixtures import change_url, form_data, get, post, zone


def history_url(obj) -> str:
    return f"/admin/zones/zone/{obj.pk}/history/"


def shape_diffs(html: str) -> dict:
    match = re.search(r'<script id="shape-diffs" type="application/json">(.*?)</script>', html)
    assert match, "the page hands over no shape diffs"
    return json.loads(match.group(1))


@pytest.mark.django_db
def test_a_load_is_named_as_the_bundled_data_never_none(editor_client):
    html = get(editor_client, history_url(zone("counter-fire-kharkiv"))).content.decode()
    cells = re.findall(r'<td class="history-by">(.*?)</td>', html, re.S)
    assert cells and all(cell.strip() == "Loaded from the bundled data" for cell in cells)
    assert "None" not in html
    assert "Loaded from the bundled data (geo_data/)" in html  # the reason, in "What"


@pytest.mark.django_db
def test_a_changed_shape_is_a_small_before_and_after_map_not_truncated_wkt(editor_client):
    counter_fire = zone("counter-fire-kharkiv")
    assert post(editor_client, change_url(counter_fire), form_data(counter_fire, depth_km=60))
    html = get(editor_client, history_url(counter_fire)).content.decode()
    assert "MULTIPOLYGON" not in html and "POLYGON" not in html
    assert "Depth km" in html
    cells = re.findall(r'<td class="history-by">(.*?)</td>', html, re.S)
    assert cells[0].strip() == "editor"
    assert {cell.strip() for cell in cells[1:]} == {"Loaded from the bundled data"}

    diffs = shape_diffs(html)
    assert len(diffs) == 1
    ((key, diff),) = diffs.items()
    assert f'data-shape-diff="{key}"' in html
    assert diff["before"] and diff["after"]
    assert all(len(ring) >= 4 and ring[0] == ring[-1] for ring in diff["before"] + diff["after"])
    # A 60 km band reaches less far north than the 84 km one it replaced.
    top = lambda rings: max(lat for ring in rings for _, lat in ring)  # noqa: E731
    assert top(diff["after"]) < top(diff["before"]) - 0.15
    # Small: the simplified outlines, not the full shapes.
    assert len(json.dumps(diff)) < 40_000
    assert "admin_zones/shape_diff." in html  # the script that draws it


@pytest.mark.django_db
def test_the_revert_page_shows_the_record_read_only(editor_client):
    counter_fire = zone("counter-fire-kharkiv")
    original = counter_fire.history.first()
    post(editor_client, change_url(counter_fire), form_data(counter_fire, depth_km=60))
    page = get(editor_client, f"{history_url(counter_fire)}{original.history_id}/")
    html = page.content.decode()
    for name in ("name", "slug", "depth_km", "condition", "description"):
        assert f'name="{name}"' not in html, f"{name} is editable"
    assert not re.search(r"<select[^>]*name=", html)
    assert '<div class="shown-value" id="id_depth_km">84.0</div>' in html
    assert '<ul class="shown-value" id="id_permitted_weapons"><li>GMLRS' in html
    assert "Counter-fire area near Kharkiv" in html
    assert "cannot be changed here" in html and 'value="Revert to this version"' in html
    assert re.search(r"\.modifiable = false", html), "the map can still be drawn on"
    assert 'name="loaded_version" value="2"' in html


@pytest.mark.django_db
def test_after_a_revert_the_message_names_the_zone_and_the_record(editor_client):
    counter_fire = zone("counter-fire-kharkiv")
    original = counter_fire.history.first()
    changed = post(
        editor_client, change_url(counter_fire), form_data(counter_fire, depth_km=60), follow=True
    )
    assert "was changed successfully" in changed.content.decode()  # an edit's own message
    revert_url = f"{history_url(counter_fire)}{original.history_id}/"
    response = post(editor_client, revert_url, {"loaded_version": "2"}, follow=True)
    assert response.redirect_chain[-1][0] == change_url(counter_fire)
    messages = [(m.level, str(m)) for m in response.context["messages"]]
    assert len(messages) == 1 and messages[0][0] == SUCCESS
    text = messages[0][1]
    assert text.startswith("Reverted “Counter-fire area near Kharkiv” to the version recorded on ")
    assert original.history_date.strftime("%-d %b %Y") in text
    assert "(version 1, loaded from the bundled data)" in text
    assert "changed successfully" not in text
    assert zone("counter-fire-kharkiv").depth_km == 84
