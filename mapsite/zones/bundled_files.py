"""Reading and checking the bundled files (geo_data/) before anything is loaded: the
GeoJSON layers, the policy file, and each quote against the stored text it came from."""

import datetime as dt
import json
import re
from pathlib import Path

from django.conf import settings
from django.contrib.gis.geos import GEOSGeometry

from mapsite.zones import vocabulary

DATA_DIR = Path(settings.BASE_DIR) / "geo_data"
LATER_REPORTS_DIR = "source/later"
REPORT_COPIES_DIR = "source/report-copies"  # public pages carrying the founding report's words
# The kinds of source that quote somebody; each quote is checked against its stored text.
QUOTED_KINDS = ("report", "later-report")


class LoadError(Exception):
    """A bundled file is missing or malformed; nothing was loaded."""


def read_json(path: Path) -> dict:
    if not path.exists():
        raise LoadError(f"{path}: file is missing (run `make data` to rebuild geo_data/layers)")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise LoadError(f"{path}: not valid JSON: {exc}") from None


def features(path: Path) -> list[dict]:
    doc = read_json(path)
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        raise LoadError(f"{path}: expected a GeoJSON FeatureCollection")
    items = doc.get("features")
    if not isinstance(items, list):
        raise LoadError(f"{path}: 'features' must be a list")
    for index, feature in enumerate(items):
        label = f"{path.name} feature {index}"
        if not isinstance(feature, dict) or not isinstance(feature.get("properties"), dict):
            raise LoadError(f"{path}: {label} has no properties object")
        slug = feature["properties"].get("slug")
        feature["_label"] = f"{label} ({slug})" if slug else label
        feature["_geom"] = geometry(path, feature)
    return items


def geometry(path: Path, feature: dict) -> GEOSGeometry:
    label = feature["_label"]
    raw = feature.get("geometry")
    if not isinstance(raw, dict) or "type" not in raw:
        raise LoadError(f"{path}: {label} has no geometry")
    try:
        geom = GEOSGeometry(json.dumps(raw), srid=4326)
    except (ValueError, TypeError) as exc:
        raise LoadError(f"{path}: {label} has a malformed geometry: {exc}") from None
    if geom.empty:
        raise LoadError(f"{path}: {label} has an empty geometry")
    if not geom.valid:
        raise LoadError(f"{path}: {label} has an invalid geometry: {geom.valid_reason}")
    xmin, ymin, xmax, ymax = geom.extent
    if xmin < -180 or xmax > 180 or ymin < -90 or ymax > 90:
        raise LoadError(f"{path}: {label} has coordinates outside lon ±180 / lat ±90")
    return geom


def normalise_quote(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def stored_copies(folder: Path) -> dict[str, str]:
    """The stored excerpts of later reports, by the address in each file's `url:` header."""
    copies = {}
    for path in sorted(folder.glob("*.txt")):
        header, _, body = path.read_text(encoding="utf-8").partition("\n\n")
        urls = [line[4:].strip() for line in header.splitlines() if line.startswith("url:")]
        if urls:
            copies[urls[0]] = normalise_quote(body)
    return copies


def check_quotes(policy: dict, report_path: Path, *copy_dirs: Path) -> None:
    """Every quote is in the text it came from: the report, or a later report's stored copy;
    a report quote's address, too, leads to a stored copy holding it."""
    where = DATA_DIR / "policy/policy.json"
    report = normalise_quote(read_json_text(report_path))
    copies = {}
    for folder in copy_dirs:
        copies.update(stored_copies(folder))
    for source in policy["sources"]:
        quote = normalise_quote(source.get("quote") or "")
        if source.get("quote") and source["kind"] not in QUOTED_KINDS:
            raise LoadError(
                f"{where}: source {source['slug']} is of kind {source['kind']!r} and cannot "
                "quote anyone; only report and later-report sources carry quotes"
            )
        if source["kind"] == "report" and quote not in report:
            raise LoadError(
                f"{where}: source {source['slug']} quotes words that are not in {report_path.name}"
            )
        if source["kind"] in QUOTED_KINDS:
            stored = copies.get(source.get("url") or "")
            if stored is None:
                raise LoadError(
                    f"{where}: source {source['slug']} has no stored copy of {source.get('url')!r} "
                    f"in geo_data/{LATER_REPORTS_DIR} or geo_data/{REPORT_COPIES_DIR}"
                )
            if not quote or quote not in stored:
                raise LoadError(
                    f"{where}: source {source['slug']} quotes words that are not in the stored "
                    f"copy of {source['url']}"
                )


def check_versions(policy: dict) -> None:
    """Versions in force (disputed ones aside) never overlap; each cites a report it is
    built on (an editors' note alone is not a source) and says how sure it is."""
    where = DATA_DIR / "policy/policy.json"
    kinds = {source["slug"]: source["kind"] for source in policy["sources"]}
    spans = []
    for item in policy["policies"]:
        if not any(kinds.get(slug) in QUOTED_KINDS for slug in item.get("sources", [])):
            raise LoadError(f"{where}: policy version {item['slug']} cites no report")
        if item.get("confidence") not in vocabulary.CONFIDENCE:
            raise LoadError(
                f"{where}: policy version {item['slug']} has confidence "
                f"{item.get('confidence')!r}; expected one of: {', '.join(vocabulary.CONFIDENCE)}"
            )
        if item["confidence"] == vocabulary.DISPUTED:
            continue
        start = day(item.get("effective_from"), item["slug"]) or dt.date.min
        end = day(item.get("effective_to"), item["slug"]) or dt.date.max
        spans.append((start, end, item["slug"]))
    spans.sort()
    for (_, end, slug), (start, _, later) in zip(spans, spans[1:], strict=False):
        if start < end:
            raise LoadError(f"{where}: policy versions {slug} and {later} overlap")


def read_json_text(path: Path) -> str:
    if not path.exists():
        raise LoadError(f"{path}: file is missing")
    return path.read_text(encoding="utf-8")


def day(value, where: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise LoadError(f"policy.json: {where} has a bad date {value!r}") from None
