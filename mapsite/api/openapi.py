"""The OpenAPI 3.1 description of the public API, built from the views' own declarations.

Each view carries an `Operation` (see `documented`): its path, its `params.Query` (the
very objects it parses with) and its answers. A view documented anywhere, this app or
another, appears in the document, and a parameter can only be documented the way it is
parsed (tests/test_api_openapi.py checks each path routes to the view declaring it).
Choices that come from the data (weapons,
targets) are read from the policy snapshot the document is built for.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import import_module

from mapsite.api import params
from mapsite.api.schemas import SCHEMAS, ref
from mapsite.zones import vocabulary


def in_path(name: str, description: str, schema: dict) -> dict:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "description": description,
        "schema": schema,
    }


# --- Parameters several endpoints share -------------------------------------------------
MOST = vocabulary.SIMPLIFY_MAX_METRES
SNAPPED = (
    " The value is rounded to one significant figure in whole metres, halves up"
    f" (0, 1…9, 10, 20…90, 100, 200… {MOST}; below 0.5 is 0), and answered, cached and"
    " validated (ETag) as that value: 480 and 520 both get the 500 m answer."
)
DAY = params.Day(description="The policy in force on this day (YYYY-MM-DD); default today (UTC).")
SIMPLIFY = params.Simplify(
    f"Simplify geometry for display: tolerance in metres (0 to {MOST}; 0, the default, keeps"
    " every vertex)." + SNAPPED
)
BBOX = params.Bbox(
    description="minlon,minlat,maxlon,maxlat (WGS84 degrees): only zones intersecting this box;"
    " each minimum must not exceed its maximum. The box is first widened outward to whole"
    " hundredths of a degree (minimums down, maximums up), so 36.123,50.001,36.789,50.999"
    " is answered as 36.12,50,36.79,51."
)


def _weapons(snap):
    return snap.weapon_slugs if snap is not None else None


def _targets(snap):
    return snap.target_slugs if snap is not None else None


WEAPON = params.Choice("weapon", "Weapon system slug (see /api/policies).", _weapons)
TARGET = params.Choice("target", "Target category slug.", _targets)


# --- Answers ------------------------------------------------------------------------------
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
GEO = "application/geo+json"


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
BAD_INPUT = {"400": problem("Bad input: `field` names the parameter, `error` says why.")}


def operation(summary: str, parameters: list, responses: dict, op_id: str) -> dict:
    """A path item with one GET operation."""
    return {
        "get": {
            "operationId": op_id,
            "summary": summary,
            "parameters": parameters,
            "responses": {**responses, **ERRORS},
        }
    }


@dataclass
class Operation:
    """A GET endpoint as the document shows it; `query` is what its view parses with."""

    path: str
    op_id: str
    summary: str
    responses: dict
    query: params.Query = field(default_factory=params.Query)
    path_params: list[dict] = field(default_factory=list)

    def path_item(self, snap=None) -> dict:
        parameters = self.path_params + self.query.openapi(snap)
        return operation(self.summary, parameters, self.responses, self.op_id)


# Every documented endpoint by path, as the modules declaring them are imported.
OPERATIONS: dict[str, Operation] = {}


def documented(described: Operation) -> Callable:
    """Declare that a view answers `described`: the document lists it from then on."""

    def attach(view: Callable) -> Callable:
        view.operation = described  # type: ignore[attr-defined]
        OPERATIONS[described.path] = described
        return view

    return attach


def paths(snap=None) -> dict:
    for module in ("mapsite.api.views", "mapsite.api.format_views"):
        import_module(module)  # the API's own endpoints, whoever asks first
    return {path: described.path_item(snap) for path, described in OPERATIONS.items()}


# Everything but the paths, which depend on the URLconf and the data (see document()).
DOCUMENT = {
    "openapi": "3.1.0",
    "info": {
        "title": "Kharkiv counter-fire policy map API",
        "version": "1.0.0",
        "description": (
            "Where US-provided weapons may be used near Kharkiv, as reported in May 2024. "
            'Errors are JSON: {"error": ..., "field": ...}. CORS is open (GET, HEAD, OPTIONS). '
            "An optional parameter given empty (simplify=) is the same as leaving it out; "
            "a parameter given twice is refused."
        ),
    },
    "servers": [{"url": "/"}],
    "components": {"schemas": SCHEMAS},
}


def document(snap=None) -> dict:
    """The whole document for the policy snapshot `snap` (None: without data choices)."""
    return {**DOCUMENT, "paths": paths(snap)}


def __getattr__(name: str):
    # PATHS without a snapshot, for modules that reuse a path item's parameters.
    if name == "PATHS":
        return paths(None)
    raise AttributeError(name)
