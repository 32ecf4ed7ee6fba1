"""Spatial queries on zones; PostGIS does the geometry work."""

import datetime as dt

from django.db import connection
from django.db.models import Q, QuerySet


class ZoneQuerySet(QuerySet):
    def published(self) -> "ZoneQuerySet":
        return self.filter(published=True, draft_of__isnull=True)

    def in_force(self, day: dt.date) -> "ZoneQuerySet":
        """Zones of the policy versions in force on `day`."""
        return self.filter(
            Q(policy__effective_from__isnull=True) | Q(policy__effective_from__lte=day),
            Q(policy__effective_to__isnull=True) | Q(policy__effective_to__gt=day),
        )

    def rebuild_pieces(self, max_vertices: int = 64) -> None:
        """Cut each zone into small pieces for fast point lookups, and measure its area."""
        ids = list(self.values_list("pk", flat=True))
        if not ids:
            return
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM zones_zonepiece WHERE zone_id = ANY(%s)", [ids])
            cursor.execute(
                """
                INSERT INTO zones_zonepiece (zone_id, geom)
                SELECT id, (ST_Dump(ST_Subdivide(geom, %s))).geom
                FROM zones_zone WHERE id = ANY(%s)
                """,
                [max_vertices, ids],
            )
            cursor.execute(
                """
                UPDATE zones_zone
                SET area_km2 = round((ST_Area(geom::geography) / 1e6)::numeric, 1)
                WHERE id = ANY(%s)
                """,
                [ids],
            )


# For each zone of a policy version, the status the version before gave at a point
# inside it: where they differ, the area changed on the version's first day.
STATUS_CHANGES_SQL = """
SELECT z.slug, z.name, z.status, before.status
FROM zones_zone z
CROSS JOIN LATERAL (
  SELECT p.status
  FROM zones_zonepiece piece JOIN zones_zone p ON p.id = piece.zone_id
  WHERE p.policy_id = %(before)s AND p.published AND p.draft_of_id IS NULL
    AND ST_Intersects(piece.geom, ST_PointOnSurface(z.geom))
  ORDER BY CASE p.status WHEN 'prohibited' THEN 0 WHEN 'restricted' THEN 1 ELSE 2 END
  LIMIT 1
) before
WHERE z.policy_id = %(policy)s AND z.published AND z.draft_of_id IS NULL
  AND z.status <> before.status
ORDER BY z.slug
"""


def status_changes(before_policy_id: int, policy_id: int) -> list[tuple[str, str, str, str]]:
    """The areas whose status changed between two policy versions, by zone slug.

    For each published zone of `policy_id`: (slug, name, status, status before), where
    the published zones of `before_policy_id` gave another status at a point inside it
    (the strictest, where several overlap).
    """
    with connection.cursor() as cursor:
        cursor.execute(STATUS_CHANGES_SQL, {"before": before_policy_id, "policy": policy_id})
        return cursor.fetchall()


def derived_geometry(
    derivation: str,
    country: str,
    measured_from: str = "",
    depth_km: float | None = None,
    exclude_zone_ids: list[int] | None = None,
    policy_id: int | None = None,
):
    """EWKB of a derived zone shape, computed in PostGIS on the ellipsoid.

    - country: the whole reference country;
    - within-depth: the part of the country within depth_km of a reference line
      (a geography buffer, so the depth is in metres on the ellipsoid);
    - remainder: the country less the policy's other published zones.
    """
    from django.contrib.gis.geos import GEOSGeometry

    params: list = [country]
    if derivation == "country":
        sql = "SELECT ST_AsEWKB(ST_Multi(geom)) FROM zones_referencefeature WHERE slug = %s"
    elif derivation == "within-depth":
        sql = """
            SELECT ST_AsEWKB(ST_Multi(ST_CollectionExtract(ST_MakeValid(
                ST_Intersection(c.geom, ST_Buffer(l.geom::geography, %s, 'quad_segs=16')::geometry)
            ), 3)))
            FROM zones_referencefeature c, zones_referencefeature l
            WHERE c.slug = %s AND l.slug = %s
        """
        params = [depth_km * 1000.0, country, measured_from]
    elif derivation == "remainder":
        sql = """
            SELECT ST_AsEWKB(ST_Multi(ST_CollectionExtract(ST_MakeValid(ST_Difference(
                c.geom,
                COALESCE((SELECT ST_Union(z.geom) FROM zones_zone z
                          WHERE z.policy_id = %s AND z.published AND z.draft_of_id IS NULL
                            AND NOT z.id = ANY(%s)), 'GEOMETRYCOLLECTION EMPTY'::geometry)
            )), 3)))
            FROM zones_referencefeature c WHERE c.slug = %s
        """
        params = [policy_id, exclude_zone_ids or [], country]
    else:
        raise ValueError(f"zones drawn by hand have no derivation: {derivation!r}")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if not row or row[0] is None:
        raise LookupError(f"reference feature missing for {derivation} of {country!r}")
    geom = GEOSGeometry(memoryview(bytes(row[0])))
    geom.srid = 4326
    return geom
