"""The public API: thin views over the policy engine, PostGIS and the snapshot cache.

Every answer is JSON (GeoJSON for maps); bad input is a 400 naming the field.
Only published zones are ever visible here.
"""

import re

from django.db.models import Case, IntegerField, Value, When
from django.http import HttpRequest, HttpResponse

from mapsite.api import geojson, openapi, params
from mapsite.api.params import BadParam
from mapsite.api.responses import GEOJSON, JSON, Body, api_endpoint, cached, dumps, error, serve
from mapsite.zones import engine, snapshot
from mapsite.zones.models import Place, Zone

PING = b'{"pong":true}'
ZONE_SLUG = re.compile(r"[-a-zA-Z0-9_]{1,80}")
REACH_SIMPLIFY_METRES = 500.0
PLACES_DEFAULT, PLACES_MAX = 10, 50


@api_endpoint
def ping(request: HttpRequest) -> HttpResponse:
    """The lightest answer the app can give: the benchmark's yardstick."""
    response = HttpResponse(PING, content_type=JSON)
    response["Cache-Control"] = "no-store"
    return response


@api_endpoint
def verdict(request: HttpRequest) -> HttpResponse:
    query = request.GET
    lon, lat = params.point(query)
    snap = snapshot.current()
    weapon = params.choice(query, "weapon", snap.weapon_slugs)
    target = params.choice(query, "target", snap.target_slugs)
    day = params.day(query)

    rendered = []

    def render() -> bytes:
        try:
            body = engine.verdict_json(engine.LonLat(lon, lat), weapon, target, day)
        except engine.UnknownChoice as exc:
            raise BadParam(exc.field, str(exc)) from None
        rendered.append(True)
        return body

    body = cached(snap, ("verdict", lat, lon, weapon, target, day), render)
    response = serve(request, body, JSON)
    # Whether this worker answered from its response cache: the benchmarks count these.
    response["X-Cache"] = "miss" if rendered else "hit"
    return response


@api_endpoint
def zones(request: HttpRequest) -> HttpResponse:
    query = request.GET
    day = params.day(query)
    kind = params.choice(query, "kind", list(Zone.Kind.values))
    bbox = params.bbox(query)
    simplify = params.simplify(query)
    download = params.flag(query, "download")
    snap = snapshot.current()
    policy = snap.policy_on(day)
    policy_id = policy.id if policy else None
    body = cached(
        snap,
        ("zones", policy_id, kind, bbox, simplify),
        lambda: geojson.zones_collection(policy_id, kind, bbox, simplify),
    )
    filename = f"kharkiv-policy-zones-{day.isoformat()}.geojson" if download else None
    return serve(request, body, GEOJSON, filename=filename)


@api_endpoint
def zone(request: HttpRequest, slug: str) -> HttpResponse:
    simplify = params.simplify(request.GET)
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


@api_endpoint
def policies(request: HttpRequest) -> HttpResponse:
    snap = snapshot.current()
    today = params.today()
    body = cached(snap, ("policies", today), lambda: _policies(snap, today))
    return serve(request, body, JSON)


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


@api_endpoint
def layer(request: HttpRequest, name: str) -> HttpResponse:
    if name not in geojson.LAYERS:
        known = ", ".join(geojson.LAYERS)
        return error(404, f"unknown layer; the layers are: {known}", "name")
    simplify = params.simplify(request.GET)
    body = cached(
        snapshot.current(),
        ("layer", name, simplify),
        lambda: geojson.layer_collection(name, simplify),
    )
    return serve(request, body, GEOJSON)


@api_endpoint
def places(request: HttpRequest) -> HttpResponse:
    """Place search: names starting with `q` first, then names containing it."""
    q = params.text(request.GET, "q", max_length=100)
    limit = params.integer(request.GET, "limit", 1, PLACES_MAX, PLACES_DEFAULT)
    found = (
        Place.objects.filter(name__icontains=q)
        .annotate(
            rank=Case(
                When(name__istartswith=q, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("rank", "-population", "name", "geonameid")[:limit]
    )
    results = [
        {
            "name": place.name,
            "country": place.country,
            "population": place.population,
            "lat": round(place.point.y, 6),
            "lon": round(place.point.x, 6),
        }
        for place in found
    ]
    return serve(request, Body.of_json({"results": results}), JSON)


@api_endpoint
def reach(request: HttpRequest) -> HttpResponse:
    snap = snapshot.current()
    weapon = params.choice(request.GET, "weapon", snap.weapon_slugs, required=True)
    origin = params.point(request.GET, required=False)
    simplify = params.simplify(request.GET, default=REACH_SIMPLIFY_METRES)
    body = cached(
        snap,
        ("reach", weapon, origin, simplify),
        lambda: geojson.reach_collection(snap.weapons[weapon], origin, simplify),
    )
    if body is None:
        return error(404, "the Kharkiv border segment is not loaded", None)
    return serve(request, body, GEOJSON)


@api_endpoint
def openapi_document(request: HttpRequest) -> HttpResponse:
    return serve(request, openapi.body(), JSON)


@api_endpoint
def not_found(request: HttpRequest, path: str = "") -> HttpResponse:
    return error(404, "no such endpoint; the API is described at /api/openapi.json")
