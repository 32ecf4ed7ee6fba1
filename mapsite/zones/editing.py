"""Editors' operations on zones: admin saves, drafts, publishing, reverts and imports.

`save_zone` checks the geometry (or derives it in PostGIS from the zone's parameters),
records who made the change and keeps the policy's `remainder` zones complementary.
The invariants of every write (the version bump, the `edited` mark, refusing a stale
copy, the area and the lookup pieces) live in the database, so a change made anywhere
else keeps them too; every write also bumps the data version, so the public map,
verdicts and exports pick it up at once. Drafts are never public.
"""

from django.db import transaction
from django.db.models import BooleanField, ExpressionWrapper

from mapsite.zones import validation
from mapsite.zones.errors import EditConflict, EditRefused
from mapsite.zones.models import MAX_DEPTH_KM, ReferenceFeature, Zone, changed_by, conflict_message
from mapsite.zones.querysets import PUBLISHED

__all__ = ["EditConflict", "EditRefused", "conflict_message", "save_zone"]

# What a draft carries and publishing copies onto the published zone (with Zone.LINK_FIELDS).
ZONE_FIELDS = (
    "name",
    "kind",
    "status",
    "policy",
    "description",
    "geom",
    "derivation",
    "country",
    "measured_from",
    "depth_km",
    "border_oblasts",
    "condition",
    "approval",
)


# --- Derived zones -----------------------------------------------------------------------


def parameter_problems(zone) -> dict[str, str]:
    """Missing or impossible parameters of a derived zone, by field name."""
    derivation = zone.derivation
    if derivation == Zone.Derivation.DRAWN:
        return {}
    problems = {}
    layer = (
        ReferenceFeature.Layer.OBLAST if derivation == "oblast" else ReferenceFeature.Layer.COUNTRY
    )
    if not zone.country:
        problems["country"] = f"A {derivation} zone needs the reference {layer} it is cut from."
    elif not ReferenceFeature.objects.filter(slug=zone.country, layer=layer).exists():
        known = ", ".join(
            ReferenceFeature.objects.filter(layer=layer).values_list("slug", flat=True)
        )
        problems["country"] = f"No reference {layer} {zone.country!r}; known: {known}."
    unknown = sorted(set(border_oblasts(zone)) - set(_oblast_slugs()))
    if unknown:
        problems["border_oblasts"] = (
            f"No reference oblast {', '.join(unknown)}; known: {', '.join(_oblast_slugs())}."
        )
    if derivation == Zone.Derivation.WITHIN_DEPTH:
        if not zone.measured_from:
            problems["measured_from"] = (
                "A within-depth zone needs the line its depth is measured from."
            )
        elif not ReferenceFeature.objects.filter(slug=zone.measured_from).exists():
            known = ", ".join(
                ReferenceFeature.objects.filter(layer=ReferenceFeature.Layer.BORDER).values_list(
                    "slug", flat=True
                )
            )
            problems["measured_from"] = f"No reference line {zone.measured_from!r}; known: {known}."
        if zone.depth_km is None:
            problems["depth_km"] = "A within-depth zone needs a depth in km."
        elif not 0 < zone.depth_km <= MAX_DEPTH_KM:
            problems["depth_km"] = f"The depth must be more than 0 and at most {MAX_DEPTH_KM} km."
    return problems


def border_oblasts(zone) -> list[str]:
    return [slug.strip() for slug in (zone.border_oblasts or "").split(",") if slug.strip()]


def _oblast_slugs() -> list[str]:
    oblasts = ReferenceFeature.objects.filter(layer=ReferenceFeature.Layer.OBLAST)
    return list(oblasts.values_list("slug", flat=True))


def derive(zone):
    """The zone's shape computed in PostGIS from its parameters (a MultiPolygon)."""
    problems = parameter_problems(zone)
    if problems:
        field, message = next(iter(problems.items()))
        raise EditRefused(message, field=field)
    # A draft's remainder is the country less the published zones other than the one it
    # would replace.
    exclude = [pk for pk in (zone.pk, zone.draft_of_id) if pk is not None]
    try:
        geom = Zone.objects.derived_geometry(
            zone.derivation,
            zone.country,
            zone.measured_from,
            zone.depth_km,
            exclude_zone_ids=exclude,
            policy_id=zone.policy_id,
            border_oblasts=border_oblasts(zone),
        )
    except LookupError as exc:
        raise EditRefused(str(exc)) from None
    if geom.empty:
        raise EditRefused(
            f"These parameters give an empty shape: nothing of {zone.country!r} is left "
            f"for this {zone.derivation} zone."
        )
    return geom


def regenerate_remainders(policy_ids, user=None, reason: str = "", skip=()) -> list[int]:
    """Recompute the published `remainder` zones of these policies; the ids that changed."""
    changed = []
    queryset = (
        Zone.objects.published()
        .select_for_update()
        .filter(policy_id__in=list(policy_ids), derivation=Zone.Derivation.REMAINDER)
        .exclude(pk__in=list(skip))
        .order_by("pk")
    )
    for zone in queryset:
        geom = derive(zone)
        if zone.geom is not None and zone.geom.equals_exact(geom, 1e-9):
            continue
        zone.geom = geom
        zone._change_reason = f"Shape regenerated: {reason}" if reason else "Shape regenerated"
        if user is not None:
            zone._history_user = user
        zone.save()
        changed.append(zone.pk)
    return changed


# --- Saving ------------------------------------------------------------------------------


def save_zone(
    zone,
    user=None,
    *,
    links: dict | None = None,
    expected_version: int | None = None,
    reason: str = "",
    regenerate: bool = True,
):
    """Check and save a zone (new or changed), then rebuild what depends on it.

    `links` sets its many-to-many links (weapons, targets, sources, assumptions) in the
    same change, so the history records them together. `expected_version` is the version
    the editor loaded; if the zone has moved on since, EditConflict is raised and nothing
    is stored. Derived zones get their shape from their parameters; drawn zones keep the
    editor's geometry once it passes validation.
    """
    with transaction.atomic():
        before = None
        if zone.pk is not None:
            before = (
                Zone.objects.select_for_update()
                .filter(pk=zone.pk)
                .annotate(was_published=ExpressionWrapper(PUBLISHED, output_field=BooleanField()))
                .values("policy_id", "was_published")
                .first()
            )
            if before is None:
                raise EditRefused("This zone has been deleted; your edit was not saved.")
            if expected_version is not None:
                zone.version = expected_version  # the database refuses it if stale
        if zone.derivation == Zone.Derivation.DRAWN:
            try:
                zone.geom = validation.clean_zone_geometry(zone.geom)
            except validation.GeometryError as exc:
                raise EditRefused(str(exc), field="geom") from None
        else:
            zone.geom = derive(zone)
        if user is not None:
            zone._history_user = user
        if reason:
            zone._change_reason = reason
        _save_with_links(zone, links)
        policies = {zone.policy_id} if zone.is_published else set()
        if before and before["was_published"]:
            policies.add(before["policy_id"])
        if regenerate and policies:
            regenerate_remainders(policies, user, reason=f"{zone.slug} changed", skip=[zone.pk])
    return zone


def _save_with_links(zone, links: dict | None) -> None:
    """Save the zone and its links as one recorded change (one history record)."""
    if not links:
        zone.save()
        return
    is_new = zone.pk is None
    zone.skip_history_when_saving = True
    try:
        if is_new:
            zone.save()
        set_links(zone, links)
    finally:
        del zone.skip_history_when_saving
    zone.save()
    if is_new:
        Zone.history.filter(id=zone.pk).update(history_type="+")


def set_links(zone, links: dict) -> None:
    """Set the zone's many-to-many links (weapons, targets, sources, assumptions)."""
    for name, values in links.items():
        getattr(zone, name).set(values)


def links_of(zone) -> dict:
    return {name: list(getattr(zone, name).all()) for name in Zone.LINK_FIELDS}


def draft_slug(slug: str) -> str:
    base = f"{slug[:64]}-draft"
    candidate, n = base, 1
    while Zone.objects.filter(slug=candidate).exists():
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def save_as_draft(zone, user=None, links: dict | None = None, based_on_version=None):
    """Save `zone` (a published zone with unsaved changes) as a new draft of it.

    The published zone is left as it is. `links` are the draft's many-to-many links
    (default: the published zone's).
    """
    original = Zone.objects.filter(pk=zone.pk).first() if zone.pk is not None else None
    if original is None or not original.is_published:
        raise EditRefused("Only a published zone can have a draft made from it.")
    with transaction.atomic():
        draft = Zone(**{name: getattr(zone, name) for name in ZONE_FIELDS})
        draft.slug = draft_slug(original.slug)
        draft.published = False
        draft.draft_of = original
        draft.based_on_version = based_on_version or original.version
        links = links if links is not None else links_of(original)
        save_zone(draft, user, links=links, reason=f"Draft of {original.slug}")
    return draft


def publish_draft(draft, user=None):
    """Make a draft public: copy it onto the zone it drafts (then delete it), or publish it.

    Refused if the published zone changed after the draft was made.
    """
    with transaction.atomic():
        draft = Zone.objects.select_for_update().get(pk=draft.pk)
        if draft.draft_of_id is None:
            if draft.published:
                raise EditRefused(f"{draft.name} is already published.")
            draft.published = True
            return save_zone(draft, user, reason="Published")
        original = Zone.objects.select_for_update().get(pk=draft.draft_of_id)
        if draft.based_on_version is not None and original.version != draft.based_on_version:
            raise EditConflict(
                f"The published zone was changed by {changed_by(original.pk)} after this "
                "draft was made; open it to see those changes and make a new draft from it — "
                "the draft was not published."
            )
        for name in ZONE_FIELDS:
            setattr(original, name, getattr(draft, name))
        save_zone(
            original,
            user,
            links=links_of(draft),
            expected_version=original.version,
            reason=f"Published draft {draft.slug}",
        )
        if user is not None:
            draft._history_user = user
        draft._change_reason = f"Published onto {original.slug}"
        draft.delete()
    return original


def delete_zone(zone, user=None) -> None:
    """Delete a zone; deleting a published zone regrows the policy's remainder zones."""
    with transaction.atomic():
        published, policy_id = zone.is_published, zone.policy_id
        if user is not None:
            zone._history_user = user
        zone.delete()
        if published:
            regenerate_remainders({policy_id}, user, reason=f"{zone.slug} deleted")


# --- Drafts that overlap published areas ---------------------------------------------------

# Overlaps smaller than this (shared edges, rounding) are not worth a warning.
OVERLAP_MIN_KM2 = 0.01


def published_overlaps(zone) -> list[tuple[str, float]]:
    """(name, km²) of each published area of the same policy version a saved draft overlaps."""
    if zone.pk is None or zone.is_published:
        return []
    overlaps = Zone.objects.published_overlaps(zone.pk)
    return [(name, km2) for name, km2 in overlaps if km2 >= OVERLAP_MIN_KM2]
