"""The policy over time, as the map's timeline shows it: each version in order, with its
dates, one line on what it changed, how sure it is, and, in words built from the zones'
parameters, where prohibited territory in Russia begins and what the weapon reach ring is.

The page steps through these by slug; it never works out which version is in force.
The words are in the active language (`translation.override(lang)` around the call) and
the data's in the snapshot's (`snap.in_language(lang)`): pass both the same language.
"""

import datetime as dt

from django.utils import translation
from django.utils.translation import gettext

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
    if len(words) == 1:
        return words[0]
    return gettext("%(first)s and %(last)s") % {"first": ", ".join(words[:-1]), "last": words[-1]}


OBLAST_WORDS = (" Oblast", " область")  # what ends an oblast's name, in each language


def _reference_names(snap) -> dict[str, str]:
    """The reference features' names (oblasts, the border) in the snapshot's language."""
    own = f"name_{snap.lang}"
    rows = ReferenceFeature.objects.values_list("slug", "name", "properties")
    return {slug: (properties or {}).get(own) or name for slug, name, properties in rows}


def _short(name: str) -> str:
    for word in OBLAST_WORDS:
        name = name.removesuffix(word)
    return name


def _lines(snap) -> dict:
    """Per zone id, the line its depth is measured from, in words (cached per data version
    and language: the words' and the data's)."""
    key = ("front", "lines", translation.get_language(), snap.lang)
    if key in snap.responses:
        return snap.responses[key]
    names = _reference_names(snap)
    measured = Zone.objects.filter(pk__in=list(snap.zones)).values_list(
        "id", "measured_from", "border_oblasts"
    )
    lines = {}
    for zone_id, measured_from, border_oblasts in measured:
        oblasts = [names.get(s.strip(), s.strip()) for s in border_oblasts.split(",") if s.strip()]
        if len(oblasts) == 1:
            words = gettext("the %(oblast)s’s border with Russia") % {"oblast": oblasts[0]}
            lines[zone_id] = (words, False)
        elif oblasts:
            short = _and([_short(name) for name in oblasts])
            words = gettext("the %(oblasts)s oblasts’ border with Russia") % {"oblasts": short}
            lines[zone_id] = (words, False)
        elif measured_from:
            words = gettext("the %(line)s") % {"line": names.get(measured_from, measured_from)}
            lines[zone_id] = (words, measured_from == BORDER_SLUG)
    snap.responses[key] = lines
    return lines


def reach_origin(snap) -> str:
    """The line the map's reach rings are measured from, in words."""
    key = ("front", "reach-origin")
    if key not in snap.responses:
        snap.responses[key] = _reference_names(snap).get(KHARKIV_SEGMENT, KHARKIV_SEGMENT)
    return snap.responses[key]


def _exception(zones, deep: dict) -> str:
    """ "; except ATACMS in Kursk Oblast (ATACMS area): military targets only, …"."""
    granting = [z for z in zones if deep["slug"] in z.permitted_weapons]
    parts = []
    for zone in granting:
        terms = [lower(zone.condition)] if zone.condition else []
        if zone.approval:
            terms.append(gettext("each strike needing %(approval)s") % {"approval": zone.approval})
        parts.append(zone.name + (f": {', '.join(terms)}" if terms else ""))
    if not parts:
        return ""
    return gettext("; except %(weapon)s in %(areas)s") % {
        "weapon": deep["name"],
        "areas": _and(parts),
    }


def prohibition_note(snap, policy) -> str:
    """Where prohibited territory begins for this version, from its zones' parameters."""
    zones = [z for z in snap.zones.values() if z.policy_slug == policy.slug]
    prohibited = vocabulary.status_label(vocabulary.PROHIBITED.slug).lower()
    deep = snap.weapons.get(vocabulary.DEEP_STRIKE_WEAPON)
    bands = [z for z in zones if z.kind == "counter-fire" and z.depth_km]
    lines = _lines(snap)
    if not zones:
        return ""
    words = {"prohibited": prohibited, "exception": _exception(zones, deep) if deep else ""}
    if not bands:
        return gettext("All of Russia: %(prohibited)s%(exception)s.") % words
    places, whole = [], False
    for band in bands:
        line, is_whole = lines.get(band.id, (band.name, False))
        whole = whole or is_whole
        places.append(
            gettext("%(depth)s km of %(line)s") % {"depth": f"{band.depth_km:g}", "line": line}
        )
    words["places"] = _and(places)
    words["rest"] = (
        "" if whole else gettext(" (elsewhere along the border, from the border itself)")
    )
    return gettext("Beyond %(places)s: %(prohibited)s%(rest)s%(exception)s.") % words


def ring_note(snap) -> str:
    """What the deep-strike weapon's ring is: a reach, not a policy boundary."""
    deep = snap.weapons.get(vocabulary.DEEP_STRIKE_WEAPON)
    if deep is None:
        return ""
    text = gettext(
        "The %(range)s km ring is %(weapon)s reach, measured from the %(origin)s: a weapon’s "
        "reach, not a policy boundary."
    )
    return text % {
        "range": f"{deep['range_km']:g}",
        "weapon": deep["name"],
        "origin": reach_origin(snap),
    }


def reach_label(snap, weapon: dict) -> str:
    """A weapon's ring from the border, as the legend, the layer control and the map name it."""
    name = weapon["name"].split(" (")[0]
    words = {"weapon": name, "range": f"{weapon['range_km']:g}", "origin": reach_origin(snap)}
    label = gettext("%(weapon)s reach: %(range)s km from the %(origin)s") % words
    if weapon["slug"] == vocabulary.DEEP_STRIKE_WEAPON:
        label = gettext("%(label)s (not a policy line)") % {"label": label}
    return label


def _not_applied(policy, shows) -> str:
    reported = vocabulary.day_in_words(policy.effective_from)
    if shows:
        shown = gettext("the map shows “%(title)s”, in force that day") % {"title": shows.title}
    else:
        shown = gettext("nothing applies")
    text = gettext(
        "Not applied: “%(title)s”, reported %(day)s, is disputed and never the rule here; "
        "%(shown)s."
    )
    return text % {"title": policy.title, "day": reported, "shown": shown}


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
        "confidence_label": vocabulary.confidence_label(policy.confidence),
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
        words = {"number": i + 1, "count": len(items), "when": item["when"]}
        item["position"] = gettext("Version %(number)s of %(count)s: %(when)s") % words
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
        "within": gettext("Recorded up to %(day)s: nothing later is known to this map.")
        % {"day": known},
        "beyond": gettext(
            "Nothing after %(day)s is recorded here, the date of the newest source: "
            "the policy may have changed since."
        )
        % {"day": known},
        "past": bool(snap.known_as_of) and date > snap.known_as_of.isoformat(),
    }
