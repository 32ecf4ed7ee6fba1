"""/healthz: 200 when the database answers, 503 with JSON when it does not."""

import pytest


@pytest.mark.django_db
def test_it_says_ok_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok"}


def test_it_says_unavailable_when_the_database_is_down(client, database_down):
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert "Traceback" not in response.content.decode()


@pytest.mark.django_db
def test_it_only_answers_get(client):
    assert client.post("/healthz").status_code == 405
