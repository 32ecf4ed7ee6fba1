"""The front as `make run` serves it: nginx before gunicorn, on loopback, with real sockets."""

import gzip
import http.client
import json
import re
import socket
import statistics
import time
import urllib.parse

import pytest

from bench.servers import app_process, serve

SLOW_CLIENTS = 200
HOLD_SECONDS = 40
HEADER_TIMEOUT = 10  # client_header_timeout in scripts/nginx.conf.template
SLOW_START = b"GET /api/ping HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "
PUBLIC_URL = "/api/zones/counter-fire-kharkiv.geojson?simplify=500"


@pytest.fixture(scope="module")
def front():
    with serve(workers=2, collectstatic=True) as url:
        yield url


def fetch(url: str, method: str = "GET", body: bytes | None = None, timeout: float = 10, **headers):
    """(status, headers, body) for one request on a fresh connection; errors are answers too."""
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


def hashed_asset(base: str) -> str:
    _, _, html = fetch(base + "/")
    assets = re.findall(r'(?:src|href)="(/static/[^"]+\.[0-9a-f]{12}\.js)"', html.decode())
    assert assets, "the page links hashed scripts"
    return assets[0]


class SlowHeaderClients:
    """Connections that send a request header a byte at a time and never finish it.

    One that nginx cuts is counted (with how long it was held) and replaced at once,
    so `count` are always pending.
    """

    def __init__(self, address: tuple[str, int], count: int):
        self.address = address
        self.pending: dict[socket.socket, float] = {}
        self.held_seconds: list[float] = []
        for _ in range(count):
            self._open()

    def _open(self) -> None:
        sock = socket.create_connection(self.address, timeout=5)
        sock.sendall(SLOW_START)
        sock.setblocking(False)
        self.pending[sock] = time.monotonic()

    def trickle(self) -> None:
        for sock, since in list(self.pending.items()):
            if self._one_more_byte(sock):
                continue
            self.held_seconds.append(time.monotonic() - since)
            del self.pending[sock]
            sock.close()
            self._open()

    @staticmethod
    def _one_more_byte(sock: socket.socket) -> bool:
        """False once nginx has cut the connection."""
        try:
            sock.recv(1024)  # an answer or an end: either way it is over
            return False
        except BlockingIOError:
            pass
        except OSError:
            return False
        try:
            sock.send(b"a")
        except OSError:
            return False
        return True

    def close(self) -> None:
        for sock in self.pending:
            sock.close()


def test_slow_header_clients_do_not_starve_the_app(front):
    """200 connections trickling headers for 40 s; /api/ping is probed every second."""
    host, port = urllib.parse.urlsplit(front).hostname, urllib.parse.urlsplit(front).port
    clients = SlowHeaderClients((host, port), SLOW_CLIENTS)
    answered, latencies = 0, []
    started = time.monotonic()
    try:
        for tick in range(HOLD_SECONDS):
            time.sleep(max(0.0, started + tick - time.monotonic()))
            clients.trickle()
            sent = time.monotonic()
            try:
                status, _, _ = fetch(front + "/api/ping", timeout=2)
            except OSError:
                status = None
            latencies.append(time.monotonic() - sent)
            answered += status == 200
        held = len(clients.pending)
    finally:
        clients.close()
    rate = answered / HOLD_SECONDS
    print(
        f"\nfront: {answered}/{HOLD_SECONDS} probes answered ({rate:.0%}) with {SLOW_CLIENTS} "
        f"slow clients; probe latency median {statistics.median(latencies) * 1000:.1f} ms, "
        f"max {max(latencies) * 1000:.1f} ms; {len(clients.held_seconds)} slow connections cut "
        f"after {min(clients.held_seconds):.1f}-{max(clients.held_seconds):.1f} s"
    )
    assert rate >= 0.9
    assert held == SLOW_CLIENTS, "the attack kept its connections pending throughout"
    # nginx cuts each one once its header has taken client_header_timeout, trickle or not.
    assert len(clients.held_seconds) >= SLOW_CLIENTS
    assert max(clients.held_seconds) <= HEADER_TIMEOUT + 3


def test_a_burst_over_the_rate_limit_gets_a_json_429(front):
    answers = [fetch(front + "/api/ping") for _ in range(150)]
    statuses = [status for status, _, _ in answers]
    assert statuses[:40] == [200] * 40, "the burst allowance comes first"
    refused = [(headers, body) for status, headers, body in answers if status == 429]
    assert refused, "a burst of 150 exceeds 20 requests/s with a burst of 40"
    headers, body = refused[0]
    assert headers["Content-Type"] == "application/json"
    assert headers["Retry-After"] == "1"
    assert json.loads(body) == {"error": "too many requests; slow down", "status": 429}
    time.sleep(2.5)  # the bucket drains (40 at 20/s) before the next test


def test_login_attempts_are_limited_sooner_than_the_api(front):
    logins = [fetch(front + "/admin/login/", "POST", b"username=a&password=b") for _ in range(6)]
    pings = [fetch(front + "/api/ping") for _ in range(6)]
    forms = [fetch(front + "/admin/login/") for _ in range(6)]
    assert [status for status, _, _ in logins][:4].count(429) == 0, "one and a burst of 3"
    status, headers, body = logins[-1]
    assert status == 429 and headers["Retry-After"] == "10"
    assert json.loads(body)["status"] == 429 and "login" in json.loads(body)["error"]
    assert [status for status, _, _ in pings] == [200] * 6
    assert [status for status, _, _ in forms] == [200] * 6, "only attempts count, not the form"


@pytest.mark.parametrize(
    ("accept", "compressed"),
    [("gzip;q=0", False), ("GZIP", True), ("deflate, gzip;q=0.5", True), ("identity", False)],
)
@pytest.mark.parametrize("kind", ["api", "static"])
def test_gzip_follows_the_rfc(front, kind, accept, compressed):
    path = "/api/zones.geojson?simplify=500" if kind == "api" else hashed_asset(front)
    status, headers, body = fetch(front + path, **{"Accept-Encoding": accept})
    assert status == 200
    assert (headers["Content-Encoding"] == "gzip") is compressed
    assert "Accept-Encoding" in ", ".join(headers.get_all("Vary"))
    if compressed:
        gzip.decompress(body)


def test_hashed_static_files_are_cached_for_a_year_and_others_for_an_hour(front):
    hashed = hashed_asset(front)
    _, headers, _ = fetch(front + hashed)
    assert headers["Cache-Control"] == "public, max-age=31536000, immutable"
    plain = re.sub(r"\.[0-9a-f]{12}\.js$", ".js", hashed)
    status, headers, _ = fetch(front + plain)
    assert status == 200 and headers["Cache-Control"] == "public, max-age=3600"


def test_the_micro_cache_keeps_only_what_the_app_marks_public(front):
    url = front + "/api/policies"
    first, again = fetch(url)[1], fetch(url)[1]
    assert first["Cache-Control"].endswith("s-maxage=1")
    assert again["X-Proxy-Cache"] == "HIT"
    pings = [fetch(front + "/api/ping")[1]["X-Proxy-Cache"] for _ in range(2)]
    assert pings == ["MISS", "MISS"], "no-store is never kept"
    _, logged_in, _ = fetch(url, Cookie="sessionid=someone")
    assert logged_in["X-Proxy-Cache"] == "BYPASS"
    _, verdict, _ = fetch(front + "/api/verdict?lat=50.6&lon=36.58")
    assert verdict["X-Cache"] in ("hit", "miss"), "the app's own cache header passes through"


def test_the_admin_is_never_served_from_the_cache(front):
    for path in ["/admin/", "/admin/login/", "/admin/login/?next=/admin/"]:
        for _ in range(2):
            status, headers, _ = fetch(front + path)
            assert status in (200, 302)
            assert headers["X-Proxy-Cache"] is None, path


def test_the_last_good_copy_stands_in_while_the_app_is_down():
    with serve(workers=1) as base:
        status, headers, good = fetch(base + PUBLIC_URL)
        assert status == 200 and headers["X-Proxy-Cache"] == "MISS"
        app = app_process(base)
        app.terminate()
        app.wait(timeout=30)
        time.sleep(2.1)  # past s-maxage=1 (nginx counts whole seconds)

        status, headers, body = fetch(base + PUBLIC_URL)
        assert (status, headers["X-Proxy-Cache"], body) == (200, "STALE", good)

        status, headers, body = fetch(base + PUBLIC_URL.replace("500", "600"))
        assert status == 503 and headers["Content-Type"] == "application/json"
        assert headers["Retry-After"] == "5"
        assert json.loads(body)["status"] == 503


def test_the_micro_cache_never_hands_one_negotiated_variant_to_another_client(front):
    """/ogc/ answers HTML or JSON by Accept (Vary: Accept): nginx keys its copy on it too,
    so a JSON client never gets the HTML page kept for a browser, or the other way round."""
    url = front + "/ogc/collections"
    asked = [("text/html", "text/html"), ("application/json", "application/")] * 2
    asked.append(asked[-1])
    seen = []
    for accept, media in asked:
        status, headers, _ = fetch(url, Accept=accept)
        assert status == 200, (accept, status)
        assert headers["Content-Type"].startswith(media), (accept, headers["Content-Type"])
        assert "Accept" in headers["Vary"]
        seen.append(headers["X-Proxy-Cache"])
    assert seen[-1] == "HIT", seen  # the same variant again, from the front's copy
