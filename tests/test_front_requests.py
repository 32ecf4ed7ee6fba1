"""The map page and /healthz: HEAD answers, a plain 503 without a database, sane permalinks."""

import datetime as dt

import pytest

DEFAULT_PRELOAD = (  # the first view answers for today
    f"</api/zones.geojson?date={dt.datetime.now(dt.UTC).date()}&simplify=600"
    "&bbox=25,45,48,55&clip=1>; rel=preload; as=fetch; crossorigin"
)


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/healthz"])
def test_head_is_answered_like_get(client, path):
    got = client.get(path)
    head = client.head(path)
    assert got.status_code == head.status_code == 200
    assert head.content == b""
    assert head["Content-Type"] == got["Content-Type"]
    assert client.post(path).status_code == 405


@pytest.mark.django_db
def test_head_of_the_map_page_sends_the_preload_header(client):
    assert client.head("/")["Link"] == DEFAULT_PRELOAD


def test_the_map_page_says_unavailable_when_the_database_is_down(client, database_down):
    response = client.get("/")
    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/html")
    assert response["Retry-After"] == "30"
    assert "no-store" in response["Cache-Control"]
    assert "Link" not in response
    html = response.content.decode()
    assert "The map is unavailable for a moment" in html
    assert "Traceback" not in html and "OperationalError" not in html and "127.0.0.1" not in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    "date",
    [
        "\u0662\u0660\u0662\u0664-\u0660\u0665-\u0660\u0661",  # 2024-05-01 in Arabic-Indic digits
        "2024-13-45",
        "2023-02-29",
        "0000-01-01",
        "2024-05-01\n",
    ],
)
def test_a_bad_permalink_date_falls_back_to_the_default_in_the_preload(client, date):
    response = client.get("/", {"date": date})
    assert response.status_code == 200
    link = response["Link"]
    assert link.isascii()
    assert link == DEFAULT_PRELOAD


@pytest.mark.django_db
def test_a_good_permalink_date_is_preloaded(client):
    response = client.get("/", {"date": "2024-02-29", "z": "9", "c": "50.6,36.58"})
    assert response["Link"] == (
        "</api/zones.geojson?date=2024-02-29&simplify=300&bbox=30,48,43,53&clip=1>; rel=preload;"
        " as=fetch; crossorigin"
    )
