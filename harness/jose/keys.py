"""Key generation and JWK Set export (RFC 7517 §4, §5)."""

from __future__ import annotations

import uuid
from typing import Any

from jwcrypto import jwk


def generate_rsa(*, kid: str | None = None, alg: str = "RS256", use: str = "sig", size: int = 2048) -> jwk.JWK:
    """An RSA key pair with ``kid``, ``alg`` and ``use`` set (RFC 7517 §4.2-4.5)."""
    return jwk.JWK.generate(kty="RSA", size=size, kid=kid or str(uuid.uuid4()), alg=alg, use=use)


def generate_ec(*, kid: str | None = None, crv: str = "P-256", alg: str = "ES256", use: str = "sig") -> jwk.JWK:
    """An EC key pair on ``crv`` (RFC 7518 §6.2)."""
    return jwk.JWK.generate(kty="EC", crv=crv, kid=kid or str(uuid.uuid4()), alg=alg, use=use)


def public_jwk(key: jwk.JWK) -> dict[str, Any]:
    """The public members of ``key`` as a dict (private members never leave)."""
    return dict(key.export_public(as_dict=True))


def public_jwks(keys: list[jwk.JWK]) -> dict[str, Any]:
    """A JWK Set document ``{"keys": [...]}`` of the public halves (RFC 7517 §5)."""
    return {"keys": [public_jwk(k) for k in keys]}
