"""Token structure checks before any key lookup (RFC 7519 §7.2 steps 1-8, as golang-jwt
v4 ``Parser.ParseUnverified`` performs them for Tyk).

Every failure here is 403 ``Key not authorized``; the reason is kept for the log.
The signature segment is *not* decoded here: golang-jwt decodes it only after the key
lookup (inside ``SigningMethod.Verify``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from harness.tyk.gateway.decisions import Refusal
from harness.tyk.gateway.golang.gocompat import (
    GO_JWT_ALGS,
    GoDecodeError,
    b64url_decode_go,
    go_json_loads,
    go_type_name,
)

KEY_NOT_AUTHORIZED = "Key not authorized"
UNEXPECTED_SIGNING_METHOD = "Key not authorized: Unexpected signing method"

#: Which ``alg`` values each ``jwt_signing_method`` accepts (assertSigningMethod).
FAMILY_ALGS: dict[str, frozenset[str]] = {
    "rsa": frozenset({"RS256", "RS384", "RS512", "PS256", "PS384", "PS512"}),
    "ecdsa": frozenset({"ES256", "ES384", "ES512"}),
    "hmac": frozenset({"HS256", "HS384", "HS512"}),
}


@dataclass(frozen=True)
class ParsedToken:
    header: dict[str, Any]
    claims: dict[str, Any]
    alg: str
    signing_input: bytes
    signature_segment: str


def _refuse(reason: str) -> Refusal:
    return Refusal(403, KEY_NOT_AUTHORIZED, stage="parse", reason=reason)


def parse_token(token: str, *, claims_set: bool = True) -> ParsedToken:
    """Split, decode and read header and claims, or raise :class:`Refusal`.

    ``claims_set=False`` skips only the claims-JSON step (the payload must still be
    base64url): for JOSE test vectors that sign payloads which are not JWT claim sets
    (:meth:`harness.tyk.gateway.Gateway.check_signature`). Tyk never skips it."""
    parts = token.split(".")
    if len(parts) != 3:
        raise _refuse(f"token contains an invalid number of segments ({len(parts)})")
    try:
        header_bytes = b64url_decode_go(parts[0])
    except GoDecodeError as exc:
        if token.lower().startswith("bearer "):
            raise _refuse("tokenstring should not contain 'bearer '") from None
        raise _refuse(f"header segment: {exc}") from None
    try:
        header = go_json_loads(header_bytes)
    except GoDecodeError as exc:
        raise _refuse(f"header is not JSON: {exc}") from None
    if header is not None and not isinstance(header, dict):
        raise _refuse(f"header is a JSON {go_type_name(header)}, not an object")
    header = header or {}
    try:
        claim_bytes = b64url_decode_go(parts[1])
    except GoDecodeError as exc:
        raise _refuse(f"payload segment: {exc}") from None
    claims: Any = None
    if claims_set:
        try:
            claims = go_json_loads(claim_bytes, first_value_only=True)
        except GoDecodeError as exc:
            raise _refuse(f"payload is not JSON: {exc}") from None
        if claims is not None and not isinstance(claims, dict):
            raise _refuse(f"payload is a JSON {go_type_name(claims)}, not an object")
    alg = header.get("alg")
    if not isinstance(alg, str):
        raise _refuse("signing method (alg) is unspecified.")
    if alg not in GO_JWT_ALGS:
        raise _refuse(f"signing method (alg) is unavailable: {alg[:40]!r}")
    return ParsedToken(
        header=header,
        claims=claims or {},
        alg=alg,
        signing_input=(parts[0] + "." + parts[1]).encode("latin-1"),
        signature_segment=parts[2],
    )


def check_signing_method(family: str, alg: str) -> None:
    """RFC 8725 §3.1: accept only the configured algorithm family (Tyk's
    ``assertSigningMethod``); ``family`` is ``rsa``/``ecdsa``/``hmac``."""
    if alg not in FAMILY_ALGS[family]:
        raise Refusal(
            403, UNEXPECTED_SIGNING_METHOD, stage="signing_method",
            reason=f"Unexpected signing method: {alg} is not in the {family} family",
        )
