"""The OGC API documents as dicts: what the JSON answers say and the HTML pages show."""

import datetime as dt
import json
from urllib.parse import quote, urlencode

from mapsite.api.responses import dumps
from mapsite.ogc.collections import COLLECTIONS, Collection, Page
from mapsite.ogc.negotiation import HTML, JSON
from mapsite.ogc.params import CRS84, ItemsQuery
from mapsite.zones.snapshot import Snapshot

JSON_TYPE, GEOJSON_TYPE, HTML_TYPE = "application/json", "application/geo+json", "text/html"
OPENAPI_TYPE = "application/vnd.oai.openapi+json;version=3.0"
TITLE = "US weapons near Kharkiv: OGC API - Features"
DESCRIPTION = (
    "The map's policy zones, reference layers and places as OGC API - Features (Part 1 Core,"
    " GeoJSON and HTML; Part 2 with CRS84 only). For understanding a public policy report."
    " Not for operational use."
)
CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
]


def href(base: str, path: str, query: list[tuple[str, str]] | tuple = ()) -> str:
    return base + path + (f"?{urlencode(list(query))}" if query else "")


def link(url: str, rel: str, media: str, title: str) -> dict:
    return {"href": url, "rel": rel, "type": media, "title": title}


def both(base: str, path: str, fmt: str, what: str, query=(), json_type=JSON_TYPE) -> list:
    """The self link in the format answered, and the alternate in the other."""
    as_json = href(base, path, [*query, ("f", JSON)])
    as_html = href(base, path, [*query, ("f", HTML)])
    return [
        link(as_json, "self" if fmt == JSON else "alternate", json_type, f"{what} as JSON"),
        link(as_html, "self" if fmt == HTML else "alternate", HTML_TYPE, f"{what} as HTML"),
    ]


def landing(base: str, fmt: str) -> dict:
    return {
        "title": TITLE,
        "description": DESCRIPTION,
        "links": [
            *both(base, "", fmt, "This page"),
            link(base + "api", "service-desc", OPENAPI_TYPE, "The API definition (OpenAPI 3.0)"),
            link(href(base, "conformance", [("f", JSON)]), "conformance", JSON_TYPE, "Conformance"),
            link(href(base, "conformance", [("f", HTML)]), "conformance", HTML_TYPE, "Conformance"),
            link(href(base, "collections", [("f", JSON)]), "data", JSON_TYPE, "The collections"),
            link(href(base, "collections", [("f", HTML)]), "data", HTML_TYPE, "The collections"),
        ],
    }


def conformance(base: str, fmt: str) -> dict:
    return {"conformsTo": CONFORMANCE, "links": both(base, "conformance", fmt, "Conformance")}


def collection(base: str, fmt: str, snap: Snapshot, item: Collection) -> dict:
    path = f"collections/{item.id}"
    return {
        "id": item.id,
        "title": item.title,
        "description": item.description,
        "itemType": "feature",
        "extent": item.extent(snap),
        "crs": [CRS84],
        "storageCrs": CRS84,
        "links": [
            *both(base, path, fmt, "This collection"),
            link(href(base, f"{path}/items", [("f", JSON)]), "items", GEOJSON_TYPE, "Items"),
            link(href(base, f"{path}/items", [("f", HTML)]), "items", HTML_TYPE, "Items"),
        ],
    }


def collections(base: str, fmt: str, snap: Snapshot) -> dict:
    return {
        "links": both(base, "collections", fmt, "The collections"),
        "crs": [CRS84],
        "collections": [collection(base, fmt, snap, c) for c in COLLECTIONS.values()],
    }


def now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def items_head(base: str, fmt: str, item: Collection, query: ItemsQuery, page: Page) -> dict:
    """Everything of an items answer but its features: counts, time, and paging links."""
    path = f"collections/{item.id}/items"
    kept = [*query.given, ("limit", str(query.limit))]

    def at(offset: int) -> list[tuple[str, str]]:
        return [*kept, ("offset", str(offset))] if offset else kept

    links = both(base, path, fmt, "This page", at(query.offset), GEOJSON_TYPE)
    pages = []
    if query.offset + page.returned < page.matched:
        pages.append(("next", query.offset + query.limit, "Next page"))
    if query.offset > 0:
        pages.append(("prev", max(0, query.offset - query.limit), "Previous page"))
    for rel, offset, title in pages:
        links.append(link(href(base, path, [*at(offset), ("f", JSON)]), rel, GEOJSON_TYPE, title))
        links.append(link(href(base, path, [*at(offset), ("f", HTML)]), rel, HTML_TYPE, title))
    collection_json = href(base, f"collections/{item.id}", [("f", JSON)])
    links.append(link(collection_json, "collection", JSON_TYPE, item.title))
    return {
        "type": "FeatureCollection",
        "numberMatched": page.matched,
        "numberReturned": page.returned,
        "timeStamp": now(),
        "links": links,
    }


def items_json(head: dict, page: Page) -> bytes:
    """The head and the page's features, spliced: the features are not parsed again."""
    return dumps(head)[:-1] + b',"features":' + page.features + b"}"


def item(base: str, fmt: str, owner: Collection, feature: bytes) -> dict:
    data = json.loads(feature)
    path = f"collections/{owner.id}/items/{quote(str(data['id']))}"
    collection_json = href(base, f"collections/{owner.id}", [("f", JSON)])
    data["links"] = [
        *both(base, path, fmt, "This feature", json_type=GEOJSON_TYPE),
        link(collection_json, "collection", JSON_TYPE, owner.title),
    ]
    return data
