"""What the site tells browsers about itself, and who a login attempt comes from.

- `PERMISSIONS_POLICY`: the browser features the map uses (copying a link to the clipboard,
  its own fullscreen), every other one switched off, sent on every response.
- `client_ip`: the address django-axes counts failed logins against. Behind the front
  (nginx, which replaces any X-Forwarded-For a client sends with the address it saw), the
  address is the one `TRUSTED_PROXY_COUNT` proxies from the right; served bare, REMOTE_ADDR.
  The header is believed only from the front's side of the machine (a Unix socket, so no
  REMOTE_ADDR, or loopback): a client reaching a bare server cannot pick its own address.
"""

import ipaddress

from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings

PERMISSIONS_POLICY = ", ".join(
    [
        "accelerometer=()",
        "autoplay=()",
        "browsing-topics=()",
        "camera=()",
        "clipboard-write=(self)",
        "display-capture=()",
        "fullscreen=(self)",
        "geolocation=()",
        "gyroscope=()",
        "magnetometer=()",
        "microphone=()",
        "midi=()",
        "payment=()",
        "publickey-credentials-get=()",
        "usb=()",
    ]
)


class PermissionsPolicyMiddleware:
    """Adds the Permissions-Policy header (Django has no setting for it)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


class CachedCSPMiddleware(CSPMiddleware):
    """django-csp's middleware, with the settings' policy built once: a response without a
    nonce or a per-view policy (every API answer) gets the same header, which django-csp
    builds again for each response (a tenth of a small answer's time)."""

    _built: dict = {}

    def process_response(self, request, response):
        overridden = any(
            getattr(response, f"_csp_{part}{ro}", None) is not None
            for part in ("config", "update", "replace")
            for ro in ("", "_ro")
        )
        if overridden or getattr(request, "_csp_nonce", None) is not None or settings.DEBUG:
            return super().process_response(request, response)
        key = tuple(
            id(getattr(settings, name, None))
            for name in ("CONTENT_SECURITY_POLICY", "CONTENT_SECURITY_POLICY_REPORT_ONLY")
        )
        if key not in self._built:
            self._built.clear()
            self._built[key] = (build_policy(), build_policy(report_only=True))
        for header, policy, exempt in zip(
            ("Content-Security-Policy", "Content-Security-Policy-Report-Only"),
            self._built[key],
            ("_csp_exempt", "_csp_exempt_ro"),
            strict=True,
        ):
            if policy and header not in response and not getattr(response, exempt, False):
                response[header] = policy
        # As django-csp: a nonce asked for after the header is written is an error.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response


def client_ip(request) -> str | None:
    """The login attempt's address (see the module docstring)."""
    peer = request.META.get("REMOTE_ADDR") or ""
    count = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    if count and len(hops) >= count and _from_this_machine(peer):
        return hops[-count]
    return peer or None


def _from_this_machine(peer: str) -> bool:
    try:
        return not peer or ipaddress.ip_address(peer).is_loopback
    except ValueError:
        return False


def locked_out(request, original_response=None, credentials=None):
    """django-axes' answer while a login is locked out: a plain page, 429, Retry-After."""
    from axes.helpers import get_client_username, get_cool_off, get_failure_limit
    from django.shortcuts import render

    cool_off = get_cool_off(request)
    minutes = round(cool_off.total_seconds() / 60) if cool_off else None
    context = {
        "failure_limit": get_failure_limit(request, credentials),
        "username": get_client_username(request, credentials) or "",
        "minutes": minutes,
    }
    response = render(request, "admin/locked_out.html", context, status=429)
    if cool_off:
        response["Retry-After"] = str(int(cool_off.total_seconds()))
    return response
