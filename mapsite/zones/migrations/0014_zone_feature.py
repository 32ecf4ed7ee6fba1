"""Each zone's finished export feature, rendered by the database in the statement that
changes anything it shows (the same writes that bump the data version).

`zones_zonefeature_refresh(ids, with_geometry)` renders the features of some zones: the
GeoJSON geometry (6 decimal places, exterior rings counter-clockwise) only when asked or
missing, and the properties as three runs of JSON members (`head`, `links`, `tail`),
exactly as the export's SQL wrote them before (mapsite/api/geojson.py). Statement
triggers name the zones a write touched: a zone's own columns, its links, its policy
version's dates and title, and the weapons, targets, sources and assumptions it cites
(a source also through the assumptions citing it). Rendered in UTC, like every Django
connection, so a write from psql words `updated_at` the same way.
"""

import django.db.models.deletion
from django.db import migrations, models

REFRESH = """
CREATE OR REPLACE FUNCTION zones_zonefeature_refresh(ids bigint[], with_geometry boolean)
RETURNS void AS $$
WITH z AS (
  SELECT z.id, z.slug, z.name, z.kind, z.status, z.description, z.area_km2, z.updated_at,
         z.depth_km, z.geom, p.slug AS policy_slug, p.title AS policy_title,
         p.effective_from, p.effective_to
    FROM zones_zone z JOIN zones_policy p ON p.id = z.policy_id
   WHERE z.id = ANY(ids)
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
                        ELSE replace(a.statement, '{value}',
                                     trim_scale(a.value::numeric)::text) END,
           'sources', COALESCE(x.list, '[]'::json)) AS obj
    FROM zones_assumption a LEFT JOIN assumption_sources x ON x.assumption_id = a.id
),
links AS (
  SELECT t.zone_id, 'permitted_weapons' AS rel, w.ord, w.slug, w.obj
    FROM zones_zone_permitted_weapons t JOIN weapons w ON w.id = t.weaponsystem_id
   WHERE t.zone_id = ANY(ids)
  UNION ALL
  SELECT t.zone_id, 'prohibited_weapons', w.ord, w.slug, w.obj
    FROM zones_zone_prohibited_weapons t JOIN weapons w ON w.id = t.weaponsystem_id
   WHERE t.zone_id = ANY(ids)
  UNION ALL
  SELECT t.zone_id, 'permitted_targets', c.ord, c.slug, c.obj
    FROM zones_zone_permitted_targets t JOIN targets c ON c.id = t.targetcategory_id
   WHERE t.zone_id = ANY(ids)
  UNION ALL
  SELECT t.zone_id, 'prohibited_targets', c.ord, c.slug, c.obj
    FROM zones_zone_prohibited_targets t JOIN targets c ON c.id = t.targetcategory_id
   WHERE t.zone_id = ANY(ids)
  UNION ALL
  SELECT t.zone_id, 'sources', s.ord, s.slug, s.obj
    FROM zones_zone_sources t JOIN sources s ON s.id = t.source_id
   WHERE t.zone_id = ANY(ids)
  UNION ALL
  -- An assumption about the zone's depth is worded with that zone's depth.
  SELECT t.zone_id, 'assumptions', a.ord, a.slug,
         CASE WHEN z.depth_km IS NULL THEN a.obj::json
              ELSE (jsonb_set(a.obj, '{statement}', to_jsonb(replace(a.obj->>'statement',
                      '{depth_km}', trim_scale(z.depth_km::numeric)::text)))
                    || CASE WHEN a.obj->'value' = 'null'::jsonb
                            THEN jsonb_build_object('value', z.depth_km)
                            ELSE '{}'::jsonb END)::json
         END
    FROM zones_zone_assumptions t JOIN assumptions a ON a.id = t.assumption_id
    JOIN z ON z.id = t.zone_id
),
related AS (
  SELECT zone_id,
         json_agg(obj ORDER BY ord, slug) FILTER (WHERE rel = 'permitted_weapons') AS pw,
         json_agg(obj ORDER BY ord, slug) FILTER (WHERE rel = 'prohibited_weapons') AS xw,
         json_agg(obj ORDER BY ord, slug) FILTER (WHERE rel = 'permitted_targets') AS pt,
         json_agg(obj ORDER BY ord, slug) FILTER (WHERE rel = 'prohibited_targets') AS xt,
         json_agg(obj ORDER BY ord, slug) FILTER (WHERE rel = 'sources') AS src,
         json_agg(obj ORDER BY ord, slug) FILTER (WHERE rel = 'assumptions') AS asm
    FROM links
   GROUP BY zone_id
),
rendered AS (
  SELECT z.id,
         CASE WHEN with_geometry OR f.zone_id IS NULL
              THEN ST_AsGeoJSON(ST_ForcePolygonCCW(z.geom), 6, 0) ELSE f.geometry END AS geometry,
         json_build_object(
           'slug', z.slug, 'name', z.name, 'kind', z.kind, 'status', z.status,
           'policy', z.policy_slug, 'policy_title', z.policy_title,
           'valid_from', z.effective_from, 'valid_to', z.effective_to,
           'description', z.description)::text AS head,
         json_build_object(
           'permitted_weapons', COALESCE(r.pw, '[]'::json),
           'prohibited_weapons', COALESCE(r.xw, '[]'::json),
           'permitted_targets', COALESCE(r.pt, '[]'::json),
           'prohibited_targets', COALESCE(r.xt, '[]'::json),
           'sources', COALESCE(r.src, '[]'::json),
           'assumptions', COALESCE(r.asm, '[]'::json))::text AS links,
         json_build_object('area_km2', z.area_km2, 'updated_at', z.updated_at)::text AS tail
    FROM z LEFT JOIN related r ON r.zone_id = z.id
    LEFT JOIN zones_zonefeature f ON f.zone_id = z.id
),
members AS (
  -- The members of each object, without its braces: the export puts them together.
  SELECT id, geometry, substr(head, 2, length(head) - 2) AS head,
         substr(links, 2, length(links) - 2) AS links, substr(tail, 2, length(tail) - 2) AS tail
    FROM rendered
)
INSERT INTO zones_zonefeature AS f (zone_id, geometry, head, links, links_digest, tail)
SELECT id, geometry, head, links, sha256(convert_to(links, 'UTF8')), tail FROM members
 ORDER BY id  -- every writer takes the rows' locks in one order
ON CONFLICT (zone_id) DO UPDATE
   SET geometry = EXCLUDED.geometry, head = EXCLUDED.head, links = EXCLUDED.links,
       links_digest = EXCLUDED.links_digest, tail = EXCLUDED.tail;
$$ LANGUAGE sql SET TimeZone = 'UTC' SET extra_float_digits = 1;

CREATE OR REPLACE FUNCTION zones_zonefeature_follow() RETURNS trigger AS $$
DECLARE
  ids bigint[];
BEGIN
  -- TG_ARGV[0] is our own SQL naming the zones the statement changed; TG_ARGV[1] whether
  -- their shapes changed too.
  EXECUTE format('SELECT array_agg(DISTINCT id) FROM (%s) AS changed(id)', TG_ARGV[0])
     INTO ids;
  IF ids IS NOT NULL THEN
    PERFORM zones_zonefeature_refresh(ids, TG_ARGV[1]::boolean);
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION zones_zonefeature_forget() RETURNS trigger AS $$
BEGIN
  DELETE FROM zones_zonefeature WHERE zone_id IN (SELECT id FROM old_rows);
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""

ZONE_COLUMNS = "slug, name, kind, status, description, area_km2, updated_at, depth_km, policy_id"
SAME_SHAPE = "ST_AsEWKB(n.geom) IS NOT DISTINCT FROM ST_AsEWKB(o.geom)"
LINK_TABLES = {
    "zones_zone_permitted_weapons": "weaponsystem_id",
    "zones_zone_prohibited_weapons": "weaponsystem_id",
    "zones_zone_permitted_targets": "targetcategory_id",
    "zones_zone_prohibited_targets": "targetcategory_id",
    "zones_zone_sources": "source_id",
    "zones_zone_assumptions": "assumption_id",
}
SOURCE_COLUMNS = "slug, kind, publisher, speaker, quote, date, url, note"
ALL_ZONES = "SELECT id FROM zones_zone"


def _changed(columns: str) -> str:
    """The ids of the rows an UPDATE changed in any of `columns`."""
    old = ", ".join(f"o.{c.strip()}" for c in columns.split(","))
    new = ", ".join(f"n.{c.strip()}" for c in columns.split(","))
    return (
        "SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id "
        f"WHERE ({new}) IS DISTINCT FROM ({old})"
    )


def _citing(table_column: list[tuple[str, str]], ids: str) -> str:
    return " UNION ALL ".join(
        f"SELECT zone_id FROM {table} WHERE {column} IN ({ids})" for table, column in table_column
    )


WEAPONS = [("zones_zone_permitted_weapons", "weaponsystem_id"),
           ("zones_zone_prohibited_weapons", "weaponsystem_id")]  # fmt: skip
TARGETS = [("zones_zone_permitted_targets", "targetcategory_id"),
           ("zones_zone_prohibited_targets", "targetcategory_id")]  # fmt: skip
VIA_ASSUMPTIONS = (
    "SELECT za.zone_id FROM zones_zone_assumptions za JOIN zones_assumption_sources s "
    "ON s.assumption_id = za.assumption_id WHERE s.source_id IN ({ids})"
)
ASSUMPTION_LINKS = (
    "SELECT zone_id FROM zones_zone_assumptions WHERE assumption_id IN "
    "(SELECT assumption_id FROM {rows})"
)

# (table, event, transition tables, zones SQL, shapes too)
TRIGGERS = [
    ("zones_zone", "INSERT", "NEW", "SELECT id FROM new_rows", True),
    ("zones_zone", "UPDATE", "BOTH",
     f"SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id WHERE NOT {SAME_SHAPE}", True),
    ("zones_zone", "UPDATE", "BOTH", _changed(ZONE_COLUMNS) + f" AND {SAME_SHAPE}", False),
    *((table, "INSERT", "NEW", "SELECT zone_id FROM new_rows", False) for table in LINK_TABLES),
    *((table, "DELETE", "OLD", "SELECT zone_id FROM old_rows", False) for table in LINK_TABLES),
    *((table, "UPDATE", "BOTH",
       "SELECT zone_id FROM new_rows UNION ALL SELECT zone_id FROM old_rows", False)
      for table in LINK_TABLES),
    *((table, "TRUNCATE", None, ALL_ZONES, False) for table in LINK_TABLES),
    ("zones_assumption_sources", "INSERT", "NEW", ASSUMPTION_LINKS.format(rows="new_rows"), False),
    ("zones_assumption_sources", "DELETE", "OLD", ASSUMPTION_LINKS.format(rows="old_rows"), False),
    ("zones_assumption_sources", "UPDATE", "BOTH",
     ASSUMPTION_LINKS.format(rows="new_rows") + " UNION ALL "
     + ASSUMPTION_LINKS.format(rows="old_rows"), False),
    ("zones_assumption_sources", "TRUNCATE", None, ALL_ZONES, False),
    ("zones_policy", "UPDATE", "BOTH",
     "SELECT id FROM zones_zone WHERE policy_id IN ("
     + _changed("slug, title, effective_from, effective_to") + ")", False),
    ("zones_weaponsystem", "UPDATE", "BOTH",
     _citing(WEAPONS, _changed("slug, name, sort_order")), False),
    ("zones_targetcategory", "UPDATE", "BOTH",
     _citing(TARGETS, _changed("slug, name, sort_order")), False),
    ("zones_source", "UPDATE", "BOTH",
     _citing([("zones_zone_sources", "source_id")],
             _changed(SOURCE_COLUMNS))
     + " UNION ALL " + VIA_ASSUMPTIONS.format(ids=_changed(SOURCE_COLUMNS)),
     False),
    ("zones_assumption", "UPDATE", "BOTH",
     _citing([("zones_zone_assumptions", "assumption_id")],
             _changed("slug, title, statement, value, unit")), False),
]  # fmt: skip


def _trigger_name(table: str, event: str, shapes: bool) -> str:
    shape = "_shape" if shapes and event == "UPDATE" else ""
    return f"{table}_feature_{event.lower()}{shape}"


def _create(table: str, event: str, transition, zones: str, shapes: bool) -> str:
    assert "'" not in zones, "trigger arguments are quoted"
    referencing = {
        None: "",
        "NEW": "REFERENCING NEW TABLE AS new_rows",
        "OLD": "REFERENCING OLD TABLE AS old_rows",
        "BOTH": "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
    }[transition]
    return (
        f"CREATE TRIGGER {_trigger_name(table, event, shapes)} AFTER {event} ON {table} "
        f"{referencing} FOR EACH STATEMENT "
        f"EXECUTE FUNCTION zones_zonefeature_follow('{zones}', '{str(shapes).lower()}');"
    )


FORWARD = [
    REFRESH,
    *(_create(*trigger) for trigger in TRIGGERS),
    "CREATE TRIGGER zones_zone_feature_delete AFTER DELETE ON zones_zone "
    "REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT "
    "EXECUTE FUNCTION zones_zonefeature_forget();",
    # Stored out of line and uncompressed: an export reads them often, as they are.
    "ALTER TABLE zones_zonefeature ALTER geometry SET STORAGE EXTERNAL, "
    "ALTER links SET STORAGE EXTERNAL;",
    "SELECT zones_zonefeature_refresh(ARRAY(SELECT id FROM zones_zone), true);",
]
BACKWARD = [
    *(
        f"DROP TRIGGER IF EXISTS {_trigger_name(table, event, shapes)} ON {table};"
        for table, event, _, _, shapes in TRIGGERS
    ),
    "DROP TRIGGER IF EXISTS zones_zone_feature_delete ON zones_zone;",
    "DROP FUNCTION IF EXISTS zones_zonefeature_forget();",
    "DROP FUNCTION IF EXISTS zones_zonefeature_follow();",
    "DROP FUNCTION IF EXISTS zones_zonefeature_refresh(bigint[], boolean);",
]


class Migration(migrations.Migration):
    dependencies = [("zones", "0013_policy_link_history")]

    operations = [
        migrations.CreateModel(
            name="ZoneFeature",
            fields=[
                (
                    "zone",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="zones.zone",
                    ),
                ),
                ("geometry", models.TextField()),
                ("head", models.TextField()),
                ("links", models.TextField()),
                ("links_digest", models.BinaryField()),
                ("tail", models.TextField()),
            ],
        ),
        migrations.RunSQL(FORWARD, BACKWARD),
    ]
