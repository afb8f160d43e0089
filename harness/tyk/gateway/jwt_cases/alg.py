"""JWT cases: the token's presence, ``alg`` and the JOSE header (RFC 7515 §4.1, RFC 7518 §3,
RFC 8725 §3.1/§3.10), each with Tyk's exact answer."""

from __future__ import annotations

import json
from dataclasses import replace
from functools import partial
from typing import Any

from harness.jose.rawtokens import b64url, segment, sign_segments
from harness.tyk.gateway.jwt_cases.model import (
    EC_API,
    HMAC_API,
    HMAC_SECRET,
    KNA,
    NO_AUTH,
    RSA_API,
    SRC_ALG,
    SRC_KEY,
    SRC_PARSE,
    SRC_TOKEN,
    UNEXPECTED,
    ApiSpec,
    JwtCase,
    Keys,
    TokenFn,
    raw_token,
    token,
)
from harness.tyk.gateway.testing import b64

ALG = "alg not in the configured family"
VARIANTS = "RS/PS/ES variants"
UNKNOWN = "unknown alg names"
alg_case = partial(JwtCase, source=SRC_ALG)
header_case = partial(JwtCase, source=SRC_PARSE)

#: An API misconfigured as hmac with the RSA public key's PEM as its secret.
HMAC_PEM_API = ApiSpec("dcr-harness-hmac-pem", "/jwt-hmac-pem/", "", signing_method="hmac",
                       source=lambda k: b64(k.rsa.export_to_pem()))


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


def _alg(name: Any) -> TokenFn:
    """A token whose header names ``alg`` ``name``, RS256-signed by ``rsa``."""
    return lambda k: raw_token({"alg": name, "typ": "JWT", "kid": k.kid}, k.claims(), k.rsa)


CHECKS: tuple[JwtCase, ...] = (
    JwtCase("JWT-VALID-RS256", "A valid RS256 token from the JWK Set is accepted", "RFC7515-5.2", 200, "",
            lambda k: token(k), item=VARIANTS, source=SRC_KEY),
    JwtCase("JWT-NO-TOKEN", "A request without a token answers 400 Authorization field missing", "TYK-JWT",
            400, NO_AUTH, lambda k: None, see=("RFC6750-3",), source=SRC_TOKEN),
    # --- algorithm (RFC 8725 §3.1) ------------------------------------------------------
    alg_case("JWT-ALG-NONE", "alg none is refused before any key lookup", "RFC8725-3.1", 403, UNEXPECTED,
             lambda k: segment({"alg": "none", "typ": "JWT", "kid": k.kid}) + "." + segment(k.claims()) + ".",
             item="alg `none`"),
    alg_case("JWT-ALG-MISSING", "A token without alg is refused", "RFC7515-4.1.1", 403, KNA,
             lambda k: raw_token({"typ": "JWT", "kid": k.kid}, k.claims(), k.rsa), item="alg missing"),
    alg_case("JWT-ALG-OTHER-FAMILY", "An ES256 token on an RSA API is refused as an unexpected signing method",
             "RFC8725-3.1", 403, UNEXPECTED, lambda k: token(k, k.ec, "ES256"), item=ALG),
    alg_case("JWT-ALG-RS256-ON-ECDSA-API", "An RS256 token on an ECDSA API is refused as an unexpected signing "
             "method", "RFC8725-3.1", 403, UNEXPECTED, lambda k: token(k), api=EC_API, item=ALG),
    alg_case("JWT-ALG-HS256-KEY-CONFUSION", "HS256 signed with the RSA public key is refused (key confusion)",
             "RFC8725-3.1", 403, UNEXPECTED, _hs256_with_rsa_public_pem, see=("RFC8725-2.1", "TYK-JWT"),
             item="HS256 signed with the RSA public key (key confusion)"),
    alg_case("JWT-ALG-UNKNOWN-NAME", "An unregistered alg name (RS1024) is refused", "RFC7515-4.1.1", 403, KNA,
             _alg("RS1024"), item=UNKNOWN),
    alg_case("JWT-ALG-WRONG-CASE", "alg is case-sensitive: rs256 is refused", "RFC7515-4.1.1", 403, KNA,
             _alg("rs256"), item=UNKNOWN),
    # --- RS / PS / ES variants (RFC 7518 §3.3-3.5) ----------------------------------------
    alg_case("JWT-VALID-RS384", "A valid RS384 token is accepted on an RSA API", "RFC7518-3.3", 200, "",
             lambda k: token(k, alg="RS384"), item=VARIANTS),
    alg_case("JWT-VALID-RS512", "A valid RS512 token is accepted on an RSA API", "RFC7518-3.3", 200, "",
             lambda k: token(k, alg="RS512"), item=VARIANTS),
    alg_case("JWT-VALID-PS256", "A valid PS256 token is accepted on an RSA API", "RFC7518-3.5", 200, "",
             lambda k: token(k, alg="PS256"), item=VARIANTS),
    alg_case("JWT-VALID-PS384", "A valid PS384 token is accepted on an RSA API", "RFC7518-3.5", 200, "",
             lambda k: token(k, alg="PS384"), item=VARIANTS),
    alg_case("JWT-VALID-PS512", "A valid PS512 token is accepted on an RSA API", "RFC7518-3.5", 200, "",
             lambda k: token(k, alg="PS512"), item=VARIANTS),
    alg_case("JWT-VALID-ES256", "A valid ES256 token (P-256) is accepted on an ECDSA API", "RFC7518-3.4", 200, "",
             lambda k: token(k, k.ec, "ES256"), api=EC_API, item=VARIANTS),
    alg_case("JWT-VALID-ES384", "A valid ES384 token (P-384) is accepted on an ECDSA API", "RFC7518-3.4", 200, "",
             lambda k: token(k, k.ec384, "ES384"), api=EC_API, item=VARIANTS),
    alg_case("JWT-VALID-ES512", "A valid ES512 token (P-521) is accepted on an ECDSA API", "RFC7518-3.4", 200, "",
             lambda k: token(k, k.ec521, "ES512"), api=EC_API, item=VARIANTS),
    # --- header parameters ------------------------------------------------------------------
    header_case("JWT-CRIT-UNKNOWN-EXTENSION", "crit naming an unknown extension is ignored, as Tyk does "
                "(RFC 7515 §4.1.11 says reject)", "TYK-JWT", 200, "",
                lambda k: raw_token({"alg": "RS256", "typ": "JWT", "kid": k.kid, "crit": ["urn:example:unknown"],
                                     "urn:example:unknown": 1}, k.claims(), k.rsa),
                see=("RFC7515-4.1.11",), item="`crit` with unknown extensions"),
    header_case("JWT-B64-FALSE-HEADER-IGNORED", "b64 false over an encoded payload is ignored, as Tyk does",
                "TYK-JWT", 200, "", lambda k: token(k, b64=False), see=("RFC7797-3",), item="`b64: false`"),
    header_case("JWT-B64-FALSE-UNENCODED-PAYLOAD", "An unencoded payload (b64 false, RFC 7797) is refused",
                "RFC7797-3", 403, KNA, _rfc7797_unencoded, see=("TYK-JWT",), item="`b64: false`"),
    header_case("JWT-EMBEDDED-JWK", "An embedded jwk header is never trusted", "RFC8725-3.10", 403, KNA,
                lambda k: token(k, k.attacker, jwk=k.attacker.export_public(as_dict=True)),
                item="embedded `jwk` header"),
    header_case("JWT-JKU-HEADER", "A jku header is never followed", "RFC8725-3.10", 403, KNA,
                lambda k: token(k, k.attacker, jku="http://127.0.0.1:9/attacker-jwks"), item="embedded `jku` header"),
    header_case("JWT-X5U-HEADER", "An x5u header is never followed", "RFC8725-3.10", 403, KNA,
                lambda k: token(k, k.attacker, x5u="http://127.0.0.1:9/attacker-cert"), item="embedded `x5u` header"),
    header_case("JWT-X5C-HEADER", "An embedded x5c header is never trusted", "RFC8725-3.10", 403, KNA,
                lambda k: token(k, k.attacker, x5c=["MIIB"]), item="embedded `x5c` header"),
)

#: Gateway tests only (a frozen clock, one API per case): further algorithm and key-source
#: behaviours of Tyk, including the HMAC signing method the guides do not use.
GATEWAY: tuple[JwtCase, ...] = (
    alg_case("JWT-ALG-NOT-A-STRING", "A numeric alg is refused", "RFC7515-4.1.1", 403, KNA, _alg(256), item=UNKNOWN),
    alg_case("JWT-ALG-HS256-ON-RSA-API", "An HS256 token on an RSA API is refused as an unexpected signing method",
             "RFC8725-3.1", 403, UNEXPECTED, lambda k: token(k, HMAC_SECRET, "HS256", kid=k.kid), item=ALG),
    alg_case("JWT-ALG-HS256-KEY-CONFUSION-ON-HMAC-API", "Key confusion works when the API itself is misconfigured "
             "as hmac with the PEM as secret", "RFC8725-2.1", 200, "", _hs256_with_rsa_public_pem, api=HMAC_PEM_API,
             item="HS256 signed with the RSA public key (key confusion)"),
    alg_case("JWT-ES256-KID-NAMES-P384-KEY", "An ES256 signature by the P-256 key whose kid names the P-384 key is "
             "refused", "RFC7515-5.2", 403, KNA, lambda k: token(k, k.ec, "ES256", kid=k.ec384.get("kid")),
             api=EC_API, source=SRC_KEY),
    alg_case("JWT-VALID-HS256", "A valid HS256 token is accepted on an HMAC API", "RFC7518-3.2", 200, "",
             lambda k: token(k, HMAC_SECRET, "HS256"), api=HMAC_API),
    alg_case("JWT-VALID-HS512", "A valid HS512 token is accepted on an HMAC API", "RFC7518-3.2", 200, "",
             lambda k: token(k, HMAC_SECRET, "HS512"), api=HMAC_API),
    alg_case("JWT-HS256-SHORT-SECRET", "A 5-byte HMAC secret is accepted, as golang-jwt does (RFC 7518 §3.2 says "
             "at least 32)", "RFC7518-3.2", 200, "", lambda k: token(k, b"short", "HS256"),
             api=replace(HMAC_API, source=lambda k: b64(b"short"))),
    alg_case("JWT-EMPTY-SIGNING-METHOD-IS-HMAC", "An empty jwt_signing_method acts as hmac", "TYK-JWT", 200, "",
             lambda k: token(k, HMAC_SECRET, "HS256"), api=replace(HMAC_API, signing_method="")),
    alg_case("JWT-UNKNOWN-SIGNING-METHOD-IS-HMAC", "An unknown jwt_signing_method (rsa256) acts as hmac: RS256 is "
             "an unexpected signing method", "TYK-JWT", 403, UNEXPECTED, lambda k: token(k),
             api=replace(RSA_API, signing_method="rsa256")),
    alg_case("JWT-ALG-ES256K", "ES256K (not registered with golang-jwt) is refused", "RFC7515-4.1.1", 403, KNA,
             _alg("ES256K"), item=UNKNOWN),
    alg_case("JWT-ALG-EDDSA", "EdDSA (registered, but in no Tyk family) is an unexpected signing method",
             "RFC8725-3.1", 403, UNEXPECTED, _alg("EdDSA"), item=ALG),
)

__all__ = ["CHECKS", "GATEWAY"]
