"""Server-rendered pages of the portal (issue #10): the Developer Portal
(``/portal/...``: sign-up, sign-in, "OAuth Clients" and its wizard) and the Dashboard
(``/dashboard/...``: APIs, policies, catalogue with DCR settings, portal settings,
developers), with the wording of the screens in the Tyk guides.

``harness.tyk.portal.app.create_app`` adds :func:`web_routes` and :func:`web_middleware`.
"""

from __future__ import annotations

import secrets

from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from harness.tyk.portal.service import PortalService
from harness.tyk.portal.web.dashboard import dashboard_pages
from harness.tyk.portal.web.developer import developer_pages
from harness.tyk.portal.web.render import asset, render
from harness.tyk.portal.web.session import RevealGrants, csrf_token, current_developer, is_admin, session_middleware

__all__ = ["web_routes", "web_middleware"]


def web_middleware(svc: PortalService) -> list[Middleware]:
    """The signed session cookie the pages need. The signing key is
    ``DashboardSettings.session_secret`` when set (an extra field: sessions then survive a
    restart), else random per process."""
    key = str(getattr(svc.settings, "session_secret", "") or "") or secrets.token_urlsafe(32)
    return [session_middleware(key)]


def web_routes(svc: PortalService) -> list[BaseRoute]:
    reveals = RevealGrants()

    async def index(request: Request) -> Response:
        return render("index.html", {"section": "home", "path": "/", "csrf": csrf_token(request),
                                     "developer": current_developer(svc, request),
                                     "is_admin": is_admin(svc, request), "flashes": []})

    async def css(request: Request) -> Response:
        return asset("portal.css", "text/css")

    async def js(request: Request) -> Response:
        return asset("portal.js.j2", "text/javascript")

    return [
        Route("/", index),
        Route("/assets/portal.css", css),
        Route("/assets/portal.js", js),
        *developer_pages(svc, reveals),
        *dashboard_pages(svc),
    ]
