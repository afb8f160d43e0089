"""Gluu Server 4.x (oxAuth) wire profile: every product quirk the emulator reproduces,
one field each.

Defaults model **Gluu 4.2** (4.2.1-4.2.3, the release line the Tyk Gluu guide was written
against, shared/seeds/003_*.txt); :meth:`GluuProfile.for_version` gives 4.4. Each field
says what it does, which releases behave that way and where the fact comes from. The
emulator branches on these fields, never on ``version``, and the quirks the conformance
checks expect are derived from the same instance (:mod:`harness.products.gluu.quirks`) —
shared/STYLE.md §4.

Sources named below:
* ``gluu.md`` — shared/reference/gluu.md;
* ``src:<Class>`` — oxAuth sources (GluuFederation/oxAuth, tags ``version_4.2.3`` and
  ``version_4.4.0``), e.g. ``src:RegisterRestWebServiceImpl``;
* ``ce-setup`` — the installer's defaults, GluuFederation/community-edition-setup
  ``templates/oxauth/oxauth-config.json`` (``appConfiguration`` as shipped), and
  ``templates/scopes.ldif`` (default scopes);
* ``oxauth-errors.json`` — the canned ``error_description`` texts (Server/conf).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields, replace
from typing import Any, ClassVar, Literal

from harness.core.errors import ConfigError
from harness.products.gluu.install import SCOPE_CLAIMS_42, SCOPE_CLAIMS_44

EcSerialisation = Literal["sign-byte", "stripped"]

#: ``jwksAlgorithmsSupported`` as the installer ships it (ce-setup; gluu.md "JWKS").
DEFAULT_JWKS_ALGORITHMS: tuple[str, ...] = (
    "RS256", "RS384", "RS512", "ES256", "ES384", "ES512", "PS256", "PS384", "PS512", "RSA1_5", "RSA-OAEP",
)
#: The guide's fix (step 3, "select the following options"): RSA signing algorithms only,
#: so that no EC key is published (gluu.md "The guide's fix").
GUIDE_RSA_ONLY_JWKS_ALGORITHMS: tuple[str, ...] = ("RS256", "RS384", "RS512")
#: Every algorithm the oxAuth key generator knows (src:Algorithm): signing keys, then
#: encryption keys.
KNOWN_JWKS_ALGORITHMS: tuple[str, ...] = (
    "RS256", "RS384", "RS512", "ES256", "ES384", "ES512", "PS256", "PS384", "PS512", "RSA1_5", "RSA-OAEP",
)
#: ``tokenEndpointAuthMethodsSupported`` (ce-setup).
DEFAULT_AUTH_METHODS: tuple[str, ...] = (
    "client_secret_basic", "client_secret_post", "client_secret_jwt", "private_key_jwt",
    "tls_client_auth", "self_signed_tls_client_auth",
)
#: ``grantTypesSupported`` (ce-setup).
DEFAULT_GRANT_TYPES_SUPPORTED: tuple[str, ...] = (
    "authorization_code", "implicit", "password", "client_credentials", "refresh_token",
    "urn:ietf:params:oauth:grant-type:uma-ticket", "urn:ietf:params:oauth:grant-type:device_code",
)
#: ``dynamicGrantTypeDefault``: the grant types a dynamically registered client may keep;
#: others are dropped silently (ce-setup; src:RegisterRestWebServiceImpl
#: ``grantTypeSet.retainAll(dynamicGrantTypeDefault)``). ``password`` is not in it.
DEFAULT_DYNAMIC_GRANT_TYPES: tuple[str, ...] = (
    "authorization_code", "implicit", "client_credentials", "refresh_token",
    "urn:ietf:params:oauth:grant-type:uma-ticket", "urn:ietf:params:oauth:grant-type:device_code",
)
#: ``responseTypesSupported``: the response-type *sets* a client may register; any other
#: combination is cleared to ``[]`` (ce-setup; src:RegisterRestWebServiceImpl).
DEFAULT_RESPONSE_TYPE_SETS: tuple[tuple[str, ...], ...] = (
    ("code",), ("code", "id_token"), ("token",), ("token", "id_token"),
    ("code", "token"), ("code", "token", "id_token"), ("id_token",),
)
#: ``idTokenSigningAlgValuesSupported`` = ``requestObjectSigningAlgValuesSupported`` of
#: 4.2 (ce-setup version_4.2.3 templates/oxauth-config.json): no PS* algorithms.
DEFAULT_ID_TOKEN_ALGS: tuple[str, ...] = (
    "none", "HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "ES256", "ES384", "ES512",
)
#: The same lists of 4.4 (ce-setup version_4.4.0 templates/oxauth/oxauth-config.json) add PS256/384/512.
ID_TOKEN_ALGS_44: tuple[str, ...] = DEFAULT_ID_TOKEN_ALGS + ("PS256", "PS384", "PS512")
#: ``userInfoSigningAlgValuesSupported`` = ``tokenEndpointAuthSigningAlgValuesSupported`` of
#: 4.2 (ce-setup version_4.2.3): the id-token list without ``none``.
DEFAULT_SIGNING_ALGS: tuple[str, ...] = DEFAULT_ID_TOKEN_ALGS[1:]
#: The same lists of 4.4 (ce-setup version_4.4.0): with PS*.
SIGNING_ALGS_44: tuple[str, ...] = ID_TOKEN_ALGS_44[1:]
#: Scopes with ``defaultScope: true`` in a fresh install: every dynamically registered
#: client gets them (ce-setup scopes.ldif; src:RegisterRestWebServiceImpl
#: ``scopeService.getDefaultScopesDn()``).
DEFAULT_CLIENT_SCOPES: tuple[str, ...] = ("openid", "uma_protection", "oxd", "permission", "offline_access")
#: Claims of a client_credentials JWT access token, in the order oxAuth writes them
#: (src:AuthorizationGrant.createAccessTokenAsJwt; gluu.md "Token endpoint"). The grant has
#: no user, so there is no ``sub``; there is no ``jti`` either (``code`` identifies the token).
JWT_ACCESS_TOKEN_CLAIMS: tuple[str, ...] = ("iss", "aud", "exp", "iat", "scope", "client_id", "token_type", "code")

_VERSION_RE = re.compile(r"^4\.(\d+)(?:\.(\d+))?(?:\.sp\d+)?$")


def _parse_version(version: str) -> tuple[int, int | None]:
    m = _VERSION_RE.match(version)
    if not m:
        raise ConfigError(
            f"GluuProfile: version {version!r} is not a Gluu 4.x release",
            hint='use "4.2" (the guide\'s release) or "4.4"',
        )
    return int(m.group(1)), (int(m.group(2)) if m.group(2) is not None else None)


def ec_serialisation_for(version: str) -> EcSerialisation:
    """How oxAuth ``version`` writes EC JWK coordinates (src:OxAuthCryptoProvider.generateKey):

    * 4.0 - 4.2.0: ``Base64Util.base64urlencodeUnsignedBigInt`` (strip one leading 0x00,
      no left padding) → ``stripped``;
    * 4.2.1 - 4.3.x: commit a74049b4 ("(4.2.1) Fixed issue with x/y encoding for P-521")
      went back to ``BigInteger.toByteArray()`` → ``sign-byte``. ``"4.2"`` without a patch
      number means this line (the guide's);
    * 4.4+: commit 0f959135 (oxAuth #1595, "invalid length of ec key attributes
      (length > 32)") → ``stripped`` again.
    """
    minor, patch = _parse_version(version)
    if minor < 2 or (minor == 2 and patch == 0):
        return "stripped"
    if minor in (2, 3):
        return "sign-byte"
    return "stripped"


@dataclass(frozen=True)
class GluuProfile:
    """How one Gluu 4 (oxAuth) release behaves on the wire (RFC 7591/7592, RFC 6749 §4.4,
    RFC 7517). Build it with :meth:`for_version`; override single fields with
    :func:`dataclasses.replace`."""

    #: The product this profile belongs to (harness.products.detect).
    product: ClassVar[str] = "gluu"

    #: Release modelled ("4.2" = 4.2.1-4.2.3, "4.4"). Informational except that
    #: ``ec_coordinate_serialisation`` must agree with it (see ``__post_init__``).
    version: str = "4.2"

    # --- Paths -------------------------------------------------------------------
    #: oxAuth's context path: endpoints live at ``<base><context_path>/restv1/...``;
    #: discovery is served at the server root (gluu.md "Endpoints"; Janssen uses
    #: ``/jans-auth``, docs/gluu-vs-janssen.md).
    context_path: str = "/oxauth"

    # --- RFC 7591 registration ---------------------------------------------------
    #: Status of a successful registration: ``Response.ok()`` in Gluu 4 (gluu.md;
    #: src:RegisterRestWebServiceImpl.registerClientImpl). RFC 7591 §3.2.1 says 201;
    #: Janssen answers 201.
    registration_status: int = 200
    #: Open registration (``dynamicRegistrationEnabled``, ce-setup: true). When false,
    #: POST/GET/DELETE answer 400 ``access_denied`` (src:RegisterRestWebServiceImpl);
    #: PUT does not check it in 4.x.
    dynamic_registration_enabled: bool = True
    #: A body that is not a JSON object, or a list member that is not a JSON array, throws
    #: ``JSONException``: 500 ``invalid_client_metadata`` (reason "Failed to parse JSON.")
    #: instead of 400 (src:RegisterRestWebServiceImpl ``internalErrorResponse``).
    malformed_registration_status: int = 500
    #: ``subject_type`` when the request has none, or an unknown value (``fromString``
    #: gives null → default): ``defaultSubjectType`` (gluu.md; ce-setup "pairwise").
    default_subject_type: str = "pairwise"
    #: ``subjectTypesSupported`` (ce-setup).
    subject_types_supported: tuple[str, ...] = ("public", "pairwise")
    #: ``token_endpoint_auth_method`` when omitted: "If omitted, the default is
    #: client_secret_basic" (gluu.md; src:RegisterRestWebServiceImpl.updateClientFromRequestObject).
    default_auth_method: str = "client_secret_basic"
    #: ``tokenEndpointAuthMethodsSupported`` (ce-setup). A known method outside this list
    #: (``none``) is refused: 400 invalid_client_metadata (src:RegisterParamsValidator.validateAlgorithms).
    token_endpoint_auth_methods_supported: tuple[str, ...] = DEFAULT_AUTH_METHODS
    #: An auth method oxAuth does not know at all (``AuthenticationMethod.fromString`` →
    #: null) is not refused but silently replaced by ``default_auth_method``
    #: (src:RegisterRequest.fromJson + updateClientFromRequestObject).
    unknown_auth_method_becomes_default: bool = True
    #: ``access_token_as_jwt`` when omitted: false → opaque (UUID) access tokens (gluu.md;
    #: src:RegisterRequest.fromJson ``optBoolean``). The Tyk gateway needs JWTs.
    access_token_as_jwt_default: bool = False
    #: ``defaultSignatureAlgorithm`` (ce-setup): the fallback for ``access_token_signing_alg``
    #: and ``id_token_signed_response_alg``; both are always echoed.
    default_signature_algorithm: str = "RS256"
    #: ``idTokenSigningAlgValuesSupported`` (ce-setup); a requested
    #: ``id_token_signed_response_alg`` outside it → 400 invalid_client_metadata.
    id_token_signing_alg_values_supported: tuple[str, ...] = DEFAULT_ID_TOKEN_ALGS
    #: ``requestObjectSigningAlgValuesSupported`` (ce-setup; 4.2 without PS*, 4.4 with);
    #: a known algorithm outside it → 400 invalid_client_metadata "Parameter
    #: request_object_signing_alg is not valid." (src:RegisterParamsValidator.validateAlgorithms).
    request_object_signing_alg_values_supported: tuple[str, ...] = DEFAULT_ID_TOKEN_ALGS
    #: ``userInfoSigningAlgValuesSupported`` (ce-setup; no ``none``; 4.2 without PS*, 4.4 with);
    #: enforced on ``userinfo_signed_response_alg`` like the id-token list.
    userinfo_signing_alg_values_supported: tuple[str, ...] = DEFAULT_SIGNING_ALGS
    #: ``tokenEndpointAuthSigningAlgValuesSupported`` (ce-setup; as the userinfo list);
    #: enforced on ``token_endpoint_auth_signing_alg``.
    token_endpoint_auth_signing_alg_values_supported: tuple[str, ...] = DEFAULT_SIGNING_ALGS
    #: ``dynamicRegistrationPasswordGrantTypeEnabled``: absent from ce-setup, so the
    #: AppConfiguration default ``false`` (src:AppConfiguration line 124 in 4.2.3, 125 in
    #: 4.4.0). A registration asking for the ``password`` grant is then refused: 400
    #: access_denied "Password Grant Type is not allowed for Dynamic Client Registration."
    #: (src:RegisterRestWebServiceImpl.registerClientImpl lines 168-172 in 4.2.3).
    dynamic_registration_password_grant_type_enabled: bool = False
    #: Scopes listed by discovery with their claims (ce-setup scopes.ldif/attributes.ldif;
    #: :data:`harness.products.gluu.install.SCOPE_CLAIMS_42` / ``SCOPE_CLAIMS_44``).
    scope_claims: tuple[tuple[str, tuple[str, ...]], ...] = SCOPE_CLAIMS_42
    #: Response types whose presence makes ``redirect_uris`` mandatory: else 400
    #: invalid_client_metadata, reason "Redirect uris are empty." — the guide's
    #: "Response Types: token" without a redirect URL (gluu.md;
    #: src:RegisterParamsValidator.validateParamsClientRegister).
    redirect_uris_required_for: tuple[str, ...] = ("code", "token", "id_token")
    #: ``application_type: web`` (the default) accepts ``http`` redirect URIs only on these
    #: hosts; others → 400 invalid_redirect_uri (src:RegisterParamsValidator.validateRedirectUris).
    http_redirect_hosts: tuple[str, ...] = ("localhost", "127.0.0.1")
    #: 4.0-4.3 always fix up grant/response types on registration
    #: (``clientRegDefaultToCodeFlowWithRefresh`` and "token/id_token ⇒ implicit"): the guide's
    #: ``response_types: [token]`` + ``client_credentials`` comes back as
    #: ``[client_credentials, implicit]``. 4.4 gates that behind
    #: ``grantTypesAndResponseTypesAutofixEnabled`` (ce-setup: false), so grants are echoed
    #: (src:RegisterRestWebServiceImpl, diff version_4.2.3..version_4.4.0).
    grant_type_autofix: bool = True
    #: ``grantTypesSupported`` (ce-setup).
    grant_types_supported: tuple[str, ...] = DEFAULT_GRANT_TYPES_SUPPORTED
    #: ``dynamicGrantTypeDefault`` (ce-setup): other grants are dropped without an error.
    dynamic_grant_types: tuple[str, ...] = DEFAULT_DYNAMIC_GRANT_TYPES
    #: ``responseTypesSupported`` (ce-setup): other response-type sets are cleared to [].
    response_type_sets_supported: tuple[tuple[str, ...], ...] = DEFAULT_RESPONSE_TYPE_SETS
    #: Scopes a new client gets (the ``defaultScope: true`` ones; a requested ``scope`` is
    #: intersected with them because ``dynamicRegistrationScopesParamEnabled`` is true).
    default_client_scopes: tuple[str, ...] = DEFAULT_CLIENT_SCOPES
    #: ``client_secret`` is in registration, read and update answers only when
    #: ``returnClientSecretOnRead`` is on (ce-setup: true; class default false).
    return_client_secret_on_read: bool = True
    #: Errors carry a ``reason`` member only when ``errorReasonEnabled`` is on (gluu.md;
    #: src:ErrorResponseFactory.errorAsJson; AppConfiguration default false).
    error_reason_enabled: bool = False

    # --- RFC 7592 management -----------------------------------------------------
    #: GET/PUT with a registration access token that does not match: 400
    #: ``invalid_token`` (gluu.md "Gluu 4 quirk"; RFC 6750 §3.1 says 401; Janssen 401).
    bad_rat_status_get_put: int = 400
    #: DELETE with a registration access token that does not match: 401 invalid_token
    #: (gluu.md; src:RegisterRestWebServiceImpl.delete).
    bad_rat_status_delete: int = 401
    #: Missing/blank token or client_id on GET/PUT/DELETE: 400 invalid_client_metadata
    #: (src:RegisterParamsValidator.validateParamsClientRead).
    missing_rat_status: int = 400
    #: The registration access token is never rotated (gluu.md; the 4.x sources have no
    #: rotation; Janssen added ``rotateClientRegistrationAccessTokenOnUsage``, default false).
    rotates_rat: bool = False
    #: Members a PUT resets to their registration defaults when the body omits them,
    #: while other omitted members keep their values. ``RegisterRequest.fromJson`` never
    #: yields null for them (``optBoolean`` → false, ``application_type`` → web), and
    #: updateClientFromRequestObject's ``else`` branches (auth method → client_secret_basic,
    #: scopes → default scopes) run for updates too (src:RegisterRestWebServiceImpl,
    #: src:RegisterRequest). A PUT without ``access_token_as_jwt`` turns JWT access tokens off.
    update_resets_omitted: tuple[str, ...] = (
        "token_endpoint_auth_method", "access_token_as_jwt", "application_type", "scope",
    )
    #: A PUT is applied to the stored client (requestClientUpdate calls
    #: updateClientFromRequestObject on it): members the body omits keep their values,
    #: except ``update_resets_omitted`` (src:RegisterRestWebServiceImpl). RFC 7592 §2.2
    #: says omitted members are deleted; when false the emulator rebuilds the client from
    #: the body alone, as a registration would.
    update_keeps_omitted: bool = True

    # --- Token endpoint (RFC 6749 §4.4, §5) -----------------------------------------
    #: ``token_type`` in lower case (gluu.md; src:TokenType ``BEARER("bearer")`` through
    #: 4.5; Janssen answers "Bearer").
    token_type: str = "bearer"
    #: ``accessTokenLifetime`` in seconds (ce-setup 300).
    access_token_lifetime: int = 300
    #: ``expires_in`` is computed from the expiration date at answer time and truncated,
    #: so a fresh 300 s token reports 299 (gluu.md "expires_in: ~299"; src:AbstractToken.getExpiresIn).
    expires_in_lag: int = 1
    #: The registered ``token_endpoint_auth_method`` is enforced: Basic for a
    #: ``client_secret_post`` client (or the reverse) → 401 invalid_client (gluu.md;
    #: src:AuthenticationFilter.processBasicAuth / processPostAuth).
    strict_auth_method: bool = True
    #: Realm of ``WWW-Authenticate: Basic realm="oxAuth"`` sent with every 401 from the
    #: client authentication filter, whatever method was tried (src:AuthenticationFilter.REALM).
    invalid_client_realm: str = "oxAuth"
    #: ``scope`` is in the token answer only when the request carried ``scope``
    #: (src:TokenRestWebServiceImpl.getJSonResponse ``if (scope != null)``); the JWT
    #: ``scope`` claim is then the granted list, else ``[]``.
    token_scope_only_when_requested: bool = True
    #: An unknown ``grant_type`` makes ``TokenParamsValidator.validateParams`` switch on
    #: null: the NullPointerException ends as an empty 500 (src:TokenRestWebServiceImpl),
    #: not 400 unsupported_grant_type.
    unknown_grant_type_status: int = 500
    #: Claims of a client_credentials JWT access token, in order (see
    #: ``JWT_ACCESS_TOKEN_CLAIMS``): no ``sub`` (the grant's user is empty — why the Gluu
    #: guide sets Tyk's identity source to ``client_id``, gluu.md) and no ``jti``
    #: (src:AuthorizationGrant.createAccessTokenAsJwt). A subset drops claims.
    jwt_access_token_claims: tuple[str, ...] = JWT_ACCESS_TOKEN_CLAIMS
    #: JOSE header ``typ`` of JWT access tokens: ``JWT`` (src:JwtSigner.newJwt
    #: ``setType(JwtType.JWT)``), not RFC 9068's ``at+jwt``.
    access_token_typ: str = "JWT"

    # --- JWKS (RFC 7517) -----------------------------------------------------------
    #: ``jwksAlgorithmsSupported``: the JWKS endpoint publishes only keys whose ``alg`` is
    #: listed (an empty list publishes all); signing still uses every key in the keystore
    #: (gluu.md; src:JwkRestWebServiceImpl.filterKeys). Changed by the admin step.
    jwks_algorithms_supported: tuple[str, ...] = DEFAULT_JWKS_ALGORITHMS
    #: How EC coordinates are written (gluu.md "EC coordinate bug"; see
    #: :func:`ec_serialisation_for`): ``sign-byte`` = Java ``BigInteger.toByteArray()``
    #: (a 0x00 sign byte when the top bit is set → 33-byte P-256 coordinate, 49-byte P-384;
    #: minimal length otherwise); ``stripped`` = that minus one leading 0x00 and no left
    #: padding (a coordinate with a leading zero byte comes out 31 bytes for P-256).
    ec_coordinate_serialisation: EcSerialisation = "sign-byte"
    #: Every JWK carries ``crv``, as ``""`` for RSA keys (src:JSONWebKey.toJSONObject
    #: ``crv != null ? crv.getName() : ""``).
    rsa_jwk_empty_crv: bool = True
    #: Keys carry an ``x5c`` self-signed certificate chain (src:OxAuthCryptoProvider.generateKey).
    jwks_include_x5c: bool = True
    #: JWK ``exp`` = key creation + this many hours, in **milliseconds** since the epoch
    #: (gluu.md; ce-setup ``keyRegenerationInterval`` 48).
    key_lifetime_hours: int = 48

    def __post_init__(self) -> None:
        problems: list[str] = []
        expected_ec = ec_serialisation_for(self.version)  # raises for a non-4.x version
        if self.ec_coordinate_serialisation not in ("sign-byte", "stripped"):
            problems.append(
                f"ec_coordinate_serialisation must be 'sign-byte' or 'stripped', not {self.ec_coordinate_serialisation!r}"
            )
        elif self.ec_coordinate_serialisation != expected_ec:
            problems.append(
                f"ec_coordinate_serialisation {self.ec_coordinate_serialisation!r} contradicts version "
                f"{self.version} (which writes {expected_ec!r})"
            )
        if self.registration_status not in (200, 201):
            problems.append(f"registration_status must be 200 or 201, not {self.registration_status}")
        for name in ("bad_rat_status_get_put", "bad_rat_status_delete", "missing_rat_status"):
            if getattr(self, name) not in (400, 401):
                problems.append(f"{name} must be 400 or 401, not {getattr(self, name)}")
        if self.token_type.lower() != "bearer":
            problems.append(f"token_type must be 'bearer' in some case, not {self.token_type!r}")
        if self.default_subject_type not in self.subject_types_supported:
            problems.append(
                f"default_subject_type {self.default_subject_type!r} is not in subject_types_supported"
            )
        if self.default_auth_method not in self.token_endpoint_auth_methods_supported:
            problems.append(
                f"default_auth_method {self.default_auth_method!r} is not in token_endpoint_auth_methods_supported"
            )
        unknown_algs = [a for a in self.jwks_algorithms_supported if a not in KNOWN_JWKS_ALGORITHMS]
        if unknown_algs:
            problems.append(f"jwks_algorithms_supported has unknown algorithms {unknown_algs}")
        if self.default_signature_algorithm not in KNOWN_JWKS_ALGORITHMS[:9]:
            problems.append(f"default_signature_algorithm {self.default_signature_algorithm!r} is not a signing algorithm")
        if self.access_token_lifetime <= self.expires_in_lag or self.expires_in_lag < 0:
            problems.append("access_token_lifetime must exceed expires_in_lag, and the lag cannot be negative")
        if not set(self.dynamic_grant_types) <= set(self.grant_types_supported):
            problems.append("dynamic_grant_types must be a subset of grant_types_supported")
        if "client_credentials" not in self.dynamic_grant_types:
            problems.append("dynamic_grant_types without client_credentials cannot run the guide")
        if not self.context_path.startswith("/") or self.context_path.endswith("/"):
            problems.append(f"context_path {self.context_path!r} must start with '/' and not end with one")
        if self.key_lifetime_hours <= 0:
            problems.append("key_lifetime_hours must be positive")
        unknown_claims = [c for c in self.jwt_access_token_claims if c not in JWT_ACCESS_TOKEN_CLAIMS]
        if unknown_claims:
            problems.append(f"jwt_access_token_claims has claims oxAuth does not write: {unknown_claims}")
        if not self.access_token_typ:
            problems.append("access_token_typ cannot be empty")
        if problems:
            raise ConfigError("GluuProfile: " + "; ".join(problems), hint="fix the profile fields")

    @classmethod
    def for_version(cls, version: str = "4.2", **overrides: Any) -> GluuProfile:
        """The profile of Gluu ``version`` ("4.2" or "4.4"; any 4.x is accepted), with
        ``overrides`` applied last. Version-dependent fields: ``ec_coordinate_serialisation``
        and ``grant_type_autofix`` (autofix is always on before 4.4); from 4.4 the
        signing-algorithm lists carry PS* and two scopes carry more claims."""
        minor, _ = _parse_version(version)
        base: dict[str, Any] = {
            "version": version,
            "ec_coordinate_serialisation": ec_serialisation_for(version),
            "grant_type_autofix": minor < 4,
        }
        if minor >= 4:
            # ce-setup version_4.4.0 adds PS256/384/512 to the signing lists and claims to
            # the profile and address scopes (4.3 is not modelled separately: 4.2 values)
            base.update(
                id_token_signing_alg_values_supported=ID_TOKEN_ALGS_44,
                request_object_signing_alg_values_supported=ID_TOKEN_ALGS_44,
                userinfo_signing_alg_values_supported=SIGNING_ALGS_44,
                token_endpoint_auth_signing_alg_values_supported=SIGNING_ALGS_44,
                scope_claims=SCOPE_CLAIMS_44,
            )
        base.update(overrides)
        return cls(**base)

    def with_(self, **changes: Any) -> GluuProfile:
        """A copy with ``changes`` (validated again)."""
        return replace(self, **changes)

    def endpoint_path(self, name: str) -> str:
        """``/oxauth/restv1/<name>`` (``register``, ``token``, ``jwks``, ...)."""
        return f"{self.context_path}/restv1/{name}"

    @classmethod
    def describe(cls) -> list[dict[str, Any]]:
        """Field name, type and default of every quirk (for generated docs)."""
        return [{"name": f.name, "type": str(f.type), "default": f.default} for f in fields(cls)]
