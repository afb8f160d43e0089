"""The emulated Keycloak as one Starlette ASGI app."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount

from harness.products.keycloak.emulator import admin, admin_rest, discovery, methods, registration, tokens
from harness.products.keycloak.emulator.http import Ctx, bare_error, json_response
from harness.products.keycloak.emulator.state import KeycloakState
from harness.products.keycloak.profile import KeycloakProfile


def normalize_relative_path(relative_path: str) -> str:
    """``"auth"``, ``"/auth/"`` → ``"/auth"``; ``"/"`` and ``""`` → ``""``."""
    path = relative_path.strip().strip("/")
    return f"/{path}" if path else ""


async def _not_found(request: Request, exc: Exception) -> Response:
    status = exc.status_code if isinstance(exc, HTTPException) else 404
    if status == 405:
        # JAX-RS answers a known path with the wrong method as a 404 (observed 26.7.1);
        # PATCH gets a real 405.
        if request.method == "PATCH":
            return bare_error(405, "HTTP 405 Method Not Allowed")
        return bare_error(404, "HTTP 404 Not Found")
    if status == 404:
        # Unmatched paths skip Keycloak's security-header filter (observed 26.7.1).
        resp = json_response({"error": "Unable to find matching target resource method"}, 404)
        for name in ("Referrer-Policy", "Strict-Transport-Security", "X-Content-Type-Options", "X-Frame-Options", "X-Robots-Tag"):
            del resp.headers[name]
        return resp
    return bare_error(status, f"HTTP {status}")


def create_app(state: KeycloakState, profile: KeycloakProfile | None = None, relative_path: str = "") -> Starlette:
    """An ASGI app serving ``state`` with ``profile``'s behaviour under ``relative_path``."""
    profile = profile or state.profile
    rel = normalize_relative_path(relative_path)
    inner: list[BaseRoute] = [*discovery.routes(), *tokens.routes(), *registration.routes(), *admin.routes(), *admin_rest.routes(), *methods.routes()]
    routes: list[BaseRoute] = [Mount(rel, routes=inner)] if rel else inner
    app = Starlette(routes=routes, exception_handlers={404: _not_found, 405: _not_found})
    app.state.ctx = Ctx(state=state, profile=profile, relative_path=rel)
    return app
