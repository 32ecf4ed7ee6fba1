"""A reference layer for the neighbouring countries the outline basemap draws as land
(geo_data/layers/neighbours.geojson): `neighbour`, kept apart from `country` so that the
policy's zones, verdicts and figures read Ukraine and Russia only. Choices only: no SQL."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("zones", "0016_translations"),
    ]

    operations = [
        migrations.AlterField(
            model_name="referencefeature",
            name="layer",
            field=models.CharField(
                choices=[
                    ("country", "Country"),
                    ("oblast", "Oblast"),
                    ("border", "Border line"),
                    ("neighbour", "Neighbouring country (basemap only)"),
                ],
                max_length=20,
            ),
        ),
    ]
