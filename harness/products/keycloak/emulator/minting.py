"""Token contents as Keycloak 26.x issues them.

* Access tokens: RS256 JWTs (RFC 9068-like, Keycloak's AccessToken), claims in
  Keycloak's serialisation order.
* Internal tokens (initial access, registration access, refresh): HMAC-signed with the
  realm's HS512 key (``profile.internal_token_alg``), ``aud`` = the realm issuer.
"""

from __future__ import annotations

import uuid
from typing import Any

from harness.products.keycloak.emulator.state import Client, InitialAccess, Realm, Session, User
from harness.products.keycloak.profile import KeycloakProfile

TYP_INITIAL = "InitialAccessToken"
TYP_REGISTRATION = "RegistrationAccessToken"
TYP_BEARER = "Bearer"
TYP_REFRESH = "Refresh"

#: Client scopes whose name goes into the token's ``scope`` (``include.in.token.scope``);
#: acr, basic, roles, web-origins and service_account are left out (observed 26.7.1:
#: a client_credentials token answers ``"scope": "email profile"``).
SCOPES_IN_TOKEN = frozenset({"email", "profile", "address", "phone", "offline_access", "microprofile-jwt", "organization"})
#: Account-client roles reached through ``default-roles-<realm>``.
ACCOUNT_ROLES: list[str] = ["manage-account", "manage-account-links", "view-profile"]


def initial_access_token(realm: Realm, model: InitialAccess, issuer: str, profile: KeycloakProfile) -> str:
    """``ClientRegistrationTokenUtils.createInitialAccessToken``: ``exp`` is
    timestamp + expiration, or 0 for a token that never expires."""
    claims = {
        "exp": model.timestamp + model.expiration if model.expiration > 0 else 0,
        "iat": model.timestamp,
        "jti": model.id,
        "iss": issuer,
        "aud": issuer,
        "typ": TYP_INITIAL,
    }
    return realm.keys.sign_internal(claims, profile.internal_token_alg)


def registration_access_token(realm: Realm, jti: str, now: int, issuer: str, registration_auth: str, profile: KeycloakProfile) -> str:
    """``updateRegistrationAccessToken``: ``exp`` 0 (never expires), one per client."""
    claims = {
        "exp": 0,
        "iat": now,
        "jti": jti,
        "iss": issuer,
        "aud": issuer,
        "typ": TYP_REGISTRATION,
        "registration_auth": registration_auth,
    }
    return realm.keys.sign_internal(claims, profile.internal_token_alg)


def token_scope(client: Client, requested: list[str]) -> str:
    """The ``scope`` of a token: the client's default scopes that are included in
    tokens, then the optional scopes the request named."""
    names = [s for s in client.default_scopes if s in SCOPES_IN_TOKEN]
    names += [s for s in requested if s in client.optional_scopes and s in SCOPES_IN_TOKEN and s not in names]
    if "openid" in requested:
        names.insert(0, "openid")
    # Keycloak's order comes from a hash set; "email profile" is what 26.7.1 answered.
    return " ".join(sorted(names, key=lambda s: (s != "openid", s)))


def service_account_token(
    realm: Realm,
    client: Client,
    user: User,
    *,
    issuer: str,
    now: int,
    lifespan: int,
    scope: str,
    client_address: str,
    profile: KeycloakProfile,
) -> tuple[str, dict[str, Any]]:
    """The client_credentials access token (keycloak.md "Access token")."""
    claims: dict[str, Any] = {
        "exp": now + lifespan,
        "iat": now,
        "jti": f"{profile.client_credentials_jti_prefix}{uuid.uuid4()}",
        "iss": issuer,
        "aud": "account",
        "sub": user.id,
        "typ": TYP_BEARER,
        "azp": client.client_id,
        "acr": "1",
        "realm_access": {"roles": ["offline_access", f"default-roles-{realm.name}", "uma_authorization"]},
        "resource_access": {"account": {"roles": list(ACCOUNT_ROLES)}},
        "scope": scope,
        "clientHost": client_address,
        "email_verified": False,
        "preferred_username": user.username,
        "clientAddress": client_address,
    }
    if profile.client_id_claim:
        claims["client_id"] = client.client_id
    return realm.keys.sign_access(claims, profile.access_token_typ), claims


def user_access_token(
    realm: Realm,
    client: Client,
    user: User,
    session: Session,
    *,
    issuer: str,
    now: int,
    lifespan: int,
    scope: str,
    profile: KeycloakProfile,
) -> str:
    """A password-grant access token; lightweight for admin-cli (observed 26.7.1:
    only azp, exp, iat, iss, jti, scope, sid, typ)."""
    claims: dict[str, Any] = {
        "exp": now + lifespan,
        "iat": now,
        "jti": f"{profile.password_jti_prefix}{uuid.uuid4()}",
        "iss": issuer,
    }
    lightweight = client.attributes.get("client.use.lightweight.access.token.enabled") == "true"
    if not lightweight:
        claims["aud"] = "account"
        claims["sub"] = user.id
    claims["typ"] = TYP_BEARER
    claims["azp"] = client.client_id
    claims["sid"] = session.id
    if not lightweight:
        claims["acr"] = "1"
        claims["realm_access"] = {"roles": ["offline_access", f"default-roles-{realm.name}", "uma_authorization"]}
        claims["resource_access"] = {"account": {"roles": list(ACCOUNT_ROLES)}}
    claims["scope"] = scope
    if not lightweight:
        claims["email_verified"] = False
        claims["preferred_username"] = user.username
    return realm.keys.sign_access(claims, profile.access_token_typ)


def refresh_token(
    realm: Realm, client: Client, user: User, session: Session, *, issuer: str, now: int, lifespan: int, scope: str, profile: KeycloakProfile
) -> str:
    """An HS512 refresh token (``typ: Refresh``, ``aud`` = the issuer)."""
    claims = {
        "exp": now + lifespan,
        "iat": now,
        "jti": str(uuid.uuid4()),
        "iss": issuer,
        "aud": issuer,
        "sub": user.id,
        "typ": TYP_REFRESH,
        "azp": client.client_id,
        "sid": session.id,
        "scope": scope,
        "prov": "default",
    }
    return realm.keys.sign_internal(claims, profile.internal_token_alg)
