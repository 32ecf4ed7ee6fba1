"""The app served for the tests and benchmarks as `make run` serves it, and chromium.

gunicorn on a Unix socket with nginx in front on a free loopback port (scripts/nginx.sh).
Shared by tests/ (test_gunicorn.py, test_api_cache.py, test_front_proxy.py, conftest.py) and
bench/ (api.py, uncached.py, map_page.py).
"""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
GUNICORN = Path(sys.executable).with_name("gunicorn")
START_SECONDS = 60.0  # workers build their point index before they answer
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

_APPS: dict[str, subprocess.Popen] = {}  # gunicorn masters by the URL serve() yielded


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
    proxy: bool = True,
    limits: bool = True,
    micro_cache: bool = True,
) -> Iterator[str]:
    """The app in gunicorn (sync workers) behind nginx; yields nginx's base URL.

    - env: variables set on top of this process's (MAPSITE_DB_NAME, POLICY_CACHE_SECONDS...);
    - collectstatic: run `manage.py collectstatic` first, for the hashed static files;
    - access_log: a file for gunicorn's access log, one "<pid> <path>" line per request;
    - log_level: show gunicorn's own log on stderr at this level (None: discard it);
    - proxy: False serves gunicorn bare on a loopback port, no nginx;
    - limits, micro_cache: nginx's per-client limits and its cache of public GETs (off for
      load generators, and for tests that need every request to reach gunicorn).

    Each call has its own socket, port and nginx prefix. Returns once /healthz answers
    through nginx; both servers are stopped on leaving, whatever happens.
    """
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "mapsite.settings", **(env or {})}
    if collectstatic:
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
    with contextlib.ExitStack() as stack:
        run_dir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="mapsite-serve-")))
        sock, url = run_dir / "gunicorn.sock", f"http://{HOST}:{free_port()}"
        bind = f"unix:{sock}" if proxy else url.removeprefix("http://")
        command = _gunicorn(bind, workers, access_log, log_level)
        servers = {"gunicorn": stack.enter_context(_running(command, env, quiet=not log_level))}
        if proxy:
            front = {
                "FRONT_LISTEN": url.removeprefix("http://"),
                "FRONT_SOCKET": str(sock),
                "FRONT_LIMITS": "on" if limits else "off",
                "FRONT_CACHE": "on" if micro_cache else "off",
            }
            nginx = ["bash", str(ROOT / "scripts" / "nginx.sh"), "run", str(run_dir / "nginx")]
            servers["nginx"] = stack.enter_context(_running(nginx, {**env, **front}, quiet=False))
        _wait_until_healthy(servers, url)
        _APPS[url] = servers["gunicorn"]
        try:
            yield url
        finally:
            del _APPS[url]


def app_process(url: str) -> subprocess.Popen:
    """The gunicorn master behind a URL `serve()` yielded (to stop it, or find its workers)."""
    return _APPS[url]


def _gunicorn(bind: str, workers: int, access_log: Path | None, log_level: str | None) -> list:
    command = [
        str(GUNICORN),
        "mapsite.wsgi:application",
        "--bind",
        bind,
        "--workers",
        str(workers),
        "--no-control-socket",
        "--config",
        "python:mapsite.gunicorn_conf",  # as `make run`: workers build their index first
    ]
    if access_log:
        command += ["--access-logfile", str(access_log), "--access-logformat", "%(p)s %(U)s"]
    if log_level:
        command += ["--log-level", log_level]
    return command


@contextlib.contextmanager
def _running(command: list, env: dict, quiet: bool) -> Iterator[subprocess.Popen]:
    """A server process in its own process group, stopped on leaving (killed if it hangs)."""
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL if quiet else None,
        start_new_session=True,
    )
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)  # the group: its workers too
            process.wait()


def _wait_until_healthy(servers: dict[str, subprocess.Popen], url: str) -> None:
    deadline = time.monotonic() + START_SECONDS
    while True:
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=2) as response:
                response.read()
            return
        except OSError:
            for name, server in servers.items():
                if server.poll() is not None:
                    raise RuntimeError(f"{name} exited on start-up ({server.returncode})") from None
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"{url}/healthz did not answer in {START_SECONDS:.0f} s"
                ) from None
            time.sleep(0.1)
