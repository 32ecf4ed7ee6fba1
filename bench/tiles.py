"""Vector tile benchmark: tiles/s against the GeoJSON export, on the 10,000 synthetic zones.

The tiles are those of zooms 6–10 that the Ukraine–Russia border line crosses (the map's
first views), of the synthetic policy's day. The same server (nginx, micro-cache and
limits off, in front of gunicorn with 2 sync workers) answers both sides in one run:

- cold: every tile asked once by one client, each rendered by PostGIS; against the
  export rendered afresh (a bbox new to the cache, covering every zone);
- cached: wrk at 16 connections cycling through the tile URLs (a Lua script), against wrk
  on the whole export and on the page's simplified export, all from the workers' caches.

    python -m bench.tiles      # figures to stdout and the `## Vector tiles` section
"""

import json
import os
import statistics
import tempfile
import time
import urllib.request

from bench import servers, synthetic
from bench.api import DURATION, timed_get, warm, wrk

ZOOMS = range(6, 11)
CONNECTIONS = 16
COLD_EXPORTS = 3
HALF_WORLD = 20037508.342789244  # metres from Web Mercator's origin to its edge
PAGE_SIMPLIFY = 600  # what the page asks for at zoom 8 around Kharkiv

# Every tile of a zoom whose outline the border line crosses (XYZ rows from the top).
TILES_SQL = """
WITH line AS (SELECT ST_Transform(geom, 3857) AS g FROM zones_referencefeature
               WHERE slug = 'ukraine-russia-border'),
box AS (SELECT ST_Transform(ST_Envelope(geom), 3857) AS b FROM zones_referencefeature
         WHERE slug = 'ukraine-russia-border'),
grid AS (
  SELECT z, x, y
    FROM generate_series({zmin}, {zmax}) AS z, box,
         LATERAL (SELECT {world} / 2 ^ z AS size) AS s,
         LATERAL generate_series(floor((ST_XMin(b) + {half}) / size)::int,
                                 floor((ST_XMax(b) + {half}) / size)::int) AS x,
         LATERAL generate_series(floor(({half} - ST_YMax(b)) / size)::int,
                                 floor(({half} - ST_YMin(b)) / size)::int) AS y
)
SELECT string_agg(format('%s/%s/%s', z, x, y), ' ' ORDER BY z, x, y)
  FROM grid, line WHERE ST_Intersects(ST_TileEnvelope(z, x, y), line.g)
"""  # noqa: S608 (constants only)

CYCLE_LUA = """
local paths = {%(paths)s}
local i = 0
function request()
  i = i + 1
  return wrk.format("GET", paths[(i %% #paths) + 1])
end
"""


def _ready() -> None:
    """mapsite_bench with its 10,000 synthetic zones, migrated: made only if not there."""
    try:
        count = synthetic.psql(
            synthetic.BENCH_DB,
            f"SELECT count(*) FROM zones_zone z JOIN zones_policy p ON p.id = z.policy_id "  # noqa: S608 (a constant)
            f"WHERE p.slug = '{synthetic.SYNTHETIC_POLICY}'",
        )
    except Exception:  # noqa: BLE001 (no database yet, or not migrated)
        count = "0"
    if int(count or 0) != synthetic.ZONES:
        synthetic.prepare()
    else:  # made by an earlier run: bring its schema up to date
        synthetic.run_here("manage.py", "migrate", "--noinput", "-v", "0")


def tile_paths() -> list[str]:
    sql = TILES_SQL.format(zmin=min(ZOOMS), zmax=max(ZOOMS), world=2 * HALF_WORLD, half=HALF_WORLD)
    tiles = synthetic.psql(synthetic.BENCH_DB, sql).split()
    return [f"/tiles/zones/{t}.mvt?date={synthetic.SYNTHETIC_DAY}" for t in tiles]


def _cycle_script(paths: list[str]) -> str:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
        lua.write(CYCLE_LUA % {"paths": ", ".join(f'"{p}"' for p in paths)})
    return lua.name


def _cold_tiles(base: str, paths: list[str]) -> dict:
    """Each tile once, one client: every answer must be a cache miss (PostGIS renders it)."""
    sizes, misses, empty = [], 0, 0
    started = time.perf_counter()
    for path in paths:
        with urllib.request.urlopen(base + path, timeout=60) as response:
            body = response.read()
            misses += response.headers["X-Cache"] == "miss"
            empty += response.status == 204
            sizes.append(len(body))
    seconds = time.perf_counter() - started
    if misses != len(paths):
        raise RuntimeError(f"{len(paths) - misses} cold tiles came from the cache")
    return {
        "tiles_per_s": round(len(paths) / seconds, 1),
        "seconds": round(seconds, 2),
        "empty": empty,
        "mean_bytes": round(statistics.mean(sizes)),
        "max_bytes": max(sizes),
    }


def _cold_export(base: str) -> dict:
    """The whole export rendered afresh: a bbox new to the cache that covers every zone."""
    url = f"{base}/api/zones.geojson?date={synthetic.SYNTHETIC_DAY}"
    runs = [
        timed_get(f"{url}&bbox=-180,-90,180,{89.5 - i * 0.01:.2f}") for i in range(COLD_EXPORTS)
    ]
    seconds = statistics.median(t for t, _ in runs)
    return {
        "requests_per_s": round(1 / seconds, 2),
        "seconds": round(seconds, 3),
        "bytes": runs[0][1],
    }


def measure(base: str) -> dict:
    paths = tile_paths()
    by_zoom = {z: sum(1 for p in paths if p.startswith(f"/tiles/zones/{z}/")) for z in ZOOMS}
    cold = _cold_tiles(base, paths)
    cold_export = _cold_export(base)
    export = f"/api/zones.geojson?date={synthetic.SYNTHETIC_DAY}"
    simplified = f"{export}&simplify={PAGE_SIMPLIFY}"
    warm(base, paths, rounds=3)
    warm(base, [export, simplified], rounds=4)
    script = _cycle_script(paths)
    try:
        tiles = wrk(base + paths[0], CONNECTIONS, script)
    finally:
        os.unlink(script)
    whole = wrk(base + export, CONNECTIONS)
    page = wrk(base + simplified, CONNECTIONS)
    with urllib.request.urlopen(base + simplified, timeout=60) as response:
        simplified_bytes = len(response.read())
    return {
        "tiles": len(paths),
        "tiles_by_zoom": by_zoom,
        "cold": cold,
        "cold_export": cold_export,
        "cached_tiles": tiles,
        "cached_export": whole,
        "cached_export_simplified": page,
        "simplified_bytes": simplified_bytes,
        "ratio_cold": round(cold["tiles_per_s"] / cold_export["requests_per_s"], 1),
        "ratio_cached": round(tiles["rps"] / whole["rps"], 1),
        "ratio_cached_simplified": round(tiles["rps"] / page["rps"], 1),
    }


def render(figures: dict) -> str:
    cold, cached = figures["cold"], figures["cached_tiles"]
    export, page = figures["cached_export"], figures["cached_export_simplified"]
    zooms = ", ".join(f"z{z}: {n}" for z, n in figures["tiles_by_zoom"].items())
    return "\n".join(
        [
            f"Measured by `python -m bench.tiles` on {figures['cores']} cores: nginx (micro-cache "
            "and rate limits off) in front of gunicorn with 2 sync workers on 127.0.0.1, "
            f"database `mapsite_bench` ({synthetic.ZONES:,} synthetic zones, "
            f"{synthetic.SYNTHETIC_DAY}). The tiles are the {figures['tiles']} of zooms "
            f"{min(ZOOMS)}–{max(ZOOMS)} that the Ukraine–Russia border crosses ({zooms}); "
            f"cached runs are `wrk -t1 -c{CONNECTIONS} -d{DURATION}s`, the tiles cycled by a "
            f"Lua script. Whole run: {figures['seconds']} s.",
            "",
            "| what | requests/s | p50 ms | p99 ms | bytes each | non-2xx |",
            "|---|---:|---:|---:|---:|---:|",
            f"| tiles, each rendered by PostGIS (one client, each once) | {cold['tiles_per_s']} "
            f"| | | {cold['mean_bytes']:,} mean, {cold['max_bytes']:,} max | 0 |",
            f"| whole GeoJSON export rendered afresh (median of {COLD_EXPORTS}) "
            f"| {figures['cold_export']['requests_per_s']} | | | "
            f"{figures['cold_export']['bytes']:,} | 0 |",
            f"| tiles from the workers' caches | {cached['rps']:.0f} | {cached['p50_ms']:.2f} "
            f"| {cached['p99_ms']:.2f} | {cold['mean_bytes']:,} mean | {cached['non_2xx']} |",
            f"| whole GeoJSON export from the cache | {export['rps']:.1f} | "
            f"{export['p50_ms']:.1f} | {export['p99_ms']:.1f} | "
            f"{figures['cold_export']['bytes']:,} | {export['non_2xx']} |",
            f"| the page's GeoJSON (`simplify={PAGE_SIMPLIFY}`) from the cache | "
            f"{page['rps']:.1f} | {page['p50_ms']:.1f} | {page['p99_ms']:.1f} | "
            f"{figures['simplified_bytes']:,} | {page['non_2xx']} |",
            "",
            "- tiles/s against the export's requests/s, rendered afresh: "
            f"**{figures['ratio_cold']}x**",
            f"- from the caches: **{figures['ratio_cached']}x** against the whole export, "
            f"{figures['ratio_cached_simplified']}x against the page's simplified export",
            f"- {cold['empty']} of the {figures['tiles']} tiles were empty (204, no body)",
        ]
    )


def main() -> dict:
    from bench.run import write_section

    started = time.perf_counter()
    print("tiles bench: mapsite_bench with 10,000 synthetic zones...")
    _ready()
    front = {"limits": False, "micro_cache": False}
    with servers.serve(workers=2, env=synthetic.BENCH_ENV, log_level="warning", **front) as base:
        print("tiles bench: cold tiles, cold export, then wrk on the caches...")
        figures = measure(base)
    figures["seconds"] = round(time.perf_counter() - started, 1)
    figures["cores"] = os.cpu_count()
    write_section("Vector tiles", render(figures))
    return figures


if __name__ == "__main__":
    print(json.dumps(main(), indent=2))
