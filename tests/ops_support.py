"""Helpers for tests/test_outage.py and tests/test_backup.py: throwaway databases, a cable to cut.

The served database is never touched: copies are made from the test database.
"""

import contextlib
import socket
import threading
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

from psycopg import sql

from mapsite.ops.backup import Database

LOOPBACK = "127.0.0.1"


def tests_database() -> Database:
    from django.db import connections

    return Database.from_settings(connections["default"].settings_dict)


@contextlib.contextmanager
def copy_of_test_database(suffix: str) -> Iterator[Database]:
    """A new database cloned from the test database (with the bundled data), dropped after."""
    from django.db import connections

    source = tests_database()
    name = f"{source.name}_{suffix}"
    admin = Database({**source.params, "dbname": "postgres"})
    drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
    connections.close_all()  # a template must have no other sessions
    with admin.connect() as conn:
        _end_other_sessions(conn, source.name)
        conn.execute(drop)
        conn.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                sql.Identifier(name), sql.Identifier(source.name)
            )
        )
    copy = Database({**source.params, "dbname": name})
    try:
        with pointed_at(copy):
            _ensure_loaded()
        yield copy
    finally:
        connections.close_all()
        with admin.connect() as conn:
            conn.execute(drop)


def _end_other_sessions(conn, name: str, seconds: float = 10.0) -> None:
    """End the sessions earlier tests left on `name` (a live server's persistent
    connections, say; Django's health checks reconnect them), and wait until they are gone."""
    others = "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()"
    conn.execute(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
        "WHERE datname = %s AND pid <> pg_backend_pid()",
        [name],
    )
    deadline = time.monotonic() + seconds
    while conn.execute(others, [name]).fetchone()[0] and time.monotonic() < deadline:
        time.sleep(0.05)


def _ensure_loaded() -> None:
    """The bundled data, in case a transactional test emptied the test database before us."""
    from mapsite.zones import loader
    from mapsite.zones.models import Zone

    if not Zone.objects.exists():
        loader.load()


@contextlib.contextmanager
def pointed_at(db: Database) -> Iterator[None]:
    """Django's default connection (ORM, test client, commands) uses `db` for a while."""
    from django.db import connections

    connection = connections["default"]
    saved = connection.settings_dict["NAME"]
    connection.close()
    connection.settings_dict["NAME"] = db.name
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict["NAME"] = saved


def database_url(db: Database, host: str | None = None, port: int | None = None) -> str:
    """A DATABASE_URL for `db`, optionally through another host and port."""
    params = db.params
    user = urllib.parse.quote(params.get("user", ""), safe="")
    password = ":" + urllib.parse.quote(params["password"], safe="") if "password" in params else ""
    where = host or urllib.parse.quote(params.get("host", ""), safe="")
    return f"postgres://{user}{password}@{where}:{port or params.get('port', 5432)}/{db.name}"


def server_address(db: Database) -> str | tuple[str, int]:
    """The server's Unix socket path, or its host and port."""
    host, port = db.params.get("host", "localhost"), int(db.params.get("port", 5432))
    if host.startswith("/"):
        return str(Path(host) / f".s.PGSQL.{port}")
    return (host, port)


class Cable:
    """A TCP forwarder from a loopback port to the database server, to cut and mend.

    cut() closes the listening socket and every open connection, as a server that went
    away would; mend() listens again on the same port.
    """

    def __init__(self, target: str | tuple[str, int]):
        self.target = target
        with socket.socket() as probe:
            probe.bind((LOOPBACK, 0))
            self.port = probe.getsockname()[1]
        self.sockets: set[socket.socket] = set()
        self.lock = threading.Lock()
        self.listener: socket.socket | None = None

    def mend(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((LOOPBACK, self.port))
        listener.listen(64)
        listener.settimeout(0.1)
        self.listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def cut(self) -> None:
        listener, self.listener = self.listener, None
        if listener is not None:
            listener.close()
        with self.lock:
            doomed, self.sockets = self.sockets, set()
        for sock in doomed:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    def _accept(self, listener: socket.socket) -> None:
        while self.listener is listener:
            try:
                client, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            family = socket.AF_UNIX if isinstance(self.target, str) else socket.AF_INET
            server = socket.socket(family)
            server.connect(self.target)
            client.setblocking(True)
            with self.lock:
                self.sockets |= {client, server}
            for source, sink in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        for sock in (source, sink):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
