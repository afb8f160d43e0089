"""Who is calling the client registration service (Keycloak ClientRegistrationAuth).

The ``Authorization: Bearer`` token is verified as Keycloak's ``ClientRegistrationTokenUtils.
verifyToken`` does: signature with the realm's keys, ``iss`` equal to the realm issuer
of *this* request, not expired (``exp`` 0 never expires) — any failure is 401
``invalid_token`` "Failed decode token" — then ``typ`` must be ``Bearer``,
``InitialAccessToken`` or ``RegistrationAccessToken`` ("Invalid type of token").
No header, another scheme or an empty bearer is an anonymous caller.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from starlette.requests import Request
from starlette.responses import Response

from harness.jose.tokens import BadJwt, NotAJwt, decode_unverified
from harness.products.keycloak.emulator import minting
from harness.products.keycloak.emulator.http import Ctx, oauth_error
from harness.products.keycloak.emulator.state import InitialAccess, Realm

CallerKind = Literal["anonymous", "bearer", "initial", "registration"]

NOT_AUTHORIZED_VIEW = "Not authorized to view client. Not valid token or client credentials provided."
NOT_AUTHORIZED_UPDATE = "Not authorized to update client. Maybe missing token or bad token type."


class RegError(Exception):
    """A refusal of the registration service (RFC 6750 §3.1 / RFC 7591 §3.2.2 codes)."""

    def __init__(self, status: int, error: str, description: str) -> None:
        super().__init__(f"{status} {error}: {description}")
        self.status, self.error, self.description = status, error, description

    def response(self, *, www_authenticate: bool = False) -> Response:
        """The JSON error; a 401 also gets the RFC 6750 §3 Bearer challenge when
        ``www_authenticate`` (``KeycloakProfile.registration_www_authenticate``)."""
        headers = None
        if www_authenticate and self.status == 401:
            headers = {"WWW-Authenticate": f'Bearer error="{self.error}", error_description="{self.description}"'}
        return oauth_error(self.status, self.error, self.description, headers=headers)


def unauthorized(description: str) -> RegError:
    return RegError(401, "invalid_token", description)


def forbidden(description: str = "Forbidden") -> RegError:
    return RegError(403, "insufficient_scope", description)


def policy_rejected(policy: str, details: str) -> RegError:
    """``ClientRegistrationPolicyException.getMessage`` with its policy's name."""
    return forbidden(f"Policy '{policy}' rejected request to client-registration service. Details: {details}")


@dataclass
class Caller:
    kind: CallerKind
    token: str | None = None
    claims: dict[str, Any] | None = None
    initial_access: InitialAccess | None = None
    #: A Bearer access token of a realm administrator (manage-clients and friends).
    admin: bool = False


def verify_bearer(ctx: Ctx, realm: Realm, token: str, issuer: str) -> dict[str, Any]:
    """Claims of a token this realm signed for ``issuer``; RegError otherwise."""
    try:
        header, _ = decode_unverified(token)
    except NotAJwt:
        raise unauthorized("Failed decode token") from None
    try:
        if header.get("alg") == "RS256":
            claims = realm.keys.verify_access(token)
        else:
            claims = realm.keys.verify_internal(token, ctx.profile.internal_token_alg)
    except BadJwt:
        raise unauthorized("Failed decode token") from None
    exp = claims.get("exp") or 0
    if claims.get("iss") != issuer or (isinstance(exp, (int, float)) and exp != 0 and ctx.state.now() > exp):
        raise unauthorized("Failed decode token")
    return claims


def authenticate(ctx: Ctx, realm: Realm, request: Request) -> Caller:
    """``ClientRegistrationAuth.init``: resolve the bearer token, or raise RegError."""
    header = request.headers.get("authorization")
    if header is None:
        return Caller("anonymous")
    parts = header.strip().split(" ")
    if parts[0].lower() != "bearer" or len(parts) < 2 or not parts[1]:
        return Caller("anonymous")
    token = parts[1]
    claims = verify_bearer(ctx, realm, token, ctx.issuer(request, realm.name))
    typ = claims.get("typ")
    if typ == minting.TYP_BEARER:
        return Caller("bearer", token, claims, admin=_is_admin(ctx, realm, claims))
    if typ == minting.TYP_REGISTRATION:
        return Caller("registration", token, claims)
    if typ == minting.TYP_INITIAL:
        with ctx.state.lock:
            model = realm.initial_access.get(str(claims.get("jti")))
        if model is None:
            raise unauthorized("Initial Access Token not found")
        return Caller("initial", token, claims, initial_access=model)
    raise unauthorized("Invalid type of token")


def _is_admin(ctx: Ctx, realm: Realm, claims: dict[str, Any]) -> bool:
    """Lightweight admin-cli tokens carry no roles: resolve them from ``sid``."""
    with ctx.state.lock:
        session = realm.sessions.get(str(claims.get("sid")))
        user = realm.users.get(session.user_id) if session else None
    return bool(user and user.admin)
