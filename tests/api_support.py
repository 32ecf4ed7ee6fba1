"""Helpers shared by the tests/test_api_*.py modules (no fixtures of their own)."""

import itertools
import urllib.error
import urllib.request

from django.contrib.gis.geos import MultiPolygon, Polygon

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


def fetch(url: str, **headers) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()
