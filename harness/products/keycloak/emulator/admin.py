"""The slice of Keycloak's admin REST API the harness drives: realms and client initial
access tokens. Every call needs a master-realm administrator's access token (the
admin-cli password grant); without one the answer is 401 ``{"error":"HTTP 401
Unauthorized"}`` before the realm is even looked up (observed 26.7.1).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from harness.products.keycloak.emulator import minting
from harness.products.keycloak.emulator.http import (
    JSON_UTF8,
    Ctx,
    bare_error,
    consumes,
    empty_response,
    error_message,
    json_response,
    no_frame_options,
    oauth_error,
    unsupported_media_type,
)
from harness.products.keycloak.emulator.jsonbody import BodyRejected, decode_representation
from harness.products.keycloak.emulator.regauth import RegError, verify_bearer
from harness.products.keycloak.emulator.state import Client, InitialAccess, Realm, RealmExists


def _authorized(ctx: Ctx, request: Request) -> bool:
    """A live master-realm admin session behind a valid Bearer access token."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return False
    master = ctx.state.realm("master")
    if master is None:
        return False
    try:
        claims = verify_bearer(ctx, master, token.strip(), ctx.issuer(request, "master"))
    except RegError:
        return False
    if claims.get("typ") != minting.TYP_BEARER:
        return False
    with ctx.state.lock:
        session = master.sessions.get(str(claims.get("sid")))
        user = master.users.get(session.user_id) if session else None
    return bool(user and user.admin)


Endpoint = Callable[[Request], Awaitable[Response]]


def _admin(handler: Callable[[Ctx, Request], Awaitable[Response]]) -> Endpoint:
    """401 ``HTTP 401 Unauthorized`` unless the caller is a master-realm administrator."""

    @functools.wraps(handler)
    async def endpoint(request: Request) -> Response:
        ctx: Ctx = request.app.state.ctx
        if not _authorized(ctx, request):
            return bare_error(401, "HTTP 401 Unauthorized")
        return await handler(ctx, request)

    return endpoint


def _admin_realm(handler: Callable[[Ctx, Realm, Request], Awaitable[Response]]) -> Endpoint:
    """:func:`_admin`, then 404 ``Realm not found.`` for an unknown ``{realm}``."""

    @_admin
    @functools.wraps(handler)
    async def endpoint(ctx: Ctx, request: Request) -> Response:
        realm = ctx.realm(request)
        if realm is None:
            return bare_error(404, "Realm not found.")
        return await handler(ctx, realm, request)

    return endpoint


async def _json_body(request: Request) -> Any | Response:
    if not consumes(request, "application/json"):
        return unsupported_media_type()
    raw = await request.body()
    try:
        return json.loads(raw.decode("utf-8")) if raw.strip() else None
    except (ValueError, UnicodeDecodeError):
        return oauth_error(400, "invalid_request", "Cannot parse the JSON")


async def _json_object(request: Request) -> dict[str, Any] | Response:
    """The body as a JSON object (an empty body or another JSON value reads as ``{}``, as
    Keycloak's Jackson binding of a representation leaves every field unset), or the
    error answer of :func:`_json_body`."""
    body = await _json_body(request)
    if isinstance(body, Response):
        return body
    return body if isinstance(body, dict) else {}


@_admin
async def create_realm(ctx: Ctx, request: Request) -> Response:
    """``POST /admin/realms`` with a RealmRepresentation → 201 + Location."""
    body = await _json_body(request)
    if isinstance(body, Response):
        return body
    if not isinstance(body, dict):
        return oauth_error(400, "unknown_error", "Cannot parse the JSON")
    name = body.get("realm")
    if not isinstance(name, str) or not name.strip():
        # inferred: Keycloak refuses a realm without a name
        return error_message(400, "Realm name cannot be empty")
    try:
        ctx.state.create_realm(name)
    except RealmExists:
        return error_message(409, "Conflict detected. See logs for details")
    return empty_response(201, {"Location": f"{ctx.base_url(request)}/admin/realms/{name}"})


@_admin_realm
async def get_realm(ctx: Ctx, realm: Realm, request: Request) -> Response:
    """``GET /admin/realms/{realm}``: a few members of the RealmRepresentation."""
    body = {
        "id": realm.id,
        "realm": realm.name,
        "notBefore": 0,
        "accessTokenLifespan": ctx.profile.realm_token_lifespan(realm.name),
        "ssoSessionIdleTimeout": ctx.profile.sso_session_idle,
        "enabled": True,
    }
    return json_response(body, content_type=JSON_UTF8)


@_admin_realm
async def delete_realm(ctx: Ctx, realm: Realm, request: Request) -> Response:
    if realm.name == "master":
        return error_message(400, "Can't delete master realm")  # inferred
    ctx.state.delete_realm(realm.name)
    return empty_response(204)


def _presentation(model: InitialAccess, token: str | None = None) -> dict[str, Any]:
    """ClientInitialAccessPresentation, members in Keycloak's order."""
    body: dict[str, Any] = {"id": model.id}
    if token is not None:
        body["token"] = token
    body.update(timestamp=model.timestamp, expiration=model.expiration, count=model.count, remainingCount=model.remaining_count)
    return body


@_admin_realm
async def create_initial_access(ctx: Ctx, realm: Realm, request: Request) -> Response:
    """``POST /admin/realms/{realm}/clients-initial-access`` {expiration, count}.

    The body is a ``ClientInitialAccessCreatePresentation`` read by Jackson (an empty
    body 500, an unknown member 400 with its position, a non-number 400), then
    ``ClientInitialAccessResource.create`` refuses negative values (observed 26.7.3)."""
    if not consumes(request, "application/json"):
        return unsupported_media_type()
    try:
        body = decode_representation(await request.body(), "ClientInitialAccessCreatePresentation",
                                     {"expiration": "int", "count": "int"})
    except BodyRejected as rej:
        return rej.response
    raw_expiration, raw_count = body.get("expiration"), body.get("count")
    try:
        expiration = 0 if raw_expiration is None else int(raw_expiration)
        count = 1 if raw_count is None else int(raw_count)
    except (TypeError, ValueError):
        return oauth_error(400, "unknown_error", "Cannot parse the JSON")
    if expiration < 0:
        return oauth_error(400, "Invalid value for expiration", "The expiration time interval cannot be less than 0")
    if count < 0:
        return oauth_error(400, "Invalid value for count", "The count cannot be less than 0")
    model = ctx.state.create_initial_access(realm, expiration, count)
    token = minting.initial_access_token(realm, model, ctx.issuer(request, realm.name), ctx.profile)
    location = f"{ctx.base_url(request)}/admin/realms/{realm.name}/clients-initial-access/{model.id}"
    return json_response(
        _presentation(model, token), ctx.profile.initial_access_status, content_type=JSON_UTF8, headers={"Location": location}
    )


@_admin_realm
async def list_initial_access(ctx: Ctx, realm: Realm, request: Request) -> Response:
    with ctx.state.lock:
        items = [_presentation(m) for m in realm.initial_access.values()]
    return json_response(items, content_type=JSON_UTF8)


@_admin_realm
async def delete_initial_access(ctx: Ctx, realm: Realm, request: Request) -> Response:
    with ctx.state.lock:
        realm.initial_access.pop(request.path_params["id"], None)
    return no_frame_options(empty_response(204))


def client_representation(client: Client) -> dict[str, Any]:
    """The slice of Keycloak's ``ClientRepresentation`` (admin REST API docs,
    "ClientRepresentation") the harness reads: what the IdP stored for a client."""
    return {
        "id": client.id,
        "clientId": client.client_id,
        "name": client.name,
        "enabled": client.enabled,
        "publicClient": client.public,
        "clientAuthenticatorType": client.authenticator,
        "standardFlowEnabled": client.standard_flow,
        "implicitFlowEnabled": client.implicit_flow,
        "directAccessGrantsEnabled": client.direct_access,
        "serviceAccountsEnabled": client.service_accounts,
        "redirectUris": list(client.redirect_uris),
        "attributes": dict(client.attributes),
    }


def routes() -> list[Route]:
    iat = "/admin/realms/{realm}/clients-initial-access"
    return [
        Route("/admin/realms", create_realm, methods=["POST"]),
        Route("/admin/realms/{realm}", get_realm, methods=["GET"]),
        Route("/admin/realms/{realm}", delete_realm, methods=["DELETE"]),
        Route(iat, create_initial_access, methods=["POST"]),
        Route(iat, list_initial_access, methods=["GET"]),
        Route(iat + "/{id}", delete_initial_access, methods=["DELETE"]),
    ]
