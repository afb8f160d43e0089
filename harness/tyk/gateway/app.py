"""The gateway's ASGI app: ``/hello``, the ``/tyk/`` REST API, and every other path
routed by listen path through the middleware to the upstream."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Mount, Route

from harness.tyk.gateway.admin_api import admin_routes, go_json
from harness.tyk.gateway.decisions import error_body
from harness.tyk.gateway.jwt_middleware import RequestView
from harness.tyk.gateway.proxy import PROXY_FAILED, ProxyFailed

if TYPE_CHECKING:
    from harness.tyk.gateway.gateway import Gateway

ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]


def first_values_query(request: Request) -> dict[str, str]:
    """Go ``URL.Query().Get``: the first value of each parameter."""
    out: dict[str, str] = {}
    for k, v in request.query_params.multi_items():
        out.setdefault(k, v)
    return out


def first_values_cookies(header: str) -> dict[str, str]:
    """Go ``Request.Cookie``: the first cookie of each name; quotes around a value dropped."""
    out: dict[str, str] = {}
    for part in header.split(";"):
        name, sep, value = part.strip().partition("=")
        if not sep or not name:
            continue
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] == '"':
            value = value[1:-1]
        out.setdefault(name, value)
    return out


#: Characters that make Starlette's ``request.url`` differ from the raw scope values
#: (it escapes ?, # and \ in the path; urlsplit drops tab, CR and LF).
_URL_SPECIAL = frozenset("?#\\\t\r\n")


def path_and_query(request: Request) -> tuple[str, str]:
    """``request.url.path`` and ``request.url.query`` without building the URL object
    when the scope values are already what it would return (the common case)."""
    path: str = request.scope["path"]
    raw_query: bytes = request.scope.get("query_string", b"")
    if (path.startswith("/") and not path.startswith("//") and _URL_SPECIAL.isdisjoint(path)
            and raw_query.isascii() and not any(c in raw_query for c in b"#\t\r\n")):
        return path, raw_query.decode("ascii")
    url = request.url
    return url.path, url.query


def tyk_error(status: int, message: str) -> Response:
    return Response(error_body(message), status_code=status, media_type="application/json")


def _record_upstream(gw: Gateway, api: Any, method: str, path: str, query: str, status: int | None,
                     headers: Any, content: bytes, started: float, error: str | None = None) -> None:
    """Put the gateway → upstream hop into the world's transcript (sequence diagrams show
    the whole flow); nothing is recorded when the gateway runs without a transcript."""
    transcript = gw.transcript
    if transcript is None:
        return
    from harness.core.transcript import Exchange
    from harness.tyk.gateway.proxy import upstream_url

    r = transcript.redactor
    resp_headers = {k: v for k, v in headers if k.lower() in ("content-type", "cache-control")}
    ctype = resp_headers.get("content-type") or resp_headers.get("Content-Type")
    transcript.add(Exchange(
        actor="gateway", target="upstream", method=method, url=r.url(upstream_url(api, path, query)),
        request_headers={}, request_body=None, status=status, response_headers=r.headers(resp_headers),
        response_body=r.body(content[:4096], ctype) if content else None, error=error,
        elapsed_ms=(time.perf_counter() - started) * 1000.0,
    ))


def build_app(gw: Gateway) -> Starlette:
    async def hello(request: Request) -> Response:
        return go_json({"status": "pass", "version": "dcr-harness", "description": "Tyk GW", "details": {}})

    async def gateway_endpoint(request: Request) -> Response:
        path, query = path_and_query(request)
        api = gw.route(path)
        if api is None:
            return PlainTextResponse("404 page not found\n", status_code=404)
        # Only an API that reads the query (token or version) or cookies needs them parsed.
        wants_query = api.auth.use_param or api.version_location == "url-param"
        view = RequestView(
            headers=request.headers,
            query=first_values_query(request) if wants_query else {},
            cookies=first_values_cookies(request.headers.get("cookie", "")) if api.auth.use_cookie else {},
            path=path,
        )
        # Decide on the event loop (no thread hop: a verdict is CPU work of tens of µs);
        # only a verdict that must fetch a JWKS (blocking I/O) goes to a worker thread.
        decision = gw.try_decide(api, view)
        if decision is None:
            decision = await run_in_threadpool(gw.decide, api, view)
        if not decision.allowed:
            return tyk_error(decision.status, decision.message)
        body = await request.body()
        client_ip = request.client.host if request.client else None
        started = time.perf_counter()
        try:
            status, headers, content = await gw.proxy.forward(
                api, request.method, path, query, request.headers.items(), body, client_ip
            )
        except ProxyFailed as exc:
            decision.details["proxy_error"] = gw.redactor.error(exc)  # names the upstream URL (query included)
            _record_upstream(gw, api, request.method, path, query, None, [], b"", started, error=gw.redactor.error(exc))
            return tyk_error(500, PROXY_FAILED)
        _record_upstream(gw, api, request.method, path, query, status, headers, content, started)
        resp = Response(content, status_code=status)
        for name, value in headers:
            resp.headers.append(name, value)
        return resp

    routes = [
        Route("/hello", hello, methods=["GET"]),
        Mount("/tyk", routes=admin_routes(gw)),
        Route("/{path:path}", gateway_endpoint, methods=ALL_METHODS),
    ]
    return Starlette(routes=routes)
