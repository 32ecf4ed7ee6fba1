"""Map page benchmark: bytes for the first view, and time until the zones are drawn.

In headless chromium on loopback, against nginx in front of gunicorn (rate limits off),
nginx serving whitenoise's hashed, compressed static files (collectstatic first), the map
page is compared with a bare Leaflet page (static/bench/bare.html) that draws the full,
unsimplified /api/zones.geojson. Both set `performance.mark('zones-drawn')` once the zones
are rendered. Each run uses a new browser context (cold cache); the two pages alternate
and the medians are reported. Only loopback is reachable, so online tiles fail, as
they would offline, and the map page loads its outline basemap: that is counted.

Run: `.venv/bin/python -m bench.map_page` (uses the site's database, as `make run`).
"""

import os
import statistics
import time
import urllib.error
import urllib.request

from bench import servers

RUNS = int(os.environ.get("BENCH_MAP_RUNS", "9"))
WARM_RUNS = 2
BUDGET_BYTES = 300 * 1024  # the first view, as transferred
CHROMIUM_ARGS = [
    *servers.CHROMIUM_ARGS,
    # Nothing but loopback resolves: online tiles fail at once, as offline.
    f"--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE {servers.HOST}",
]
VIEWPORT = {"width": 1280, "height": 800}
PAGES = {"map": "/", "bare": "/static/bench/bare.html"}


def warm_server(base: str, paths: list[str], rounds: int = 8) -> None:
    """Ask every worker for every URL a page loads, so each has its response cache filled."""
    from concurrent.futures import ThreadPoolExecutor

    def get(path: str) -> None:
        request = urllib.request.Request(base + path, headers={"Accept-Encoding": "gzip"})
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                response.read()
        except urllib.error.HTTPError as exc:
            raise RuntimeError(f"{path}: {exc}") from None

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(get, [path for _ in range(rounds) for path in paths]))


def first_view(browser, url: str) -> dict:
    """One cold load: bytes as transferred (CDP encodedDataLength) and ms to 'zones-drawn'."""
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    transferred: dict[str, int] = {}
    urls: dict[str, str] = {}
    cdp.on(
        "Network.requestWillBeSent", lambda e: urls.__setitem__(e["requestId"], e["request"]["url"])
    )
    cdp.on(
        "Network.loadingFinished",
        lambda e: transferred.__setitem__(e["requestId"], e["encodedDataLength"]),
    )
    try:
        page.goto(url, wait_until="load")
        page.wait_for_function(
            "() => performance.getEntriesByName('zones-drawn').length > 0", timeout=60_000
        )
        page.wait_for_load_state("networkidle")
        drawn_ms = page.evaluate("() => performance.getEntriesByName('zones-drawn')[0].startTime")
        local = {
            rid: size
            for rid, size in transferred.items()
            if urls.get(rid, "").startswith("http://" + servers.HOST)
        }
        by_url = sorted(
            ((urls[rid], size) for rid, size in local.items()), key=lambda item: -item[1]
        )
        return {
            "bytes": sum(local.values()),
            "requests": len(local),
            "zones_drawn_ms": drawn_ms,
            "largest": by_url[:6],
            "paths": [url for url, _ in by_url],
        }
    finally:
        context.close()


def measure(base: str, runs: int = RUNS) -> dict:
    from playwright.sync_api import sync_playwright

    samples: dict[str, list[dict]] = {name: [] for name in PAGES}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=servers.CHROMIUM, args=CHROMIUM_ARGS)
        try:
            # Warm the server (each worker's response cache), not the browser.
            for _ in range(WARM_RUNS):
                for path in PAGES.values():
                    loaded = first_view(browser, base + path)
                    warm_server(base, [url.replace(base, "") for url in loaded["paths"]])
            for run in range(runs):
                order = list(PAGES) if run % 2 == 0 else list(reversed(PAGES))
                for name in order:
                    samples[name].append(first_view(browser, base + PAGES[name]))
        finally:
            browser.close()
    result = {}
    for name, runs_of_page in samples.items():
        result[name] = {
            "bytes_median": int(statistics.median(s["bytes"] for s in runs_of_page)),
            "zones_drawn_ms_median": round(
                statistics.median(s["zones_drawn_ms"] for s in runs_of_page), 1
            ),
            "zones_drawn_ms_runs": [round(s["zones_drawn_ms"], 1) for s in runs_of_page],
            "bytes_runs": [s["bytes"] for s in runs_of_page],
            "requests": runs_of_page[-1]["requests"],
            "largest": [[url.replace(base, ""), size] for url, size in runs_of_page[-1]["largest"]],
        }
    return result


def main() -> dict:
    started = time.perf_counter()
    load_before = os.getloadavg()[0]
    print(f"map page bench: nginx + gunicorn + chromium, {RUNS} cold runs of each page...")
    # The browser's page loads and warm-ups come faster than a visitor's: no rate limit.
    with servers.serve(workers=2, collectstatic=True, log_level="warning", limits=False) as base:
        pages = measure(base)
    figures = {
        "runs": RUNS,
        "map": pages["map"],
        "bare": pages["bare"],
        "budget_bytes": BUDGET_BYTES,
        "within_budget": pages["map"]["bytes_median"] <= BUDGET_BYTES,
        "zones_drawn_not_later_than_bare": pages["map"]["zones_drawn_ms_median"]
        <= pages["bare"]["zones_drawn_ms_median"],
        "seconds": round(time.perf_counter() - started, 1),
        "database": os.environ.get("MAPSITE_DB_NAME", "mapsite"),
        "cores": os.cpu_count(),
        "load_average": round(load_before, 1),
    }
    return figures


def _kb(size: int) -> str:
    return f"{size / 1024:.1f} KB"


def render(figures: dict) -> str:
    page, bare = figures["map"], figures["bare"]
    lines = [
        f"Measured by `python -m bench.map_page`: headless chromium on loopback, nginx in "
        "front of gunicorn (2 sync workers), nginx serving whitenoise's compressed static "
        f"files; {figures['runs']} cold "
        "runs of each page (new browser context each run, pages alternating), after "
        f"{WARM_RUNS} warm-up runs that fill the server's caches; medians. Only loopback "
        "resolves, so the online tiles fail and the map page draws its outline basemap "
        "(counted). Bytes are CDP `encodedDataLength`: as transferred, headers included. "
        f"Database `{figures['database']}` (the bundled data); {figures['cores']} cores, "
        f"load average {figures['load_average']} when the run began.",
        "",
        "| page | transferred (first view) | requests | zones drawn (ms from navigation) |",
        "|---|---:|---:|---:|",
        f"| map page `/` | {_kb(page['bytes_median'])} | {page['requests']} | "
        f"{page['zones_drawn_ms_median']} |",
        f"| bare Leaflet + full `/api/zones.geojson` | {_kb(bare['bytes_median'])} | "
        f"{bare['requests']} | {bare['zones_drawn_ms_median']} |",
        "",
        f"- First view within {_kb(figures['budget_bytes'])}: "
        f"**{'yes' if figures['within_budget'] else 'no'}** ({_kb(page['bytes_median'])})",
        "- Zones drawn no later than on the bare page: "
        f"**{'yes' if figures['zones_drawn_not_later_than_bare'] else 'no'}** "
        f"({page['zones_drawn_ms_median']} ms against {bare['zones_drawn_ms_median']} ms)",
        f"- Runs, map page (ms): {page['zones_drawn_ms_runs']}; bare page: "
        f"{bare['zones_drawn_ms_runs']}",
        "- Largest map page responses: "
        + ", ".join(f"`{url}` {_kb(size)}" for url, size in page["largest"]),
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    import json

    from bench.run import write_section

    result = main()
    print(json.dumps(result, indent=2))
    write_section("Map page", render(result))
