"""The bundled geography and policy, as loaded into PostGIS."""

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from django.contrib.gis.geos import Point
from django.db import connection
from pyproj import Geod
from shapely.geometry import shape

from mapsite.zones.bundled_files import normalise_quote
from mapsite.zones.engine import verdict_at
from mapsite.zones.models import Policy, ReferenceFeature, Source, WeaponSystem, Zone

ROOT = Path(__file__).resolve().parent.parent
FIGURES = json.loads((ROOT / "geo_data/layers/figures.json").read_text())["figures"]
GEOD = Geod(ellps="WGS84")
AFTER = dt.date(2024, 6, 15)
BEFORE = dt.date(2024, 5, 1)

PLACES = {
    "Kharkiv": (49.9935, 36.2304, "ukraine"),
    "Belgorod": (50.5977, 36.5858, "counter-fire"),
    "Shebekino": (50.4072, 36.8878, "counter-fire"),
    "Kursk": (51.7373, 36.1874, "deep-strike"),
    "Voronezh": (51.6720, 39.1843, "deep-strike"),
    "Minsk (Belarus)": (53.9023, 27.5619, None),
}


def zone_kind_at(lat: float, lon: float, day: dt.date) -> str | None:
    verdict = verdict_at(Point(lon, lat, srid=4326), day=day)
    return verdict["zone"]["kind"] if verdict["zone"] else None


@pytest.mark.django_db
@pytest.mark.parametrize("name", PLACES)
def test_known_places_fall_in_the_expected_zone(name):
    lat, lon, kind = PLACES[name]
    assert zone_kind_at(lat, lon, AFTER) == kind


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["Belgorod", "Shebekino", "Kursk"])
def test_before_the_change_all_of_russia_is_deep_strike(name):
    lat, lon, _ = PLACES[name]
    assert zone_kind_at(lat, lon, BEFORE) == "deep-strike"


@pytest.mark.django_db
def test_every_geometry_is_valid_and_in_wgs84():
    with connection.cursor() as cursor:
        for table, column in [
            ("zones_zone", "geom"),
            ("zones_zonepiece", "geom"),
            ("zones_referencefeature", "geom"),
            ("zones_place", "point"),
        ]:
            cursor.execute(
                f"SELECT count(*), count(*) FILTER (WHERE NOT ST_IsValid({column})), "  # noqa: S608 (the test's own table names)
                f"array_agg(DISTINCT ST_SRID({column})) FROM {table}"
            )
            count, invalid, srids = cursor.fetchone()
            assert count > 0, table
            assert invalid == 0, table
            assert srids == [4326], table


def geodesic_area_km2(geom) -> float:
    return abs(GEOD.geometry_area_perimeter(shape(json.loads(geom.geojson)))[0]) / 1e6


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("slug", "figure"),
    [
        ("counter-fire-kharkiv", "ru_within_84km_of_kharkiv_segment_km2"),
        ("ukraine", "ukraine_area_km2"),
        ("russia-before", "russia_area_km2"),
    ],
)
def test_zone_areas_agree_with_an_independent_computation(slug, figure):
    """PostGIS geography buffers and areas against the build's pyproj figures."""
    zone = Zone.objects.get(slug=slug)
    assert zone.area_km2 == pytest.approx(FIGURES[figure]["value"], rel=0.02)
    assert zone.area_km2 == pytest.approx(geodesic_area_km2(zone.geom), rel=0.01)


@pytest.mark.django_db
def test_the_zones_of_a_policy_cover_russia_without_overlap():
    zones = {z.slug: z for z in Zone.objects.filter(policy__slug="counter-fire-kharkiv")}
    counter_fire, deep = zones["counter-fire-kharkiv"], zones["deep-strike-russia"]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_Area(ST_Intersection(a.geom, b.geom)::geography) / 1e6 "
            "FROM zones_zone a, zones_zone b WHERE a.slug = %s AND b.slug = %s",
            [counter_fire.slug, deep.slug],
        )
        overlap = cursor.fetchone()[0]
    assert overlap < 1.0
    russia = Zone.objects.get(slug="russia-before").area_km2
    assert counter_fire.area_km2 + deep.area_km2 == pytest.approx(russia, rel=0.001)


@pytest.mark.django_db
def test_the_counter_fire_zone_reaches_its_stored_depth_and_no_further():
    zone = Zone.objects.get(slug="counter-fire-kharkiv")
    assert zone.depth_km == 84
    depth = zone.assumptions.get(slug="counter-fire-depth")
    assert "{depth_km}" in depth.statement and "within 84 km" in depth.render(zone.depth_km)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT max(ST_Distance((dp).geom::geography, s.geom::geography)) / 1000
            FROM (SELECT ST_DumpPoints(geom) AS dp FROM zones_zone WHERE slug = %s) z,
                 zones_referencefeature s
            WHERE s.slug = 'kharkiv-border-segment'
            """,
            [zone.slug],
        )
        furthest = cursor.fetchone()[0]
    assert 83.0 < furthest <= 84.5


@pytest.mark.django_db
def test_the_kharkiv_segment_and_border_lengths_match_the_data():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT slug, ST_Length(geom::geography) / 1000 FROM zones_referencefeature "
            "WHERE slug IN ('kharkiv-border-segment', 'ukraine-russia-border')"
        )
        lengths = dict(cursor.fetchall())
    assert lengths["kharkiv-border-segment"] == pytest.approx(232, rel=0.02)
    assert lengths["ukraine-russia-border"] == pytest.approx(1524, rel=0.02)
    segment = ReferenceFeature.objects.get(slug="kharkiv-border-segment")
    independent = GEOD.geometry_length(shape(json.loads(segment.geom.geojson))) / 1000
    assert lengths["kharkiv-border-segment"] == pytest.approx(independent, rel=0.005)


@pytest.mark.django_db
def test_every_report_source_quotes_the_report_word_for_word():
    report = normalise_quote((ROOT / "geo_data/source/report.txt").read_text())
    quotes = Source.objects.filter(kind=Source.Kind.REPORT)
    assert quotes.count() >= 10
    for source in quotes:
        assert normalise_quote(source.quote) in report, source.slug


@pytest.mark.django_db
def test_what_the_report_does_not_say_is_an_assumption_with_its_own_source():
    permission = Policy.objects.get(slug="counter-fire-kharkiv")
    assert permission.effective_from == dt.date(2024, 5, 30)
    date_assumption = permission.assumptions.get(slug="policy-date")
    assert date_assumption.sources.exists()
    assert all(s.kind != Source.Kind.REPORT for s in date_assumption.sources.all())
    counter_fire = Zone.objects.get(slug="counter-fire-kharkiv")
    depth = counter_fire.assumptions.get(slug="counter-fire-depth")
    assert depth.sources.filter(kind=Source.Kind.REFERENCE).exists()
    for weapon in WeaponSystem.objects.all():
        assert weapon.range_assumption.value == weapon.range_km
        assert weapon.range_assumption.sources.exists(), weapon.slug


@pytest.mark.django_db
def test_every_zone_traces_to_quotes_from_the_report_or_a_later_report():
    quoted = [Source.Kind.REPORT, Source.Kind.LATER_REPORT]
    for zone in Zone.objects.all():
        assert zone.sources.filter(kind__in=quoted).exclude(quote="").exists(), zone.slug


@pytest.mark.django_db
def test_the_notes_behind_assumptions_say_only_what_the_source_notes_say():
    """Figures and dates in the notes come from geo_data/source/README.md."""
    notes = normalise_quote((ROOT / "geo_data/source/README.md").read_text())
    figures = re.compile(r"\d+ km|\d+ May 2024")
    checked = 0
    for source in Source.objects.filter(publisher="Notes accompanying the report"):
        for figure in figures.findall(source.note):
            assert figure in notes, (source.slug, figure)
            checked += 1
    assert checked >= 5


@pytest.mark.django_db
def test_every_forbidden_target_on_a_zone_is_backed_by_a_quote_the_zone_cites():
    for zone in Zone.objects.prefetch_related("prohibited_targets__sources", "sources"):
        cited = set(zone.sources.all()) | set(zone.policy.sources.all())
        for target in zone.prohibited_targets.all():
            assert cited & set(target.sources.all()), (zone.slug, target.slug)


@pytest.mark.django_db
def test_the_committed_figures_per_version_are_what_the_data_gives():
    from mapsite.zones import figures

    committed = json.loads((ROOT / "geo_data/policy/figures.json").read_text())
    assert committed == figures.compute()
    shares = {v["policy"]: v["share_of_russia_within_reach_percent"] for v in committed["versions"]}
    assert shares["within-ukraine-only"] == 0
    assert 0 < shares["counter-fire-kharkiv"] < shares["counter-fire-kharkiv-sumy"]
    assert shares["counter-fire-kharkiv-sumy"] < shares["counter-fire-across-border"]
    assert committed["isw"]["share_percent"] == 16
