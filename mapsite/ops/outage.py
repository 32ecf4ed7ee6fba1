"""Answers while the database is down: a 503 with Retry-After, never a traceback.

Django hands an exception that nothing caught (in a view, in the session and auth
middleware, in the session save on the way out) to `handler500` inside its except
block, at whichever layer it surfaced, so `server_error` can still see it in
sys.exc_info(). A failed connection becomes a 503 the client may retry: JSON in the
API's error shape under /api/, a plain page elsewhere, the admin included. Any other
error stays a 500. Nothing here reads the database, and the page is rendered without
the request, so no context processor can touch it either. The app recovers by itself:
the next request connects again (CONN_HEALTH_CHECKS drops a broken connection).
"""

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.views import defaults

from mapsite.api import responses
from mapsite.page_middleware import is_api

logger = logging.getLogger(__name__)

PAGE = "503.html"


def database_down(exc: BaseException | None) -> bool:
    """Whether `exc` (or what it was raised from) says the database cannot be reached."""
    while exc is not None:
        if isinstance(exc, OperationalError | InterfaceError):
            return True
        exc = exc.__cause__
    return False


def unavailable(request: HttpRequest) -> HttpResponse:
    """The 503 for a request that needed the database: JSON under /api/, else the page."""
    if is_api(request):
        return responses.unavailable()
    response = HttpResponse(render_to_string(PAGE), status=503)
    response["Retry-After"] = str(responses.RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: a 503 when the database is down, else the 500 as before (JSON in the API)."""
    if database_down(sys.exc_info()[1]):
        return unavailable(request)
    if is_api(request):
        return responses.error(500, "internal error")
    return defaults.server_error(request)
