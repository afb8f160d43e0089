"""Forward an allowed request to the API's upstream (gateway/reverse_proxy.go).

``proxy.target_url`` + the request path (minus ``listen_path`` when
``strip_listen_path``), query string kept, hop-by-hop headers dropped (RFC 9110 §7.6.1),
``Host`` set to the upstream's, ``X-Forwarded-For`` appended. An unreachable upstream
answers 500 ``There was a problem proxying the request``.

The upstream URL is normalised as httpx does it (percent-encoding, dot segments), then
sent over :mod:`harness.tyk.gateway.http1`: one pool of keep-alive connections per event
loop, shared by all requests (not one client per request).
"""

from __future__ import annotations

import asyncio
import logging
from functools import lru_cache
from urllib.parse import urlsplit

import httpx

from harness.core.redact import Redactor
from harness.tyk.gateway.apidef import ApiDefinition
from harness.tyk.gateway.http1 import Http1Pool, Origin, UpstreamError

log = logging.getLogger(__name__)

HOP_BY_HOP = frozenset({
    "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer",
    "transfer-encoding", "upgrade", "proxy-connection", "host", "content-length",
})
PROXY_FAILED = "There was a problem proxying the request"
#: RFC 9110 §8.6: a user agent sends Content-Length: 0 for these methods without a body
#: (httpx did the same).
_LENGTH_REQUIRED = frozenset({"POST", "PUT", "PATCH"})
_DEFAULT_PORTS = {"http": 80, "https": 443}


class ProxyFailed(Exception):
    """The upstream could not be reached; ``str()`` says why."""


def upstream_url(api: ApiDefinition, path: str, query: str) -> str:
    target = urlsplit(api.target_url)
    rest = path
    if api.strip_listen_path:
        lp = api.listen_path
        rest = path[len(lp):] if path.startswith(lp) else path[len(lp.rstrip("/")):]
        if not rest.startswith("/"):
            rest = "/" + rest
    base = target.path
    if base.endswith("/") and rest.startswith("/"):
        joined = base + rest[1:]
    elif not base.endswith("/") and not rest.startswith("/"):
        joined = base + "/" + rest
    else:
        joined = base + rest
    url = f"{target.scheme}://{target.netloc}{joined or '/'}"
    return f"{url}?{query}" if query else url


@lru_cache(maxsize=4096)
def split_url(url: str) -> tuple[Origin, bytes]:
    """The origin to connect to and the request target, exactly as httpx would send
    them (``httpx.URL``: percent-encoding, dot segments removed, fragment dropped).
    Raises ``httpx.InvalidURL`` like the httpx-based proxy did."""
    u = httpx.URL(url)
    if u.scheme not in _DEFAULT_PORTS:
        raise httpx.UnsupportedProtocol(f"Request URL has an unsupported protocol '{u.scheme}://'.")
    host = u.raw_host.decode("ascii")  # IDNA-encoded, no brackets around IPv6
    return Origin(u.scheme, host, u.port or _DEFAULT_PORTS[u.scheme], u.netloc), u.raw_path


def _latin1(text: str) -> bytes:
    return text.encode("latin-1")


class Proxy:
    """Holds one pooled upstream client per event loop."""

    def __init__(self, timeout: float = 30.0, verify: bool | str = True, redactor: Redactor | None = None) -> None:
        """``redactor``: the run's, for the failure log line (harness.core.redact)."""
        self.timeout = timeout
        self.verify = verify
        self.redactor = redactor if redactor is not None else Redactor()
        self._pools: dict[int, Http1Pool] = {}

    def _pool(self) -> Http1Pool:
        loop = asyncio.get_running_loop()
        pool = self._pools.get(id(loop))
        if pool is None or pool.closed or pool.loop is not loop:
            pool = Http1Pool(timeout=self.timeout, verify=self.verify)
            self._pools[id(loop)] = pool
        return pool

    async def forward(
        self, api: ApiDefinition, method: str, path: str, query: str,
        headers: list[tuple[str, str]], body: bytes, client_ip: str | None,
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        url = upstream_url(api, path, query)
        try:
            origin, target = split_url(url)
        except httpx.UnsupportedProtocol as exc:  # an httpx.HTTPError before: answered 500
            raise ProxyFailed(f"UnsupportedProtocol calling {url}: {exc}") from None
        parts = [_latin1(method), b" ", target, b" HTTP/1.1\r\nHost: ", origin.host_header, b"\r\n"]
        forwarded = None
        auth_header = (api.auth.auth_header_name or "Authorization").lower()
        for name, value in headers:
            lower = name.lower()
            if lower in HOP_BY_HOP:
                continue
            if api.strip_auth_data and lower == auth_header:
                continue
            if lower == "x-forwarded-for":
                forwarded = value
                continue
            parts += (_latin1(name), b": ", _latin1(value), b"\r\n")
        if client_ip:
            xff = f"{forwarded}, {client_ip}" if forwarded else client_ip
            parts += (b"X-Forwarded-For: ", _latin1(xff), b"\r\n")
        if body or method in _LENGTH_REQUIRED:
            parts += (b"Content-Length: ", str(len(body)).encode("ascii"), b"\r\n")
        parts += (b"\r\n", body)
        try:
            resp = await self._pool().request(origin, method, b"".join(parts))
        except UpstreamError as exc:
            log.warning("proxy to %s failed: %s", self.redactor.url(url), self.redactor.error(exc))
            raise ProxyFailed(f"{exc} (calling {url})") from None
        resp_headers = [(k, v) for k, v in resp.headers if k not in HOP_BY_HOP and k != "content-encoding"]
        return resp.status, resp_headers, resp.body

    async def aclose(self) -> None:
        current = asyncio.get_running_loop()
        for pool in list(self._pools.values()):
            if pool.loop is current:
                pool.close()
            elif not pool.loop.is_closed():
                try:
                    pool.loop.call_soon_threadsafe(pool.close)
                except RuntimeError:  # that loop closed meanwhile: its sockets went with it
                    pass
        self._pools.clear()
