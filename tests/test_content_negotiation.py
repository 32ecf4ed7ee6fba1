"""Compression follows Accept-Encoding by RFC 9110 (12.5.3), in the API and on the page."""

import gzip

import pytest
from django.conf import settings as site_settings

from mapsite import compression
from tests.api_support import get

DJANGO_GZIP = "django.middleware.gzip.GZipMiddleware"
RFC_GZIP = "mapsite.compression.GZipMiddleware"
BIG, SMALL = 5000, 10

# (Accept-Encoding, gzip for a big body?)
HEADERS = [
    (None, False),  # no header: identity
    ("", False),  # empty: identity only
    ("gzip", True),
    ("GZIP", True),  # codings are case-insensitive
    ("Gzip;Q=0.5", True),
    ("gzip;q=0", False),  # q=0: not acceptable
    ("gzip; q=0.000", False),
    ("deflate, gzip;q=0.5", True),
    ("gzip, deflate, br, zstd", True),
    ("identity", False),
    ("br", False),
    ("*", True),  # any coding
    ("*;q=0", False),
    ("br, *;q=0.1", True),  # gzip and identity both 0.1 through *: a tie goes to gzip
    ("gzip;q=0.5, identity", False),  # identity is preferred
    ("gzip, identity;q=0.5", True),
    ("gzip;q=abc", False),  # a malformed weight drops the member
    ("gzip;q=1.5", False),
    ("x-gzip", False),
]


@pytest.mark.parametrize(("header", "compressed"), HEADERS)
def test_the_decision_follows_the_rfc(header, compressed):
    assert compression.use_gzip(header, BIG, compression.GZIP_MIN_BYTES) is compressed


def test_a_small_body_stays_plain_unless_identity_is_refused():
    assert not compression.use_gzip("gzip", SMALL, compression.GZIP_MIN_BYTES)
    assert compression.use_gzip("gzip, identity;q=0", SMALL, compression.GZIP_MIN_BYTES)
    assert compression.use_gzip("gzip, *;q=0", SMALL, compression.GZIP_MIN_BYTES)
    # identity named acceptable overrides the wildcard's refusal
    assert not compression.use_gzip("gzip, identity, *;q=0", SMALL, compression.GZIP_MIN_BYTES)


def test_weights_are_read_case_insensitively():
    assert compression.coding_weights("GZip;Q=0.7, IDENTITY;q=0") == {"gzip": 0.7, "identity": 0}


@pytest.fixture
def rfc_middleware(settings):
    """The site's middleware with Django's GZipMiddleware replaced by ours."""
    settings.MIDDLEWARE = [RFC_GZIP if m == DJANGO_GZIP else m for m in settings.MIDDLEWARE]


def test_the_site_uses_the_rfc_middleware():
    # Django's own looks for the word "gzip": it compresses for gzip;q=0 and not for GZIP.
    assert DJANGO_GZIP not in site_settings.MIDDLEWARE
    assert RFC_GZIP in site_settings.MIDDLEWARE


API_URL = "/api/zones.geojson?simplify=500"


@pytest.mark.django_db
@pytest.mark.usefixtures("rfc_middleware")
@pytest.mark.parametrize(("header", "compressed"), HEADERS)
def test_the_api_compresses_as_asked(client, header, compressed):
    headers = {} if header is None else {"Accept-Encoding": header}
    response = get(client, API_URL, **headers)
    assert response.status_code == 200
    assert (response.get("Content-Encoding") == "gzip") is compressed
    assert "Accept-Encoding" in response["Vary"]
    plain = get(client, API_URL, **{"Accept-Encoding": "identity"})
    if compressed:
        assert gzip.decompress(response.content) == plain.content
        assert response["ETag"] != plain["ETag"]  # each coding its own validator
    else:
        assert response.content == plain.content and response["ETag"] == plain["ETag"]


@pytest.mark.django_db
@pytest.mark.usefixtures("rfc_middleware")
@pytest.mark.parametrize(
    ("header", "compressed"),
    [("gzip", True), ("GZIP", True), ("gzip;q=0", False), ("identity", False), ("*", True)],
)
def test_the_page_compresses_as_asked(client, header, compressed):
    response = get(client, "/", **{"Accept-Encoding": header})
    assert response.status_code == 200
    assert (response.get("Content-Encoding") == "gzip") is compressed
    assert "Accept-Encoding" in response["Vary"]
    if compressed:
        assert b"<html" in gzip.decompress(response.content).lower()


@pytest.mark.django_db
@pytest.mark.usefixtures("rfc_middleware")
def test_an_answer_that_chose_its_coding_is_left_to_it(client, monkeypatch):
    """The API's serve() decides gzip itself: the middleware does not decide again (it is
    not asked), and a gzip client still gets gzip once."""

    answer = get(client, API_URL, **{"Accept-Encoding": "gzip"})

    def asked(*args):
        raise AssertionError("the middleware decided again")

    monkeypatch.setattr(compression, "use_gzip", asked)
    monkeypatch.setattr("mapsite.api.responses.use_gzip", lambda *a: True)
    again = get(client, API_URL, **{"Accept-Encoding": "gzip"})
    assert again["Content-Encoding"] == "gzip" and again.content == answer.content


@pytest.mark.django_db
@pytest.mark.usefixtures("rfc_middleware")
def test_an_ogc_error_page_is_still_compressed_by_the_middleware(client):
    """OGC answers vary on Accept-Encoding without choosing their coding: gzip comes from the
    middleware, as for every page."""
    response = get(client, "/ogc/collections/nowhere/items?f=html", **{"Accept-Encoding": "gzip"})
    assert response.status_code == 404 and "Accept-Encoding" in response["Vary"]
    assert response["Content-Encoding"] == "gzip"
    assert b"<html" in gzip.decompress(response.content).lower()
