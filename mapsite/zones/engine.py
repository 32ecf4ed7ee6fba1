"""The policy engine: one answer to "may US weapons be used here, for this, with that?".

`verdict_at` is what the API, the map and the tests all call.
"""

import datetime as dt
import math

from django.db import connection

from mapsite.zones import snapshot

NEARBY_KM = 10.0


class UnknownChoice(ValueError):
    """A weapon or target slug the data does not know."""

    def __init__(self, field: str, value: str, known: list[str]):
        self.field = field
        super().__init__(f"unknown {field} {value!r}; expected one of: {', '.join(known)}")


# One statement: the zone under the point, the distance to the border, and the
# other zones within NEARBY_KM. The && box only narrows the index scan; every
# distance is measured on the ellipsoid (geography).
LOOKUP_SQL = """
WITH pt AS (SELECT ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326) AS g)
SELECT
  (SELECT array_agg(DISTINCT z.id)
     FROM zones_zonepiece p JOIN zones_zone z ON z.id = p.zone_id, pt
    WHERE z.policy_id = %(policy)s AND z.published AND z.draft_of_id IS NULL
      AND ST_Intersects(p.geom, pt.g)) AS inside,
  (SELECT ST_Distance(b.geom::geography, pt.g::geography)
     FROM zones_referencefeature b, pt WHERE b.slug = 'ukraine-russia-border') AS border_m,
  (SELECT json_agg(json_build_array(zone_id, metres))
     FROM (SELECT p.zone_id, min(ST_Distance(p.geom::geography, pt.g::geography)) AS metres
             FROM zones_zonepiece p JOIN zones_zone z ON z.id = p.zone_id, pt
            WHERE z.policy_id = %(policy)s AND z.published AND z.draft_of_id IS NULL
              AND p.geom && ST_Expand(pt.g, %(box)s)
            GROUP BY p.zone_id) near
    WHERE metres <= %(radius)s) AS nearby
"""

STATUS_ORDER = {"prohibited": 0, "restricted": 1, "permitted": 2}


def _box_degrees(lat: float) -> float:
    """A box in degrees sure to hold everything within NEARBY_KM of a point at `lat`."""
    cos = max(math.cos(math.radians(min(abs(lat), 89.0))), 0.01)
    return NEARBY_KM / 110.0 / cos * 1.2


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


def verdict_at(point, weapon: str | None = None, target: str | None = None, day=None) -> dict:
    """The verdict at a GEOS point (lon/lat, WGS84) for a weapon, a target and a day."""
    snap = snapshot.current()
    if weapon is not None and weapon not in snap.weapons:
        raise UnknownChoice("weapon", weapon, sorted(snap.weapons))
    if target is not None and target not in snap.targets:
        raise UnknownChoice("target", target, sorted(snap.targets))
    day = day or dt.datetime.now(dt.UTC).date()
    policy = snap.policy_on(day)
    result = {
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
    if policy is None:
        result["reasons"] = [f"No policy version in the data is in force on {day.isoformat()}."]
        return result

    with connection.cursor() as cursor:
        cursor.execute(
            LOOKUP_SQL,
            {
                "lon": point.x,
                "lat": point.y,
                "policy": policy.id,
                "box": _box_degrees(point.y),
                "radius": NEARBY_KM * 1000,
            },
        )
        inside, border_m, nearby = cursor.fetchone()

    if border_m is not None:
        result["distance_to_border_km"] = round(border_m / 1000, 1)
    zones = [snap.zones[i] for i in inside or [] if i in snap.zones]
    # Where an editor's zones overlap, the strictest answer wins.
    zones.sort(key=lambda z: (STATUS_ORDER.get(z.status, 0), z.slug))
    zone = zones[0] if zones else None
    result["nearby"] = sorted(
        (
            {**snap.zones[zone_id].summary(), "distance_km": round(metres / 1000, 2)}
            for zone_id, metres in nearby or []
            if zone_id in snap.zones and (zone is None or zone_id != zone.id)
        ),
        key=lambda item: (item["distance_km"], item["slug"]),
    )
    policy_line = f"Policy in force on {day.isoformat()}: {policy.title}."
    if zone is None:
        result["reasons"] = [
            policy_line,
            "This point is outside Ukraine and Russia: the reported policy does not cover it.",
        ]
        return result

    status, reasons, sources = _judge(zone, snap, weapon, target)
    result.update(
        status=status,
        zone=zone.summary(),
        reasons=[policy_line, f"The point is in {zone.name}.", *reasons],
        sources=_dedupe(sources + zone.sources),
        assumptions=zone.assumptions,
    )
    return result


def _judge(zone, snap, weapon: str | None, target: str | None) -> tuple[str, list, list]:
    """Status, reasons and extra sources for one zone and the chosen weapon and target."""
    weapons, targets = snap.weapons, snap.targets
    reasons: list[str] = []
    sources: list[dict] = []
    if weapon in zone.prohibited_weapons:
        reasons.append(f"{weapons[weapon]['name']} may not be used here.")
        sources += weapons[weapon]["sources"]
    if target in zone.prohibited_targets:
        reasons.append(f"Striking {_lower(targets[target]['name'])} is prohibited.")
        sources += targets[target]["sources"]
    if zone.status == "prohibited":
        reasons.append("US-provided weapons may not be used against targets here.")
        return "prohibited", reasons, sources
    if reasons:
        return "prohibited", reasons, sources
    if zone.status == "permitted":
        reasons.append("US-provided weapons may be used here.")
        if not target and zone.prohibited_targets:
            reasons.append(
                f"Except against {_names(targets, zone.prohibited_targets, lower=True)}, "
                "which may not be targeted."
            )
        return "permitted", reasons, sources

    # Restricted: counter-fire only, with the weapons the permission covers.
    if weapon and zone.permitted_weapons and weapon not in zone.permitted_weapons:
        reasons.append(
            f"{weapons[weapon]['name']} is not among the weapons this permission covers "
            f"({_names(weapons, zone.permitted_weapons)})."
        )
        return "prohibited", reasons, sources
    if target and zone.permitted_targets and target not in zone.permitted_targets:
        reasons.append(
            f"{targets[target]['name']} is not a counter-fire target; the permission covers "
            f"only {_names(targets, zone.permitted_targets, lower=True)}."
        )
        return "prohibited", reasons, sources
    if weapon and target:
        reasons.append(
            f"Counter-fire against {_lower(targets[target]['name'])} with "
            f"{weapons[weapon]['name']} is permitted here."
        )
    else:
        reasons.append(
            "Permitted only as counter-fire against Russian forces attacking or preparing to "
            f"attack Kharkiv: {_names(targets, zone.permitted_targets, lower=True)}"
            + (
                f", with {_names(weapons, zone.permitted_weapons)}"
                if zone.permitted_weapons
                else ""
            )
            + "."
        )
        if zone.prohibited_weapons or zone.prohibited_targets:
            banned = [weapons[w]["name"] for w in zone.prohibited_weapons] + [
                _lower(targets[t]["name"]) for t in zone.prohibited_targets
            ]
            reasons.append(f"Not permitted here: {', '.join(banned)}.")
    if zone.depth_km:
        reasons.append(
            f"The area's depth of {zone.depth_km:g} km into Russia is an assumption; "
            "the report does not give one."
        )
    return "permitted", reasons, sources
