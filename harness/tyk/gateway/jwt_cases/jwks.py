"""JWT cases: the JWK Set behind ``jwt_source`` — unreachable, slow, not JSON, empty, a
malformed key, keys without kid, key rotation — with Tyk's caching semantics
(gateway/mw_jwt.go getSecretFromURL: a fetched set is cached per API for
``jwks.cache.timeout``, 240 s by default; failures are never cached; an unknown kid does
not trigger a refetch). RFC 7517 §5, RFC 7518 §6.2.1.2.

:func:`jwks_documents` gives the sets the cases' APIs name (``ApiSpec.jwks``); the
rotation cases run in order on one gateway (they share the rotation API's cache and
advance the gateway's clock): ``after`` says so."""

from __future__ import annotations

import json
from functools import partial
from typing import Any

from jwcrypto import jwk
from jwcrypto.common import base64url_decode, base64url_encode

from harness.jose import generate_ec, public_jwks
from harness.tyk.gateway.jwt_cases.model import (
    BAD_EC_API,
    EMPTY_API,
    HTML_API,
    KNA,
    NO_KID_JWKS_API,
    ROTATION_API,
    SLOW_API,
    SRC_JWKS,
    UNREACHABLE_API,
    JwtCase,
    Keys,
    Runner,
    token,
)
from harness.tyk.gateway.testing import JwksDocument

ROTATION_OLD_KID = "dcr-harness-rotation-1"
ROTATION_NEW_KID = "dcr-harness-rotation-2"
#: A gateway-side request to the IdP's JWK Set that takes longer than the harness's
#: fetch bound (``dcr_harness.jwks_fetch_timeout``) answers after this many seconds.
SLOW_DELAY = 2.0
FETCH_TIMEOUT = 1.0
#: The tyk.conf every case runs with (besides ``secret``): the fetch bound of the slow case.
TYK_CONF: dict[str, Any] = {"dcr_harness": {"jwks_fetch_timeout": FETCH_TIMEOUT}}
NO_KID = "JWKS keys without kid"
ROTATION = "JWKS key rotation (new kid after cache)"
case = partial(JwtCase, source=SRC_JWKS)


def _public(key: jwk.JWK, **changes: Any) -> dict[str, Any]:
    pub = dict(key.export_public(as_dict=True))
    pub.update(changes)
    return {k: v for k, v in pub.items() if v is not None}


def malformed_ec_jwk() -> dict[str, Any]:
    """An EC P-256 public key whose x has a leading 0x00 (33 bytes) — Gluu ≤ 4.3's
    ``BigInteger.toByteArray()`` serialisation (shared/reference/gluu.md)."""
    pub = _public(generate_ec(kid="dcr-harness-bad-ec"))
    pub["x"] = base64url_encode(b"\x00" + base64url_decode(pub["x"]))
    return pub


def jwks_documents(k: Keys) -> dict[str, JwksDocument]:
    """The JWK Sets the cases' APIs name, by name (``ApiSpec.jwks``)."""
    def doc(keys: list[dict[str, Any]]) -> bytes:
        return json.dumps({"keys": keys}).encode()

    return {
        "good": JwksDocument(json.dumps(public_jwks([k.rsa, k.rsa2])).encode()),
        "ec": JwksDocument(json.dumps(public_jwks([k.ec, k.ec384, k.ec521])).encode()),
        "bad-ec": JwksDocument(doc([_public(k.rsa), malformed_ec_jwk()])),
        "dup-kid": JwksDocument(doc([_public(k.rsa), _public(k.rsa2, kid=k.kid)])),
        "no-kid": JwksDocument(doc([_public(k.rsa2, kid=None)])),
        "slow": JwksDocument(json.dumps(public_jwks([k.rsa])).encode(), delay=SLOW_DELAY),
        "html": JwksDocument(b"<html>502 Bad Gateway</html>"),
        "empty": JwksDocument(doc([])),
        "rotation": JwksDocument(doc([_public(k.rsa, kid=ROTATION_OLD_KID)])),
    }


def _rotate(runner: Runner, k: Keys) -> None:
    """Prime the rotation API's cache with the old key, then publish only the new one."""
    runner.send("JWT-JWKS-ROTATION-NEW-KID-CACHED/prime", token(k, kid=ROTATION_OLD_KID), ROTATION_API)
    runner.set_jwks("rotation", json.dumps({"keys": [_public(k.rsa2, kid=ROTATION_NEW_KID)]}).encode())


def _expire_cache(runner: Runner, k: Keys) -> None:
    runner.advance(runner.ttl)


CHECKS: tuple[JwtCase, ...] = (
    case("JWT-JWKS-MALFORMED-EC-KEY", "One malformed EC key makes the whole JWK Set unusable (403)",
         "RFC7518-6.2.1.2", 403, KNA, lambda k: token(k), api=BAD_EC_API,
         item="JWKS one malformed key (EC coordinate length)"),
    case("JWT-JWKS-UNREACHABLE", "An unreachable JWK Set (connection refused) answers 403", "TYK-JWT", 403, KNA,
         lambda k: token(k), api=UNREACHABLE_API, see=("RFC7517-5",), item="JWKS unreachable"),
    case("JWT-JWKS-SLOW", "A JWK Set slower than the fetch bound answers 403 (the harness bounds the fetch; "
         "Tyk's JWKS client has no timeout)", "TYK-JWT", 403, KNA, lambda k: token(k), api=SLOW_API,
         see=("RFC7517-5",), item="JWKS slow"),
    case("JWT-JWKS-NOT-JSON", "A JWK Set URL answering HTML answers 403", "RFC7517-5", 403, KNA,
         lambda k: token(k), api=HTML_API, see=("TYK-JWT",), item="JWKS non-JSON"),
    case("JWT-JWKS-EMPTY-KEYS", "An empty JWK Set ({\"keys\": []}) answers 403", "RFC7517-5", 403, KNA,
         lambda k: token(k), api=EMPTY_API, see=("TYK-JWT",), item="JWKS empty keys"),
    case("JWT-JWKS-KEY-WITHOUT-KID", "A key without kid in the JWK Set does not match a token's kid", "TYK-JWT",
         403, KNA, lambda k: token(k, k.rsa2, kid="dcr-harness-no-kid"), api=NO_KID_JWKS_API,
         see=("RFC7517-4.5",), item=NO_KID),
    case("JWT-JWKS-KEY-WITHOUT-KID-EMPTY-KID", "A key without kid matches a token whose kid is empty "
         "(go-jose Key(\"\"))", "TYK-JWT", 200, "", lambda k: token(k, k.rsa2, kid=""), api=NO_KID_JWKS_API,
         see=("RFC7517-4.5",), item=NO_KID),
    case("JWT-JWKS-ROTATION-NEW-KID-CACHED", "After rotation, a new kid is refused while the old JWK Set is "
         "cached (no refetch for an unknown kid)", "TYK-JWT", 403, KNA,
         lambda k: token(k, k.rsa2, kid=ROTATION_NEW_KID), api=ROTATION_API, prepare=_rotate, fetches=1,
         see=("RFC7517-5",), item=ROTATION),
    case("JWT-JWKS-ROTATION-OLD-KID-CACHED", "After rotation, the old key still verifies from the cache",
         "TYK-JWT", 200, "", lambda k: token(k, kid=ROTATION_OLD_KID), api=ROTATION_API, fetches=1,
         see=("RFC7517-5",), item=ROTATION, after=("JWT-JWKS-ROTATION-NEW-KID-CACHED",)),
    case("JWT-JWKS-ROTATION-AFTER-TTL", "Once the cache entry expires (240 s) the new kid verifies",
         "TYK-JWT", 200, "", lambda k: token(k, k.rsa2, kid=ROTATION_NEW_KID), api=ROTATION_API,
         prepare=_expire_cache, fetches=2, see=("RFC7517-5",), item=ROTATION,
         after=("JWT-JWKS-ROTATION-NEW-KID-CACHED", "JWT-JWKS-ROTATION-OLD-KID-CACHED")),
)

__all__ = ["CHECKS", "jwks_documents", "malformed_ec_jwk", "SLOW_DELAY", "FETCH_TIMEOUT", "TYK_CONF",
           "ROTATION_OLD_KID", "ROTATION_NEW_KID"]
