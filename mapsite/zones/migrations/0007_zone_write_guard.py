"""Every write to a zone, whatever makes it, keeps the zone's invariants.

- `version` goes up by one when anything an editor sees changes, and a write from a copy
  older than the stored row is refused (SQLSTATE MZ409), so nobody overwrites work they
  have not seen;
- `edited` is set by any change but the bundled data's own load (which sets the
  transaction-local `mapsite.loading`), so load_geo_data leaves the edit alone; a change
  to a zone's links (weapons, targets, sources, assumptions) marks it edited too;
- `area_km2` is measured on the ellipsoid and the lookup pieces are cut again whenever
  the shape changes.
"""

from django.db import migrations

LINK_TABLES = [
    "zones_zone_permitted_weapons",
    "zones_zone_prohibited_weapons",
    "zones_zone_permitted_targets",
    "zones_zone_prohibited_targets",
    "zones_zone_sources",
    "zones_zone_assumptions",
]
# Columns the database keeps itself; a change to any other column is an edit.
KEPT = "ARRAY['version', 'edited', 'area_km2', 'updated_at']"
PIECE_VERTICES = 64

GUARD = f"""
CREATE OR REPLACE FUNCTION zones_zone_guard() RETURNS trigger AS $$
DECLARE
  loading boolean := coalesce(current_setting('mapsite.loading', true), '') = 'on';
  changed boolean;
BEGIN
  IF TG_OP = 'INSERT' THEN
    NEW.version := 1;
    NEW.edited := NEW.edited OR NOT loading;
    NEW.area_km2 := round((ST_Area(NEW.geom::geography) / 1e6)::numeric, 1);
    RETURN NEW;
  END IF;
  IF NEW.version < OLD.version THEN
    RAISE EXCEPTION 'zone % was changed after this copy of it was loaded', OLD.slug
      USING ERRCODE = 'MZ409',
            DETAIL = format('loaded at version %s; stored version %s', NEW.version, OLD.version);
  END IF;
  changed := (to_jsonb(NEW) - {KEPT}) IS DISTINCT FROM (to_jsonb(OLD) - {KEPT});
  NEW.version := OLD.version + CASE WHEN changed THEN 1 ELSE 0 END;
  IF NOT loading THEN
    NEW.edited := NEW.edited OR OLD.edited OR changed;
  END IF;
  IF ST_AsEWKB(NEW.geom) IS DISTINCT FROM ST_AsEWKB(OLD.geom) THEN
    NEW.area_km2 := round((ST_Area(NEW.geom::geography) / 1e6)::numeric, 1);
  ELSE
    NEW.area_km2 := OLD.area_km2;
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION zones_zone_pieces() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND ST_AsEWKB(NEW.geom) IS NOT DISTINCT FROM ST_AsEWKB(OLD.geom) THEN
    RETURN NULL;
  END IF;
  DELETE FROM zones_zonepiece WHERE zone_id = NEW.id;
  INSERT INTO zones_zonepiece (zone_id, geom)
    SELECT NEW.id, (ST_Dump(ST_Subdivide(NEW.geom, {PIECE_VERTICES}))).geom;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION zones_zone_link_edited() RETURNS trigger AS $$
BEGIN
  IF coalesce(current_setting('mapsite.loading', true), '') <> 'on' THEN
    UPDATE zones_zone SET edited = true
     WHERE NOT edited AND id IN (SELECT zone_id FROM changed);
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER zones_zone_guard BEFORE INSERT OR UPDATE ON zones_zone
  FOR EACH ROW EXECUTE FUNCTION zones_zone_guard();
CREATE TRIGGER zones_zone_pieces AFTER INSERT OR UPDATE OF geom ON zones_zone
  FOR EACH ROW EXECUTE FUNCTION zones_zone_pieces();
"""

LINKS = [
    f"CREATE TRIGGER {t}_{op.lower()}_edited AFTER {op} ON {t} "
    f"REFERENCING {'NEW' if op == 'INSERT' else 'OLD'} TABLE AS changed "
    f"FOR EACH STATEMENT EXECUTE FUNCTION zones_zone_link_edited();"
    for t in LINK_TABLES
    for op in ("INSERT", "DELETE")
]

BACKWARD = [
    *(f"DROP TRIGGER IF EXISTS {t}_{op}_edited ON {t};" for t in LINK_TABLES for op in ("insert", "delete")),
    "DROP TRIGGER IF EXISTS zones_zone_pieces ON zones_zone;",
    "DROP TRIGGER IF EXISTS zones_zone_guard ON zones_zone;",
    "DROP FUNCTION IF EXISTS zones_zone_link_edited();",
    "DROP FUNCTION IF EXISTS zones_zone_pieces();",
    "DROP FUNCTION IF EXISTS zones_zone_guard();",
]


class Migration(migrations.Migration):
    dependencies = [("zones", "0006_zone_bounds_as_extent")]

    operations = [migrations.RunSQL([GUARD, *LINKS], BACKWARD)]
