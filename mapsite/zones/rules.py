"""How one version's rules answer a question at a point, area by area, and composed.

A point can lie in several areas of one version (the border band and Kursk Oblast). Each
area answers for the asked weapon and target on its own terms; then:
1. a target any area prohibits is prohibited (civilian infrastructure, everywhere);
2. an area that grants the asked weapon (an exception, such as ATACMS in Kursk Oblast)
   answers over the blanket bans of the others, the most permissive grant first;
3. otherwise the strictest area's answer stands.
`conditional` means the answer depends on what the question leaves open, or on an
approval nobody outside can see.
The words are built in the active language (the engine switches it), the names from the
snapshot in that language.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext

from mapsite.zones import vocabulary

PERMITTED, CONDITIONAL, PROHIBITED = (
    vocabulary.PERMITTED.slug,
    vocabulary.CONDITIONAL.slug,
    vocabulary.PROHIBITED.slug,
)
# How strict an answer is, higher is stricter: the vocabulary's strictness (0 strictest).
RANK = {status.slug: -status.strictness for status in vocabulary.ZONE_STATUSES}


def reason(code: str, text: str) -> dict:
    return {"code": code, "text": text}


def condition(area, code: str, text: str) -> dict:
    """What the answer depends on, in a few words, and the area it belongs to."""
    return {"code": code, "text": text, "area": area.slug}


def lower(name: str) -> str:
    """A name mid-sentence: "Launchers firing on Kharkiv" -> "launchers firing on Kharkiv"."""
    if len(name) > 1 and name[1].isupper():
        return name  # an acronym such as "GMLRS" stays as it is
    return name[:1].lower() + name[1:]


def names(table: dict, slugs: list[str], as_lower: bool = False) -> str:
    words = [table[s]["name"] for s in slugs if s in table]
    if as_lower:
        words = [lower(word) for word in words]
    if len(words) <= 1:
        return "".join(words)
    return _or(", ".join(words[:-1]), words[-1])


def _or(first: str, last: str) -> str:
    return gettext("%(first)s or %(last)s") % {"first": first, "last": last}


@dataclass
class Answer:
    """One area's answer to the question."""

    status: str
    area: object
    reasons: list[dict] = field(default_factory=list)
    conditions: list[dict] = field(default_factory=list)
    sources: list[dict] = field(default_factory=list)
    grants: bool = False  # the area itself permits the asked weapon (or, with none asked, any)


def compose(areas: list, snap, weapon: str | None, target: str | None) -> Answer | None:
    """The version's answer at a point in `areas` (all of one version); None if no area."""
    if not areas:
        return None
    for area in areas:
        if target and target in area.prohibited_targets:
            text = gettext("Striking %(target)s is prohibited.") % {
                "target": lower(snap.targets[target]["name"])
            }
            sources = snap.targets[target]["sources"] + area.sources
            return Answer(PROHIBITED, area, [reason("target-prohibited", text)], [], sources)
    answers = [answer_in(area, snap, weapon, target) for area in areas]
    granting = [a for a in answers if a.grants]
    if not granting:
        return max(answers, key=lambda a: (RANK[a.status], a.area.slug))
    best = min(RANK[a.status] for a in granting)
    chosen = sorted((a for a in granting if RANK[a.status] == best), key=lambda a: a.area.slug)
    merged = chosen[0]
    for other in chosen[1:]:  # several areas grant alike: each one's conditions are a way
        merged.reasons += other.reasons
        merged.sources += other.sources
        merged.conditions += [c for c in other.conditions if c not in merged.conditions]
    return merged


def answer_in(area, snap, weapon: str | None, target: str | None) -> Answer:
    """One area's answer for the asked weapon and target (None: left open)."""
    weapons = snap.weapons
    if area.status == PROHIBITED or (weapon and weapon in area.prohibited_weapons):
        answer = Answer(PROHIBITED, area, sources=list(area.sources))
        if weapon and weapon in area.prohibited_weapons:
            text = gettext("%(weapon)s may not be used here.") % {"weapon": weapons[weapon]["name"]}
            answer.reasons.append(reason("weapon-prohibited", text))
            answer.sources = weapons[weapon]["sources"] + answer.sources
        if area.status == PROHIBITED:
            text = gettext("US-provided weapons may not be used against targets here.")
            answer.reasons.append(reason("zone-prohibited", text))
        return answer
    if area.status == PERMITTED:
        return _with_approval(_permitted(area, snap, target))
    return _with_approval(_conditional(area, snap, weapon, target))


def _permitted(area, snap, target: str | None) -> Answer:
    answer = Answer(PERMITTED, area, grants=True, sources=list(area.sources))
    answer.reasons.append(
        reason("zone-permitted", gettext("US-provided weapons may be used here."))
    )
    if not target and area.prohibited_targets:
        banned = {"targets": names(snap.targets, area.prohibited_targets, as_lower=True)}
        answer.status = CONDITIONAL
        text = area.condition or gettext("Not against %(targets)s") % banned
        answer.conditions.append(condition(area, "target-open", text))
        text = gettext("Except against %(targets)s, which may not be targeted.") % banned
        answer.reasons.append(reason("target-exception", text))
    return answer


def _conditional(area, snap, weapon: str | None, target: str | None) -> Answer:
    """An area where only some weapons and targets are permitted (counter-fire, military)."""
    weapons, targets = snap.weapons, snap.targets
    answer = Answer(CONDITIONAL, area, sources=list(area.sources))
    if weapon and area.permitted_weapons and weapon not in area.permitted_weapons:
        answer.status = PROHIBITED
        text = gettext("%(weapon)s is not among the weapons this permission covers (%(weapons)s).")
        words = {
            "weapon": weapons[weapon]["name"],
            "weapons": names(weapons, area.permitted_weapons),
        }
        answer.reasons.append(reason("weapon-not-covered", text % words))
        return answer
    answer.grants = True
    if target and area.permitted_targets and target not in area.permitted_targets:
        answer.status = PROHIBITED
        text = gettext(
            "%(target)s is not among the targets this permission covers; it covers only "
            "%(targets)s."
        )
        words = {
            "target": targets[target]["name"],
            "targets": names(targets, area.permitted_targets, as_lower=True),
        }
        answer.reasons.append(reason("target-not-covered", text % words))
        return answer
    words = {
        "weapons": names(weapons, area.permitted_weapons),
        "targets": names(targets, area.permitted_targets, as_lower=True),
    }
    if weapon and target:
        answer.status = PERMITTED
        words["target"] = lower(targets[target]["name"])
        if area.permitted_weapons:
            text = gettext("Striking %(target)s with %(weapons)s is permitted here.")
        else:
            text = gettext("Striking %(target)s is permitted here.")
        answer.reasons.append(reason("strike-permitted", text % words))
        answer.sources += weapons[weapon]["sources"] + targets[target]["sources"]
    else:
        words["condition"] = area.condition or gettext("Only some targets")
        answer.conditions.append(
            condition(area, "target-open" if not target else "weapon-open", words["condition"])
        )
        if area.permitted_weapons:
            text = gettext("%(condition)s: permitted only against %(targets)s with %(weapons)s.")
        else:
            text = gettext("%(condition)s: permitted only against %(targets)s.")
        answer.reasons.append(reason("conditions", text % words))
        banned = [weapons[w]["name"] for w in area.prohibited_weapons]
        banned += [lower(targets[t]["name"]) for t in area.prohibited_targets]
        if banned:
            text = gettext("Not permitted here: %(items)s.") % {"items": ", ".join(banned)}
            answer.reasons.append(reason("not-permitted-here", text))
    return answer


def _with_approval(answer: Answer) -> Answer:
    """A permission that needs an approval nobody outside can see is only conditional."""
    approval = answer.area.approval
    if approval and answer.status != PROHIBITED:
        answer.status = CONDITIONAL
        needs = gettext("needs %(approval)s") % {"approval": approval}
        answer.conditions.append(condition(answer.area, "approval", needs))
        text = gettext(
            "Every strike here needs %(approval)s; whether it was given is not public, so the "
            "map cannot say the strike is permitted."
        )
        answer.reasons.append(reason("approval", text % {"approval": approval}))
    return answer


def badge_label(answer: Answer) -> str:
    """The verdict's badge: a condition in words; a conditional answer is never "permitted",
    and a strike permitted only under an area's condition says so ("Permitted: counter-fire
    only")."""
    if answer.status == CONDITIONAL and answer.conditions:
        by_area: dict[str, list[str]] = {}
        for item in answer.conditions:  # an area's conditions all hold; areas are alternatives
            by_area.setdefault(item["area"], []).append(item["text"])
        alternatives = [", ".join(texts) for texts in by_area.values()]
        words = alternatives[0]
        for other in alternatives[1:]:
            words = _or(words, other)
        return words[:1].upper() + words[1:]
    label = vocabulary.status_label(answer.status)
    if answer.status == PERMITTED and answer.area.status == CONDITIONAL and answer.area.condition:
        words = {"label": label, "condition": lower(answer.area.condition)}
        return gettext("%(label)s: %(condition)s") % words
    return label
