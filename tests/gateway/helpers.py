"""Token building for the gateway tests (through harness.jose)."""

from __future__ import annotations

from typing import Any

from jwcrypto import jwk

from harness.jose.rawtokens import b64url, segment, sign_segments

__all__ = ["b64url", "segment", "sign_segments", "make_token"]


def make_token(claims: Any, key: jwk.JWK | bytes, alg: str = "RS256", header: dict[str, Any] | None = None,
               kid: str | None = "default") -> str:
    """Sign ``claims`` with ``alg``; the header carries the key's kid unless overridden."""
    h: dict[str, Any] = {"alg": alg, "typ": "JWT"}
    if kid == "default":
        if isinstance(key, jwk.JWK) and key.get("kid"):
            h["kid"] = key.get("kid")
    elif kid is not None:
        h["kid"] = kid
    if header:
        h.update(header)
    return sign_segments(segment(h), segment(claims), key, alg)
