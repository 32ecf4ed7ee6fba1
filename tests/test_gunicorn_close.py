"""A connection with nothing left unread is closed at once; anything unread still takes
gunicorn's graceful close (mapsite/gunicorn_conf.py)."""

import importlib
import socket
import threading
import time

import gunicorn.util

from mapsite import gunicorn_conf

PEER_HOLDS_SECONDS = 1.0
ANSWER = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}"


def _close_with_a_slow_peer(unread: bytes, timeout: float | None = None) -> tuple[float, bytes]:
    """Close our end of a socket pair after answering; the peer first sends `unread` (bytes
    we never read), reads to the end, then waits before it closes. (seconds the close took,
    what the peer read)."""
    ours, peer = socket.socketpair()
    ours.settimeout(timeout)
    sent, got = threading.Event(), []

    def slow_peer():
        peer.sendall(unread)
        sent.set()
        while chunk := peer.recv(4096):
            got.append(chunk)
        time.sleep(PEER_HOLDS_SECONDS)
        peer.close()

    thread = threading.Thread(target=slow_peer)
    thread.start()
    sent.wait()
    ours.sendall(ANSWER)
    started = time.monotonic()
    gunicorn.util.close_graceful(ours)
    took = time.monotonic() - started
    thread.join()
    assert ours.fileno() == -1, "our end was not closed"
    return took, b"".join(got)


def test_the_config_puts_the_close_in_gunicorn_s_place_once():
    assert gunicorn.util.close_graceful.unless_unread
    original = gunicorn.util.close_graceful.__wrapped__
    assert not hasattr(original, "unless_unread")
    importlib.reload(gunicorn_conf)  # gunicorn may load its config more than once
    assert gunicorn.util.close_graceful.__wrapped__ is original


def test_with_nothing_unread_the_worker_does_not_wait_for_the_peer():
    took, read = _close_with_a_slow_peer(b"")
    assert read == ANSWER, "the peer did not get the whole answer"
    assert took < PEER_HOLDS_SECONDS / 2, f"waited {took:.2f} s for the peer"


def test_with_bytes_unread_gunicorn_s_graceful_close_drains_and_waits():
    took, read = _close_with_a_slow_peer(b"POST / HTTP/1.1\r\n\r\nleft unread")
    assert read == ANSWER
    assert took >= PEER_HOLDS_SECONDS * 0.8, f"closed after {took:.2f} s: it did not wait"


def test_a_socket_with_a_timeout_keeps_gunicorn_s_graceful_close():
    """A peek with MSG_DONTWAIT would still wait on such a socket (and a TLS socket takes no
    flags): those keep gunicorn's way."""
    took, read = _close_with_a_slow_peer(b"", timeout=5.0)
    assert read == ANSWER
    assert took >= PEER_HOLDS_SECONDS * 0.8, f"closed after {took:.2f} s: it did not wait"


def _closed_by(unread: bytes, peer_closes: bool) -> tuple[bool, bytes]:
    """(whether gunicorn's graceful close was called, what the peer read) for a connection
    whose peer sent `unread` and, with `peer_closes`, then closed its side."""
    calls = []

    def graceful(sock, *args, **kwargs):
        calls.append(sock)
        return gunicorn.util.close_graceful.__wrapped__(sock, *args, **kwargs)

    close = gunicorn_conf.close_unless_unread(graceful)
    ours, peer = socket.socketpair()
    peer.sendall(unread)
    if peer_closes:
        peer.shutdown(socket.SHUT_WR)
    ours.sendall(ANSWER)
    close(ours)
    read = b"".join(iter(lambda: peer.recv(4096), b""))
    peer.close()
    assert ours.fileno() == -1, "our end was not closed"
    return bool(calls), read


def test_a_peer_that_has_closed_with_nothing_unread_is_closed_at_once():
    """nginx most often closes its side as soon as it has the whole answer: nothing is left
    to read, so there is no reset to avoid and no need for the half-close and the wait."""
    graceful, read = _closed_by(b"", peer_closes=True)
    assert read == ANSWER
    assert not graceful, "gunicorn's graceful close was used for a peer that had closed"


def test_bytes_unread_before_the_peer_s_close_still_take_the_graceful_close():
    graceful, read = _closed_by(b"GET / HTTP/1.1\r\n\r\n", peer_closes=True)
    assert read == ANSWER
    assert graceful, "bytes left unread were closed on without gunicorn's graceful close"
