"""The policy engine: one answer to "may US weapons be used here, for this, with that?".

`verdict_at` is what the API, the map and the tests all call. Each reason has a code
(what it is about) and its text, so nothing depends on the order they come in.
"""

import datetime as dt

from mapsite.zones import snapshot, vocabulary
from mapsite.zones.models import ZonePiece

NEARBY_KM = 10.0


class UnknownChoice(ValueError):
    """A weapon or target slug the data does not know."""

    def __init__(self, field: str, value: str, known: list[str]):
        self.field = field
        super().__init__(f"unknown {field} {value!r}; expected one of: {', '.join(known)}")


def _lower(name: str) -> str:
    """A name mid-sentence: "Launchers firing on Kharkiv" -> "launchers firing on Kharkiv"."""
    if len(name) > 1 and name[1].isupper():
        return name  # an acronym such as "GMLRS" stays as it is
    return name[:1].lower() + name[1:]


def _names(table: dict, slugs: list[str], lower: bool = False) -> str:
    names = [table[s]["name"] for s in slugs if s in table]
    if lower:
        names = [_lower(name) for name in names]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " or " + names[-1]


def _dedupe(sources: list[dict]) -> list[dict]:
    seen, unique = set(), []
    for source in sources:
        key = (source["publisher"], source["quote"], source["note"])
        if key not in seen:
            seen.add(key)
            unique.append(source)
    return unique


def reason(code: str, text: str) -> dict:
    return {"code": code, "text": text}


def verdict_at(point, weapon: str | None = None, target: str | None = None, day=None) -> dict:
    """The verdict at a GEOS point (lon/lat, WGS84) for a weapon, a target and a day."""
    snap = snapshot.current()
    _check_choices(snap, weapon, target)
    day = day or dt.datetime.now(dt.UTC).date()
    policy = snap.policy_on(day)
    result = _unanswered(point, weapon, target, day, policy)
    if policy is None:
        result["reasons"] = [
            reason("no-policy", f"No policy version in the data is in force on {day.isoformat()}.")
        ]
        return result

    inside, border_m, nearby = ZonePiece.objects.lookup_at(point.x, point.y, policy.id, NEARBY_KM)

    if border_m is not None:
        result["distance_to_border_km"] = round(border_m / 1000, 1)
    zone = _strictest(snap, inside)
    result["nearby"] = _nearby(snap, nearby, zone)
    policy_line = reason("policy", f"Policy in force on {day.isoformat()}: {policy.title}.")
    if zone is None:
        result["reasons"] = [
            policy_line,
            reason(
                "not-covered",
                "This point is outside Ukraine and Russia: the reported policy does not cover it.",
            ),
        ]
        return result

    status, reasons, sources = _judge(zone, snap, weapon, target)
    result.update(
        status=status,
        zone=zone.summary(),
        reasons=[policy_line, reason("location", f"The point is in {zone.name}."), *reasons],
        sources=_dedupe(sources + zone.sources),
        assumptions=zone.assumptions,
    )
    return result


def _check_choices(snap, weapon: str | None, target: str | None) -> None:
    """UnknownChoice for a weapon or target the data does not know."""
    if weapon is not None and weapon not in snap.weapons:
        raise UnknownChoice("weapon", weapon, sorted(snap.weapons))
    if target is not None and target not in snap.targets:
        raise UnknownChoice("target", target, sorted(snap.targets))


def _unanswered(point, weapon: str | None, target: str | None, day, policy) -> dict:
    """The verdict before any zone is found: not covered, the question and the policy."""
    return {
        "status": "not_covered",
        "zone": None,
        "policy": policy.as_dict() if policy else None,
        "query": {
            "lat": point.y,
            "lon": point.x,
            "weapon": weapon,
            "target": target,
            "date": day.isoformat(),
        },
        "reasons": [],
        "sources": [],
        "assumptions": [],
        "distance_to_border_km": None,
        "nearby": [],
    }


def _strictest(snap, inside):
    """Of the zones the point is in, the one that answers; None when it is in none."""
    zones = [snap.zones[i] for i in inside if i in snap.zones]
    # Where an editor's zones overlap, the strictest answer wins.
    zones.sort(key=lambda z: (vocabulary.STATUS[z.status].strictness, z.slug))
    return zones[0] if zones else None


def _nearby(snap, nearby, zone) -> list[dict]:
    """The other zones within NEARBY_KM, nearest first."""
    return sorted(
        (
            {**snap.zones[zone_id].summary(), "distance_km": round(metres / 1000, 2)}
            for zone_id, metres in nearby
            if zone_id in snap.zones and (zone is None or zone_id != zone.id)
        ),
        key=lambda item: (item["distance_km"], item["slug"]),
    )


def _judge(zone, snap, weapon: str | None, target: str | None) -> tuple[str, list, list]:
    """Status, reasons and extra sources for one zone and the chosen weapon and target."""
    weapons, targets = snap.weapons, snap.targets
    reasons: list[dict] = []
    sources: list[dict] = []
    if weapon in zone.prohibited_weapons:
        reasons.append(
            reason("weapon-prohibited", f"{weapons[weapon]['name']} may not be used here.")
        )
        sources += weapons[weapon]["sources"]
    if target in zone.prohibited_targets:
        text = f"Striking {_lower(targets[target]['name'])} is prohibited."
        reasons.append(reason("target-prohibited", text))
        sources += targets[target]["sources"]
    if zone.status == vocabulary.PROHIBITED.slug:
        text = "US-provided weapons may not be used against targets here."
        return "prohibited", [*reasons, reason("zone-prohibited", text)], sources
    if reasons:
        return "prohibited", reasons, sources
    if zone.status == vocabulary.PERMITTED.slug:
        return "permitted", _permitted(zone, targets, target), sources
    status, reasons = _counter_fire(zone, weapons, targets, weapon, target)
    return status, reasons, sources


def _permitted(zone, targets, target: str | None) -> list[dict]:
    reasons = [reason("zone-permitted", "US-provided weapons may be used here.")]
    if not target and zone.prohibited_targets:
        names = _names(targets, zone.prohibited_targets, lower=True)
        reasons.append(
            reason("target-exception", f"Except against {names}, which may not be targeted.")
        )
    return reasons


def _counter_fire(zone, weapons, targets, weapon, target) -> tuple[str, list[dict]]:
    """A counter-fire area: counter-fire only, with the weapons the permission covers."""
    if weapon and zone.permitted_weapons and weapon not in zone.permitted_weapons:
        text = (
            f"{weapons[weapon]['name']} is not among the weapons this permission covers "
            f"({_names(weapons, zone.permitted_weapons)})."
        )
        return "prohibited", [reason("weapon-not-covered", text)]
    if target and zone.permitted_targets and target not in zone.permitted_targets:
        text = (
            f"{targets[target]['name']} is not a counter-fire target; the permission covers "
            f"only {_names(targets, zone.permitted_targets, lower=True)}."
        )
        return "prohibited", [reason("target-not-covered", text)]
    reasons = []
    if weapon and target:
        text = (
            f"Counter-fire against {_lower(targets[target]['name'])} with "
            f"{weapons[weapon]['name']} is permitted here."
        )
        reasons.append(reason("counter-fire-permitted", text))
    else:
        with_weapons = (
            f", with {_names(weapons, zone.permitted_weapons)}" if zone.permitted_weapons else ""
        )
        text = (
            "Permitted only as counter-fire against Russian forces attacking or preparing to "
            f"attack Kharkiv: {_names(targets, zone.permitted_targets, lower=True)}"
            f"{with_weapons}."
        )
        reasons.append(reason("counter-fire-only", text))
        if zone.prohibited_weapons or zone.prohibited_targets:
            banned = [weapons[w]["name"] for w in zone.prohibited_weapons] + [
                _lower(targets[t]["name"]) for t in zone.prohibited_targets
            ]
            reasons.append(
                reason("not-permitted-here", f"Not permitted here: {', '.join(banned)}.")
            )
    if zone.depth_km:
        text = (
            f"The area's depth of {zone.depth_km:g} km into Russia is an assumption; "
            "the report does not give one."
        )
        reasons.append(reason("depth-assumption", text))
    return "permitted", reasons
