"""Policy versions and their zones, with the guards on every write to them."""

import contextlib

from django.contrib.gis.db import models
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateRangeField, RangeOperators
from django.db import DatabaseError, connection, transaction
from django.db.models import Deferrable, Q
from django.db.models.lookups import GreaterThanOrEqual, LessThanOrEqual
from django.dispatch import receiver
from django.utils import timezone
from simple_history.models import HistoricalRecords
from simple_history.signals import pre_create_historical_record

from mapsite.zones import vocabulary
from mapsite.zones.errors import STALE_ZONE_SQLSTATE, EditConflict
from mapsite.zones.models.evidence import (
    Assumption,
    Source,
    TargetCategory,
    WeaponSystem,
    _choices,
)
from mapsite.zones.models.translations import Translated
from mapsite.zones.querysets import PolicyQuerySet, ZoneManager, ZonePieceQuerySet

MAX_DEPTH_KM = 2000


def _extent(function: str) -> models.Func:
    return models.Func(models.F("geom"), function=function, output_field=models.FloatField())


# Every coordinate within lon ±180 / lat ±90: a plain expression, so the migration
# state never changes under it (a GEOS polygon here picks up an SRID when used).
WITHIN_WORLD = (
    Q(GreaterThanOrEqual(_extent("ST_XMin"), -180))
    & Q(LessThanOrEqual(_extent("ST_XMax"), 180))
    & Q(GreaterThanOrEqual(_extent("ST_YMin"), -90))
    & Q(LessThanOrEqual(_extent("ST_YMax"), 90))
)


class Policy(Translated):
    """One version of the US policy on where its weapons may be used."""

    TRANSLATABLE = ("title", "summary", "changes")

    Confidence = models.TextChoices("Confidence", _choices(vocabulary.CONFIDENCE.items()))

    slug = models.SlugField(max_length=60, unique=True)
    title = models.CharField(max_length=200)
    summary = models.TextField()
    government = models.CharField(
        max_length=60, default="United States", help_text="Whose policy this version is."
    )
    confidence = models.CharField(
        max_length=12,
        choices=Confidence.choices,
        default=Confidence.ON_RECORD,
        help_text="Disputed versions are shown but never applied as the rule.",
    )
    changes = models.TextField(blank=True, help_text="What changed from the previous version.")
    effective_from = models.DateField(
        null=True, blank=True, help_text="Empty: in force before any recorded change."
    )
    effective_to = models.DateField(null=True, blank=True, help_text="Empty: still in force.")
    published = models.BooleanField(
        default=True,
        help_text="A draft version is the editors' alone: not on the map, never applied.",
    )
    sources = models.ManyToManyField(Source, blank=True, related_name="policies")
    assumptions = models.ManyToManyField(Assumption, blank=True, related_name="policies")
    # Bumped by the database on every change (migration 0010), like Zone.version.
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    # Like zones, a version's history records its sources and assumptions with each change.
    LINK_FIELDS = ("sources", "assumptions")
    history = HistoricalRecords(m2m_fields=LINK_FIELDS)

    objects = PolicyQuerySet.as_manager()

    class Meta:
        ordering = [models.F("effective_from").asc(nulls_first=True)]
        verbose_name_plural = "policies"
        constraints = [
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True)
                | Q(effective_from__isnull=True)
                | Q(effective_to__gt=models.F("effective_from")),
                name="policy_dates_ordered",
            ),
            # One government's versions applied as the rule never overlap (the editors' and
            # the loader's checks say which; this is the backstop). Checked at commit, so a
            # change that moves two versions' dates at once may pass through an overlap.
            ExclusionConstraint(
                name="policy_versions_do_not_overlap",
                expressions=[
                    ("government", RangeOperators.EQUAL),
                    (
                        models.Func(
                            "effective_from",
                            "effective_to",
                            models.Value("[)"),
                            function="daterange",
                            output_field=DateRangeField(),
                        ),
                        RangeOperators.OVERLAPS,
                    ),
                ],
                condition=Q(published=True) & ~Q(confidence=vocabulary.DISPUTED),
                deferrable=Deferrable.DEFERRED,
                violation_error_message=(
                    "One government's versions applied as the rule may not overlap."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.title if self.published else f"{self.title} (draft)"

    def get_constraints(self):
        """Model validation leaves the overlap rule to the forms and the publish step, which
        name the version overlapped; the database still enforces it."""
        return [
            (model, [c for c in constraints if not isinstance(c, ExclusionConstraint)])
            for model, constraints in super().get_constraints()
        ]

    def save(self, *args, **kwargs):
        """Save; the database bumps `version` and refuses a stale copy (as for zones)."""
        _save_guarded(self, super().save, *args, **kwargs)
        self.refresh_from_db(fields=["version"])


def _save_guarded(obj, save, *args, **kwargs) -> None:
    """Run `save`, turning the write guard's refusal of a stale copy into EditConflict."""
    try:
        with transaction.atomic():
            save(*args, **kwargs)
    except DatabaseError as exc:
        if getattr(exc.__cause__, "sqlstate", None) == STALE_ZONE_SQLSTATE:
            raise EditConflict(conflict_message(obj.pk, type(obj))) from None
        raise


class Zone(Translated):
    """An area where the policy gives one answer."""

    TRANSLATABLE = ("name", "description", "condition", "approval")

    Kind = models.TextChoices("Kind", _choices(vocabulary.ZONE_KINDS))
    Status = models.TextChoices(
        "Status", _choices((s.slug, s.label) for s in vocabulary.ZONE_STATUSES)
    )

    class Derivation(models.TextChoices):
        DRAWN = "drawn", "Drawn by an editor"
        COUNTRY = "country", "A whole country"
        WITHIN_DEPTH = "within-depth", "Part of a country within a depth of a border segment"
        REMAINDER = "remainder", "The rest of a country after the policy's other zones"
        OBLAST = "oblast", "A whole oblast"

    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    status = models.CharField(max_length=20, choices=Status.choices)
    policy = models.ForeignKey(Policy, on_delete=models.PROTECT, related_name="zones")
    description = models.TextField(blank=True)
    geom = models.MultiPolygonField(srid=4326)
    derivation = models.CharField(
        max_length=20, choices=Derivation.choices, default=Derivation.DRAWN
    )
    country = models.CharField(
        max_length=40, blank=True, help_text="Reference country the zone is cut from."
    )
    measured_from = models.CharField(
        max_length=80, blank=True, help_text="Reference line the depth is measured from."
    )
    depth_km = models.FloatField(null=True, blank=True)
    border_oblasts = models.CharField(
        max_length=200,
        blank=True,
        help_text="Within-depth zones: measure only from the stretch of the reference line "
        "along these oblasts (comma-separated slugs); empty for the whole line.",
    )
    condition = models.CharField(
        max_length=120,
        blank=True,
        help_text="For a conditional zone, the condition in a few words: "
        "“Counter-fire only”, “Military targets only”.",
    )
    approval = models.CharField(
        max_length=200,
        blank=True,
        help_text="An approval every strike needs that nobody outside can see, "
        "e.g. “the Pentagon's approval of each strike”; empty if none.",
    )
    permitted_weapons = models.ManyToManyField(
        WeaponSystem, blank=True, related_name="permitted_in"
    )
    prohibited_weapons = models.ManyToManyField(
        WeaponSystem, blank=True, related_name="prohibited_in"
    )
    permitted_targets = models.ManyToManyField(
        TargetCategory, blank=True, related_name="permitted_in"
    )
    prohibited_targets = models.ManyToManyField(
        TargetCategory, blank=True, related_name="prohibited_in"
    )
    sources = models.ManyToManyField(Source, blank=True, related_name="zones")
    assumptions = models.ManyToManyField(Assumption, blank=True, related_name="zones")
    # All of the zone's many-to-many links: what a draft copies, history records, editors set.
    LINK_FIELDS = (
        "permitted_weapons",
        "prohibited_weapons",
        "permitted_targets",
        "prohibited_targets",
        "sources",
        "assumptions",
    )
    published = models.BooleanField(default=True)
    draft_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="drafts"
    )
    edited = models.BooleanField(
        default=False, help_text="Changed by an editor; load_geo_data leaves it alone."
    )
    area_km2 = models.FloatField(null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    based_on_version = models.PositiveIntegerField(
        null=True,
        blank=True,
        editable=False,
        help_text="For a draft: the published zone's version it was made from.",
    )
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(
        excluded_fields=["area_km2"],
        m2m_fields=LINK_FIELDS,
    )

    objects = ZoneManager()

    class Meta:
        ordering = ["policy__effective_from", "kind", "slug"]
        indexes = [models.Index(fields=["policy", "published"])]
        constraints = [
            models.CheckConstraint(condition=Q(geom__isvalid=True), name="zone_geom_valid"),
            models.CheckConstraint(condition=WITHIN_WORLD, name="zone_geom_in_bounds"),
            models.CheckConstraint(
                condition=Q(depth_km__isnull=True) | Q(depth_km__gt=0, depth_km__lte=MAX_DEPTH_KM),
                name="zone_depth_in_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name if self.is_published else f"{self.name} (draft)"

    @property
    def is_published(self) -> bool:
        """Published and not a draft (`querysets.PUBLISHED` is the same rule for queries)."""
        return bool(self.published) and self.draft_of_id is None

    @property
    def is_draft(self) -> bool:
        return not self.is_published

    def save(self, *args, **kwargs):
        """Save; the database bumps `version`, marks the zone `edited` and refuses a stale copy.

        The trigger (migration 0007) does this for every write, from here, a queryset
        update or raw SQL; this method turns its refusal into EditConflict and reads back
        what the database stored.
        """
        _save_guarded(self, super().save, *args, **kwargs)
        self.refresh_from_db(fields=STORED_BY_DATABASE)


# What the zones_zone trigger sets on every write.
STORED_BY_DATABASE = ["version", "edited", "area_km2"]


def changed_by(zone_id: int, model=None) -> str:
    """'<user> at <time>' for the latest recorded change to a zone (or a policy version)."""
    model = model or Zone
    record = model.history.filter(id=zone_id).select_related("history_user").first()
    if record is None:
        return "someone"
    user = record.history_user.get_username() if record.history_user else "the bundled data's load"
    when = timezone.localtime(record.history_date).strftime("%Y-%m-%d %H:%M:%S %Z")
    return f"{user} at {when}"


def conflict_message(zone_id: int, model=None) -> str:
    """The refusal of a stale write, the same for zones and policy versions."""
    what = "policy version" if model is Policy else "zone"
    return (
        f"This {what} was changed by {changed_by(zone_id, model)} after you opened it; reload "
        "to see their changes — your edit was not saved."
    )


@receiver(pre_create_historical_record)
def _record_what_the_database_stored(sender, instance, history_instance, **kwargs):
    """History keeps the version and edited mark the trigger set, not the stale copy's."""
    stored = {Zone: STORED_BY_DATABASE, Policy: ["version"]}.get(type(instance))
    if stored is None or instance.pk is None:
        return
    row = type(instance).objects.filter(pk=instance.pk).values(*stored).first()
    for name, value in (row or {}).items():
        setattr(instance, name, value)
        if hasattr(history_instance, name):
            setattr(history_instance, name, value)


@contextlib.contextmanager
def bundled_data_load():
    """Writes inside are the bundled data's own: zones keep `edited` as the loader sets it.

    Needs a transaction (the setting is local to it), as load_geo_data runs in one.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('mapsite.loading', 'on', true)")
    try:
        yield
    finally:
        with contextlib.suppress(DatabaseError), connection.cursor() as cursor:
            cursor.execute("SELECT set_config('mapsite.loading', '', true)")


class ZonePiece(models.Model):
    """A small piece of a zone (ST_Subdivide) so point lookups touch little geometry."""

    zone = models.ForeignKey(Zone, on_delete=models.CASCADE, related_name="pieces")
    geom = models.PolygonField(srid=4326)

    objects = ZonePieceQuerySet.as_manager()
