"""What the HTML pages show of a document: its links, and features as table rows."""

import json
from urllib.parse import quote

from mapsite.ogc.collections import Collection
from mapsite.ogc.documents import HTML_TYPE

NONE = "—"


def _alternate(links: list[dict]) -> dict | None:
    """The link to this page's JSON twin."""
    return next((x for x in links if x["rel"] == "alternate" and x["type"] != HTML_TYPE), None)


def _html_links(links: list[dict], *rels: str) -> list[dict]:
    return [x for x in links if x["type"] == HTML_TYPE and (not rels or x["rel"] in rels)]


def _shown(value) -> str:
    """A property as text: a list of named things by their names."""
    if value is None or value == "" or value == []:
        return NONE
    if isinstance(value, list):
        return "; ".join(_shown(v) for v in value)
    if isinstance(value, dict):
        for key in ("name", "title", "publisher", "slug"):
            if value.get(key):
                return str(value[key])
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _named(links: list[dict]) -> dict[str, str]:
    """Links by rel and format, for the templates: `data_html`, `service_desc_json`..."""
    named = {}
    for x in links:
        name = f"{x['rel'].replace('-', '_')}_{'html' if x['type'] == HTML_TYPE else 'json'}"
        named.setdefault(name, x["href"])
    return named


def _rows(doc: dict, base: str) -> list[dict]:
    owner: Collection = doc["collection"]
    items = f"{base}collections/{owner.id}/items/"
    return [
        {
            "id": feature["id"],
            "href": f"{items}{quote(str(feature['id']))}?f=html",
            "cells": [
                owner.cell(name, feature["properties"].get(name)) for name, _ in owner.columns
            ],
        }
        for feature in json.loads(doc["features"])
    ]


def context(doc: dict, base: str) -> dict:
    """The template's context for a document (see mapsite/ogc/documents.py)."""
    links = doc.get("links", [])
    found = {"doc": doc, "base": base, "json_link": _alternate(links), "links": _named(links)}
    if "collections" in doc:
        found["collections"] = [{**c, "links": _named(c["links"])} for c in doc["collections"]]
    if "numberMatched" in doc:
        found["rows"] = _rows(doc, base)
        found["paging"] = _html_links(links, "prev", "next")
        found["columns"] = [label for _, label in doc["collection"].columns]
    if doc.get("type") == "Feature":
        owner: Collection = doc["collection"]
        found["properties"] = [
            (name, owner.cell(name, value) if name in dict(owner.columns) else _shown(value))
            for name, value in doc["properties"].items()
        ]
        found["geometry_type"] = (doc.get("geometry") or {}).get("type", NONE)
    return found
