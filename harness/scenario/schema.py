"""The scenario schema: everything the guides configure, with documented defaults.

Every model forbids unknown fields, so a typo in a field name is an error naming the
field (and, via :mod:`harness.scenario.loader`, the file and line). Values may refer to
facts learned during the run with ``${...}`` placeholders (see ``PLACEHOLDERS``).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from harness.launchers.registry import IdpKind
from harness.registrar.options import Provider

#: Placeholders resolved at run time, in string values of the scenario.
PLACEHOLDERS = {
    "idp.base_url": "the IdP's base URL (with relative path), no trailing slash",
    "idp.issuer": "the realm's issuer URL",
    "idp.origin": "the IdP's scheme and host, no path: an imported URL keeps its whole path after it",
    "discovery.registration_endpoint": "registration_endpoint from the discovery document",
    "discovery.token_endpoint": "token_endpoint from the discovery document",
    "discovery.jwks_uri": "jwks_uri from the discovery document",
    "initial_access_token": "the initial access token created in the admin step",
    "policy.id": "the id of the policy created in the policy step",
    "idp.ca_bundle": "the CA bundle (PEM) that verifies the IdP's generated TLS certificate "
                     "(idp.tls.enabled; use in dashboard.dcr_ca_bundle / gateway.jwks_ca_bundle)",
}

StepId = Literal[
    "idp-start", "initial-access-token", "idp-configuration", "discovery", "dashboard-settings",
    "create-api", "create-policy", "api-default-policy", "catalogue-entry", "catalogue-dcr-settings",
    "create-developer", "oauth-client-wizard", "token-request", "gateway-call", "delete-client",
]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class InitialAccessTokenSpec(Strict):
    """Keycloak admin console: Clients → Initial access token → Create (the guide's older console: Realm settings → Client Registration)."""

    expiration: int = Field(86400, ge=0, description="Seconds until the token expires (0 = never).")
    count: int = Field(1, ge=1, description="How many clients may be registered with it.")
    use_before: int = Field(0, ge=0, description="Registrations made with it before the wizard runs "
                            "(simulates a token already used up).")
    wait_until_expired: bool = Field(False, description="Wait for the token to expire before the wizard runs.")
    value: str | None = Field(None, description="Use this token instead of creating one (e.g. a customer's).")


class TlsSpec(Strict):
    enabled: bool = Field(False, description="Serve the emulated IdP over HTTPS with a self-signed certificate.")
    certificate: Literal["self-signed", "ca-signed"] = Field(
        "self-signed", description="self-signed: one certificate that is its own issuer; ca-signed: a private "
        "CA and a server certificate it signed. Either way ${idp.ca_bundle} is what clients should trust.")


class RegistrationPoliciesSpec(Strict):
    """Keycloak admin console: Clients → Client registration → policies (components of type
    ``org.keycloak.services.clientregistration.policy.ClientRegistrationPolicy``), set through
    the IdP's admin REST API in the initial-access-token step."""

    max_clients: int | None = Field(
        None, ge=1, description="'Max Clients Limit' (providerId max-clients, config max-clients) for both "
        "anonymous and authenticated registrations: at this many clients in the realm — its built-in clients "
        "count too (a new realm has six) — Keycloak refuses every registration with 403 insufficient_scope. "
        "It changes the realm's policies: use a realm of its own on a shared Keycloak.")


class NetworkFaultSpec(Strict):
    """One fault a proxy between everyone (admin, portal, developer, gateway) and the IdP
    injects (harness.core.faultproxy): the IdP's URLs then name the proxy."""

    method: str = Field("POST", description="HTTP method of the calls it applies to.")
    path: str = Field(..., description="Regular expression searched in the call's path, e.g. "
                      "'/clients-registrations/openid-connect$' (the registration).")
    fault: Literal["drop", "error", "hang", "drip", "lost", "pause"] = Field(
        ..., description="drop: close before the IdP sees the call; error: answer 500; hang: no answer for "
        "'seconds'; drip: the answer one byte every 'seconds'; lost: the IdP acts, the answer is lost; pause: "
        "wait 'seconds', then forward.")
    seconds: float = Field(1.0, ge=0, description="How long a hang or pause lasts; the delay per byte of a drip.")
    times: int = Field(1, ge=1, description="How many matching calls it applies to.")
    skip: int = Field(0, ge=0, description="Matching calls let through before it applies (1: the second call).")


class IdpSpec(Strict):
    profile: Literal["keycloak", "gluu"] = "keycloak"
    launcher: IdpKind = Field(
        "emulator", description="How the IdP is provided; --idp on the command line overrides it.")
    url: str | None = Field(None, description="Base URL of an external IdP (launcher: external).")
    realm: str = Field("master", description="Keycloak realm (created when it does not exist).")
    relative_path: str = Field("", description="'/auth' serves Keycloak under the legacy /auth prefix "
                               "(--http-relative-path=/auth), so the guide's URLs work verbatim.")
    admin_user: str = "admin"
    admin_password: str = "admin"
    version: str | None = Field(None, description="Product version (Keycloak dist: e.g. 26.7.3; Gluu: 4.2 or 4.4).")
    initial_access_token: InitialAccessTokenSpec | None = Field(
        None, description="Keycloak: create an initial access token (the guide's first step).")
    key_seed: int | None = Field(
        None, description="Gluu emulator: seed of its deterministic keys (e.g. 4 gives Gluu 4.2 a 33-byte EC x "
                          "coordinate, 693 a 31-byte one); default: the emulator's own.")
    jwks_algorithms_supported: list[str] | None = Field(
        None, description="Gluu: restrict jwksAlgorithmsSupported (the guide's EC JWKS fix).")
    dynamic_registration_enabled: bool | None = Field(None, description="Gluu: dynamicRegistrationEnabled.")
    tls: TlsSpec = Field(default_factory=TlsSpec)
    registration_policies: RegistrationPoliciesSpec | None = Field(
        None, description="Keycloak: client-registration policies to set in the realm before the wizard runs "
        "(e.g. {max_clients: 1} reproduces 'Max Clients Limit' refusing).")
    network_faults: list[NetworkFaultSpec] = Field(
        default_factory=list, description="Network faults between everyone and the IdP, injected by a proxy in "
        "front of it (e.g. a registration that hangs past the portal's deadline: a slow IdP).")

    def use_initial_access_token(self, value: str) -> None:
        """Register with ``value`` (a customer's token, ``check --initial-access-token``)
        instead of creating an initial access token in the admin step."""
        self.initial_access_token = InitialAccessTokenSpec(value=value)

    @field_validator("relative_path")
    @classmethod
    def _path(cls, v: str) -> str:
        if v and (not v.startswith("/") or v.endswith("/")):
            raise ValueError("must start with '/' and not end with '/', e.g. '/auth'")
        return v

    @model_validator(mode="after")
    def _keycloak_only(self) -> IdpSpec:
        if self.registration_policies is not None and self.profile != "keycloak":
            raise ValueError("registration_policies are Keycloak's client-registration policies: "
                             "they need profile: keycloak")
        return self


class DashboardSpec(Strict):
    """``tyk_analytics.conf`` fields the guides set."""

    oauth_redirect_uri_separator: str = ";"
    dcr_ssl_insecure_skip_verify: bool = False
    dcr_ca_bundle: str | None = None


class GatewaySpec(Strict):
    """``tyk.conf`` fields the guides set."""

    jwt_ssl_insecure_skip_verify: bool = False
    jwks_cache_ttl: int = Field(240, ge=0)
    jwks_ca_bundle: str | None = Field(
        None, description="CA bundle (PEM) for the gateway's https JWKS fetches (tyk.conf "
        "dcr_harness.jwks_ca_bundle; Tyk itself uses the system pool). E.g. ${idp.ca_bundle}.")
    clock_offset_seconds: int = Field(
        0, description="Move the gateway's clock by this many seconds (negative: the gateway is behind, i.e. the "
        "IdP's clock is ahead, so a fresh token's iat lies in the gateway's future: clock skew). Only the "
        "harness's own gateway (--gateway harness) has a clock to move: with any other gateway a non-zero "
        "value is an error before the run starts.")


class JwtSpec(Strict):
    """API → Authentication: JSON Web Token."""

    signing_method: Literal["rsa", "ecdsa", "hmac"] = "rsa"
    source: str = Field("${discovery.jwks_uri}", description="JWKS URI (stored base64-encoded, as the Dashboard does).")
    identity_base_field: str = Field("sub", description="'Identity Source'.")
    policy_field_name: str = Field("pol", description="'Policy Field Name'.")
    expires_at_validation_skew: int = 0
    issued_at_validation_skew: int = 0
    not_before_validation_skew: int = 0
    skip_kid: bool = False
    default_policies: list[str] = Field(
        default_factory=lambda: ["${policy.id}"],
        description="jwt_default_policies set in the 'default policy' step; ${policy.id} is the policy the run "
                    "creates, any other id names a policy that does not exist (e.g. one the customer deleted).")


class ApiSpec(Strict):
    name: str
    listen_path: str = "/api/"
    target_url: str | None = Field(None, description="Upstream; default: the harness's echo service.")
    strip_listen_path: bool = True
    jwt: JwtSpec = Field(default_factory=JwtSpec)


class PolicySpec(Strict):
    name: str
    key_expires_in: int = Field(3600, ge=0, description="Key expiry (seconds) — the guide asks for one.")
    rate: int = 1000
    per: int = 60
    quota_max: int = -1
    grant_api: bool = Field(True, description=(
        "Access rights include the API (false reproduces a policy that forgot it: "
        "it then grants only a stand-in 'Other API')."
    ))


class DcrSpec(Strict):
    enable_dcr: bool = True
    provider: Provider = "keycloak"
    grant_types: list[str] = Field(default_factory=lambda: ["client_credentials"])
    token_endpoint_auth_method: str = "client_secret_post"
    response_types: list[str] = Field(default_factory=lambda: ["token"])
    idp_host: str = "${idp.base_url}/"
    registration_endpoint: str = "${discovery.registration_endpoint}"
    access_token: str = "${initial_access_token}"


class CatalogueSpec(Strict):
    name: str
    override: bool = Field(True, description="'Override global settings' (per-API DCR settings).")
    dcr: DcrSpec = Field(default_factory=DcrSpec)
    global_dcr: DcrSpec | None = Field(None, description="Global portal DCR settings (Portal Management → Settings).")


class DeveloperSpec(Strict):
    email: str = "developer@example.com"
    password: str = "developer-password-1"


class ClientSpec(Strict):
    name: str = "DCR client"
    redirect_uris: str = Field("", description="Typed into one field; split by oauth_redirect_uri_separator.")
    expect_redirect_uris: list[str] | None = Field(
        None, description="The redirect URIs the developer meant: the wizard step fails when the client the "
        "IdP registered has different ones (e.g. a wrong oauth_redirect_uri_separator).")


class TokenRequestSpec(Strict):
    endpoint: str = "${discovery.token_endpoint}"
    auth_method: Literal["client_secret_post", "client_secret_basic"] = "client_secret_post"
    secret_override: str | None = Field(None, description="Send this secret instead (reproduces a wrong secret).")


class GatewayCallSpec(Strict):
    path: str = "get"
    token_override: Literal["expired", "none"] | None = Field(
        None, description="Call with an expired re-signed token or without one (negative checks).")
    expect_status: int = 200
    after_key_rotation: bool = Field(
        False, description="Call twice: first with the token (the gateway fetches and caches the IdP's JWKS), "
        "then — after the IdP rotated its signing key through its admin API (Keycloak: a new rsa-generated key "
        "provider with a higher priority) and the developer got a new token, signed with the new key — with "
        "the new token. The step's verdict is the second call's.")


class ExpectSpec(Strict):
    """What the run should do: by default every step passes."""

    fail_at: StepId | None = Field(None, description="The step expected to fail (broken scenarios).")
    diagnosis: str | None = Field(None, description="Text the failure's diagnosis must contain.")
    evidence: dict[StepId, str] = Field(
        default_factory=dict, description="Per step: text that step's evidence (PASS) or cause (FAIL) must contain.")
    outcomes: dict[StepId, Literal["PASS", "FAIL", "SKIP"]] = Field(
        default_factory=dict, description="Per step: the verdict it must end with (steps not named: PASS before "
                                          "fail_at, FAIL at it, SKIP after it, as the runner does).")


class Scenario(Strict):
    name: str
    description: str = ""
    guide: Literal["keycloak", "gluu", "custom"] = "custom"
    idp: IdpSpec = Field(default_factory=IdpSpec)
    dashboard: DashboardSpec = Field(default_factory=DashboardSpec)
    gateway: GatewaySpec = Field(default_factory=GatewaySpec)
    api: ApiSpec
    policy: PolicySpec
    catalogue: CatalogueSpec
    developer: DeveloperSpec = Field(default_factory=DeveloperSpec)
    client: ClientSpec = Field(default_factory=ClientSpec)
    token_request: TokenRequestSpec = Field(default_factory=TokenRequestSpec)
    gateway_call: GatewayCallSpec = Field(default_factory=GatewayCallSpec)
    cleanup: bool = Field(True, description="Delete the OAuth client at the end (portal → IdP, RFC 7592).")
    expect: ExpectSpec = Field(default_factory=ExpectSpec)
