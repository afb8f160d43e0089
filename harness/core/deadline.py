"""One overall deadline per HTTP call: connect, headers and body together.

requests' ``timeout`` is per socket operation (requests docs, "Timeouts": "the read
timeout is the number of seconds the client will wait for the server to send a byte"),
so a server that sends one byte a second never times out. Here a watchdog timer shuts
the call's socket down when the call's deadline passes, whatever phase it is in: the
blocked ``recv`` returns, urllib3 raises, and :class:`DeadlineAdapter` turns that into
:class:`DeadlineExceeded` (a ``requests.Timeout``).

How the socket is found: the adapter's connection pools build
:class:`_WatchedHTTPConnection` / :class:`_WatchedHTTPSConnection`, which register
themselves with the deadline of the calling thread when they connect or send a request
(urllib3 2.x ``HTTPConnection.connect``/``request``). A pooled connection reused by a
later call is registered again by ``request``.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

#: Seconds an IdP call (portal → IdP, harness → IdP, gateway → JWKS) may take in all.
IDP_DEADLINE_S = 10.0


def idp_deadline() -> float:
    """:data:`IDP_DEADLINE_S`, read when a session is made (tests shorten it)."""
    return IDP_DEADLINE_S


def portal_deadline() -> float:
    """Seconds a call to the portal may take in all. A portal call can wait for up to two
    IdP calls (register, then delete again when the portal cannot store the client), so
    the outer deadline is longer than the inner ones: the inner call gives up first and
    its cause reaches the developer instead of a timeout of the outer call."""
    return 2 * IDP_DEADLINE_S + 5.0


class DeadlineExceeded(requests.exceptions.Timeout):
    """The whole call (connect, headers and body) did not finish within its deadline."""


class _Deadline:
    """A deadline shared by the connections one call uses; :meth:`fire` shuts them down."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.expires = time.monotonic() + seconds
        self.fired = False
        self._conns: list[HTTPConnection] = []
        self._lock = threading.Lock()

    def remaining(self) -> float:
        return max(0.001, self.expires - time.monotonic())

    def watch(self, conn: HTTPConnection) -> None:
        with self._lock:
            if conn not in self._conns:
                self._conns.append(conn)
            fired = self.fired
        if fired:
            _shutdown(conn)

    def fire(self) -> None:
        with self._lock:
            self.fired = True
            conns = list(self._conns)
        for conn in conns:
            _shutdown(conn)


def _shutdown(conn: HTTPConnection) -> None:
    sock = getattr(conn, "sock", None)
    if sock is None:
        return
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass  # already closed: nothing is blocked on it


_current = threading.local()


def _watch_current(conn: HTTPConnection) -> None:
    deadline: _Deadline | None = getattr(_current, "deadline", None)
    if deadline is not None:
        deadline.watch(conn)


class _WatchedHTTPConnection(HTTPConnection):
    def connect(self) -> None:
        _watch_current(self)
        super().connect()
        _watch_current(self)

    def request(self, *args: Any, **kwargs: Any) -> None:
        _watch_current(self)
        super().request(*args, **kwargs)


class _WatchedHTTPSConnection(HTTPSConnection):
    def connect(self) -> None:
        _watch_current(self)
        super().connect()
        _watch_current(self)

    def request(self, *args: Any, **kwargs: Any) -> None:
        _watch_current(self)
        super().request(*args, **kwargs)


class _WatchedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection


class _WatchedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


@contextmanager
def overall_deadline(seconds: float) -> Iterator[_Deadline]:
    """Within the block, every connection of this thread's calls through a
    :class:`DeadlineAdapter` is shut down when ``seconds`` have passed."""
    deadline = _Deadline(seconds)
    outer = getattr(_current, "deadline", None)
    _current.deadline = deadline
    timer = threading.Timer(seconds, deadline.fire)
    timer.daemon = True
    timer.start()
    try:
        yield deadline
    finally:
        timer.cancel()
        _current.deadline = outer


class DeadlineAdapter(HTTPAdapter):
    """An HTTPAdapter whose every call has one overall deadline (``deadline_s``)."""

    def __init__(self, deadline_s: float, **kwargs: Any) -> None:
        self.deadline_s = deadline_s
        super().__init__(**kwargs)

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _WatchedHTTPPool, "https": _WatchedHTTPSPool}

    def send(self, request: requests.PreparedRequest, stream: bool = False,
             timeout: None | float | tuple[float, float] | tuple[float, None] = None,
             verify: bool | str = True, cert: None | bytes | str | tuple[bytes | str, bytes | str] = None,
             proxies: Mapping[str, str] | None = None) -> requests.Response:
        # A call's own ``timeout`` (a number) is its whole deadline; otherwise the adapter's.
        seconds = float(timeout) if isinstance(timeout, (int, float)) else self.deadline_s
        with overall_deadline(seconds) as deadline:
            # Per-operation timeouts no longer than the whole deadline.
            per_op = (min(seconds, 10.0), seconds)
            try:
                resp = super().send(request, stream=stream, timeout=per_op, verify=verify, cert=cert, proxies=proxies)
                if not stream:
                    _ = resp.content  # the body is part of the deadline
            except requests.RequestException as exc:
                if deadline.fired:
                    raise DeadlineExceeded(
                        f"no complete answer within {_secs(seconds)} (connect, headers and body)",
                        request=request) from exc
                raise
            if deadline.fired:
                raise DeadlineExceeded(f"no complete answer within {_secs(seconds)} (connect, headers and body)",
                                       request=request)
        return resp


def _secs(seconds: float) -> str:
    return f"{seconds:g} s"


def mount_deadline(session: requests.Session, deadline_s: float) -> None:
    """Give every call of ``session`` one overall deadline of ``deadline_s`` seconds."""
    adapter = DeadlineAdapter(deadline_s)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
