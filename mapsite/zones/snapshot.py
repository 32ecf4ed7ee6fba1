"""An in-process copy of the published policy data (no geometry), refreshed on change.

Every write to the policy tables bumps `zones_dataversion` (a database trigger).
Each worker re-reads that one row at most every POLICY_CACHE_SECONDS; when it has
moved, the worker drops its snapshot and every response cached against it. A
published edit therefore reaches every worker within that many seconds, and drafts (of
zones and of whole versions) never enter the snapshot at all.

The data's words come in each language of mapsite.languages: `in_language(lang)` is the
same snapshot with names, titles, summaries and assumptions in that language (English
where a row has no translation), built once per data version and language, with caches of
its own; quotes stay as said, each source marked with the language of its quote.
"""

import dataclasses
import threading
import time
from dataclasses import dataclass, field
from functools import cached_property

from django.conf import settings

from mapsite.languages import DEFAULT, QUOTE_LANG, TRANSLATED
from mapsite.zones import heap, vocabulary
from mapsite.zones.models import DataVersion, Policy, Source, TargetCategory, WeaponSystem, Zone


@dataclass
class ZoneInfo:
    id: int
    slug: str
    name: str
    kind: str
    status: str
    policy_slug: str
    description: str
    depth_km: float | None
    area_km2: float | None
    permitted_weapons: list[str]
    prohibited_weapons: list[str]
    permitted_targets: list[str]
    prohibited_targets: list[str]
    sources: list[dict]
    assumptions: list[dict]
    condition: str = ""
    approval: str = ""
    # Per translated language, the fields above in that language (see Snapshot.in_language).
    localized: dict = field(default_factory=dict, repr=False)

    def summary(self) -> dict:
        return {"slug": self.slug, "name": self.name, "kind": self.kind, "status": self.status}


@dataclass
class PolicyInfo:
    id: int
    slug: str
    title: str
    summary: str
    effective_from: object
    effective_to: object
    sources: list[dict]
    assumptions: list[dict]
    confidence: str = "on_record"
    government: str = "United States"
    changes: str = ""
    localized: dict = field(default_factory=dict, repr=False)

    def as_dict(self) -> dict:
        return {
            "slug": self.slug,
            "title": self.title,
            "effective_from": self.effective_from.isoformat() if self.effective_from else None,
            "effective_to": self.effective_to.isoformat() if self.effective_to else None,
            "when": vocabulary.period_in_words(self.effective_from, self.effective_to),
            "confidence": self.confidence,
            "government": self.government,
        }

    @property
    def disputed(self) -> bool:
        return self.confidence == vocabulary.DISPUTED

    def in_force(self, day) -> bool:
        """Whether this version was the rule on `day` (a disputed version never is)."""
        if self.disputed:
            return False
        return (self.effective_from is None or self.effective_from <= day) and (
            self.effective_to is None or day < self.effective_to
        )


@dataclass
class Snapshot:
    version: int
    policies: list[PolicyInfo]
    zones: dict[int, ZoneInfo]
    weapons: dict[str, dict]
    targets: dict[str, dict]
    responses: dict = field(default_factory=dict)

    known_as_of: object = None
    lang: str = DEFAULT

    def in_language(self, lang: str) -> "Snapshot":
        """This snapshot with the data's words in `lang` (itself for English or an unknown
        language). Its `responses` are its own: whatever it caches is in that language."""
        if lang == self.lang or lang not in TRANSLATED:
            return self
        key = ("in-language", lang)
        localized = self.responses.get(key)
        if localized is None:
            localized = self.responses[key] = Snapshot(
                self.version,
                [dataclasses.replace(p, **p.localized[lang]) for p in self.policies],
                {i: dataclasses.replace(z, **z.localized[lang]) for i, z in self.zones.items()},
                {slug: {**w, **w["localized"][lang]} for slug, w in self.weapons.items()},
                {slug: {**t, **t["localized"][lang]} for slug, t in self.targets.items()},
                known_as_of=self.known_as_of,
                lang=lang,
            )
        return localized

    def policy_on(self, day) -> PolicyInfo | None:
        on_day = self.responses.setdefault("policy-on", {})
        if day not in on_day:
            in_force = [policy for policy in self.policies if policy.in_force(day)]
            on_day[day] = in_force[-1] if in_force else None
        return on_day[day]

    @cached_property
    def weapon_slugs(self) -> list[str]:
        return sorted(self.weapons)

    @cached_property
    def target_slugs(self) -> list[str]:
        return sorted(self.targets)

    def disputed_by(self, day) -> list[PolicyInfo]:
        """Disputed versions reported to start on or before `day`: named, never applied."""
        return [
            p for p in self.policies if p.disputed and p.effective_from and p.effective_from <= day
        ]


def _build(version: int) -> Snapshot:
    snap = Snapshot(version, _policies(), _zones(), _weapons(), _targets())
    snap.known_as_of = _known_as_of()
    return snap


def _known_as_of():
    """The newest source's date, leaving out sources only draft versions cite."""
    draft_only = Source.objects.filter(policies__published=False).exclude(policies__published=True)
    newest = (
        Source.objects.filter(date__isnull=False)
        .exclude(pk__in=draft_only)
        .order_by("-date")
        .values_list("date", flat=True)
    )
    return newest.first()


def _depths() -> dict[int, float]:
    """The depth the public zones give each depth assumption, for a policy's own list."""
    depths: dict[int, float] = {}
    public_with_depth = Zone.objects.public().filter(depth_km__isnull=False)
    for assumption_id, depth in Zone.assumptions.through.objects.filter(
        zone__in=public_with_depth
    ).values_list("assumption_id", "zone__depth_km"):
        depths.setdefault(assumption_id, depth)
    return depths


def _quoted(sources: list[dict]) -> list[dict]:
    """Sources as a translated answer gives them: each says its quote's language."""
    return [{**source, "quote_lang": QUOTE_LANG} for source in sources]


def _localized(row, lang: str, sources: list[dict], assumptions) -> dict:
    """A row's translated fields in `lang`, its sources marked, its assumptions in `lang`
    (`assumptions(lang)` gives them)."""
    return {
        **row.translated_fields(lang),
        "sources": _quoted(sources),
        "assumptions": assumptions(lang),
    }


def _policies() -> list[PolicyInfo]:
    depths = _depths()
    infos = []
    for p in Policy.objects.public().prefetch_related("sources", "assumptions__sources"):
        sources = [s.as_dict() for s in p.sources.all()]

        def assumptions(lang=DEFAULT, p=p):
            return [a.as_dict(depths.get(a.pk), lang) for a in p.assumptions.all()]

        infos.append(
            PolicyInfo(
                id=p.pk,
                slug=p.slug,
                title=p.title,
                summary=p.summary,
                effective_from=p.effective_from,
                effective_to=p.effective_to,
                sources=sources,
                assumptions=assumptions(),
                confidence=p.confidence,
                government=p.government,
                changes=p.changes,
                localized={lang: _localized(p, lang, sources, assumptions) for lang in TRANSLATED},
            )
        )
    return infos


def _zones() -> dict[int, ZoneInfo]:
    """The public zones, by id."""
    queryset = (
        Zone.objects.public()
        .select_related("policy")
        .defer("geom")
        .prefetch_related(*Zone.LINK_FIELDS, "assumptions__sources")  # as_dict() cites sources
    )
    infos = {}
    for z in queryset:
        sources = [s.as_dict() for s in z.sources.all()]

        def assumptions(lang=DEFAULT, z=z):
            return [a.as_dict(z.depth_km, lang) for a in z.assumptions.all()]

        infos[z.pk] = ZoneInfo(
            id=z.pk,
            slug=z.slug,
            name=z.name,
            kind=z.kind,
            status=z.status,
            policy_slug=z.policy.slug,
            description=z.description,
            depth_km=z.depth_km,
            area_km2=z.area_km2,
            permitted_weapons=[w.slug for w in z.permitted_weapons.all()],
            prohibited_weapons=[w.slug for w in z.prohibited_weapons.all()],
            permitted_targets=[t.slug for t in z.permitted_targets.all()],
            prohibited_targets=[t.slug for t in z.prohibited_targets.all()],
            sources=sources,
            assumptions=assumptions(),
            condition=z.condition,
            approval=z.approval,
            localized={lang: _localized(z, lang, sources, assumptions) for lang in TRANSLATED},
        )
    return infos


def _weapons() -> dict[str, dict]:
    """The weapons by slug; `localized` holds each translated language's words (the
    snapshot in that language merges them in)."""
    weapons = {}
    for w in WeaponSystem.objects.select_related("range_assumption").prefetch_related(
        "sources", "range_assumption__sources"
    ):
        sources = [s.as_dict() for s in w.sources.all()]
        weapons[w.slug] = {
            "slug": w.slug,
            "name": w.name,
            "supplier": w.supplier,
            "category": w.category,
            "range_km": w.range_km,
            "nominal_range_km": w.nominal_range_km,
            "range_assumption": w.range_assumption.as_dict(),
            "sources": sources,
            "localized": {
                lang: {
                    "name": w.translated("name", lang),
                    "range_assumption": w.range_assumption.as_dict(None, lang),
                    "sources": _quoted(sources),
                }
                for lang in TRANSLATED
            },
        }
    return weapons


def _targets() -> dict[str, dict]:
    targets = {}
    for t in TargetCategory.objects.prefetch_related("sources"):
        sources = [s.as_dict() for s in t.sources.all()]
        targets[t.slug] = {
            "slug": t.slug,
            "name": t.name,
            "is_counter_fire": t.is_counter_fire,
            "description": t.description,
            "sources": sources,
            "localized": {
                lang: {**t.translated_fields(lang), "sources": _quoted(sources)}
                for lang in TRANSLATED
            },
        }
    return targets


class _Holder(threading.local):
    snapshot: Snapshot | None = None
    checked_at: float = 0.0


_holder = _Holder()


def data_version() -> int:
    return DataVersion.objects.current()


def current() -> Snapshot:
    """The snapshot for this worker, re-read when the data version has moved."""
    now = time.monotonic()
    snap = _holder.snapshot
    if snap is not None and now - _holder.checked_at < settings.POLICY_CACHE_SECONDS:
        return snap
    version = data_version()
    if snap is None or snap.version != version:
        snap = _build(version)
        _holder.snapshot = snap
        heap.settle()
    _holder.checked_at = now
    return snap


def forget() -> None:
    """Drop this thread's snapshot (tests, and after a write in the same thread)."""
    _holder.snapshot = None
    _holder.checked_at = 0.0
