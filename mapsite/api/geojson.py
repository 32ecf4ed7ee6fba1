"""GeoJSON (RFC 7946) rendered by PostGIS: one SQL statement per document.

Geometry leaves the database already as text (`ST_AsGeoJSON`, lon/lat, no `crs` member,
exterior rings counter-clockwise, as many decimal places as the simplification leaves
meaningful), so Python never walks a geometry. Zones are not rendered here: the database
keeps each zone's finished feature (ZoneFeature, migration 0014, refreshed by the writes
that change it) and the export joins the stored text, with the geometry simplified
afresh when asked to. Reference layers and reaches are built with `json_build_object`.
"""

import json
import math

from django.db import connection, transaction
from psycopg.adapt import Loader

from mapsite.zones.querysets import public_sql

METRES_PER_DEGREE_LAT = 111_320.0

# Layers of reference features the map draws, and how each is chosen.
LAYERS = {
    "countries": ("layer", "country"),
    "neighbours": ("layer", "neighbour"),  # the outline basemap's other land, not policy
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
                                   CASE WHEN ST_IsValid(u) THEN u
                                        ELSE ST_CollectionExtract(ST_MakeValid(u),
                                                                  ST_Dimension(u) + 1) END,
                                   %(grid)s) AS s
                            FROM (SELECT ST_Scale(
                                           ST_SimplifyPreserveTopology(ST_Scale({c}, k, 1),
                                                                       %(tolerance)s),
                                           1 / k, 1) AS u
                                    FROM (SELECT {scale} AS k) AS scale) AS unscaled
                         ) AS simple) AS valid)"""  # noqa: S608 (constants)
    return f"ST_AsGeoJSON(ST_ForcePolygonCCW({geom}), %(digits)s, 0)::json"


# A zone's properties, put together from the members the database keeps (ZoneFeature).
STORED_PROPERTIES = "('{{' || f.head || ', ' || f.links || ', ' || f.tail || '}}')::json"

# Zones as a `features` (slug, feature) CTE, for callers building documents of their own
# (the OGC API's pages): the properties are the stored ones, the geometry `{geometry}`.
ZONES_SQL = f"""
WITH z AS (
  SELECT z.id, z.slug, z.geom FROM zones_zone z WHERE {{public}} AND {{where}}
),
features AS (
  SELECT z.slug, json_build_object(
    'type', 'Feature', 'id', z.slug, 'geometry', {{geometry}},
    'properties', {STORED_PROPERTIES}) AS feature
    FROM z JOIN zones_zonefeature f ON f.zone_id = z.id
)
"""  # noqa: S608 (constants)

# The export: each zone's feature as text, in three parts around its `links` (weapons,
# targets, sources, assumptions). Zones citing the same evidence share `links`, which
# leaves the database once per distinct digest; Python puts the document together.
FEATURES_SQL = """
SELECT '{{"type":"Feature","id":' || to_json(z.slug)::text || ',"geometry":' || {geometry}
         || ',"properties":{{' || f.head || ', ' AS front,
       f.links_digest,
       CASE WHEN row_number() OVER (PARTITION BY f.links_digest) = 1 THEN f.links END,
       ', ' || f.tail || '}}}}' AS back
  FROM zones_zone z JOIN zones_zonefeature f ON f.zone_id = z.id
 WHERE {public} AND {where}
 ORDER BY z.slug
"""
COLLECTION_START = b'{"type":"FeatureCollection","features":['
# The box of a `bbox` parameter, and a zone's shape cut to it (its areas only, kept multi).
BOX = "ST_MakeEnvelope(%(minlon)s, %(minlat)s, %(maxlon)s, %(maxlat)s, 4326)"
CLIPPED = f"ST_Multi(ST_CollectionExtract(ST_Intersection(z.geom, {BOX}), 3))"
COLLECTION_END = b"]}"


class _TextAsBytes(Loader):
    """Text columns as the UTF-8 bytes the server sent: the export never decodes them."""

    def load(self, data) -> bytes:
        return bytes(data)


def _fetch(sql: str, params: dict) -> str | None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return row[0] if row else None


def _encode(text: str | None) -> bytes | None:
    return None if text is None else text.encode()


def _zone_features(
    where: list[str], params: dict, simplify: float, clip: bool = False
) -> list[bytes]:
    """The published zones matching `where`, by slug, as pieces of JSON: each feature's
    pieces follow a comma (b","). `clip`: each shape cut to the box in `params`."""
    geometry = "f.geometry"
    if clip:
        geometry = display_geometry(CLIPPED, simplify > 0) + "::text"
    elif simplify > 0:
        geometry = display_geometry("z.geom", True) + "::text"
    sql = FEATURES_SQL.format(public=public_sql("z"), where=" AND ".join(where), geometry=geometry)
    with transaction.atomic(), connection.cursor() as cursor:
        # Sorting thousands of features in memory beats spilling them to disk, and
        # compiling the query (JIT) would cost more than running it.
        cursor.execute(
            "SELECT set_config('work_mem', %s, true), set_config('jit', 'off', true)",
            [EXPORT_WORK_MEM],
        )
        cursor.cursor.adapters.register_loader("text", _TextAsBytes)
        cursor.execute(sql, {**params, **shape_params(simplify)})
        rows = cursor.fetchall()
    shared = {digest: links for _, digest, links, _ in rows if links is not None}
    pieces = []
    for front, digest, _, back in rows:
        pieces += (b",", front, shared[digest], back)
    return pieces


def zones_collection(
    policy_id: int | None,
    kind: str | None = None,
    bbox: tuple[float, float, float, float] | None = None,
    simplify: float = 0,
    clip: bool = False,
) -> bytes:
    """The published zones of one policy version, as a FeatureCollection: those meeting
    `bbox`, whole or (`clip`, which needs a `bbox`) cut to it."""
    where = ["z.policy_id = %(policy)s"]
    params: dict = {"policy": policy_id}
    if kind:
        where.append("z.kind = %(kind)s")
        params["kind"] = kind
    if bbox:
        where.append(f"ST_Intersects(z.geom, {BOX})")
        params.update(zip(("minlon", "minlat", "maxlon", "maxlat"), bbox, strict=True))
    pieces = _zone_features(where, params, simplify, clip=clip)
    return b"".join([COLLECTION_START, *pieces[1:], COLLECTION_END])


def zone_feature(slug: str, simplify: float = 0) -> bytes | None:
    """One published zone as a Feature, or None."""
    pieces = _zone_features(["z.slug = %(slug)s"], {"slug": slug}, simplify)
    return b"".join(pieces[1:]) if pieces else None


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
                ST_Intersection(ST_MakeValid(ST_ShiftLongitude(g)),
                                ST_MakeEnvelope(0, -90, 180, 90, 4326)),
                ST_Translate(ST_Intersection(ST_MakeValid(ST_ShiftLongitude(g)),
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
