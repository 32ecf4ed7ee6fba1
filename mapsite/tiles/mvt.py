"""Mapbox vector tiles rendered by PostGIS (`ST_AsMVTGeom`, `ST_AsMVT`): one statement a tile.

A tile holds one layer: the public zones of a policy version (what the GeoJSON export
gives, chosen by the same `public_sql`), or a reference layer of `geojson.LAYERS`. Each
shape is cut to the tile (with a margin) while still in lon/lat, so a country-sized zone
is projected to Web Mercator only where the tile needs it.
"""

from dataclasses import dataclass, field

from django.db import connection, transaction

from mapsite.api import geojson
from mapsite.zones.querysets import DATA_VERSION_SQL, public_sql

MIN_ZOOM, MAX_ZOOM = 0, 16
EXTENT = 4096  # tile units a side, the MVT default
BUFFER = 64  # tile units drawn past each edge, so outlines do not stop short at the seam
MERCATOR_LAT = 85.0511287798066  # Web Mercator's edge: no tile reaches beyond it

# The data version read in the tile's own statement (DataVersion.objects.current()'s SQL),
# so a tile is known to match the snapshot it is cached against.
TILE_SQL = """
WITH bounds AS (
  SELECT ST_TileEnvelope(%(z)s, %(x)s, %(y)s) AS env,
         ST_Transform(ST_TileEnvelope(%(z)s, %(x)s, %(y)s, margin => %(margin)s), 4326) AS clip
),
features AS (
  SELECT ST_AsMVTGeom(ST_Transform(ST_ClipByBox2D(t.geom, b.clip), 3857), b.env,
                      %(extent)s, %(buffer)s, true) AS geom, {columns}
    FROM {table} t, bounds b
   WHERE {where} AND t.geom && b.clip
)
SELECT (SELECT ST_AsMVT(f, %(layer)s, %(extent)s, 'geom') FROM features f
         WHERE f.geom IS NOT NULL),
       ({version})
"""

EXTENT_SQL = """
SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e)
  FROM (SELECT ST_Extent(t.geom) AS e FROM {table} t WHERE {where}) AS extent
"""


@dataclass(frozen=True)
class Layer:
    """A tile layer: where its features come from and the properties each carries."""

    name: str
    table: str
    where: str  # SQL on the table aliased `t`; our own text, values bound as %(name)s
    columns: tuple[str, ...]
    dated: bool  # chosen by ?date= (the policy version in force), or the same every day
    params: dict = field(default_factory=dict)

    def fields(self) -> dict:
        """TileJSON's `vector_layers` fields: every property is a string."""
        return {column: "String" for column in self.columns}


ZONES = Layer(
    name="zones",
    table="zones_zone",
    where="t.policy_id = %(policy)s AND " + public_sql("t"),
    columns=("slug", "kind", "status"),
    dated=True,
)
LAYERS = {
    ZONES.name: ZONES,
    **{
        name: Layer(
            name=name,
            table="zones_referencefeature",
            where=f"t.{column} = %(value)s",
            columns=("slug", "name", "layer"),
            dated=False,
            params={"value": value},
        )
        for name, (column, value) in geojson.LAYERS.items()
    },
}


def tile_count(z: int) -> int:
    """Tiles a side at zoom `z`."""
    return 1 << z


def _fetch(sql: str, params: dict) -> tuple:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def render(layer: Layer, policy_id: int | None, z: int, x: int, y: int) -> tuple[bytes, int]:
    """The tile's MVT bytes (b"" when nothing is in it) and the data version it was read at."""
    sql = TILE_SQL.format(
        columns=", ".join(f"t.{column}" for column in layer.columns),
        table=layer.table,
        where=layer.where,
        version=DATA_VERSION_SQL,
    )
    params = {
        **layer.params,
        "policy": policy_id,
        "z": z,
        "x": x,
        "y": y,
        "margin": BUFFER / EXTENT,
        "extent": EXTENT,
        "buffer": BUFFER,
        "layer": layer.name,
    }
    tile, version = _fetch(sql, params)
    return bytes(tile or b""), version


def bounds(layer: Layer, policy_id: int | None) -> list[float] | None:
    """[west, south, east, north] of the layer's features, within Web Mercator's reach."""
    sql = EXTENT_SQL.format(table=layer.table, where=layer.where)
    row = _fetch(sql, {**layer.params, "policy": policy_id})
    if not row or row[0] is None:
        return None
    west, south, east, north = row
    south, north = (max(-MERCATOR_LAT, min(MERCATOR_LAT, lat)) for lat in (south, north))
    return [round(west, 6), round(south, 6), round(east, 6), round(north, 6)]
