"""Place search: every GeoNames name of a place, its Ukrainian and Russian name, and a
trigram index on an immutable, unaccented, lower-cased form of each name.

PostgreSQL's `unaccent()` is STABLE (it reads its dictionary through the search path), so
an index cannot use it directly; `zones_place_search_form(text)` is the usual IMMUTABLE
wrapper, naming the dictionary and the function by schema. The SQL is copied here (not
imported from mapsite.zones.place_search) so that this migration stays as it ran.
"""

import django.db.models.deletion
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.operations import TrigramExtension, UnaccentExtension
from django.db import migrations, models

SEARCH_FORM = "zones_place_search_form"
CREATE_SEARCH_FORM = f"""
CREATE OR REPLACE FUNCTION {SEARCH_FORM}(text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$ SELECT translate(lower(public.unaccent('public.unaccent'::regdictionary, $1)),
                       '''"`', '') $$;
"""
DROP_SEARCH_FORM = f"DROP FUNCTION IF EXISTS {SEARCH_FORM}(text);"


class Migration(migrations.Migration):
    dependencies = [
        ("zones", "0014_zone_feature"),
    ]

    operations = [
        TrigramExtension(),
        UnaccentExtension(),
        migrations.RunSQL(CREATE_SEARCH_FORM, DROP_SEARCH_FORM),
        migrations.AddField(
            model_name="place",
            name="name_uk",
            field=models.CharField(blank=True, max_length=200, verbose_name="Ukrainian name"),
        ),
        migrations.AddField(
            model_name="place",
            name="name_ru",
            field=models.CharField(blank=True, max_length=200, verbose_name="Russian name"),
        ),
        migrations.AddField(
            model_name="place",
            name="admin1_name",
            field=models.CharField(blank=True, max_length=100, verbose_name="GeoNames region"),
        ),
        migrations.CreateModel(
            name="PlaceName",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=200)),
                (
                    "place",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="names",
                        to="zones.place",
                    ),
                ),
            ],
            options={
                "indexes": [
                    GinIndex(
                        OpClass(
                            django.db.models.Func(django.db.models.F("name"), function=SEARCH_FORM),
                            name="gin_trgm_ops",
                        ),
                        name="zones_placename_trgm",
                        fastupdate=False,
                    )
                ],
                "constraints": [
                    models.UniqueConstraint(fields=("place", "name"), name="zones_placename_unique")
                ],
            },
        ),
    ]
