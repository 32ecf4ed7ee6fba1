"""Translations of zones, policy versions, weapons, targets and assumptions (see
mapsite/zones/models/translations.py): one JSON object per row, English being the row itself."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("zones", "0015_place_search"),
    ]

    operations = [
        migrations.AddField(
            model_name="assumption",
            name="translations",
            field=models.JSONField(
                blank=True,
                default=dict,
                help_text='Translations of this row\'s words: {"uk": {"name": "…"}, "ru": {…}}.',
            ),
        ),
        migrations.AddField(
            model_name="historicalassumption",
            name="translations",
            field=models.JSONField(
                blank=True,
                default=dict,
                help_text='Translations of this row\'s words: {"uk": {"name": "…"}, "ru": {…}}.',
            ),
        ),
        migrations.AddField(
            model_name="historicalpolicy",
            name="translations",
            field=models.JSONField(
                blank=True,
                default=dict,
                help_text='Translations of this row\'s words: {"uk": {"name": "…"}, "ru": {…}}.',
            ),
        ),
        migrations.AddField(
            model_name="historicaltargetcategory",
            name="translations",
            field=models.JSONField(
                blank=True,
                default=dict,
                help_text='Translations of this row\'s words: {"uk": {"name": "…"}, "ru": {…}}.',
            ),
        ),
        migrations.AddField(
            model_name="historicalweaponsystem",
            name="translations",
            field=models.JSONField(
                blank=True,
                default=dict,
                help_text='Translations of this row\'s words: {"uk": {"name": "…"}, "ru": {…}}.',
            ),
        ),
        migrations.AddField(
            model_name="historicalzone",
            name="translations",
            field=models.JSONField(
                blank=True,
                default=dict,
                help_text='Translations of this row\'s words: {"uk": {"name": "…"}, "ru": {…}}.',
            ),
        ),
        migrations.AddField(
            model_name="policy",
            name="translations",
            field=models.JSONField(
                blank=True,
                default=dict,
                help_text='Translations of this row\'s words: {"uk": {"name": "…"}, "ru": {…}}.',
            ),
        ),
        migrations.AddField(
            model_name="targetcategory",
            name="translations",
            field=models.JSONField(
                blank=True,
                default=dict,
                help_text='Translations of this row\'s words: {"uk": {"name": "…"}, "ru": {…}}.',
            ),
        ),
        migrations.AddField(
            model_name="weaponsystem",
            name="translations",
            field=models.JSONField(
                blank=True,
                default=dict,
                help_text='Translations of this row\'s words: {"uk": {"name": "…"}, "ru": {…}}.',
            ),
        ),
        migrations.AddField(
            model_name="zone",
            name="translations",
            field=models.JSONField(
                blank=True,
                default=dict,
                help_text='Translations of this row\'s words: {"uk": {"name": "…"}, "ru": {…}}.',
            ),
        ),
    ]
