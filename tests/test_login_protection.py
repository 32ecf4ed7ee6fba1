"""Failed logins lock out the user name and the address (django-axes), with a clear page, a
log editors' administrators can read, and commands that lift it."""

import pytest
from django.core.management import call_command
from django.test import Client, RequestFactory

from mapsite import security
from tests.admin_fixtures import HOST, PASSWORD, make_user

LOGIN = "/admin/login/?next=/admin/"
LIMIT = 5


def log_in(client: Client, username: str, password: str, address: str = "203.0.113.7"):
    return client.post(
        LOGIN,
        {"username": username, "password": password},
        HTTP_HOST=HOST,
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR=address,  # as the front (nginx) sets it
    )


@pytest.fixture
def editor(db):
    return make_user("editor", editor=True)


@pytest.mark.django_db
def test_repeated_wrong_passwords_lock_the_user_out_even_with_the_right_one(editor):
    client = Client()
    for _ in range(LIMIT - 1):
        response = log_in(client, "editor", "wrong")
        assert response.status_code == 200  # the login form again, with its error
        assert "Please enter the correct username and password" in response.content.decode()
    locked = log_in(client, "editor", "wrong")
    assert locked.status_code == 429
    right = log_in(client, "editor", PASSWORD)
    assert right.status_code == 429, "the right password does not lift a lockout"
    page = right.content.decode()
    assert "Login blocked" in page and f"After {LIMIT} failed logins as “editor”" in page
    assert "for 15 minutes" in page and "manage.py axes_reset" in page
    assert right["Retry-After"] == str(15 * 60)
    # Another address cannot log in as editor either: the user name is locked.
    assert log_in(Client(), "editor", PASSWORD, address="198.51.100.9").status_code == 429


@pytest.mark.django_db
def test_one_address_guessing_many_names_is_locked_out(editor):
    client = Client()
    for n in range(LIMIT):
        assert log_in(client, f"guess-{n}", "wrong").status_code in (200, 429)
    assert log_in(client, "editor", PASSWORD).status_code == 429  # same address
    assert log_in(Client(), "editor", PASSWORD, address="198.51.100.9").status_code == 302


@pytest.mark.django_db
def test_axes_reset_lifts_the_lockout_and_a_success_clears_the_count(editor):
    client = Client()
    for _ in range(LIMIT):
        log_in(client, "editor", "wrong")
    assert log_in(client, "editor", PASSWORD).status_code == 429
    call_command("axes_reset", verbosity=0)
    assert log_in(client, "editor", PASSWORD).status_code == 302
    for _ in range(LIMIT - 1):  # the success reset the count: four more may fail
        log_in(Client(), "editor", "wrong")
    assert log_in(Client(), "editor", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_the_attempts_are_listed_for_administrators(editor):
    for _ in range(2):
        log_in(Client(), "editor", "wrong")
    admin = Client(HTTP_HOST=HOST)
    admin.force_login(make_user("root", superuser=True))
    page = admin.get("/admin/axes/accessattempt/").content.decode()
    assert "editor" in page and "203.0.113.7" in page


def test_the_address_is_the_fronts_when_behind_it_and_remote_addr_when_bare(settings):
    request = RequestFactory().post(
        LOGIN, REMOTE_ADDR="", HTTP_X_FORWARDED_FOR="203.0.113.7"
    )  # gunicorn on the front's Unix socket has no REMOTE_ADDR
    settings.TRUSTED_PROXY_COUNT = 1
    assert security.client_ip(request) == "203.0.113.7"
    spoofed = RequestFactory().post(LOGIN, REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR="1.1.1.1")
    # Served bare, a client's own header is not believed: not from off the machine even with
    # the default count, and not at all with TRUSTED_PROXY_COUNT=0.
    assert security.client_ip(spoofed) == "192.0.2.1"
    settings.TRUSTED_PROXY_COUNT = 0
    assert security.client_ip(spoofed) == "192.0.2.1"
