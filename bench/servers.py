"""The app served for the tests and benchmarks: gunicorn on a free loopback port, and chromium.

Shared by tests/ (test_gunicorn.py, test_api_cache.py, conftest.py) and bench/ (api.py,
map_page.py), so that they all start the site the way `make run` does.
"""

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
GUNICORN = Path(sys.executable).with_name("gunicorn")
START_SECONDS = 20.0
STOP_SECONDS = 30.0

# Debian's chromium, driven through Playwright.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def serve(
    workers: int = 2,
    env: dict | None = None,
    *,
    collectstatic: bool = False,
    access_log: Path | None = None,
    log_level: str | None = None,
) -> Iterator[str]:
    """The app in gunicorn (sync workers) on a free loopback port; yields its base URL.

    - env: variables set on top of this process's (MAPSITE_DB_NAME, POLICY_CACHE_SECONDS...);
    - collectstatic: run `manage.py collectstatic` first, for whitenoise's hashed files;
    - access_log: a file for gunicorn's access log, one "<pid> <path>" line per request;
    - log_level: show gunicorn's own log on stderr at this level (None: discard it).

    Returns once /healthz answers; the server is stopped on leaving, whatever happens.
    """
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "mapsite.settings", **(env or {})}
    if collectstatic:
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
    port = free_port()
    command = [
        str(GUNICORN),
        "mapsite.wsgi:application",
        "--bind",
        f"{HOST}:{port}",
        "--workers",
        str(workers),
        "--no-control-socket",
    ]
    if access_log:
        command += ["--access-logfile", str(access_log), "--access-logformat", "%(p)s %(U)s"]
    if log_level:
        command += ["--log-level", log_level]
    server = subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=None if log_level else subprocess.DEVNULL,
    )
    url = f"http://{HOST}:{port}"
    try:
        _wait_until_healthy(server, url)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _wait_until_healthy(server: subprocess.Popen, url: str) -> None:
    deadline = time.monotonic() + START_SECONDS
    while True:
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=2) as response:
                response.read()
            return
        except OSError:
            if server.poll() is not None:
                raise RuntimeError(f"gunicorn exited on start-up ({server.returncode})") from None
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"gunicorn did not answer {url}/healthz in {START_SECONDS:.0f} s"
                ) from None
            time.sleep(0.1)
