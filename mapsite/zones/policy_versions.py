"""Editors' operations on policy versions: the overlap rule and publishing a draft version.

A draft version is the editors' alone: readers never see it, its zones or the sources only it
cites, and no date applies it (`querysets.PUBLIC`, `PolicyQuerySet.public`). Publishing makes
it, and its published zones, public in one change; the data version moves with it (a
database trigger), so every worker picks it up.
"""

from django.db import transaction
from django.db.models import Q

from mapsite.zones import vocabulary
from mapsite.zones.errors import EditRefused
from mapsite.zones.models import Policy


def overlapping_versions(policy_id, start, end, government: str):
    """The government's published versions applied as the rule (not disputed) whose period
    meets [start, end) (the database's `policy_versions_do_not_overlap` is the backstop)."""
    others = Policy.objects.public().filter(government=government)
    others = others.exclude(confidence=vocabulary.DISPUTED)
    if policy_id is not None:
        others = others.exclude(pk=policy_id)
    if start is not None:
        others = others.filter(Q(effective_to__isnull=True) | Q(effective_to__gt=start))
    if end is not None:
        others = others.filter(Q(effective_from__isnull=True) | Q(effective_from__lt=end))
    return others


def overlap_message(start, end, other) -> str:
    when = vocabulary.period_in_words(other.effective_from, other.effective_to)
    return (
        f"This period ({vocabulary.period_in_words(start, end)}) overlaps “{other}” ({when}). "
        "Versions applied as the rule may not overlap: end one where the other starts, or "
        "mark the denied one “disputed”."
    )


def _open_predecessor(draft, overlapping: list) -> Policy | None:
    """The one open-ended version the draft follows on from, which publishing may end."""
    if len(overlapping) != 1 or draft.effective_from is None:
        return None
    (other,) = overlapping
    starts_before = other.effective_from is None or other.effective_from < draft.effective_from
    return other if other.effective_to is None and starts_before else None


def publish_version(draft: Policy, user=None) -> list[Policy]:
    """Make a draft version public; the versions it ended, if any.

    A version applied as the rule may overlap no other. If the only one it overlaps is the
    open-ended version before it (the rule until now), that one is ended where the draft
    starts, in the same change; any other overlap refuses the publication and nothing is
    stored.
    """
    with transaction.atomic():
        draft = Policy.objects.select_for_update().get(pk=draft.pk)
        if draft.published:
            raise EditRefused(f"“{draft}” is already published.")
        if not draft.sources.exists():
            raise EditRefused("Cite at least one source for this version before publishing it.")
        ended = []
        if draft.confidence != vocabulary.DISPUTED:
            overlapping = list(
                overlapping_versions(
                    draft.pk, draft.effective_from, draft.effective_to, draft.government
                )
                .select_for_update()
                .order_by("pk")
            )
            predecessor = _open_predecessor(draft, overlapping)
            if predecessor is not None:
                predecessor.effective_to = draft.effective_from
                _record(predecessor, user, f"Ended by publishing {draft.slug}")
                predecessor.save()
                ended.append(predecessor)
            elif overlapping:
                start, end = draft.effective_from, draft.effective_to
                raise EditRefused(overlap_message(start, end, overlapping[0]))
        draft.published = True
        _record(draft, user, "Published")
        draft.save()
    return ended


def _record(policy: Policy, user, reason: str) -> None:
    if user is not None:
        policy._history_user = user
    policy._change_reason = reason
