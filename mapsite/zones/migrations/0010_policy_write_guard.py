"""Policy versions get the zones' optimistic locking: a `version` the database bumps on every
change (its fields or its sources and assumptions), and a write from a copy older than the
stored row is refused with SQLSTATE MZ409, as for zones (migration 0007)."""

from django.db import migrations, models

LINK_TABLES = ["zones_policy_sources", "zones_policy_assumptions"]
# Columns the database keeps itself; a change to any other column is an edit.
KEPT = "ARRAY['version', 'updated_at']"

GUARD = f"""
CREATE OR REPLACE FUNCTION zones_policy_guard() RETURNS trigger AS $$
DECLARE
  changed boolean;
BEGIN
  IF TG_OP = 'INSERT' THEN
    NEW.version := 1;
    RETURN NEW;
  END IF;
  IF NEW.version < OLD.version THEN
    RAISE EXCEPTION 'policy % was changed after this copy of it was loaded', OLD.slug
      USING ERRCODE = 'MZ409',
            DETAIL = format('loaded at version %s; stored version %s', NEW.version, OLD.version);
  END IF;
  IF NEW.version > OLD.version THEN  -- a link changed (below): the bump is the database's own
    NEW.version := OLD.version + 1;
    RETURN NEW;
  END IF;
  changed := (to_jsonb(NEW) - {KEPT}) IS DISTINCT FROM (to_jsonb(OLD) - {KEPT});
  NEW.version := OLD.version + CASE WHEN changed THEN 1 ELSE 0 END;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION zones_policy_link_changed() RETURNS trigger AS $$
BEGIN
  UPDATE zones_policy SET version = version + 1 WHERE id IN (SELECT policy_id FROM changed);
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER zones_policy_guard BEFORE INSERT OR UPDATE ON zones_policy
  FOR EACH ROW EXECUTE FUNCTION zones_policy_guard();
"""  # noqa: S608 (constants only)

LINKS = [
    f"CREATE TRIGGER {t}_{op.lower()}_version AFTER {op} ON {t} "
    f"REFERENCING {'NEW' if op == 'INSERT' else 'OLD'} TABLE AS changed "
    f"FOR EACH STATEMENT EXECUTE FUNCTION zones_policy_link_changed();"
    for t in LINK_TABLES
    for op in ("INSERT", "DELETE")
]

BACKWARD = [
    *(
        f"DROP TRIGGER IF EXISTS {t}_{op}_version ON {t};"
        for t in LINK_TABLES
        for op in ("insert", "delete")
    ),
    "DROP TRIGGER IF EXISTS zones_policy_guard ON zones_policy;",
    "DROP FUNCTION IF EXISTS zones_policy_link_changed();",
    "DROP FUNCTION IF EXISTS zones_policy_guard();",
]


class Migration(migrations.Migration):
    dependencies = [("zones", "0009_policy_versions_and_rules")]

    operations = [
        migrations.AddField(
            model_name="historicalpolicy",
            name="version",
            field=models.PositiveIntegerField(default=1, editable=False),
        ),
        migrations.AddField(
            model_name="policy",
            name="version",
            field=models.PositiveIntegerField(default=1, editable=False),
        ),
        migrations.RunSQL([GUARD, *LINKS], BACKWARD),
    ]
