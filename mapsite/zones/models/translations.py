"""Translations of a row's own words (names, titles, summaries), kept beside the English.

A model lists the fields it translates in `TRANSLATABLE`; `translations` holds
{"uk": {field: text}, "ru": {...}}, checked on every save. English is the row itself.
"""

from django.core.exceptions import ValidationError
from django.db import models

from mapsite.languages import DEFAULT, TRANSLATED


def translations_problem(value, fields: tuple[str, ...]) -> str | None:
    """What is wrong with `value` as translations of `fields`, or None."""
    if not isinstance(value, dict):
        return "translations must be an object of languages"
    for lang, texts in value.items():
        if lang not in TRANSLATED:
            return f"translations: unknown language {lang!r}; expected one of: " + ", ".join(
                TRANSLATED
            )
        if not isinstance(texts, dict):
            return f"translations.{lang} must be an object of field names"
        for name, text in texts.items():
            if name not in fields:
                known = ", ".join(fields)
                return f"translations.{lang}: {name!r} is not translated here; expected: {known}"
            if not isinstance(text, str):
                return f"translations.{lang}.{name} must be text"
    return None


class Translated(models.Model):
    """A model whose `TRANSLATABLE` fields may carry Ukrainian and Russian translations."""

    TRANSLATABLE: tuple[str, ...] = ()

    translations = models.JSONField(
        default=dict,
        blank=True,
        help_text='Translations of this row\'s words: {"uk": {"name": "…"}, "ru": {…}}.',
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        """Save, refusing translations of unknown languages or fields (ValidationError)."""
        problem = translations_problem(self.translations, self.TRANSLATABLE)
        if problem:
            raise ValidationError({"translations": problem})
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        problem = translations_problem(self.translations, self.TRANSLATABLE)
        if problem:
            raise ValidationError({"translations": problem})

    def translated(self, field: str, lang: str = DEFAULT) -> str:
        """`field` in `lang`, else in English (the row's own value)."""
        if lang != DEFAULT:
            text = (self.translations or {}).get(lang, {}).get(field)
            if text:
                return text
        return getattr(self, field)

    def translated_fields(self, lang: str) -> dict:
        """Every translatable field in `lang` (English where no translation is given)."""
        return {field: self.translated(field, lang) for field in self.TRANSLATABLE}
