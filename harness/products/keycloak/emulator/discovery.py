"""Realm metadata: OpenID Provider configuration (OIDC Discovery 1.0 §3, RFC 8414 §2),
the JWK Set (RFC 7517 §5) and Keycloak's public realm info document.

Values and member order are those of a default Keycloak 26.7.1 realm (observed).
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from harness.products.keycloak.emulator.http import JSON_UTF8, Ctx, json_response, realm_endpoint
from harness.products.keycloak.emulator.state import Realm

_SIGNING = ["PS384", "RS384", "EdDSA", "ES384", "HS256", "HS512", "ES256", "RS256", "HS384", "ES512", "PS256", "PS512", "RS512"]
_ASYMMETRIC_SIGNING = ["PS384", "RS384", "EdDSA", "ES384", "ES256", "RS256", "ES512", "PS256", "PS512", "RS512"]
_ENCRYPTION_ALG = ["ECDH-ES+A256KW", "ECDH-ES+A192KW", "ECDH-ES+A128KW", "RSA-OAEP", "RSA-OAEP-256", "RSA1_5", "ECDH-ES"]
_ENCRYPTION_ENC = ["A256GCM", "A192GCM", "A128GCM", "A128CBC-HS256", "A192CBC-HS384", "A256CBC-HS512"]
_AUTH_METHODS = ["private_key_jwt", "client_secret_basic", "client_secret_post", "tls_client_auth", "client_secret_jwt"]
GRANT_TYPES_SUPPORTED = [
    "authorization_code",
    "client_credentials",
    "implicit",
    "password",
    "refresh_token",
    "urn:ietf:params:oauth:grant-type:device_code",
    "urn:ietf:params:oauth:grant-type:jwt-bearer",
    "urn:ietf:params:oauth:grant-type:token-exchange",
    "urn:ietf:params:oauth:grant-type:uma-ticket",
    "urn:openid:params:grant-type:ciba",
]


def openid_configuration(issuer: str, scopes: list[str], *, jwt_bearer_grant: bool = True) -> dict[str, Any]:
    """The discovery document of a realm whose issuer is ``issuer`` (the RFC 7523 grant
    listed only with ``KeycloakProfile.jwt_bearer_grant``)."""
    grants = [g for g in GRANT_TYPES_SUPPORTED if jwt_bearer_grant or g != "urn:ietf:params:oauth:grant-type:jwt-bearer"]
    oidc = f"{issuer}/protocol/openid-connect"
    registration = f"{issuer}/clients-registrations/openid-connect"
    return {
        "issuer": issuer,
        "authorization_endpoint": f"{oidc}/auth",
        "token_endpoint": f"{oidc}/token",
        "introspection_endpoint": f"{oidc}/token/introspect",
        "userinfo_endpoint": f"{oidc}/userinfo",
        "end_session_endpoint": f"{oidc}/logout",
        "frontchannel_logout_session_supported": True,
        "frontchannel_logout_supported": True,
        "jwks_uri": f"{oidc}/certs",
        "check_session_iframe": f"{oidc}/login-status-iframe.html",
        "grant_types_supported": grants,
        "acr_values_supported": ["0", "1"],
        "response_types_supported": ["code", "none", "id_token", "token", "id_token token", "code id_token", "code token", "code id_token token"],
        "subject_types_supported": ["public", "pairwise"],
        "prompt_values_supported": ["none", "login", "consent"],
        "id_token_signing_alg_values_supported": list(_SIGNING),
        "id_token_encryption_alg_values_supported": list(_ENCRYPTION_ALG),
        "id_token_encryption_enc_values_supported": list(_ENCRYPTION_ENC),
        "userinfo_signing_alg_values_supported": [*_SIGNING, "none"],
        "userinfo_encryption_alg_values_supported": list(_ENCRYPTION_ALG),
        "userinfo_encryption_enc_values_supported": list(_ENCRYPTION_ENC),
        "request_object_signing_alg_values_supported": [*_SIGNING, "none"],
        "request_object_encryption_alg_values_supported": list(_ENCRYPTION_ALG),
        "request_object_encryption_enc_values_supported": list(_ENCRYPTION_ENC),
        "response_modes_supported": ["query", "fragment", "form_post", "query.jwt", "fragment.jwt", "form_post.jwt", "jwt"],
        "registration_endpoint": registration,
        "token_endpoint_auth_methods_supported": list(_AUTH_METHODS),
        "token_endpoint_auth_signing_alg_values_supported": list(_SIGNING),
        "introspection_endpoint_auth_methods_supported": list(_AUTH_METHODS),
        "introspection_endpoint_auth_signing_alg_values_supported": list(_SIGNING),
        "authorization_signing_alg_values_supported": list(_SIGNING),
        "authorization_encryption_alg_values_supported": list(_ENCRYPTION_ALG),
        "authorization_encryption_enc_values_supported": list(_ENCRYPTION_ENC),
        "claims_supported": [
            "iss", "sub", "aud", "exp", "iat", "auth_time", "name", "given_name", "family_name",
            "preferred_username", "email", "acr", "azp", "nonce",
        ],
        "claim_types_supported": ["normal"],
        "claims_parameter_supported": True,
        "scopes_supported": scopes,
        "request_parameter_supported": True,
        "request_uri_parameter_supported": True,
        "require_request_uri_registration": True,
        "code_challenge_methods_supported": ["plain", "S256"],
        "tls_client_certificate_bound_access_tokens": True,
        "dpop_signing_alg_values_supported": list(_ASYMMETRIC_SIGNING),
        "revocation_endpoint": f"{oidc}/revoke",
        "revocation_endpoint_auth_methods_supported": list(_AUTH_METHODS),
        "revocation_endpoint_auth_signing_alg_values_supported": list(_SIGNING),
        "backchannel_logout_supported": True,
        "backchannel_logout_session_supported": True,
        "device_authorization_endpoint": f"{oidc}/auth/device",
        "backchannel_token_delivery_modes_supported": ["poll", "ping"],
        "backchannel_authentication_endpoint": f"{oidc}/ext/ciba/auth",
        "backchannel_authentication_request_signing_alg_values_supported": list(_ASYMMETRIC_SIGNING),
        "require_pushed_authorization_requests": False,
        "pushed_authorization_request_endpoint": f"{oidc}/ext/par/request",
        "mtls_endpoint_aliases": {
            "token_endpoint": f"{oidc}/token",
            "revocation_endpoint": f"{oidc}/revoke",
            "introspection_endpoint": f"{oidc}/token/introspect",
            "device_authorization_endpoint": f"{oidc}/auth/device",
            "registration_endpoint": registration,
            "userinfo_endpoint": f"{oidc}/userinfo",
            "pushed_authorization_request_endpoint": f"{oidc}/ext/par/request",
            "backchannel_authentication_endpoint": f"{oidc}/ext/ciba/auth",
        },
        "authorization_response_iss_parameter_supported": True,
    }


@realm_endpoint
async def well_known(ctx: Ctx, realm: Realm, request: Request) -> Response:
    # "openid" first, then the realm's client scopes (Keycloak's order is a hash order).
    scopes = ["openid", *sorted({*ctx.profile.default_client_scopes, *ctx.profile.optional_client_scopes, "service_account"})]
    body = openid_configuration(ctx.issuer(request, realm.name), scopes, jwt_bearer_grant=ctx.profile.jwt_bearer_grant)
    return json_response(body, headers={"Cache-Control": "no-cache, must-revalidate, no-transform, no-store"})


@realm_endpoint
async def certs(ctx: Ctx, realm: Realm, request: Request) -> Response:
    return json_response(realm.keys.jwks(), headers={"Cache-Control": "no-cache"})


@realm_endpoint
async def realm_info(ctx: Ctx, realm: Realm, request: Request) -> Response:
    """``GET /realms/{realm}``: Keycloak's PublishedRealmRepresentation."""
    issuer = ctx.issuer(request, realm.name)
    body = {
        "realm": realm.name,
        "public_key": realm.keys.sig.spki_b64(),
        "token-service": f"{issuer}/protocol/openid-connect",
        "account-service": f"{issuer}/account",
        "tokens-not-before": 0,
    }
    return json_response(body, content_type=JSON_UTF8, headers={"Cache-Control": "no-cache"})


def routes() -> list[Route]:
    return [
        Route("/realms/{realm}", realm_info, methods=["GET"]),
        Route("/realms/{realm}/.well-known/openid-configuration", well_known, methods=["GET"]),
        Route("/realms/{realm}/protocol/openid-connect/certs", certs, methods=["GET"]),
    ]
