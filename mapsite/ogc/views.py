"""OGC API - Features at /ogc/: thin views over mapsite/ogc/documents.py and collections.py.

Every answer is JSON (GeoJSON for features) or HTML, as `f` or the Accept header asks, and
is cached per worker against the data version like the API's (mapsite/api/responses.py).
Bad input is a 400 naming the parameter, an unknown collection or feature a 404: JSON, or
HTML when HTML was asked for; never a 500.
"""

from collections.abc import Callable
from functools import partial, wraps

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse

from mapsite.api.params import BadParam
from mapsite.api.responses import api_endpoint, cached, dumps, error, serve
from mapsite.ogc import documents, negotiation, openapi, pages, params
from mapsite.ogc.collections import COLLECTIONS, Collection
from mapsite.ogc.negotiation import HTML, JSON
from mapsite.zones import snapshot

HTML_MEDIA = "text/html; charset=utf-8"
CONTENT_CRS = f"<{params.CRS84}>"


class Missing(Exception):
    """No such resource: a 404 naming what is missing."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message, self.field = message, field


def problem(fmt: str, status: int, message: str, field: str | None) -> HttpResponse:
    if fmt == JSON:
        return error(status, message, field)
    page = render_to_string("ogc/error.html", {"status": status, "message": message})
    response = HttpResponse(page, content_type=HTML_MEDIA, status=status)
    response["Cache-Control"] = "no-store"
    return response


def ogc_endpoint(allowed: tuple[str, ...] | None) -> Callable:
    """The API's method checks, CORS and outage answers, plus format negotiation, refusal
    of parameters outside `allowed`, and 400/404 in the format asked for."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @api_endpoint
        @wraps(view)
        def negotiated(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            try:
                fmt = negotiation.negotiate(request)
            except BadParam as exc:
                return problem(negotiation.from_accept(request), 400, exc.message, exc.field)
            try:
                if allowed is not None:
                    params.only(request.GET, allowed)
                return view(request, fmt, *args, **kwargs)
            except BadParam as exc:
                return problem(fmt, 400, exc.message, exc.field)
            except Missing as exc:
                return problem(fmt, 404, exc.message, exc.field)

        @wraps(view)
        def endpoint(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            response = negotiated(request, *args, **kwargs)
            response["Vary"] = "Accept, Accept-Encoding"
            response["Access-Control-Expose-Headers"] = "ETag, Content-Crs"
            return response

        endpoint.csrf_exempt = True  # type: ignore[attr-defined]
        return endpoint

    return decorate


def base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("ogc:landing"))


def answer(
    request: HttpRequest,
    fmt: str,
    key: tuple,
    build: Callable[[str], bytes | dict | None],
    template: str,
    media: str = documents.JSON_TYPE,
) -> HttpResponse:
    """The cached body for `key`: `build(base URL)`'s JSON, or its dict through `template`."""
    base = base_url(request)

    def render() -> bytes | None:
        built = build(base)
        if built is None or isinstance(built, bytes):
            return built
        if fmt == HTML:
            return render_to_string(template, pages.context(built, base)).encode()
        return dumps(built)

    body = cached(snapshot.current(), ("ogc", base, fmt, *key), render)
    if body is None:
        raise Missing("no such feature in this collection", "featureId")
    return serve(request, body, HTML_MEDIA if fmt == HTML else media)


def owner(collection_id: str) -> Collection:
    found = COLLECTIONS.get(collection_id)
    if found is None:
        known = ", ".join(COLLECTIONS)
        raise Missing(f"no such collection; the collections are: {known}", "collectionId")
    return found


@ogc_endpoint(params.COMMON)
def landing(request: HttpRequest, fmt: str) -> HttpResponse:
    build = partial(documents.landing, fmt=fmt)
    return answer(request, fmt, ("landing",), build, "ogc/landing.html")


@ogc_endpoint(params.COMMON)
def conformance(request: HttpRequest, fmt: str) -> HttpResponse:
    build = partial(documents.conformance, fmt=fmt)
    return answer(request, fmt, ("conformance",), build, "ogc/conformance.html")


@ogc_endpoint(params.COMMON)
def api_definition(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt == HTML and "f" in request.GET:
        return error(400, "the API definition is JSON (OpenAPI 3.0) only", "f")
    return serve(request, openapi.body(), openapi.MEDIA)


@ogc_endpoint(params.COMMON)
def collections(request: HttpRequest, fmt: str) -> HttpResponse:
    build = partial(documents.collections, fmt=fmt, snap=snapshot.current())
    return answer(request, fmt, ("collections",), build, "ogc/collections.html")


@ogc_endpoint(params.COMMON)
def collection(request: HttpRequest, fmt: str, collection_id: str) -> HttpResponse:
    found = owner(collection_id)
    build = partial(documents.collection, fmt=fmt, snap=snapshot.current(), item=found)
    return answer(request, fmt, ("collection", found.id), build, "ogc/collection.html")


@ogc_endpoint(params.ITEMS)
def items(request: HttpRequest, fmt: str, collection_id: str) -> HttpResponse:
    found = owner(collection_id)
    query = params.items(request.GET)
    snap = snapshot.current()

    def build(base: str) -> bytes | dict:
        page = found.page(snap, query)
        head = documents.items_head(base, fmt, found, query, page)
        if fmt == HTML:
            return {**head, "collection": found, "features": page.features}
        return documents.items_json(head, page)

    key = ("items", found.id, query)
    response = answer(request, fmt, key, build, "ogc/items.html", documents.GEOJSON_TYPE)
    response["Content-Crs"] = CONTENT_CRS
    return response


@ogc_endpoint(params.ITEM)
def item(request: HttpRequest, fmt: str, collection_id: str, item_id: str) -> HttpResponse:
    found = owner(collection_id)
    params.crs(request.GET)
    snap = snapshot.current()

    def build(base: str) -> dict | None:
        feature = found.item(snap, item_id)
        if feature is None:
            return None
        data = documents.item(base, fmt, found, feature)
        return {**data, "collection": found} if fmt == HTML else data

    key = ("item", found.id, item_id)
    response = answer(request, fmt, key, build, "ogc/item.html", documents.GEOJSON_TYPE)
    response["Content-Crs"] = CONTENT_CRS
    return response


@ogc_endpoint(None)
def not_found(request: HttpRequest, fmt: str, path: str = "") -> HttpResponse:
    raise Missing("no such resource; start from the landing page, /ogc/")
