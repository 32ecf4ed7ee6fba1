"""The site as `make run` serves it: gunicorn, whitenoise, hashed and cached static files."""

import re
import urllib.request

import pytest

from bench.servers import serve


@pytest.fixture(scope="module")
def gunicorn_url():
    with serve(workers=1, collectstatic=True) as url:
        yield url


def fetch(url: str, **headers):
    request = urllib.request.Request(url, headers=headers)
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, dict(response.headers), response.read()


def test_it_serves_the_map_and_health_through_gunicorn(gunicorn_url):
    status, _, body = fetch(gunicorn_url + "/healthz")
    assert status == 200 and b'"ok"' in body
    status, headers, html = fetch(gunicorn_url + "/")
    assert status == 200
    assert "Content-Security-Policy" in headers


def test_whitenoise_serves_hashed_compressed_cacheable_static_files(gunicorn_url):
    _, _, html = fetch(gunicorn_url + "/")
    assets = re.findall(r'(?:src|href)="(/static/[^"]+)"', html.decode())
    assert any(re.search(r"leaflet\.[0-9a-f]{12}\.js$", a) for a in assets), assets
    for asset in assets:
        status, headers, _ = fetch(gunicorn_url + asset, **{"Accept-Encoding": "gzip"})
        assert status == 200, asset
        assert "max-age=" in headers.get("Cache-Control", ""), asset
    _, headers, _ = fetch(gunicorn_url + assets[0], **{"Accept-Encoding": "gzip"})
    assert headers.get("Content-Encoding") == "gzip"
