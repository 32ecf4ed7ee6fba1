"""API benchmark: verdict throughput against a trivial endpoint, and the GeoJSON export.

Everything runs on loopback against nginx in front of gunicorn (2 sync workers; no
micro-cache or rate limit, so the app itself is measured) serving the benchmark's own
database, mapsite_bench (see bench/synthetic.py), never the site's.
"""

import concurrent.futures
import itertools
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time
import urllib.request

from bench import servers, synthetic

DURATION = os.environ.get("BENCH_SECONDS", "5")
POINTS = {
    "Ukraine (Kharkiv)": (49.99, 36.23),
    "counter-fire (Belgorod)": (50.6, 36.58),
    "deep in Russia (Voronezh)": (51.67, 39.2),
    "outside (Minsk)": (53.9, 27.56),
}
EXPORT_RUNS = 7
PAGE_SIMPLIFY = 600  # metres: a tolerance on the page's ladder (vocabulary.simplify_ladder)
RATIO_ROUNDS = 5
RATIO_SECONDS = "2"


UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0}
_RUN_OFFSETS = itertools.count(1_000_000, 1_000_000)


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(number) * UNITS[unit]


def wrk(url: str, connections: int, script: str | None = None, seconds: str = DURATION) -> dict:
    """Requests/s, p50 and p99 latency (ms) from one short wrk run."""
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency"]
    extra = []
    if script:
        command += ["-s", script]
        extra = ["--", str(next(_RUN_OFFSETS))]
    result = subprocess.run(
        [*command, url, *extra], capture_output=True, text=True, check=True, timeout=120
    )
    out = result.stdout
    figures = {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50_ms": _ms(re.search(r"\s50%\s+(\S+)", out).group(1)),
        "p99_ms": _ms(re.search(r"\s99%\s+(\S+)", out).group(1)),
        "requests": int(re.search(r"(\d+) requests in", out).group(1)),
    }
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    figures["non_2xx"] = int(bad.group(1)) if bad else 0
    counted = re.search(r"cache hits: (\d+) misses: (\d+)", out)  # from a script that counts
    figures["cache_hits"], figures["cache_misses"] = (
        (int(counted.group(1)), int(counted.group(2))) if counted else (None, None)
    )
    figures["socket_errors"] = errors.group(1) if errors else ""
    return figures


def warm(base: str, paths: list[str], rounds: int = 20) -> None:
    """Each path `rounds` times from 4 clients at once: one after another, the same worker
    may take every request, and the other would build its caches during a measured run."""

    def fetch(path: str) -> None:
        urllib.request.urlopen(base + path, timeout=60).read()

    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(fetch, [path for _ in range(rounds) for path in paths]))


def verdict_figures(base: str) -> dict:
    paths = {name: f"/api/verdict?lat={lat}&lon={lon}" for name, (lat, lon) in POINTS.items()}
    warm(base, ["/api/ping", *paths.values()])
    variants = {name: base + path for name, path in paths.items()}
    # Latency: one run per variant and concurrency.
    runs: dict = {}
    for connections in (1, 16):
        runs[f"ping c{connections}"] = wrk(base + "/api/ping", connections)
        for name, url in variants.items():
            runs[f"{name} c{connections}"] = wrk(url, connections)
    # Throughput ratio at 16 connections: short runs alternating with ping, so that
    # load from anything else on the machine hits both sides alike; medians.
    ratios, pairs = {}, {}
    for name, url in variants.items():
        pings, verdicts = [], []
        for _ in range(RATIO_ROUNDS):
            pings.append(wrk(base + "/api/ping", 16, seconds=RATIO_SECONDS)["rps"])
            verdicts.append(wrk(url, 16, seconds=RATIO_SECONDS)["rps"])
        pairs[name] = {
            "ping_rps": round(statistics.median(pings)),
            "verdict_rps": round(statistics.median(verdicts)),
        }
        # Each verdict run against the ping run just before it; the median pair.
        paired = [v / p for v, p in zip(verdicts, pings, strict=True)]
        ratios[name] = round(statistics.median(paired), 3)
    return {"runs": runs, "ratio_vs_ping_c16": ratios, "ratio_runs": pairs}


def timed_get(url: str) -> tuple[float, int]:
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=120) as response:
        size = len(response.read())
    return time.perf_counter() - started, size


def export_figures(base: str) -> dict:
    day = synthetic.SYNTHETIC_DAY
    url = f"{base}/api/zones.geojson?date={day}"
    # Cold: each bbox is new to the worker's cache (and covers every zone), so the export
    # is put together again. The API widens a bbox to a 0.01 degree grid, so the boxes
    # differ by whole steps. Each cold export runs right before an ogr2ogr export of the
    # same zones, so load from anything else on the machine hits both alike.
    boxes = (f"bbox=-180,-90,180,{89.9 - i * 0.01:.2f}" for i in itertools.count())
    cold, ogr = [], []
    for _ in range(EXPORT_RUNS):
        cold.append(timed_get(f"{url}&{next(boxes)}")[0])
        ogr.append(_ogr2ogr_once())
    # What the page asks for: a simplified export (a tolerance on the ladder), not stored.
    page = [timed_get(f"{url}&simplify={PAGE_SIMPLIFY}&{next(boxes)}")[0] for _ in range(3)]
    warm(base, [f"/api/zones.geojson?date={day}"], rounds=6)
    warm_runs = [timed_get(url) for _ in range(EXPORT_RUNS)]
    size = warm_runs[0][1]
    with urllib.request.urlopen(url, timeout=60) as response:
        features = len(json.loads(response.read())["features"])
    serializer = _serializer()
    cold_s, warm_s = statistics.median(cold), statistics.median(t for t, _ in warm_runs)
    ogr_s = statistics.median(ogr)
    if cold_s < 2 * warm_s:
        raise RuntimeError(
            f"the cache-miss exports took {cold_s:.4f} s against {warm_s:.4f} s from the cache: "
            "they were answered from the cache, so the figure would be wrong"
        )
    return {
        "features": features,
        "bytes": size,
        "http_cold_s": round(cold_s, 4),
        "http_cached_s": round(warm_s, 4),
        "http_cold_simplified_s": round(statistics.median(page), 4),
        "django_serializer_s": round(serializer["seconds"], 4),
        "django_serializer_bytes": serializer["bytes"],
        "django_serializer_m2m_s": round(serializer["m2m_seconds"], 4),
        "ogr2ogr_s": round(ogr_s, 4),
        "speedup_vs_serializer_cached": round(serializer["seconds"] / warm_s, 1),
        "speedup_vs_serializer_cold": round(serializer["seconds"] / cold_s, 1),
        "speedup_vs_serializer_m2m_cold": round(serializer["m2m_seconds"] / cold_s, 1),
        "fraction_of_ogr2ogr_cached": round(warm_s / ogr_s, 3),
        # Each cold export against the ogr2ogr run right after it; the median pair.
        "fraction_of_ogr2ogr_cold": round(
            statistics.median(c / o for c, o in zip(cold, ogr, strict=True)), 3
        ),
    }


def _serializer() -> dict:
    result = subprocess.run(
        [sys.executable, "-m", "bench.synthetic", "serializer"],
        cwd=servers.ROOT,
        env={**os.environ, **synthetic.BENCH_ENV},
        capture_output=True,
        text=True,
        check=True,
        timeout=900,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def _ogr2ogr_once() -> float:
    """Seconds for `ogr2ogr -f GeoJSON` to export the synthetic version's published zones."""
    policy = synthetic.psql(
        synthetic.BENCH_DB,
        f"SELECT id FROM zones_policy WHERE slug = '{synthetic.SYNTHETIC_POLICY}'",  # noqa: S608 (a constant)
    )
    source = (
        f"PG:host={synthetic.SOCKET_DIR} port={synthetic.PORT} user=postgres "
        f"dbname={synthetic.BENCH_DB}"
    )
    where = f"policy_id = {int(policy)} AND published AND draft_of_id IS NULL"
    started = time.perf_counter()
    subprocess.run(
        ["ogr2ogr", "-f", "GeoJSON", "/vsistdout/", source, "zones_zone", "-where", where],
        stdout=subprocess.DEVNULL,
        check=True,
        timeout=300,
    )
    return time.perf_counter() - started


def main() -> dict:
    started = time.perf_counter()
    print("api bench: preparing mapsite_bench (migrate, load, 10,000 synthetic zones)...")
    synthetic.prepare()
    # The app's own speed: nginx in front, but no micro-cache or rate limit.
    front = {"limits": False, "micro_cache": False}
    with servers.serve(workers=2, env=synthetic.BENCH_ENV, log_level="warning", **front) as base:
        print("api bench: verdict throughput and latency (wrk)...")
        verdicts = verdict_figures(base)
        print("api bench: GeoJSON export of 10,000 zones...")
        export = export_figures(base)
    from bench import uncached  # it reuses wrk() from here

    print("api bench: uncached verdicts, index and SQL lookups...")
    new_points = uncached.main()
    return {
        "verdict": verdicts,
        "export": export,
        "uncached": new_points,
        "seconds": round(time.perf_counter() - started, 1),
        "cores": os.cpu_count(),
        "python": f"{platform.python_version()} ({sys._base_executable})",
    }


def render(figures: dict) -> str:
    """The ## API section of bench/RESULTS.md."""
    verdict = figures["verdict"]
    lines = [
        f"Measured by `python -m bench.run` (what `make bench` runs) on {figures['cores']} "
        "cores, nginx (micro-cache and rate limits off) in front of gunicorn with 2 sync "
        f"workers on 127.0.0.1, `wrk -t1 -d{DURATION}s --latency`, database `mapsite_bench`, "
        f"Python {figures.get('python', '?')}. Whole API bench: {figures['seconds']} s.",
        "",
        "### Verdicts: `/api/verdict` against `/api/ping` (same app, same server)",
        "",
        "| run | conns | requests/s | p50 ms | p99 ms | non-2xx |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for key, run in verdict["runs"].items():
        name, connections = key.rsplit(" c", 1)
        lines.append(
            f"| {name} | {connections} | {run['rps']:.0f} | {run['p50_ms']:.2f} | "
            f"{run['p99_ms']:.2f} | {run['non_2xx']} |"
        )
    lines += [
        "",
        f"Throughput as a fraction of `/api/ping` at 16 connections (target ≥ 0.6): "
        f"{RATIO_ROUNDS} runs of {RATIO_SECONDS} s each, each right after a ping run; the "
        "median of the pairs' ratios (in brackets, the median requests/s of each side):",
        "",
    ]
    for name, ratio in verdict["ratio_vs_ping_c16"].items():
        pair = verdict["ratio_runs"][name]
        lines.append(
            f"- {name}: **{ratio}** ({pair['verdict_rps']} vs {pair['ping_rps']} requests/s)"
        )
    from bench import uncached

    lines += [
        "",
        "Fixed points are answered from each worker's response cache after the first request "
        "(checked against the data version every POLICY_CACHE_SECONDS).",
        "",
        uncached.render(figures["uncached"]),
        "",
        render_export(figures["export"]),
    ]
    return "\n".join(lines)


def render_export(export: dict) -> str:
    lines = [
        f"### Export: {export['features']:,} synthetic zones, `/api/zones.geojson` "
        f"({export['bytes'] / 1e6:.1f} MB)",
        "",
        "| method | seconds (median) |",
        "|---|---:|",
        f"| HTTP, response cached in the worker | {export['http_cached_s']} |",
        f"| HTTP, cache miss (the stored features joined) | {export['http_cold_s']} |",
        f"| HTTP, cache miss simplified to {PAGE_SIMPLIFY} m, as the page asks "
        f"| {export['http_cold_simplified_s']} |",
        f"| Django `geojson` serializer, concrete fields only, in-process "
        f"({export['django_serializer_bytes'] / 1e6:.1f} MB) | {export['django_serializer_s']} |",
        f"| Django `geojson` serializer, all fields incl. many-to-many, in-process "
        f"| {export['django_serializer_m2m_s']} |",
        f"| `ogr2ogr -f GeoJSON` from the PostGIS table | {export['ogr2ogr_s']} |",
        "",
        f"- vs Django serializer (target ≥ 10x): cache miss "
        f"**{export['speedup_vs_serializer_cold']}x** "
        f"({export['speedup_vs_serializer_m2m_cold']}x against the serializer with "
        f"many-to-many), cached {export['speedup_vs_serializer_cached']}x",
        f"- vs ogr2ogr (target ≤ 0.3 of its time): cache miss "
        f"**{export['fraction_of_ogr2ogr_cold']}** (the median of {EXPORT_RUNS} pairs, each "
        f"cold export right before an ogr2ogr run), cached {export['fraction_of_ogr2ogr_cached']}",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    print(json.dumps(main(), indent=2))
