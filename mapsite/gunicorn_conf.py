"""gunicorn's settings for the site (`gunicorn -c python:mapsite.gunicorn_conf`):

- each worker builds its policy snapshot and point index before it takes a request;
- a connection with nothing left unread is closed at once (`close_unless_unread`).
"""

import functools
import logging
import socket

import gunicorn.util

logger = logging.getLogger(__name__)


def post_worker_init(worker) -> None:
    from django.db import DatabaseError

    from mapsite.zones import point_index

    try:
        point_index.prepare()
    except DatabaseError:
        # The database is down: the worker serves anyway (503s) and builds on first use.
        logger.warning("worker %s starts without its point index: database unavailable", worker)


def close_unless_unread(close_graceful):
    """gunicorn's graceful close (RFC 9112 9.6) half-closes a connection, then waits for the
    peer (nginx) to close it before the worker takes the next request, so that request bytes
    left unread cannot make the kernel reset the connection and cut the answer short. When
    nothing is left unread there is nothing to reset: the connection is closed at once, and
    the worker goes on; so it is when the peer has already closed its side after reading the
    answer (nginx, most of the time). Anything unread (a body the app did not read, a
    pipelined request), and any socket but a plain blocking one (TLS, or one with a timeout,
    where a peek cannot be asked without waiting), still takes gunicorn's way."""

    @functools.wraps(close_graceful)
    def close(sock, *args, **kwargs):
        if type(sock) is socket.socket and sock.gettimeout() is None:
            try:
                unread = sock.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT)
            except BlockingIOError:  # nothing to read: nothing for the kernel to reset
                unread = b""
            except OSError:
                unread = None
            # b"": nothing waiting, or the peer (nginx, once it has the whole answer) has
            # closed its side with nothing left unread: no reset to avoid, no one to wait on.
            if unread == b"":
                try:
                    sock.close()
                except OSError:
                    pass
                return None
        return close_graceful(sock, *args, **kwargs)

    close.unless_unread = True  # type: ignore[attr-defined]
    return close


if not getattr(gunicorn.util.close_graceful, "unless_unread", False):
    gunicorn.util.close_graceful = close_unless_unread(gunicorn.util.close_graceful)
