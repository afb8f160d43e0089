"""JWT cases translated from Tyk's own tests (gateway/mw_jwt_test.go), as families:
scope-to-policy mapping (TestJWTScopeToPolicyMapping, TestGetScopeFromClaim,
TestJWT_ScopeMappingOnly_NoDefaultPolicies, TestJWT_ScopeMappingWithPartialMatch; classic
``jwt_scope_claim_name``/``jwt_scope_to_policy_mapping`` and ``scopes.jwt``),
default policies (TestJWTDefaultPolicies, TestJWT_NoDefaultPolicies_NoScopeMapping_NoPolicyClaim),
the policy claim (TestGetPolicyIDFromToken), identity fallbacks (TestGetUserIDFromClaim,
TestJWTRSAIdInClaimsWithBaseField), key sources and their errors
(TestJWTSessionRSAWithRawSource, TestJWTRSAInvalidPublickKey), skews and expiry
(TestJWTSession*ValidationConfigs, TestJWTExpOverride), rate limit and quota, and Tyk OAS
API definitions with their claim validation (TestJWTExtraClaimsValidation,
TestJWTMiddleware_getScopeClaimNameOAS).

Every expected answer was measured on the real gateway (fixtures/tyk/differential/jwt-cases.json,
harness.tyk.gateway.differential) and each rule of the harness gateway cites the
gateway/mw_jwt.go function it mirrors. Gateway tests only (not conformance checks).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from harness.tyk.gateway.jwt_cases.model import (
    BEFORE_ISSUED,
    CORRUPT_PEM,
    CORRUPT_PEM_API,
    DROP,
    EXPIRED,
    KNA,
    NO_POLICY,
    NO_POLICY_FOUND,
    NOT_YET,
    POLICY2_ID,
    POLICY_ID,
    SCOPE_API,
    SESSION_EXPIRED,
    SRC_IDENTITY,
    SRC_KEY,
    SRC_POLICY,
    SRC_SESSION,
    SRC_TIME,
    ApiSpec,
    JwtCase,
    Keys,
    Runner,
    b64,
    token,
)

NO_POLICY_IN_SCOPE = "key not authorized: no matching policy found in scope claim"
NO_SCOPE_OR_POLICY = "key not authorized: no scope or policy in token"
SEVERAL = "key not authorized: could not apply several policies"
NO_SUITABLE = "no suitable claims for user ID were found"
EMPTY_BASE = "found an empty user ID in predefined base claim, claim: "
EMPTY_SUB = "found an empty user ID in sub claim"
RATE = "Rate Limit Exceeded"
QUOTA = "Quota exceeded"
SRC_SCOPE = "gateway/mw_jwt.go processCentralisedJWT (scope mapping), getScopeFromClaim, mapScopeToPolicies"
TEST = "gateway/mw_jwt_test.go "

#: scope → policy of the scope-mapping APIs ("ghost" is not a loaded policy).
MAPPING = {"read": POLICY2_ID, "write": POLICY_ID, "admin": "ghost"}


def _scope_api(form: str, claim: str = "", *, defaults: bool = True, n: str = "") -> ApiSpec:
    """An RSA API with the scope mapping written in one of Tyk's three forms: the
    deprecated classic fields, ``scopes.jwt``, ``scopes.oidc`` with ``use_openid``."""
    tag = f"{form}{'-' + claim.replace('.', '_') if claim else ''}{'' if defaults else '-nodef'}{n}"
    fields: dict[str, Any] = {}
    if form == "classic":
        fields = {"jwt_scope_claim_name": claim, "jwt_scope_to_policy_mapping": dict(MAPPING)}
    elif form == "scopes":
        fields = {"scopes": {"jwt": {"scope_claim_name": claim, "scope_to_policy": dict(MAPPING)}}}
    else:
        fields = {"use_openid": True, "scopes": {"oidc": {"scope_claim_name": claim, "scope_to_policy": dict(MAPPING)}}}
    if not defaults:
        fields["jwt_default_policies"] = []
    return ApiSpec(f"dcr-harness-scope-{tag}", f"/jwt-scope-{tag}/", "good", fields=fields)


def _tok(**claims: Any) -> Callable[[Keys], str]:
    return lambda k: token(k, payload=k.claims(**claims))


# --- scope-to-policy mapping ---------------------------------------------------------
#: (id part, scope claim value, expected with default policies, expected without)
SCOPE_TOKENS: tuple[tuple[str, Any, tuple[int, str], tuple[int, str]], ...] = (
    ("READ", "read", (200, ""), (200, "")),
    ("WRITE", "write", (200, ""), (200, "")),
    ("READ-WRITE", "read write", (200, ""), (200, "")),
    ("UNMAPPED", "openid", (403, NO_POLICY_IN_SCOPE), (403, NO_POLICY_IN_SCOPE)),
    ("PARTIAL", "openid read", (200, ""), (200, "")),
    ("EMPTY-STRING", "", (403, NO_POLICY_IN_SCOPE), (403, NO_POLICY_IN_SCOPE)),
    ("DOUBLE-SPACE", "read  write", (200, ""), (200, "")),
    ("LIST", ["read"], (200, ""), (200, "")),
    ("LIST-TWO", ["read", "write"], (200, ""), (200, "")),
    ("LIST-NOT-SPLIT", ["read write"], (403, NO_POLICY_IN_SCOPE), (403, NO_POLICY_IN_SCOPE)),
    ("LIST-EMPTY", [], (200, ""), (403, NO_POLICY_FOUND)),
    ("LIST-NUMBERS", [1, 2], (200, ""), (403, NO_POLICY_FOUND)),
    ("NUMBER", 7, (200, ""), (403, NO_POLICY_FOUND)),
    ("OBJECT", {"read": True}, (200, ""), (403, NO_POLICY_FOUND)),
    ("MISSING", DROP, (200, ""), (403, NO_POLICY_FOUND)),
    ("GHOST-POLICY", "admin", (403, SEVERAL), (403, SEVERAL)),
    ("GHOST-AND-READ", "admin read", (200, ""), (200, "")),
    ("CASE", "READ", (403, NO_POLICY_IN_SCOPE), (403, NO_POLICY_IN_SCOPE)),
)


def _scope_cases() -> list[JwtCase]:
    out: list[JwtCase] = []
    # scopes.oidc applies only with use_openid, which selects the OpenID Connect
    # middleware instead of the JWT one (not modelled: docs/gateway-vs-tyk.md).
    for form in ("classic", "scopes"):
        for defaults in (True, False):
            api = _scope_api(form, "scope", defaults=defaults)
            for part, value, with_def, without in SCOPE_TOKENS:
                status, message = with_def if defaults else without
                out.append(JwtCase(
                    f"JWT-SCOPE-{form.upper()}{'' if defaults else '-NODEF'}-{part}",
                    f"Scope mapping ({form}, {'with' if defaults else 'without'} default policies): "
                    f"scope claim {json.dumps(value) if value is not DROP else 'absent'}",
                    "TYK-JWT", status, message, _tok(scope=value), api=api,
                    source=SRC_SCOPE + "; " + TEST + "TestJWTScopeToPolicyMapping"))
    return out


#: Claim names: Keycloak's realm roles (nested), Okta's ``scp``, a custom name, a dotted
#: literal key (never looked up literally: nestedMapLookup).
CLAIM_NAMES: tuple[tuple[str, str, Callable[[str], dict[str, Any]]], ...] = (
    ("SCP", "scp", lambda v: {"scp": v}),
    ("PERMISSIONS", "permissions", lambda v: {"permissions": v}),
    ("NESTED", "realm_access.roles", lambda v: {"realm_access": {"roles": v.split(" ")}}),
    ("NESTED-STRING", "realm_access.roles", lambda v: {"realm_access": {"roles": v}}),
    ("DOTTED-LITERAL", "realm_access.roles", lambda v: {"realm_access.roles": v}),
)


def _claim_name_cases() -> list[JwtCase]:
    out: list[JwtCase] = []
    for part, claim, shape in CLAIM_NAMES:
        api = _scope_api("classic", claim, defaults=False)
        for tpart, value, ok in (("READ", "read", True), ("UNMAPPED", "openid", False),
                                 ("IN-SCOPE-CLAIM", "", None)):
            claims = shape(value) if ok is not None else {"scope": "read"}
            if part == "DOTTED-LITERAL" and ok is not None:
                status, message = 403, NO_POLICY_FOUND  # no literal lookup: no scopes at all
            elif ok is None:
                status, message = 403, NO_POLICY_FOUND  # the mapping reads only its own claim
            else:
                status, message = (200, "") if ok else (403, NO_POLICY_IN_SCOPE)
            out.append(JwtCase(
                f"JWT-SCOPE-CLAIM-{part}-{tpart}", f"Scope claim {claim!r}: {tpart.lower()}", "TYK-JWT", status,
                message, _tok(**claims), api=api,
                source=SRC_SCOPE + "; " + TEST + "TestGetScopeFromClaim"))
    return out


def _scope_with_policy_claim() -> list[JwtCase]:
    api = _scope_api("classic", "scope", defaults=False, n="-pol")
    src = SRC_SCOPE + "; " + TEST + "TestJWT_ScopeMappingWithPartialMatch"
    return [
        JwtCase("JWT-SCOPE-POL-AND-SCOPE", "A policy claim and a mapped scope both apply", "TYK-JWT", 200, "",
                _tok(pol=POLICY2_ID, scope="write"), api=api, source=src),
        JwtCase("JWT-SCOPE-POL-AND-UNMAPPED", "A policy claim keeps a token with only unmapped scopes", "TYK-JWT",
                200, "", _tok(pol=POLICY2_ID, scope="openid"), api=api, source=src),
        JwtCase("JWT-SCOPE-POL-ONLY", "A policy claim without scope claim", "TYK-JWT", 200, "",
                _tok(pol=POLICY2_ID), api=api, source=src),
        JwtCase("JWT-SCOPE-POL-UNKNOWN", "An unknown policy claim with a mapped scope", "TYK-JWT", 403, NO_POLICY,
                _tok(pol="ghost", scope="read"), api=api, source=src),
        JwtCase("JWT-SCOPE-POL-GHOST-SCOPE", "A policy claim plus a scope mapped to a missing policy", "TYK-JWT",
                200, "", _tok(pol=POLICY2_ID, scope="admin"), api=api, source=src),
    ]


# --- identity ------------------------------------------------------------------------
IDENTITY_FIELDS = ("sub", "client_id", "email", "user.id", "")
#: (id part, claims given (besides iat/exp; sub and client_id dropped unless given))
IDENTITY_TOKENS: tuple[tuple[str, Callable[[str, str], dict[str, Any]]], ...] = (
    ("FIELD", lambda f, t: {**_put(f, f"id-{t}"), "sub": f"sub-{t}"}),
    ("FIELD-EMPTY", lambda f, t: {**_put(f, ""), "sub": f"sub-{t}"}),
    ("FIELD-NUMBER", lambda f, t: {**_put(f, 42), "sub": f"sub-{t}"}),
    ("ONLY-SUB", lambda f, t: {"sub": f"sub-{t}"}),
    ("SUB-EMPTY", lambda f, t: {"sub": ""}),
    ("NOTHING", lambda f, t: {}),
)


def _put(field: str, value: Any) -> dict[str, Any]:
    if not field:
        return {}
    if "." in field:
        head, tail = field.split(".", 1)
        return {head: {tail: value}}
    return {field: value}


def _identity_expect(field: str, part: str) -> tuple[int, str]:
    """getUserIDFromClaim (classic: shouldFallback true)."""
    if part == "FIELD":
        return 200, ""
    if part == "FIELD-EMPTY" and field and field != "sub":
        return 403, EMPTY_BASE + field
    if part in ("FIELD-EMPTY", "FIELD-NUMBER", "ONLY-SUB"):
        return 200, ""  # with field "sub", FIELD-EMPTY's own sub claim replaces the empty one
    if part == "SUB-EMPTY":
        return (403, EMPTY_BASE + "sub") if field == "sub" else (403, EMPTY_SUB)
    return 403, NO_SUITABLE


def _identity_cases() -> list[JwtCase]:
    out: list[JwtCase] = []
    for field in IDENTITY_FIELDS:
        api = ApiSpec(f"dcr-harness-id-{field.replace('.', '_') or 'none'}", f"/jwt-id-{field.replace('.', '_') or 'none'}/",
                      "good", identity=field)
        for part, shape in IDENTITY_TOKENS:
            status, message = _identity_expect(field, part)

            out.append(JwtCase(
                f"JWT-IDENTITY-{(field or 'none').replace('.', '-').upper()}-{part}",
                f"Identity base field {field!r}: {part.lower()}"
                + (" (Tyk itself drops the connection: docs/gateway-vs-tyk.md)"
                   if field == "client_id" and part == "FIELD-NUMBER" else ""), "TYK-JWT", status, message,
                _identity_token(field, shape), api=api,
                source=SRC_IDENTITY + "; " + TEST + "TestGetUserIDFromClaim"))
    return out


def _identity_token(field: str, shape: Callable[[str, str], dict[str, Any]]) -> Callable[[Keys], str]:
    return lambda k: token(k, payload={"iat": k.now, "exp": k.now + 300, **shape(field, k.tag)})


# --- policy claim and default policies ------------------------------------------------
POLICY_FIELDS = ("pol", "policy_id", "tyk.pol")
POLICY_TOKENS: tuple[tuple[str, Any, tuple[int, str], tuple[int, str]], ...] = (
    ("KNOWN", POLICY2_ID, (200, ""), (200, "")),
    ("DEFAULT-ID", POLICY_ID, (200, ""), (200, "")),
    ("UNKNOWN", "ghost", (403, NO_POLICY), (403, NO_POLICY)),
    ("EMPTY", "", (200, ""), (403, NO_POLICY_FOUND)),
    ("NUMBER", 5, (200, ""), (403, NO_POLICY_FOUND)),
    ("LIST", [POLICY2_ID], (200, ""), (403, NO_POLICY_FOUND)),
    ("MISSING", DROP, (200, ""), (403, NO_POLICY_FOUND)),
)


def _policy_cases() -> list[JwtCase]:
    out: list[JwtCase] = []
    for field in POLICY_FIELDS:
        for defaults in (True, False):
            tag = f"{field.replace('.', '_')}{'' if defaults else '-nodef'}"
            extra: dict[str, Any] = {"jwt_policy_field_name": field}
            if not defaults:
                extra["jwt_default_policies"] = []
            api = ApiSpec(f"dcr-harness-pol-{tag}", f"/jwt-pol-{tag}/", "good", fields=extra)
            for part, value, with_def, without in POLICY_TOKENS:
                status, message = with_def if defaults else without
                out.append(JwtCase(
                    f"JWT-POLICY-{field.replace('.', '-').upper()}{'' if defaults else '-NODEF'}-{part}",
                    f"Policy claim {field!r} ({'with' if defaults else 'no'} default policies): {part.lower()}",
                    "TYK-JWT", status, message, _policy_token(field, value), api=api,
                    source=SRC_POLICY + "; " + TEST + "TestGetPolicyIDFromToken, TestJWTDefaultPolicies"))
    return out


def _policy_token(field: str, value: Any) -> Callable[[Keys], str]:
    def make(k: Keys) -> str:
        claims = k.claims()
        if value is not DROP:
            claims.update(_put(field, value))
        return token(k, payload=claims)
    return make


def _default_policy_cases() -> list[JwtCase]:
    src = SRC_POLICY + "; " + TEST + "TestJWTDefaultPolicies"
    two = ApiSpec("dcr-harness-defaults-two", "/jwt-defaults-two/", "good",
                  fields={"jwt_default_policies": [POLICY_ID, POLICY2_ID]})
    ghost_second = ApiSpec("dcr-harness-defaults-ghost2", "/jwt-defaults-ghost2/", "good",
                           fields={"jwt_default_policies": [POLICY_ID, "ghost"]})
    return [
        JwtCase("JWT-DEFAULTS-TWO", "Two default policies both apply", "TYK-JWT", 200, "", _tok(), api=two, source=src),
        JwtCase("JWT-DEFAULTS-TWO-POL", "A policy claim wins over two defaults", "TYK-JWT", 200, "",
                _tok(pol=POLICY2_ID), api=two, source=src),
        JwtCase("JWT-DEFAULTS-GHOST-SECOND", "A missing second default policy is skipped", "TYK-JWT", 200, "",
                _tok(), api=ghost_second, source=src),
    ]


# --- key sources ------------------------------------------------------------------------


def _key_cases() -> list[JwtCase]:
    src = SRC_KEY + "; " + TEST
    apis = {
        "PEM": (ApiSpec("dcr-harness-src-pem", "/jwt-src-pem/", "", source=lambda k: b64(k.rsa.export_to_pem())),
                "TestJWTSessionRSAWithRawSource"),
        "CORRUPT-PEM": (ApiSpec("dcr-harness-src-corrupt", "/jwt-src-corrupt/", "", source=lambda k: b64(CORRUPT_PEM)),
                        "TestJWTRSAInvalidPublickKey"),
        "GARBAGE": (ApiSpec("dcr-harness-src-garbage", "/jwt-src-garbage/", "", source=lambda k: b64("not a key")),
                    "TestJWTRSAInvalidPublickKey"),
        "NOT-BASE64": (ApiSpec("dcr-harness-src-notb64", "/jwt-src-notb64/", "", source=lambda k: "%%%not-base64%%%"),
                       "getSecretToVerifySignature"),
        "EC-PEM-RSA": (ApiSpec("dcr-harness-src-ecpem", "/jwt-src-ecpem/", "", source=lambda k: b64(k.ec.export_to_pem())),
                       "TestJWTECDSASign"),
        "OTHER-PEM": (ApiSpec("dcr-harness-src-otherpem", "/jwt-src-otherpem/", "",
                              source=lambda k: b64(k.rsa2.export_to_pem())), "TestJWTSessionRSAWithRawSource"),
    }
    expect = {"PEM": (200, ""), "CORRUPT-PEM": (403, KNA), "GARBAGE": (403, KNA), "NOT-BASE64": (403, KNA),
              "EC-PEM-RSA": (403, KNA), "OTHER-PEM": (403, KNA)}
    out: list[JwtCase] = []
    for part, (api, test) in apis.items():
        for tpart, tok in (("TOKEN", _tok()), ("NO-KID", lambda k: token(k, kid=DROP)),
                           ("OTHER-KID", lambda k: token(k, kid="whatever"))):
            status, message = expect[part]
            out.append(JwtCase(f"JWT-SOURCE-{part}-{tpart}", f"Key source {part.lower()}: {tpart.lower()}",
                               "TYK-JWT", status, message, tok, api=api, source=src + test))
    return out


# --- skews and expiry ----------------------------------------------------------------------
def _time_cases() -> list[JwtCase]:
    out: list[JwtCase] = []
    src = SRC_TIME + "; " + TEST
    for skew in (0, 60):
        exp_api = ApiSpec(f"dcr-harness-exp-skew-{skew}", f"/jwt-exp-skew-{skew}/", "good", exp_skew=skew)
        iat_api = ApiSpec(f"dcr-harness-iat-skew-{skew}", f"/jwt-iat-skew-{skew}/", "good", iat_skew=skew)
        nbf_api = ApiSpec(f"dcr-harness-nbf-skew-{skew}", f"/jwt-nbf-skew-{skew}/", "good", nbf_skew=skew)
        for off in (-120, -30, 30, 120):
            past = off < 0
            # exp in the past within the skew: the token passes, but its session's expiry
            # (the exp, processCentralisedJWT) has passed: 401 "Key has expired" (mw_key_expired_check.go).
            exp = (200, "") if not past else ((401, SESSION_EXPIRED) if -off <= skew else (401, EXPIRED))
            out.append(JwtCase(f"JWT-EXP-SKEW{skew}-{'M' if past else 'P'}{abs(off)}",
                               f"exp {off:+d} s with exp skew {skew}", "TYK-JWT", *exp,
                               _offset("exp", off), api=exp_api,
                               source=(src + "TestJWTSessionExpiresAtValidationConfigs; " + SRC_SESSION)))
            iat = (200, "") if past or off <= skew else (401, BEFORE_ISSUED)
            out.append(JwtCase(f"JWT-IAT-SKEW{skew}-{'M' if past else 'P'}{abs(off)}",
                               f"iat {off:+d} s with iat skew {skew}", "TYK-JWT", *iat,
                               _offset("iat", off), api=iat_api, source=src + "TestJWTSessionIssueAtValidationConfigs"))
            nbf = (200, "") if past or off <= skew else (401, NOT_YET)
            out.append(JwtCase(f"JWT-NBF-SKEW{skew}-{'M' if past else 'P'}{abs(off)}",
                               f"nbf {off:+d} s with nbf skew {skew}", "TYK-JWT", *nbf,
                               _offset("nbf", off), api=nbf_api,
                               source=src + "TestJWTSessionNotBeforeValidationConfigs"))
    return out


def _offset(claim: str, off: int) -> Callable[[Keys], str]:
    return lambda k: token(k, payload=k.claims(**{claim: k.now + off}))


# --- rate limit and quota ----------------------------------------------------------------
def _prime(n: int, api: ApiSpec) -> Callable[[Runner, Keys], None]:
    def prepare(runner: Runner, k: Keys) -> None:
        for i in range(n):
            runner.send(f"prime/{i}", token(k), api)
    return prepare


def _limit_cases() -> list[JwtCase]:
    out: list[JwtCase] = []
    src = SRC_SESSION + "; gateway/mw_rate_limiting.go, mw_organisation_activity.go; " + TEST + "TestJWTPostExpiry"
    for n in (1, 2, 3):
        api = ApiSpec(f"dcr-harness-rate-{n}", f"/jwt-rate-{n}/", "good")
        out.append(JwtCase(f"JWT-RATE-{n}-EXCEEDED", f"Rate {n} per 60 s: request {n + 1} answers 429", "TYK-JWT",
                           429, RATE, _tok(), api=api, prepare=_prime(n, api), policy={"rate": n, "per": 60},
                           source=src))
        qapi = ApiSpec(f"dcr-harness-quota-{n}", f"/jwt-quota-{n}/", "good")
        out.append(JwtCase(f"JWT-QUOTA-{n}-EXCEEDED", f"Quota {n} per hour: request {n + 1} answers 403", "TYK-JWT",
                           403, QUOTA, _tok(), api=qapi, prepare=_prime(n, qapi),
                           policy={"quota_max": n, "quota_renewal_rate": 3600}, source=src))
    return out


SCOPE_ITEM = "scope-to-policy mapping (mapped, several, partial, unmapped, none)"
PEM_ITEM = "key source: corrupt PEM"

#: The conformance checks of this module (the gateway-jwt plan runs them over HTTP).
CHECKS: tuple[JwtCase, ...] = (
    JwtCase("JWT-SCOPE-MAPPED", "A token whose scope maps to a policy is accepted (scope-to-policy mapping)",
            "TYK-JWT", 200, "", _tok(scope="read"), api=SCOPE_API, policies=(POLICY2_ID,),
            item=SCOPE_ITEM, source=SRC_SCOPE + "; " + TEST + "TestJWTScopeToPolicyMapping"),
    JwtCase("JWT-SCOPE-MAPPED-TWO", "Two mapped scopes apply both policies", "TYK-JWT", 200, "",
            _tok(scope="read write"), api=SCOPE_API, item=SCOPE_ITEM, source=SRC_SCOPE + "; " + TEST + "TestJWTScopeToPolicyMapping"),
    JwtCase("JWT-SCOPE-PARTIAL", "Unmapped scopes beside a mapped one are ignored", "TYK-JWT", 200, "",
            _tok(scope="openid profile read"), api=SCOPE_API, policies=(POLICY2_ID,),
            item=SCOPE_ITEM, source=SRC_SCOPE + "; " + TEST + "TestJWT_ScopeMappingWithPartialMatch"),
    JwtCase("JWT-SCOPE-UNMAPPED", "A token whose scopes map to no policy answers 403", "TYK-JWT", 403,
            NO_POLICY_IN_SCOPE, _tok(scope="openid profile"), api=SCOPE_API,
            item=SCOPE_ITEM, source=SRC_SCOPE + "; " + TEST + "TestJWT_ScopeMappingOnly_NoDefaultPolicies"),
    JwtCase("JWT-SCOPE-NONE", "Without scope, policy claim or default policy the token answers 403", "TYK-JWT",
            403, NO_POLICY_FOUND, _tok(), api=SCOPE_API,
            item=SCOPE_ITEM, source=SRC_SCOPE + "; " + TEST + "TestJWT_NoDefaultPolicies_NoScopeMapping_NoPolicyClaim"),
    JwtCase("JWT-KEY-CORRUPT-PEM", "A corrupt PEM key source answers 403 Key not authorized", "TYK-JWT", 403, KNA,
            _tok(), api=CORRUPT_PEM_API, item=PEM_ITEM, source=SRC_KEY + "; " + TEST + "TestJWTRSAInvalidPublickKey"),
)

GATEWAY: tuple[JwtCase, ...] = tuple(
    _scope_cases() + _claim_name_cases() + _scope_with_policy_claim() + _identity_cases() + _policy_cases()
    + _default_policy_cases() + _key_cases() + _time_cases() + _limit_cases())

__all__ = ["CHECKS", "GATEWAY", "PEM_ITEM", "SCOPE_ITEM", "MAPPING", "NO_POLICY_IN_SCOPE", "NO_SCOPE_OR_POLICY"]


# --- Tyk OAS API definitions ----------------------------------------------------------------
ISS = "https://idp.example/realms/dcr"
OAS_CLAIMS = {"allowedIssuers": [ISS, "https://other.example"], "allowedAudiences": ["api", "api2"],
              "jtiValidation": {"enabled": True}}
OAS_API = ApiSpec("dcr-harness-oas", "/jwt-oas/", "good", oas={})
OAS_CLAIMS_API = ApiSpec("dcr-harness-oas-claims", "/jwt-oas-claims/", "good", oas=OAS_CLAIMS)
OAS_SUBJECT_API = ApiSpec("dcr-harness-oas-subject", "/jwt-oas-subject/", "good", identity="sub",
                          fields={"jwt_skip_kid": True}, oas={"allowedSubjects": ["alice", "bob"]})
OAS_SUBJECT_KID_API = ApiSpec("dcr-harness-oas-subject-kid", "/jwt-oas-subject-kid/", "good", identity="sub",
                              oas={"allowedSubjects": ["alice", "dcr-harness-rsa-1"]})
OAS_SCOPE_API = ApiSpec("dcr-harness-oas-scope", "/jwt-oas-scope/", "good", fields={"jwt_default_policies": []},
                        oas={"scopes": {"claims": ["scp", "scope"], "scopeToPolicyMapping": [
                            {"scope": "read", "policyId": POLICY2_ID}, {"scope": "write", "policyId": POLICY_ID}]}})
SRC_OAS = "gateway/mw_jwt.go validateClaims, validateExtraClaims (validateIssuer, validateAudience, validateJTI, " \
          "validateSubjectValue); apidef/oas security.go JWT; " + TEST + "TestJWTExtraClaimsValidation"
CLAIMS_INVALID = "Key not authorized: "


def _oas_cases() -> list[JwtCase]:
    good = {"iss": ISS, "aud": "api", "jti": "j-1"}
    rows: list[tuple[str, ApiSpec, dict[str, Any], int, str]] = [
        ("OAS-VALID", OAS_API, {}, 200, ""),
        ("OAS-EXPIRED", OAS_API, {"exp": -60}, 401, EXPIRED),
        ("OAS-POL-KNOWN", OAS_API, {"pol": POLICY2_ID}, 200, ""),
        ("OAS-POL-UNKNOWN", OAS_API, {"pol": "ghost"}, 403, NO_POLICY),
        ("OAS-CLAIMS-ALL", OAS_CLAIMS_API, good, 200, ""),
        ("OAS-CLAIMS-ISS-OTHER", OAS_CLAIMS_API, {**good, "iss": "https://other.example"}, 200, ""),
        ("OAS-CLAIMS-NO-ISS", OAS_CLAIMS_API, {**good, "iss": DROP}, 401,
         CLAIMS_INVALID + "issuer claim is required but not present in token"),
        ("OAS-CLAIMS-BAD-ISS", OAS_CLAIMS_API, {**good, "iss": "https://evil.example"}, 401,
         CLAIMS_INVALID + "invalid issuer claim: https://evil.example"),
        ("OAS-CLAIMS-ISS-NUMBER", OAS_CLAIMS_API, {**good, "iss": 5}, 401,
         CLAIMS_INVALID + "issuer claim must be a string"),
        ("OAS-CLAIMS-ISS-CASE", OAS_CLAIMS_API, {**good, "iss": ISS.upper()}, 401,
         CLAIMS_INVALID + "invalid issuer claim: " + ISS.upper()),
        ("OAS-CLAIMS-NO-AUD", OAS_CLAIMS_API, {**good, "aud": DROP}, 401,
         CLAIMS_INVALID + "audience claim is required but not present in token"),
        ("OAS-CLAIMS-AUD-LIST", OAS_CLAIMS_API, {**good, "aud": ["x", "api2"]}, 200, ""),
        ("OAS-CLAIMS-BAD-AUD", OAS_CLAIMS_API, {**good, "aud": ["x", "y"]}, 401,
         CLAIMS_INVALID + "no matching audience found in token: [x y]"),
        ("OAS-CLAIMS-AUD-NUMBER", OAS_CLAIMS_API, {**good, "aud": 3}, 401,
         CLAIMS_INVALID + "invalid audience claim format"),
        ("OAS-CLAIMS-AUD-EMPTY-LIST", OAS_CLAIMS_API, {**good, "aud": []}, 401,
         CLAIMS_INVALID + "no matching audience found in token: []"),
        ("OAS-CLAIMS-NO-JTI", OAS_CLAIMS_API, {**good, "jti": DROP}, 401,
         CLAIMS_INVALID + "JWT ID (jti) claim is required but not present in token"),
        ("OAS-CLAIMS-JTI-NUMBER", OAS_CLAIMS_API, {**good, "jti": 7}, 200, ""),
        ("OAS-CLAIMS-EXPIRED-FIRST", OAS_CLAIMS_API, {"exp": -60}, 401, EXPIRED),
        ("OAS-SUBJECT-ALLOWED", OAS_SUBJECT_API, {"sub": "alice"}, 200, ""),
        ("OAS-SUBJECT-OTHER", OAS_SUBJECT_API, {"sub": "mallory"}, 401, CLAIMS_INVALID + "invalid subject value: mallory"),
        ("OAS-SUBJECT-KID-WINS", OAS_SUBJECT_KID_API, {"sub": "alice"}, 200, ""),
        ("OAS-SUBJECT-KID-NOT-SUB", OAS_SUBJECT_KID_API, {"sub": "mallory"}, 200, ""),
        ("OAS-SCOPE-MAPPED", OAS_SCOPE_API, {"scope": "read"}, 200, ""),
        ("OAS-SCOPE-SCP", OAS_SCOPE_API, {"scp": "write"}, 200, ""),
        ("OAS-SCOPE-UNMAPPED", OAS_SCOPE_API, {"scope": "openid"}, 403, NO_POLICY_IN_SCOPE),
        ("OAS-SCOPE-SCP-FIRST", OAS_SCOPE_API, {"scp": "openid", "scope": "read"}, 403, NO_POLICY_IN_SCOPE),
        ("OAS-SCOPE-NONE", OAS_SCOPE_API, {}, 403, NO_POLICY_FOUND),
    ]
    out = []
    for cid, api, claims, status, message in rows:
        out.append(JwtCase(f"JWT-{cid}", f"Tyk OAS definition: {cid.lower()}", "TYK-JWT", status, message,
                           _oas_token(claims), api=api, source=SRC_OAS))
    return out


def _oas_token(claims: dict[str, Any]) -> Callable[[Keys], str]:
    def make(k: Keys) -> str:
        c = dict(claims)
        if "exp" in c and isinstance(c["exp"], int) and c["exp"] < 0:
            c["exp"] = k.now + c["exp"]
        return token(k, payload=k.claims(**c))
    return make


GATEWAY = GATEWAY + tuple(_oas_cases())
