"""Forward an allowed request to the API's upstream (gateway/reverse_proxy.go).

``proxy.target_url`` + the request path (minus ``listen_path`` when
``strip_listen_path``), query string kept, hop-by-hop headers dropped (RFC 9110 §7.6.1),
``Host`` set to the upstream's, ``X-Forwarded-For`` appended. An unreachable upstream
answers 500 ``There was a problem proxying the request``.
"""

from __future__ import annotations

import asyncio
import logging
from urllib.parse import urlsplit

import httpx

from harness.gateway.apidef import ApiDefinition

log = logging.getLogger(__name__)

HOP_BY_HOP = frozenset({
    "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer",
    "transfer-encoding", "upgrade", "proxy-connection", "host", "content-length",
})
PROXY_FAILED = "There was a problem proxying the request"


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


class Proxy:
    """Holds one pooled httpx client per event loop."""

    def __init__(self, timeout: float = 30.0, verify: bool | str = True) -> None:
        self.timeout = timeout
        self.verify = verify
        self._clients: dict[int, httpx.AsyncClient] = {}

    def _client(self) -> httpx.AsyncClient:
        loop_id = id(asyncio.get_running_loop())
        client = self._clients.get(loop_id)
        if client is None or client.is_closed:
            limits = httpx.Limits(max_connections=200, max_keepalive_connections=64)
            client = httpx.AsyncClient(timeout=self.timeout, verify=self.verify, limits=limits)
            self._clients[loop_id] = client
        return client

    async def forward(
        self, api: ApiDefinition, method: str, path: str, query: str,
        headers: list[tuple[str, str]], body: bytes, client_ip: str | None,
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        url = upstream_url(api, path, query)
        out: list[tuple[str, str]] = []
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
            out.append((name, value))
        if client_ip:
            out.append(("X-Forwarded-For", f"{forwarded}, {client_ip}" if forwarded else client_ip))
        try:
            resp = await self._client().request(method, url, headers=out, content=body)
        except httpx.HTTPError as exc:
            log.warning("proxy to %s failed: %s", url, exc)
            raise ProxyFailed(f"{type(exc).__name__} calling {url}: {exc}") from None
        resp_headers = [(k, v) for k, v in resp.headers.multi_items() if k.lower() not in HOP_BY_HOP
                        and k.lower() != "content-encoding"]
        return resp.status_code, resp_headers, resp.content

    async def aclose(self) -> None:
        for client in list(self._clients.values()):
            await client.aclose()
        self._clients.clear()
