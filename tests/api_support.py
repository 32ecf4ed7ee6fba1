"""Helpers shared by the tests/test_api_*.py modules (no fixtures of their own)."""

import contextlib
import itertools
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from django.contrib.gis.geos import MultiPolygon, Polygon

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"

KYIV = (50.45, 30.52)
KHARKIV = (49.99, 36.23)
BELGOROD = (50.6, 36.58)
SHEBEKINO = (50.41, 36.89)
KURSK = (51.73, 36.19)
VORONEZH = (51.67, 39.2)
MINSK = (53.9, 27.56)
BLACK_SEA = (43.5, 34.0)


def verdict_url(lat: float, lon: float, **extra) -> str:
    query = "&".join([f"lat={lat}", f"lon={lon}", *(f"{k}={v}" for k, v in extra.items())])
    return f"/api/verdict?{query}"


def get(client, url: str, **headers):
    """GET through the test client with a host the settings allow."""
    return client.get(url, HTTP_HOST=HOST, headers=headers)


def box(minlon: float, minlat: float, maxlon: float, maxlat: float) -> MultiPolygon:
    shape = MultiPolygon(Polygon.from_bbox((minlon, minlat, maxlon, maxlat)))
    shape.srid = 4326
    return shape


def ring_is_ccw(ring: list) -> bool:
    """Shoelace sign: positive area means counter-clockwise (lon east, lat north)."""
    area = sum(x1 * y2 - x2 * y1 for (x1, y1, *_), (x2, y2, *_) in itertools.pairwise(ring))
    return area > 0


def polygons(geometry: dict) -> list:
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"]]
    if geometry["type"] == "MultiPolygon":
        return geometry["coordinates"]
    return []


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def fetch(url: str, **headers) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


@contextlib.contextmanager
def gunicorn(env: dict, workers: int = 2, access_log: Path | None = None):
    """The app in gunicorn on a free loopback port; yields its base URL."""
    port = free_port()
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        "mapsite.wsgi:application",
        "--bind",
        f"{HOST}:{port}",
        "--workers",
        str(workers),
    ]
    if access_log:
        command += ["--access-logfile", str(access_log), "--access-logformat", "%(p)s %(U)s"]
    server = subprocess.Popen(
        command,
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "mapsite.settings", **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://{HOST}:{port}"
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(url + "/api/ping", timeout=2)
                break
            except OSError:
                if server.poll() is not None:
                    raise RuntimeError("gunicorn exited on start-up") from None
                time.sleep(0.1)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=15)
