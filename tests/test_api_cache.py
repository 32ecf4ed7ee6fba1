"""Caching: validators and headers, the per-worker response cache, and edits reaching workers."""

import gzip
import json
import random
import time

import pytest
from django.db import connection

from bench.servers import serve
from mapsite.api.responses import Body, ResponseCache
from mapsite.zones import loader, snapshot
from mapsite.zones.models import Zone
from tests.api_support import BELGOROD, fetch, get, verdict_url

CACHED_URLS = [
    "/api/zones.geojson",
    "/api/zones.geojson?simplify=500",
    "/api/zones/ukraine.geojson",
    "/api/layers/countries.geojson",
    "/api/reach.geojson?weapon=gmlrs",
    "/api/policies",
    verdict_url(*BELGOROD),
    "/api/openapi.json",
]


@pytest.mark.django_db
@pytest.mark.parametrize("url", CACHED_URLS)
def test_it_sends_a_strong_etag_and_answers_304(client, url):
    response = get(client, url)
    etag = response["ETag"]
    assert etag.startswith('"') and etag.endswith('"'), "a strong validator"
    assert response["Cache-Control"] == "public, max-age=60, s-maxage=1"
    assert "Accept-Encoding" in response["Vary"]
    assert response["Access-Control-Allow-Origin"] == "*"
    again = get(client, url)
    assert again["ETag"] == etag, "the same data gives the same validator"
    for header in (etag, f"W/{etag}", f'"other", {etag}', "*"):
        not_modified = get(client, url, **{"If-None-Match": header})
        assert not_modified.status_code == 304, header
        assert not_modified.content == b""
        assert not_modified["ETag"] == etag
    assert get(client, url, **{"If-None-Match": '"other"'}).status_code == 200


@pytest.mark.django_db
def test_different_queries_have_different_etags(client):
    etags = {
        get(client, url)["ETag"]
        for url in (
            "/api/zones.geojson",
            "/api/zones.geojson?kind=ukraine",
            "/api/zones.geojson?simplify=500",
            "/api/zones.geojson?date=2024-01-01",
        )
    }
    assert len(etags) == 4


@pytest.mark.django_db
def test_a_verdict_s_etag_names_its_bytes(client):
    """A verdict is named by its shared part's digest and its own bytes, not a hash of all
    of it: still one ETag for each body. Points share heads (their areas) but not bodies;
    the same point asked again (the cache emptied) gets its ETag again; a language is in it;
    an edit to an area's words changes it."""
    rng = random.Random(5)
    urls = [
        verdict_url(rng.uniform(49.8, 52.2), rng.uniform(34.5, 39.5), date=day)
        for day in ("2024-06-10", "2025-03-01")
        for _ in range(60)
    ]
    urls += [url + "&lang=uk" for url in urls[:20]]
    names = {}
    for url in urls:
        response = get(client, url)
        names.setdefault(response["ETag"], set()).add(response.content)
    assert len(names) == len(set(urls)) and all(len(b) == 1 for b in names.values())
    snapshot.current().responses.clear()
    assert {get(client, url)["ETag"] for url in urls} == set(names)
    Zone.objects.filter(slug="ukraine").update(name="Ukraine (renamed)")
    kyiv = verdict_url(50.45, 30.52, date="2024-05-30")
    before = get(client, kyiv)["ETag"]
    Zone.objects.filter(slug="ukraine").update(name="Ukraine (renamed again)")
    assert get(client, kyiv)["ETag"] != before


@pytest.mark.django_db
def test_it_sends_gzip_with_its_own_strong_etag(client):
    plain = get(client, "/api/zones.geojson")
    packed = get(client, "/api/zones.geojson", **{"Accept-Encoding": "gzip, deflate"})
    assert packed["Content-Encoding"] == "gzip"
    assert packed["ETag"] != plain["ETag"] and not packed["ETag"].startswith("W/")
    assert gzip.decompress(packed.content) == plain.content
    assert len(packed.content) < len(plain.content) / 2
    not_modified = get(
        client,
        "/api/zones.geojson",
        **{"Accept-Encoding": "gzip", "If-None-Match": packed["ETag"]},
    )
    assert not_modified.status_code == 304


@pytest.mark.django_db
def test_a_cache_hit_makes_no_query_within_the_cache_period(
    client, settings, django_assert_num_queries
):
    settings.POLICY_CACHE_SECONDS = 60
    for url in CACHED_URLS:
        first = get(client, url)
        with django_assert_num_queries(0):
            again = get(client, url)
        assert again.content == first.content


@pytest.mark.django_db
def test_a_cache_hit_checks_only_the_data_version_after_the_period(
    client, django_assert_num_queries
):
    # The autouse fixture sets POLICY_CACHE_SECONDS = 0: every request checks the version.
    get(client, "/api/zones.geojson")
    with django_assert_num_queries(1) as captured:
        get(client, "/api/zones.geojson")
    assert "zones_dataversion" in captured.captured_queries[0]["sql"]


@pytest.mark.django_db
def test_an_edit_replaces_the_cached_answer(client):
    before = get(client, "/api/zones/ukraine.geojson")
    Zone.objects.filter(slug="ukraine").update(name="Ukraine (renamed)")
    after = get(client, "/api/zones/ukraine.geojson")
    assert json.loads(after.content)["properties"]["name"] == "Ukraine (renamed)"
    assert after["ETag"] != before["ETag"]
    verdict = get(client, verdict_url(50.45, 30.52, date="2024-05-30")).json()
    assert verdict["zone"]["name"] == "Ukraine (renamed)"


def test_the_response_cache_is_bounded_and_keeps_recent_answers():
    by_count = ResponseCache(max_entries=3, max_bytes=10_000)
    for key in "abc":
        by_count.put(key, Body.of(b"x" * 100))
    assert by_count.get("a") is not None  # "a" is now the most recent
    by_count.put("d", Body.of(b"x" * 100))
    assert by_count.get("b") is None
    assert all(by_count.get(key) is not None for key in "acd")

    by_bytes = ResponseCache(max_entries=100, max_bytes=5000)
    for key in range(5):  # 900 bytes, budgeted 1,125 with room for gzip
        by_bytes.put(key, Body.of(b"x" * 900))
    assert by_bytes.get(0) is None and by_bytes.get(4) is not None
    assert by_bytes.bytes == sum(size for _, size in by_bytes.entries.values()) <= 5000
    assert by_bytes.put("huge", Body.of(b"x" * 2000)).content  # served, but not kept
    assert by_bytes.get("huge") is None


@pytest.fixture
def committed_data(transactional_db):
    """The bundled data committed to the test database, for another process to read."""
    loader.load()
    snapshot.forget()
    return connection.settings_dict["NAME"]


def _answers(url: str, base: str, log, seen: int) -> tuple[int, str, int]:
    """(worker pid, zone name, lines in the log) for one request."""
    status, _, body = fetch(base + url)
    assert status == 200
    path = url.split("?")[0]
    for _ in range(200):  # the worker logs just after it answers
        lines = log.read_text().splitlines()
        fresh = [line.split() for line in lines[seen:]]
        fresh = [pid for pid, logged in fresh if logged == path]
        if fresh:
            break
        time.sleep(0.01)
    assert len(fresh) == 1, "one logged answer per request"
    data = json.loads(body)
    name = data["zone"]["name"] if "zone" in data else data["properties"]["name"]
    return int(fresh[0].strip("<>")), name, len(lines)


@pytest.mark.parametrize(
    "url",
    [
        verdict_url(*BELGOROD, date="2024-05-30"),
        "/api/zones/counter-fire-kharkiv.geojson?simplify=500",
    ],
)
def test_a_published_edit_reaches_every_gunicorn_worker_within_seconds(
    committed_data, tmp_path, url
):
    log = tmp_path / "access.log"
    log.touch()
    env = {"MAPSITE_DB_NAME": committed_data, "POLICY_CACHE_SECONDS": "2"}
    old, new = "Counter-fire area near Kharkiv", "Counter-fire area (edited)"
    # Every request must reach a worker: no micro-cache, no rate limit in front.
    with serve(workers=2, env=env, access_log=log, limits=False, micro_cache=False) as base:
        seen, lines = {}, len(log.read_text().splitlines())
        for _ in range(300):  # warm both workers' caches
            pid, name, lines = _answers(url, base, log, lines)
            assert name == old
            seen[pid] = seen.get(pid, 0) + 1
            if len(seen) == 2 and min(seen.values()) >= 3:
                break
        assert len(seen) == 2, "both workers answered"

        Zone.objects.filter(slug="counter-fire-kharkiv").update(name=new)
        edited_at = time.monotonic()
        updated: set[int] = set()
        while time.monotonic() - edited_at < 8 and updated != set(seen):
            pid, name, lines = _answers(url, base, log, lines)
            if name == new:
                updated.add(pid)
            else:
                assert pid not in updated, "a worker went back to the old answer"
            time.sleep(0.02)
        elapsed = time.monotonic() - edited_at
    assert updated == set(seen), f"workers {set(seen) - updated} still answer the old name"
    assert elapsed < 5, f"took {elapsed:.1f} s"


@pytest.mark.django_db
def test_a_verdict_says_whether_it_came_from_the_cache(client):
    first = get(client, verdict_url(50.61, 36.59))
    again = get(client, verdict_url(50.61, 36.59))
    other = get(client, verdict_url(50.62, 36.59))
    assert (first["X-Cache"], again["X-Cache"], other["X-Cache"]) == ("miss", "hit", "miss")


@pytest.mark.django_db
def test_a_new_point_is_answered_without_a_query_once_the_index_is_built(
    client, settings, django_assert_num_queries
):
    """The in-process index answers a point no one asked before with no database query."""
    settings.POLICY_CACHE_SECONDS = 60
    get(client, verdict_url(50.61, 36.59, date="2024-12-01"))
    with django_assert_num_queries(0):
        response = get(client, verdict_url(51.2, 37.3, date="2024-12-01"))
    assert response["X-Cache"] == "miss" and response.json()["zone"]
