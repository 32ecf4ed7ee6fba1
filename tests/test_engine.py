"""The policy engine on its own, without HTTP: statuses, reason codes, strictness, errors."""

import datetime as dt

import pytest
from django.contrib.gis.geos import Point

from mapsite.zones import engine, snapshot
from mapsite.zones.snapshot import ZoneInfo

pytestmark = pytest.mark.django_db

AFTER = dt.date(2024, 6, 1)
BEFORE = dt.date(2024, 5, 29)
BELGOROD_EDGE = Point(36.89, 50.41, srid=4326)  # in the counter-fire area
KHARKIV = Point(36.23, 49.99, srid=4326)
MOSCOW = Point(37.62, 55.75, srid=4326)
MINSK = Point(27.56, 53.9, srid=4326)


def codes(result: dict) -> list[str]:
    return [reason["code"] for reason in result["reasons"]]


def test_counter_fire_with_any_weapon_states_the_conditions():
    result = engine.verdict_at(BELGOROD_EDGE, day=AFTER)
    assert result["status"] == "permitted" and result["zone"]["slug"] == "counter-fire-kharkiv"
    assert codes(result)[:2] == ["policy", "location"]
    assert {"counter-fire-only", "not-permitted-here", "depth-assumption"} <= set(codes(result))


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


def test_deep_inside_russia_is_prohibited_and_outside_is_not_covered():
    assert "zone-prohibited" in codes(engine.verdict_at(MOSCOW, day=AFTER))
    outside = engine.verdict_at(MINSK, day=AFTER)
    assert outside["status"] == "not_covered" and codes(outside) == ["policy", "not-covered"]


def test_the_policy_carries_when_it_applied_in_words():
    assert engine.verdict_at(KHARKIV, day=AFTER)["policy"]["when"] == "From 30 May 2024"
    assert engine.verdict_at(KHARKIV, day=BEFORE)["policy"]["when"] == "Before 30 May 2024"


def test_unknown_weapons_and_targets_are_refused_by_name():
    with pytest.raises(engine.UnknownChoice, match="unknown weapon 'x'"):
        engine.verdict_at(KHARKIV, "x", None, AFTER)
    with pytest.raises(engine.UnknownChoice, match="unknown target 'y'"):
        engine.verdict_at(KHARKIV, None, "y", AFTER)


def _zone(status: str, **links) -> ZoneInfo:
    empty = {k: [] for k in ("permitted_weapons", "prohibited_weapons")}
    empty |= {k: [] for k in ("permitted_targets", "prohibited_targets")}
    return ZoneInfo(1, "z", "Z", "counter-fire", status, "p", "", None, None,
                    **(empty | links), sources=[], assumptions=[])  # fmt: skip


def test_judging_one_zone():
    snap = snapshot.current()
    status, reasons, _ = engine._judge(_zone("prohibited"), snap, None, None)
    assert status == "prohibited" and [r["code"] for r in reasons] == ["zone-prohibited"]
    zone = _zone("restricted", permitted_weapons=["gmlrs"], permitted_targets=["launchers"])
    status, reasons, _ = engine._judge(zone, snap, "gmlrs", "launchers")
    assert status == "permitted" and [r["code"] for r in reasons] == ["counter-fire-permitted"]
    status, reasons, _ = engine._judge(zone, snap, "atacms", "launchers")
    assert status == "prohibited" and [r["code"] for r in reasons] == ["weapon-not-covered"]
