"""What the policy rests on: sources (quotes and citations), assumptions, weapons, targets."""

from django.contrib.gis.db import models
from simple_history.models import HistoricalRecords

from mapsite.languages import DEFAULT
from mapsite.zones.models.translations import Translated


def _choices(pairs) -> list[tuple[str, tuple[str, str]]]:
    """(value, label) pairs as the functional TextChoices API takes them."""
    return [(value.upper().replace("-", "_"), (value, label)) for value, label in pairs]


def render_parameters(text: str, **values) -> str:
    """`text` with each `{name}` replaced by the number given for it ("84", "300")."""
    for name, value in values.items():
        if value is not None:
            text = text.replace("{" + name + "}", f"{value:g}")
    return text


class Source(models.Model):
    """A quote from the report, or the citation an assumption rests on."""

    class Kind(models.TextChoices):
        REPORT = "report", "Quote from the report"
        LATER_REPORT = "later-report", "Quote from a later report (stored copy checked)"
        REFERENCE = "reference", "Outside reference for an assumption"
        EDITORIAL = "editorial", "Editors' note"

    slug = models.SlugField(max_length=80, unique=True)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.REPORT)
    publisher = models.CharField(max_length=120)
    speaker = models.CharField(max_length=200, blank=True)
    quote = models.TextField(blank=True)
    date = models.DateField(null=True, blank=True)
    url = models.URLField(max_length=500, blank=True)
    note = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["slug"]

    def __str__(self) -> str:
        return f"{self.publisher}: {self.quote[:60] or self.note[:60]}"

    def as_dict(self) -> dict:
        return {
            "slug": self.slug,
            "kind": self.kind,
            "publisher": self.publisher,
            "speaker": self.speaker,
            "quote": self.quote,
            "date": self.date.isoformat() if self.date else None,
            "url": self.url or None,
            "note": self.note,
        }


class Assumption(Translated):
    """Something the report does not say that the map still has to decide."""

    TRANSLATABLE = ("title", "statement")

    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=200)
    statement = models.TextField()
    value = models.FloatField(null=True, blank=True)
    unit = models.CharField(max_length=20, blank=True)
    sources = models.ManyToManyField(Source, blank=True, related_name="assumptions")
    history = HistoricalRecords()

    class Meta:
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.title

    def render(self, depth_km: float | None = None, lang: str = DEFAULT) -> str:
        """The statement (in `lang`) with its parameters filled in: `{value}` is the
        assumption's own, `{depth_km}` the depth of the zone it is shown for (so no number
        is typed twice)."""
        statement = self.translated("statement", lang)
        return render_parameters(statement, value=self.value, depth_km=depth_km)

    @property
    def states_depth(self) -> bool:
        """Whether the statement is about a zone's depth (its text has `{depth_km}`)."""
        return "{depth_km}" in self.statement

    def shown_value(self, depth_km: float | None = None) -> float | None:
        """The number the assumption states: its own, else the zone's depth if it is about
        that depth; None for an assumption about something else (a date, say)."""
        if self.value is not None:
            return self.value
        return depth_km if self.states_depth else None

    def as_dict(self, depth_km: float | None = None, lang: str = DEFAULT) -> dict:
        return {
            "slug": self.slug,
            "title": self.translated("title", lang),
            "statement": self.render(depth_km, lang),
            "value": self.shown_value(depth_km),
            "unit": self.unit,
            "sources": [source.as_dict() for source in self.sources.all()],
        }


class WeaponSystem(Translated):
    """A US-provided weapon the policy names or implies."""

    TRANSLATABLE = ("name", "description")

    class Category(models.TextChoices):
        ROCKET = "rocket", "Rockets and rocket launchers"
        LONG_RANGE_MISSILE = "long-range-missile", "Long-range missile"

    slug = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=120)
    supplier = models.CharField(
        max_length=60, default="United States", help_text="The government that supplies it."
    )
    category = models.CharField(max_length=20, choices=Category.choices)
    range_km = models.FloatField(help_text="Reach used on the map, in km (an assumption).")
    nominal_range_km = models.FloatField(null=True, blank=True)
    range_assumption = models.ForeignKey(
        Assumption, on_delete=models.PROTECT, related_name="weapons"
    )
    description = models.TextField(blank=True)
    sources = models.ManyToManyField(Source, blank=True, related_name="weapons")
    sort_order = models.PositiveSmallIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["sort_order", "slug"]

    def __str__(self) -> str:
        return self.name


class TargetCategory(Translated):
    """What a strike is aimed at, as the report describes it."""

    TRANSLATABLE = ("name", "description")

    slug = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=120)
    is_counter_fire = models.BooleanField(
        default=False, help_text="Russian forces attacking or preparing to attack Kharkiv."
    )
    description = models.TextField(blank=True)
    sources = models.ManyToManyField(Source, blank=True, related_name="targets")
    sort_order = models.PositiveSmallIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["sort_order", "slug"]
        verbose_name_plural = "target categories"

    def __str__(self) -> str:
        return self.name
