"""Keycloak wire profile: every product quirk the emulator reproduces, one field each.

Each field has a default modelling Keycloak **26.7.3** (the release the real-server
launcher pins), a comment saying what it does, which releases behave that way, and
where the fact comes from. :meth:`KeycloakProfile.for_version` gives the profile of
another measured release (26.4.x, 26.5.x, 26.7.x): releases differ only through these
fields. The emulator branches on the fields, never on ``version``, and the quirks the
conformance checks expect are derived from the same instance
(:mod:`harness.products.keycloak.quirks`) — shared/STYLE.md §4.

Sources named below:
* ``keycloak.md`` — shared/reference/keycloak.md;
* ``src:<Class>`` — Keycloak's sources (keycloak/keycloak on GitHub), e.g.
  ``src:ClientRegistrationAuth`` (services/.../clientregistration/);
* ``observed 26.7.1`` — measurements of a live 26.7.1 recorded by the Gloak project
  (ekalinin/gloak, docs/superpowers/specs/2026-08-18-keycloak-26.7.1-observed.md and
  docs/superpowers/handover/p7-registration.md);
* ``observed 26.4.7`` / ``26.5.6`` / ``26.7.0`` / ``26.7.3`` — the differential sequence
  (:mod:`harness.products.keycloak.differential`) played against the real distribution of
  that release, recorded in ``fixtures/keycloak/observed-<version>.json``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from typing import Any, ClassVar

from harness.core.errors import ConfigError

#: Realm default client scopes of a fresh 26.x realm (observed 26.7.1 scopes_supported).
DEFAULT_CLIENT_SCOPES: tuple[str, ...] = ("acr", "basic", "email", "profile", "roles", "web-origins")
#: Realm optional client scopes of a fresh 26.x realm (observed 26.7.1 registration ``scope``).
OPTIONAL_CLIENT_SCOPES: tuple[str, ...] = ("address", "microprofile-jwt", "offline_access", "organization", "phone")


#: Releases whose wire behaviour was measured, oldest first (the differential sequence
#: against the real distribution: fixtures/keycloak/observed-<version>.json).
MEASURED_VERSIONS: tuple[str, ...] = ("26.4.7", "26.5.6", "26.7.0", "26.7.3")
#: Field values that differ from the 26.7.x defaults, per 26.<minor> release line. A
#: release line is known when one of its releases was measured; each value's source is
#: the docstring of its field.
_RELEASE_LINES: dict[int, dict[str, Any]] = {
    4: {"initial_access_status": 200, "wrong_password_status": 401, "echo_requested_auth_method": False,
        "enforce_registered_secret_method": False, "jwt_bearer_grant": False, "uuid_session_ids": True,
        "user_list_profile_metadata": True, "saml_authn_context_scope": False,
        "registration_web_origins_policy": False,
        "registration_options_allow": "HEAD, DELETE, POST, GET, OPTIONS, PUT"},
    5: {"initial_access_status": 200, "wrong_password_status": 401, "echo_requested_auth_method": False,
        "enforce_registered_secret_method": False, "jwt_bearer_grant": False,
        "user_list_profile_metadata": True, "saml_authn_context_scope": False,
        "component_create_fills_allowed_client_scopes": True},
    7: {},
}
_VERSION_RE = re.compile(r"^26\.(\d+)\.(\d+)$")


def known_versions() -> str:
    """The release lines :meth:`KeycloakProfile.for_version` knows, for messages."""
    return ", ".join(f"26.{minor}.x" for minor in sorted(_RELEASE_LINES))


@dataclass(frozen=True)
class KeycloakProfile:
    """How one Keycloak release behaves on the wire (RFC 7591/7592, RFC 6749 §4.4)."""

    #: The product this profile belongs to (harness.products.detect).
    product: ClassVar[str] = "keycloak"

    #: Release modelled. Informational only: code reads the fields below.
    version: str = "26.7.3"

    # --- Initial access tokens (admin REST) ----------------------------------------
    #: Status of ``POST /admin/realms/{r}/clients-initial-access``: 201 in 26.7.x, 200 in
    #: 26.4.x and 26.5.x (keycloak.md "Admin steps"; observed 26.4.7, 26.5.6, 26.7.3).
    initial_access_status: int = 201
    #: JWS ``alg`` of initial and registration access tokens. They are Keycloak
    #: "internal" tokens signed with the realm's HMAC key: HS512 since Constants.
    #: INTERNAL_SIGNATURE_ALGORITHM became HS512 (src:DefaultTokenManager, observed
    #: 26.7.1 "an HS512 JWT with typ InitialAccessToken"); HS256 in old releases.
    internal_token_alg: str = "HS512"

    # --- RFC 7591 registration ---------------------------------------------------
    #: Status of a successful registration (keycloak.md; RFC 7591 §3.2.1 says 201).
    registration_status: int = 201
    #: 26.0.x turns ``grant_types: ["client_credentials"]`` into
    #: ``[authorization_code, client_credentials, refresh_token]`` (standard flow and
    #: refresh tokens stay on); from 26.1 the grant list is echoed as asked
    #: (keycloak.md "grant_types differs by release").
    expands_client_credentials_grants: bool = False
    #: 2026 releases (26.7.x) store and echo ``token_endpoint_auth_method:
    #: client_secret_post``; 26.4.x and 26.5.x read back ``client_secret_basic``
    #: (keycloak.md; observed 26.4.7, 26.5.6, 26.7.0, 26.7.3).
    echo_requested_auth_method: bool = True
    #: Unknown client metadata is refused with 400 instead of ignored as RFC 7591 §2
    #: asks (keycloak.md; Jackson FAIL_ON_UNKNOWN_PROPERTIES, observed 26.7.1).
    rejects_unknown_metadata: bool = True
    #: Content type, JSON syntax and unknown fields are judged before the caller is
    #: authenticated: a bad body with a bad token answers 415/400, not 401, on
    #: registration and update (keycloak.md "the body is checked before the caller";
    #: src:AbstractClientRegistrationProvider reads the representation first). When
    #: false the caller is authenticated first.
    checks_body_before_auth: bool = True
    #: Anonymous registrations are refused by the "Trusted Hosts" policy (no trusted
    #: hosts in a default realm) — src:DefaultClientRegistrationPolicies. True skips the
    #: realm's Trusted Hosts components altogether (an emulator convenience; the policy
    #: itself is data, edited through the admin components API, observed 26.7.3).
    anonymous_registration_allowed: bool = False
    #: "Max Clients Limit" anonymous policy of a new realm: at this many clients in the
    #: realm it answers 403 before "Trusted Hosts" (keycloak.md;
    #: src:MaxClientsClientRegistrationPolicyFactory; config ``max-clients: ["200"]`` observed
    #: 26.7.3). Later changes go through the admin components API.
    max_clients: int = 200
    #: A new realm's policies include "Allowed Registration Web Origins" (anonymous and
    #: authenticated): 26.5 and later; not in 26.4 (observed 26.4.7, 26.5.6, 26.7.3
    #: ``policies.list``).
    registration_web_origins_policy: bool = True
    #: Creating a client-registration policy component of one subtype writes
    #: ``"allowed-client-scopes": []`` into that subtype's "Allowed Client Scopes"
    #: component config (observed 26.5.6 ``policies.list_after``; not 26.4.7 nor 26.7.x).
    component_create_fills_allowed_client_scopes: bool = False
    #: ``Allow`` header of the bare 200 an OPTIONS on the registration collection gets:
    #: None (absent) in 26.5 and later, RESTEasy's method list in 26.4 (observed 26.4.7).
    registration_options_allow: str | None = None

    # --- Admin REST API around DCR (users, client scopes) -------------------------
    #: User lists (``GET /admin/realms/{r}/users?...``) carry ``userProfileMetadata`` on
    #: every entry in 26.4 and 26.5; not in 26.7 (observed 26.4.7, 26.5.6, 26.7.3).
    user_list_profile_metadata: bool = False
    #: A new realm has the SAML client scope ``AuthnContextClassRef``: 26.7 (observed 26.7.0,
    #: 26.7.3), not 26.4/26.5 (observed 26.4.7, 26.5.6).
    saml_authn_context_scope: bool = True
    #: Success bodies of the registration family carry ``;charset=UTF-8``, refusals do
    #: not (observed 26.7.1 p7-registration §2).
    registration_success_content_type: str = "application/json;charset=UTF-8"
    #: The client registration service sends ``Cache-Control: no-store`` and ``Pragma:
    #: no-cache`` with the client information response, as RFC 7591 §3.2.1's example
    #: and RFC 6749 §5.1 (credentials in the body) ask. Keycloak sends neither on any
    #: registration or initial-access answer (keycloak.md "send no Cache-Control header";
    #: observed 26.4.7-26.7.3, differential ``register.guide_metadata`` headers).
    registration_no_store_headers: bool = False
    #: A 401 ``invalid_token`` of the client registration service (registration with a
    #: bad initial access token, RFC 7592 calls with a bad registration access token)
    #: carries ``WWW-Authenticate: Bearer``, as RFC 6750 §3 requires. Keycloak's carry
    #: none (keycloak.md "... and no WWW-Authenticate"; src:ClientRegistrationAuth;
    #: observed 26.4.7-26.7.3, differential ``register.garbage_token``).
    registration_www_authenticate: bool = False
    #: ``backchannel_logout_session_required`` is read back from the revoke-offline
    #: flag (a Keycloak bug), so it is ``false`` for every default client
    #: (src:DescriptionConverter.toExternalResponse; observed 26.7.1 "constant false").
    backchannel_session_required_bug: bool = True
    #: Default and optional client scopes a fresh realm hands to new clients; the
    #: registration ``scope`` member reads back the optional ones (observed 26.7.1).
    default_client_scopes: tuple[str, ...] = DEFAULT_CLIENT_SCOPES
    #: Optional client scopes of a fresh realm; they make up the ``scope`` member a
    #: registration reads back (observed 26.7.1).
    optional_client_scopes: tuple[str, ...] = OPTIONAL_CLIENT_SCOPES

    # --- RFC 7592 management -----------------------------------------------------
    #: A PUT answers with a new registration access token and the presented one stops
    #: working; a GET echoes the presented one (keycloak.md; src:AbstractClientRegistrationProvider.update).
    rotate_rat_on_update: bool = True
    #: A PUT is a partial update: omitted or ``null`` members keep their values, ``[]``
    #: clears a list; the secret is kept (keycloak.md, observed on 26.7.x;
    #: src:RepresentationToModel.updateClient skips null members).
    partial_update: bool = True

    # --- Token endpoint (RFC 6749 §4.4, §5.2) -------------------------------------
    #: ``error`` for a known client with a wrong secret (keycloak.md; RFC 6749 §5.2
    #: would say invalid_client).
    wrong_secret_error: str = "unauthorized_client"
    #: ``error`` for an unknown client_id (keycloak.md).
    unknown_client_error: str = "invalid_client"
    #: Access-token lifespan (``expires_in``) in the master realm (keycloak.md).
    master_token_lifespan: int = 60
    #: Access-token lifespan in other realms (keycloak.md, Keycloak default 300 s).
    token_lifespan: int = 300
    #: SSO session idle time: ``refresh_expires_in`` of the admin-cli password grant
    #: (observed 26.7.1: 1800).
    sso_session_idle: int = 1800
    #: Status of the password grant with a wrong password (observed 26.7.1, 26.7.3: 400
    #: invalid_grant "Invalid user credentials"; 401 in 26.4.7 and 26.5.6).
    wrong_password_status: int = 400
    #: Prefix of ``jti`` on client_credentials access tokens: transient session,
    #: refresh-token-less, client credentials (keycloak.md "trrtcc:").
    client_credentials_jti_prefix: str = "trrtcc:"
    #: Prefix of ``jti`` on password-grant access tokens (observed 26.7.1 "onrtro:").
    password_jti_prefix: str = "onrtro:"
    #: 26.x puts a ``client_id`` claim in service-account tokens (the
    #: ``service_account`` client scope; keycloak.md "client_id (26.x)").
    client_id_claim: bool = True
    #: ``admin-cli`` is a lightweight-access-token client: its tokens carry only azp,
    #: exp, iat, iss, jti, scope, sid, typ (observed 26.7.1).
    lightweight_admin_cli: bool = True
    #: User-session ids (``session_state``, ``sid``) are UUIDs (observed 26.4.7); from
    #: 26.5 they are 24 url-safe characters (observed 26.5.6, 26.7.1, 26.7.3).
    uuid_session_ids: bool = False
    #: The RFC 7523 §2.1 JWT bearer grant (``urn:ietf:params:oauth:grant-type:jwt-bearer``)
    #: is registered: listed in ``grant_types_supported`` and known at the token endpoint
    #: (observed 26.7.0, 26.7.3; absent from 26.4.7 and 26.5.6 discovery).
    jwt_bearer_grant: bool = True
    #: JOSE header ``typ`` of access tokens: ``JWT``; RFC 9068 §2.1 asks for ``at+jwt``,
    #: which Keycloak does not use by default (keycloak.md "Header alg RS256, typ JWT";
    #: observed 26.7.3).
    access_token_typ: str = "JWT"
    #: A failed client authentication at the token endpoint answered with a JSON error
    #: (wrong or missing secret, unknown client) carries ``WWW-Authenticate``, as RFC 6749
    #: §5.2 requires when the client used HTTP Basic. Keycloak's carries none, also for
    #: Basic (src:ClientAuthUtil.errorResponse, services/.../authenticators/client;
    #: observed 26.7.3, docs/keycloak-verdicts.md); only a malformed Authorization
    #: header gets a bare Basic challenge.
    client_auth_www_authenticate: bool = False
    #: A client registered with an explicit ``client_secret_post``/``_basic`` may
    #: only authenticate that way: the other method answers 401 unauthorized_client
    #: "Invalid method used to get client secret. ..." (observed 26.7.0, 26.7.3,
    #: fixtures/keycloak/observed-26.7.3.json). 26.4.x and 26.5.x accept both secret
    #: methods for any confidential client (keycloak.md "both work"; observed 26.4.7,
    #: 26.5.6), as 26.7 does for clients registered without a method.
    enforce_registered_secret_method: bool = True
    #: OIDC Registration 1.0 §2 (application_type): web clients using the implicit grant
    #: MUST register https redirect URIs on hosts other than localhost. Keycloak's client
    #: registration service does not check this (src:DefaultClientValidationProvider checks
    #: fragments and schemes only; observed 26.4.7, 26.5.6 and 26.7.3, docs/verdicts/keycloak.md).
    implicit_redirect_https_enforced: bool = False

    def __post_init__(self) -> None:
        problems: list[str] = []
        if self.registration_status not in (200, 201):
            problems.append(f"registration_status must be 200 or 201, not {self.registration_status}")
        if self.initial_access_status not in (200, 201):
            problems.append(f"initial_access_status must be 200 or 201, not {self.initial_access_status}")
        if self.master_token_lifespan <= 0 or self.token_lifespan <= 0 or self.sso_session_idle <= 0:
            problems.append("token lifespans must be positive")
        if self.max_clients <= 0:
            problems.append("max_clients must be positive")
        if self.wrong_secret_error not in ("unauthorized_client", "invalid_client"):
            problems.append(f"wrong_secret_error {self.wrong_secret_error!r} is not an RFC 6749 §5.2 client error")
        if self.unknown_client_error not in ("unauthorized_client", "invalid_client"):
            problems.append(f"unknown_client_error {self.unknown_client_error!r} is not an RFC 6749 §5.2 client error")
        if self.internal_token_alg not in ("HS256", "HS384", "HS512"):
            problems.append(f"internal_token_alg {self.internal_token_alg!r} is not an HMAC algorithm")
        if self.expands_client_credentials_grants and self.echo_requested_auth_method:
            # 26.0.x expands the grants but echoes client_secret_basic; only 2026
            # releases echo client_secret_post, and they no longer expand.
            problems.append("expands_client_credentials_grants (26.0.x) contradicts echo_requested_auth_method (26.7.x)")
        if self.enforce_registered_secret_method and not self.echo_requested_auth_method:
            problems.append("enforce_registered_secret_method needs echo_requested_auth_method (the method is stored only then)")
        if set(self.default_client_scopes) & set(self.optional_client_scopes):
            problems.append("a client scope cannot be both a default and an optional realm scope")
        if "openid" in self.default_client_scopes or "openid" in self.optional_client_scopes:
            problems.append("'openid' is not a client scope in Keycloak")
        if not self.access_token_typ:
            problems.append("access_token_typ cannot be empty (Keycloak always writes a typ header)")
        if problems:
            raise ConfigError("KeycloakProfile: " + "; ".join(problems), hint="fix the profile fields")

    @classmethod
    def for_version(cls, version: str | None = None, **overrides: Any) -> KeycloakProfile:
        """The profile of Keycloak ``version`` (``26.<minor>.<patch>`` of a measured release
        line: 26.4.x, 26.5.x or 26.7.x; ``None`` = the default 26.7.3), with ``overrides``
        applied last. Raises ConfigError for another version."""
        if version is None:
            return cls(**overrides)
        m = _VERSION_RE.match(version.strip())
        line = _RELEASE_LINES.get(int(m.group(1))) if m else None
        if m is None or line is None:
            raise ConfigError(
                f"KeycloakProfile: version {version!r} is not a modelled Keycloak release "
                f"(known: {known_versions()}; measured {', '.join(MEASURED_VERSIONS)})",
                hint="use one of the known release lines, e.g. 26.7.3",
            )
        return cls(**{"version": version.strip(), **line, **overrides})

    def realm_token_lifespan(self, realm: str) -> int:
        """``expires_in`` for access tokens issued in ``realm``."""
        return self.master_token_lifespan if realm == "master" else self.token_lifespan

    @classmethod
    def describe(cls) -> list[dict[str, Any]]:
        """Field name, type and default of every quirk (for generated docs)."""
        return [
            {"name": f.name, "type": str(f.type), "default": f.default}
            for f in fields(cls)
        ]
