"""Bump the data version on every write to the policy tables (caches watch it)."""

from django.db import migrations

TABLES = [
    "zones_zone",
    "zones_zone_permitted_weapons",
    "zones_zone_prohibited_weapons",
    "zones_zone_permitted_targets",
    "zones_zone_prohibited_targets",
    "zones_zone_sources",
    "zones_zone_assumptions",
    "zones_policy",
    "zones_policy_sources",
    "zones_policy_assumptions",
    "zones_source",
    "zones_assumption",
    "zones_assumption_sources",
    "zones_weaponsystem",
    "zones_weaponsystem_sources",
    "zones_targetcategory",
    "zones_targetcategory_sources",
    "zones_referencefeature",
]

FUNCTION = """
CREATE OR REPLACE FUNCTION zones_bump_data_version() RETURNS trigger AS $$
BEGIN
  INSERT INTO zones_dataversion (id, version, changed_at) VALUES (1, 1, now())
  ON CONFLICT (id) DO UPDATE
    SET version = zones_dataversion.version + 1, changed_at = now();
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""

forward = [FUNCTION] + [
    f"CREATE TRIGGER {t}_bump AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {t} "
    f"FOR EACH STATEMENT EXECUTE FUNCTION zones_bump_data_version();"
    for t in TABLES
]
backward = [f"DROP TRIGGER IF EXISTS {t}_bump ON {t};" for t in TABLES] + [
    "DROP FUNCTION IF EXISTS zones_bump_data_version();"
]


class Migration(migrations.Migration):
    dependencies = [("zones", "0001_initial")]

    operations = [
        migrations.RunSQL(
            "INSERT INTO zones_dataversion (id, version, changed_at) VALUES (1, 1, now()) "
            "ON CONFLICT DO NOTHING;",
            migrations.RunSQL.noop,
        ),
        migrations.RunSQL(forward, backward),
    ]
