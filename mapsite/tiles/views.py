"""Vector tiles and their TileJSON: `/tiles/{layer}/{z}/{x}/{y}.mvt`, `/tiles/{layer}.json`.

A tile URL carries the data version (`?v=`, as the TileJSON writes it). A tile asked for
at the version the worker serves is cached by browsers for a year (`immutable`): a new
version means new URLs. Without it, or at another version, the current tile is served
with the API's short lifetime. A tile with nothing in it is a 204 with no body.
"""

import datetime as dt
import re

from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from mapsite.api import params
from mapsite.api.params import BadParam
from mapsite.api.responses import JSON, Body, api_endpoint, cached, dumps, error, serve
from mapsite.tiles import mvt
from mapsite.zones import snapshot

MVT = "application/vnd.mapbox-vector-tile"
IMMUTABLE = "public, max-age=31536000, immutable"
VERSION = re.compile(r"[0-9]{1,12}")
COORDINATE = re.compile(r"[0-9]{1,8}")


class NoTile(LookupError):
    """A tile address that names no tile (past the zoom limit, off the grid)."""

    def __init__(self, field: str, message: str):
        self.field = field
        self.message = message
        super().__init__(message)


def _coordinate(text: str, name: str) -> int:
    if not COORDINATE.fullmatch(text):
        raise BadParam(name, f"{name} must be a whole number, not {text[:20]!r}")
    return int(text)


def tile_address(z: str, x: str, y: str) -> tuple[int, int, int]:
    """(z, x, y) as integers on the grid, or BadParam (not numbers) / NoTile (off the grid)."""
    zoom, column, row = _coordinate(z, "z"), _coordinate(x, "x"), _coordinate(y, "y")
    if zoom > mvt.MAX_ZOOM:
        raise NoTile("z", f"tiles go from zoom {mvt.MIN_ZOOM} to {mvt.MAX_ZOOM}; not {zoom}")
    last = mvt.tile_count(zoom) - 1
    for name, value in (("x", column), ("y", row)):
        if value > last:
            raise NoTile(name, f"at zoom {zoom}, {name} runs from 0 to {last}; not {value}")
    return zoom, column, row


def _data_version(query) -> int | None:
    value = params.raw(query, "v")
    if value is None:
        return None
    if not VERSION.fullmatch(value):
        raise BadParam("v", "v must be the data version, a whole number (see the TileJSON)")
    return int(value)


def _policy(layer: mvt.Layer, snap, query) -> tuple[int | None, dt.date | None]:
    """The policy version a dated layer draws (on ?date=, today by default), and the day."""
    if not layer.dated:
        return None, None
    day = params.day(query)
    policy = snap.policy_on(day)
    return (policy.id if policy else None), day


def _unknown_layer() -> HttpResponse:
    return error(404, f"unknown layer; the layers are: {', '.join(mvt.LAYERS)}", "layer")


@api_endpoint
def tile(request: HttpRequest, layer: str, z: str, x: str, y: str) -> HttpResponse:
    source = mvt.LAYERS.get(layer)
    if source is None:
        return _unknown_layer()
    try:
        zoom, column, row = tile_address(z, x, y)
    except NoTile as exc:
        return error(404, exc.message, exc.field)
    version = _data_version(request.GET)
    snap = snapshot.current()
    policy_id, _ = _policy(source, snap, request.GET)
    read_at: list[tuple[bytes, int]] = []

    def render() -> bytes | None:
        if source.dated and policy_id is None:
            return b""  # no version in force that day: nothing to draw
        content, data_version = mvt.render(source, policy_id, zoom, column, row)
        read_at.append((content, data_version))
        # Read at a newer version than this worker's snapshot: served, never cached.
        return content if data_version == snap.version else None

    body = cached(snap, ("tile", source.name, policy_id, zoom, column, row), render)
    current = body is not None
    if body is None:
        body = Body.of(read_at[0][0])
    long_lived = current and version == snap.version
    if not body.content:
        response = HttpResponse(status=204)
        response["Cache-Control"] = IMMUTABLE if long_lived else "public, max-age=60"
    else:
        response = serve(request, body, MVT)
        if long_lived:
            response["Cache-Control"] = IMMUTABLE
    response["X-Cache"] = "miss" if read_at else "hit"
    return response


def tile_url_template(request: HttpRequest, layer: str) -> str:
    """The absolute tile URL with {z}/{x}/{y} left for the client."""
    url = request.build_absolute_uri(reverse("tiles:tile", args=[layer, "{z}", "{x}", "{y}"]))
    return url.replace("%7B", "{").replace("%7D", "}")


@api_endpoint
def tilejson(request: HttpRequest, layer: str) -> HttpResponse:
    source = mvt.LAYERS.get(layer)
    if source is None:
        return _unknown_layer()
    snap = snapshot.current()
    policy_id, day = _policy(source, snap, request.GET)
    query = f"?v={snap.version}" + (f"&date={day.isoformat()}" if day else "")
    url = tile_url_template(request, source.name) + query
    count = None
    if source.dated:
        policy = snap.policy_on(day)
        count = sum(1 for z in snap.zones.values() if policy and z.policy_slug == policy.slug)

    def render() -> bytes:
        document = {
            "tilejson": "3.0.0",
            "name": source.name,
            "scheme": "xyz",
            "tiles": [url],
            "minzoom": mvt.MIN_ZOOM,
            "maxzoom": mvt.MAX_ZOOM,
            "bounds": mvt.bounds(source, policy_id)
            or [-180, -mvt.MERCATOR_LAT, 180, mvt.MERCATOR_LAT],
            "vector_layers": [
                {
                    "id": source.name,
                    "fields": source.fields(),
                    "minzoom": mvt.MIN_ZOOM,
                    "maxzoom": mvt.MAX_ZOOM,
                }
            ],
        }
        if source.dated:
            document["date"] = day.isoformat()
            document["features"] = count  # the zones drawn that day: the map picks tiles by it
        return dumps(document)

    body = cached(snap, ("tilejson", source.name, url), render)
    return serve(request, body, JSON)


@api_endpoint
def not_found(request: HttpRequest, path: str = "") -> HttpResponse:
    return error(
        404,
        "no such tile; tiles are /tiles/{layer}/{z}/{x}/{y}.mvt, described by "
        "/tiles/{layer}.json; the layers are: " + ", ".join(mvt.LAYERS),
    )
