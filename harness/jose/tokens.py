"""JWT signing and inspection (RFC 7519 §7.1, §7.2)."""

from __future__ import annotations

import json
from typing import Any

from jwcrypto import jwk, jws
from jwcrypto.common import base64url_decode, json_encode


def sign(claims: dict[str, Any], key: jwk.JWK, *, alg: str | None = None, headers: dict[str, Any] | None = None) -> str:
    """Sign ``claims`` as a compact JWS (RFC 7515 §7.1). The header carries ``alg``,
    ``typ: JWT`` and the key's ``kid`` unless ``headers`` overrides them."""
    # Symmetric (oct) keys have no public half: read alg/kid from the key itself.
    key_dict = key.export_public(as_dict=True) if key.has_public else key.export(as_dict=True)
    protected: dict[str, Any] = {"alg": alg or key_dict.get("alg", "RS256"), "typ": "JWT"}
    if key_dict.get("kid"):
        protected["kid"] = key_dict["kid"]
    if headers:
        protected.update(headers)
    token = jws.JWS(json.dumps(claims, separators=(",", ":")).encode())
    token.add_signature(key, alg=protected["alg"], protected=json_encode(protected))
    return str(token.serialize(compact=True))


class BadJwt(ValueError):
    """The compact JWS does not parse, or its signature does not verify with the key."""


def verify(token: str, key: jwk.JWK, *, algs: list[str] | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
    """Verify a compact JWS with ``key`` (RFC 7515 §5.2) and return its header and
    claims. Only ``algs`` are accepted when given. Raises :class:`BadJwt`. Claims
    such as ``exp`` are the caller's to check (RFC 7519 §7.2 step 10 onwards)."""
    obj = jws.JWS()
    if algs is not None:
        obj.allowed_algs = list(algs)
    try:
        obj.deserialize(token)
        obj.verify(key)
        header = obj.jose_header
        claims = json.loads(obj.payload)
    except Exception as exc:  # jwcrypto raises several unrelated types
        raise BadJwt(f"token does not verify: {type(exc).__name__}") from exc
    if not isinstance(header, dict) or not isinstance(claims, dict):
        raise BadJwt("header and payload must be JSON objects")
    return dict(header), claims


class NotAJwt(ValueError):
    """The string is not a compact JWS with a JSON header and JSON payload."""


def decode_unverified(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Header and claims of a compact JWT *without* verifying it — for display and
    diagnosis only (RFC 7519 §7.2 steps 1-8 minus signature validation)."""
    parts = token.split(".")
    if len(parts) != 3:
        raise NotAJwt(f"expected 3 dot-separated parts, got {len(parts)}")
    try:
        header = json.loads(base64url_decode(parts[0]))
        claims = json.loads(base64url_decode(parts[1]))
    except (ValueError, UnicodeDecodeError) as exc:
        raise NotAJwt(f"header or payload is not base64url JSON: {exc}") from exc
    if not isinstance(header, dict) or not isinstance(claims, dict):
        raise NotAJwt("header and payload must be JSON objects")
    return header, claims


def is_jwt(token: str) -> bool:
    try:
        decode_unverified(token)
        return True
    except NotAJwt:
        return False
