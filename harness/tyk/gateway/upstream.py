"""An upstream echo service to put behind the gateway: it answers every request with
JSON describing what it received (method, path, query, headers, body)."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route


def create_echo_app() -> Starlette:
    async def echo(request: Request) -> JSONResponse:
        body = await request.body()
        return JSONResponse(
            {
                "method": request.method,
                "path": request.url.path,
                "query": request.url.query,
                "query_params": {k: v for k, v in request.query_params.multi_items()},
                "headers": {k: v for k, v in request.headers.items()},
                "body": body.decode("utf-8", "replace"),
            }
        )

    methods = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
    return Starlette(routes=[Route("/{path:path}", echo, methods=methods)])
