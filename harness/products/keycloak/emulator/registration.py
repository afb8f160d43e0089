"""Client registration service ``/realms/{realm}/clients-registrations/openid-connect``.

RFC 7591 §3 (register) and RFC 7592 §2 (read, update, delete) as Keycloak 26.7.x
answers them (keycloak.md; src:OIDCClientRegistrationProvider, AbstractClientRegistration
Provider, ClientRegistrationAuth; observed 26.7.1). Keycloak sends no ``Cache-Control``
(``KeycloakProfile.registration_no_store_headers``) and no ``WWW-Authenticate``
(``registration_www_authenticate``) on this family; successes are
``application/json;charset=UTF-8``, refusals plain ``application/json``.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from harness.products.keycloak.emulator import minting, policies
from harness.products.keycloak.emulator.converter import (
    MetadataInvalid,
    RedirectUriInvalid,
    apply_metadata,
    check_metadata,
    requested_scopes,
    to_oidc,
    validate_redirect_uris,
)
from harness.products.keycloak.emulator.http import (
    Ctx,
    Endpoint,
    RealmHandler,
    bare_error,
    consumes,
    empty_response,
    json_response,
    oauth_error,
    realm_endpoint,
    unsupported_media_type,
)
from harness.products.keycloak.emulator.jsonbody import OIDC_CLIENT_FIELDS, BodyRejected, decode_representation
from harness.products.keycloak.emulator.regauth import (
    NOT_AUTHORIZED_UPDATE,
    NOT_AUTHORIZED_VIEW,
    Caller,
    RegError,
    authenticate,
    forbidden,
    policy_rejected,
    unauthorized,
)
from harness.products.keycloak.emulator.state import Client, Realm, new_secret
from harness.products.keycloak.profile import KeycloakProfile

PROVIDER = "openid-connect"
#: Providers Keycloak registers; only ``openid-connect`` is emulated.
KNOWN_PROVIDERS = frozenset({"openid-connect", "default", "install", "saml2-entity-descriptor"})


#: RFC 6749 §5.1 headers for a response holding credentials (RFC 7591 §3.2.1's example).
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def _success_headers(profile: KeycloakProfile, headers: dict[str, str] | None = None) -> dict[str, str]:
    """Headers of a client information response (register, read, update)."""
    return {**(headers or {}), **(NO_STORE if profile.registration_no_store_headers else {})}


def _check_metadata(meta: dict[str, Any]) -> None:
    """``ClientRegistrationPolicy`` metadata validation: any failure is one generic 400."""
    try:
        check_metadata(meta)
    except MetadataInvalid:
        raise RegError(400, "invalid_client_metadata", "Client metadata invalid") from None


def _needs_secret(client: Client) -> bool:
    """A confidential client authenticating with a shared secret gets one generated."""
    return client.authenticator in ("client-secret", "client-secret-jwt") and not client.public


async def _read_metadata(ctx: Ctx, request: Request) -> dict[str, Any]:
    """415 / 400 / 500 before anything else (keycloak.md: the body is checked first)."""
    if not consumes(request, "application/json"):
        raise BodyRejected(unsupported_media_type())
    raw = await request.body()
    return decode_representation(raw, "OIDCClientRepresentation", OIDC_CLIENT_FIELDS, strict=ctx.profile.rejects_unknown_metadata)


def _check_scope_policy(ctx: Ctx, client_scopes_before: set[str], scopes: list[str] | None) -> None:
    """"Allowed Client Scopes" policy: realm default and optional scopes only."""
    if scopes is None:
        return
    allowed = set(ctx.profile.default_client_scopes) | set(ctx.profile.optional_client_scopes)
    for scope in scopes:
        if scope not in allowed and scope not in client_scopes_before:
            raise policy_rejected("Allowed Client Scopes", "Not permitted to use specified clientScope")


def _require_create(ctx: Ctx, realm: Realm, caller: Caller, meta: dict[str, Any], sender: str) -> str:
    """``requireCreate`` then the registration policies; returns the registration auth."""
    now = ctx.state.now()
    if caller.kind == "bearer":
        if not caller.admin:
            raise forbidden()
        auth = "authenticated"
    elif caller.kind == "initial":
        model = caller.initial_access
        assert model is not None
        if model.remaining_count <= 0:
            raise unauthorized("No remaining count on initial access token")
        if not (model.expiration == 0 or model.timestamp + model.expiration > now):
            raise unauthorized("Expired initial access token")
        auth = "authenticated"
    else:
        auth = "anonymous"
    # the realm's policy components of this subtype (harness/products/keycloak/emulator/policies.py)
    with ctx.state.lock:
        count = len(realm.clients)
    for name, config in policies.policies(realm, auth, "max-clients"):
        limit = policies.max_clients(config)
        if count >= limit:
            raise policy_rejected(name, f"It's allowed to have max {limit} clients per realm")
    if not ctx.profile.anonymous_registration_allowed:
        uris = [u for u in (meta.get("redirect_uris") or []) if isinstance(u, str)]
        uris += [meta[k] for k in ("client_uri", "logo_uri", "policy_uri", "tos_uri", "jwks_uri")
                 if isinstance(meta.get(k), str)]
        for name, config in policies.policies(realm, auth, "trusted-hosts"):
            details = policies.trusted_hosts_rejection(config, sender, uris)
            if details is not None:
                raise policy_rejected(name, details)
    _check_scope_policy(ctx, set(), requested_scopes(meta))
    return auth


def _registration_uri(ctx: Ctx, request: Request, realm: Realm, client_id: str) -> str:
    return f"{ctx.issuer(request, realm.name)}/clients-registrations/{PROVIDER}/{client_id}"


def _issue_rat(ctx: Ctx, request: Request, realm: Realm, client: Client, auth: str) -> str:
    jti = str(uuid.uuid4())
    client.registration_token = jti
    client.attributes["registration_auth"] = auth
    return minting.registration_access_token(realm, jti, ctx.state.now(), ctx.issuer(request, realm.name), auth, ctx.profile)


def _endpoint(handler: RealmHandler) -> Endpoint:
    """Realm and provider lookup (404s first), then the handler with its refusals as responses."""

    @realm_endpoint
    @functools.wraps(handler)
    async def endpoint(ctx: Ctx, realm: Realm, request: Request) -> Response:
        if request.path_params["provider"] != PROVIDER:
            return _provider_not_found(request)
        try:
            return await handler(ctx, realm, request)
        except BodyRejected as rej:
            return rej.response
        except RedirectUriInvalid as inv:
            return oauth_error(400, "invalid_redirect_uri", inv.message)
        except RegError as err:
            return err.response(www_authenticate=ctx.profile.registration_www_authenticate)

    return endpoint


@_endpoint
async def register(ctx: Ctx, realm: Realm, request: Request) -> Response:
    """RFC 7591 §3.1: POST client metadata, 201 with the registered client. The body is
    judged before or after the caller as ``checks_body_before_auth`` says."""
    caller = None if ctx.profile.checks_body_before_auth else authenticate(ctx, realm, request)
    meta = await _read_metadata(ctx, request)
    if meta.get("client_id") is not None:
        raise RegError(400, "invalid_client_metadata", "Client Identifier included")
    _check_metadata(meta)
    if caller is None:
        caller = authenticate(ctx, realm, request)
    auth = _require_create(ctx, realm, caller, meta, request.client.host if request.client else "")
    client_uuid = str(uuid.uuid4())
    client = Client(
        id=client_uuid,
        client_id=client_uuid,
        default_scopes=list(ctx.profile.default_client_scopes),
        optional_scopes=list(ctx.profile.optional_client_scopes),
    )
    apply_metadata(client, meta, ctx.profile, create=True)
    validate_redirect_uris(client, ctx.profile)
    if policies.policies(realm, auth, "consent-required"):
        client.consent_required = True
    if policies.policies(realm, auth, "scope"):
        client.full_scope = False
    if _needs_secret(client):
        client.secret = new_secret()
    with ctx.state.lock:
        if caller.kind == "initial":
            model = caller.initial_access
            assert model is not None
            if model.remaining_count <= 0:  # lost a race with another registration
                raise unauthorized("No remaining count on initial access token")
            model.remaining_count -= 1
        rat = _issue_rat(ctx, request, realm, client, auth)
        ctx.state.add_client(realm, client)
    uri = _registration_uri(ctx, request, realm, client.client_id)
    body = to_oidc(client, ctx.profile, registration_uri=uri, registration_access_token=rat, issued_at=ctx.state.now())
    return json_response(
        body, ctx.profile.registration_status, content_type=ctx.profile.registration_success_content_type,
        headers=_success_headers(ctx.profile, {"Location": uri}),
    )


def _admin_or_holder(caller: Caller, client: Client | None) -> bool:
    """True for an administrator (403 if not admin, 404 if no client) or the client's current RAT."""
    if caller.kind == "bearer":
        if not caller.admin:
            raise forbidden()
        if client is None:
            raise RegError(404, "invalid_request", "Client not found")
        return True
    if caller.kind == "registration":
        assert caller.claims is not None
        return client is not None and client.registration_token is not None and client.registration_token == caller.claims.get("jti")
    return False


def _require_view(caller: Caller, client: Client | None) -> None:
    """``requireView``: administrators, or the holder of the client's current RAT."""
    if _admin_or_holder(caller, client):
        return
    if caller.kind == "initial":
        raise unauthorized("Not initial access token allowed")
    raise unauthorized(NOT_AUTHORIZED_VIEW)


def _require_update(caller: Caller, client: Client | None) -> None:
    """``requireUpdateAuth`` (PUT and DELETE)."""
    if _admin_or_holder(caller, client):
        return
    raise unauthorized(NOT_AUTHORIZED_UPDATE)


def _authorized_client(
    ctx: Ctx, realm: Realm, request: Request, require: Callable[[Caller, Client | None], None]
) -> tuple[Client, Caller]:
    """The ``{client_id}`` client and a caller ``require`` lets act on it (else RegError)."""
    with ctx.state.lock:
        client = realm.clients.get(request.path_params["client_id"])
    caller = authenticate(ctx, realm, request)
    require(caller, client)
    assert client is not None
    return client, caller


@_endpoint
async def read_client(ctx: Ctx, realm: Realm, request: Request) -> Response:
    """RFC 7592 §2.1: GET the client; a RAT caller gets the same token back."""
    client, caller = _authorized_client(ctx, realm, request, _require_view)
    rat = caller.token if caller.kind == "registration" else None
    uri = _registration_uri(ctx, request, realm, client.client_id)
    body = to_oidc(client, ctx.profile, registration_uri=uri, registration_access_token=rat)
    return json_response(body, 200, content_type=ctx.profile.registration_success_content_type,
                         headers=_success_headers(ctx.profile))


@_endpoint
async def update_client(ctx: Ctx, realm: Realm, request: Request) -> Response:
    """RFC 7592 §2.2: PUT the client; the body must name the client; the RAT rotates. The
    body is judged before or after the caller as ``checks_body_before_auth`` says."""
    authorized = None if ctx.profile.checks_body_before_auth else _authorized_client(ctx, realm, request, _require_update)
    meta = await _read_metadata(ctx, request)
    _check_metadata(meta)
    client, caller = authorized or _authorized_client(ctx, realm, request, _require_update)
    if meta.get("client_id") != client.client_id:
        raise RegError(400, "invalid_client_metadata", "Client Identifier modified")
    _check_scope_policy(ctx, set(client.default_scopes) | set(client.optional_scopes), requested_scopes(meta))
    with ctx.state.lock:
        updated = client.copy()
        apply_metadata(updated, meta, ctx.profile, create=False)
        validate_redirect_uris(updated, ctx.profile)
        if _needs_secret(updated) and updated.secret is None:
            updated.secret = new_secret()
        rat: str | None = None
        if caller.kind == "registration":
            if ctx.profile.rotate_rat_on_update:
                rat = _issue_rat(ctx, request, realm, updated, updated.attributes.get("registration_auth", "authenticated"))
            else:
                rat = caller.token
        client.__dict__.update(updated.__dict__)
        ctx.state.sync_service_account(realm, client)
    uri = _registration_uri(ctx, request, realm, client.client_id)
    body = to_oidc(client, ctx.profile, registration_uri=uri, registration_access_token=rat)
    return json_response(body, 200, content_type=ctx.profile.registration_success_content_type,
                         headers=_success_headers(ctx.profile))


@_endpoint
async def delete_client(ctx: Ctx, realm: Realm, request: Request) -> Response:
    """RFC 7592 §2.3: DELETE the client, 204; its tokens stop working."""
    client, _ = _authorized_client(ctx, realm, request, _require_update)
    ctx.state.remove_client(realm, client.client_id)
    return empty_response(204)


def _provider_not_found(request: Request) -> Response:
    if request.path_params["provider"] in KNOWN_PROVIDERS:
        return bare_error(404, "HTTP 404 Not Found")
    return bare_error(404, "Client registration provider not found")


def routes() -> list[Route]:
    base = "/realms/{realm}/clients-registrations/{provider}"
    return [
        Route(base, register, methods=["POST"]),
        Route(base + "/{client_id}", read_client, methods=["GET"]),
        Route(base + "/{client_id}", update_client, methods=["PUT"]),
        Route(base + "/{client_id}", delete_client, methods=["DELETE"]),
    ]
