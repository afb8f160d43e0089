"""A small pooled HTTP/1.1 client for the proxy (RFC 9112), on asyncio protocols.

Why not httpx: under the anchor's load (32 concurrent requests) httpcore's pool spends
most of the gateway's time choosing a connection (it polls every pooled socket for
every request), which held the gateway to ~230 req/s. This client keeps idle
keep-alive connections per origin (LIFO) and learns about a closed connection from
the event loop (``connection_lost``) instead of polling.

What it does, and what the proxy relied on httpx for:

* request: ``METHOD target HTTP/1.1``, ``Host`` first (the URL's host, with the port
  unless it is the scheme's default — RFC 9112 §3.2), the given headers in order,
  ``Content-Length`` when there is a body or the method is POST/PUT/PATCH
  (RFC 9110 §8.6); no other headers are added;
* response: 1xx interim responses skipped; the body framed by ``Transfer-Encoding:
  chunked``, ``Content-Length`` or the end of the connection (RFC 9112 §6.3); none for
  HEAD, 204 and 304; ``Content-Encoding`` gzip/deflate decoded as httpx did (other
  codings passed through);
* a connection is reused unless the answer says ``Connection: close``, is HTTP/1.0 or
  was delimited by the close; idle connections are dropped after ``keepalive_expiry``;
* a reused connection found closed before the request is written is replaced, and
  one that dies before any byte of the answer is retried once on a new connection for
  idempotent methods (RFC 9110 §9.2.2);
* ``timeout`` bounds the connect and each wait for upstream bytes (httpx's
  connect/read timeouts).

Every failure raises :class:`UpstreamError` (the proxy answers 500).
"""

from __future__ import annotations

import asyncio
import os
import re
import ssl
import zlib
from collections import deque
from typing import Any, NamedTuple

__all__ = ["Origin", "Http1Response", "Http1Pool", "UpstreamError"]

IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE"})
_HEAD_END = re.compile(rb"\r?\n\r?\n")
_TOKEN = re.compile(rb"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_STATUS_LINE = re.compile(rb"HTTP/1\.([01]) ([0-9]{3})(?: .*)?")
#: Bound on a response head, like h11's default max_incomplete_event_size.
MAX_HEAD = 16 * 1024


class UpstreamError(Exception):
    """The upstream could not be reached or answered something that is not HTTP/1.1."""


class _NotSent(UpstreamError):
    """The pooled connection was already closing: nothing was written, any method may retry."""


class Origin(NamedTuple):
    scheme: str
    host: str  # for connect(): no brackets around IPv6
    port: int
    host_header: bytes  # RFC 9112 §3.2: host[:port], the port only when not the default


class Http1Response(NamedTuple):
    status: int
    #: (lower-case name, value) pairs in the order received, values decoded as latin-1
    #: so they go back out byte for byte.
    headers: list[tuple[str, str]]
    body: bytes


def _decode_content(body: bytes, headers: list[tuple[str, str]]) -> bytes:
    """Undo ``Content-Encoding`` gzip/deflate (in reverse order of application)."""
    codings = [c.strip().lower() for n, v in headers if n == "content-encoding" for c in v.split(",")]
    for coding in reversed(codings):
        try:
            if coding in ("gzip", "x-gzip"):
                d = zlib.decompressobj(zlib.MAX_WBITS | 16)
                body = d.decompress(body) + d.flush()
            elif coding == "deflate":
                try:
                    d = zlib.decompressobj()
                    body = d.decompress(body) + d.flush()
                except zlib.error:  # raw deflate without the zlib wrapper
                    d = zlib.decompressobj(-zlib.MAX_WBITS)
                    body = d.decompress(body) + d.flush()
        except zlib.error as exc:
            raise UpstreamError(f"DecodingError: {coding} body does not decode: {exc}") from None
    return body


class _Connection(asyncio.Protocol):
    """One upstream connection; at most one request in flight."""

    def __init__(self, pool: Http1Pool, origin: Origin) -> None:
        self.pool = pool
        self.origin = origin
        self.loop = pool.loop
        self.transport: asyncio.Transport | None = None
        self.closed = False
        self.idle_since = 0.0
        self.waiter: asyncio.Future[Http1Response] | None = None
        self.buf = bytearray()
        self.received_any = False
        self._timer: asyncio.TimerHandle | None = None
        self._last_rx = 0.0
        self._reset()

    def _reset(self) -> None:
        self.method = ""
        self.status = 0
        self.version = 1
        self.headers: list[tuple[str, str]] = []
        self.mode = ""  # "", "length", "chunked", "close"
        self.remaining = 0
        self.body = bytearray()
        self.chunk_state = "size"
        self.keep_alive = True

    # -- asyncio.Protocol ----------------------------------------------------------------
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]  # asyncio hands the base class; it is a Transport here

    def data_received(self, data: bytes) -> None:
        self._last_rx = self.loop.time()
        if self.waiter is None or self.waiter.done():
            self._abort()  # bytes nobody asked for: the connection cannot be trusted
            return
        self.received_any = True
        self.buf += data
        try:
            self._parse()
        except UpstreamError as exc:
            self._fail(exc)

    def eof_received(self) -> bool | None:
        return None  # let the transport close; connection_lost finishes a read-until-close

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        self._cancel_timer()
        w = self.waiter
        if w is None or w.done():
            return
        if self.mode == "close":
            self.keep_alive = False
            self._finish()
            return
        why = f": {exc}" if exc else ""
        w.set_exception(UpstreamError(f"RemoteProtocolError: server disconnected without sending a complete response{why}"))

    # -- request ---------------------------------------------------------------------------
    def send(self, method: str, request: bytes) -> asyncio.Future[Http1Response]:
        if self.transport is None or self.transport.is_closing():
            self.closed = True
            raise _NotSent("RemoteProtocolError: the connection was closed before the request was sent")
        self._reset()
        self.method = method
        self.buf.clear()
        self.received_any = False
        self.waiter = self.loop.create_future()
        self._last_rx = self.loop.time()
        self._timer = self.loop.call_later(self.pool.timeout, self._check_timeout)
        self.transport.write(request)
        return self.waiter

    def _check_timeout(self) -> None:
        self._timer = None
        w = self.waiter
        if w is None or w.done():
            return
        idle = self.loop.time() - self._last_rx
        if idle < self.pool.timeout:
            self._timer = self.loop.call_later(self.pool.timeout - idle, self._check_timeout)
            return
        self._fail(UpstreamError(f"ReadTimeout: no answer from the upstream within {self.pool.timeout:g}s"))

    def _cancel_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _fail(self, exc: UpstreamError) -> None:
        self._cancel_timer()
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_exception(exc)
        self._abort()

    def _abort(self) -> None:
        self.closed = True
        if self.transport is not None:
            self.transport.abort()

    def close(self) -> None:
        self.closed = True
        if self.transport is not None:
            self.transport.close()

    # -- response parsing ---------------------------------------------------------------------
    def _parse(self) -> None:
        while not self.mode:  # the head (1xx interim answers are skipped)
            m = _HEAD_END.search(self.buf)
            if m is None:
                if len(self.buf) > MAX_HEAD:
                    raise UpstreamError("RemoteProtocolError: response head too long")
                return
            head = bytes(self.buf[: m.start()])
            del self.buf[: m.end()]
            if not self._head(head):
                continue
        if self.mode == "length":
            take = min(self.remaining, len(self.buf))
            self.body += self.buf[:take]
            del self.buf[:take]
            self.remaining -= take
            if self.remaining == 0:
                self._finish()
        elif self.mode == "chunked":
            self._chunks()
        elif self.mode == "close":
            self.body += self.buf
            self.buf.clear()

    def _head(self, head: bytes) -> bool:
        """Read a response head; False for a 1xx interim answer (RFC 9110 §15.2)."""
        lines = head.split(b"\n")
        m = _STATUS_LINE.fullmatch(lines[0].rstrip(b"\r"))
        if m is None:
            raise UpstreamError(f"RemoteProtocolError: bad status line {lines[0][:80]!r}")
        status = int(m.group(2))
        headers: list[tuple[str, str]] = []
        for raw in lines[1:]:
            line = raw.rstrip(b"\r")
            if line[:1] in (b" ", b"\t"):  # obs-fold (RFC 9112 §5.2): join to the previous value
                if not headers:
                    raise UpstreamError("RemoteProtocolError: continuation line before any header")
                prev_name, prev_value = headers[-1]
                headers[-1] = (prev_name, prev_value + " " + line.strip(b" \t").decode("latin-1"))
                continue
            raw_name, sep, raw_value = line.partition(b":")
            if not sep or not _TOKEN.fullmatch(raw_name):
                raise UpstreamError(f"RemoteProtocolError: malformed header line {line[:80]!r}")
            headers.append((raw_name.decode("ascii").lower(), raw_value.strip(b" \t").decode("latin-1")))
        if 100 <= status < 200:
            if status == 101:
                raise UpstreamError("RemoteProtocolError: the upstream switched protocols")
            return False
        self.status, self.version, self.headers = status, int(m.group(1)), headers
        connection = [t.strip().lower() for n, v in headers if n == "connection" for t in v.split(",")]
        self.keep_alive = self.version == 1 and "close" not in connection
        te = [t.strip().lower() for n, v in headers if n == "transfer-encoding" for t in v.split(",")]
        lengths = {v.strip() for n, v in headers if n == "content-length"}
        if self.method == "HEAD" or status in (204, 304):
            self.mode, self.remaining = "length", 0
        elif te:
            if te[-1] != "chunked":
                raise UpstreamError(f"RemoteProtocolError: unsupported Transfer-Encoding {te!r}")
            self.mode = "chunked"
        elif lengths:
            if len(lengths) != 1 or not next(iter(lengths)).isdigit():
                raise UpstreamError(f"RemoteProtocolError: bad Content-Length {sorted(lengths)!r}")
            self.mode, self.remaining = "length", int(next(iter(lengths)))
        else:
            self.mode, self.keep_alive = "close", False
        return True

    def _chunks(self) -> None:
        while True:
            if self.chunk_state == "size":
                end = self.buf.find(b"\n")
                if end < 0:
                    if len(self.buf) > MAX_HEAD:
                        raise UpstreamError("RemoteProtocolError: chunk size line too long")
                    return
                line = bytes(self.buf[:end]).rstrip(b"\r").split(b";", 1)[0].strip()
                del self.buf[: end + 1]
                try:
                    size = int(line, 16)
                except ValueError:
                    raise UpstreamError(f"RemoteProtocolError: bad chunk size {line[:20]!r}") from None
                if size < 0:
                    raise UpstreamError("RemoteProtocolError: negative chunk size")
                if size == 0:
                    self.chunk_state = "trailer"
                else:
                    self.chunk_state, self.remaining = "data", size
            elif self.chunk_state == "data":
                if len(self.buf) < self.remaining + 1:
                    return
                self.body += self.buf[: self.remaining]
                rest = self.buf[self.remaining: self.remaining + 2]
                if rest[:1] == b"\n":
                    del self.buf[: self.remaining + 1]
                elif rest == b"\r\n":
                    del self.buf[: self.remaining + 2]
                elif len(rest) < 2:
                    return
                else:
                    raise UpstreamError("RemoteProtocolError: chunk not followed by CRLF")
                self.chunk_state = "size"
            else:  # trailer section: lines until an empty one
                end = self.buf.find(b"\n")
                if end < 0:
                    return
                line = bytes(self.buf[:end]).rstrip(b"\r")
                del self.buf[: end + 1]
                if not line:
                    self._finish()
                    return

    def _finish(self) -> None:
        self._cancel_timer()
        w = self.waiter
        if self.buf:  # bytes after the answer: do not reuse this connection
            self.keep_alive = False
        result = Http1Response(self.status, self.headers, bytes(self.body))
        if w is not None and not w.done():
            w.set_result(result)


class Http1Pool:
    """Keep-alive connections per origin, bound to the event loop that created it."""

    def __init__(
        self,
        *,
        timeout: float = 30.0,
        verify: bool | str = True,
        max_connections: int = 200,
        max_idle_per_origin: int = 64,
        keepalive_expiry: float = 5.0,
    ) -> None:
        self.loop = asyncio.get_running_loop()
        self.timeout = timeout
        self.verify = verify
        self.max_idle_per_origin = max_idle_per_origin
        self.keepalive_expiry = keepalive_expiry
        self._idle: dict[Origin, deque[_Connection]] = {}
        self._slots = asyncio.Semaphore(max_connections)
        self._ssl: ssl.SSLContext | None = None
        self.closed = False

    def _ssl_context(self) -> ssl.SSLContext:
        if self._ssl is None:
            if self.verify is False:
                ctx = ssl.create_default_context()
                ctx.check_hostname = False
                ctx.verify_mode = ssl.CERT_NONE
            elif isinstance(self.verify, str):
                if os.path.isdir(self.verify):
                    ctx = ssl.create_default_context(capath=self.verify)
                else:
                    ctx = ssl.create_default_context(cafile=self.verify)
            else:
                try:  # httpx verified against certifi's bundle; keep that when available
                    import certifi

                    ctx = ssl.create_default_context(cafile=certifi.where())
                except ImportError:
                    ctx = ssl.create_default_context()
            self._ssl = ctx
        return self._ssl

    def _checkout(self, origin: Origin) -> _Connection | None:
        idle = self._idle.get(origin)
        now = self.loop.time()
        while idle:
            conn = idle.pop()
            if conn.closed:
                continue
            if now - conn.idle_since > self.keepalive_expiry:
                conn.close()
                continue
            return conn
        return None

    def _checkin(self, conn: _Connection) -> None:
        if conn.closed or not conn.keep_alive or self.closed:
            conn.close()
            return
        idle = self._idle.setdefault(conn.origin, deque())
        if len(idle) >= self.max_idle_per_origin:
            conn.close()
            return
        conn.waiter = None
        conn.idle_since = self.loop.time()
        idle.append(conn)

    async def _connect(self, origin: Origin) -> _Connection:
        conn = _Connection(self, origin)
        kwargs: dict[str, Any] = {}
        if origin.scheme == "https":
            kwargs = {"ssl": self._ssl_context(), "server_hostname": origin.host}
        try:
            async with asyncio.timeout(self.timeout):
                await self.loop.create_connection(lambda: conn, origin.host, origin.port, **kwargs)
        except TimeoutError:
            raise UpstreamError(f"ConnectTimeout: no connection to {origin.host}:{origin.port} "
                                f"within {self.timeout:g}s") from None
        except (OSError, ssl.SSLError) as exc:
            raise UpstreamError(f"ConnectError: {origin.host}:{origin.port}: {exc}") from None
        return conn  # asyncio and uvloop set TCP_NODELAY on TCP connections themselves

    async def request(self, origin: Origin, method: str, request: bytes) -> Http1Response:
        """Send one serialised request (head and body) and read the whole answer."""
        if self.closed:
            raise UpstreamError("the upstream client is closed")
        async with self._slots:
            conn = self._checkout(origin)
            reused = conn is not None
            for attempt in (0, 1):
                if conn is None:
                    conn = await self._connect(origin)
                try:
                    response = await conn.send(method, request)
                except UpstreamError as exc:
                    conn.close()
                    stale = reused and (isinstance(exc, _NotSent) or
                                        (not conn.received_any and method in IDEMPOTENT))
                    if attempt == 0 and stale:
                        conn, reused = None, False  # stale keep-alive connection: retry once
                        continue
                    raise
                except BaseException:  # cancelled: the connection is in an unknown state
                    conn._abort()
                    raise
                self._checkin(conn)
                return response._replace(body=_decode_content(response.body, response.headers))
        raise AssertionError("unreachable")

    def close(self) -> None:
        """Close the idle connections; call on this pool's loop."""
        self.closed = True
        for idle in self._idle.values():
            for conn in idle:
                conn.close()
        self._idle.clear()
