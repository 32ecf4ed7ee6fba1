"""`make bench`: the API, vector tile, map page and Lighthouse benchmarks; figures to RESULTS.md.

Each part rewrites only its own `## ...` section of bench/RESULTS.md.
"""

import importlib
import json
import re
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
INTRO = """# Benchmark results

Written by `make bench` (`.venv/bin/python -m bench.run`). Every figure comes from one run
on this machine, loopback only; ratios compare runs made in the same session. Each section
is rewritten by its own benchmark and the others are kept.
"""


def write_section(title: str, body: str, path: Path = RESULTS) -> None:
    """Replace (or append) the `## {title}` section, keeping everything else."""
    text = path.read_text(encoding="utf-8") if path.exists() else INTRO
    section = f"## {title}\n\n{body.strip()}\n"
    pattern = re.compile(rf"^## {re.escape(title)}\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(text):
        text = pattern.sub(lambda _: section + "\n", text, count=1).rstrip() + "\n"
    else:
        text = text.rstrip() + "\n\n" + section
    path.write_text(text, encoding="utf-8")


def render_generic(figures: dict) -> str:
    return "\n".join(f"- {key}: {json.dumps(value)}" for key, value in figures.items())


def main() -> None:
    from bench import api

    figures = api.main()
    print(json.dumps(figures, indent=2))
    write_section("API", api.render(figures))
    from bench import tiles

    print(json.dumps(tiles.main(), indent=2))  # writes its own section
    try:
        map_page = importlib.import_module("bench.map_page")
    except ModuleNotFoundError as exc:
        if exc.name != "bench.map_page":
            raise
        print("bench.map_page is not there yet: skipping the map page benchmark")
        return
    page = map_page.main()
    print(json.dumps(page, indent=2))
    render = getattr(map_page, "render", render_generic)
    write_section("Map page", render(page))
    from bench import lighthouse

    # Last: it writes its own section, then stops the bench when a target is missed.
    print(json.dumps(lighthouse.main(), indent=2))
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
