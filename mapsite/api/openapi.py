"""The OpenAPI 3.1 description of the public API, as a Python dict."""

from functools import cache

from mapsite.api import schemas
from mapsite.api.responses import Body
from mapsite.api.schemas import SCHEMAS, ref
from mapsite.zones import vocabulary


def query(name: str, description: str, schema: dict, required: bool = False) -> dict:
    return {
        "name": name,
        "in": "query",
        "required": required,
        "description": description,
        "schema": schema,
    }


def in_path(name: str, description: str, schema: dict) -> dict:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "description": description,
        "schema": schema,
    }


DATE = {"type": "string", "format": "date"}
LAT = query(
    "lat", "Latitude, WGS84 decimal degrees.", {"type": "number", "minimum": -90, "maximum": 90}
)
LON = query(
    "lon", "Longitude, WGS84 decimal degrees.", {"type": "number", "minimum": -180, "maximum": 180}
)
MOST = vocabulary.SIMPLIFY_MAX_METRES
DAY = query("date", "The policy in force on this day (YYYY-MM-DD); default today (UTC).", DATE)
SNAPPED = (
    " The value is rounded to one significant figure in whole metres, halves up"
    f" (0, 1…9, 10, 20…90, 100, 200… {MOST}; below 0.5 is 0), and answered, cached and"
    " validated (ETag) as that value: 480 and 520 both get the 500 m answer."
)
SIMPLIFY = query(
    "simplify",
    f"Simplify geometry for display: tolerance in metres (0 to {MOST}; 0, the default, keeps"
    " every vertex)." + SNAPPED,
    {"type": "number", "minimum": 0, "maximum": vocabulary.SIMPLIFY_MAX_METRES},
)
BBOX = query(
    "bbox",
    "minlon,minlat,maxlon,maxlat (WGS84 degrees): only zones intersecting this box. The box"
    " is first widened outward to whole hundredths of a degree (minimums down, maximums up),"
    " so 36.123,50.001,36.789,50.999 is answered as 36.12,50,36.79,51.",
    {"type": "string", "pattern": "^[^,]+,[^,]+,[^,]+,[^,]+$"},
)
WEAPON = {"type": "string", "examples": ["gmlrs", "atacms"]}
TARGET = {"type": "string", "examples": ["launchers", "civilian-infrastructure"]}
CACHE_HEADERS = {
    "ETag": {
        "description": "Strong validator of this representation.",
        "schema": {"type": "string"},
    },
    "Cache-Control": {
        "description": "public, max-age=60, s-maxage=1",
        "schema": {"type": "string"},
    },
}


def ok(schema_name: str, description: str, media: str = "application/json", **extra) -> dict:
    return {
        "description": description,
        "headers": {**CACHE_HEADERS, **extra.get("headers", {})},
        "content": {media: {"schema": ref(schema_name)}},
    }


def problem(description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": ref("Error")}}}


ERRORS = {
    "405": problem("Only GET, HEAD (and OPTIONS for CORS) are allowed."),
    "503": problem("The database is not answering."),
}
NOT_MODIFIED = {"304": {"description": "Not modified (If-None-Match matched the ETag)."}}


def operation(summary: str, parameters: list, responses: dict, op_id: str) -> dict:
    return {
        "get": {
            "operationId": op_id,
            "summary": summary,
            "parameters": parameters,
            "responses": {**responses, **ERRORS},
        }
    }


DOWNLOAD_HEADER = {
    "Content-Disposition": {
        "description": "With download=1: attachment; "
        'filename="kharkiv-policy-zones-<date>.geojson"',
        "schema": {"type": "string"},
    }
}
GEO = "application/geo+json"

PATHS = {
    "/api/ping": operation(
        "Liveness of the app (no database)", [], {"200": ok("Ping", "Pong.")}, "ping"
    ),
    "/api/verdict": operation(
        "May US-provided weapons be used at this point?",
        [
            {**LAT, "required": True},
            {**LON, "required": True},
            query("weapon", "Weapon system slug.", WEAPON),
            query("target", "Target category slug.", TARGET),
            DAY,
        ],
        {"200": ok("Verdict", "The verdict."), **NOT_MODIFIED, "400": problem("Bad input.")},
        "verdict",
    ),
    "/api/zones.geojson": operation(
        "Published zones of the policy in force on a day, as RFC 7946 GeoJSON",
        [
            DAY,
            query(
                "kind",
                "Only zones of this kind.",
                schemas.KINDS,
            ),
            BBOX,
            SIMPLIFY,
            query("download", "1: send as an attachment.", {"enum": ["0", "1"]}),
        ],
        {
            "200": ok("ZoneCollection", "The zones.", GEO, headers=DOWNLOAD_HEADER),
            **NOT_MODIFIED,
            "400": problem("Bad input."),
        },
        "zones",
    ),
    "/api/zones/{slug}.geojson": operation(
        "One published zone as a GeoJSON Feature",
        [in_path("slug", "Zone slug.", {"type": "string"}), SIMPLIFY],
        {
            "200": ok("ZoneFeature", "The zone.", GEO),
            **NOT_MODIFIED,
            "400": problem("Bad input."),
            "404": problem("No published zone has this slug (field: slug)."),
        },
        "zone",
    ),
    "/api/policies": operation(
        "Policy versions with dates, summary, sources and assumptions",
        [],
        {"200": ok("Policies", "The policy versions."), **NOT_MODIFIED},
        "policies",
    ),
    "/api/layers/{name}.geojson": operation(
        "A reference layer for the map",
        [
            in_path(
                "name",
                "Layer name.",
                {"enum": ["countries", "oblasts", "border", "kharkiv-segment"]},
            ),
            SIMPLIFY,
        ],
        {
            "200": ok("LayerCollection", "The layer.", GEO),
            **NOT_MODIFIED,
            "400": problem("Bad input."),
            "404": problem("Unknown layer (field: name)."),
        },
        "layer",
    ),
    "/api/places": operation(
        "Find places by name (prefix matches first, then by population)",
        [
            query(
                "q",
                "Text to find, 1 to 100 characters.",
                {"type": "string", "minLength": 1, "maxLength": 100},
                True,
            ),
            query(
                "limit",
                "Most results, 1 to 50 (default 10).",
                {"type": "integer", "minimum": 1, "maximum": 50},
            ),
        ],
        {"200": ok("Places", "Matching places."), **NOT_MODIFIED, "400": problem("Bad input.")},
        "places",
    ),
    "/api/reach.geojson": operation(
        "Where a weapon reaches from the Kharkiv border segment or a launch point",
        [
            query("weapon", "Weapon system slug.", WEAPON, True),
            {**LAT, "description": "Launch point latitude (with lon)."},
            {**LON, "description": "Launch point longitude (with lat)."},
            {**SIMPLIFY, "description": "Display tolerance in metres (default 500)." + SNAPPED},
        ],
        {
            "200": ok("ReachCollection", "The area within range.", GEO),
            **NOT_MODIFIED,
            "400": problem("Bad input."),
            "404": problem("The Kharkiv border segment is not loaded."),
        },
        "reach",
    ),
    "/api/openapi.json": operation(
        "This document", [], {"200": ok("OpenAPI", "OpenAPI 3.1."), **NOT_MODIFIED}, "openapi"
    ),
}

DOCUMENT = {
    "openapi": "3.1.0",
    "info": {
        "title": "Kharkiv counter-fire policy map API",
        "version": "1.0.0",
        "description": (
            "Where US-provided weapons may be used near Kharkiv, as reported in May 2024. "
            'Errors are JSON: {"error": ..., "field": ...}. CORS is open (GET, HEAD, OPTIONS).'
        ),
    },
    "servers": [{"url": "/"}],
    "paths": PATHS,
    "components": {"schemas": SCHEMAS},
}


@cache
def body() -> Body:
    return Body.of_json(DOCUMENT)
