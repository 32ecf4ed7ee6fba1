"""Stored pages' addresses can be long (tracking parameters included)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('zones', '0011_policy_drafts'),
    ]

    operations = [
        migrations.AlterField(
            model_name='historicalsource',
            name='url',
            field=models.URLField(blank=True, max_length=500),
        ),
        migrations.AlterField(
            model_name='source',
            name='url',
            field=models.URLField(blank=True, max_length=500),
        ),
    ]
