"""GeoJSON (RFC 7946) rendered by PostGIS: one SQL statement per document.

Geometry leaves the database already as text (`ST_AsGeoJSON`, lon/lat, no `crs` member,
exterior rings counter-clockwise, as many decimal places as the simplification leaves
meaningful), and the document is assembled with `json_build_object`/`json_agg`, so Python
never walks a geometry.
"""

import json
import math

from django.db import connection, transaction

from mapsite.zones.querysets import public_sql

METRES_PER_DEGREE_LAT = 111_320.0

# Layers of reference features the map draws, and how each is chosen.
LAYERS = {
    "countries": ("layer", "country"),
    "oblasts": ("layer", "oblast"),
    "border": ("slug", "ukraine-russia-border"),
    "kharkiv-segment": ("slug", "kharkiv-border-segment"),
}
KHARKIV_SEGMENT = "kharkiv-border-segment"
EXPORT_WORK_MEM = "64MB"


def tolerance_degrees(metres: float) -> float:
    return metres / METRES_PER_DEGREE_LAT


FULL_DIGITS = 6  # decimal places of a coordinate drawn unsimplified: about 0.1 m


def coordinate_digits(simplify_m: float) -> int:
    """Decimal places worth writing for a shape simplified by `simplify_m` metres: the last
    place stays within a fifth of the tolerance (600 m: 3 places, about 111 m; the map asks
    for about a pixel's tolerance), never more than FULL_DIGITS."""
    if simplify_m <= 0:
        return FULL_DIGITS
    places = math.ceil(math.log10(5 * METRES_PER_DEGREE_LAT / simplify_m))
    return min(FULL_DIGITS, max(1, places))


def shape_params(simplify_m: float) -> dict:
    """The SQL parameters `display_geometry` reads for a tolerance in metres."""
    digits = coordinate_digits(simplify_m)
    return {"tolerance": tolerance_degrees(simplify_m), "digits": digits, "grid": 10.0**-digits}


def display_geometry(column: str, simplify: bool) -> str:
    """SQL turning `column` into a GeoJSON geometry, simplified by %(tolerance)s.

    For simplifying, longitudes are first scaled by cos(latitude) at the middle
    of the feature, so the tolerance (in degrees of latitude, from metres) means
    about the same distance in every direction; then the scale is undone and the
    coordinates are snapped to the decimal places written (%(grid)s), keeping the shape
    valid. A result GEOS calls invalid is repaired, and a multi-geometry stays multi.
    `column` is our own SQL, never input.
    """
    geom = column
    if simplify:
        c = column
        scale = f"greatest(cos(radians((ST_YMin({c}) + ST_YMax({c})) / 2)), 0.05)"
        geom = f"""(
          SELECT CASE WHEN ST_GeometryType({c}) LIKE 'ST_Multi%%' THEN ST_Multi(v) ELSE v END
            FROM (SELECT CASE WHEN ST_IsValid(s) THEN s
                              ELSE ST_CollectionExtract(ST_MakeValid(s), ST_Dimension(s) + 1)
                         END AS v
                    FROM (SELECT ST_ReducePrecision(
                                   ST_Scale(ST_SimplifyPreserveTopology(ST_Scale({c}, k, 1),
                                                                        %(tolerance)s),
                                            1 / k, 1),
                                   %(grid)s) AS s
                            FROM (SELECT {scale} AS k) AS scale) AS simple) AS valid)"""  # noqa: S608 (constants)
    return f"ST_AsGeoJSON(ST_ForcePolygonCCW({geom}), %(digits)s, 0)::json"


ZONES_SQL = """
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

COLLECTION = """
SELECT json_build_object(
  'type', 'FeatureCollection',
  'features', COALESCE(json_agg(feature ORDER BY slug), '[]'::json))::text
FROM features
"""


def _fetch(sql: str, params: dict, work_mem: str | None = None) -> str | None:
    with transaction.atomic(), connection.cursor() as cursor:
        if work_mem:
            # Sorting thousands of features in memory beats spilling them to disk.
            cursor.execute("SELECT set_config('work_mem', %s, true)", [work_mem])
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return row[0] if row else None


def _encode(text: str | None) -> bytes | None:
    return None if text is None else text.encode()


def zones_collection(
    policy_id: int | None,
    kind: str | None = None,
    bbox: tuple[float, float, float, float] | None = None,
    simplify: float = 0,
) -> bytes:
    """The published zones of one policy version, as a FeatureCollection."""
    where = ["z.policy_id = %(policy)s"]
    params: dict = {"policy": policy_id, **shape_params(simplify)}
    if kind:
        where.append("z.kind = %(kind)s")
        params["kind"] = kind
    if bbox:
        where.append(
            "ST_Intersects(z.geom, ST_MakeEnvelope(%(minlon)s, %(minlat)s, "
            "%(maxlon)s, %(maxlat)s, 4326))"
        )
        params.update(zip(("minlon", "minlat", "maxlon", "maxlat"), bbox, strict=True))
    sql = ZONES_SQL.format(
        public=public_sql("z"),
        where=" AND ".join(where),
        geometry=display_geometry("z.geom", simplify > 0),
    )
    return _encode(_fetch(sql + COLLECTION, params, work_mem=EXPORT_WORK_MEM))


def zone_feature(slug: str, simplify: float = 0) -> bytes | None:
    """One published zone as a Feature, or None."""
    sql = ZONES_SQL.format(
        public=public_sql("z"),
        where="z.slug = %(slug)s",
        geometry=display_geometry("z.geom", simplify > 0),
    )
    params = {"slug": slug, **shape_params(simplify)}
    features = "SELECT feature::text FROM features"
    return _encode(_fetch(sql + features, params))


LAYER_SQL = """
SELECT json_build_object(
  'type', 'FeatureCollection',
  'features', COALESCE(json_agg(json_build_object(
    'type', 'Feature',
    'id', r.slug,
    'geometry', {geometry},
    'properties', (r.properties || jsonb_build_object(
                    'slug', r.slug, 'name', r.name, 'layer', r.layer))::json)
    ORDER BY r.slug), '[]'::json))::text
FROM zones_referencefeature r
WHERE {column} = %(value)s
"""


def layer_collection(name: str, simplify: float = 0) -> bytes:
    """A reference layer (see LAYERS) as a FeatureCollection."""
    column, value = LAYERS[name]
    sql = LAYER_SQL.format(
        geometry=display_geometry("r.geom", simplify > 0),
        column="r.layer" if column == "layer" else "r.slug",
    )
    return _encode(_fetch(sql, {"value": value, **shape_params(simplify)}))


# The buffer is computed on the ellipsoid (geography); a result that wraps
# across the antimeridian is split there, as RFC 7946 asks.
REACH_SQL = """
WITH origin AS (
  SELECT CASE WHEN %(lon)s::float8 IS NULL
              THEN (SELECT geom FROM zones_referencefeature WHERE slug = %(segment)s)
              ELSE ST_SetSRID(ST_MakePoint(%(lon)s::float8, %(lat)s::float8), 4326) END AS g
),
buffered AS (
  SELECT ST_Buffer(g::geography, %(metres)s, 'quad_segs=32')::geometry AS g
    FROM origin WHERE g IS NOT NULL
),
wrapped AS (
  SELECT CASE WHEN ST_XMax(g) - ST_XMin(g) <= 180 THEN g
              ELSE ST_Union(
                ST_Intersection(ST_ShiftLongitude(g), ST_MakeEnvelope(0, -90, 180, 90, 4326)),
                ST_Translate(ST_Intersection(ST_ShiftLongitude(g),
                                             ST_MakeEnvelope(180, -90, 360, 90, 4326)), -360, 0))
         END AS g
    FROM buffered
),
area AS (
  SELECT ST_Multi(ST_CollectionExtract(ST_MakeValid(g), 3)) AS g FROM wrapped
)
SELECT json_build_object(
  'type', 'FeatureCollection',
  'features', json_build_array(json_build_object(
    'type', 'Feature',
    'id', %(id)s::text,
    'geometry', {geometry},
    'properties', %(properties)s::jsonb || jsonb_build_object(
      'area_km2', round((ST_Area(g::geography) / 1e6)::numeric, 1)))))::text
FROM area
"""


def reach_collection(
    weapon: dict, origin: tuple[float, float] | None, simplify: float
) -> bytes | None:
    """Where `weapon` reaches from the Kharkiv border segment or a launch point (lon, lat)."""
    properties = {
        "weapon": weapon["slug"],
        "name": weapon["name"],
        "range_km": weapon["range_km"],
        "range_assumption": weapon["range_assumption"],
        "from": "point" if origin else KHARKIV_SEGMENT,
        "lon": origin[0] if origin else None,
        "lat": origin[1] if origin else None,
    }
    params = {
        "lon": origin[0] if origin else None,
        "lat": origin[1] if origin else None,
        "segment": KHARKIV_SEGMENT,
        "metres": weapon["range_km"] * 1000.0,
        "id": f"reach-{weapon['slug']}",
        "properties": json.dumps(properties),
        **shape_params(simplify),
    }
    sql = REACH_SQL.format(geometry=display_geometry("g", simplify > 0))
    return _encode(_fetch(sql, params))
