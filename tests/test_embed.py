"""The embedded map (/embed/): framed by any site, the only route that may be; the Embed
dialog's code; the note on what a broken link asked for that could not be used."""

import contextlib
import http.server
import threading

import pytest

from bench.servers import serve
from tests.map_fixtures import (  # noqa: F401
    BELGOROD,
    click_at,
    local_tiles_fixture,
    screenshot,
    verdict,
    wait_for_zones,
)
from tests.test_front_proxy import fetch

pytestmark = pytest.mark.django_db


@contextlib.contextmanager
def _other_site(html: str):
    """A real web server on another loopback port (another origin) serving one article."""

    class Article(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (the standard library's name)
            body = html.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Article)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _frame_policy(response) -> str:
    policy = response["Content-Security-Policy"]
    return next(d.strip() for d in policy.split(";") if d.strip().startswith("frame-ancestors"))


def test_only_the_embed_route_may_be_framed_by_other_sites(client):
    embed = client.get("/embed/?date=2024-05-30")
    assert embed.status_code == 200
    assert "X-Frame-Options" not in embed
    assert _frame_policy(embed) == "frame-ancestors *"
    # The rest of the page's policy stays as strict as the map page's.
    assert "script-src 'self' 'nonce-" in embed["Content-Security-Policy"]
    for path in ("/", "/?date=2024-05-30", "/admin/login/", "/api/ping", "/api/policies"):
        response = client.get(path)
        assert response["X-Frame-Options"] == "DENY", path
        if "Content-Security-Policy" in response:
            assert _frame_policy(response) == "frame-ancestors 'none'", path


def test_only_the_public_pages_leave_the_opener_policy_open(client):
    """COOP same-origin would cost the public page a process swap on a new tab and protects
    nothing it holds; the admin, with its logins, keeps it."""
    for path in ("/", "/?date=2024-05-30&lang=uk", "/embed/?date=2024-05-30"):
        assert client.get(path)["Cross-Origin-Opener-Policy"] == "unsafe-none", path
    for path in ("/admin/login/", "/admin/", "/api/policies"):
        assert client.get(path)["Cross-Origin-Opener-Policy"] == "same-origin", path


@pytest.fixture(scope="module")
def front():
    """The app as `make run` serves it: gunicorn behind the nginx front and its micro-cache."""
    with serve(workers=1, collectstatic=True) as url:
        yield url


def test_the_front_neither_adds_nor_strips_frame_headers(front):
    """nginx passes each route's own frame policy, from the app and from its micro-cache."""
    seen = []
    for _ in range(4):
        status, headers, _ = fetch(front + "/embed/?date=2024-05-30")
        assert status == 200
        assert headers["X-Frame-Options"] is None
        assert _frame_policy(headers) == "frame-ancestors *"
        seen.append(headers["X-Proxy-Cache"])
        if seen[-1] == "HIT":
            break
    assert "HIT" in seen, seen  # a cached copy keeps the embed's headers
    for path in ("/?date=2024-05-30", "/admin/login/", "/api/policies"):
        for _ in range(2):
            status, headers, _ = fetch(front + path)
            assert status == 200, path
            assert headers["X-Frame-Options"] == "DENY", path
            if headers["Content-Security-Policy"]:
                assert _frame_policy(headers) == "frame-ancestors 'none'", path


def test_the_embed_has_minimal_chrome_and_a_link_back(client):
    html = client.get("/embed/?date=2024-05-30&at=50.6,36.58").content.decode()
    assert 'class="embedded"' in html
    # The version shown, by its dates, beside its name.
    assert '<span class="embed-when" id="embed-when">30 May 2024 to 31 May 2024:</span>' in html
    assert "front/css/embed." in html
    assert 'id="full-map-link"' in html and 'target="_blank"' in html
    page = client.get("/?date=2024-05-30").content.decode()
    assert 'class="embedded"' not in page and "front/css/embed." not in page
    assert 'id="full-map-link"' not in page and 'id="embed-when"' not in page


def test_the_page_and_embed_cached_apart(client):
    """Each is rendered once per view and kept: the second answer is the same page."""
    first = client.get("/embed/?date=2024-06-01").content.decode()
    page = client.get("/?date=2024-06-01").content.decode()
    assert 'class="embedded"' in first and 'class="embedded"' not in page
    again = client.get("/embed/?date=2024-06-01").content.decode()
    assert 'class="embedded"' in again


@pytest.mark.parametrize("path", ["/", "/embed/"])
def test_a_broken_link_shows_the_default_view_and_says_what_was_ignored(client, path):
    response = client.get(path + "?date=2024-13-45&at=abc&z=far")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="link-note"' in html
    assert "<code>date</code> (the date: expected a calendar day written YYYY-MM-DD)" in html
    assert "<code>at</code> (the chosen point: expected two numbers, latitude,longitude)" in html
    assert "<code>z</code> (the zoom: expected a whole number)" in html
    fine = client.get(path + "?date=2024-05-30").content.decode()
    assert 'id="link-note"' not in fine


@pytest.fixture
def framing_page(browser, loaded_live_server, local_tiles):
    """A page on another site (another origin) framing the map, the embed and the admin."""
    base = loaded_live_server.url
    query = "?date=2024-05-30&at=50.6,36.58&c=50.3,36.6&z=8"
    article = f"""<!doctype html><html><head><title>An article</title></head><body>
        <h1>An article with the map</h1>
        <iframe id="embed" src="{base}/embed/{query}" width="900" height="480"></iframe>
        <iframe id="page" src="{base}/{query}" width="400" height="300"></iframe>
        <iframe id="admin" src="{base}/admin/login/" width="400" height="300"></iframe>
        </body></html>"""
    context = browser.new_context(viewport={"width": 1400, "height": 1400})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    def route(request_route):
        url = request_route.request.url
        if url.startswith(other) or url.startswith(base) or url.startswith("data:"):
            request_route.continue_()
        else:
            request_route.abort()

    with _other_site(article) as other:
        assert other != base
        page.route("**/*", route)
        page.goto(other + "/article.html")
        yield page, errors
    context.close()


def _frame(page, path: str):
    for _ in range(100):
        found = [f for f in page.frames if f != page.main_frame and path in f.url]
        if found:
            return found[0]
        page.wait_for_timeout(100)
    return None


@pytest.mark.browser
def test_another_site_frames_the_embed_but_not_the_page_or_the_admin(framing_page):
    page, errors = framing_page
    embed = _frame(page, "/embed/")
    assert embed is not None, [f.url for f in page.frames]
    wait_for_zones(embed)
    # The link's point is asked about, and the answer shows in the frame.
    assert verdict(embed, date="2024-05-30") == "conditional"
    full = embed.get_attribute("#full-map-link", "href")
    assert "/?c=" in full and "at=50.6" in full and "date=2024-05-30" in full
    assert embed.is_visible("#verdict-body") and not embed.is_visible("#place-search")
    # Chromium refuses to draw the other two: their frames hold its error page, not ours.
    page.wait_for_timeout(500)
    for name in ("page", "admin"):
        handle = page.query_selector(f"iframe#{name}")
        frame = handle.content_frame()
        assert (
            frame is None
            or frame.url.startswith("chrome-error://")
            or (frame.query_selector("#map, #login-form") is None)
        ), name
    screenshot(page, "embed")
    assert errors == []


@pytest.mark.browser
def test_the_embed_dialog_gives_the_iframe_code_for_the_view(
    browser_page, loaded_live_server, local_tiles
):
    page = browser_page
    page.goto(loaded_live_server.url + "/?date=2024-05-30")
    wait_for_zones(page)
    click_at(page, *BELGOROD)
    verdict(page, date="2024-05-30")
    page.click("#embed-open")
    assert page.is_visible("#embed-dialog")
    assert "live" in page.inner_text("#embed-live-note")
    code = page.input_value("#embed-code")
    assert code.startswith('<iframe src="' + loaded_live_server.url + "/embed/?c=")
    assert "date=2024-05-30" in code and "at=50.6" in code
    assert 'title="Map: where US-provided weapons may be used near Kharkiv"' in code
    assert 'loading="lazy"' in code
    # Copied to the clipboard where the browser allows it...
    page.context.grant_permissions(
        ["clipboard-read", "clipboard-write"], origin=loaded_live_server.url
    )
    page.click("#embed-copy")
    page.wait_for_selector("#embed-status:not(:empty)")
    assert page.inner_text("#embed-status") == "Embed code copied."
    assert page.evaluate("navigator.clipboard.readText()") == code
    # ...and selected for the keyboard where it refuses.
    page.context.clear_permissions()
    page.evaluate("document.getElementById('embed-status').textContent = ''")
    page.evaluate(
        "() => { navigator.clipboard.writeText = () => Promise.reject(new Error('refused')); }"
    )
    page.click("#embed-copy")
    page.wait_for_selector("#embed-status:not(:empty)")
    assert "selected" in page.inner_text("#embed-status")
    assert page.evaluate("document.activeElement.id") == "embed-code"
    page.keyboard.press("Escape")
    assert not page.is_visible("#embed-dialog")
    assert page.evaluate("document.activeElement.id") == "embed-open"
    # The code opens the same view in the frame it makes.
    src = code.split('src="')[1].split('"')[0].replace("&amp;", "&")
    page.goto(src)
    wait_for_zones(page)
    assert verdict(page, date="2024-05-30") == "conditional"
    assert page.watch.console_errors == []


@pytest.mark.browser
def test_the_ignored_link_note_can_be_dismissed(browser_page, loaded_live_server, local_tiles):
    page = browser_page
    page.goto(loaded_live_server.url + "/?date=2024-13-45&at=abc")
    wait_for_zones(page)
    assert page.is_visible("#link-note")
    assert "date" in page.inner_text("#link-note")
    page.click("#link-note .note-close")
    assert not page.is_visible("#link-note")
