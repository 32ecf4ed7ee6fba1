"""The site as `make run` serves it: gunicorn, whitenoise, hashed and cached static files."""

import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def gunicorn_url():
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        check=True,
    )
    port = free_port()
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "mapsite.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--no-control-socket",
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(url + "/healthz", timeout=2)
                break
            except OSError:
                time.sleep(0.1)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


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
