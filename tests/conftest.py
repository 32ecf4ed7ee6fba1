"""Shared fixtures: the real PostGIS test database with the bundled data, and chromium."""

import os
from pathlib import Path

import pytest

from bench.servers import CHROMIUM, CHROMIUM_ARGS

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the bundled geography and policy into the test database once."""
    from mapsite.zones import loader

    with django_db_blocker.unblock():
        loader.load()


@pytest.fixture(autouse=True)
def fresh_policy_snapshot(settings):
    """Each test reads the policy data afresh (workers re-read on change)."""
    from mapsite.zones import point_index, snapshot

    settings.POLICY_CACHE_SECONDS = 0
    snapshot.forget()
    point_index.forget()
    yield
    snapshot.forget()
    point_index.forget()


@pytest.fixture(autouse=True)
def english_between_tests():
    """Each test starts in the default language: a test client's request leaves the language
    it asked for (LocaleMiddleware) active in the test's thread."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture
def loaded_live_server(transactional_db, live_server, settings):
    """A live server over the bundled data (transactional tests empty the tables).

    The live server finds static files by their source names, so pages here use
    unhashed URLs; tests/test_gunicorn.py covers whitenoise's hashed, cached files.
    """
    from mapsite.zones import loader

    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    loader.load()
    return live_server


@pytest.fixture
def database_down(transactional_db):
    """The default connection points at a port nothing listens on: a real failure, no mock."""
    from django.db import connection

    saved = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict.update(PORT="1", HOST="127.0.0.1", OPTIONS={"connect_timeout": 2})
    yield
    connection.close()
    connection.settings_dict.clear()
    connection.settings_dict.update(saved)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class PageWatch:
    """What went wrong on a page: console errors and failed same-origin requests."""

    def __init__(self, origin: str):
        self.origin = origin
        self.console_errors: list[str] = []
        self.failed_requests: list[str] = []
        self.external_requests: list[str] = []

    def attach(self, page) -> None:
        page.on(
            "console",
            lambda msg: msg.type == "error" and self.console_errors.append(msg.text),
        )
        page.on("pageerror", lambda exc: self.console_errors.append(str(exc)))
        page.on("requestfailed", self._failed)
        page.on("response", self._response)

    def _failed(self, request) -> None:
        if request.url.startswith(self.origin):
            self.failed_requests.append(f"{request.url} {request.failure}")

    def _response(self, response) -> None:
        if response.url.startswith(self.origin) and response.status >= 400:
            self.failed_requests.append(f"{response.url} {response.status}")


@pytest.fixture
def browser_page(browser, loaded_live_server, request):
    """A fresh page on the live server. Requests leaving the machine are blocked."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    watch = PageWatch(loaded_live_server.url)
    watch.attach(page)

    def route(route_request):
        url = route_request.request.url
        if url.startswith(loaded_live_server.url) or url.startswith("data:"):
            route_request.continue_()
        else:
            watch.external_requests.append(url)
            route_request.abort()

    page.route("**/*", route)
    page.watch = watch
    yield page
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"))
    context.close()
