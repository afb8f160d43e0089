"""JWT client assertions (RFC 7523 §2.2, §3; RFC 7521 §4.2): ``private_key_jwt`` client
authentication, made by the harness and checked by the emulators.

RFC 7523 §3: the JWT MUST contain ``iss`` and ``sub`` (the client_id for client
authentication, §3 items 1-2), ``aud`` identifying the authorization server ("The token
endpoint URL of the authorization server MAY be used", item 3), ``exp`` (item 4); it MAY
contain ``jti``/``iat`` (items 7, 6). OpenID Connect Core §9 makes ``jti`` and ``exp``
REQUIRED for ``private_key_jwt`` and says the audience SHOULD be the token endpoint URL.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterable
from typing import Any

from jwcrypto import jwk

from harness.jose.tokens import BadJwt, decode_unverified, sign, verify

#: RFC 7523 §2.2: the ``client_assertion_type`` of a JWT client assertion.
JWT_BEARER_ASSERTION = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"


def client_assertion(client_id: str, audience: str, key: jwk.JWK, *, alg: str | None = None,
                     lifetime: int = 60, now: float | None = None) -> str:
    """A signed client assertion for ``client_id`` at ``audience`` (the token endpoint URL)."""
    issued = int(now if now is not None else time.time())
    claims = {"iss": client_id, "sub": client_id, "aud": audience, "jti": str(uuid.uuid4()),
              "iat": issued, "exp": issued + lifetime}
    return sign(claims, key, alg=alg)


def assertion_form(client_id: str, audience: str, key: jwk.JWK, *, alg: str | None = None) -> dict[str, str]:
    """The token request members of RFC 7523 §2.2 (``client_id`` too: RFC 6749 §3.2.1
    allows it, and some servers find the client by it)."""
    return {"client_assertion_type": JWT_BEARER_ASSERTION,
            "client_assertion": client_assertion(client_id, audience, key, alg=alg),
            "client_id": client_id}


class BadAssertion(ValueError):
    """The client assertion breaks RFC 7523 §3 (the message names the rule)."""


def check_client_assertion(assertion: str, jwks: dict[str, Any], *, audiences: Iterable[str],
                           now: float | None = None, leeway: int = 10) -> dict[str, Any]:
    """Verify ``assertion`` against the client's JWK Set as RFC 7523 §3 requires of the
    server and return its claims: ``iss`` = ``sub`` (item 2 for client authentication),
    ``aud`` names one of ``audiences`` (item 3), ``exp`` not past (item 4), and a valid
    signature by a key of the set (item 9). Raises BadAssertion."""
    try:
        header, claims = decode_unverified(assertion)
    except ValueError as exc:
        raise BadAssertion(f"not a JWT: {exc}") from None
    keys = [k for k in jwks.get("keys", []) if isinstance(k, dict)] if isinstance(jwks, dict) else []
    kid = header.get("kid")
    candidates = [k for k in keys if kid is None or k.get("kid") == kid]
    if not candidates:
        raise BadAssertion(f"no key with kid {kid!r} in the client's JWK Set")
    for candidate in candidates:
        try:
            verify(assertion, jwk.JWK(**candidate), algs=[str(header.get("alg"))])
            break
        except (BadJwt, ValueError, TypeError):
            continue
    else:
        raise BadAssertion("the signature does not verify with the client's keys")
    if not claims.get("iss") or claims.get("iss") != claims.get("sub"):
        raise BadAssertion("iss and sub must both be the client_id")
    aud = claims.get("aud")
    auds = aud if isinstance(aud, list) else [aud]
    if not set(map(str, auds)) & set(audiences):
        raise BadAssertion(f"aud {aud!r} does not name this authorization server")
    exp = claims.get("exp")
    current = time.time() if now is None else now
    if not isinstance(exp, (int, float)) or isinstance(exp, bool) or exp + leeway < current:
        raise BadAssertion("exp is missing or past")
    return claims
