"""Compact JWS over *exact* segments, for edge-case tokens (RFC 7515 §7.1).

:func:`harness.jose.sign` builds well-formed tokens; tests of a verifier also need
tokens whose header or payload bytes are unusual (duplicate members, whitespace,
non-JSON, arrays) but whose signature is still valid over those exact bytes.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from jwcrypto import jwk
from jwcrypto.jwa import JWA


def b64url(data: bytes) -> str:
    """base64url without padding (RFC 7515 §2)."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def segment(value: Any) -> str:
    """A segment: bytes and str are encoded as given, anything else as compact JSON."""
    if isinstance(value, bytes):
        return b64url(value)
    if isinstance(value, str):
        return b64url(value.encode())
    return b64url(json.dumps(value, separators=(",", ":")).encode())


def sign_segments(header_seg: str, payload_seg: str, key: jwk.JWK | bytes, alg: str) -> str:
    """``header.payload.signature`` with a signature over exactly these segments;
    ``key`` may be raw bytes for HS* (any length)."""
    signing_input = f"{header_seg}.{payload_seg}".encode()
    if isinstance(key, bytes):
        if alg.startswith("HS") and len(key) * 8 < int(alg[2:]):
            from cryptography.hazmat.primitives import hashes, hmac

            mac = hmac.HMAC(key, {"HS256": hashes.SHA256(), "HS384": hashes.SHA384(), "HS512": hashes.SHA512()}[alg])
            mac.update(signing_input)
            return f"{header_seg}.{payload_seg}.{b64url(mac.finalize())}"
        key = jwk.JWK(kty="oct", k=b64url(key))
    sig = JWA.signing_alg(alg).sign(key, signing_input)
    return f"{header_seg}.{payload_seg}.{b64url(sig)}"
