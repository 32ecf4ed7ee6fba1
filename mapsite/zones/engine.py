"""The policy engine: one answer to "may US weapons be used here, for this, with that?".

`verdict_at` is what the API, the map and the tests all call; `rules` composes the
areas' rules. Each reason has a code (what it is about) and its text, so nothing depends
on the order they come in; exactly one reason, the one that says why, has `main` true.
Every verdict says how far the record reaches (`known_as_of`). A verdict is worded in the
language asked for (`lang`, English by default): the data's names come from the snapshot
in that language, the engine's own words from the catalogue, switched once around the
words' building (cache misses only), never per string.
"""

import datetime as dt
import hashlib
import json
from typing import NamedTuple

from django.utils import translation
from django.utils.translation import gettext

from mapsite.languages import DEFAULT
from mapsite.zones import point_index, rules, snapshot, vocabulary
from mapsite.zones.rules import reason

NEARBY_KM = point_index.NEARBY_KM


class UnknownChoice(ValueError):
    """A weapon or target slug the data does not know."""

    def __init__(self, field: str, value: str, known: list[str]):
        self.field = field
        super().__init__(f"unknown {field} {value!r}; expected one of: {', '.join(known)}")


def _dedupe(items: list[dict], key) -> list[dict]:
    seen, unique = set(), []
    for item in items:
        if key(item) not in seen:
            seen.add(key(item))
            unique.append(item)
    return unique


def _source_key(source: dict):
    return (source["publisher"], source["quote"], source["note"])


class LonLat(NamedTuple):
    """A point as the engine reads it (a GEOS Point has the same `x` and `y`)."""

    x: float
    y: float


PARTS_MAX = 20_000  # answers kept per snapshot, each for one set of areas, question and day


def verdict_at(
    point, weapon: str | None = None, target: str | None = None, day=None, lang: str = DEFAULT
) -> dict:
    """The verdict at a point (lon/lat, WGS84: a LonLat or a GEOS Point) for a weapon, a
    target and a day, worded in `lang` (a code of mapsite.languages.LANGS)."""
    answer, own = _verdict(point, weapon, target, day, shared=False, lang=lang)
    return {**answer, **own}


def verdict_json(
    point, weapon: str | None = None, target: str | None = None, day=None, lang: str = DEFAULT
) -> bytes:
    """`verdict_at` as compact UTF-8 JSON, the shared part's JSON written once."""
    return verdict_json_and_identity(point, weapon, target, day, lang)[0]


def verdict_json_and_identity(
    point, weapon: str | None = None, target: str | None = None, day=None, lang: str = DEFAULT
) -> tuple[bytes, bytes]:
    """`verdict_json`, and a few bytes that determine it, for naming it (an ETag) without
    hashing all of it: the shared part's digest and date, and the point's own JSON."""
    (head, head_identity), own = _verdict(point, weapon, target, day, shared=True, lang=lang)
    nearby = own.pop("nearby")  # JSON already
    tail = b"".join((dumps(own)[1:-1], b',"nearby":', nearby, b"}"))
    return head + tail, head_identity + tail


def _json_head(answer: dict) -> bytes:
    """The answer as JSON, less the point's fields and the closing "}"."""
    shared = {k: v for k, v in answer.items() if k not in POINT_FIELDS}
    return dumps(shared)[:-1] + b","


POINT_FIELDS = ("query", "distance_to_border_km", "nearby")


_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
# The C encoder `_ENCODER.encode` makes afresh on every call, made once (the answers are
# trees, never cycles, so it keeps no markers); the pure-Python encoder where there is none.
_C_ENCODER = json.encoder.c_make_encoder and json.encoder.c_make_encoder(
    None, _ENCODER.default, json.encoder.encode_basestring, None, ":", ",", False, False, True
)


def dumps(data) -> bytes:
    """Compact UTF-8 JSON: how the API writes every answer (spliced answers included)."""
    if _C_ENCODER is None:
        return _ENCODER.encode(data).encode()
    return "".join(_C_ENCODER(data, 0)).encode()


def _verdict(point, weapon, target, day, shared: bool, lang: str = DEFAULT) -> tuple:
    """The areas' answer and the point's own fields. With `shared`, the answer is its JSON
    head, kept per snapshot (and language) for every point in the same areas (as bytes only:
    thousands of them stay cheap for the collector); else a fresh dict."""
    snap = snapshot.current().in_language(lang)
    if weapon is not None and weapon not in snap.weapons:
        raise UnknownChoice("weapon", weapon, sorted(snap.weapons))
    if target is not None and target not in snap.targets:
        raise UnknownChoice("target", target, sorted(snap.targets))
    day = day or dt.datetime.now(dt.UTC).date()
    lon, lat = point.x, point.y
    policy = snap.policy_on(day)
    query = {"lat": lat, "lon": lon, "weapon": weapon, "target": target, "date": day.isoformat()}
    if policy is None:
        with translation.override(lang):
            result = _empty(snap, policy)
            text = gettext("No policy version in the data is in force on %(day)s.")
            main = reason("no-policy", text % {"day": day.isoformat()})
            result["reasons"] = _marked([main, *_knowledge(snap, day)], main)
        own = {"query": query, "distance_to_border_km": None, "nearby": b"[]" if shared else []}
        if not shared:
            return result, own
        head = _json_head(result)
        return (head, hashlib.sha256(head).digest()), own

    index = point_index.for_version(snap.version)
    inside, border_m, nearby = index.lookup_at(lon, lat, policy.id, NEARBY_KM)
    own = {
        "query": query,
        "distance_to_border_km": round(border_m / 1000, 1) if border_m is not None else None,
        "nearby": (_nearby_json if shared else _nearby)(snap, nearby, set(inside)),
    }
    if not shared:
        with translation.override(lang):
            return _answer(snap, policy, inside, weapon, target, day), own
    # What the point's areas answer does not depend on the point, and on the day only through
    # its date in words and the notes on where the record ends: written once per snapshot for
    # each set of areas, question and kind of day, with a marker where the date goes.
    # The snapshot in `lang` keeps its own caches; the language is in the key all the same.
    heads = snap.responses.setdefault("verdict-heads", {})
    key = (lang, policy.id, tuple(inside), weapon, target, _notes_key(snap, day, lang))
    parts_and_digest = heads.get(key)
    if parts_and_digest is None:
        if len(heads) >= PARTS_MAX:
            heads.clear()
        with translation.override(lang):
            marked = _json_head(_answer(snap, policy, inside, weapon, target, day, DAY_MARK))
            parts = marked.split(DAY_MARK.encode())
            if len(parts) != 2:  # the marker also in the data: this head is for this day only
                key, parts = (
                    (*key, day),
                    [_json_head(_answer(snap, policy, inside, weapon, target, day))],
                )
        parts_and_digest = heads[key] = parts, hashlib.sha256(b"\0".join(parts)).digest()
    parts, digest = parts_and_digest
    on = day.isoformat().encode()
    return (on.join(parts), digest + on), own


DAY_MARK = "\ue000"  # a private-use character, where a shared head's date goes


def _notes_key(snap, day, lang: str = DEFAULT) -> tuple:
    """The notes on where the record ends (`_knowledge`) on this day, in `lang`, as a key:
    days whose notes read alike share a head."""
    keys = snap.responses.setdefault("day-notes", {})
    if (lang, day) not in keys:
        with translation.override(lang):
            notes = _knowledge(snap, day)
        keys[(lang, day)] = tuple((note["code"], note["text"]) for note in notes)
    return keys[(lang, day)]


def _answer(snap, policy, inside: list[int], weapon, target, day, day_text=None) -> dict:
    """The verdict for the public areas `inside` (zone ids) of `policy`, but the point's own
    fields (query, distance to the border, nearby). `day_text` stands for the date in it."""
    result = _empty(snap, policy)
    areas = sorted((snap.zones[i] for i in inside if i in snap.zones), key=lambda z: z.slug)
    answer = rules.compose(areas, snap, weapon, target)
    day_text = day_text or day.isoformat()
    in_force = gettext("Policy in force on %(day)s: %(title)s.")
    policy_line = reason("policy", in_force % {"day": day_text, "title": policy.title})
    if answer is None:
        text = gettext(
            "This point is outside Ukraine and Russia: the reported policy does not cover it."
        )
        main = reason("not-covered", text)
        result["reasons"] = _marked([policy_line, main, *_knowledge(snap, day)], main)
        return result

    area = answer.area
    where = reason("location", gettext("The point is in %(areas)s.") % {"areas": _names_of(areas)})
    result.update(
        status=answer.status,
        label=rules.badge_label(answer),
        conditions=answer.conditions,
        zone=area.summary(),
        areas=[a.summary() for a in areas],
        reasons=_marked(
            [policy_line, where, *answer.reasons, *_depths(areas), *_knowledge(snap, day)],
            answer.reasons[0] if answer.reasons else where,
        ),
        sources=_dedupe(answer.sources + policy.sources, _source_key),
        assumptions=_dedupe([a for z in areas for a in z.assumptions], lambda a: a["slug"]),
    )
    return result


def _marked(reasons: list[dict], main: dict) -> list[dict]:
    """The reasons, each with `main`: true only for `main`, the one that says why."""
    return [{**item, "main": item is main} for item in reasons]


def _empty(snap, policy) -> dict:
    known_as_of = vocabulary.iso_day(snap.known_as_of)
    return {
        "status": "not_covered",
        "label": vocabulary.status_label(vocabulary.NOT_COVERED.slug),
        "conditions": [],
        "zone": None,
        "areas": [],
        "policy": {**policy.as_dict(), "known_as_of": known_as_of} if policy else None,
        "known_as_of": known_as_of,
        "query": None,
        "reasons": [],
        "sources": [],
        "assumptions": [],
        "distance_to_border_km": None,
        "nearby": [],
    }


def _names_of(areas) -> str:
    names = [area.name for area in areas]
    if len(names) == 1:
        return names[0]
    return gettext("%(first)s and %(last)s") % {"first": ", ".join(names[:-1]), "last": names[-1]}


def _nearby(snap, nearby, here: set[int]) -> list[dict]:
    return sorted(
        (
            {**snap.zones[zone_id].summary(), "distance_km": round(metres / 1000, 2)}
            for zone_id, metres in nearby
            if zone_id in snap.zones and zone_id not in here
        ),
        key=lambda item: (item["distance_km"], item["slug"]),
    )


def _nearby_json(snap, nearby, here: set[int]) -> bytes:
    """`_nearby` as JSON, each zone's summary written once per snapshot (in its language)."""
    written = snap.responses.setdefault("nearby-json", {})
    found = sorted(
        (round(metres / 1000, 2), snap.zones[zone_id].slug, zone_id)
        for zone_id, metres in nearby
        if zone_id in snap.zones and zone_id not in here
    )
    items = []
    for km, _, zone_id in found:
        summary = written.get(zone_id)
        if summary is None:
            summary = dumps(snap.zones[zone_id].summary())[:-1] + b',"distance_km":'
            written[zone_id] = summary
        items.append(summary + float.__repr__(km).encode() + b"}")  # as JSON writes a float
    return b"[" + b",".join(items) + b"]"


def _depths(areas) -> list[dict]:
    """Each area's depth, an assumption, in words built from the depth itself."""
    text = gettext(
        "%(area)s is drawn %(depth)s km deep into Russia: an assumption, "
        "since no source gives a depth."
    )
    return [
        reason("depth-assumption", text % {"area": area.name, "depth": f"{area.depth_km:g}"})
        for area in areas
        if area.depth_km
    ]


def _knowledge(snap, day) -> list[dict]:
    """Where the record ends, and reports the map does not apply (denied)."""
    notes = []
    for policy in snap.disputed_by(day):
        text = gettext(
            "A report that the policy changed on %(day)s (%(title)s) was denied; the map "
            "records it as disputed and does not apply it."
        )
        words = {"day": vocabulary.day_in_words(policy.effective_from), "title": policy.title}
        notes.append(reason("disputed", text % words))
    if snap.known_as_of and day > snap.known_as_of:
        text = gettext(
            "Nothing after %(day)s is recorded here: that is the date of the newest source in "
            "the data, and the policy may have changed since."
        )
        words = {"day": vocabulary.day_in_words(snap.known_as_of)}
        notes.append(reason("knowledge-ends", text % words))
    return notes
