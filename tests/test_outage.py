"""While the database is down every page that needs it answers 503, and the site recovers.

The real outage runs gunicorn against a copy of the test database reached through a TCP
forwarder, cut and mended under the running server. The in-process tests pin the layers:
a view, the session save on the way out, and errors that must stay 500.
"""

import http.client
import json
import re
import time
import urllib.parse
from dataclasses import dataclass
from http.cookies import SimpleCookie

import pytest
from django.db import OperationalError
from django.http import HttpResponse
from django.test import Client
from django.urls import path

from bench.servers import serve
from mapsite import urls as site_urls
from mapsite.zones.vocabulary import STATUS
from tests.api_support import KHARKIV, verdict_url
from tests.ops_support import (
    LOOPBACK,
    Cable,
    copy_of_test_database,
    database_url,
    pointed_at,
    server_address,
)

ADMIN, PASSWORD = "outage-admin", "a-long-test-password-1"
VERDICT = verdict_url(*KHARKIV)
UNAVAILABLE = {"error": "the database is not answering; try again shortly", "field": None}
RECOVERY_SECONDS = 10


# --- In process: which layer met the failure does not matter ------------------------------


def boom(request):
    raise RuntimeError("not a database problem")


def gone(request):
    raise OperationalError("connection failed: Connection refused")


def wrapped(request):
    try:
        gone(request)
    except OperationalError as exc:
        raise ValueError("reading the zones failed") from exc


def session_write(request):
    request.session["seen"] = True  # saved by SessionMiddleware on the way out
    return HttpResponse("ok")


urlpatterns = [
    path("boom", boom),
    path("api/boom", boom),
    path("gone", gone),
    path("api/gone", gone),
    path("wrapped", wrapped),
    path("session", session_write),
    *site_urls.urlpatterns,
]
handler500 = site_urls.handler500


@pytest.fixture
def no_database(django_db_setup, django_db_blocker):
    """Connections go to a port nothing listens on (no transaction, no flush afterwards)."""
    from django.db import connection

    with django_db_blocker.unblock():
        saved = dict(connection.settings_dict)
        connection.close()
        connection.settings_dict.update(PORT="1", HOST=LOOPBACK, OPTIONS={"connect_timeout": 2})
        yield Client(raise_request_exception=False)
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)


def assert_unavailable(status, headers, body: bytes, api: bool) -> None:
    assert status == 503, body[:300]
    assert headers["Retry-After"] == "30"
    assert "no-store" in headers["Cache-Control"]
    for leak in (b"Traceback", b"OperationalError", b"Connection refused", LOOPBACK.encode()):
        assert leak not in body
    if api:
        assert headers["Content-Type"] == "application/json"
        assert json.loads(body) == UNAVAILABLE
    else:
        assert headers["Content-Type"].startswith("text/html")
        assert b"The map is unavailable for a moment" in body


def answer(response) -> tuple:
    return response.status_code, response.headers, response.content


@pytest.mark.urls("tests.test_outage")
@pytest.mark.parametrize("url", ["/gone", "/api/gone", "/wrapped", "/session", VERDICT, "/admin/"])
def test_a_database_failure_in_any_layer_is_a_503(no_database, url):
    no_database.cookies["sessionid"] = "a-session-the-database-would-know"
    assert_unavailable(*answer(no_database.get(url)), api=url.startswith("/api/"))


@pytest.mark.urls("tests.test_outage")
def test_the_admin_login_post_is_a_503(no_database):
    no_database.handler.enforce_csrf_checks = False
    response = no_database.post("/admin/login/", {"username": ADMIN, "password": PASSWORD})
    assert_unavailable(*answer(response), api=False)


@pytest.mark.urls("tests.test_outage")
def test_other_errors_stay_500(no_database):
    page = no_database.get("/boom")
    assert page.status_code == 500 and "Retry-After" not in page
    api = no_database.get("/api/boom")
    assert api.status_code == 500
    assert api.json() == {"error": "internal error", "field": None}


# --- A real outage under gunicorn -------------------------------------------------------


@dataclass
class Site:
    url: str
    cable: Cable

    def fetch(self, target: str, form: dict | None = None, cookies: dict | None = None):
        """(status, headers, body, cookies set) of one request, redirects not followed."""
        parts = urllib.parse.urlsplit(self.url)
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=15)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in (cookies or {}).items())}
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request("POST" if form is not None else "GET", target, body, headers)
        response = conn.getresponse()
        content = response.read()
        jar = SimpleCookie()
        for header in response.headers.get_all("Set-Cookie") or []:
            jar.load(header)
        conn.close()
        return response.status, response.headers, content, {k: m.value for k, m in jar.items()}


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker):
    """gunicorn (2 workers, persistent connections) reaching a copy of the test database."""
    from django.contrib.auth import get_user_model

    with django_db_blocker.unblock(), copy_of_test_database("outage") as db:
        with pointed_at(db):
            get_user_model().objects.create_superuser(ADMIN, "", PASSWORD)
        cable = Cable(server_address(db))
        cable.mend()
        env = {
            "DATABASE_URL": database_url(db, LOOPBACK, cable.port),
            "MANIFEST_STATIC": "false",
            "POLICY_CACHE_SECONDS": "0",  # else a worker may answer from its cache for 2 s
        }
        try:
            with serve(workers=2, env=env, proxy=False) as url:
                yield Site(url, cable)
        finally:
            cable.cut()


def log_in(site: Site) -> tuple[dict, dict, dict]:
    """The login form's cookies and fields, and a logged-in session's cookies."""
    status, _, page, anonymous = site.fetch("/admin/login/")
    assert status == 200
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
    form = {"csrfmiddlewaretoken": token, "username": ADMIN, "password": PASSWORD}
    status, _, _, session = site.fetch("/admin/login/", form, anonymous)
    assert status == 302 and "sessionid" in session
    return anonymous, form, {**anonymous, **session}


def test_it_answers_503_while_the_database_is_down_and_recovers_by_itself(site):
    anonymous, form, logged_in = log_in(site)
    assert site.fetch("/admin/", cookies=logged_in)[0] == 200
    assert site.fetch(VERDICT)[0] == 200

    site.cable.cut()
    for target in ["/", VERDICT, "/api/zones.geojson", "/api/policies"]:
        assert_unavailable(*site.fetch(target)[:3], api=target.startswith("/api/"))
    assert_unavailable(*site.fetch("/admin/", cookies=logged_in)[:3], api=False)
    assert_unavailable(*site.fetch("/admin/zones/zone/", cookies=logged_in)[:3], api=False)
    assert_unavailable(*site.fetch("/admin/login/", form, anonymous)[:3], api=False)
    status, _, body, _ = site.fetch("/healthz")
    assert status == 503 and json.loads(body)["status"] == "unavailable"
    # /api/ping reads nothing: it says the app answers; /healthz says whether its data does.
    assert site.fetch("/api/ping")[0] == 200

    site.cable.mend()
    deadline = time.monotonic() + RECOVERY_SECONDS
    while site.fetch("/healthz")[0] != 200:
        assert time.monotonic() < deadline, "the site did not recover"
        time.sleep(0.2)
    for _ in range(4):  # both workers, each with the connection it had before the cut
        assert site.fetch("/")[0] == 200
        status, _, body, _ = site.fetch(VERDICT)
        assert status == 200 and json.loads(body)["status"] in STATUS
        assert site.fetch("/admin/", cookies=logged_in)[0] == 200
    assert site.fetch("/admin/login/", form, anonymous)[0] == 302


@pytest.fixture
def front_site(django_db_setup, django_db_blocker):
    """The same outage behind the front (nginx, its micro-cache on), as `make run` serves."""
    with django_db_blocker.unblock(), copy_of_test_database("outage_front") as db:
        cable = Cable(server_address(db))
        cable.mend()
        env = {
            "DATABASE_URL": database_url(db, LOOPBACK, cable.port),
            "MANIFEST_STATIC": "false",
            "POLICY_CACHE_SECONDS": "0",
        }
        try:
            with serve(workers=2, env=env, limits=False) as url:
                yield Site(url, cable)
        finally:
            cable.cut()


def test_the_front_keeps_the_map_readable_from_its_last_good_copy(front_site):
    site = front_site
    kept = ["/", "/api/zones.geojson?date=2024-06-01&simplify=600", "/api/policies"]
    before = {}
    for target in kept:
        status, headers, body, _ = site.fetch(target)
        assert status == 200, target
        before[target] = body
    site.cable.cut()
    time.sleep(2.5)  # past the copies' s-maxage (1 s): the app is asked again, and fails
    for target in kept:
        status, headers, body, _ = site.fetch(target)
        assert status == 200, (target, body[:200])
        assert headers["X-Proxy-Cache"] in ("STALE", "UPDATING"), target
        assert body == before[target]
    # What the front never kept comes from the app: its own 503, not a stale copy.
    status, headers, body, _ = site.fetch(verdict_url(50.1234, 36.4321))
    assert_unavailable(status, headers, body, api=True)

    site.cable.mend()
    deadline = time.monotonic() + RECOVERY_SECONDS
    while site.fetch("/healthz")[0] != 200:
        assert time.monotonic() < deadline, "the site did not recover"
        time.sleep(0.2)
    # The stale copy is refreshed in the background: soon a fresh one is served again.
    fresh = ("EXPIRED", "MISS", "REVALIDATED", "HIT")
    while site.fetch("/")[1]["X-Proxy-Cache"] not in fresh:
        assert time.monotonic() < deadline + 5, "the front kept serving its stale copy"
        time.sleep(0.2)
