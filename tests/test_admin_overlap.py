"""A draft that overlaps a published area of its policy version saves with a warning that
names the area and the overlap, measured on the ellipsoid."""

import json
import re

import pytest
import shapely
from django.contrib.messages import SUCCESS, WARNING
from pyproj import Geod

from mapsite.zones.models import Policy, Zone
from tests.admin_fixtures import *  # noqa: F403
from tests.admin_fixtures import BELGOROD_SQUARE, change_url, form_data, polygon, post, zone

# Far inside Russia, beyond every counter-fire area: only the remainder ("the rest") is there.
NEAR_MOSCOW = [[[38.0, 55.0], [38.2, 55.0], [38.2, 55.2], [38.0, 55.2], [38.0, 55.0]]]


def new_zone_data(slug: str, coordinates, policy_slug="counter-fire-kharkiv") -> dict:
    data = {name: "" for name in ("description", "country", "measured_from", "depth_km")}
    data.update(border_oblasts="", condition="", approval="", loaded_version="")
    data.update(
        slug=slug,
        name=slug.replace("-", " ").title(),
        policy=str(Policy.objects.get(slug=policy_slug).pk),
        kind="counter-fire",
        status="conditional",
        derivation="drawn",
        geom=json.dumps(polygon(coordinates)),
        _save_draft="Save as draft",
    )
    return data


def geodesic_overlap_km2(published: Zone, coordinates) -> float:
    """The overlap's area on the WGS84 ellipsoid, worked out apart from PostGIS."""
    area = shapely.from_wkb(bytes(published.geom.wkb))
    both = shapely.intersection(area, shapely.Polygon(coordinates[0]))
    return abs(Geod(ellps="WGS84").geometry_area_perimeter(both)[0]) / 1e6


def messages_of(response) -> list[tuple[int, str]]:
    return [(m.level, str(m)) for m in response.context["messages"]]


@pytest.mark.django_db
def test_a_new_draft_over_a_published_area_warns_with_the_overlap_in_km2(editor_client):
    response = post(
        editor_client,
        "/admin/zones/zone/add/",
        new_zone_data("belgorod-draft", BELGOROD_SQUARE),
        follow=True,
    )
    draft = Zone.objects.get(slug="belgorod-draft")
    assert draft.is_draft
    warnings = [text for level, text in messages_of(response) if level == WARNING]
    assert len(warnings) == 1, messages_of(response)
    warning = warnings[0]
    assert "this draft overlaps published areas of the same version" in warning
    assert "“Counter-fire area near Kharkiv”" in warning
    assert "Russia beyond" not in warning  # remainders regrow around what is published
    km2 = float(re.search(r"Kharkiv” \(([\d,.]+) km²\)", warning).group(1).replace(",", ""))
    expected = geodesic_overlap_km2(zone("counter-fire-kharkiv"), BELGOROD_SQUARE)
    assert 300 < expected < 400  # the square lies wholly inside the 84 km band
    assert km2 == pytest.approx(expected, abs=0.15)
    # It still saved: the warning is not a refusal.
    assert any(level == SUCCESS for level, _ in messages_of(response))
    assert 'class="warning"' in response.content.decode()


@pytest.mark.django_db
def test_a_draft_that_overlaps_nothing_published_saves_without_a_warning(editor_client):
    data = new_zone_data("moscow-draft", NEAR_MOSCOW)
    response = post(editor_client, "/admin/zones/zone/add/", data, follow=True)
    assert Zone.objects.get(slug="moscow-draft").is_draft
    assert [text for level, text in messages_of(response) if level == WARNING] == []


@pytest.mark.django_db
def test_a_draft_of_a_published_zone_is_not_warned_about_the_zone_it_drafts(editor_client):
    counter_fire = zone("counter-fire-kharkiv")
    data = form_data(counter_fire, depth_km=60, _save_draft="Save as draft")
    response = post(editor_client, change_url(counter_fire), data, follow=True)
    draft = Zone.objects.get(draft_of=counter_fire)
    assert draft.depth_km == 60
    warnings = [text for level, text in messages_of(response) if level == WARNING]
    assert warnings == []  # it overlaps only itself, published, and the remainder


@pytest.mark.django_db
def test_a_draft_in_another_version_is_checked_against_that_version_only(editor_client):
    # The same square, in the version before any counter-fire area: it lies in "Russia",
    # a whole-country area of that version, and nothing else.
    response = post(
        editor_client,
        "/admin/zones/zone/add/",
        new_zone_data("belgorod-early", BELGOROD_SQUARE, "within-ukraine-only"),
        follow=True,
    )
    warnings = [text for level, text in messages_of(response) if level == WARNING]
    assert len(warnings) == 1 and "Counter-fire area" not in warnings[0]
    assert "“Russia” (" in warnings[0] and "“Ukraine”" not in warnings[0]
