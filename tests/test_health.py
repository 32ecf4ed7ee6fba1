"""/healthz: 200 when the database answers, 503 with JSON when it does not."""

import pytest
from django.db import connection


@pytest.mark.django_db
def test_it_says_ok_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db(transaction=True)
def test_it_says_unavailable_when_the_database_is_down(client):
    saved = dict(connection.settings_dict)
    connection.close()
    # A port nothing listens on: a real connection failure, not a mock.
    connection.settings_dict["PORT"] = "1"
    connection.settings_dict["HOST"] = "127.0.0.1"
    connection.settings_dict["OPTIONS"] = {"connect_timeout": 2}
    try:
        response = client.get("/healthz")
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert "Traceback" not in response.content.decode()


@pytest.mark.django_db
def test_it_only_answers_get(client):
    assert client.post("/healthz").status_code == 405
