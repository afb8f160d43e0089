"""Gateway-JWT cases: exp / nbf / iat with Tyk's skews (RFC 7519 §4.1.4-4.1.6, NumericDate
§2), and the identity and policy claims (Tyk behaviour), each with Tyk's exact answer.

The probe's gateway runs on the real clock; every case builds its token at the moment
it is sent, and the skew cases leave margins of tens of seconds."""

from __future__ import annotations

from harness.conformance.checks.gateway_jwt_model import (
    BEFORE_ISSUED,
    DROP,
    EXPIRED,
    NO_IDENTITY,
    NO_POLICY,
    NOT_YET,
    POLICY2_ID,
    POLICY_ID,
    SESSION_EXPIRED,
    SKEW_API,
    GatewayCase,
    token,
)

FALLBACK_SUB = "dcr-harness-user-fallback-sub"

CASES: tuple[GatewayCase, ...] = (
    # --- exp / nbf / iat (RFC 7519 §4.1.4-4.1.6) ----------------------------------------------
    GatewayCase("JWT-EXP-PAST", "An expired token answers 401 token has expired", "RFC7519-4.1.4", 401, EXPIRED,
                lambda k: token(k, payload=k.claims(exp=k.now - 60))),
    GatewayCase("JWT-EXP-NOW", "exp equal to now is expired (the time must be before exp)", "RFC7519-4.1.4", 401,
                EXPIRED, lambda k: token(k, payload=k.claims(exp=k.now))),
    GatewayCase("JWT-EXP-FUTURE", "exp a minute ahead is accepted", "RFC7519-4.1.4", 200, "",
                lambda k: token(k, payload=k.claims(exp=k.now + 60))),
    GatewayCase("JWT-NBF-FUTURE", "A token not valid yet answers 401 token is not valid yet", "RFC7519-4.1.5", 401,
                NOT_YET, lambda k: token(k, payload=k.claims(nbf=k.now + 600))),
    GatewayCase("JWT-NBF-NOW", "nbf equal to now is accepted", "RFC7519-4.1.5", 200, "",
                lambda k: token(k, payload=k.claims(nbf=k.now))),
    GatewayCase("JWT-IAT-FUTURE", "A token issued in the future answers 401 token used before issued", "TYK-JWT", 401,
                BEFORE_ISSUED, lambda k: token(k, payload=k.claims(iat=k.now + 600)), see=("RFC7519-4.1.6",)),
    GatewayCase("JWT-EXP-STRING", "A string exp fails the expiry check (NumericDate is a number)", "TYK-JWT", 401,
                EXPIRED, lambda k: token(k, payload=k.claims(exp="9999999999")), see=("RFC7519-2",)),
    GatewayCase("JWT-EXP-NULL", "A null exp fails the expiry check", "TYK-JWT", 401, EXPIRED,
                lambda k: token(k, payload=k.claims(exp=None)), see=("RFC7519-2",)),
    GatewayCase("JWT-NBF-BOOLEAN", "A boolean nbf fails the not-before check", "TYK-JWT", 401, NOT_YET,
                lambda k: token(k, payload=k.claims(nbf=True)), see=("RFC7519-2",)),
    GatewayCase("JWT-EXP-FLOAT-TRUNCATED", "A fractional exp is truncated to whole seconds (now + 0.9 is expired)",
                "TYK-JWT", 401, EXPIRED, lambda k: token(k, payload=k.claims(exp=k.now + 0.9)), see=("RFC7519-2",)),
    GatewayCase("JWT-EXP-FLOAT-FUTURE", "A fractional exp in the future is accepted", "RFC7519-2", 200, "",
                lambda k: token(k, payload=k.claims(exp=k.now + 300.5))),
    GatewayCase("JWT-IAT-SKEW", "iat 30 s ahead passes with jwt_issued_at_validation_skew 60", "TYK-JWT", 200, "",
                lambda k: token(k, payload=k.claims(iat=k.now + 30)), api=SKEW_API, see=("RFC7519-4.1.6",)),
    GatewayCase("JWT-NBF-SKEW-TOO-SMALL", "nbf 120 s ahead fails with jwt_not_before_validation_skew 30", "TYK-JWT",
                401, NOT_YET, lambda k: token(k, payload=k.claims(nbf=k.now + 120)), api=SKEW_API,
                see=("RFC7519-4.1.5",)),
    GatewayCase("JWT-EXP-SKEW-SESSION-EXPIRED", "exp 30 s past passes jwt_expires_at_validation_skew 600, but the "
                "session made from it has expired", "TYK-JWT", 401, SESSION_EXPIRED,
                lambda k: token(k, payload=k.claims(exp=k.now - 30)), api=SKEW_API, see=("RFC7519-4.1.4",)),
    # --- identity and policy (Tyk: jwt_identity_base_field, jwt_policy_field_name) ----------------
    GatewayCase("JWT-IDENTITY-FALLBACK-SUB", "Without the identity claim the gateway falls back to sub", "TYK-JWT",
                200, "", lambda k: token(k, payload=k.claims(client_id=DROP, sub=FALLBACK_SUB)), identity=FALLBACK_SUB),
    GatewayCase("JWT-NO-IDENTITY", "Without identity claim and sub the gateway answers 403", "TYK-JWT", 403,
                NO_IDENTITY, lambda k: token(k, payload=k.claims(client_id=DROP, sub=DROP))),
    GatewayCase("JWT-POL-MISSING-DEFAULT-POLICY", "Without a pol claim the API's default policy applies", "TYK-JWT",
                200, "", lambda k: token(k), policies=(POLICY_ID,)),
    GatewayCase("JWT-POL-KNOWN", "A pol claim naming a known policy applies that policy", "TYK-JWT", 200, "",
                lambda k: token(k, payload=k.claims(pol=POLICY2_ID)), policies=(POLICY2_ID,)),
    GatewayCase("JWT-POL-UNKNOWN", "An unknown policy claim answers 403 no matching policy", "TYK-JWT", 403, NO_POLICY,
                lambda k: token(k, payload=k.claims(pol="dcr-harness-no-such-policy"))),
    GatewayCase("JWT-POL-LIST", "A pol claim that is a list is not a policy id: the default policy applies",
                "TYK-JWT", 200, "", lambda k: token(k, payload=k.claims(pol=[POLICY2_ID])), policies=(POLICY_ID,)),
)

__all__ = ["CASES"]
