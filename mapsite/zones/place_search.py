"""Place search in the database: every name of a place, any script, typos forgiven.

Names are compared in one form, `zones_place_search_form(text)` (created by migration
0015): lower case, accents off as PostgreSQL's unaccent takes them (ё = е, é = e; й stays),
apostrophes and quotes dropped. A trigram GIN index on that form of every
`PlaceName` answers the first pass (prefix, similarity and word similarity); the second
ranks each place once, by its best-matching name: an exact name first, then a prefix,
then the closest names, with population and the ellipsoidal distance to the
Ukraine–Russia border as tie-breakers.
"""

from django.db.models import QuerySet

SEARCH_FORM = "zones_place_search_form"
BORDER_SLUG = "ukraine-russia-border"

CREATE_SEARCH_FORM = f"""
CREATE OR REPLACE FUNCTION {SEARCH_FORM}(text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$ SELECT translate(lower(public.unaccent('public.unaccent'::regdictionary, $1)),
                       '''"`', '') $$;
"""
DROP_SEARCH_FORM = f"DROP FUNCTION IF EXISTS {SEARCH_FORM}(text);"

# `%` and `<%` use pg_trgm's thresholds (similarity 0.3, word similarity 0.6, the
# defaults); both are index-backed, like the prefix LIKE.
SEARCH_SQL = """
WITH q AS (
  SELECT t, replace(replace(replace(t, '\\', '\\\\'), '%%', '\\%%'), '_', '\\_') || '%%' AS prefix
    FROM (SELECT zones_place_search_form(%(q)s) AS t) AS raw
),
hits AS (
  SELECT n.place_id, n.name, zones_place_search_form(n.name) AS form
    FROM zones_placename n, q
   WHERE zones_place_search_form(n.name) LIKE q.prefix
      OR zones_place_search_form(n.name) %% q.t
      OR q.t <%% zones_place_search_form(n.name)
),
ranked AS (
  SELECT h.place_id, h.name,
         CASE WHEN h.form = q.t THEN 0 WHEN h.form LIKE q.prefix THEN 1 ELSE 2 END AS tier,
         GREATEST(similarity(h.form, q.t), word_similarity(q.t, h.form)) AS score,
         h.name = p.name AS is_main,
         lower(h.name) = lower(%(q)s) AS as_typed
    FROM hits h JOIN zones_place p ON p.id = h.place_id, q
),
best AS (
  SELECT DISTINCT ON (place_id) place_id, name, tier, score, is_main
    FROM ranked
   ORDER BY place_id, tier, score DESC, is_main DESC, as_typed DESC, name
),
border AS (
  SELECT geom::geography AS line FROM zones_referencefeature WHERE slug = %(border)s
)
SELECT p.*,
       CASE WHEN best.is_main THEN NULL ELSE best.name END AS matched,
       best.tier AS match_tier,
       best.score AS match_score,
       ST_Distance(p.point::geography, border.line) AS border_m,
       COALESCE(
         (SELECT o.name FROM zones_referencefeature o
           WHERE o.layer = 'oblast' AND o.slug LIKE lower(p.country) || '-%%'
             AND ST_Covers(o.geom, p.point)
           ORDER BY o.slug LIMIT 1),
         NULLIF(p.admin1_name, '')
       ) AS oblast
  FROM best JOIN zones_place p ON p.id = best.place_id LEFT JOIN border ON true
 ORDER BY best.tier,
          CASE WHEN best.tier = 2 THEN -best.score ELSE 0 END,
          p.population DESC,
          border_m NULLS LAST,
          p.geonameid
 LIMIT %(limit)s
"""


class PlaceQuerySet(QuerySet):
    def search(self, q: str, limit: int = 10):
        """Places by any of their names, best first, each once (see the module docstring).

        Each place carries `matched` (the name that matched, None when its main name did),
        `oblast` (the covering oblast of the reference layer in the place's own country,
        else its GeoNames region, else None) and `border_m` (metres to the border line).
        """
        return list(self.raw(SEARCH_SQL, {"q": q, "limit": limit, "border": BORDER_SLUG}))
