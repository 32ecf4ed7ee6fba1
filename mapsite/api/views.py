"""The public API: thin views over the policy engine, PostGIS and the snapshot cache.

Every answer is JSON (GeoJSON for maps); bad input is a 400 naming the field.
Only published zones are ever visible here.
"""

import re

from django.http import HttpRequest, HttpResponse
from django.utils import translation

from mapsite.api import geojson, lang, openapi, params
from mapsite.api.openapi import (
    BAD_INPUT,
    BBOX,
    DAY,
    GEO,
    NOT_MODIFIED,
    SIMPLIFY,
    SNAPPED,
    TARGET,
    WEAPON,
    Operation,
    documented,
    in_path,
    ok,
    problem,
)
from mapsite.api.params import BadParam, Query
from mapsite.api.responses import GEOJSON, JSON, Body, api_endpoint, cached, dumps, error, serve
from mapsite.languages import DEFAULT
from mapsite.zones import engine, snapshot
from mapsite.zones.models import Place, Zone

PING = b'{"pong":true}'
ZONE_SLUG = re.compile(r"[-a-zA-Z0-9_]{1,80}")
REACH_SIMPLIFY_METRES = 500.0
PLACES_DEFAULT, PLACES_MAX = 10, 50


@api_endpoint
@documented(
    Operation(
        "/api/ping", "ping", "Liveness of the app (no database)", {"200": ok("Ping", "Pong.")}
    )
)
def ping(request: HttpRequest) -> HttpResponse:
    """The lightest answer the app can give: the benchmark's yardstick."""
    response = HttpResponse(PING, content_type=JSON)
    response["Cache-Control"] = "no-store"
    return response


VERDICT = Operation(
    "/api/verdict",
    "verdict",
    "May US-provided weapons be used at this point?",
    {"200": ok("Verdict", "The verdict."), **NOT_MODIFIED, **BAD_INPUT},
    Query(params.Point(), WEAPON, TARGET, DAY, params.LANG),
)


@api_endpoint
@documented(VERDICT)
def verdict(request: HttpRequest) -> HttpResponse:
    snap, ((lon, lat), weapon, target, day, asked) = VERDICT.query.read(params.query_of(request))

    rendered = []

    def render() -> Body:
        try:
            point = engine.LonLat(lon, lat)
            content, identity = engine.verdict_json_and_identity(
                point, weapon, target, day, asked or DEFAULT
            )
        except engine.UnknownChoice as exc:
            raise BadParam(exc.field, str(exc)) from None
        rendered.append(True)
        return Body.of(lang.tagged(content, asked), identity + (asked or "").encode())

    body = cached(snap, ("verdict", lat, lon, weapon, target, day, asked), render)
    response = lang.content_language(serve(request, body, JSON), asked)
    # Whether this worker answered from its response cache: the benchmarks count these.
    response["X-Cache"] = "miss" if rendered else "hit"
    return response


DOWNLOAD_HEADER = {
    "Content-Disposition": {
        "description": "With download=1: attachment; "
        'filename="kharkiv-policy-zones-<date>.geojson"',
        "schema": {"type": "string"},
    }
}
ZONES = Operation(
    "/api/zones.geojson",
    "zones",
    "Published zones of the policy in force on a day, as RFC 7946 GeoJSON",
    {
        "200": ok("ZoneCollection", "The zones.", GEO, headers=DOWNLOAD_HEADER),
        **NOT_MODIFIED,
        **BAD_INPUT,
    },
    Query(
        DAY,
        params.Choice("kind", "Only zones of this kind.", list(Zone.Kind.values)),
        BBOX,
        SIMPLIFY,
        params.Flag("download", "1 (or true, yes): send as an attachment; 0, false, no: not."),
        params.Flag(
            "clip",
            "1 (or true, yes): cut each zone's shape to the bbox, as for a download of the"
            " zones on screen; the properties stay the whole zone's (area_km2 included)."
            " Without a bbox there is nothing to cut to, and the shapes are whole."
            " 0, false, no (the default): whole shapes.",
        ),
        params.LANG,
    ),
)


@api_endpoint
@documented(ZONES)
def zones(request: HttpRequest) -> HttpResponse:
    day, kind, bbox, simplify, download, clip, asked = ZONES.query.parse(params.query_of(request))
    snap = snapshot.current()
    policy = snap.policy_on(day)
    body = zones_body(snap, policy.id if policy else None, kind, bbox, simplify, clip, asked)
    filename = f"kharkiv-policy-zones-{day.isoformat()}.geojson" if download else None
    return lang.content_language(serve(request, body, GEOJSON, filename=filename), asked)


def zones_body(snap, policy_id: int | None, kind, bbox, simplify, clip=False, asked=None) -> Body:
    """The zones export's body (in the language `asked`, if any), cached per data version:
    what the file formats convert."""
    clip = clip and bbox is not None  # nothing to cut to without a box
    shape = (policy_id, kind, bbox, simplify, clip)
    english = cached(snap, ("zones", *shape), lambda: geojson.zones_collection(*shape))
    if asked is None:
        return english
    in_language = snap.in_language(asked)
    return cached(
        snap,
        ("zones", *shape, asked),
        lambda: lang.zones_in(english.content, in_language, asked),
    )


ZONE = Operation(
    "/api/zones/{slug}.geojson",
    "zone",
    "One published zone as a GeoJSON Feature",
    {
        "200": ok("ZoneFeature", "The zone.", GEO),
        **NOT_MODIFIED,
        **BAD_INPUT,
        "404": problem("No published zone has this slug (field: slug)."),
    },
    Query(SIMPLIFY),
    [in_path("slug", "Zone slug.", {"type": "string", "pattern": f"^{ZONE_SLUG.pattern}$"})],
)


@api_endpoint
@documented(ZONE)
def zone(request: HttpRequest, slug: str) -> HttpResponse:
    (simplify,) = ZONE.query.parse(params.query_of(request))
    body = None
    if ZONE_SLUG.fullmatch(slug):
        body = cached(
            snapshot.current(),
            ("zone", slug, simplify),
            lambda: geojson.zone_feature(slug, simplify),
        )
    if body is None:
        return error(404, "no published zone has this slug", "slug")
    return serve(request, body, GEOJSON)


POLICIES = Operation(
    "/api/policies",
    "policies",
    "Policy versions with dates, summary, sources and assumptions",
    {"200": ok("Policies", "The policy versions."), **NOT_MODIFIED},
    Query(params.LANG),
)


@api_endpoint
@documented(POLICIES)
def policies(request: HttpRequest) -> HttpResponse:
    (asked,) = POLICIES.query.parse(params.query_of(request))
    snap = snapshot.current()
    today = params.today()
    body = cached(snap, ("policies", today, asked), lambda: _policies_in(snap, today, asked))
    return lang.content_language(serve(request, body, JSON), asked)


def _policies_in(snap: snapshot.Snapshot, today, asked: str | None) -> bytes:
    """The policy versions in the language asked (English: as they always were)."""
    with translation.override(asked or DEFAULT):
        return lang.tagged(_policies(snap.in_language(asked or DEFAULT), today), asked)


def _policies(snap: snapshot.Snapshot, today) -> bytes:
    current = snap.policy_on(today)
    items = []
    for policy in snap.policies:
        zones = [z.summary() for z in snap.zones.values() if z.policy_slug == policy.slug]
        items.append(
            {
                **policy.as_dict(),
                "summary": policy.summary,
                "changes": policy.changes,
                "in_force": current is not None and current.id == policy.id,
                "sources": policy.sources,
                "assumptions": policy.assumptions,
                "zones": sorted(zones, key=lambda z: (z["kind"], z["slug"])),
            }
        )
    known = snap.known_as_of.isoformat() if snap.known_as_of else None
    fields = ("slug", "name", "supplier", "category", "range_km")
    weapons = [{k: weapon[k] for k in fields} for weapon in snap.weapons.values()]
    return dumps({"known_as_of": known, "policies": items, "weapons": weapons})


LAYER = Operation(
    "/api/layers/{name}.geojson",
    "layer",
    "A reference layer for the map",
    {
        "200": ok("LayerCollection", "The layer.", GEO),
        **NOT_MODIFIED,
        **BAD_INPUT,
        "404": problem("Unknown layer (field: name)."),
    },
    Query(SIMPLIFY, params.LANG),
    [in_path("name", "Layer name.", {"enum": list(geojson.LAYERS)})],
)


@api_endpoint
@documented(LAYER)
def layer(request: HttpRequest, name: str) -> HttpResponse:
    if name not in geojson.LAYERS:
        known = ", ".join(geojson.LAYERS)
        return error(404, f"unknown layer; the layers are: {known}", "name")
    simplify, asked = LAYER.query.parse(params.query_of(request))
    snap = snapshot.current()
    body = english = layer_body(snap, name, simplify)
    if asked is not None:
        key = ("layer", name, simplify, asked)
        body = cached(snap, key, lambda: lang.layer_in(english.content, asked, asked))
    return lang.content_language(serve(request, body, GEOJSON), asked)


def layer_body(snap, name: str, simplify: float) -> Body:
    """A reference layer's body, cached per data version (the OGC collections read it too)."""
    return cached(snap, ("layer", name, simplify), lambda: geojson.layer_collection(name, simplify))


PLACES = Operation(
    "/api/places",
    "places",
    "Find places by any of their names, as people type",
    {"200": ok("Places", "Matching places, best first."), **NOT_MODIFIED, **BAD_INPUT},
    Query(
        params.Text(
            "q",
            "Text to find in any name of a place (GeoNames' name and alternate names, any"
            " script; case, accents and apostrophes ignored, typos tolerated): 1 to 100"
            " characters once leading and trailing spaces are trimmed, no control characters"
            " (U+0000–U+001F, U+007F–U+009F). An exact name ranks first, then names starting"
            " with the text, then the closest names; ties go to the larger population, then"
            " to the place nearer the Ukraine–Russia border.",
            max_length=100,
        ),
        params.Integer(
            "limit",
            f"Most results, 1 to {PLACES_MAX} (default {PLACES_DEFAULT}).",
            1,
            PLACES_MAX,
            PLACES_DEFAULT,
        ),
        params.LANG,
    ),
)


@api_endpoint
@documented(PLACES)
def places(request: HttpRequest) -> HttpResponse:
    """Place search over every name of a place (Place.objects.search)."""
    q, limit, asked = PLACES.query.parse(params.query_of(request))
    results = [
        {
            "name": place.name,
            "name_uk": place.name_uk,
            "name_ru": place.name_ru,
            "matched": place.matched,
            "country": place.country,
            "oblast": place.oblast,
            "population": place.population,
            "lat": round(place.point.y, 6),
            "lon": round(place.point.x, 6),
        }
        for place in Place.objects.search(q, limit)
    ]
    if asked is None:
        return serve(request, Body.of_json({"results": results}), JSON)
    for result in results:  # `name` in the language asked where known; English kept
        result["name_en"] = result["name"]
        result["name"] = result.get(f"name_{asked}") or result["name"]
    body = Body.of_json({"results": results, "lang": asked})
    return lang.content_language(serve(request, body, JSON), asked)


REACH = Operation(
    "/api/reach.geojson",
    "reach",
    "Where a weapon reaches from the Kharkiv border segment or a launch point",
    {
        "200": ok("ReachCollection", "The area within range.", GEO),
        **NOT_MODIFIED,
        **BAD_INPUT,
        "404": problem("The Kharkiv border segment is not loaded."),
    },
    Query(
        params.Choice("weapon", WEAPON.description, WEAPON.values, required=True),
        params.Point(
            "Launch point (default: the Kharkiv border segment), sent as lat=…&lon=…:"
            " both or neither.",
            required=False,
        ),
        params.Simplify(
            f"Display tolerance in metres (default {REACH_SIMPLIFY_METRES:g})." + SNAPPED,
            default=REACH_SIMPLIFY_METRES,
        ),
    ),
)


@api_endpoint
@documented(REACH)
def reach(request: HttpRequest) -> HttpResponse:
    snap, (weapon, origin, simplify) = REACH.query.read(params.query_of(request))
    body = cached(
        snap,
        ("reach", weapon, origin, simplify),
        lambda: geojson.reach_collection(snap.weapons[weapon], origin, simplify),
    )
    if body is None:
        return error(404, "the Kharkiv border segment is not loaded", None)
    return serve(request, body, GEOJSON)


OPENAPI = Operation(
    "/api/openapi.json",
    "openapi",
    "This document",
    {"200": ok("OpenAPI", "OpenAPI 3.1."), **NOT_MODIFIED},
)


@api_endpoint
@documented(OPENAPI)
def openapi_document(request: HttpRequest) -> HttpResponse:
    snap = snapshot.current()
    return serve(request, cached(snap, ("openapi",), lambda: dumps(openapi.document(snap))), JSON)


@api_endpoint
def not_found(request: HttpRequest, path: str = "") -> HttpResponse:
    return error(404, "no such endpoint; the API is described at /api/openapi.json")
