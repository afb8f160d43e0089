"""Tyk classic API definitions (``apidef.APIDefinition``): the fields the gateway uses.

A customer's real export must load unchanged: every field is kept in ``raw`` (and
served back by ``GET /tyk/apis``); only the fields below are read, type-checked like
Go's decoder would, and refused with a one-line :class:`ConfigError` naming the file
and field. Field names and defaults follow Tyk's ``apidef/api_definitions.go``.
Keys Tyk's decoder would drop (typos, fields of another product) are listed in
``warnings`` (harness.tyk.gateway.fieldschema, against the schema generated from Tyk's structs).
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlsplit

from harness.tyk.gateway.fields import FieldReader
from harness.tyk.gateway.fieldschema import API_DEFINITION, unknown_fields
from harness.tyk.gateway.oas import OasJwt, is_oas, oas_to_classic

log = logging.getLogger(__name__)

#: ``jwt_signing_method`` values Tyk knows; anything else (and "") behaves like hmac
#: (gateway/mw_jwt.go assertSigningMethod, default branch).
SIGNING_METHODS = ("rsa", "ecdsa", "hmac")


@dataclass(frozen=True)
class AuthConfig:
    """Where the credential is read (``apidef.AuthConfig``)."""

    auth_header_name: str = ""
    disable_header: bool = False
    use_param: bool = False
    param_name: str = ""
    use_cookie: bool = False
    cookie_name: str = ""


@dataclass(frozen=True)
class ApiDefinition:
    api_id: str
    name: str
    org_id: str
    active: bool
    use_keyless: bool
    enable_jwt: bool
    jwt_signing_method: str
    jwt_source: str
    jwt_identity_base_field: str
    jwt_policy_field_name: str
    jwt_default_policies: tuple[str, ...]
    jwt_skip_kid: bool
    jwt_expires_at_validation_skew: int
    jwt_issued_at_validation_skew: int
    jwt_not_before_validation_skew: int
    #: The auth config used for JWT: ``auth_configs["jwt"]`` when present, else ``auth``
    #: (gateway/middleware.go getAuthToken).
    auth: AuthConfig
    listen_path: str
    target_url: str
    strip_listen_path: bool
    strip_auth_data: bool
    disable_rate_limit: bool
    disable_quota: bool
    not_versioned: bool
    default_version: str
    version_location: str
    version_key: str
    source: str = "<api>"
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    #: One line per key Tyk would ignore: ``<source>: unknown field 'x' (did you mean 'y'?)``.
    warnings: tuple[str, ...] = field(default=(), compare=False, repr=False)
    #: The claim holding the token's scopes (apidef/api_definitions.go GetScopeClaimName:
    #: ``scopes.jwt.scope_claim_name`` — ``scopes.oidc`` with ``use_openid`` — unless
    #: ``scopes`` is empty, then the deprecated ``jwt_scope_claim_name``); "" means
    #: ``scope`` (gateway/mw_jwt.go scopeClaimNameForRequest).
    scope_claim_name: str = ""
    #: Scope → policy id (GetScopeToPolicyMapping, the same precedence); empty: no mapping.
    scope_to_policy: Mapping[str, str] = field(default_factory=dict, compare=False)
    #: A Tyk OAS definition's OAS-only JWT settings (harness.tyk.gateway.oas); None: classic.
    oas_jwt: OasJwt | None = None
    is_oas: bool = False

    @property
    def signing_family(self) -> str:
        """``rsa``, ``ecdsa`` or ``hmac`` (empty and unknown methods act as hmac)."""
        return self.jwt_signing_method if self.jwt_signing_method in ("rsa", "ecdsa") else "hmac"


def parse_apidef(raw: dict[str, Any], source: str = "<api>") -> ApiDefinition:
    """Validate and read one API definition (classic, or Tyk OAS read into the classic
    fields by :func:`harness.tyk.gateway.oas.oas_to_classic`); ``source`` names it in errors."""
    if is_oas(raw):
        classic, extras = oas_to_classic(raw, source)
        api = parse_apidef(classic, source)
        return replace(api, raw=copy.deepcopy(raw), warnings=(), oas_jwt=extras, is_oas=True)
    r = FieldReader(raw, source)
    api_id = r.string("api_id")
    if not api_id:
        if isinstance(raw.get("api_definition"), dict):  # GET /api/apis/{id} of the Dashboard
            raise r.fail("api_id", "is empty: this is a Dashboard export",
                         hint="Tyk's app_path takes the object under \"api_definition\" on its own")
        raise r.fail("api_id", "is empty", hint="every API definition needs a unique api_id")
    method = r.string("jwt_signing_method")
    if method and method not in SIGNING_METHODS:
        log.warning("%s: jwt_signing_method %r is not rsa/ecdsa/hmac: Tyk treats it as hmac", source, method)
    proxy = r.child("proxy")
    listen_path = proxy.string("listen_path")
    if not listen_path:
        raise proxy.fail("listen_path", "is empty (Tyk skips such an API)", hint='e.g. "/keycloak-api/"')
    if " " in listen_path:
        raise proxy.fail("listen_path", "contains a space (Tyk skips such an API)")
    target = proxy.string("target_url")
    parts = urlsplit(target)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise proxy.fail("target_url", f"must be an absolute http(s) URL, got {target!r}")
    auth = _auth_config(r)
    version_data = r.child("version_data")
    definition = r.child("definition")
    return ApiDefinition(
        api_id=api_id,
        name=r.string("name"),
        org_id=r.string("org_id"),
        active=r.boolean("active"),
        use_keyless=r.boolean("use_keyless"),
        enable_jwt=r.boolean("enable_jwt"),
        jwt_signing_method=method,
        jwt_source=r.string("jwt_source"),
        jwt_identity_base_field=r.string("jwt_identity_base_field"),
        jwt_policy_field_name=r.string("jwt_policy_field_name"),
        jwt_default_policies=tuple(r.string_list("jwt_default_policies")),
        jwt_skip_kid=r.boolean("jwt_skip_kid"),
        # uint64 in Go: a negative skew makes the definition fail to load.
        jwt_expires_at_validation_skew=r.integer("jwt_expires_at_validation_skew", unsigned=True),
        jwt_issued_at_validation_skew=r.integer("jwt_issued_at_validation_skew", unsigned=True),
        jwt_not_before_validation_skew=r.integer("jwt_not_before_validation_skew", unsigned=True),
        auth=auth,
        listen_path=listen_path,
        target_url=target,
        strip_listen_path=proxy.boolean("strip_listen_path"),
        strip_auth_data=r.boolean("strip_auth_data"),
        disable_rate_limit=r.boolean("disable_rate_limit"),
        disable_quota=r.boolean("disable_quota"),
        not_versioned=version_data.boolean("not_versioned"),
        default_version=version_data.string("default_version"),
        version_location=definition.string("location"),
        version_key=definition.string("key"),
        source=source,
        raw=copy.deepcopy(raw),
        warnings=tuple(unknown_fields(raw, API_DEFINITION, source)),
        **_scopes(r),
    )


def _scopes(r: FieldReader) -> dict[str, Any]:
    """``scope_claim_name`` and ``scope_to_policy`` as apidef/api_definitions.go
    GetScopeClaimName / GetScopeToPolicyMapping read them: ``scopes`` (``jwt``, or
    ``oidc`` when ``use_openid``) unless ``scopes`` is empty (reflect.IsEmpty), else the
    deprecated ``jwt_scope_claim_name`` / ``jwt_scope_to_policy_mapping``."""
    scopes = r.child("scopes")
    claims = {kind: (scopes.child(kind).string("scope_claim_name"),
                     _string_map(scopes.child(kind), "scope_to_policy")) for kind in ("jwt", "oidc")}
    if not any(name or mapping for name, mapping in claims.values()):
        return {"scope_claim_name": r.string("jwt_scope_claim_name"),
                "scope_to_policy": _string_map(r, "jwt_scope_to_policy_mapping")}
    name, mapping = claims["oidc" if r.boolean("use_openid") else "jwt"]
    return {"scope_claim_name": name, "scope_to_policy": mapping}


def _string_map(r: FieldReader, name: str) -> dict[str, str]:
    """A ``map[string]string`` field (null or absent: empty)."""
    values = r.object_map(name)
    for key, value in values.items():
        if not isinstance(value, str):
            raise r.fail(f"{name}.{key}", f"must be a string, got {type(value).__name__}")
    return dict(values)


def _auth_config(r: FieldReader) -> AuthConfig:
    configs = r.object_map("auth_configs")
    for name in configs:  # Go decodes every entry into AuthConfig
        r.child("auth_configs").child(name)
    if "jwt" in configs:
        a = r.child("auth_configs").child("jwt")
    else:
        a = r.child("auth")
    return AuthConfig(
        auth_header_name=a.string("auth_header_name"),
        disable_header=a.boolean("disable_header"),
        use_param=a.boolean("use_param"),
        param_name=a.string("param_name"),
        use_cookie=a.boolean("use_cookie"),
        cookie_name=a.string("cookie_name"),
    )
