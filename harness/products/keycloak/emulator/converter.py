"""RFC 7591 §2 client metadata ⇄ the emulated client model.

Reproduces Keycloak's ``DescriptionConverter`` (toInternal / toExternalResponse) as
26.7.x behaves (observed 26.7.1, keycloak.md), with every release difference taken
from :class:`~harness.products.keycloak.profile.KeycloakProfile`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from harness.products.keycloak.emulator.state import Client
from harness.products.keycloak.profile import KeycloakProfile

#: token_endpoint_auth_method → Keycloak client authenticator (``findClientAuthenticatorForOIDCAuthMethod``).
AUTHENTICATORS: dict[str, str] = {
    "client_secret_basic": "client-secret",
    "client_secret_post": "client-secret",
    "client_secret_jwt": "client-secret-jwt",
    "tls_client_auth": "client-x509",
    "private_key_jwt": "client-jwt",
}
#: Read direction: authenticator → the method the registration view reports.
METHOD_OF: dict[str, str] = {
    "client-secret": "client_secret_basic",
    "client-secret-jwt": "client_secret_jwt",
    "client-x509": "tls_client_auth",
    "client-jwt": "private_key_jwt",
    "none": "none",
}
#: Attribute that remembers which secret method was registered (26.7.x).
ATTR_SECRET_METHOD = "client.secret.authentication.allowed.method"
ATTR_REFRESH = "use.refresh.tokens"
#: Grant types with no flow flag of their own, and the attribute each switches.
GRANT_ATTRIBUTES: dict[str, str] = {
    "urn:ietf:params:oauth:grant-type:device_code": "oauth2.device.authorization.grant.enabled",
    "urn:openid:params:grant-type:ciba": "oidc.ciba.grant.enabled",
    "urn:ietf:params:oauth:grant-type:token-exchange": "standard.token.exchange.enabled",
    "urn:ietf:params:oauth:grant-type:jwt-bearer": "oauth2.jwt.authorization.grant.enabled",
}
RESPONSE_TYPE_WORDS = frozenset({"code", "none", "id_token", "token"})
#: Scalar members stored as attributes and echoed back unchanged.
ECHOED_STRINGS: tuple[str, ...] = (
    "token_endpoint_auth_signing_alg",
    "logo_uri",
    "tos_uri",
    "policy_uri",
    "jwks_uri",
    "id_token_signed_response_alg",
    "id_token_encrypted_response_alg",
    "id_token_encrypted_response_enc",
    "request_object_signing_alg",
    "tls_client_auth_subject_dn",
    "backchannel_logout_uri",
    "authorization_signed_response_alg",
    "authorization_encrypted_response_alg",
    "authorization_encrypted_response_enc",
    "frontchannel_logout_uri",
)
FLAG_MEMBERS: dict[str, str] = {
    "tls_client_certificate_bound_access_tokens": "tls.client.certificate.bound.access.tokens",
    "dpop_bound_access_tokens": "dpop.bound.access.tokens",
    "require_pushed_authorization_requests": "require.pushed.authorization.requests",
    "frontchannel_logout_session_required": "frontchannel.logout.session.required",
    "backchannel_logout_session_required": "backchannel.logout.session.required",
    "backchannel_logout_revoke_offline_tokens": "backchannel.logout.revoke.offline.tokens",
}


class MetadataInvalid(Exception):
    """``ClientRegistrationException`` → 400 invalid_client_metadata "Client metadata invalid"."""


@dataclass
class RedirectUriInvalid(Exception):
    """``ValidationUtil.validateClient`` failure → 400 invalid_redirect_uri."""

    message: str


def _given(meta: dict[str, Any], name: str) -> bool:
    return meta.get(name) is not None


def check_metadata(meta: dict[str, Any]) -> None:
    """The conversions ``toInternal`` can refuse, before anything is authenticated."""
    method = meta.get("token_endpoint_auth_method")
    if method is not None:
        if method != "none" and method not in AUTHENTICATORS:
            raise MetadataInvalid(f"unknown token_endpoint_auth_method {method!r}")
        if method == "private_key_jwt" and not (_given(meta, "jwks_uri") or _has_sig_key(meta.get("jwks"))):
            raise MetadataInvalid("private_key_jwt without a signature key")
    if _given(meta, "jwks_uri") and _given(meta, "jwks"):
        raise MetadataInvalid("Illegal to use both jwks_uri and jwks")
    for rt in meta.get("response_types") or []:
        if not isinstance(rt, str) or not rt or any(w not in RESPONSE_TYPE_WORDS for w in rt.split(" ")):
            raise MetadataInvalid(f"unsupported response_type {rt!r}")
    mode = meta.get("backchannel_token_delivery_mode")
    if mode is not None and mode != "poll":
        raise MetadataInvalid("Unsupported requested backchannel_token_delivery_mode")


def _has_sig_key(jwks: Any) -> bool:
    if not isinstance(jwks, dict):
        return False
    keys = jwks.get("keys") or []
    return any(isinstance(k, dict) and k.get("use", "sig") == "sig" for k in keys)


def requested_scopes(meta: dict[str, Any]) -> list[str] | None:
    """``scope`` split on single spaces, as Java ``String.split(" ")`` does."""
    scope = meta.get("scope")
    if scope is None:
        return None
    parts = str(scope).split(" ")
    while parts and parts[-1] == "":
        parts.pop()  # Java drops trailing empty strings
    return parts


def apply_metadata(client: Client, meta: dict[str, Any], profile: KeycloakProfile, *, create: bool) -> None:
    """Write RFC 7591 §2 metadata onto ``client``. On an update with
    ``profile.partial_update`` an omitted or null member keeps its value."""
    keep = not create and profile.partial_update

    def take(name: str) -> bool:
        return _given(meta, name) or not keep

    if take("client_name"):
        client.name = meta.get("client_name")
    if take("client_uri"):
        client.client_uri = meta.get("client_uri")
    if take("redirect_uris"):
        client.redirect_uris = [str(u) for u in meta.get("redirect_uris") or []]
    _apply_auth_method(client, meta, profile, keep)
    _apply_flows(client, meta, profile)
    scopes = requested_scopes(meta)
    if scopes is not None:
        client.optional_scopes = scopes
        client.default_scopes = [s for s in client.default_scopes if s not in scopes]
    for name in ECHOED_STRINGS:
        if take(name):
            if meta.get(name) is None:
                client.attributes.pop(name, None)
            else:
                client.attributes[name] = str(meta[name])
    if take("jwks"):
        # Keys by value: Keycloak keeps them in the client attribute "jwks.string" with
        # "use.jwks.string" (DescriptionConverter.toInternal; observed 26.7.3: a
        # private_key_jwt client registered with jwks authenticates with an assertion).
        if isinstance(meta.get("jwks"), dict):
            client.attributes["jwks.string"] = json.dumps(meta["jwks"])
        else:
            client.attributes.pop("jwks.string", None)
    if take("post_logout_redirect_uris"):
        uris = meta.get("post_logout_redirect_uris")
        if uris is None:
            client.attributes.pop("post.logout.redirect.uris", None)
        else:
            client.attributes["post.logout.redirect.uris"] = "##".join(str(u) for u in uris)
    if take("request_uris"):
        client.attributes["request.uris"] = "##".join(str(u) for u in meta.get("request_uris") or [])
    for member, attr in FLAG_MEMBERS.items():
        if _given(meta, member):
            client.attributes[attr] = "true" if meta[member] else "false"
        elif create:
            # A registered client has backchannel.logout.session.required "true"
            # (read back as false, see to_oidc) and every other flag off, including
            # frontchannel_logout_session_required (observed 26.7.1 and 26.7.3).
            client.attributes[attr] = "true" if member == "backchannel_logout_session_required" else "false"
    if take("subject_type"):
        client.attributes["subject_type"] = str(meta.get("subject_type") or "public")


def _apply_auth_method(client: Client, meta: dict[str, Any], profile: KeycloakProfile, keep: bool) -> None:
    method = meta.get("token_endpoint_auth_method")
    if method is None:
        if keep:
            return
        client.authenticator, client.public = "client-secret", False
        client.attributes.pop(ATTR_SECRET_METHOD, None)
        return
    if method == "none":
        client.authenticator, client.public = "none", True
        client.attributes.pop(ATTR_SECRET_METHOD, None)
        return
    client.authenticator, client.public = AUTHENTICATORS[method], False
    if method in ("client_secret_basic", "client_secret_post") and profile.echo_requested_auth_method:
        client.attributes[ATTR_SECRET_METHOD] = method
    else:
        client.attributes.pop(ATTR_SECRET_METHOD, None)


def _apply_flows(client: Client, meta: dict[str, Any], profile: KeycloakProfile) -> None:
    """Flow flags from ``response_types`` and ``grant_types`` (observed 26.7.3):

    * the browser flows are recomputed on every write (Keycloak always sets them):
      from ``response_types`` when given, else from ``grant_types`` (26.1+), else
      the default ``code``;
    * password, client_credentials and the attribute-backed grants (refresh tokens,
      device, CIBA, token exchange, JWT bearer) change only when ``grant_types`` is
      given — so an update that omits it keeps them.
    """
    response_types = [str(rt) for rt in meta.get("response_types") or []]
    grant_types = meta.get("grant_types")
    grants = [str(g) for g in grant_types] if grant_types is not None else None
    if response_types or not grants or profile.expands_client_credentials_grants:
        words = {w for rt in (response_types or ["code"]) for w in rt.split(" ")}
        client.standard_flow = "code" in words or "none" in words
        client.implicit_flow = "id_token" in words or "token" in words
    else:
        client.standard_flow = "authorization_code" in grants
        client.implicit_flow = "implicit" in grants
    if grants is None:
        return
    client.direct_access = "password" in grants
    client.service_accounts = "client_credentials" in grants
    if not profile.expands_client_credentials_grants:
        client.attributes[ATTR_REFRESH] = "true" if "refresh_token" in grants else "false"
        for grant, attr in GRANT_ATTRIBUTES.items():
            client.attributes[attr] = "true" if grant in grants else "false"


def validate_redirect_uris(client: Client, profile: KeycloakProfile) -> None:
    """``DefaultClientValidationProvider`` checks on redirect URIs (after creation); the
    OIDC §2 https rule for implicit web clients only as ``profile.implicit_redirect_https_enforced`` says."""
    implicit = "implicit" in grant_types_of(client)
    for uri in client.redirect_uris:
        if profile.implicit_redirect_https_enforced and implicit and _plain_http_off_localhost(uri):
            raise RedirectUriInvalid("Implicit web clients must use https redirect URIs")
        if "#" in uri:
            raise RedirectUriInvalid("Redirect URIs must not contain an URI fragment")
        if uri.split(":", 1)[0].lower() in ("javascript", "data"):
            raise RedirectUriInvalid("A redirect URI uses an illegal scheme")
        if any(c.isspace() for c in uri) or "\\" in uri:
            raise RedirectUriInvalid("A redirect URI is not a valid URI")


def _plain_http_off_localhost(uri: str) -> bool:
    """An ``http:`` redirect URI on a host other than localhost (OIDC Registration §2)."""
    scheme, _, rest = uri.partition("://")
    host = rest.split("/", 1)[0].rsplit("@", 1)[-1].split(":", 1)[0].lower()
    return scheme.lower() == "http" and host not in ("localhost", "127.0.0.1", "[::1]")


def grant_types_of(client: Client) -> list[str]:
    """Read direction; ``refresh_token`` is seventh of nine (observed 26.7.1)."""
    a = client.attributes
    out: list[str] = []
    if client.standard_flow:
        out.append("authorization_code")
    if client.implicit_flow:
        out.append("implicit")
    if client.direct_access:
        out.append("password")
    if client.service_accounts:
        out.append("client_credentials")
    for grant in ("urn:ietf:params:oauth:grant-type:device_code", "urn:openid:params:grant-type:ciba"):
        if a.get(GRANT_ATTRIBUTES[grant]) == "true":
            out.append(grant)
    if a.get(ATTR_REFRESH) != "false":
        out.append("refresh_token")
    for grant in ("urn:ietf:params:oauth:grant-type:token-exchange", "urn:ietf:params:oauth:grant-type:jwt-bearer"):
        if a.get(GRANT_ATTRIBUTES[grant]) == "true":
            out.append(grant)
    return out


def response_types_of(client: Client) -> list[str]:
    out: list[str] = []
    if client.standard_flow:
        out += ["code", "none"]
    if client.implicit_flow:
        out += ["id_token", "id_token token"]
    if client.standard_flow and client.implicit_flow:
        out += ["code id_token", "code token", "code id_token token"]
    return out


def auth_method_of(client: Client) -> str:
    if client.authenticator == "client-secret":
        return client.attributes.get(ATTR_SECRET_METHOD) or "client_secret_basic"
    return METHOD_OF.get(client.authenticator, "client_secret_basic")


def to_oidc(
    client: Client,
    profile: KeycloakProfile,
    *,
    registration_uri: str,
    registration_access_token: str | None,
    issued_at: int | None = None,
) -> dict[str, Any]:
    """``toExternalResponse``: members in OIDCClientRepresentation order, nulls omitted."""
    a = client.attributes
    method = auth_method_of(client)
    carries_secret = method in ("client_secret_basic", "client_secret_post", "client_secret_jwt")
    post_logout = a.get("post.logout.redirect.uris")
    body: dict[str, Any] = {
        "redirect_uris": list(client.redirect_uris),
        "token_endpoint_auth_method": method,
        "token_endpoint_auth_signing_alg": a.get("token_endpoint_auth_signing_alg"),
        "grant_types": grant_types_of(client),
        "response_types": response_types_of(client),
        "client_id": client.client_id,
        "client_secret": client.secret if carries_secret and not client.public else None,
        "client_name": client.name,
        "client_uri": client.client_uri,
        "logo_uri": a.get("logo_uri"),
        "scope": " ".join(client.optional_scopes),
        "tos_uri": a.get("tos_uri"),
        "policy_uri": a.get("policy_uri"),
        "jwks_uri": a.get("jwks_uri"),
        "subject_type": a.get("subject_type", "public"),
        "id_token_signed_response_alg": a.get("id_token_signed_response_alg"),
        "id_token_encrypted_response_alg": a.get("id_token_encrypted_response_alg"),
        "id_token_encrypted_response_enc": a.get("id_token_encrypted_response_enc"),
        "request_object_signing_alg": a.get("request_object_signing_alg"),
        "request_uris": [u for u in a.get("request.uris", "").split("##") if u],
        "tls_client_certificate_bound_access_tokens": a.get("tls.client.certificate.bound.access.tokens") == "true",
        "tls_client_auth_subject_dn": a.get("tls_client_auth_subject_dn"),
        "dpop_bound_access_tokens": a.get("dpop.bound.access.tokens") == "true",
        "post_logout_redirect_uris": (
            list(client.redirect_uris) if post_logout in (None, "", "+") else post_logout.split("##")
        ),
        "client_id_issued_at": issued_at,
        "client_secret_expires_at": 0 if carries_secret else None,
        "registration_client_uri": registration_uri,
        "registration_access_token": registration_access_token,
        "backchannel_logout_uri": a.get("backchannel_logout_uri"),
        "backchannel_logout_session_required": (
            a.get("backchannel.logout.revoke.offline.tokens") == "true"
            if profile.backchannel_session_required_bug
            else a.get("backchannel.logout.session.required") != "false"
        ),
        "authorization_signed_response_alg": a.get("authorization_signed_response_alg"),
        "authorization_encrypted_response_alg": a.get("authorization_encrypted_response_alg"),
        "authorization_encrypted_response_enc": a.get("authorization_encrypted_response_enc"),
        "require_pushed_authorization_requests": a.get("require.pushed.authorization.requests") == "true",
        "frontchannel_logout_uri": a.get("frontchannel_logout_uri"),
        "frontchannel_logout_session_required": a.get("frontchannel.logout.session.required") != "false",
    }
    return {k: v for k, v in body.items() if v is not None}
