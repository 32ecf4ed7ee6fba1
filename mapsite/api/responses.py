"""How the API answers: JSON errors, CORS, method checks, and cached response bodies.

Rendered bodies are kept per worker inside the policy snapshot (see
mapsite/zones/snapshot.py), so they are dropped together with it as soon as the
data version moves. A cache hit touches the database at most once every
POLICY_CACHE_SECONDS, for that version check.
"""

import gzip
import hashlib
import logging
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from functools import wraps

from django.core.exceptions import TooManyFieldsSent
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.http import parse_etags

from mapsite.api.params import BadParam, too_many_fields
from mapsite.compression import GZIP_MIN_BYTES, use_gzip
from mapsite.languages import DEFAULT
from mapsite.zones.engine import dumps  # the one JSON writer, shared with the engine
from mapsite.zones.snapshot import Snapshot

logger = logging.getLogger(__name__)

JSON = "application/json"
GEOJSON = "application/geo+json"
METHODS = "GET, HEAD, OPTIONS"
MAX_AGE = 60
SHARED_MAX_AGE = 1  # the front's micro-cache (nginx) keeps a copy this long before revalidating
CACHE_MAX_ENTRIES = 4096
CACHE_MAX_BYTES = 128 * 1024 * 1024  # per worker; one body may take up to a third
RETRY_AFTER_SECONDS = 30  # what a 503 asks clients to wait while the database is down


def error(status: int, message: str, field: str | None = None) -> HttpResponse:
    """The one error shape: {"error": "...", "field": "..." or null}."""
    response = HttpResponse(dumps({"error": message, "field": field}), content_type=JSON)
    response.status_code = status
    response["Cache-Control"] = "no-store"
    return response


def unavailable() -> HttpResponse:
    """The 503 while the database is not answering (mapsite/ops/outage.py for the rest)."""
    response = error(503, "the database is not answering; try again shortly")
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def api_endpoint(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """GET and HEAD only (OPTIONS answers CORS preflight), CORS open, errors as JSON."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method == "OPTIONS":
            response = HttpResponse(status=204)
            response["Allow"] = METHODS
            response["Access-Control-Allow-Methods"] = METHODS
            response["Access-Control-Allow-Headers"] = "If-None-Match"
            response["Access-Control-Max-Age"] = "86400"
        elif request.method not in ("GET", "HEAD"):
            response = error(405, "method not allowed; this API answers GET and HEAD")
            response["Allow"] = METHODS
        else:
            response = _answer(view, request, *args, **kwargs)
        response["Access-Control-Allow-Origin"] = "*"
        response["Access-Control-Expose-Headers"] = "ETag, Content-Disposition"
        return response

    # Nothing here changes state, and a POST must meet the JSON 405, not the CSRF page.
    wrapper.csrf_exempt = True  # type: ignore[attr-defined]
    return wrapper


def _answer(view, request: HttpRequest, *args, **kwargs) -> HttpResponse:
    try:
        # Words are English unless the endpoint asks for another language (lang=): the
        # browser's Accept-Language (LocaleMiddleware) never reaches a cached answer.
        with translation.override(DEFAULT):
            return view(request, *args, **kwargs)
    except BadParam as exc:
        return error(400, exc.message, exc.field)
    except TooManyFieldsSent:  # from request.GET, read by a view
        refused = too_many_fields()
        return error(400, refused.message, refused.field)
    except DatabaseError:
        logger.exception("database error answering %s", request.path)
        return unavailable()
    except Exception:
        # Logged in full for us; the client gets JSON, never a traceback.
        logger.exception("unexpected error answering %s", request.path)
        return error(500, "internal error")


@dataclass
class Body:
    """Rendered bytes with their strong ETag, plus a gzip copy made on first demand."""

    content: bytes
    etag: str
    _gzipped: bytes | None = None

    @classmethod
    def of(cls, content: bytes, identity: bytes | None = None) -> "Body":
        """The body named by a digest of its bytes, or of `identity`: fewer bytes that
        determine them (two bodies alike in `identity` must be alike)."""
        # SHA-256 runs in the CPU's SHA instructions where it has them (faster than BLAKE2b
        # on a verdict's body); 96 bits of it name a body well enough.
        digest = hashlib.sha256(content if identity is None else identity).hexdigest()[:24]
        return cls(content, f'"{digest}"')

    @classmethod
    def of_json(cls, data) -> "Body":
        return cls.of(dumps(data))

    @property
    def gzip_etag(self) -> str:
        return self.etag[:-1] + '-gz"'

    def gzipped(self) -> bytes:
        if self._gzipped is None:
            self._gzipped = gzip.compress(self.content, compresslevel=6, mtime=0)
        return self._gzipped

    @property
    def size(self) -> int:
        """Bytes to budget for: the body and room for its gzip copy (JSON packs to < 1/4)."""
        return len(self.content) + max(len(self._gzipped or b""), len(self.content) // 4)


class ResponseCache:
    """A small LRU of rendered bodies, bounded by count and bytes. An OrderedDict: the
    least recently used is dropped in constant time (a plain dict's first key is found by
    walking past the slots of every key dropped since it last grew)."""

    def __init__(self, max_entries: int = CACHE_MAX_ENTRIES, max_bytes: int = CACHE_MAX_BYTES):
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.entries: OrderedDict[Hashable, tuple[Body, int]] = OrderedDict()
        self.bytes = 0

    def get(self, key: Hashable) -> Body | None:
        entry = self.entries.get(key)
        if entry is None:
            return None
        self.entries.move_to_end(key)  # most recently used goes last
        return entry[0]

    def put(self, key: Hashable, body: Body) -> Body:
        size = body.size
        if size * 3 > self.max_bytes:
            return body  # too big to keep; serve it once
        self._drop(key)
        self.entries[key] = (body, size)
        self.bytes += size
        while len(self.entries) > self.max_entries or self.bytes > self.max_bytes:
            self.bytes -= self.entries.popitem(last=False)[1][1]
        return body

    def _drop(self, key: Hashable) -> None:
        entry = self.entries.pop(key, None)
        if entry is not None:
            self.bytes -= entry[1]


def cache_for(snap: Snapshot) -> ResponseCache:
    """This worker's response cache for the snapshot's data version."""
    cache = snap.responses.get("api")
    if cache is None:
        cache = snap.responses["api"] = ResponseCache()
    return cache


def cached(snap: Snapshot, key: Hashable, render: Callable[[], bytes | Body | None]) -> Body | None:
    """The body for `key` at the snapshot's version, rendering it on a miss (None: no body;
    bytes, or a Body already named)."""
    cache = cache_for(snap)
    body = cache.get(key)
    if body is None:
        content = render()
        if content is None:
            return None
        body = cache.put(key, content if isinstance(content, Body) else Body.of(content))
    return body


def serve(
    request: HttpRequest,
    body: Body,
    content_type: str,
    max_age: int = MAX_AGE,
    filename: str | None = None,
) -> HttpResponse:
    """200 with the body (gzip as Accept-Encoding asks), or 304 when If-None-Match matches."""
    compress = use_gzip(request.META.get("HTTP_ACCEPT_ENCODING"), len(body.content), GZIP_MIN_BYTES)
    etag = body.gzip_etag if compress else body.etag
    if _matches(request.META.get("HTTP_IF_NONE_MATCH"), etag):
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(body.gzipped() if compress else body.content, content_type)
        if compress:
            response["Content-Encoding"] = "gzip"
        if filename:
            response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["ETag"] = etag
    response["Cache-Control"] = f"public, max-age={max_age}, s-maxage={SHARED_MAX_AGE}"
    response["Vary"] = "Accept-Encoding"
    response.coding_chosen = True  # the site's GZipMiddleware leaves it as it is
    return response


def _matches(header: str | None, etag: str) -> bool:
    """If-None-Match uses the weak comparison (RFC 9110 13.1.2)."""
    if not header:
        return False
    tags = parse_etags(header)
    if tags == ["*"]:
        return True
    return any(tag.removeprefix("W/") == etag for tag in tags)
