"""The OpenAPI 3.0 definition of /ogc/ (the oas30 conformance class), as a Python dict."""

from functools import cache

from mapsite.api.responses import Body
from mapsite.ogc import collections, params


def query(name: str, description: str, schema: dict) -> dict:
    return {"name": name, "in": "query", "required": False, "description": description,
            "schema": schema}  # fmt: skip


def in_path(name: str, description: str, schema: dict) -> dict:
    return {"name": name, "in": "path", "required": True, "description": description,
            "schema": schema}  # fmt: skip


MEDIA = "application/vnd.oai.openapi+json;version=3.0"
GEO, JSON, HTML = "application/geo+json", "application/json", "text/html"
PARAMETERS = {
    "f": query(
        "f",
        "The format: json or html (else the Accept header decides).",
        {"type": "string", "enum": ["json", "html"]},
    ),
    "collectionId": in_path(
        "collectionId", "A collection.", {"type": "string", "enum": list(collections.COLLECTIONS)}
    ),
    "featureId": in_path(
        "featureId", "A feature's id (a slug; a GeoNames id for places).", {"type": "string"}
    ),
    "limit": query(
        "limit",
        f"Features per page; above {params.LIMIT_MAX} is served as {params.LIMIT_MAX}.",
        {
            "type": "integer",
            "minimum": 1,
            "maximum": params.LIMIT_MAX,
            "default": params.LIMIT_DEFAULT,
        },
    ),
    "offset": query(
        "offset",
        "Features to skip (the next and prev links carry it).",
        {"type": "integer", "minimum": 0, "maximum": params.OFFSET_MAX, "default": 0},
    ),
    "bbox": {
        **query(
            "bbox",
            "minlon,minlat,maxlon,maxlat in CRS84 (or six numbers, with heights):"
            " features intersecting the box. minlon > maxlon crosses the antimeridian.",
            {"type": "array", "minItems": 4, "maxItems": 6, "items": {"type": "number"}},
        ),
        "style": "form",
        "explode": False,
    },
    "bbox-crs": query(
        "bbox-crs",
        "The CRS of bbox: CRS84 only.",
        {"type": "string", "format": "uri", "enum": [params.CRS84]},
    ),
    "crs": query(
        "crs",
        "The CRS of the answer: CRS84 only.",
        {"type": "string", "format": "uri", "enum": [params.CRS84]},
    ),
    "datetime": query(
        "datetime",
        "Zones: the policy in force on this date or RFC 3339 instant"
        " (its UTC day); default today. Intervals are refused.",
        {"type": "string"},
    ),
}


def ref(name: str) -> dict:
    return {"$ref": f"#/components/parameters/{name}"}


def answer(description: str, *media: str) -> dict:
    return {
        "description": description,
        "content": {m: {"schema": {"type": "object"}} for m in media},
    }


ERRORS = {
    "400": answer(
        "A parameter it cannot use, named (JSON, or HTML when HTML was asked).", JSON, HTML
    ),
    "404": answer("No such collection or feature.", JSON, HTML),
}


def get(op_id: str, summary: str, names: list[str], ok: dict) -> dict:
    parameters = [ref(name) for name in names]
    return {
        "get": {
            "operationId": op_id,
            "summary": summary,
            "parameters": parameters,
            "responses": {"200": ok, **ERRORS},
        }
    }


PATHS = {
    "/": get("landing", "Landing page", ["f"], answer("Links to the API.", JSON, HTML)),
    "/conformance": get(
        "conformance", "Conformance classes", ["f"], answer("The classes implemented.", JSON, HTML)
    ),
    "/api": get("api", "This definition", [], answer("OpenAPI 3.0.", MEDIA)),
    "/collections": get(
        "collections", "The collections", ["f"], answer("Every collection.", JSON, HTML)
    ),
    "/collections/{collectionId}": get(
        "collection", "One collection", ["collectionId", "f"], answer("The collection.", JSON, HTML)
    ),
    "/collections/{collectionId}/items": get(
        "items",
        "A page of features",
        ["collectionId", "f", "limit", "offset", "bbox", "bbox-crs", "datetime", "crs"],
        answer("The features (next/prev links page through).", GEO, HTML),
    ),
    "/collections/{collectionId}/items/{featureId}": get(
        "item",
        "One feature",
        ["collectionId", "featureId", "f", "crs"],
        answer("The feature.", GEO, HTML),
    ),
}

DOCUMENT = {
    "openapi": "3.0.3",
    "info": {"title": "Kharkiv counter-fire policy map: OGC API - Features", "version": "1.0.0"},
    "servers": [{"url": "/ogc"}],
    "paths": PATHS,
    "components": {"parameters": PARAMETERS},
}


@cache
def body() -> Body:
    return Body.of_json(DOCUMENT)
