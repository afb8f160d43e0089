"""Gateway-JWT cases: the ``kid`` (RFC 7515 §4.1.4, RFC 8725 §3.10) and the signature
(RFC 7515 §5.2, RFC 7518 §3.4 for ECDSA's R || S encoding), each with Tyk's exact answer."""

from __future__ import annotations

from harness.conformance.checks.gateway_jwt_model import (
    DROP,
    DUP_KID_API,
    EC_API,
    KNA,
    GatewayCase,
    der_sig,
    flip_first_sig_bit,
    high_s,
    tamper_sig,
    token,
)

#: Long enough to be absurd, short enough that the request head stays under the 16 KiB
#: the loopback HTTP server (uvicorn, h11) accepts.
VERY_LONG_KID = 8000

CASES: tuple[GatewayCase, ...] = (
    # --- kid --------------------------------------------------------------------------------
    GatewayCase("JWT-KID-MISSING", "A token without kid is refused (JWK Set source)", "RFC7515-4.1.4", 403, KNA,
                lambda k: token(k, kid=DROP)),
    GatewayCase("JWT-KID-UNKNOWN", "A kid not in the JWK Set is refused", "RFC7515-4.1.4", 403, KNA,
                lambda k: token(k, kid="dcr-harness-unknown-kid")),
    GatewayCase("JWT-KID-PATH-LIKE", "A path-like kid (../../etc/passwd) is only compared, never used as a path",
                "RFC8725-3.10", 403, KNA, lambda k: token(k, kid="../../etc/passwd")),
    GatewayCase("JWT-KID-SQL-LIKE", "An SQL-like kid (' OR '1'='1' --) is only compared, never interpreted",
                "RFC8725-3.10", 403, KNA, lambda k: token(k, kid="' OR '1'='1' --")),
    GatewayCase("JWT-KID-VERY-LONG", "A very long kid (8000 characters) is refused like any unknown kid",
                "RFC7515-4.1.4", 403, KNA, lambda k: token(k, kid="k" * VERY_LONG_KID), see=("TYK-JWT",)),
    GatewayCase("JWT-KID-DUPLICATED-FIRST-KEY", "With a kid duplicated in the JWK Set the first key verifies",
                "TYK-JWT", 200, "", lambda k: token(k), api=DUP_KID_API, see=("RFC7517-4.5",)),
    GatewayCase("JWT-KID-DUPLICATED-SECOND-KEY", "With a kid duplicated in the JWK Set the second key's signature "
                "is refused (first match wins)", "TYK-JWT", 403, KNA, lambda k: token(k, k.rsa2, kid=k.kid),
                api=DUP_KID_API, see=("RFC7517-4.5",)),
    # --- signature (RFC 7515 §5.2) -----------------------------------------------------------
    GatewayCase("JWT-SIG-FLIPPED-BIT", "A signature with one flipped bit is refused", "RFC7515-5.2", 403, KNA,
                lambda k: flip_first_sig_bit(token(k))),
    GatewayCase("JWT-SIG-TRUNCATED", "A signature one byte short is refused", "RFC7515-5.2", 403, KNA,
                lambda k: tamper_sig(token(k), lambda r: r[:-1])),
    GatewayCase("JWT-SIG-EXTENDED", "A signature one byte too long is refused", "RFC7515-5.2", 403, KNA,
                lambda k: tamper_sig(token(k), lambda r: r + b"\0")),
    GatewayCase("JWT-SIG-EMPTY", "An empty signature is refused", "RFC7515-5.2", 403, KNA,
                lambda k: token(k).rsplit(".", 1)[0] + "."),
    GatewayCase("JWT-SIG-WRONG-KEY", "A signature by an unpublished key carrying a published kid is refused",
                "RFC7515-5.2", 403, KNA, lambda k: token(k, k.attacker)),
    GatewayCase("JWT-SIG-OTHER-KEY-OF-JWKS", "A signature by another key of the same JWK Set is refused (kid selects)",
                "RFC7515-5.2", 403, KNA, lambda k: token(k, k.rsa2, kid=k.kid)),
    GatewayCase("JWT-SIG-ECDSA-HIGH-S", "A high-S ECDSA signature (n - S) is accepted, as Go's crypto/ecdsa does",
                "TYK-JWT", 200, "", lambda k: high_s(token(k, k.ec, "ES256")), api=EC_API, see=("RFC7518-3.4",)),
    GatewayCase("JWT-SIG-ECDSA-DER", "A DER-encoded ECDSA signature is refused (JWS uses R || S)", "RFC7518-3.4",
                403, KNA, lambda k: der_sig(token(k, k.ec, "ES256")), api=EC_API),
    GatewayCase("JWT-SIG-ECDSA-66-BYTES", "An ES256 signature of 66 bytes (zero-padded R and S) is refused",
                "RFC7518-3.4", 403, KNA,
                lambda k: tamper_sig(token(k, k.ec, "ES256"), lambda r: b"\0" + r[:32] + b"\0" + r[32:]), api=EC_API),
    GatewayCase("JWT-SIG-ECDSA-63-BYTES", "An ES256 signature of 63 bytes is refused", "RFC7518-3.4", 403, KNA,
                lambda k: tamper_sig(token(k, k.ec, "ES256"), lambda r: r[:63]), api=EC_API),
)

__all__ = ["CASES"]
