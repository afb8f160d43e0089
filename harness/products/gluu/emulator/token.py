"""``/oxauth/restv1/token``: the client_credentials grant (RFC 6749 §4.4) as oxAuth 4.x
answers it — client authentication by src:AuthenticationFilter first (strictly the
registered method, 401 with ``WWW-Authenticate: Basic realm="oxAuth"``), then
src:TokenRestWebServiceImpl; JWT access tokens per src:AuthorizationGrant.createAccessTokenAsJwt.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
import logging
import uuid
from typing import Any
from urllib.parse import parse_qsl, unquote

import requests
from jwcrypto import jwk
from starlette.requests import Request
from starlette.responses import Response

from harness.jose import sign
from harness.jose.assertion import JWT_BEARER_ASSERTION, BadAssertion, check_client_assertion
from harness.jose.tokens import decode_unverified
from harness.products.gluu.emulator.errors import NO_STORE_HEADERS, TOKEN_ERRORS, error_body, java_json
from harness.products.gluu.emulator.state import GluuClient, GluuState

log = logging.getLogger(__name__)

#: Grant types oxAuth's GrantType.fromString knows; anything else is an unknown grant.
KNOWN_GRANTS = frozenset(
    {
        "authorization_code", "implicit", "password", "client_credentials", "refresh_token",
        "urn:ietf:params:oauth:grant-type:uma-ticket", "urn:openid:params:grant-type:ciba",
        "urn:ietf:params:oauth:grant-type:device_code",
    }
)


def _form(body: bytes) -> dict[str, str]:
    """``application/x-www-form-urlencoded`` parameters (first value of each)."""
    out: dict[str, str] = {}
    for key, value in parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True):
        out.setdefault(key, value)
    return out


def _unauthorized(state: GluuState) -> Response:
    """src:AuthenticationFilter.sendError: 401, Basic challenge, invalid_client."""
    body = error_body(TOKEN_ERRORS, "invalid_client", "Unable to authenticate client.",
                      reason_enabled=state.config.error_reason_enabled)
    return Response(
        java_json(body),
        status_code=401,
        headers={"WWW-Authenticate": f'Basic realm="{state.profile.invalid_client_realm}"'},
        media_type="application/json;charset=UTF-8",
    )


def _error(state: GluuState, status: int, error: str, reason: str) -> Response:
    body = error_body(TOKEN_ERRORS, error, reason, reason_enabled=state.config.error_reason_enabled)
    return Response(java_json(body), status_code=status, headers=NO_STORE_HEADERS, media_type="application/json")


def _secret_ok(client: GluuClient, secret: str) -> bool:
    return hmac.compare_digest(client.client_secret.encode(), secret.encode())


def _assertion_client(state: GluuState, form: dict[str, str]) -> GluuClient | None:
    """``private_key_jwt`` (RFC 7523 §2.2; oxAuth ClientAuthentication with a
    ``client_assertion``): the client registered for it, an assertion that verifies with
    its ``jwks`` or ``jwks_uri`` keys, audience the token endpoint or the issuer."""
    if form.get("client_assertion_type") != JWT_BEARER_ASSERTION:
        return None
    assertion = form.get("client_assertion", "")
    try:
        _header, claims = decode_unverified(assertion)
    except ValueError:
        return None
    client = state.clients.get(form.get("client_id") or str(claims.get("sub") or ""))
    if client is None or client.auth_method != "private_key_jwt":
        return None
    keys = client.metadata.get("jwks")
    try:
        if not isinstance(keys, dict) and client.metadata.get("jwks_uri"):
            keys = requests.get(str(client.metadata["jwks_uri"]), timeout=5).json()
        check_client_assertion(assertion, keys if isinstance(keys, dict) else {},
                               audiences=(state.endpoint("token"), state.issuer))
    except (BadAssertion, ValueError, requests.RequestException) as exc:
        log.debug("client assertion of %s refused: %s", client.client_id, exc)
        return None
    return client


def authenticate(state: GluuState, request: Request, form: dict[str, str]) -> GluuClient | None:
    """Which client the filter lets through, or None (→ 401)."""
    strict = state.profile.strict_auth_method
    header = request.headers.get("authorization", "")
    if form.get("client_assertion") is not None:
        return _assertion_client(state, form)
    if header[:7].lower() == "bearer ":
        return None  # access-token client authentication is not modelled
    if header[:6].lower() == "basic ":
        try:
            decoded = base64.b64decode(header[6:].strip(), validate=False).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return None
        if ":" not in decoded:
            return None
        user, _, password = decoded.partition(":")
        # oxAuth #677: URL-decode username and password
        client = state.clients.get(unquote(user))
        if client is None:
            return None
        if strict and client.auth_method != "client_secret_basic":
            log.debug("client %s is registered for %s, not Basic", client.client_id, client.auth_method)
            return None
        return client if _secret_ok(client, unquote(password)) else None
    client_id, secret = form.get("client_id", ""), form.get("client_secret", "")
    if client_id and secret:
        client = state.clients.get(client_id)
        if client is None:
            return None
        if strict and client.auth_method != "client_secret_post":
            log.debug("client %s is registered for %s, not POST", client.client_id, client.auth_method)
            return None
        return client if _secret_ok(client, secret) else None
    if client_id:
        client = state.clients.get(client_id)
        if client is not None and client.auth_method == "none":
            return client
    return None


def _granted_scopes(client: GluuClient, requested: str) -> list[str]:
    """src:ScopeChecker: requested scopes the client has."""
    mine = set(client.scopes)
    return [s for s in dict.fromkeys(requested.split(" ")) if s and s in mine]


def access_token_jwt(state: GluuState, client: GluuClient, scopes: list[str], iat: int, exp: int, code: str) -> str:
    """src:AuthorizationGrant.createAccessTokenAsJwt for a client_credentials grant: the
    claims ``GluuProfile.jwt_access_token_claims`` names (iss, aud (= client_id), exp, iat,
    scope as a JSON array, client_id, token_type, code — no ``sub``, the grant's user is
    empty, and no ``jti``). Header: kid, typ (``GluuProfile.access_token_typ``), alg."""
    p = state.profile
    alg = str(client.metadata.get("access_token_signing_alg") or p.default_signature_algorithm)
    values: dict[str, Any] = {
        "iss": state.issuer,
        "aud": client.client_id,
        "exp": exp,
        "iat": iat,
        "scope": scopes,
        "client_id": client.client_id,
        "token_type": p.token_type,
        "code": code,
    }
    claims = {name: values[name] for name in p.jwt_access_token_claims}
    header = {"typ": p.access_token_typ}
    if alg.startswith("HS"):
        # JwtSigner with the client secret as the HMAC key (no kid)
        key = jwk.JWK(kty="oct", k=base64.urlsafe_b64encode(client.client_secret.encode()).rstrip(b"=").decode())
        return sign(claims, key, alg=alg, headers=header)
    try:
        gluu_key = state.keystore.signing_key(alg)
    except KeyError:
        # "none" and unknown names: not modelled, oxAuth's default algorithm is used
        gluu_key = state.keystore.signing_key(p.default_signature_algorithm)
        alg = gluu_key.alg
    return sign(claims, gluu_key.jwk, alg=alg, headers=header)


async def token(request: Request) -> Response:
    """RFC 6749 §3.2 token endpoint; only ``client_credentials`` issues tokens."""
    state: GluuState = request.app.state.gluu
    p = state.profile
    form = _form(await request.body())
    client = authenticate(state, request, form)
    if client is None:
        return _unauthorized(state)
    grant_type = form.get("grant_type", "")
    if not grant_type:
        return _error(state, 400, "invalid_request", "Failed to validate request parameters")
    if grant_type not in KNOWN_GRANTS:
        # TokenParamsValidator switches on a null GrantType: NullPointerException → 500
        return Response(status_code=p.unknown_grant_type_status, headers=NO_STORE_HEADERS)
    if grant_type not in client.grant_types:
        return _error(state, 400, "invalid_grant", "grant_type is not present in client.")
    if grant_type != "client_credentials":
        return _error(state, 400, "invalid_grant", "only client_credentials is modelled by the Gluu emulator")

    requested = form.get("scope")
    scopes = _granted_scopes(client, requested) if requested else []
    lifetime = client.metadata.get("access_token_lifetime") or p.access_token_lifetime
    now = int(state.clock())
    code = str(uuid.uuid4())
    if client.metadata.get("access_token_as_jwt"):
        access_token = access_token_jwt(state, client, scopes, now, now + int(lifetime), code)
    else:
        access_token = code  # opaque handle token (HandleTokenFactory)
    body: dict[str, Any] = {
        "access_token": access_token,
        "token_type": p.token_type,
        "expires_in": int(lifetime) - p.expires_in_lag,
    }
    if requested is not None or not p.token_scope_only_when_requested:
        body["scope"] = " ".join(scopes)  # "" when nothing requested was granted
    return Response(json.dumps(body), status_code=200, headers=NO_STORE_HEADERS, media_type="application/json")
