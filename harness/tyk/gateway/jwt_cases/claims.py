"""JWT cases: exp / nbf / iat with Tyk's skews (RFC 7519 §4.1.4-4.1.6, NumericDate §2),
the identity and policy claims and the session made from them (Tyk behaviour), each with
Tyk's exact answer.

The conformance probe's gateway runs on the real clock: every case builds its token at
the moment it is sent, and the skew cases of the plan leave margins of tens of seconds.
The gateway-only cases run on a frozen clock and may sit on a boundary to the second."""

from __future__ import annotations

from dataclasses import replace
from functools import partial

from harness.tyk.gateway.jwt_cases.model import (
    BEFORE_ISSUED,
    DISALLOWED,
    DROP,
    EXPIRED,
    INACTIVE,
    NO_IDENTITY,
    NO_POLICY,
    NO_POLICY_FOUND,
    NOT_YET,
    POLICY2_ID,
    POLICY_ID,
    RSA_API,
    SESSION_EXPIRED,
    SKEW_API,
    SRC_IDENTITY,
    SRC_POLICY,
    SRC_SESSION,
    SRC_TIME,
    JwtCase,
    token,
)

FALLBACK_SUB = "dcr-harness-user-fallback-sub"
EXP = "time: exp past/now/future"
NBF_IAT = "time: nbf/iat future"
NON_NUMERIC = "time: non-numeric or float time claims"
SKEWS = "time: skews"
time_case = partial(JwtCase, source=SRC_TIME)
identity_case = partial(JwtCase, source=SRC_IDENTITY)
policy_case = partial(JwtCase, source=SRC_POLICY)
session_case = partial(JwtCase, source=SRC_SESSION)
#: The RSA API with its identity taken from ``sub`` (the Keycloak guide).
SUB_API = replace(RSA_API, identity="sub")

CHECKS: tuple[JwtCase, ...] = (
    # --- exp / nbf / iat (RFC 7519 §4.1.4-4.1.6) ----------------------------------------------
    time_case("JWT-EXP-PAST", "An expired token answers 401 token has expired", "RFC7519-4.1.4", 401, EXPIRED,
              lambda k: token(k, payload=k.claims(exp=k.now - 60)), item=EXP),
    time_case("JWT-EXP-NOW", "exp equal to now is expired (the time must be before exp)", "RFC7519-4.1.4", 401,
              EXPIRED, lambda k: token(k, payload=k.claims(exp=k.now)), item=EXP),
    time_case("JWT-EXP-FUTURE", "exp a minute ahead is accepted", "RFC7519-4.1.4", 200, "",
              lambda k: token(k, payload=k.claims(exp=k.now + 60)), item=EXP),
    time_case("JWT-NBF-FUTURE", "A token not valid yet answers 401 token is not valid yet", "RFC7519-4.1.5", 401,
              NOT_YET, lambda k: token(k, payload=k.claims(nbf=k.now + 600)), item=NBF_IAT),
    time_case("JWT-NBF-NOW", "nbf equal to now is accepted", "RFC7519-4.1.5", 200, "",
              lambda k: token(k, payload=k.claims(nbf=k.now)), item=NBF_IAT),
    time_case("JWT-IAT-FUTURE", "A token issued in the future answers 401 token used before issued", "TYK-JWT", 401,
              BEFORE_ISSUED, lambda k: token(k, payload=k.claims(iat=k.now + 600)), see=("RFC7519-4.1.6",),
              item=NBF_IAT),
    time_case("JWT-EXP-STRING", "A string exp fails the expiry check (NumericDate is a number)", "TYK-JWT", 401,
              EXPIRED, lambda k: token(k, payload=k.claims(exp="9999999999")), see=("RFC7519-2",), item=NON_NUMERIC),
    time_case("JWT-EXP-NULL", "A null exp fails the expiry check", "TYK-JWT", 401, EXPIRED,
              lambda k: token(k, payload=k.claims(exp=None)), see=("RFC7519-2",), item=NON_NUMERIC),
    time_case("JWT-NBF-BOOLEAN", "A boolean nbf fails the not-before check", "TYK-JWT", 401, NOT_YET,
              lambda k: token(k, payload=k.claims(nbf=True)), see=("RFC7519-2",), item=NON_NUMERIC),
    time_case("JWT-EXP-FLOAT-TRUNCATED", "A fractional exp is truncated to whole seconds (now + 0.9 is expired)",
              "TYK-JWT", 401, EXPIRED, lambda k: token(k, payload=k.claims(exp=k.now + 0.9)), see=("RFC7519-2",),
              item=NON_NUMERIC),
    time_case("JWT-EXP-FLOAT-FUTURE", "A fractional exp in the future is accepted", "RFC7519-2", 200, "",
              lambda k: token(k, payload=k.claims(exp=k.now + 300.5)), item=NON_NUMERIC),
    time_case("JWT-IAT-SKEW", "iat 30 s ahead passes with jwt_issued_at_validation_skew 60", "TYK-JWT", 200, "",
              lambda k: token(k, payload=k.claims(iat=k.now + 30)), api=SKEW_API, see=("RFC7519-4.1.6",), item=SKEWS),
    time_case("JWT-NBF-SKEW-TOO-SMALL", "nbf 120 s ahead fails with jwt_not_before_validation_skew 30", "TYK-JWT",
              401, NOT_YET, lambda k: token(k, payload=k.claims(nbf=k.now + 120)), api=SKEW_API,
              see=("RFC7519-4.1.5",), item=SKEWS),
    session_case("JWT-EXP-SKEW-SESSION-EXPIRED", "exp 30 s past passes jwt_expires_at_validation_skew 600, but the "
                 "session made from it has expired", "TYK-JWT", 401, SESSION_EXPIRED,
                 lambda k: token(k, payload=k.claims(exp=k.now - 30)), api=SKEW_API, see=("RFC7519-4.1.4",),
                 item=SKEWS),
    # --- identity and policy (Tyk: jwt_identity_base_field, jwt_policy_field_name) ----------------
    identity_case("JWT-IDENTITY-FALLBACK-SUB", "Without the identity claim the gateway falls back to sub", "TYK-JWT",
                  200, "", lambda k: token(k, payload=k.claims(client_id=DROP, sub=FALLBACK_SUB)),
                  identity=FALLBACK_SUB, item="identity field missing → fallback to sub"),
    identity_case("JWT-NO-IDENTITY", "Without identity claim and sub the gateway answers 403", "TYK-JWT", 403,
                  NO_IDENTITY, lambda k: token(k, payload=k.claims(client_id=DROP, sub=DROP)),
                  item="identity: neither → 403"),
    policy_case("JWT-POL-MISSING-DEFAULT-POLICY", "Without a pol claim the API's default policy applies", "TYK-JWT",
                200, "", lambda k: token(k), policies=(POLICY_ID,), item="pol missing → default policy"),
    policy_case("JWT-POL-KNOWN", "A pol claim naming a known policy applies that policy", "TYK-JWT", 200, "",
                lambda k: token(k, payload=k.claims(pol=POLICY2_ID)), policies=(POLICY2_ID,)),
    policy_case("JWT-POL-UNKNOWN", "An unknown policy claim answers 403 no matching policy", "TYK-JWT", 403, NO_POLICY,
                lambda k: token(k, payload=k.claims(pol="dcr-harness-no-such-policy")), item="pol unknown → 403"),
    policy_case("JWT-POL-LIST", "A pol claim that is a list is not a policy id: the default policy applies",
                "TYK-JWT", 200, "", lambda k: token(k, payload=k.claims(pol=[POLICY2_ID])), policies=(POLICY_ID,),
                item="pol as a list"),
)

#: Gateway tests only: on a frozen clock, so the time cases may sit on the boundary.
GATEWAY: tuple[JwtCase, ...] = (
    time_case("JWT-EXP-ONE-SECOND-AHEAD", "exp one second ahead is accepted", "RFC7519-4.1.4", 200, "",
              lambda k: token(k, payload=k.claims(exp=k.now + 1)), item=EXP),
    time_case("JWT-NBF-ONE-SECOND-AHEAD", "nbf one second ahead is not valid yet", "RFC7519-4.1.5", 401, NOT_YET,
              lambda k: token(k, payload=k.claims(nbf=k.now + 1)), item=NBF_IAT),
    time_case("JWT-IAT-ONE-SECOND-AHEAD", "iat one second ahead is used before issued", "RFC7519-4.1.6", 401,
              BEFORE_ISSUED, lambda k: token(k, payload=k.claims(iat=k.now + 1)), item=NBF_IAT),
    time_case("JWT-TIME-CLAIMS-ZERO", "exp, iat and nbf of 0 count as absent", "TYK-JWT", 200, "",
              lambda k: token(k, payload=k.claims(exp=0, iat=0, nbf=0)), item=NON_NUMERIC),
    time_case("JWT-NO-TIME-CLAIMS", "A token without exp and iat is accepted (both are optional)", "RFC7519-4.1.4",
              200, "", lambda k: token(k, payload=k.claims(exp=DROP, iat=DROP))),
    time_case("JWT-EXP-FLOAT-ONE-AND-A-HALF-SECONDS", "exp now + 1.5 truncates to now + 1: still accepted",
              "RFC7519-2", 200, "", lambda k: token(k, payload=k.claims(exp=k.now + 1.5)), item=NON_NUMERIC),
    time_case("JWT-EXP-BEYOND-INT64", "exp 1e19 overflows Go's int64 conversion and is expired", "TYK-JWT", 401,
              EXPIRED, lambda k: token(k, payload=k.claims(exp=1e19)), item=NON_NUMERIC),
    time_case("JWT-EXP-AND-NBF-FAIL-NBF-MESSAGE", "When exp and nbf both fail, the last check's message (nbf) "
              "is answered", "TYK-JWT", 401, NOT_YET,
              lambda k: token(k, payload=k.claims(exp=k.now - 1, nbf=k.now + 5))),
    time_case("JWT-EXP-AND-IAT-FAIL-IAT-MESSAGE", "When exp and iat both fail, iat's message is answered",
              "TYK-JWT", 401, BEFORE_ISSUED, lambda k: token(k, payload=k.claims(exp=k.now - 1, iat=k.now + 5))),
    time_case("JWT-IAT-SKEW-BOUNDARY", "iat 5 s ahead passes with jwt_issued_at_validation_skew 5", "TYK-JWT", 200,
              "", lambda k: token(k, payload=k.claims(iat=k.now + 5)), api=replace(RSA_API, iat_skew=5), item=SKEWS),
    time_case("JWT-NBF-SKEW-BOUNDARY", "nbf 5 s ahead fails with jwt_not_before_validation_skew 4", "TYK-JWT", 401,
              NOT_YET, lambda k: token(k, payload=k.claims(nbf=k.now + 5)), api=replace(RSA_API, nbf_skew=4),
              item=SKEWS),
    session_case("JWT-EXP-SKEW-WITH-POLICY-KEY-EXPIRY", "exp 5 s past within the exp skew passes when the policy's "
                 "key_expires_in outlives it", "TYK-JWT", 200, "",
                 lambda k: token(k, payload=k.claims(exp=k.now - 5)), api=replace(RSA_API, exp_skew=10),
                 policy={"key_expires_in": 3600}, item=SKEWS),
    # --- identity ------------------------------------------------------------------------------------
    identity_case("JWT-IDENTITY-EMPTY", "An empty identity claim answers 403 (no fallback to sub)", "TYK-JWT", 403,
                  "found an empty user ID in predefined base claim, claim: client_id",
                  lambda k: token(k, payload=k.claims(client_id="", sub=DROP))),
    identity_case("JWT-SUB-EMPTY-AFTER-FALLBACK", "An empty sub after the fallback answers 403", "TYK-JWT", 403,
                  "found an empty user ID in sub claim", lambda k: token(k, payload=k.claims(client_id=DROP, sub=""))),
    identity_case("JWT-SUB-EMPTY-AS-BASE-FIELD", "An empty sub as the identity field answers 403", "TYK-JWT", 403,
                  "found an empty user ID in predefined base claim, claim: sub",
                  lambda k: token(k, payload=k.claims(sub="")), api=SUB_API),
    identity_case("JWT-SUB-NUMBER", "A numeric sub is no identity", "TYK-JWT", 403, NO_IDENTITY,
                  lambda k: token(k, payload=k.claims(sub=42)), api=SUB_API, item="identity: neither → 403"),
    identity_case("JWT-CLIENT-ID-IDENTITY", "client_id as the identity without sub (the Gluu guide)", "TYK-JWT",
                  200, "", lambda k: token(k, payload=k.claims(sub=DROP, client_id="gluu-client")),
                  identity="gluu-client"),
    identity_case("JWT-IDENTITY-NESTED-PATH", "A dotted identity field reads a nested claim", "TYK-JWT", 200, "",
                  lambda k: token(k, payload=k.claims(user={"id": "u-1"})),
                  api=replace(RSA_API, identity="user.id"), identity="u-1"),
    # --- policies and the session ----------------------------------------------------------------------
    policy_case("JWT-NO-POL-NO-DEFAULT", "Without a pol claim and default policies the gateway answers 403",
                "TYK-JWT", 403, NO_POLICY_FOUND, lambda k: token(k), api=RSA_API.but(jwt_default_policies=[]),
                item="pol missing → default policy"),
    policy_case("JWT-DEFAULT-POLICY-UNKNOWN", "A default policy that does not exist answers 500", "TYK-JWT", 500,
                'failed to create key: policy not found: "ghost"', lambda k: token(k),
                api=RSA_API.but(jwt_default_policies=["ghost"])),
    policy_case("JWT-DEFAULT-POLICY-OTHER-ORG", "A default policy of another organisation is not found (500)",
                "TYK-JWT", 500, f'failed to create key: policy not found: "{POLICY_ID}"', lambda k: token(k),
                policy={"org_id": "other-org"}),
    policy_case("JWT-POLICY-WITHOUT-ACCESS-RIGHTS", "A policy without access rights cannot make a key (500)",
                "TYK-JWT", 500, "failed to create key: key has no valid policies to be applied", lambda k: token(k),
                policy={"access_rights": {}}),
    session_case("JWT-POLICY-GRANTS-ANOTHER-API", "A policy granting another API only answers 403", "TYK-JWT", 403,
                 DISALLOWED, lambda k: token(k),
                 policy={"access_rights": {"other-api": {"api_id": "other-api", "versions": ["Default"]}}}),
    session_case("JWT-POLICY-INACTIVE", "An inactive policy makes an inactive key (403)", "TYK-JWT", 403, INACTIVE,
                 lambda k: token(k), policy={"is_inactive": True}),
)

__all__ = ["CHECKS", "GATEWAY", "FALLBACK_SUB"]
