"""Spatial queries on zones and their pieces; PostGIS does the geometry work.

A zone is "published" in its policy version when it is published and not a draft
(`PUBLISHED`, `published_sql`); editors' work (remainders, overlaps) is about those. It is
"public", what readers see, when its version is published too (`PUBLIC`, `public_sql`): a
draft version's zones go live with it. The SQL forms are for the raw SQL that remains (our own
SQL strings, never input).
"""

import math

import numpy as np
from django.db import connection
from django.db.models import Manager, Q, QuerySet

from mapsite.zones import vocabulary

PUBLISHED = Q(published=True, draft_of__isnull=True)
PUBLIC = PUBLISHED & Q(policy__published=True)
BORDER_SLUG = "ukraine-russia-border"


def published_sql(alias: str) -> str:
    """The SQL condition for a zone published in its version, its table aliased `alias`."""
    return f"{alias}.published AND {alias}.draft_of_id IS NULL"


def public_sql(alias: str) -> str:
    """The SQL condition for a zone readers see (its version published too)."""
    version_published = f"SELECT 1 FROM zones_policy pv WHERE pv.id = {alias}.policy_id"  # noqa: S608 (our own alias)
    return f"{published_sql(alias)} AND EXISTS ({version_published} AND pv.published)"


class ZoneQuerySet(QuerySet):
    def public(self) -> "ZoneQuerySet":
        """Zones readers see: published, not drafts, in a published version."""
        return self.filter(PUBLIC)

    def published(self) -> "ZoneQuerySet":
        """Zones published in their version (whether or not the version is)."""
        return self.filter(PUBLISHED)

    def not_published(self) -> "ZoneQuerySet":
        """Drafts: new zones not yet published and draft copies of published ones."""
        return self.exclude(PUBLISHED)


class PolicyQuerySet(QuerySet):
    def public(self) -> "PolicyQuerySet":
        """Versions readers see (drafts are the editors' alone)."""
        return self.filter(published=True)


# The zones a policy version changed: those with a part (over CHANGED_MIN_KM2) where the
# version before had no zone with the same rules (status, condition, approval and
# permitted weapons), and the status the version before gave at a point inside. The
# remainders ("the rest of Russia") only shrink as other areas grow, so they are left out.
CHANGED_MIN_KM2 = 1.0
STATUS_CHANGES_SQL = f"""
WITH rules AS (
  SELECT z.id, z.policy_id, z.slug, z.name, z.status, z.derivation, z.geom,
         concat_ws('|', z.status, z.condition, z.approval,
                   (SELECT string_agg(w.weaponsystem_id::text, ',' ORDER BY w.weaponsystem_id)
                      FROM zones_zone_permitted_weapons w WHERE w.zone_id = z.id)) AS rules
    FROM zones_zone z
   WHERE z.policy_id IN (%(before)s, %(policy)s) AND {public_sql("z")}
)
SELECT n.slug, n.name, n.status,
       (SELECT o.status FROM rules o
         WHERE o.policy_id = %(before)s AND ST_Intersects(o.geom, ST_PointOnSurface(n.geom))
         ORDER BY {vocabulary.status_order_sql("o.status")} LIMIT 1) AS was
  FROM rules n
 WHERE n.policy_id = %(policy)s AND n.derivation <> 'remainder'
   AND ST_Area(ST_Difference(n.geom, COALESCE(
         (SELECT ST_Union(o.geom) FROM rules o
           WHERE o.policy_id = %(before)s AND o.rules = n.rules),
         ST_SetSRID('GEOMETRYCOLLECTION EMPTY'::geometry, 4326)))::geography) / 1e6
       > {CHANGED_MIN_KM2}
 ORDER BY n.slug
"""  # noqa: S608 (constants only; the values are bound parameters)

# A border segment along some oblasts: the stretch of the reference line within this many
# metres (on the ellipsoid) of the oblasts' outlines, which follow the same border.
SEGMENT_TOLERANCE_M = 1000
WHOLE = "SELECT ST_AsEWKB(ST_Multi(geom)) FROM zones_referencefeature WHERE slug = %s"
DERIVED_SQL = {
    "country": WHOLE,
    "oblast": WHOLE,
    # The part of the country within depth_km of a reference line: a geography buffer,
    # so the depth is in metres on the ellipsoid.
    # Only the stretch along the oblasts named, if any.
    "within-depth": f"""
        WITH line AS (
          SELECT CASE WHEN cardinality(%s::text[]) = 0 THEN l.geom
                      ELSE ST_Intersection(l.geom, (
                        SELECT ST_Union(
                                 ST_Buffer(o.geom::geography, {SEGMENT_TOLERANCE_M})::geometry)
                          FROM zones_referencefeature o WHERE o.slug = ANY(%s::text[])))
                 END AS geom
            FROM zones_referencefeature l WHERE l.slug = %s
        )
        SELECT ST_AsEWKB(ST_Multi(ST_CollectionExtract(ST_MakeValid(
            ST_Intersection(c.geom, ST_Buffer(line.geom::geography, %s, 'quad_segs=16')::geometry)
        ), 3)))
        FROM zones_referencefeature c, line
        WHERE c.slug = %s AND NOT ST_IsEmpty(line.geom)
    """,  # noqa: S608 (constants only)
    # The country less the policy's other published zones.
    "remainder": f"""
        SELECT ST_AsEWKB(ST_Multi(ST_CollectionExtract(ST_MakeValid(ST_Difference(
            c.geom,
            COALESCE((SELECT ST_Union(z.geom) FROM zones_zone z
                      WHERE z.policy_id = %s AND {published_sql("z")}
                        AND NOT z.id = ANY(%s)), 'GEOMETRYCOLLECTION EMPTY'::geometry)
        )), 3)))
        FROM zones_referencefeature c WHERE c.slug = %s
    """,  # noqa: S608 (constants only)
}


# The published zones of the draft's version (not the zone it drafts, not the remainders,
# which regrow around whatever is published) that its shape overlaps, with the overlap's
# area measured on the ellipsoid.
OVERLAPS_SQL = f"""
SELECT z.name, ST_Area(ST_Intersection(z.geom, d.geom)::geography) / 1e6 AS km2
  FROM zones_zone d JOIN zones_zone z ON z.policy_id = d.policy_id
 WHERE d.id = %s AND z.id <> d.id AND z.id IS DISTINCT FROM d.draft_of_id
   AND {published_sql("z")} AND z.derivation <> 'remainder'
   AND ST_Intersects(z.geom, d.geom)
 ORDER BY km2 DESC, z.name
"""  # noqa: S608 (constants only; the id is a bound parameter)


class ZoneManager(Manager.from_queryset(ZoneQuerySet)):
    def status_changes(self, before_policy_id: int, policy_id: int) -> list[tuple]:
        """The zones of `policy_id` that changed from `before_policy_id` (see the SQL):
        (slug, name, status, status before at a point inside, the strictest)."""
        with connection.cursor() as cursor:
            cursor.execute(STATUS_CHANGES_SQL, {"before": before_policy_id, "policy": policy_id})
            return cursor.fetchall()

    def published_overlaps(self, draft_id: int) -> list[tuple[str, float]]:
        """(name, km²) of each published zone of a draft's version that its shape overlaps."""
        with connection.cursor() as cursor:
            cursor.execute(OVERLAPS_SQL, [draft_id])
            return cursor.fetchall()

    def derived_geometry(
        self,
        derivation: str,
        country: str,
        measured_from: str = "",
        depth_km: float | None = None,
        exclude_zone_ids: list[int] | None = None,
        policy_id: int | None = None,
        border_oblasts: list[str] | None = None,
    ):
        """A derived zone's shape (a MultiPolygon), computed in PostGIS on the ellipsoid."""
        from django.contrib.gis.geos import GEOSGeometry

        if derivation not in DERIVED_SQL:
            raise ValueError(f"zones drawn by hand have no derivation: {derivation!r}")
        oblasts = border_oblasts or []
        params = {
            "country": [country],
            "oblast": [country],
            "within-depth": [oblasts, oblasts, measured_from, (depth_km or 0) * 1000.0, country],
            "remainder": [policy_id, exclude_zone_ids or [], country],
        }[derivation]
        with connection.cursor() as cursor:
            cursor.execute(DERIVED_SQL[derivation], params)
            row = cursor.fetchone()
        if not row or row[0] is None:
            raise LookupError(f"reference feature missing for {derivation} of {country!r}")
        geom = GEOSGeometry(memoryview(bytes(row[0])))
        geom.srid = 4326
        return geom


# One statement: the public zones under the point, the distance to the border, and the
# other public zones within a radius. The && box only narrows the index scan; every
# distance is measured on the ellipsoid (geography).
LOOKUP_SQL = f"""
WITH pt AS (SELECT ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326) AS g)
SELECT
  (SELECT array_agg(DISTINCT z.id)
     FROM zones_zonepiece p JOIN zones_zone z ON z.id = p.zone_id, pt
    WHERE z.policy_id = %(policy)s AND {public_sql("z")}
      AND ST_Intersects(p.geom, pt.g)) AS inside,
  (SELECT ST_Distance(b.geom::geography, pt.g::geography)
     FROM zones_referencefeature b, pt WHERE b.slug = %(border)s) AS border_m,
  (SELECT json_agg(json_build_array(zone_id, metres))
     FROM (SELECT p.zone_id, min(ST_Distance(p.geom::geography, pt.g::geography)) AS metres
             FROM zones_zonepiece p JOIN zones_zone z ON z.id = p.zone_id, pt
            WHERE z.policy_id = %(policy)s AND {public_sql("z")}
              AND p.geom && ST_Expand(pt.g, %(box)s)
            GROUP BY p.zone_id) near
    WHERE metres <= %(radius)s) AS nearby
"""  # noqa: S608 (constants only; the values are bound parameters)


def box_degrees(lat: float, radius_km: float) -> float:
    """A box in degrees sure to hold everything within `radius_km` of a point at `lat`."""
    cos = max(math.cos(math.radians(min(abs(lat), 89.0))), 0.01)
    return radius_km / 110.0 / cos * 1.2


def metres_at_least(degrees, farthest_lat, slack_m: float):
    """A sure lower bound of the geodesic metres spanned by planar distances in lon/lat
    `degrees` no farther than `farthest_lat` from the equator (numbers or arrays): a degree
    is at least 110 km of latitude, and 110 km times that latitude's cosine of longitude;
    `slack_m` covers how far straight edges in degrees stray from the geodesics measured."""
    return degrees * 110_000.0 * np.cos(np.radians(np.minimum(farthest_lat, 89.0))) - slack_m


class ZonePieceQuerySet(QuerySet):
    def lookup_at(self, lon: float, lat: float, policy_id: int, radius_km: float):
        """At a point: the public zones of a policy version that hold it, the metres to the
        Ukraine–Russia border, and [zone id, metres] for public zones within `radius_km`."""
        with connection.cursor() as cursor:
            cursor.execute(
                LOOKUP_SQL,
                {
                    "lon": lon,
                    "lat": lat,
                    "policy": policy_id,
                    "border": BORDER_SLUG,
                    "box": box_degrees(lat, radius_km),
                    "radius": radius_km * 1000,
                },
            )
            inside, border_m, nearby = cursor.fetchone()
        return inside or [], border_m, nearby or []


# The data version every cache is tied to; also read inside other statements (tiles).
DATA_VERSION_SQL = "SELECT version FROM zones_dataversion WHERE id = 1"


class DataVersionQuerySet(QuerySet):
    def current(self) -> int:
        """The data version every cache is tied to (0 before the first migration's row)."""
        with connection.cursor() as cursor:
            cursor.execute(DATA_VERSION_SQL)
            row = cursor.fetchone()
        return row[0] if row else 0
