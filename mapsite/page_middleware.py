"""Middleware only the pages need: a request under /api/ passes it by.

The API's answers hold no login, flash message or edit, and its words follow `lang=` alone,
so the login, messages, the language negotiation and the edit history's request are set up
for the pages and the admin only. Every header the site sends (mapsite/security.py, Django's
security, clickjacking, CSRF) is still sent on the API. Subclasses, so the admin's checks
still find the middleware they ask for. Django's SessionMiddleware stays as it is: the
deployment checks on the session cookie look for it by name.
"""

from django.contrib.auth import middleware as auth
from django.contrib.messages import middleware as messages
from django.middleware import locale
from django.utils.decorators import sync_only_middleware
from simple_history import middleware as history

API_PREFIX = "/api/"


def is_api(request) -> bool:
    return request.path_info.startswith(API_PREFIX)


class PagesOnly:
    """Mixin: an API request goes straight on to the next middleware."""

    def __call__(self, request):
        if is_api(request):
            return self.get_response(request)
        return super().__call__(request)


class LocaleMiddleware(PagesOnly, locale.LocaleMiddleware):
    """The page's language from the request; the API skips the negotiation and its `Vary`."""


class AuthenticationMiddleware(PagesOnly, auth.AuthenticationMiddleware):
    pass


class MessageMiddleware(PagesOnly, messages.MessageMiddleware):
    pass


@sync_only_middleware
def HistoryRequestMiddleware(get_response):  # named as the one it wraps
    """django-simple-history's request context (who made an edit), for the pages only."""
    with_history = history.HistoryRequestMiddleware(get_response)

    def middleware(request):
        return get_response(request) if is_api(request) else with_history(request)

    return middleware
