"""The policy engine on its own, without HTTP: statuses, reason codes, strictness, errors."""

import datetime as dt
import json
import random

import pytest
from django.contrib.gis.geos import Point

from mapsite.zones import engine, rules, snapshot
from mapsite.zones.snapshot import ZoneInfo

pytestmark = pytest.mark.django_db

AFTER = dt.date(2024, 5, 30)  # the Kharkiv-only version
BEFORE = dt.date(2024, 5, 29)
BELGOROD_EDGE = Point(36.89, 50.41, srid=4326)  # in the counter-fire area
KHARKIV = Point(36.23, 49.99, srid=4326)
MOSCOW = Point(37.62, 55.75, srid=4326)
MINSK = Point(27.56, 53.9, srid=4326)


def codes(result: dict) -> list[str]:
    return [reason["code"] for reason in result["reasons"]]


def test_counter_fire_with_any_weapon_is_conditional_and_states_the_conditions():
    result = engine.verdict_at(BELGOROD_EDGE, day=AFTER)
    assert result["status"] == "conditional" and result["zone"]["slug"] == "counter-fire-kharkiv"
    assert result["label"] == "Counter-fire only"
    assert codes(result)[:2] == ["policy", "location"]
    assert {"conditions", "not-permitted-here", "depth-assumption"} <= set(codes(result))


def test_atacms_in_the_counter_fire_area_is_prohibited_with_its_source():
    result = engine.verdict_at(BELGOROD_EDGE, "atacms", None, AFTER)
    assert result["status"] == "prohibited"
    assert "weapon-prohibited" in codes(result)
    assert any(s["slug"] == "politico-still-prohibited" for s in result["sources"])


def test_a_target_outside_the_permission_is_prohibited():
    result = engine.verdict_at(BELGOROD_EDGE, "gmlrs", "other-military", AFTER)
    assert result["status"] == "prohibited" and "target-not-covered" in codes(result)


def test_the_earlier_policy_prohibits_russia_and_permits_ukraine():
    assert engine.verdict_at(BELGOROD_EDGE, day=BEFORE)["status"] == "prohibited"
    ukraine = engine.verdict_at(KHARKIV, day=BEFORE)
    assert ukraine["status"] == "permitted" and "zone-permitted" in codes(ukraine)
    assert engine.verdict_at(KHARKIV, day=AFTER)["status"] == "conditional"  # not civilian


def test_deep_inside_russia_is_prohibited_and_outside_is_not_covered():
    assert "zone-prohibited" in codes(engine.verdict_at(MOSCOW, day=AFTER))
    outside = engine.verdict_at(MINSK, day=AFTER)
    assert outside["status"] == "not_covered" and codes(outside) == ["policy", "not-covered"]


def test_the_policy_carries_when_it_applied_in_words():
    when = engine.verdict_at(KHARKIV, day=AFTER)["policy"]["when"]
    assert when == "30 May 2024 to 31 May 2024"
    assert engine.verdict_at(KHARKIV, day=BEFORE)["policy"]["when"] == "Before 30 May 2024"


def test_unknown_weapons_and_targets_are_refused_by_name():
    with pytest.raises(engine.UnknownChoice, match="unknown weapon 'x'"):
        engine.verdict_at(KHARKIV, "x", None, AFTER)
    with pytest.raises(engine.UnknownChoice, match="unknown target 'y'"):
        engine.verdict_at(KHARKIV, None, "y", AFTER)


def _area(slug: str, status: str, **rules) -> ZoneInfo:
    empty = {k: [] for k in ("permitted_weapons", "prohibited_weapons")}
    empty |= {k: [] for k in ("permitted_targets", "prohibited_targets")}
    return ZoneInfo(1, slug, slug.title(), "counter-fire", status, "p", "", None, None,
                    **(empty | rules), sources=[], assumptions=[])  # fmt: skip


BAND = _area(
    "band", "conditional", permitted_weapons=["gmlrs"], prohibited_weapons=["atacms"],
    permitted_targets=["launchers"], prohibited_targets=["civilian-infrastructure"],
    condition="Counter-fire only",
)  # fmt: skip
KURSK_AREA = _area(
    "kursk", "conditional", permitted_weapons=["atacms"],
    permitted_targets=["launchers", "other-military"], condition="Military targets only",
)  # fmt: skip


def test_an_area_that_grants_a_weapon_answers_over_a_blanket_ban():
    snap = snapshot.current()
    both = [BAND, KURSK_AREA]
    assert rules.compose([BAND], snap, "atacms", "launchers").status == "prohibited"
    assert rules.compose(both, snap, "atacms", "launchers").status == "permitted"
    assert rules.compose(both, snap, "atacms", "civilian-infrastructure").status == "prohibited"
    open_target = rules.compose(both, snap, "atacms", None)
    assert open_target.status == "conditional"
    assert rules.badge_label(open_target) == "Military targets only"
    anything = rules.compose(both, snap, None, None)
    label = rules.badge_label(anything)
    assert label == "Counter-fire only or Military targets only"


def test_an_approval_nobody_can_see_makes_a_permission_conditional():
    snap = snapshot.current()
    guarded = _area(
        "kursk", "conditional", permitted_weapons=["atacms"], permitted_targets=["launchers"],
        approval="the Pentagon's approval",
    )  # fmt: skip
    answer = rules.compose([guarded], snap, "atacms", "launchers")
    assert answer.status == "conditional"
    assert rules.badge_label(answer) == "Needs the Pentagon's approval"


@pytest.mark.parametrize(
    ("point", "weapon", "target", "main"),
    [
        (BELGOROD_EDGE, None, None, "conditions"),
        (BELGOROD_EDGE, "atacms", None, "weapon-prohibited"),
        (BELGOROD_EDGE, "gmlrs", "other-military", "target-not-covered"),
        (BELGOROD_EDGE, "gmlrs", "launchers", "strike-permitted"),
        (MOSCOW, None, None, "zone-prohibited"),
        (MINSK, None, None, "not-covered"),
    ],
)
def test_exactly_one_reason_is_the_main_one(point, weapon, target, main):
    """The engine marks the reason that says why; the page shows it without guessing."""
    result = engine.verdict_at(point, weapon, target, AFTER)
    flags = [reason["main"] for reason in result["reasons"]]
    assert all(isinstance(flag, bool) for flag in flags)
    assert flags.count(True) == 1, result["reasons"]
    chosen = next(r for r in result["reasons"] if r["main"])
    assert chosen["code"] == main
    assert chosen["code"] not in ("policy", "location")


@pytest.mark.parametrize(
    "lon, lat, day",
    [(36.58, 50.6, "2024-05-30"), (38.35, 51.75, "2025-09-01"), (27.56, 53.9, "2024-12-01")],
)
@pytest.mark.parametrize("weapon, target", [(None, None), ("atacms", "other-military")])
def test_the_json_verdict_is_the_verdict(lon, lat, day, weapon, target):
    """The API's bytes, spliced from the shared part's JSON, say what verdict_at says."""
    point, on = engine.LonLat(lon, lat), dt.date.fromisoformat(day)
    first = json.loads(engine.verdict_json(point, weapon, target, on))
    again = json.loads(engine.verdict_json(point, weapon, target, on))  # from the shared part
    assert first == again == engine.verdict_at(point, weapon, target, on)
    assert engine.verdict_json(point, weapon, target, on).decode().count('"query"') == 1


@pytest.mark.django_db
def test_a_shared_head_answers_every_day_as_its_own():
    """Heads are shared by days that read alike but for their date: on every day of the
    record and past its end, at points inside and outside the zones, the spliced bytes say
    what verdict_at says for that day (its date, its disputed reports, where the record ends)."""
    first, last = dt.date(2024, 5, 1), dt.date(2026, 12, 31)
    days = [first + dt.timedelta(days=n) for n in range(0, (last - first).days + 1, 3)]
    points = [engine.LonLat(36.58, 50.6), engine.LonLat(38.35, 51.75), engine.LonLat(27.56, 53.9)]
    for day in days:
        for point in points:
            spliced = json.loads(engine.verdict_json(point, None, None, day))
            assert spliced == engine.verdict_at(point, None, None, day), (point, day)
    heads = snapshot.current().responses["verdict-heads"]
    assert len(heads) < len(days) * len(points) / 10  # shared across days, not one per day


@pytest.mark.parametrize("lang", ["en", "uk"])
def test_the_json_verdict_writes_nearby_areas_as_verdict_at_does(lang):
    """The nearby list is spliced from each area's summary written once: at random points
    near the zones' edges, on two days, the bytes say what verdict_at says."""
    rng = random.Random(11)
    with_nearby = 0
    for day in (dt.date(2024, 6, 10), dt.date(2025, 3, 1)):
        for _ in range(150):
            point = engine.LonLat(rng.uniform(34.5, 39.5), rng.uniform(49.8, 52.2))
            spliced = json.loads(engine.verdict_json(point, None, None, day, lang))
            again = json.loads(engine.verdict_json(point, None, None, day, lang))
            assert spliced == again == engine.verdict_at(point, None, None, day, lang), point
            with_nearby += bool(spliced["nearby"])
    assert with_nearby > 20  # the list was written, not only left empty


JSON_VALUES = [
    None,
    True,
    0,
    2**70,
    0.1,
    1e300,
    float("nan"),
    'Харків "q" \\ \n \u2028 \x01',
    [],
    {},
    {"a": [1, 2.5, None, {"b": "ц"}], 1: "int key", 2.5: "float key", None: "none key"},
    (1, (2,)),
]


@pytest.mark.parametrize("value", JSON_VALUES)
def test_the_one_json_writer_writes_what_json_writes(value):
    """engine.dumps keeps one C encoder rather than a new one per call: the same bytes."""
    expected = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()
    assert engine.dumps(value) == expected


def test_the_one_json_writer_refuses_what_json_refuses():
    with pytest.raises(TypeError):
        engine.dumps({"a": {1, 2}})
