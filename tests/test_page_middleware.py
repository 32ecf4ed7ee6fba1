"""The API passes by the middleware only pages need (mapsite/page_middleware.py), and keeps
every header the site sends; the pages and the admin keep all of it."""

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db

SITE_HEADERS = (
    "Content-Security-Policy",
    "Cross-Origin-Opener-Policy",
    "Permissions-Policy",
    "Referrer-Policy",
    "X-Content-Type-Options",
    "X-Frame-Options",
)
API_PATHS = ("/api/ping", "/api/verdict?lat=50.6&lon=36.58&date=2024-06-02", "/api/nowhere")


@pytest.mark.parametrize("path", API_PATHS)
def test_an_api_request_sets_up_no_login_messages_or_language(client, path):
    response = client.get(path, HTTP_ACCEPT_LANGUAGE="uk")
    request = response.wsgi_request
    assert not hasattr(request, "user"), "the login was set up for an API request"
    assert not hasattr(request, "_messages"), "messages were set up for an API request"
    assert "Accept-Language" not in response.get("Vary", "")
    assert "Cookie" not in response.get("Vary", "")
    assert not response.cookies, "an API answer set a cookie"


@pytest.mark.parametrize("path", API_PATHS)
def test_an_api_answer_keeps_every_header_the_site_sends(client, path):
    response = client.get(path)
    missing = [header for header in SITE_HEADERS if not response.has_header(header)]
    assert not missing, f"{path} lacks {missing}"


@pytest.mark.parametrize("path", ["/", "/embed/", "/admin/login/"])
def test_a_page_still_gets_the_login_messages_and_its_language(client, path):
    response = client.get(path, HTTP_ACCEPT_LANGUAGE="uk")
    request = response.wsgi_request
    assert (
        hasattr(request, "user") and hasattr(request, "_messages") and request.session is not None
    )
    assert response["Content-Language"] == "uk" and "Accept-Language" in response["Vary"]
    framed = path == "/embed/"  # the embed is meant to be framed: no X-Frame-Options
    expected = [h for h in SITE_HEADERS if not (framed and h == "X-Frame-Options")]
    missing = [header for header in expected if not response.has_header(header)]
    assert not missing, f"{path} lacks {missing}"


def test_the_admin_s_edits_still_record_who_made_them(admin_client):
    """django-simple-history's request context is set for the admin (not the API)."""
    from simple_history.models import HistoricalRecords

    seen = {}
    original = HistoricalRecords.context

    class Watch:
        def __setattr__(self, name, value):
            if name == "request":
                seen["request"] = value
            setattr(original, name, value)

        def __getattr__(self, name):
            return getattr(original, name)

        def __delattr__(self, name):
            delattr(original, name)

    HistoricalRecords.context = Watch()
    try:
        admin_client.get("/admin/")
        assert "request" in seen and seen["request"].path == "/admin/"
        seen.clear()
        admin_client.get("/api/ping")
        assert "request" not in seen
    finally:
        HistoricalRecords.context = original


def test_the_deployment_checks_still_find_django_s_session_and_csrf_middleware():
    assert "django.contrib.sessions.middleware.SessionMiddleware" in settings.MIDDLEWARE
    assert "django.middleware.csrf.CsrfViewMiddleware" in settings.MIDDLEWARE
