"""Token endpoint ``/realms/{realm}/protocol/openid-connect/token`` (RFC 6749 §3.2).

Order of checks, as Keycloak's TokenEndpoint runs them: realm → content type →
``grant_type`` present (400 invalid_request) → grant known (400
unsupported_grant_type) → client authentication (RFC 6749 §2.3.1, ClientIdAndSecret
Authenticator) → duplicated parameters → the grant itself. Every JSON answer carries
``Cache-Control: no-store`` and ``Pragma: no-cache`` (RFC 6749 §5.1, observed 26.7.1).
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
from typing import Any
from urllib.parse import parse_qsl, unquote_plus

import requests
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from harness.jose.assertion import JWT_BEARER_ASSERTION, BadAssertion, check_client_assertion
from harness.jose.tokens import BadJwt, decode_unverified
from harness.products.keycloak.emulator import minting
from harness.products.keycloak.emulator.http import (
    Ctx,
    consumes,
    empty_response,
    json_response,
    media_type,
    realm_endpoint,
    unsupported_media_type,
)
from harness.products.keycloak.emulator.state import Client, Realm, Session, User

log = logging.getLogger(__name__)

NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}
INVALID_CLIENT_DESC = "Invalid client or Invalid client credentials"

#: Grant types Keycloak 26.7 registers an OAuth2GrantType provider for (the JWT bearer
#: grant only with ``KeycloakProfile.jwt_bearer_grant``).
KNOWN_GRANTS = frozenset(
    {
        "authorization_code",
        "client_credentials",
        "password",
        "refresh_token",
        "urn:ietf:params:oauth:grant-type:device_code",
        "urn:openid:params:grant-type:ciba",
        "urn:ietf:params:oauth:grant-type:token-exchange",
        "urn:ietf:params:oauth:grant-type:uma-ticket",
        "urn:ietf:params:oauth:grant-type:jwt-bearer",
    }
)


#: RFC 7523 §2.1.
JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"


class TokenError(Exception):
    """An answer of the token endpoint other than success."""

    def __init__(self, status: int, error: str | None, description: str | None = None, headers: dict[str, str] | None = None) -> None:
        super().__init__(error)
        self.status, self.error, self.description, self.headers = status, error, description, headers or {}

    def response(self) -> Response:
        if self.error is None:  # a bare challenge (401 + WWW-Authenticate, empty body)
            return empty_response(self.status, {**NO_STORE, **self.headers})
        body = {"error": self.error}
        if self.description is not None:
            body["error_description"] = self.description
        return json_response(body, self.status, headers={**NO_STORE, **self.headers})


def _parse_basic(header: str) -> tuple[str, str] | None:
    """``BasicAuthHelper.RFC6749.parseHeader``: form-urldecoded id and secret (RFC 6749 §2.3.1)."""
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "basic" or not value.strip():
        return None
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    if ":" not in decoded:
        return None
    user, _, secret = decoded.partition(":")
    return unquote_plus(user), unquote_plus(secret)


#: Keycloak's answer to a client assertion it cannot accept (observed 26.7.3:
#: ``400 invalid_client`` "Client authentication with signed JWT failed: Signature on JWT
#: token failed validation"; src: JWTClientAuthenticator).
JWT_AUTH_FAILED = "Client authentication with signed JWT failed: "


def _client_keys(client: Client) -> dict[str, Any]:
    """The client's JWK Set: ``jwks.string`` (registered by value) or fetched from its
    ``jwks_uri`` (Keycloak's ``use.jwks.url``)."""
    raw = client.attributes.get("jwks.string")
    if raw:
        doc = json.loads(raw)
        return doc if isinstance(doc, dict) else {}
    url = client.attributes.get("jwks_uri")
    if not url:
        return {}
    resp = requests.get(url, timeout=5)
    doc = resp.json() if resp.status_code == 200 else {}
    return doc if isinstance(doc, dict) else {}


def authenticate_assertion(ctx: Ctx, realm: Realm, request: Request, form: dict[str, list[str]]) -> Client:
    """``private_key_jwt`` (RFC 7523 §2.2): the client named by ``client_id`` or the
    assertion's ``sub``, registered with the ``client-jwt`` authenticator, and an
    assertion verified against its keys with audience the issuer or the token endpoint."""
    assertion = form["client_assertion"][0]
    try:
        _header, claims = decode_unverified(assertion)
    except ValueError:
        raise TokenError(400, "invalid_client", JWT_AUTH_FAILED + "Client authentication with signed JWT failed") from None
    client_id = form["client_id"][0] if "client_id" in form else str(claims.get("sub") or "")
    with ctx.state.lock:
        client = realm.clients.get(client_id)
    if client is None or not client.enabled or client.authenticator != "client-jwt":
        raise TokenError(400, "invalid_client", JWT_AUTH_FAILED + "Client not found or not allowed")
    issuer = ctx.issuer(request, realm.name)
    try:
        check_client_assertion(assertion, _client_keys(client),
                               audiences=(issuer, f"{issuer}/protocol/openid-connect/token"))
    except (BadAssertion, ValueError, requests.RequestException):
        raise TokenError(400, "invalid_client", JWT_AUTH_FAILED + "Signature on JWT token failed validation") from None
    return client


def authenticate_client(ctx: Ctx, realm: Realm, request: Request, form: dict[str, list[str]]) -> Client:
    """Client authentication with ``client_secret_basic``, ``client_secret_post`` or
    ``private_key_jwt`` (:func:`authenticate_assertion`); a refusal carries a challenge
    only as ``KeycloakProfile.client_auth_www_authenticate`` says."""
    try:
        return _authenticate_client(ctx, realm, request, form)
    except TokenError as err:
        if ctx.profile.client_auth_www_authenticate and err.status == 401 and err.error is not None:
            # RFC 6749 §5.2: the scheme the client used (Basic when it sent an Authorization header).
            err.headers.setdefault("WWW-Authenticate", f'Basic realm="{realm.name}"')
        raise


def _authenticate_client(ctx: Ctx, realm: Realm, request: Request, form: dict[str, list[str]]) -> Client:
    profile = ctx.profile
    if form.get("client_assertion_type", [""])[0] == JWT_BEARER_ASSERTION and "client_assertion" in form:
        return authenticate_assertion(ctx, realm, request, form)
    client_id: str | None = None
    secret: str | None = None
    header = request.headers.get("authorization")
    if header is not None:
        parsed = _parse_basic(header)
        if parsed is not None:
            client_id, secret = parsed
        elif "client_id" not in form:
            raise TokenError(401, None, headers={"WWW-Authenticate": f'Basic realm="{realm.name}"'})
    if "client_id" in form:
        client_id = form["client_id"][0]
    if "client_secret" in form:
        secret = form["client_secret"][0]
    if client_id is None:
        raise TokenError(400, "invalid_client", "Missing client_id parameter")
    with ctx.state.lock:
        client = realm.clients.get(client_id)
    if client is None or not client.enabled:
        raise TokenError(401, profile.unknown_client_error, INVALID_CLIENT_DESC)
    if client.public:
        return client
    if secret is None:
        raise TokenError(401, "unauthorized_client", INVALID_CLIENT_DESC)
    if profile.enforce_registered_secret_method:
        # Checked before the secret's value: a wrong secret sent the wrong way gets
        # this answer too (observed 26.7.3).
        registered = client.attributes.get("client.secret.authentication.allowed.method")
        used = "client_secret_post" if "client_secret" in form else "client_secret_basic"
        if registered and registered != used:
            raise TokenError(
                401,
                "unauthorized_client",
                f"Invalid method used to get client secret. Client requires method '{registered}' "
                "to obtain client secret from the request",
            )
    if client.authenticator != "client-secret" or client.secret is None or secret != client.secret:
        raise TokenError(401, profile.wrong_secret_error, INVALID_CLIENT_DESC)
    return client


def _requested_scopes(form: dict[str, list[str]]) -> list[str]:
    return [s for s in (form.get("scope", [""])[0] or "").split(" ") if s]


def _check_scopes(client: Client, form: dict[str, list[str]]) -> list[str]:
    """``TokenManager.isValidScope``: every requested scope must be the client's."""
    requested = _requested_scopes(form)
    allowed = set(client.default_scopes) | set(client.optional_scopes) | {"openid"}
    if any(s not in allowed for s in requested):
        raise TokenError(400, "invalid_scope", f"Invalid scopes: {form['scope'][0]}")
    return requested


def client_credentials(ctx: Ctx, realm: Realm, client: Client, request: Request, form: dict[str, list[str]]) -> Response:
    """RFC 6749 §4.4 with Keycloak's service-account rules (ClientCredentialsGrantType)."""
    if client.public:
        raise TokenError(401, "unauthorized_client", "Public client not allowed to retrieve service account")
    if not client.service_accounts:
        raise TokenError(401, "unauthorized_client", "Client not enabled to retrieve service account")
    requested = _check_scopes(client, form)
    with ctx.state.lock:
        user = realm.users.get(client.service_account_user_id or "")
    if user is None:
        raise TokenError(400, "invalid_request", "Service account user not found")
    lifespan = ctx.profile.realm_token_lifespan(realm.name)
    scope = minting.token_scope(client, requested)
    address = request.client.host if request.client else "127.0.0.1"
    token, _ = minting.service_account_token(
        realm, client, user, issuer=ctx.issuer(request, realm.name), now=ctx.state.now(),
        lifespan=lifespan, scope=scope, client_address=address, profile=ctx.profile,
    )
    body = {
        "access_token": token,
        "expires_in": lifespan,
        "refresh_expires_in": 0,
        "token_type": "Bearer",
        "not-before-policy": 0,
        "scope": scope,
    }
    return json_response(body, 200, headers=NO_STORE)


def password(ctx: Ctx, realm: Realm, client: Client, request: Request, form: dict[str, list[str]]) -> Response:
    """RFC 6749 §4.3 (used by the admin-cli login)."""
    if not client.direct_access:
        raise TokenError(400, "unauthorized_client", "Client not allowed for direct access grants")
    requested = _check_scopes(client, form)
    username = form.get("username", [""])[0]
    with ctx.state.lock:
        user = realm.user_by_name(username) if username else None
    if user is None or user.password is None or user.password != form.get("password", [None])[0]:
        raise TokenError(ctx.profile.wrong_password_status, "invalid_grant", "Invalid user credentials")
    session = ctx.state.open_session(realm, user, client.client_id)
    return _user_tokens(ctx, realm, client, user, session, request, requested)


def _user_tokens(
    ctx: Ctx, realm: Realm, client: Client, user: User, session: Session, request: Request, requested: list[str]
) -> Response:
    issuer = ctx.issuer(request, realm.name)
    now = ctx.state.now()
    lifespan = ctx.profile.realm_token_lifespan(realm.name)
    scope = minting.token_scope(client, requested)
    access = minting.user_access_token(
        realm, client, user, session, issuer=issuer, now=now, lifespan=lifespan, scope=scope, profile=ctx.profile
    )
    refresh = minting.refresh_token(
        realm, client, user, session, issuer=issuer, now=now, lifespan=ctx.profile.sso_session_idle, scope=scope, profile=ctx.profile
    )
    body = {
        "access_token": access,
        "expires_in": lifespan,
        "refresh_expires_in": ctx.profile.sso_session_idle,
        "refresh_token": refresh,
        "token_type": "Bearer",
        "not-before-policy": 0,
        "session_state": session.id,
        "scope": scope,
    }
    return json_response(body, 200, headers=NO_STORE)


def refresh(ctx: Ctx, realm: Realm, client: Client, request: Request, form: dict[str, list[str]]) -> Response:
    """RFC 6749 §6: a refresh token of this realm, client and a live session."""
    raw = form.get("refresh_token", [None])[0]
    if not raw:
        raise TokenError(400, "invalid_request", "No refresh token")  # observed 26.7.3
    try:
        claims = realm.keys.verify_internal(raw, ctx.profile.internal_token_alg)
    except BadJwt:
        raise TokenError(400, "invalid_grant", "Invalid refresh token") from None
    now = ctx.state.now()
    with ctx.state.lock:
        session = realm.sessions.get(str(claims.get("sid")))
        user = realm.users.get(str(claims.get("sub")))
    if (
        claims.get("typ") != minting.TYP_REFRESH
        or claims.get("iss") != ctx.issuer(request, realm.name)
        or int(claims.get("exp", 0)) < now
        or session is None
        or user is None
    ):
        raise TokenError(400, "invalid_grant", "Invalid refresh token")
    if claims.get("azp") != client.client_id:
        raise TokenError(400, "invalid_grant", "Invalid refresh token. Token client and authorized client don't match")
    return _user_tokens(ctx, realm, client, user, session, request, _requested_scopes(form))


def authorization_code(ctx: Ctx, realm: Realm, client: Client, request: Request, form: dict[str, list[str]]) -> Response:
    """RFC 6749 §4.1.3: the emulator issues no codes, so every code is invalid."""
    if not form.get("code", [""])[0]:
        raise TokenError(400, "invalid_request", "Missing parameter: code")
    raise TokenError(400, "invalid_grant", "Code not valid")


def token_exchange(ctx: Ctx, realm: Realm, client: Client, request: Request, form: dict[str, list[str]]) -> Response:
    """RFC 8693 standard token exchange: a client must opt in through its
    ``standard.token.exchange.enabled`` attribute (observed 26.7.3, public or confidential
    alike); the exchange itself is not emulated."""
    if client.attributes.get("standard.token.exchange.enabled") != "true":
        raise TokenError(400, "invalid_request", "Standard token exchange is not enabled for the requested client")
    if client.public:
        raise TokenError(400, "invalid_client", "Public client is not allowed to exchange token")
    for name in ("subject_token", "subject_token_type"):
        if not form.get(name, [""])[0]:
            raise TokenError(400, "invalid_request", f"Parameter '{name}' required for standard token exchange")
    try:
        claims = realm.keys.verify_access(form["subject_token"][0])
    except BadJwt:
        raise TokenError(400, "invalid_request", "Invalid token") from None
    if int(claims.get("exp", 0)) < ctx.state.now() or claims.get("iss") != ctx.issuer(request, realm.name):
        raise TokenError(400, "invalid_request", "Invalid token")
    aud = claims.get("aud")
    audiences = aud if isinstance(aud, list) else [aud]
    if client.client_id not in audiences:
        raise TokenError(403, "access_denied", "Client is not within the token audience")
    log.info("standard token exchange is validated but not performed by the emulator")
    raise TokenError(400, "unsupported_grant_type", "Unsupported grant_type")


GRANTS = {
    "urn:ietf:params:oauth:grant-type:token-exchange": token_exchange,
    "client_credentials": client_credentials,
    "password": password,
    "refresh_token": refresh,
    "authorization_code": authorization_code,
}


@realm_endpoint
async def token_endpoint(ctx: Ctx, realm: Realm, request: Request) -> Response:
    if not consumes(request, "application/x-www-form-urlencoded"):
        return unsupported_media_type()
    # Without a form content type Keycloak reads no form parameters at all.
    raw = (await request.body()).decode("utf-8", "replace") if media_type(request) is not None else ""
    form: dict[str, list[str]] = {}
    for key, value in parse_qsl(raw, keep_blank_values=True):
        form.setdefault(key, []).append(value)
    try:
        grant_type = form.get("grant_type", [None])[0]
        if not grant_type:
            raise TokenError(400, "invalid_request", "Missing form parameter: grant_type")
        if grant_type not in KNOWN_GRANTS or (grant_type == JWT_BEARER and not ctx.profile.jwt_bearer_grant):
            raise TokenError(400, "unsupported_grant_type", "Unsupported grant_type")
        client = authenticate_client(ctx, realm, request, form)
        if any(len(values) > 1 for values in form.values()):
            raise TokenError(400, "invalid_request", "duplicated parameter")
        handler = GRANTS.get(grant_type)
        if handler is None:
            log.info("grant %s is known to Keycloak but not emulated", grant_type)
            raise TokenError(400, "unsupported_grant_type", "Unsupported grant_type")
        return handler(ctx, realm, client, request, form)
    except TokenError as err:
        return err.response()


def routes() -> list[Route]:
    return [Route("/realms/{realm}/protocol/openid-connect/token", token_endpoint, methods=["POST"])]
