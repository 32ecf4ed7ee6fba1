"""HTTPS from the environment, a clean `check --deploy`, and the headers every page sends."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from mapsite.security import PERMISSIONS_POLICY

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "SECRET_KEY": secrets.token_urlsafe(60),
    "DEBUG": "false",
    "ALLOWED_HOSTS": "map.example.org",
    "SECURE_COOKIES": "true",
    "SECURE_SSL_REDIRECT": "true",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "true",
    "SECURE_HSTS_PRELOAD": "true",
    "BEHIND_HTTPS_PROXY": "true",
}


def manage(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "mapsite.settings", **(env or {})}
    environment.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # the tests' own, never a site's
    for name in PRODUCTION:
        if env is None or name not in env:
            environment.pop(name, None)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_in_a_production_environment():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_names_what_a_bare_environment_leaves_out():
    result = manage("check", "--deploy")
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in result.stdout + result.stderr


PRINT = (
    "from django.conf import settings as s; print('HTTPS', s.SECURE_SSL_REDIRECT, "
    "s.SECURE_HSTS_SECONDS, getattr(s, 'SECURE_PROXY_SSL_HEADER', None)); "
    "from django.test import Client; r = Client().get('/api/ping', HTTP_HOST='localhost'); "
    "print('PLAIN', r.status_code, r.get('Location'), r.get('Strict-Transport-Security'))"
)


def test_https_comes_from_the_environment_and_stays_off_by_default():
    local = manage("shell", "-c", PRINT).stdout
    assert "HTTPS False 0 None" in local
    assert "PLAIN 200 None None" in local  # plain HTTP is served, not redirected
    production = manage("shell", "-c", PRINT, env={**PRODUCTION, "ALLOWED_HOSTS": "localhost"})
    assert "HTTPS True 31536000 ('HTTP_X_FORWARDED_PROTO', 'https')" in production.stdout
    assert "PLAIN 301 https://localhost/api/ping None" in production.stdout


@pytest.mark.django_db
def test_an_https_request_through_the_proxy_is_secure_and_http_is_redirected(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    plain = client.get("/api/ping", HTTP_HOST="127.0.0.1")
    assert plain.status_code == 301 and plain["Location"] == "https://127.0.0.1/api/ping"
    secure = client.get("/api/ping", HTTP_HOST="127.0.0.1", HTTP_X_FORWARDED_PROTO="https")
    assert secure.status_code == 200
    assert secure["Strict-Transport-Security"] == "max-age=31536000"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/", "/api/ping", "/api/verdict?lat=50.6&lon=36.6", "/admin/login/"]
)
def test_every_answer_says_which_browser_features_the_site_may_use(client, path):
    response = client.get(path)
    assert response["Permissions-Policy"] == PERMISSIONS_POLICY
    assert "camera=()" in PERMISSIONS_POLICY and "geolocation=()" in PERMISSIONS_POLICY


@pytest.mark.django_db
def test_the_map_page_is_public_and_short_lived_and_sets_no_cookie(client):
    response = client.get("/")
    assert response["Cache-Control"] == "public, max-age=60, s-maxage=1"
    assert not response.cookies
