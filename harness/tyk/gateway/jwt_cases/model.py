"""What a JWT case is: Tyk's messages, the APIs a case runs against, :class:`JwtCase`,
how its token travels (:class:`Carry`) and the token builders its recipe uses.

The messages are typed here, from shared/reference/tyk.md and Tyk's gateway/mw_jwt.go —
not imported from :mod:`harness.tyk.gateway` — so that a change in the gateway's code
cannot change what the cases expect. Tokens are built with :mod:`harness.jose`
(:mod:`harness.jose.rawtokens` for exact or malformed segments); nothing here verifies
a JWT.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from cryptography.hazmat.primitives.asymmetric import utils as asym_utils
from jwcrypto import jwk

from harness.jose.rawtokens import b64url, segment, sign_segments
from harness.tyk.gateway.testing import DROP, Keys, b64, jwt_api, oas_jwt_api

__all__ = [
    "KNA", "UNEXPECTED", "EXPIRED", "NOT_YET", "BEFORE_ISSUED", "NO_AUTH", "NO_IDENTITY", "NO_POLICY",
    "NO_POLICY_FOUND", "SESSION_EXPIRED", "DISALLOWED", "INACTIVE", "TYK_MD", "SRC_TOKEN", "SRC_ALG", "SRC_KEY",
    "SRC_PARSE", "SRC_JWKS", "SRC_TIME", "SRC_IDENTITY", "SRC_POLICY", "SRC_SESSION", "ApiSpec", "Carry", "JwtCase",
    "SCOPE_API", "CORRUPT_PEM", "CORRUPT_PEM_API",
    "Runner", "TokenFn", "DROP", "Keys", "POLICY_ID", "POLICY2_ID", "HMAC_SECRET", "bearer", "tamper_sig",
    "flip_first_sig_bit", "high_s", "der_sig", "token", "raw_token",
]

# --- Tyk's answers (shared/reference/tyk.md "Decision order"; gateway/mw_jwt.go) -------------
KNA = "Key not authorized"
UNEXPECTED = "Key not authorized: Unexpected signing method"
EXPIRED = "Key not authorized: token has expired"
NOT_YET = "Key not authorized: token is not valid yet"
BEFORE_ISSUED = "Key not authorized: token used before issued"
NO_AUTH = "Authorization field missing"
NO_IDENTITY = "no suitable claims for user ID were found"
NO_POLICY = "key not authorized: no matching policy"
NO_POLICY_FOUND = "key not authorized: no matching policy found"
#: The session made from a token whose exp passed (inside the exp skew) has expired.
SESSION_EXPIRED = "Key has expired, please renew"
DISALLOWED = "Access to this API has been disallowed"
INACTIVE = "Key is inactive, please renew"

#: Where every expected status and message is written down.
TYK_MD = "shared/reference/tyk.md"
#: Where each behaviour comes from (a ``JwtCase.source``): the step of tyk.md's decision
#: order and the Tyk function (gateway/mw_jwt.go unless named otherwise).
SRC_TOKEN = "tyk.md decision order 1; gateway/mw_jwt.go ProcessRequest (getAuthToken, stripBearer)"
SRC_ALG = "tyk.md decision order 2; gateway/mw_jwt.go assertSigningMethod"
SRC_KEY = "tyk.md decision order 3; gateway/mw_jwt.go getSecretToVerifySignature, getSecretFromURL"
SRC_PARSE = "tyk.md decision order 3; gateway/mw_jwt.go ProcessRequest (golang-jwt Parser.Parse)"
SRC_JWKS = "tyk.md decision order 3; gateway/mw_jwt.go getSecretFromURL, getJWK (JWKCache, 240 s)"
SRC_TIME = "tyk.md decision order 4; gateway/mw_jwt.go timeValidateJWTClaims"
SRC_IDENTITY = "tyk.md decision order 5; gateway/mw_jwt.go getUserIDFromClaim"
SRC_POLICY = "tyk.md decision order 6; gateway/mw_jwt.go processCentralisedJWT, generateSessionFromPolicy"
SRC_SESSION = "tyk.md decision order 7; gateway/mw_access_rights.go, mw_key_expired_check.go"

POLICY_ID = "dcr-harness-policy"
#: A second policy, named by a token's ``pol`` claim.
POLICY2_ID = "dcr-harness-policy-2"
#: The shared secret of the HMAC cases (32 bytes: RFC 7518 §3.2's minimum for HS256).
HMAC_SECRET = b"a-shared-hmac-secret-of-32-bytes!"

#: P-256 group order (FIPS 186-4 D.1.2.3), for the high-S signature.
P256_N = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551


@dataclass(frozen=True)
class ApiSpec:
    """One API a case runs against (a Tyk API definition with JWT auth, built by
    :func:`harness.tyk.gateway.testing.jwt_api`).

    ``jwks`` names a JWK Set of :func:`harness.tyk.gateway.jwt_cases.jwks.jwks_documents`
    (``jwt_source`` is then its base64 URL), or is ``"unreachable"`` (a closed loopback
    port), or ``""`` with ``source`` giving ``jwt_source`` itself from the keys (a PEM key,
    an HMAC secret). ``fields`` replace other API definition fields as given."""

    api_id: str
    listen: str
    jwks: str
    signing_method: str = "rsa"
    identity: str = "client_id"
    exp_skew: int = 0
    iat_skew: int = 0
    nbf_skew: int = 0
    source: Callable[[Keys], str] | None = None
    fields: Mapping[str, Any] = field(default_factory=dict, hash=False)
    #: When set, the API is a Tyk OAS definition (:func:`~harness.tyk.gateway.testing.oas_jwt_api`)
    #: whose JWT scheme also carries these OAS-only settings.
    oas: Mapping[str, Any] | None = field(default=None, hash=False)

    def but(self, **fields: Any) -> ApiSpec:
        """The same API with other API definition fields."""
        return ApiSpec(self.api_id, self.listen, self.jwks, self.signing_method, self.identity, self.exp_skew,
                       self.iat_skew, self.nbf_skew, self.source, {**self.fields, **fields}, self.oas)

    def definition(self, *, jwks_url: Callable[[str], str], upstream: str, keys: Keys) -> dict[str, Any]:
        """The API definition: ``jwks_url(name)`` resolves a JWK Set name to its URL."""
        source = self.source(keys) if self.source is not None else b64(jwks_url(self.jwks))
        classic = jwt_api(api_id=self.api_id, listen_path=self.listen, source=source, target_url=upstream,
                       signing_method=self.signing_method, identity=self.identity, default_policies=[POLICY_ID],
                       jwt_expires_at_validation_skew=self.exp_skew, jwt_issued_at_validation_skew=self.iat_skew,
                       jwt_not_before_validation_skew=self.nbf_skew, **self.fields)
        return classic if self.oas is None else oas_jwt_api(classic, **self.oas)


RSA_API = ApiSpec("dcr-harness-rsa", "/jwt-rsa/", "good")
EC_API = ApiSpec("dcr-harness-ec", "/jwt-ec/", "ec", signing_method="ecdsa")
HMAC_API = ApiSpec("dcr-harness-hmac", "/jwt-hmac/", "", signing_method="hmac", source=lambda k: b64(HMAC_SECRET))
BAD_EC_API = ApiSpec("dcr-harness-bad-ec", "/jwt-bad-ec/", "bad-ec")
#: Skews chosen with wide margins: the probe runs on a real clock.
SKEW_API = ApiSpec("dcr-harness-skew", "/jwt-skew/", "good", exp_skew=600, iat_skew=60, nbf_skew=30)
DUP_KID_API = ApiSpec("dcr-harness-dup-kid", "/jwt-dup-kid/", "dup-kid")
NO_KID_JWKS_API = ApiSpec("dcr-harness-jwks-no-kid", "/jwt-jwks-no-kid/", "no-kid")
UNREACHABLE_API = ApiSpec("dcr-harness-jwks-unreachable", "/jwt-jwks-unreachable/", "unreachable")
SLOW_API = ApiSpec("dcr-harness-jwks-slow", "/jwt-jwks-slow/", "slow")
HTML_API = ApiSpec("dcr-harness-jwks-html", "/jwt-jwks-html/", "html")
EMPTY_API = ApiSpec("dcr-harness-jwks-empty", "/jwt-jwks-empty/", "empty")
ROTATION_API = ApiSpec("dcr-harness-jwks-rotation", "/jwt-jwks-rotation/", "rotation")

#: Scope-to-policy mapping, classic fields, no default policies (gateway/mw_jwt.go
#: processCentralisedJWT): ``read`` → the second policy, ``write`` → the default one.
SCOPE_API = ApiSpec("dcr-harness-scope", "/jwt-scope/", "good", fields={
    "jwt_scope_claim_name": "scope", "jwt_scope_to_policy_mapping": {"read": POLICY2_ID, "write": POLICY_ID},
    "jwt_default_policies": []})
#: A PEM public key whose base64 body does not decode to a key (mw_jwt_test.go
#: TestJWTRSAInvalidPublickKey).
CORRUPT_PEM = ("-----BEGIN PUBLIC KEY-----\nTUlJQklqQU5CZ2txaGtpRzl3MEJBUUVGQUFPQ0FROEFNSUlCQ2dLQ0FRRUF=\n"
               "-----END PUBLIC KEY-----\n")
CORRUPT_PEM_API = ApiSpec("dcr-harness-corrupt-pem", "/jwt-corrupt-pem/", "", source=lambda k: b64(CORRUPT_PEM))

#: Every API the conformance probe serves (one gateway, one API each).
APIS: tuple[ApiSpec, ...] = (RSA_API, EC_API, BAD_EC_API, SKEW_API, DUP_KID_API, NO_KID_JWKS_API, UNREACHABLE_API,
                             SLOW_API, HTML_API, EMPTY_API, SCOPE_API, CORRUPT_PEM_API, ROTATION_API)


@dataclass(frozen=True)
class Carry:
    """Where a request carries its token: headers, query parameters, cookies."""

    headers: Mapping[str, str] = field(default_factory=dict, hash=False)
    query: Mapping[str, str] = field(default_factory=dict, hash=False)
    cookies: Mapping[str, str] = field(default_factory=dict, hash=False)


def bearer(tok: str | None) -> Carry:
    """``Authorization: Bearer <token>`` (no header without a token)."""
    return Carry(headers={"Authorization": f"Bearer {tok}"} if tok is not None else {})


TokenFn = Callable[[Keys], "str | None"]


class Runner(Protocol):
    """What a multi-step case may do before its judged request (the conformance probe and
    the gateway tests implement it)."""

    #: The gateway's JWK Set cache lifetime in seconds.
    ttl: float

    def send(self, name: str, tok: str, api: ApiSpec) -> Any: ...

    def set_jwks(self, name: str, body: bytes) -> None: ...

    def advance(self, seconds: float) -> None: ...


@dataclass(frozen=True)
class JwtCase:
    """One request to a JWT API and Tyk's exact answer to it.

    What it builds: the API (``api``, one of the APIs above or one ``but`` other
    fields), changes to the default policy (``policy``, fields of
    :func:`harness.tyk.gateway.testing.policy`), the token (``token``, a recipe over
    :class:`~harness.tyk.gateway.testing.Keys`) and where it travels (``carry``).

    What it expects: ``status`` and ``message`` (empty for 200), and what the gateway's
    decision must also show: the session's ``identity``, the ``policies`` applied, how
    many times the API's JWK Set was fetched (``fetches``).

    Where it comes from: ``item`` (the shared/reference/checks.md "JWT validation at the
    gateway" item it covers), ``source`` (the Tyk behaviour: tyk.md's decision order and
    the gateway/mw_jwt.go function), ``spec`` and ``see`` (the spec references of its
    conformance check).

    ``prepare`` runs before the token is built (multi-step cases such as key rotation: it
    may send priming requests named ``<id>/<step>``, change a JWK Set or advance the
    gateway clock); ``after``: the cases that must have run before on the same gateway.
    ``in_process``: over HTTP the request would go through
    :meth:`harness.tyk.gateway.Gateway.check` (same middleware, no HTTP) because its head is
    larger than the loopback server's HTTP parser takes."""

    id: str
    title: str
    spec: str
    status: int
    message: str
    token: TokenFn
    api: ApiSpec = RSA_API
    see: tuple[str, ...] = ("TYK-JWT",)
    item: str | None = None
    source: str = ""
    identity: str | None = None
    policies: tuple[str, ...] | None = None
    prepare: Callable[[Runner, Keys], None] | None = None
    fetches: int | None = None
    in_process: bool = False
    after: tuple[str, ...] = ()
    carry: Callable[[str | None], Carry] = bearer
    policy: Mapping[str, Any] = field(default_factory=dict, hash=False)

    @property
    def expected(self) -> str:
        return f"{self.status} {self.message}".strip()


# --- tokens ---------------------------------------------------------------------------
def token(k: Keys, key: jwk.JWK | bytes | None = None, alg: str = "RS256", *, payload: Any = None, kid: Any = "key",
          **headers: Any) -> str:
    """A JWS over exactly these segments (:func:`harness.jose.rawtokens.sign_segments`):
    header ``alg``/``typ``/``kid`` (the key's own unless ``kid`` is given, none for
    ``DROP`` or a secret) plus ``headers``; payload ``k.claims()`` unless given (bytes kept
    as is). ``rsa`` and RS256 by default."""
    key = k.rsa if key is None else key
    h: dict[str, Any] = {"alg": alg, "typ": "JWT"}
    if kid == "key":
        kid = key.get("kid") if isinstance(key, jwk.JWK) else DROP
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
