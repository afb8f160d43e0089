"""Response shapes of Keycloak 26.x and the request context every handler shares.

Keycloak answers errors in several shapes (observed 26.7.1):
* RFC 6749 §5.2 ``{"error", "error_description"}`` — token and registration endpoints;
* a bare ``{"error": "<prose>"}`` — unknown realm, 401 on the admin API, 415;
* ``{"errorMessage": "..."}`` — admin API conflicts and validation.
Bodies are compact JSON with members in Keycloak's (Jackson's) order.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from harness.products.keycloak.emulator.state import KeycloakState, Realm
from harness.products.keycloak.profile import KeycloakProfile

JSON = "application/json"
JSON_UTF8 = "application/json;charset=UTF-8"

#: Sent on (nearly) every Keycloak response (observed 26.7.1).
SECURITY_HEADERS: dict[str, str] = {
    "Referrer-Policy": "no-referrer",
    "Strict-Transport-Security": "max-age=31536000; includeSubDomains",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "SAMEORIGIN",
    "X-Robots-Tag": "none",
}


def dumps(body: Any) -> bytes:
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def json_response(
    body: Any, status: int = 200, *, content_type: str = JSON, headers: dict[str, str] | None = None
) -> Response:
    resp = Response(dumps(body), status_code=status, headers={**SECURITY_HEADERS, **(headers or {})})
    resp.headers["content-type"] = content_type
    return resp


def empty_response(status: int, headers: dict[str, str] | None = None) -> Response:
    return Response(b"", status_code=status, headers={**SECURITY_HEADERS, **(headers or {})})


def no_frame_options(resp: Response) -> Response:
    """DELETE answers of the admin API carry no ``X-Frame-Options`` (observed 26.7.3)."""
    del resp.headers["X-Frame-Options"]
    return resp


def oauth_error(status: int, error: str, description: str | None = None, *, headers: dict[str, str] | None = None) -> Response:
    """RFC 6749 §5.2 error body (``error_description`` omitted when None)."""
    body: dict[str, str] = {"error": error}
    if description is not None:
        body["error_description"] = description
    return json_response(body, status, headers=headers)


def bare_error(status: int, message: str) -> Response:
    """Keycloak's ``{"error": "<prose>"}`` shape."""
    return json_response({"error": message}, status)


def error_message(status: int, message: str) -> Response:
    """The admin API's ``{"errorMessage": "..."}`` shape."""
    return json_response({"errorMessage": message}, status)


def realm_not_found() -> Response:
    """Any ``/realms/{realm}/...`` path of an unknown realm (observed 26.7.1)."""
    return bare_error(404, "Realm does not exist")


def media_type(request: Request) -> str | None:
    """The request's media type, lower-cased, parameters dropped (None when absent)."""
    raw = request.headers.get("content-type")
    if raw is None or not raw.strip():
        return None
    return raw.split(";", 1)[0].strip().lower()


def consumes(request: Request, accepted: str) -> bool:
    """JAX-RS ``@Consumes`` matching: an absent header passes, wildcards match."""
    mt = media_type(request)
    if mt is None:
        return True
    top, _, sub = accepted.partition("/")
    rtop, _, rsub = mt.partition("/")
    return (rtop in (top, "*")) and (rsub in (sub, "*"))


def unsupported_media_type() -> Response:
    """RESTEasy's 415 for a ``@Consumes`` mismatch (observed 26.7.1)."""
    return bare_error(415, "The content-type header value did not match the value in @Consumes")


@dataclass
class Ctx:
    """What handlers share: the store, the profile and the URL layout."""

    state: KeycloakState
    profile: KeycloakProfile
    relative_path: str = ""

    def base_url(self, request: Request) -> str:
        """Keycloak derives its URLs from the request (dev mode, no fixed hostname)."""
        host = request.headers.get("host") or f"{request.url.hostname}:{request.url.port}"
        return f"{request.url.scheme}://{host}{self.relative_path}"

    def issuer(self, request: Request, realm: str) -> str:
        return f"{self.base_url(request)}/realms/{realm}"

    def realm(self, request: Request) -> Realm | None:
        return self.state.realm(request.path_params["realm"])


RealmHandler = Callable[[Ctx, Realm, Request], Awaitable[Response]]
Endpoint = Callable[[Request], Awaitable[Response]]


def realm_endpoint(handler: RealmHandler) -> Endpoint:
    """A ``/realms/{realm}/...`` endpoint: 404 ``Realm does not exist`` for an unknown
    realm, else ``handler(ctx, realm, request)``."""

    @functools.wraps(handler)
    async def endpoint(request: Request) -> Response:
        ctx: Ctx = request.app.state.ctx
        realm = ctx.realm(request)
        if realm is None:
            return realm_not_found()
        return await handler(ctx, realm, request)

    return endpoint
