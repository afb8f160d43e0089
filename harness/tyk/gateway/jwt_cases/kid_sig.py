"""JWT cases: the ``kid`` (RFC 7515 §4.1.4, RFC 8725 §3.10) and the signature (RFC 7515
§5.2, RFC 7518 §3.4 for ECDSA's R || S encoding), each with Tyk's exact answer."""

from __future__ import annotations

from dataclasses import replace
from functools import partial

from harness.tyk.gateway.jwt_cases.model import (
    DROP,
    DUP_KID_API,
    EC_API,
    KNA,
    RSA_API,
    SRC_KEY,
    SRC_PARSE,
    JwtCase,
    der_sig,
    flip_first_sig_bit,
    high_s,
    tamper_sig,
    token,
)

#: Long enough to be absurd, short enough that the request head stays under the 16 KiB
#: the loopback HTTP server (uvicorn, h11) accepts.
VERY_LONG_KID = 8000
DUPLICATED = "kid duplicated in the JWKS"
WRONG_LENGTH = "signature: wrong-length signatures"
kid_case = partial(JwtCase, source=SRC_KEY)
sig_case = partial(JwtCase, source=SRC_PARSE)

CHECKS: tuple[JwtCase, ...] = (
    # --- kid --------------------------------------------------------------------------------
    kid_case("JWT-KID-MISSING", "A token without kid is refused (JWK Set source)", "RFC7515-4.1.4", 403, KNA,
             lambda k: token(k, kid=DROP), item="kid missing"),
    kid_case("JWT-KID-UNKNOWN", "A kid not in the JWK Set is refused", "RFC7515-4.1.4", 403, KNA,
             lambda k: token(k, kid="dcr-harness-unknown-kid"), item="kid unknown"),
    kid_case("JWT-KID-PATH-LIKE", "A path-like kid (../../etc/passwd) is only compared, never used as a path",
             "RFC8725-3.10", 403, KNA, lambda k: token(k, kid="../../etc/passwd"), item="kid path/SQL-like values"),
    kid_case("JWT-KID-SQL-LIKE", "An SQL-like kid (' OR '1'='1' --) is only compared, never interpreted",
             "RFC8725-3.10", 403, KNA, lambda k: token(k, kid="' OR '1'='1' --"), item="kid path/SQL-like values"),
    kid_case("JWT-KID-VERY-LONG", "A very long kid (8000 characters) is refused like any unknown kid",
             "RFC7515-4.1.4", 403, KNA, lambda k: token(k, kid="k" * VERY_LONG_KID), see=("TYK-JWT",),
             item="kid very long values"),
    kid_case("JWT-KID-DUPLICATED-FIRST-KEY", "With a kid duplicated in the JWK Set the first key verifies",
             "TYK-JWT", 200, "", lambda k: token(k), api=DUP_KID_API, see=("RFC7517-4.5",), item=DUPLICATED),
    kid_case("JWT-KID-DUPLICATED-SECOND-KEY", "With a kid duplicated in the JWK Set the second key's signature "
             "is refused (first match wins)", "TYK-JWT", 403, KNA, lambda k: token(k, k.rsa2, kid=k.kid),
             api=DUP_KID_API, see=("RFC7517-4.5",), item=DUPLICATED),
    # --- signature (RFC 7515 §5.2) -----------------------------------------------------------
    sig_case("JWT-SIG-FLIPPED-BIT", "A signature with one flipped bit is refused", "RFC7515-5.2", 403, KNA,
             lambda k: flip_first_sig_bit(token(k)), item="signature: flipped bit"),
    sig_case("JWT-SIG-TRUNCATED", "A signature one byte short is refused", "RFC7515-5.2", 403, KNA,
             lambda k: tamper_sig(token(k), lambda r: r[:-1]), item="signature: truncated"),
    sig_case("JWT-SIG-EXTENDED", "A signature one byte too long is refused", "RFC7515-5.2", 403, KNA,
             lambda k: tamper_sig(token(k), lambda r: r + b"\0"), item=WRONG_LENGTH),
    sig_case("JWT-SIG-EMPTY", "An empty signature is refused", "RFC7515-5.2", 403, KNA,
             lambda k: token(k).rsplit(".", 1)[0] + ".", item="signature: empty"),
    sig_case("JWT-SIG-WRONG-KEY", "A signature by an unpublished key carrying a published kid is refused",
             "RFC7515-5.2", 403, KNA, lambda k: token(k, k.attacker), item="signature: wrong key"),
    sig_case("JWT-SIG-OTHER-KEY-OF-JWKS", "A signature by another key of the same JWK Set is refused (kid selects)",
             "RFC7515-5.2", 403, KNA, lambda k: token(k, k.rsa2, kid=k.kid), item="signature: other key of same JWKS"),
    sig_case("JWT-SIG-ECDSA-HIGH-S", "A high-S ECDSA signature (n - S) is accepted, as Go's crypto/ecdsa does",
             "TYK-JWT", 200, "", lambda k: high_s(token(k, k.ec, "ES256")), api=EC_API, see=("RFC7518-3.4",),
             item="signature: high-S ECDSA"),
    sig_case("JWT-SIG-ECDSA-DER", "A DER-encoded ECDSA signature is refused (JWS uses R || S)", "RFC7518-3.4",
             403, KNA, lambda k: der_sig(token(k, k.ec, "ES256")), api=EC_API,
             item="signature: DER vs raw ECDSA encoding"),
    sig_case("JWT-SIG-ECDSA-66-BYTES", "An ES256 signature of 66 bytes (zero-padded R and S) is refused",
             "RFC7518-3.4", 403, KNA,
             lambda k: tamper_sig(token(k, k.ec, "ES256"), lambda r: b"\0" + r[:32] + b"\0" + r[32:]), api=EC_API,
             item=WRONG_LENGTH),
    sig_case("JWT-SIG-ECDSA-63-BYTES", "An ES256 signature of 63 bytes is refused", "RFC7518-3.4", 403, KNA,
             lambda k: tamper_sig(token(k, k.ec, "ES256"), lambda r: r[:63]), api=EC_API, item=WRONG_LENGTH),
)

#: Gateway tests only (a frozen clock, one API per case).
GATEWAY: tuple[JwtCase, ...] = (
    kid_case("JWT-KID-EMPTY", "An empty kid is refused when every published key has one", "RFC7515-4.1.4", 403,
             KNA, lambda k: token(k, kid=""), item="kid unknown"),
    kid_case("JWT-KID-NUMBER", "A numeric kid is refused (getSecretFromURL wants a string)", "RFC7515-4.1.4", 403,
             KNA, lambda k: token(k, kid=7), item="kid unknown"),
    kid_case("JWT-SKIP-KID-STILL-NEEDS-KID", "jwt_skip_kid does not waive the kid for a JWK Set source",
             "RFC7515-4.1.4", 403, KNA, lambda k: token(k, kid=DROP), api=RSA_API.but(jwt_skip_kid=True),
             item="kid missing"),
    kid_case("JWT-NO-SOURCE-ONE-TO-ONE", "Without jwt_source (one-to-one mode) no session holds the key: refused",
             "TYK-JWT", 403, KNA, lambda k: token(k), api=replace(RSA_API, jwks="", source=lambda k: "")),
)

__all__ = ["CHECKS", "GATEWAY", "VERY_LONG_KID"]
