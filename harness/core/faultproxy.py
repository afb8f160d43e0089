"""A small HTTP proxy that injects network faults between the harness and a server.

Each :class:`Rule` matches requests by method and path (a regular expression searched
in the path) and applies its :class:`Fault` to the first ``times`` matches; everything
else is forwarded unchanged, with the client's ``Host`` header kept, so a server that
derives its URLs from the request (Keycloak in dev mode; our emulators) names the proxy
in its answers and every later call goes through the proxy too.

Faults (what a flaky network or server does to one call):

- ``drop``: close the connection before the server sees the request;
- ``error``: answer ``500`` without forwarding;
- ``hang``: never answer (until ``seconds`` pass or the proxy stops), then close;
- ``drip``: forward, then send the answer one byte every ``seconds``;
- ``lost``: forward (the server acts), then close without answering;
- ``pause``: wait ``seconds``, then forward normally.
"""

from __future__ import annotations

import enum
import http.client
import re
import socket
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from urllib.parse import urlsplit


class Fault(enum.Enum):
    DROP = "drop"
    ERROR = "error"
    HANG = "hang"
    DRIP = "drip"
    LOST = "lost"
    PAUSE = "pause"


@dataclass
class Rule:
    method: str
    path: str
    fault: Fault
    times: int = 1
    seconds: float = 1.0
    #: Matching requests let through before the fault applies (e.g. 1: the second call).
    skip: int = 0
    hits: int = field(default=0, init=False)
    seen: int = field(default=0, init=False)

    def matches(self, method: str, path: str) -> bool:
        """Count a matching request; True when the fault applies to it."""
        if method.upper() != self.method.upper() or re.search(self.path, path) is None:
            return False
        self.seen += 1
        return self.seen > self.skip and self.hits < self.times


_HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade",
               "proxy-authorization", "proxy-authenticate", "content-length"}


class FaultProxy:
    """``FaultProxy(upstream).start()``; :attr:`url` replaces the upstream's scheme and
    host (the path prefix stays the caller's). Plain HTTP upstreams only."""

    def __init__(self, upstream: str, *, host: str = "127.0.0.1", port: int = 0) -> None:
        parts = urlsplit(upstream)
        if parts.scheme != "http" or not parts.hostname:
            raise ValueError(f"the fault proxy forwards to plain http:// servers, not {upstream!r}")
        self.upstream_host = parts.hostname
        self.upstream_port = parts.port or 80
        self.rules: list[Rule] = []
        self.applied: list[tuple[str, str, Fault]] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002  # stdlib's name
                return  # quiet: the transcript records the exchanges

            def _any(self) -> None:
                proxy._handle(self)

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = _any

        self._server = ThreadingHTTPServer((host, port), Handler)
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def add(self, method: str, path: str, fault: Fault | str, *, times: int = 1, seconds: float = 1.0,
            skip: int = 0) -> Rule:
        rule = Rule(method, path, Fault(fault), times=times, seconds=seconds, skip=skip)
        with self._lock:
            self.rules.append(rule)
        return rule

    def clear(self) -> None:
        with self._lock:
            self.rules.clear()

    def start(self) -> FaultProxy:
        self._thread = threading.Thread(target=self._server.serve_forever, name="fault-proxy", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> FaultProxy:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    # ---- one request ------------------------------------------------------------------
    def _rule_for(self, method: str, path: str) -> Rule | None:
        with self._lock:
            for rule in self.rules:
                if rule.matches(method, path):
                    rule.hits += 1
                    self.applied.append((method, path, rule.fault))
                    return rule
        return None

    def _handle(self, h: BaseHTTPRequestHandler) -> None:
        h.close_connection = True
        length = int(h.headers.get("Content-Length") or 0)
        body = h.rfile.read(length) if length else b""
        rule = self._rule_for(h.command, urlsplit(h.path).path)
        fault = rule.fault if rule else None
        if fault is Fault.DROP:
            _abort(h)
            return
        if fault is Fault.ERROR:
            payload = b'{"error":"server_error","error_description":"fault injected by the harness"}'
            h.send_response(500)
            h.send_header("Content-Type", "application/json")
            h.send_header("Content-Length", str(len(payload)))
            h.end_headers()
            h.wfile.write(payload)
            return
        if fault is Fault.HANG:
            assert rule is not None
            self._stopping.wait(rule.seconds)
            _abort(h)
            return
        if fault is Fault.PAUSE:
            assert rule is not None
            self._stopping.wait(rule.seconds)
        status, reason, headers, answer = self._forward(h, body)
        if fault is Fault.LOST:
            _abort(h)
            return
        raw = f"HTTP/1.1 {status} {reason}\r\n".encode("latin-1")
        for k, v in headers:
            if k.lower() not in _HOP_BY_HOP:
                raw += f"{k}: {v}\r\n".encode("latin-1")
        raw += f"Content-Length: {len(answer)}\r\nConnection: close\r\n\r\n".encode("latin-1") + answer
        try:
            if fault is Fault.DRIP:
                assert rule is not None
                for i in range(len(raw)):
                    if self._stopping.wait(rule.seconds):
                        break
                    h.wfile.write(raw[i:i + 1])
                    h.wfile.flush()
            else:
                h.wfile.write(raw)
        except OSError:
            pass  # the client gave up (its deadline): that is what a drip tests

    def _forward(self, h: BaseHTTPRequestHandler, body: bytes) -> tuple[int, str, list[tuple[str, str]], bytes]:
        conn = http.client.HTTPConnection(self.upstream_host, self.upstream_port, timeout=60)
        try:
            headers = {k: v for k, v in h.headers.items() if k.lower() not in _HOP_BY_HOP}
            if body:
                headers["Content-Length"] = str(len(body))
            conn.request(h.command, h.path, body=body or None, headers=headers)
            resp = conn.getresponse()
            return resp.status, resp.reason, resp.getheaders(), resp.read()
        finally:
            conn.close()


def _abort(h: BaseHTTPRequestHandler) -> None:
    """Close the client's connection at once, without an answer."""
    try:
        h.connection.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
