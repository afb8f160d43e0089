"""The portal as one ASGI app: Dashboard API + Developer Portal API (+ web pages when
``harness.tyk.portal.web`` is present)."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route

from harness.tyk.portal.api import admin_routes, developer_routes
from harness.tyk.portal.service import PortalService


def create_app(svc: PortalService) -> Starlette:
    async def hello(_request: object) -> JSONResponse:
        return JSONResponse({"status": "ok", "component": "portal"})

    routes: list[BaseRoute] = [Route("/hello", hello), *admin_routes(svc), *developer_routes(svc)]
    middleware: list[Middleware] = []
    try:
        from harness.tyk.portal.web import web_middleware, web_routes  # issue #10: server-rendered pages
    except ImportError:
        pass
    else:
        routes.extend(web_routes(svc))
        middleware.extend(web_middleware(svc))  # signed session cookie for the pages only
    app = Starlette(routes=routes, middleware=middleware)
    app.state.portal = svc
    return app
