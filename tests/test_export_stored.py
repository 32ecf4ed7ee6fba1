"""The export reads each zone's stored feature (ZoneFeature, kept by the database): its answer
is the one the export's SQL gave before, for every policy version and parameter, and every
write that changes a zone's feature (the admin's saves too) refreshes the stored copy."""

import datetime as dt
import json
import math

import pytest
from django.contrib.admin.sites import site
from django.db import connection, transaction
from django.test import RequestFactory

from mapsite.api import geojson
from mapsite.zones.models import (
    Assumption,
    Policy,
    Source,
    TargetCategory,
    WeaponSystem,
    Zone,
    ZoneFeature,
)
from mapsite.zones.querysets import public_sql
from tests.admin_fixtures import *  # noqa: F403
from tests.admin_fixtures import change_url, client_for, form_data, post, posted
from tests.api_support import get

pytestmark = pytest.mark.django_db

SIMPLIFY = [0, 10, 600, 5000]  # unsimplified, and the ladder's finest, a middling, a coarse
KHARKIV_BOX = (35.0, 49.5, 37.5, 50.5)
LVIV_BOX = (23.5, 49.5, 24.5, 50.0)  # Ukraine's zones alone
NOWHERE_BOX = (-10.0, -10.0, -9.0, -9.0)
BBOXES = [None, KHARKIV_BOX, LVIV_BOX, NOWHERE_BOX]

# --- The export as its SQL rendered it before stored features (the oracle) ----------------

OLD_ZONES_SQL = """
WITH z AS (
  SELECT z.id, z.slug, z.name, z.kind, z.status, z.description, z.area_km2, z.updated_at,
         z.geom, p.slug AS policy_slug, p.title AS policy_title,
         p.effective_from, p.effective_to
    FROM zones_zone z JOIN zones_policy p ON p.id = z.policy_id
   WHERE {public} AND {where}
),
weapons AS MATERIALIZED (
  SELECT id, sort_order AS ord, slug, json_build_object('slug', slug, 'name', name) AS obj
    FROM zones_weaponsystem
),
targets AS MATERIALIZED (
  SELECT id, sort_order AS ord, slug, json_build_object('slug', slug, 'name', name) AS obj
    FROM zones_targetcategory
),
sources AS MATERIALIZED (
  SELECT id, 0 AS ord, slug, json_build_object(
           'slug', slug, 'kind', kind, 'publisher', publisher, 'speaker', speaker,
           'quote', quote, 'date', date, 'url', NULLIF(url, ''), 'note', note) AS obj
    FROM zones_source
),
assumption_sources AS MATERIALIZED (
  SELECT t.assumption_id, json_agg(s.obj ORDER BY s.ord, s.slug) AS list
    FROM zones_assumption_sources t JOIN sources s ON s.id = t.source_id
   GROUP BY t.assumption_id
),
assumptions AS MATERIALIZED (
  SELECT a.id, 0 AS ord, a.slug, jsonb_build_object(
           'slug', a.slug, 'title', a.title, 'value', a.value, 'unit', a.unit,
           'statement', CASE WHEN a.value IS NULL THEN a.statement
                        ELSE replace(a.statement, '{{value}}',
                                     trim_scale(a.value::numeric)::text) END,
           'sources', COALESCE(x.list, '[]'::json)) AS obj
    FROM zones_assumption a LEFT JOIN assumption_sources x ON x.assumption_id = a.id
),
links AS (
  SELECT t.zone_id, 'permitted_weapons' AS rel, w.ord, w.slug, w.obj
    FROM zones_zone_permitted_weapons t JOIN weapons w ON w.id = t.weaponsystem_id
  UNION ALL
  SELECT t.zone_id, 'prohibited_weapons', w.ord, w.slug, w.obj
    FROM zones_zone_prohibited_weapons t JOIN weapons w ON w.id = t.weaponsystem_id
  UNION ALL
  SELECT t.zone_id, 'permitted_targets', c.ord, c.slug, c.obj
    FROM zones_zone_permitted_targets t JOIN targets c ON c.id = t.targetcategory_id
  UNION ALL
  SELECT t.zone_id, 'prohibited_targets', c.ord, c.slug, c.obj
    FROM zones_zone_prohibited_targets t JOIN targets c ON c.id = t.targetcategory_id
  UNION ALL
  SELECT t.zone_id, 'sources', s.ord, s.slug, s.obj
    FROM zones_zone_sources t JOIN sources s ON s.id = t.source_id
  UNION ALL
  -- An assumption about the zone's depth is worded with that zone's depth.
  SELECT t.zone_id, 'assumptions', a.ord, a.slug,
         CASE WHEN zz.depth_km IS NULL THEN a.obj::json
              ELSE (jsonb_set(a.obj, '{{statement}}', to_jsonb(replace(a.obj->>'statement',
                      '{{depth_km}}', trim_scale(zz.depth_km::numeric)::text)))
                    || CASE WHEN a.obj->'value' = 'null'::jsonb
                            THEN jsonb_build_object('value', zz.depth_km)
                            ELSE '{{}}'::jsonb END)::json
         END
    FROM zones_zone_assumptions t JOIN assumptions a ON a.id = t.assumption_id
    JOIN zones_zone zz ON zz.id = t.zone_id
),
related AS (
  SELECT zone_id,
         json_agg(obj ORDER BY ord, slug) FILTER (WHERE rel = 'permitted_weapons') AS pw,
         json_agg(obj ORDER BY ord, slug) FILTER (WHERE rel = 'prohibited_weapons') AS xw,
         json_agg(obj ORDER BY ord, slug) FILTER (WHERE rel = 'permitted_targets') AS pt,
         json_agg(obj ORDER BY ord, slug) FILTER (WHERE rel = 'prohibited_targets') AS xt,
         json_agg(obj ORDER BY ord, slug) FILTER (WHERE rel = 'sources') AS src,
         json_agg(obj ORDER BY ord, slug) FILTER (WHERE rel = 'assumptions') AS asm
    FROM links WHERE zone_id IN (SELECT id FROM z)
   GROUP BY zone_id
),
features AS (
  SELECT z.slug, json_build_object(
    'type', 'Feature',
    'id', z.slug,
    'geometry', {geometry},
    'properties', json_build_object(
      'slug', z.slug, 'name', z.name, 'kind', z.kind, 'status', z.status,
      'policy', z.policy_slug, 'policy_title', z.policy_title,
      'valid_from', z.effective_from, 'valid_to', z.effective_to,
      'description', z.description,
      'permitted_weapons', COALESCE(r.pw, '[]'::json),
      'prohibited_weapons', COALESCE(r.xw, '[]'::json),
      'permitted_targets', COALESCE(r.pt, '[]'::json),
      'prohibited_targets', COALESCE(r.xt, '[]'::json),
      'sources', COALESCE(r.src, '[]'::json),
      'assumptions', COALESCE(r.asm, '[]'::json),
      'area_km2', z.area_km2,
      'updated_at', z.updated_at)) AS feature
    FROM z LEFT JOIN related r ON r.zone_id = z.id
)
"""

OLD_COLLECTION = """
SELECT json_build_object(
  'type', 'FeatureCollection',
  'features', COALESCE(json_agg(feature ORDER BY slug), '[]'::json))::text
FROM features
"""


def old_collection(policy_id, kind=None, bbox=None, simplify=0) -> bytes:
    """The FeatureCollection as mapsite/api/geojson.py rendered it before stored features."""
    where, params = ["z.policy_id = %(policy)s"], {"policy": policy_id}
    if kind:
        where.append("z.kind = %(kind)s")
        params["kind"] = kind
    if bbox:
        where.append(
            "ST_Intersects(z.geom, ST_MakeEnvelope(%(minlon)s, %(minlat)s, "
            "%(maxlon)s, %(maxlat)s, 4326))"
        )
        params.update(zip(("minlon", "minlat", "maxlon", "maxlat"), bbox, strict=True))
    return _old(" AND ".join(where), params, simplify, OLD_COLLECTION)


def old_feature(slug: str, simplify=0) -> bytes | None:
    return _old("z.slug = %(slug)s", {"slug": slug}, simplify, "SELECT feature::text FROM features")


def _old(where: str, params: dict, simplify: float, select: str) -> bytes | None:
    sql = OLD_ZONES_SQL.format(
        public=public_sql("z"),
        where=where,
        geometry=geojson.display_geometry("z.geom", simplify > 0),
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql + select, {**params, **geojson.shape_params(simplify)})
        row = cursor.fetchone()
    return row[0].encode() if row else None


# --- Comparing answers ----------------------------------------------------------------------


def _same_coordinates(a, b, tolerance: float, where: str) -> None:
    if isinstance(a, list):
        assert isinstance(b, list) and len(a) == len(b), where
        for x, y in zip(a, b, strict=True):
            _same_coordinates(x, y, tolerance, where)
    else:
        assert math.isclose(a, b, abs_tol=tolerance), f"{where}: {a} != {b}"


def assert_same_feature(new: dict, old: dict, simplify: float) -> None:
    where = f"{old['id']} at simplify={simplify}"
    assert new.keys() == old.keys(), where
    assert (new["type"], new["id"]) == (old["type"], old["id"]), where
    assert new["properties"] == old["properties"], where
    assert new["geometry"]["type"] == old["geometry"]["type"], where
    # Within the last decimal place written at this tolerance.
    tolerance = 10.0 ** -geojson.coordinate_digits(simplify)
    _same_coordinates(
        new["geometry"]["coordinates"], old["geometry"]["coordinates"], tolerance, where
    )


def assert_same_collection(new: bytes, old: bytes, simplify: float) -> list[str]:
    new_doc, old_doc = json.loads(new), json.loads(old)
    assert new_doc.keys() == old_doc.keys() == {"type", "features"}
    assert new_doc["type"] == old_doc["type"] == "FeatureCollection"
    assert [f["id"] for f in new_doc["features"]] == [f["id"] for f in old_doc["features"]]
    for new_feature, old_feature_ in zip(new_doc["features"], old_doc["features"], strict=True):
        assert_same_feature(new_feature, old_feature_, simplify)
    return [f["id"] for f in new_doc["features"]]


def assert_export_unchanged(**query) -> list[str]:
    """Every published version's export (with `query`) is the old SQL's answer."""
    exported = []
    for policy in Policy.objects.all():
        new = geojson.zones_collection(policy.id, **query)
        exported += assert_same_collection(new, old_collection(policy.id, **query), 0)
    return exported


def stored(zone: Zone) -> ZoneFeature:
    return ZoneFeature.objects.get(zone=zone)


def zone_of(slug: str) -> Zone:
    return Zone.objects.get(slug=slug)


# --- The same answers -----------------------------------------------------------------------


def test_every_zone_has_its_feature_stored():
    assert ZoneFeature.objects.count() == Zone.objects.count() > 0


@pytest.mark.parametrize("simplify", SIMPLIFY)
def test_every_versions_export_is_unchanged_at_each_tolerance(simplify):
    exported = assert_export_unchanged(simplify=simplify)
    public = Zone.objects.public().count()
    assert len(exported) == public > 0, "every public zone was compared"


@pytest.mark.parametrize("kind", list(Zone.Kind.values))
def test_every_versions_export_of_one_kind_is_unchanged(kind):
    assert_export_unchanged(kind=kind)
    assert_export_unchanged(kind=kind, simplify=600)


@pytest.mark.parametrize("bbox", BBOXES[1:])
@pytest.mark.parametrize("simplify", [0, 600])
def test_every_versions_export_in_a_bbox_is_unchanged(bbox, simplify):
    assert_export_unchanged(bbox=bbox, simplify=simplify)


def test_a_version_without_zones_and_no_version_export_no_features():
    empty = Policy.objects.create(
        slug="empty-version",
        title="Empty",
        summary="No zones.",
        confidence="disputed",  # shown, never applied: it may overlap the current version
        effective_from="2030-01-01",
    )
    for policy_id in (empty.id, None):
        new = geojson.zones_collection(policy_id)
        assert json.loads(new) == json.loads(old_collection(policy_id))
        assert json.loads(new) == {"type": "FeatureCollection", "features": []}


@pytest.mark.parametrize("simplify", [0, 600])
def test_each_zone_alone_is_unchanged(simplify):
    for zone in Zone.objects.public():
        new = geojson.zone_feature(zone.slug, simplify)
        assert_same_feature(json.loads(new), json.loads(old_feature(zone.slug, simplify)), simplify)
    assert geojson.zone_feature("no-such-zone") is None


def test_the_http_export_of_each_date_is_the_old_answer(client):
    from mapsite.zones import snapshot

    days = {p.effective_from or p.effective_to - dt.timedelta(days=1) for p in Policy.objects.all()}
    assert len(days) > 1
    for day in sorted(days):
        policy = snapshot.current().policy_on(day)
        response = get(client, f"/api/zones.geojson?date={day.isoformat()}")
        assert response.status_code == 200
        assert_same_collection(response.content, old_collection(policy.id), 0)
        query = f"date={day.isoformat()}&simplify=600&kind=counter-fire"
        ladder = get(client, f"/api/zones.geojson?{query}")
        assert_same_collection(
            ladder.content, old_collection(policy.id, "counter-fire", None, 600), 600
        )


def test_drafts_and_unpublished_versions_stay_out_of_the_export(editor):
    from mapsite.zones import editing

    zone = Zone.objects.get(slug="counter-fire-kharkiv")
    draft = editing.save_as_draft(zone, editor)
    assert ZoneFeature.objects.filter(zone=draft).exists()  # stored, but never public
    hidden = Zone.objects.get(slug="ukraine")
    Zone.objects.filter(pk=hidden.pk).update(published=False)
    exported = assert_export_unchanged()
    assert draft.slug not in exported and "ukraine" not in exported
    assert geojson.zone_feature(draft.slug) is None
    Policy.objects.filter(slug="atacms-kursk").update(published=False)
    assert not [s for s in assert_export_unchanged() if s.endswith("2024-11-17")]


# --- Writes refresh the stored features ------------------------------------------------------


def test_an_admin_edit_of_a_zone_refreshes_its_feature(editor_client):
    # A shallower counter-fire area: its shape, area and wording change, and the remainder
    # ("deep strike") regrows.
    zone, remainder = Zone.objects.get(slug="counter-fire-kharkiv"), zone_of("deep-strike-russia")
    before, remainder_before = stored(zone), stored(remainder)
    data = form_data(zone, name="Counter-fire (renamed)", depth_km="60")
    assert post(editor_client, change_url(zone), data).status_code == 302
    after = stored(zone)
    assert '"name" : "Counter-fire (renamed)"' in after.head
    assert after.geometry != before.geometry and "within 60 km" in after.links
    assert stored(remainder).geometry != remainder_before.geometry
    feature = json.loads(geojson.zone_feature("counter-fire-kharkiv"))
    assert feature["properties"]["name"] == "Counter-fire (renamed)"
    assert feature["properties"]["area_km2"] == Zone.objects.get(pk=zone.pk).area_km2
    assert_export_unchanged()
    assert_export_unchanged(simplify=600)


def test_an_admin_edit_of_a_source_refreshes_every_zone_citing_it(superuser):
    # The counter-fire depth assumption cites this source: zones cite it through that too.
    source = Source.objects.get(slug="note-depth-unclear")
    citing = set(
        Zone.objects.filter(assumptions__sources=source).values_list("slug", flat=True)
    ) | set(Zone.objects.filter(sources=source).values_list("slug", flat=True))
    assert citing
    client = client_for(superuser)
    form = site._registry[Source].get_form(_request(superuser), source)(instance=source)
    data = posted(form, publisher="A renamed publisher")
    response = post(client, f"/admin/zones/source/{source.pk}/change/", data)
    assert response.status_code == 302, response.content[:2000]
    for slug in citing:
        assert "A renamed publisher" in stored(Zone.objects.get(slug=slug)).links, slug
    assert_export_unchanged()


def test_link_policy_and_evidence_changes_refresh_the_features():
    zone = Zone.objects.get(slug="counter-fire-kharkiv")
    zone.sources.remove(zone.sources.order_by("slug").first())
    zone.prohibited_targets.add(TargetCategory.objects.order_by("slug").last())
    WeaponSystem.objects.filter(slug="gmlrs").update(name="GMLRS (renamed)")
    TargetCategory.objects.filter(pk=TargetCategory.objects.order_by("pk").first().pk).update(
        sort_order=99
    )
    assumption = Assumption.objects.get(slug="counter-fire-depth")
    assumption.statement = "Reaches {depth_km} km, reworded."
    assumption.save()
    assumption.sources.remove(assumption.sources.first())
    policy = Policy.objects.get(slug="counter-fire-kharkiv")
    policy.title = "A retitled version"
    policy.save()
    assert "A retitled version" in stored(zone).head
    assert "Reaches 84 km, reworded." in stored(zone).links
    assert_export_unchanged()
    assert_export_unchanged(simplify=600)


def test_a_new_depth_rewords_the_zones_assumption():
    zone = Zone.objects.get(slug="counter-fire-kharkiv")
    Zone.objects.filter(pk=zone.pk).update(depth_km=60)
    assert "within 60 km" in stored(zone).links
    assert_export_unchanged()


def test_zones_citing_the_same_evidence_share_one_digest():
    digests = {f.zone_id: bytes(f.links_digest) for f in ZoneFeature.objects.all()}
    links = {f.zone_id: f.links for f in ZoneFeature.objects.all()}
    for a in digests:
        for b in digests:
            assert (digests[a] == digests[b]) == (links[a] == links[b])


def test_deleting_a_zone_drops_its_feature_in_sql_and_through_django():
    first, second = Zone.objects.filter(policy__slug="atacms-kursk").order_by("slug")[:2]
    first.delete()
    with connection.cursor() as cursor:
        links = [getattr(Zone, name).through._meta.db_table for name in Zone.LINK_FIELDS]
        for table in ["zones_zonepiece", *links]:
            cursor.execute(f"DELETE FROM {table} WHERE zone_id = %s", [second.pk])  # noqa: S608
        cursor.execute("DELETE FROM zones_zone WHERE id = %s", [second.pk])
    assert not ZoneFeature.objects.filter(zone_id__in=[first.pk, second.pk]).exists()
    assert ZoneFeature.objects.count() == Zone.objects.count()
    assert_export_unchanged()


def _request(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return request
