"""Figures per policy version: how much of Russia near the border each version opened.

For each version in force (disputed ones aside): the area of Russian territory where
the version permits some use of US-provided weapons (its permitted and conditional
areas in Russia, unioned), in km² on the WGS84 ellipsoid, and its share of Russian
territory within the ATACMS reach (300 km) of the whole Ukraine–Russia land border,
beside ISW's estimate for May 2024. Written to geo_data/policy/figures.json.
"""

import json
from pathlib import Path

from django.conf import settings
from django.db import connection

from mapsite.zones import vocabulary
from mapsite.zones.models import Assumption, Policy
from mapsite.zones.querysets import BORDER_SLUG, public_sql

FIGURES_PATH = Path(settings.BASE_DIR) / "geo_data" / "policy" / "figures.json"
ISW_SOURCES = ["newsaz-isw-16-percent", "bi-isw-16-percent"]
ISW_SHARE_PERCENT = 16

OPENED_SQL = f"""
WITH russia AS (SELECT geom FROM zones_referencefeature WHERE slug = 'russia'),
near AS (
  SELECT ST_Intersection(r.geom, ST_Buffer(b.geom::geography, %(reach)s)::geometry) AS geom
    FROM russia r, zones_referencefeature b WHERE b.slug = %(border)s
),
opened AS (
  SELECT ST_Intersection(ST_Union(z.geom), (SELECT geom FROM russia)) AS geom
    FROM zones_zone z
   WHERE z.policy_id = %(policy)s AND {public_sql("z")} AND z.kind <> 'ukraine'
     AND z.status IN ('permitted', 'conditional')
)
SELECT COALESCE(ST_Area(o.geom::geography), 0) / 1e6,
       COALESCE(ST_Area(ST_Intersection(o.geom, n.geom)::geography), 0) / 1e6,
       ST_Area(n.geom::geography) / 1e6
  FROM near n LEFT JOIN opened o ON true
"""  # noqa: S608 (constants only; the values are bound parameters)


def compute() -> dict:
    reach_km = Assumption.objects.get(slug="atacms-range").value
    versions = []
    near_km2 = None
    for policy in Policy.objects.public().exclude(confidence=vocabulary.DISPUTED):
        with connection.cursor() as cursor:
            cursor.execute(
                OPENED_SQL, {"reach": reach_km * 1000, "border": BORDER_SLUG, "policy": policy.pk}
            )
            opened, opened_near, near_km2 = cursor.fetchone()
        versions.append(
            {
                "policy": policy.slug,
                "title": policy.title,
                "from": policy.effective_from.isoformat() if policy.effective_from else None,
                "to": policy.effective_to.isoformat() if policy.effective_to else None,
                "confidence": policy.confidence,
                "opened_km2": round(opened),
                "opened_within_reach_km2": round(opened_near),
                "share_of_russia_within_reach_percent": round(100 * opened_near / near_km2, 1),
            }
        )
    return {
        "method": (
            "Per version: the union of its permitted and conditional areas in Russia, and its "
            f"intersection with Russian territory within {reach_km:g} km (the ATACMS range "
            "assumption) of the whole Ukraine–Russia land border; PostGIS geography buffer and "
            "areas on the WGS84 ellipsoid, rounded to whole km²."
        ),
        "russia_within_reach_km2": round(near_km2 or 0),
        "reach_km": reach_km,
        "isw": {
            "share_percent": ISW_SHARE_PERCENT,
            "sources": ISW_SOURCES,
            "note": (
                f"ISW's estimate for the May 2024 change: at most about {ISW_SHARE_PERCENT}% "
                "of the Russian territory within range of US-provided weapons; its method and the "
                "area it "
                "measured are not in the sources this map has, so the figures differ in kind."
            ),
        },
        "versions": versions,
    }


def write(path: Path = FIGURES_PATH) -> dict:
    figures = compute()
    path.write_text(json.dumps(figures, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return figures
