"""Gateway-JWT cases: the token's presence, ``alg`` and the JOSE header (RFC 7515 §4.1,
RFC 7518 §3, RFC 8725 §3.1/§3.10), each with Tyk's exact answer."""

from __future__ import annotations

import json

from harness.conformance.checks.gateway_jwt_model import (
    EC_API,
    KNA,
    NO_AUTH,
    UNEXPECTED,
    GatewayCase,
    Keys,
    raw_token,
    token,
)
from harness.jose.rawtokens import b64url, segment, sign_segments


def _hs256_with_rsa_public_pem(k: Keys) -> str:
    """Key confusion: HS256 keyed with the RSA public key's PEM (RFC 8725 §2.1)."""
    return raw_token({"alg": "HS256", "typ": "JWT", "kid": k.kid}, k.claims(), k.rsa.export_to_pem(), "HS256")


def _rfc7797_unencoded(k: Keys) -> str:
    """``b64: false`` with ``crit``: the payload travels unencoded (RFC 7797 §3), the
    signature is over the header and the base64url payload."""
    header = segment({"alg": "RS256", "typ": "JWT", "kid": k.kid, "b64": False, "crit": ["b64"]})
    payload = json.dumps(k.claims(), separators=(",", ":"))
    sig = sign_segments(header, b64url(payload.encode()), k.rsa, "RS256").split(".")[2]
    return f"{header}.{payload}.{sig}"


CASES: tuple[GatewayCase, ...] = (
    GatewayCase("JWT-VALID-RS256", "A valid RS256 token from the JWK Set is accepted", "RFC7515-5.2", 200, "",
                lambda k: token(k)),
    GatewayCase("JWT-NO-TOKEN", "A request without a token answers 400 Authorization field missing", "TYK-JWT",
                400, NO_AUTH, lambda k: None, see=("RFC6750-3",)),
    # --- algorithm (RFC 8725 §3.1) ------------------------------------------------------
    GatewayCase("JWT-ALG-NONE", "alg none is refused before any key lookup", "RFC8725-3.1", 403, UNEXPECTED,
                lambda k: segment({"alg": "none", "typ": "JWT", "kid": k.kid}) + "." + segment(k.claims()) + "."),
    GatewayCase("JWT-ALG-MISSING", "A token without alg is refused", "RFC7515-4.1.1", 403, KNA,
                lambda k: raw_token({"typ": "JWT", "kid": k.kid}, k.claims(), k.rsa)),
    GatewayCase("JWT-ALG-OTHER-FAMILY", "An ES256 token on an RSA API is refused as an unexpected signing method",
                "RFC8725-3.1", 403, UNEXPECTED, lambda k: token(k, k.ec, "ES256")),
    GatewayCase("JWT-ALG-RS256-ON-ECDSA-API", "An RS256 token on an ECDSA API is refused as an unexpected signing "
                "method", "RFC8725-3.1", 403, UNEXPECTED, lambda k: token(k), api=EC_API),
    GatewayCase("JWT-ALG-HS256-KEY-CONFUSION", "HS256 signed with the RSA public key is refused (key confusion)",
                "RFC8725-3.1", 403, UNEXPECTED, _hs256_with_rsa_public_pem, see=("RFC8725-2.1", "TYK-JWT")),
    GatewayCase("JWT-ALG-UNKNOWN-NAME", "An unregistered alg name (RS1024) is refused", "RFC7515-4.1.1", 403, KNA,
                lambda k: raw_token({"alg": "RS1024", "typ": "JWT", "kid": k.kid}, k.claims(), k.rsa)),
    GatewayCase("JWT-ALG-WRONG-CASE", "alg is case-sensitive: rs256 is refused", "RFC7515-4.1.1", 403, KNA,
                lambda k: raw_token({"alg": "rs256", "typ": "JWT", "kid": k.kid}, k.claims(), k.rsa)),
    # --- RS / PS / ES variants (RFC 7518 §3.3-3.5) ----------------------------------------
    GatewayCase("JWT-VALID-RS384", "A valid RS384 token is accepted on an RSA API", "RFC7518-3.3", 200, "",
                lambda k: token(k, alg="RS384")),
    GatewayCase("JWT-VALID-RS512", "A valid RS512 token is accepted on an RSA API", "RFC7518-3.3", 200, "",
                lambda k: token(k, alg="RS512")),
    GatewayCase("JWT-VALID-PS256", "A valid PS256 token is accepted on an RSA API", "RFC7518-3.5", 200, "",
                lambda k: token(k, alg="PS256")),
    GatewayCase("JWT-VALID-PS384", "A valid PS384 token is accepted on an RSA API", "RFC7518-3.5", 200, "",
                lambda k: token(k, alg="PS384")),
    GatewayCase("JWT-VALID-PS512", "A valid PS512 token is accepted on an RSA API", "RFC7518-3.5", 200, "",
                lambda k: token(k, alg="PS512")),
    GatewayCase("JWT-VALID-ES256", "A valid ES256 token (P-256) is accepted on an ECDSA API", "RFC7518-3.4", 200, "",
                lambda k: token(k, k.ec, "ES256"), api=EC_API),
    GatewayCase("JWT-VALID-ES384", "A valid ES384 token (P-384) is accepted on an ECDSA API", "RFC7518-3.4", 200, "",
                lambda k: token(k, k.ec384, "ES384"), api=EC_API),
    GatewayCase("JWT-VALID-ES512", "A valid ES512 token (P-521) is accepted on an ECDSA API", "RFC7518-3.4", 200, "",
                lambda k: token(k, k.ec521, "ES512"), api=EC_API),
    # --- header parameters ------------------------------------------------------------------
    GatewayCase("JWT-CRIT-UNKNOWN-EXTENSION", "crit naming an unknown extension is ignored, as Tyk does "
                "(RFC 7515 §4.1.11 says reject)", "TYK-JWT", 200, "",
                lambda k: token(k, crit=["urn:example:unknown"], **{"urn:example:unknown": 1}),
                see=("RFC7515-4.1.11",)),
    GatewayCase("JWT-B64-FALSE-HEADER-IGNORED", "b64 false over an encoded payload is ignored, as Tyk does",
                "TYK-JWT", 200, "", lambda k: token(k, b64=False), see=("RFC7797-3",)),
    GatewayCase("JWT-B64-FALSE-UNENCODED-PAYLOAD", "An unencoded payload (b64 false, RFC 7797) is refused",
                "RFC7797-3", 403, KNA, _rfc7797_unencoded, see=("TYK-JWT",)),
    GatewayCase("JWT-EMBEDDED-JWK", "An embedded jwk header is never trusted", "RFC8725-3.10", 403, KNA,
                lambda k: token(k, k.attacker, jwk=k.attacker.export_public(as_dict=True))),
    GatewayCase("JWT-JKU-HEADER", "A jku header is never followed", "RFC8725-3.10", 403, KNA,
                lambda k: token(k, k.attacker, jku="http://127.0.0.1:9/attacker-jwks")),
    GatewayCase("JWT-X5U-HEADER", "An x5u header is never followed", "RFC8725-3.10", 403, KNA,
                lambda k: token(k, k.attacker, x5u="http://127.0.0.1:9/attacker-cert")),
    GatewayCase("JWT-X5C-HEADER", "An embedded x5c header is never trusted", "RFC8725-3.10", 403, KNA,
                lambda k: token(k, k.attacker, x5c=["MIIB"])),
)

__all__ = ["CASES"]
