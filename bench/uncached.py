"""Uncached verdicts: a point nobody asked before on every request, against `/api/ping`.

Every request asks a new point (lat 47–55, lon 32–44) on a date of the recorded timeline, or
on the synthetic policy's day (its 10,000 zones). The same run serves the app twice: with the
in-process point index (the default) and with one PostGIS query per verdict
(POINT_LOOKUP=sql, the path before it), so the two are compared in one run. The Lua script
counts the app's `X-Cache` header: a run with a single cache hit fails the benchmark.
"""

import datetime as dt
import json
import os
import statistics
import tempfile
import urllib.request
from pathlib import Path

from bench import servers, synthetic
from bench.api import DURATION, RATIO_ROUNDS, RATIO_SECONDS, warm, wrk

FIRST_DAY, LAST_DAY = dt.date(2024, 5, 1), dt.date(2025, 10, 23)
TIMELINE_DAYS = [
    (FIRST_DAY + dt.timedelta(days=n)).isoformat() for n in range((LAST_DAY - FIRST_DAY).days + 1)
]
VARIANTS = {
    "a date in the timeline (bundled data)": TIMELINE_DAYS,
    "10,000 synthetic zones": [synthetic.SYNTHETIC_DAY],
}
CONNECTIONS = (1, 16, 64)
LATENCY_RUNS = 3  # p50/p99 at each number of connections: the median run of these (by p99)
LOOKUPS = {"index": "in-process index", "sql": "one PostGIS query (before)"}

NEW_POINTS_LUA = """
local days = {%(days)s}
local counter = 0
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args)
  counter = tonumber(args[1])  -- a fresh start for every run: no point is asked twice
  hits, misses = 0, 0
end
function request()
  counter = counter + 1
  local lat = 47 + (counter * 0.61803398875 %% 1) * 8
  local lon = 32 + (counter * 0.41421356237 %% 1) * 12
  local day = days[(counter * 7919) %% #days + 1]
  local path = "%(path)s?lat=%%.6f&lon=%%.6f&date=%%s"
  return wrk.format("GET", string.format(path, lat, lon, day))
end
function response(status, headers, body)
  if headers["X-Cache"] == "hit" then hits = hits + 1 else misses = misses + 1 end
end
function done(summary, latency, requests)
  local h, m = 0, 0
  for _, t in ipairs(threads) do h = h + t:get("hits"); m = m + t:get("misses") end
  io.write(string.format("cache hits: %%d misses: %%d\\n", h, m))
end
"""


def _script(days: list[str], path: str = "/api/verdict") -> str:
    """The new-point script; with path /api/ping, the same requests to the bare endpoint
    (it ignores the query), so both sides of a ratio cost the load generator the same."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
        lua.write(NEW_POINTS_LUA % {"days": ", ".join(f'"{d}"' for d in days), "path": path})
    return lua.name


def _new_points(url: str, connections: int, script: str, seconds: str = DURATION) -> dict:
    figures = wrk(url, connections, script, seconds)
    if figures["cache_hits"] or not figures["cache_misses"]:
        raise RuntimeError(
            f"a new-point run was answered from the cache ({figures['cache_hits']} hits, "
            f"{figures['cache_misses']} misses): its figures would be wrong"
        )
    if figures["non_2xx"]:
        raise RuntimeError(f"a new-point run had {figures['non_2xx']} non-2xx answers")
    return figures


def _latency(base: str, connections: int, script: str) -> dict:
    """The median of LATENCY_RUNS new-point runs by p99 (one 5 s run swings by a few ms on
    this machine), with every run's p99 kept."""
    runs = sorted(
        (_new_points(base + "/api/verdict", connections, script) for _ in range(LATENCY_RUNS)),
        key=lambda run: run["p99_ms"],
    )
    return {**runs[len(runs) // 2], "p99_runs_ms": [run["p99_ms"] for run in runs]}


def worker_rss_kb(base: str) -> list[int]:
    """Resident size of each gunicorn worker serving `base` (children of its master)."""
    master = servers.app_process(base).pid
    sizes = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            status = (proc / "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        if int(fields["PPid"]) == master:
            sizes.append(int(fields["VmRSS"].split()[0]))
    return sorted(sizes)


def _warm_up(base: str, days: list[str]) -> None:
    """Every version's index built in both workers, so a run measures lookups, not builds."""
    with urllib.request.urlopen(base + "/api/policies", timeout=60) as response:
        versions = json.loads(response.read())["policies"]
    starts = {v["effective_from"] for v in versions if v["effective_from"]}
    sample = sorted({days[0], days[-1], *(d for d in starts if days[0] <= d <= days[-1])})
    warm(base, [f"/api/verdict?lat=50.{i:04d}&lon=36.5&date={d}" for i, d in enumerate(sample)])


def _variant(base: str, days: list[str]) -> dict:
    script, ping_script = _script(days), _script(days, "/api/ping")
    try:
        _warm_up(base, days)
        latency = {c: _latency(base, c, script) for c in CONNECTIONS}
        runs: dict[str, list[float]] = {"ping": [], "plain ping": [], "verdict": []}
        for _ in range(RATIO_ROUNDS):
            runs["ping"].append(wrk(base + "/api/ping", 16, ping_script, RATIO_SECONDS)["rps"])
            runs["verdict"].append(
                _new_points(base + "/api/verdict", 16, script, RATIO_SECONDS)["rps"]
            )
            runs["plain ping"].append(wrk(base + "/api/ping", 16, seconds=RATIO_SECONDS)["rps"])
    finally:
        os.unlink(script)
        os.unlink(ping_script)

    def ratio(yardstick: str) -> float:
        pairs = zip(runs["verdict"], runs[yardstick], strict=True)
        return round(statistics.median(v / p for v, p in pairs), 3)

    return {
        "latency": latency,
        "ratio_vs_ping_c16": ratio("ping"),
        "ratio_vs_plain_ping_c16": ratio("plain ping"),
        **{
            f"{name.replace(' ', '_')}_rps": round(statistics.median(r)) for name, r in runs.items()
        },
        "worker_rss_kb": worker_rss_kb(base),
    }


def main() -> dict:
    """Assumes mapsite_bench is prepared (bench.api.main does it first)."""
    figures: dict = {}
    for lookup in LOOKUPS:
        env = {**synthetic.BENCH_ENV, "POINT_LOOKUP": lookup}
        front = {"limits": False, "micro_cache": False}
        with servers.serve(workers=2, env=env, log_level="warning", **front) as base:
            figures[lookup] = {
                "idle_worker_rss_kb": worker_rss_kb(base),
                **{name: _variant(base, days) for name, days in VARIANTS.items()},
            }
    return figures


def render(figures: dict) -> str:
    """The uncached part of the ## API section."""
    lines = [
        "### Uncached verdicts: a new point on every request",
        "",
        "lat 47–55, lon 32–44, and a date of the timeline (2024-05-01 to 2025-10-23) or the "
        "synthetic policy's day (10,000 zones); the app's `X-Cache` header was counted on every "
        "answer and none was a cache hit. Two servers in the same run: the in-process point "
        "index (default) and one PostGIS query per verdict (`POINT_LOOKUP=sql`, the path "
        "before). The ratio is the median of 5 pairs of 2 s runs at 16 connections, each verdict "
        "run against a ping run just before it made by the same Lua script (the same new-point "
        "URLs sent to `/api/ping`, which ignores them), so the load generator costs both sides "
        "the same; beside it, the ratio to a plain `/api/ping` run without a script. "
        f"Latency: the median of {LATENCY_RUNS} runs of 5 s at each number of connections "
        "(by p99; every run's p99 at the most connections is listed below the table).",
        "",
        "| lookup | points | ratio to ping (c16) | to plain ping | verdict / ping req/s | "
        + " | ".join(f"p50 / p99 ms c{c}" for c in CONNECTIONS)
        + " | worker RSS MB |",
        "|---|---|---:|---:|---:|" + "---:|" * len(CONNECTIONS) + "---:|",
    ]
    for lookup, by_variant in figures.items():
        for name in VARIANTS:
            run = by_variant[name]
            cells = [
                f"{run['latency'][c]['p50_ms']:.2f} / {run['latency'][c]['p99_ms']:.2f}"
                for c in CONNECTIONS
            ]
            rss = " + ".join(f"{kb / 1024:.0f}" for kb in run["worker_rss_kb"])
            lines.append(
                f"| {LOOKUPS[lookup]} | {name} | **{run['ratio_vs_ping_c16']}** | "
                f"{run['ratio_vs_plain_ping_c16']} | "
                f"{run['verdict_rps']} / {run['ping_rps']} | {' | '.join(cells)} | {rss} |"
            )
    lines.append("")
    for lookup, by_variant in figures.items():
        for name in VARIANTS:
            most = CONNECTIONS[-1]
            p99s = ", ".join(f"{ms:.2f}" for ms in by_variant[name]["latency"][most]["p99_runs_ms"])
            lines.append(
                f"- p99 at {most} connections, the runs from best to worst, {LOOKUPS[lookup]}, "
                f"{name}: {p99s} ms"
            )
    idle = {
        k: " + ".join(f"{kb / 1024:.0f}" for kb in v["idle_worker_rss_kb"])
        for k, v in figures.items()
    }
    lines += [
        "",
        f"Worker RSS on start, before any verdict: index {idle['index']} MB, SQL {idle['sql']} MB. "
        "Targets: ratio ≥ 0.6 with the bundled data, ≥ 0.5 with the 10,000 zones; p99 at 64 "
        "connections under 40 ms; RSS no more than 2x the SQL path's.",
    ]
    return "\n".join(lines)
