"""The benchmark's own database: the bundled data plus 10,000 small synthetic zones.

Never the site's database: everything here runs with MAPSITE_DB_NAME=mapsite_bench.

    python -m bench.synthetic prepare     # (re)create mapsite_bench, migrate, load, synthesize
    python -m bench.synthetic serializer  # time Django's geojson serializer, print JSON
"""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DB = "mapsite_bench"
SOCKET_DIR = ROOT / "var" / "pg" / "run"
PORT = os.environ.get("MAPSITE_DB_PORT", "54329")
SYNTHETIC_POLICY = "bench-synthetic"
SYNTHETIC_DAY = "2100-06-01"  # the synthetic policy is in force from 2100-01-01
ZONES = 10_000
BENCH_ENV = {"MAPSITE_DB_NAME": BENCH_DB, "DJANGO_SETTINGS_MODULE": "mapsite.settings"}


def psql(database: str, sql: str) -> str:
    command = ["psql", "-h", str(SOCKET_DIR), "-p", PORT, "-U", "postgres", "-d", database]
    result = subprocess.run(
        [*command, "-v", "ON_ERROR_STOP=1", "-qAt", "-c", sql],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    return result.stdout.strip()


def run_here(*args: str) -> None:
    """Run `python <args>` in the bench database's environment."""
    subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env={**os.environ, **BENCH_ENV},
        check=True,
        timeout=900,
        stdout=subprocess.DEVNULL,
    )


def prepare() -> None:
    """A fresh mapsite_bench: migrated, loaded, and 10,000 synthetic zones."""
    assert BENCH_DB != "mapsite"
    psql("postgres", f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
    psql("postgres", f"CREATE DATABASE {BENCH_DB}")
    run_here("manage.py", "migrate", "--noinput", "-v", "0")
    run_here("manage.py", "load_geo_data")
    run_here("-m", "bench.synthetic", "synthesize")
    psql(BENCH_DB, "VACUUM ANALYZE")


def _django() -> None:
    for key, value in BENCH_ENV.items():
        os.environ[key] = value
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection

    assert connection.settings_dict["NAME"] == BENCH_DB, "never the site's database"


def synthesize() -> None:
    """10,000 small published zones (16-gons about 3 km across) in a policy of their own."""
    _django()
    import datetime as dt

    from django.db import transaction

    from mapsite.zones.models import Policy, Zone

    with transaction.atomic():
        # Close the current policy so that the synthetic one alone is in force in 2100.
        Policy.objects.filter(effective_to__isnull=True).update(effective_to=dt.date(2100, 1, 1))
        policy = Policy.objects.create(
            slug=SYNTHETIC_POLICY,
            title="Synthetic benchmark policy",
            summary="10,000 small synthetic zones for the export benchmark.",
            effective_from=dt.date(2100, 1, 1),
        )
        Zone.objects.bulk_create(_synthetic_zones(policy), batch_size=1000)
        _link_synthetic_zones(list(Zone.objects.filter(policy=policy)))
        # The database measured each zone and cut its lookup pieces as it was inserted.


def _synthetic_zones(policy) -> list:
    """ZONES unsaved zones on a 100-column grid, cycling through the three kinds."""
    from django.contrib.gis.geos import MultiPolygon, Point

    from mapsite.zones.models import Zone

    kinds = [
        ("ukraine", "permitted"),
        ("counter-fire", "conditional"),
        ("deep-strike", "prohibited"),
    ]
    zones = []
    for i in range(ZONES):
        kind, status = kinds[i % 3]
        centre = Point(22 + (i % 100) * 0.2, 44 + (i // 100) * 0.1, srid=4326)
        shape = MultiPolygon(centre.buffer(0.02, quadsegs=4), srid=4326)
        zones.append(
            Zone(
                slug=f"bench-{i:05d}",
                name=f"Synthetic zone {i}",
                kind=kind,
                status=status,
                policy=policy,
                description="A synthetic zone for the export benchmark.",
                geom=shape,
                area_km2=round(shape.area * 111 * 71, 1),
            )
        )
    return zones


def _link_synthetic_zones(zones: list) -> None:
    """Every synthetic zone gets a counter-fire area's weapons, targets and evidence."""
    from mapsite.zones.models import Assumption, Source, TargetCategory, WeaponSystem, Zone

    links = {
        "permitted_weapons": ("weaponsystem", list(WeaponSystem.objects.filter(slug="gmlrs"))),
        "prohibited_weapons": (
            "weaponsystem",
            list(WeaponSystem.objects.filter(slug="atacms")),
        ),
        "permitted_targets": (
            "targetcategory",
            list(TargetCategory.objects.filter(slug__in=["launchers", "troops-massing"])),
        ),
        "prohibited_targets": (
            "targetcategory",
            list(TargetCategory.objects.filter(slug="civilian-infrastructure")),
        ),
        "sources": ("source", list(Source.objects.filter(slug="politico-in-effect"))),
        "assumptions": (
            "assumption",
            list(Assumption.objects.filter(slug="counter-fire-depth")),
        ),
    }
    for name, (column, targets) in links.items():
        through = getattr(Zone, name).through
        through.objects.bulk_create(
            [through(zone_id=z.pk, **{f"{column}_id": t.pk}) for z in zones for t in targets],
            batch_size=5000,
        )


def serializer() -> None:
    """Time Django's built-in geojson serializer on the export's queryset; print JSON."""
    _django()
    from django.core import serializers

    from mapsite.zones.models import Zone

    queryset = Zone.objects.public().filter(policy__slug=SYNTHETIC_POLICY)
    fields = ["slug", "name", "kind", "status", "description", "area_km2", "updated_at"]
    timings, size, count = [], 0, queryset.count()
    for _ in range(3):
        started = time.perf_counter()
        text = serializers.serialize("geojson", queryset, geometry_field="geom", fields=fields)
        timings.append(time.perf_counter() - started)
        size = len(text)
    # Everything, many-to-many links too (prefetched), as the serializer does by default.
    related = queryset.prefetch_related(*Zone.LINK_FIELDS)
    started = time.perf_counter()
    serializers.serialize("geojson", related, geometry_field="geom")
    m2m_seconds = time.perf_counter() - started
    print(
        json.dumps(
            {
                "seconds": sorted(timings)[1],
                "bytes": size,
                "features": count,
                "m2m_seconds": m2m_seconds,
            }
        )
    )


if __name__ == "__main__":
    {"prepare": prepare, "synthesize": synthesize, "serializer": serializer}[sys.argv[1]]()
