"""Shared pieces of the gateway-jwt plan: Tyk's messages, the APIs the probe serves, the
keys a case signs with, :class:`GatewayCase`, and token tampering helpers.

Expected statuses and messages are Tyk's (shared/reference/tyk.md), the same values
tests/gateway/test_gw_jwt_cases.py asserts against harness.tyk.gateway directly. Tokens are
built with :mod:`harness.jose` (:func:`harness.jose.sign`, and
:mod:`harness.jose.rawtokens` for exact or malformed segments); nothing here verifies
a JWT.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric import utils as asym_utils
from jwcrypto import jwk

from harness.jose.rawtokens import b64url, segment, sign_segments

__all__ = [
    "KNA", "UNEXPECTED", "EXPIRED", "NOT_YET", "BEFORE_ISSUED", "NO_AUTH", "NO_IDENTITY", "NO_POLICY",
    "SESSION_EXPIRED", "ApiSpec", "Keys", "GatewayCase", "DROP", "POLICY_ID", "POLICY2_ID",
    "tamper_sig", "flip_first_sig_bit", "high_s", "der_sig", "token", "raw_token",
]

# --- Tyk's answers (shared/reference/tyk.md; gateway/mw_jwt.go) ------------------------
KNA = "Key not authorized"
UNEXPECTED = "Key not authorized: Unexpected signing method"
EXPIRED = "Key not authorized: token has expired"
NOT_YET = "Key not authorized: token is not valid yet"
BEFORE_ISSUED = "Key not authorized: token used before issued"
NO_AUTH = "Authorization field missing"
NO_IDENTITY = "no suitable claims for user ID were found"
NO_POLICY = "key not authorized: no matching policy"
#: The session made from a token whose exp passed (inside the exp skew) has expired.
SESSION_EXPIRED = "Key has expired, please renew"

ORG = "dcr-harness"
POLICY_ID = "dcr-harness-policy"
#: A second policy, named by a token's ``pol`` claim.
POLICY2_ID = "dcr-harness-policy-2"

#: P-256 group order (FIPS 186-4 D.1.2.3), for the high-S signature.
P256_N = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551


class _Drop:
    def __repr__(self) -> str:
        return "DROP"


#: A claim value meaning "leave the claim out" (``None`` is a JSON null).
DROP: Any = _Drop()


@dataclass(frozen=True)
class ApiSpec:
    """One API the probe loads into the gateway (a Tyk API definition, JWT auth).

    ``jwks`` names a JWK Set served by the probe, or is ``"unreachable"`` (a closed
    loopback port) or ``"idp"`` (the IdP's ``jwks_uri``)."""

    api_id: str
    listen: str
    jwks: str
    signing_method: str = "rsa"
    identity: str = "client_id"
    exp_skew: int = 0
    iat_skew: int = 0
    nbf_skew: int = 0


RSA_API = ApiSpec("dcr-harness-rsa", "/jwt-rsa/", "good")
EC_API = ApiSpec("dcr-harness-ec", "/jwt-ec/", "ec", signing_method="ecdsa")
BAD_EC_API = ApiSpec("dcr-harness-bad-ec", "/jwt-bad-ec/", "bad-ec")
IDP_API = ApiSpec("dcr-harness-idp", "/jwt-idp/", "idp")
#: Skews chosen with wide margins: the probe runs on a real clock.
SKEW_API = ApiSpec("dcr-harness-skew", "/jwt-skew/", "good", exp_skew=600, iat_skew=60, nbf_skew=30)
DUP_KID_API = ApiSpec("dcr-harness-dup-kid", "/jwt-dup-kid/", "dup-kid")
NO_KID_JWKS_API = ApiSpec("dcr-harness-jwks-no-kid", "/jwt-jwks-no-kid/", "no-kid")
UNREACHABLE_API = ApiSpec("dcr-harness-jwks-unreachable", "/jwt-jwks-unreachable/", "unreachable")
SLOW_API = ApiSpec("dcr-harness-jwks-slow", "/jwt-jwks-slow/", "slow")
HTML_API = ApiSpec("dcr-harness-jwks-html", "/jwt-jwks-html/", "html")
EMPTY_API = ApiSpec("dcr-harness-jwks-empty", "/jwt-jwks-empty/", "empty")
ROTATION_API = ApiSpec("dcr-harness-jwks-rotation", "/jwt-jwks-rotation/", "rotation")

#: Every API the probe serves, the IdP's last (loaded only when the IdP gave a JWT).
APIS: tuple[ApiSpec, ...] = (RSA_API, EC_API, BAD_EC_API, SKEW_API, DUP_KID_API, NO_KID_JWKS_API, UNREACHABLE_API,
                             SLOW_API, HTML_API, EMPTY_API, ROTATION_API)


@dataclass
class Keys:
    """The keys a case may sign with and the time it is built at.

    Published in the ``good`` set: ``rsa`` and ``rsa2``; in the ``ec`` set: ``ec``,
    ``ec384``, ``ec521``. ``attacker`` carries ``rsa``'s kid but is not published.
    ``tag`` (the case id) makes each case's identity unique, so no two cases share a
    gateway session."""

    rsa: jwk.JWK
    rsa2: jwk.JWK
    ec: jwk.JWK
    ec384: jwk.JWK
    ec521: jwk.JWK
    attacker: jwk.JWK
    now: int
    tag: str = "case"

    @property
    def kid(self) -> str:
        return str(self.rsa.get("kid"))

    def claims(self, **extra: Any) -> dict[str, Any]:
        c: dict[str, Any] = {"sub": f"dcr-harness-user-{self.tag}", "client_id": f"dcr-harness-client-{self.tag}",
                             "iat": self.now, "exp": self.now + 300}
        c.update(extra)
        return {k: v for k, v in c.items() if v is not DROP}


TokenFn = Callable[[Keys], "str | None"]


@dataclass(frozen=True)
class GatewayCase:
    """One request to the gateway and Tyk's exact answer to it.

    ``identity``/``policies``: what the gateway's decision must also show (the session's
    identity, the policies applied). ``prepare`` runs before the token is built (multi-
    step cases such as key rotation: it may send priming requests named
    ``<id>/<step>``, change a JWK Set or advance the gateway clock). ``fetches``: how many
    times the gateway must have fetched the API's JWK Set by then. ``in_process``: the
    request goes through :meth:`harness.tyk.gateway.Gateway.check` (same middleware, no
    HTTP) because its head is larger than the loopback server's HTTP parser takes."""

    id: str
    title: str
    spec: str
    status: int
    message: str
    token: TokenFn
    api: ApiSpec = RSA_API
    see: tuple[str, ...] = ("TYK-JWT",)
    identity: str | None = None
    policies: tuple[str, ...] | None = None
    prepare: Callable[[Any, Keys], None] | None = None
    fetches: int | None = None
    in_process: bool = False

    @property
    def expected(self) -> str:
        return f"{self.status} {self.message}".strip()


# --- tokens ---------------------------------------------------------------------------
def token(k: Keys, key: jwk.JWK | None = None, alg: str = "RS256", *, payload: Any = None, kid: Any = "key",
          **headers: Any) -> str:
    """A JWS over exactly these segments (:func:`harness.jose.rawtokens.sign_segments`):
    header ``alg``/``typ``/``kid`` (the key's own unless ``kid`` is given, none for
    ``DROP``) plus ``headers``; payload ``k.claims()`` unless given (bytes kept as is).
    ``rsa`` and RS256 by default."""
    key = key or k.rsa
    h: dict[str, Any] = {"alg": alg, "typ": "JWT"}
    kid = key.get("kid") if kid == "key" else kid
    if kid is not DROP:
        h["kid"] = kid
    h.update(headers)
    return sign_segments(segment(h), segment(k.claims() if payload is None else payload), key, alg)


def raw_token(header: Any, payload: Any, key: jwk.JWK | bytes, alg: str = "RS256") -> str:
    """A JWS over exactly these header/payload values (bytes kept as given)."""
    return sign_segments(segment(header), segment(payload), key, alg)


def tamper_sig(tok: str, fn: Callable[[bytes], bytes]) -> str:
    """``tok`` with its signature bytes replaced by ``fn(signature)``."""
    h, p, s = tok.split(".")
    raw = base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))
    return f"{h}.{p}.{b64url(fn(raw))}"


def flip_first_sig_bit(tok: str) -> str:
    return tamper_sig(tok, lambda r: bytes([r[0] ^ 1]) + r[1:])


def high_s(tok: str) -> str:
    """The same ES256 signature with S replaced by n - S (valid, "high S")."""
    return tamper_sig(tok, lambda r: r[:32] + (P256_N - int.from_bytes(r[32:], "big")).to_bytes(32, "big"))


def der_sig(tok: str) -> str:
    """The ES256 signature DER-encoded (RFC 3279) instead of R || S (RFC 7518 §3.4)."""
    return tamper_sig(tok, lambda r: asym_utils.encode_dss_signature(int.from_bytes(r[:32], "big"),
                                                                     int.from_bytes(r[32:], "big")))
