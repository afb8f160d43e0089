"""The Tyk JWT case table: every JWT case of shared/reference/checks.md ("JWT validation at
the gateway") and the further Tyk behaviours the gateway tests pin down, each with the
exact status and message Tyk answers (shared/reference/tyk.md).

One table, two readers:

* :data:`CHECK_CASES` are the ``gateway-jwt`` conformance plan
  (harness.conformance.checks.gateway_jwt registers one check per case, in this order,
  and its probe runs them over HTTP against one gateway on the real clock);
* :data:`CASES` (the checks plus :data:`GATEWAY_CASES`) are what tests/gateway asserts
  against :mod:`harness.tyk.gateway` in-process, one fresh gateway per case on a frozen
  clock.

The cases live by topic: :mod:`.alg` (token, alg, header parameters, HMAC), :mod:`.kid_sig`
(kid, signature), :mod:`.structure` (compact serialization, JSON), :mod:`.claims` (time
claims, identity, policy, session), :mod:`.jwks` (the JWK Set and its cache) and
:mod:`.sources` (where the token travels), :mod:`.tyk_tests` (families translated from
gateway/mw_jwt_test.go); :mod:`.model` says what a case is.
"""

from __future__ import annotations

from harness.tyk.gateway.jwt_cases import alg, claims, jwks, kid_sig, sources, structure, tyk_tests
from harness.tyk.gateway.jwt_cases.model import APIS, ApiSpec, Carry, JwtCase, Runner
from harness.tyk.gateway.jwt_cases.tyk_tests import PEM_ITEM, SCOPE_ITEM

#: The gateway-jwt conformance plan, in catalogue (and run) order; the rotation cases are
#: last on purpose.
CHECK_CASES: tuple[JwtCase, ...] = (alg.CHECKS + kid_sig.CHECKS + structure.CHECKS + claims.CHECKS + tyk_tests.CHECKS
                                   + jwks.CHECKS)
#: Cases the gateway tests run besides the plan's (frozen clock, one API per case).
GATEWAY_CASES: tuple[JwtCase, ...] = (alg.GATEWAY + kid_sig.GATEWAY + structure.GATEWAY + claims.GATEWAY + sources.GATEWAY
                                   + tyk_tests.GATEWAY)
#: The whole table.
CASES: tuple[JwtCase, ...] = CHECK_CASES + GATEWAY_CASES

#: The items of shared/reference/checks.md "JWT validation at the gateway", in its order,
#: then those :mod:`.tyk_tests` adds.
ITEMS: tuple[str, ...] = (
    "alg `none`", "alg missing", "alg not in the configured family",
    "HS256 signed with the RSA public key (key confusion)", "RS/PS/ES variants", "unknown alg names",
    "`crit` with unknown extensions", "`b64: false`", "embedded `jwk` header", "embedded `jku` header",
    "embedded `x5u` header", "embedded `x5c` header",
    "kid missing", "kid unknown", "kid duplicated in the JWKS", "kid path/SQL-like values", "kid very long values",
    "signature: flipped bit", "signature: truncated", "signature: empty", "signature: wrong key",
    "signature: other key of same JWKS", "signature: high-S ECDSA", "signature: DER vs raw ECDSA encoding",
    "signature: wrong-length signatures",
    "structure: two/four segments", "structure: bad base64url (padding, `+/`)", "structure: non-JSON header/payload",
    "structure: JSON arrays instead of objects", "structure: duplicate member names", "structure: huge tokens",
    "structure: whitespace", "structure: non-UTF-8",
    "time: exp past/now/future", "time: nbf/iat future", "time: non-numeric or float time claims", "time: skews",
    "identity field missing → fallback to sub", "identity: neither → 403", "pol missing → default policy",
    "pol unknown → 403", "pol as a list",
    "JWKS unreachable", "JWKS slow", "JWKS non-JSON", "JWKS empty keys",
    "JWKS one malformed key (EC coordinate length)", "JWKS keys without kid", "JWKS key rotation (new kid after cache)",
    # not in checks.md: the behaviours the differential against the real gateway added
    # (issue 15; gateway/mw_jwt.go processCentralisedJWT, getSecretToVerifySignature)
    SCOPE_ITEM, PEM_ITEM,
)


def coverage(cases: tuple[JwtCase, ...] = CHECK_CASES) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Each checks.md item with the ids of the ``cases`` that cover it, in table order."""
    return tuple((item, tuple(c.id for c in cases if c.item == item)) for item in ITEMS)


#: Traceability of the plan: (checks.md item, check ids), rendered into docs/conformance.md.
COVERAGE = coverage()


def case_by_id(case_id: str) -> JwtCase:
    """The case named ``case_id`` (KeyError otherwise)."""
    for c in CASES:
        if c.id == case_id:
            return c
    raise KeyError(case_id)


__all__ = ["APIS", "CASES", "CHECK_CASES", "COVERAGE", "GATEWAY_CASES", "ITEMS", "ApiSpec", "Carry", "JwtCase",
           "Runner", "case_by_id", "coverage"]
