"""Tyk OAS API definitions with JWT authentication: an OpenAPI 3 document whose
``x-tyk-api-gateway`` extension carries Tyk's settings, read into the classic fields the
middleware uses (as Tyk does: apidef/oas ``OAS.ExtractTo`` fills an ``APIDefinition`` and
sets ``IsOAS``), plus the OAS-only JWT claim validation of gateway/mw_jwt.go
``validateExtraClaims``.

Field names from apidef/oas (Tyk 381c1935): ``info`` (``id``, ``name``, ``orgId``,
``state.active``), ``upstream.url``, ``server.listenPath`` (``value``, ``strip``),
``server.authentication`` (``enabled``, ``securitySchemes.<name>``) and the JWT scheme
(security.go ``JWT``): ``enabled``, ``header``/``query``/``cookie`` (AuthSources),
``source``, ``signingMethod``, ``identityBaseField``, ``subjectClaims``, ``skipKid``,
``policyFieldName``, ``basePolicyClaims``, ``scopes`` (authentication.go ``Scopes``:
``claimName``, ``claims``, ``scopeToPolicyMapping``), ``defaultPolicies``, the three
``*ValidationSkew``, ``allowedIssuers``, ``allowedAudiences``, ``jtiValidation.enabled``,
``allowedSubjects``. Measured on the real gateway (POST /tyk/apis/oas): a document with
``openapi``, ``info``, ``paths``, ``components.securitySchemes.<name>`` (http bearer
JWT), ``security`` and that extension is accepted and answered as below.

Not modelled yet: ``jwksURIs`` (several IdPs), ``subjectClaims``/``basePolicyClaims``
lists beyond the first, ``customClaimValidation``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from harness.core.errors import ConfigError
from harness.tyk.gateway.decisions import Refusal
from harness.tyk.gateway.identity import identity_from_claims

EXTENSION = "x-tyk-api-gateway"

__all__ = ["EXTENSION", "OasJwt", "is_oas", "oas_api_id", "oas_to_classic", "validate_extra_claims"]


@dataclass(frozen=True)
class OasJwt:
    """The OAS-only JWT settings (gateway/mw_jwt.go validateExtraClaims)."""

    allowed_issuers: tuple[str, ...] = ()
    allowed_audiences: tuple[str, ...] = ()
    allowed_subjects: tuple[str, ...] = ()
    jti_validation: bool = False
    #: ``scopes.claims`` (or ``[claimName]``): the scope claim is the first of these the
    #: token carries (mw_jwt.go getScopeClaimNameOAS), else ``scope``.
    scope_claims: tuple[str, ...] = ()

    def scope_claim(self, claims: dict[str, Any]) -> str:
        return next((c for c in self.scope_claims if c in claims), "")


def is_oas(raw: dict[str, Any]) -> bool:
    return isinstance(raw.get(EXTENSION), dict)


def oas_api_id(raw: dict[str, Any]) -> str:
    info = raw.get(EXTENSION, {}).get("info", {})
    return str(info.get("id") or "") if isinstance(info, dict) else ""


def _obj(d: Any, *path: str) -> dict[str, Any]:
    for p in path:
        d = d.get(p) if isinstance(d, dict) else None
    return d if isinstance(d, dict) else {}


def _jwt_scheme(doc: dict[str, Any]) -> dict[str, Any] | None:
    """The enabled JWT scheme of ``server.authentication.securitySchemes`` (the one named
    by ``components.securitySchemes`` as http bearer JWT)."""
    schemes = _obj(doc, EXTENSION, "server", "authentication", "securitySchemes")
    declared = _obj(doc, "components", "securitySchemes")
    for name, scheme in schemes.items():
        spec = declared.get(name, {})
        if isinstance(scheme, dict) and isinstance(spec, dict) and spec.get("type") == "http" \
                and str(spec.get("scheme", "")).lower() == "bearer" and spec.get("bearerFormat") == "JWT":
            return scheme
    return None


def oas_to_classic(doc: dict[str, Any], source: str = "<api>") -> tuple[dict[str, Any], OasJwt | None]:
    """The classic API definition fields of an OAS document (apidef/oas ExtractTo) and its
    OAS-only JWT settings."""
    ext = _obj(doc, EXTENSION)
    info = _obj(ext, "info")
    if not info.get("id"):
        raise ConfigError(f"{source}: {EXTENSION}.info.id is empty")
    listen = _obj(ext, "server", "listenPath")
    auth = _obj(ext, "server", "authentication")
    jwt = _jwt_scheme(doc) if auth.get("enabled") else None
    classic: dict[str, Any] = {
        "api_id": info["id"], "name": info.get("name", ""), "org_id": info.get("orgId", ""),
        "active": bool(_obj(info, "state").get("active", False)), "use_keyless": not auth.get("enabled", False),
        "proxy": {"listen_path": listen.get("value", ""), "strip_listen_path": bool(listen.get("strip", False)),
                  "target_url": _obj(ext, "upstream").get("url", "")},
        "version_data": {"not_versioned": True, "versions": {"Default": {"name": "Default"}}},
    }
    if jwt is None or not jwt.get("enabled"):
        return classic, None
    header = _obj(jwt, "header")
    query = _obj(jwt, "query")
    cookie = _obj(jwt, "cookie")
    scopes = _obj(jwt, "scopes")
    claim_names = scopes.get("claims") or ([scopes["claimName"]] if scopes.get("claimName") else [])
    classic.update({
        "enable_jwt": True, "jwt_source": jwt.get("source", ""), "jwt_signing_method": jwt.get("signingMethod", ""),
        "jwt_identity_base_field": jwt.get("identityBaseField") or (jwt.get("subjectClaims") or [""])[0],
        "jwt_policy_field_name": jwt.get("policyFieldName") or (jwt.get("basePolicyClaims") or [""])[0],
        "jwt_default_policies": list(jwt.get("defaultPolicies") or []), "jwt_skip_kid": bool(jwt.get("skipKid")),
        "jwt_expires_at_validation_skew": jwt.get("expiresAtValidationSkew", 0),
        "jwt_issued_at_validation_skew": jwt.get("issuedAtValidationSkew", 0),
        "jwt_not_before_validation_skew": jwt.get("notBeforeValidationSkew", 0),
        "scopes": {"jwt": {"scope_claim_name": claim_names[0] if claim_names else "",
                           "scope_to_policy": {str(m.get("scope", "")): str(m.get("policyId", ""))
                                               for m in scopes.get("scopeToPolicyMapping") or []
                                               if isinstance(m, dict)}}},
        "auth_configs": {"jwt": {
            "auth_header_name": header.get("name", "") if header.get("enabled", True) else "",
            "disable_header": header.get("enabled") is False,
            "use_param": bool(query.get("enabled")), "param_name": query.get("name", ""),
            "use_cookie": bool(cookie.get("enabled")), "cookie_name": cookie.get("name", "")}},
    })
    extras = OasJwt(tuple(jwt.get("allowedIssuers") or ()), tuple(jwt.get("allowedAudiences") or ()),
                    tuple(jwt.get("allowedSubjects") or ()), bool(_obj(jwt, "jtiValidation").get("enabled")),
                    tuple(str(c) for c in claim_names))
    return classic, extras


def _go_list(values: list[str]) -> str:
    """fmt's %v of a []string: ``[a b]``."""
    return "[" + " ".join(values) + "]"


def validate_extra_claims(cfg: OasJwt, claims: dict[str, Any], identity_field: str, kid: Any = None,
                          skip_kid: bool = False) -> None:
    """gateway/mw_jwt.go validateExtraClaims (OAS APIs, after the time claims; a failure
    answers 401 "Key not authorized: <error>", ProcessRequest): validateIssuer,
    validateAudience, validateJTI, then validateSubjectValue on getIdentityFromToken."""
    def refuse(msg: str) -> Refusal:
        return Refusal(401, "Key not authorized: " + msg, stage="claims", reason=msg)

    if cfg.allowed_issuers:
        if "iss" not in claims:
            raise refuse("issuer claim is required but not present in token")
        iss = claims["iss"]
        if not isinstance(iss, str):
            raise refuse("issuer claim must be a string")
        if iss not in cfg.allowed_issuers:
            raise refuse(f"invalid issuer claim: {iss}")
    if cfg.allowed_audiences:
        if "aud" not in claims:
            raise refuse("audience claim is required but not present in token")
        aud = claims["aud"]
        if isinstance(aud, str):
            auds = [aud]
        elif isinstance(aud, list):
            auds = [a for a in aud if isinstance(a, str)]
        else:
            raise refuse("invalid audience claim format")
        if not any(a in cfg.allowed_audiences for a in auds):
            raise refuse(f"no matching audience found in token: {_go_list(auds)}")
    if cfg.jti_validation and "jti" not in claims:
        raise refuse("JWT ID (jti) claim is required but not present in token")
    if cfg.allowed_subjects:
        # getIdentityFromToken: the kid header wins unless skipKid, then the identity claim
        if not skip_kid and isinstance(kid, str):
            subject = kid
        else:
            try:
                subject = identity_from_claims(claims, identity_field)
            except Refusal as r:
                raise refuse(r.message) from None
        if subject not in cfg.allowed_subjects:
            raise refuse(f"invalid subject value: {subject}")
