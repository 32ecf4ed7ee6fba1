"""The policy over time, as the map's timeline shows it: each version in order, with its
dates, one line on what it changed, how sure it is, and, in words built from the zones'
parameters, where prohibited territory in Russia begins and what the weapon reach ring is.

The page steps through these by slug; it never works out which version is in force.
"""

import datetime as dt

from mapsite.api.geojson import KHARKIV_SEGMENT
from mapsite.zones import vocabulary
from mapsite.zones.models import ReferenceFeature, Zone
from mapsite.zones.querysets import BORDER_SLUG
from mapsite.zones.rules import lower


def shown_date(policy) -> str:
    """The day the map shows for a policy version: its first day, or its last if open-ended."""
    if policy.effective_from:
        return policy.effective_from.isoformat()
    if policy.effective_to:
        return (policy.effective_to - dt.timedelta(days=1)).isoformat()
    return dt.datetime.now(dt.UTC).date().isoformat()


def one_line(policy) -> str:
    """What the version changed, in one line (else the first sentence of its summary)."""
    if policy.changes:
        return policy.changes
    sentence = policy.summary.split(". ")[0].rstrip(".")
    return f"{sentence}." if sentence else ""


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _lines(snap) -> dict:
    """Per zone id, the line its depth is measured from, in words (cached per data version)."""
    key = ("front", "lines")
    if key in snap.responses:
        return snap.responses[key]
    names = dict(ReferenceFeature.objects.values_list("slug", "name"))
    measured = Zone.objects.filter(pk__in=list(snap.zones)).values_list(
        "id", "measured_from", "border_oblasts"
    )
    lines = {}
    for zone_id, measured_from, border_oblasts in measured:
        oblasts = [names.get(s.strip(), s.strip()) for s in border_oblasts.split(",") if s.strip()]
        if oblasts:
            short = [name.removesuffix(" Oblast") for name in oblasts]
            owner = f"{short[0]} Oblast’s" if len(short) == 1 else f"{_and(short)} oblasts’"
            lines[zone_id] = (f"the {owner} border with Russia", False)
        elif measured_from:
            lines[zone_id] = (
                f"the {names.get(measured_from, measured_from)}",
                measured_from == BORDER_SLUG,
            )
    snap.responses[key] = lines
    return lines


def reach_origin(snap) -> str:
    """The line the map's reach rings are measured from, in words."""
    key = ("front", "reach-origin")
    if key not in snap.responses:
        feature = ReferenceFeature.objects.filter(slug=KHARKIV_SEGMENT).first()
        snap.responses[key] = feature.name if feature else KHARKIV_SEGMENT
    return snap.responses[key]


def _exception(zones, deep: dict) -> str:
    """ "; except ATACMS in Kursk Oblast (ATACMS area): military targets only, …"."""
    granting = [z for z in zones if deep["slug"] in z.permitted_weapons]
    parts = []
    for zone in granting:
        terms = [lower(zone.condition)] if zone.condition else []
        if zone.approval:
            terms.append(f"each strike needing {zone.approval}")
        parts.append(zone.name + (f": {', '.join(terms)}" if terms else ""))
    return f"; except {deep['name']} in {_and(parts)}" if parts else ""


def prohibition_note(snap, policy) -> str:
    """Where prohibited territory begins for this version, from its zones' parameters."""
    zones = [z for z in snap.zones.values() if z.policy_slug == policy.slug]
    prohibited = vocabulary.PROHIBITED.label.lower()
    deep = snap.weapons.get(vocabulary.DEEP_STRIKE_WEAPON)
    bands = [z for z in zones if z.kind == "counter-fire" and z.depth_km]
    lines = _lines(snap)
    if not zones:
        return ""
    if not bands:
        return f"All of Russia: {prohibited}{_exception(zones, deep) if deep else ''}."
    places, whole = [], False
    for band in bands:
        line, is_whole = lines.get(band.id, (band.name, False))
        whole = whole or is_whole
        places.append(f"{band.depth_km:g} km of {line}")
    rest = "" if whole else " (elsewhere along the border, from the border itself)"
    return f"Beyond {_and(places)}: {prohibited}{rest}{_exception(zones, deep) if deep else ''}."


def ring_note(snap) -> str:
    """What the deep-strike weapon's ring is: a reach, not a policy boundary."""
    deep = snap.weapons.get(vocabulary.DEEP_STRIKE_WEAPON)
    if deep is None:
        return ""
    return (
        f"The {deep['range_km']:g} km ring is {deep['name']} reach, measured from the "
        f"{reach_origin(snap)}: a weapon’s reach, not a policy boundary."
    )


def reach_label(snap, weapon: dict) -> str:
    """A weapon's ring from the border, as the legend, the layer control and the map name it."""
    name = weapon["name"].split(" (")[0]
    label = f"{name} reach: {weapon['range_km']:g} km from the {reach_origin(snap)}"
    if weapon["slug"] == vocabulary.DEEP_STRIKE_WEAPON:
        label += " (not a policy line)"
    return label


def _not_applied(policy, shows) -> str:
    reported = vocabulary.day_in_words(policy.effective_from)
    shown = f"the map shows “{shows.title}”, in force that day" if shows else "nothing applies"
    return (
        f"Not applied: “{policy.title}”, reported {reported}, is disputed and never the rule "
        f"here; {shown}."
    )


def step(snap, policy) -> dict:
    """A policy version as the timeline and the page's config show it."""
    date = shown_date(policy)
    shows = snap.policy_on(dt.date.fromisoformat(date)) if policy.disputed else policy
    return {
        "slug": policy.slug,
        "title": policy.title,
        "summary": policy.summary,
        "line": one_line(policy),
        "when": vocabulary.period_in_words(policy.effective_from, policy.effective_to),
        "from_text": vocabulary.day_in_words(policy.effective_from),
        "effective_from": vocabulary.iso_day(policy.effective_from),
        "effective_to": vocabulary.iso_day(policy.effective_to),
        "date": date,
        "date_text": vocabulary.day_in_words(dt.date.fromisoformat(date)),
        "confidence": policy.confidence,
        "confidence_label": vocabulary.CONFIDENCE[policy.confidence],
        "changes": policy.changes,
        "disputed": policy.disputed,
        "shows": shows.slug if shows else None,
        "not_applied": _not_applied(policy, shows) if policy.disputed else "",
        "prohibition": prohibition_note(snap, shows) if shows else "",
        "ring": ring_note(snap),
    }


def steps(snap) -> list[dict]:
    """Every version in order, each knowing its place in the timeline."""
    items = [step(snap, policy) for policy in snap.policies]
    for i, item in enumerate(items):
        item["position"] = f"Version {i + 1} of {len(items)}: {item['when']}"
        item["first"], item["last"] = i == 0, i == len(items) - 1
    return items


def view_step(snap, steps: list[dict], date: str) -> dict:
    """The step a permalink's date opens on: a disputed version reported that very day, else
    the version in force (`policy`: what the map draws)."""
    in_force = snap.policy_on(dt.date.fromisoformat(date))
    policy = in_force.slug if in_force else None
    chosen = next((s for s in steps if s["disputed"] and s["date"] == date), None)
    return {"step": chosen["slug"] if chosen else policy, "policy": policy}


def knowledge(snap, date: str) -> dict:
    """Where the record ends, worded for a date within it and for one after it."""
    known = vocabulary.day_in_words(snap.known_as_of)
    return {
        "knownAsOf": vocabulary.iso_day(snap.known_as_of),
        "within": f"Recorded up to {known}: nothing later is known to this map.",
        "beyond": (
            f"Nothing after {known} is recorded here, the date of the newest source: "
            "the policy may have changed since."
        ),
        "past": bool(snap.known_as_of) and date > snap.known_as_of.isoformat(),
    }
