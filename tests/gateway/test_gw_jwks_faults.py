"""JWKS faults with Tyk's caching semantics (gateway/mw_jwt.go getSecretFromURL):
unreachable, slow, non-JSON, empty, keys without kid, duplicate kids, one malformed
key (Gluu's EC coordinate bug, shared/reference/gluu.md), key rotation."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from typing import Any

import pytest
from jwcrypto import jwk

from harness.jose import generate_ec, generate_rsa, public_jwks
from harness.tyk.gateway import Gateway
from harness.tyk.gateway.testing import closed_url, in_process_gateway

from .conftest import POLICY_ID, START, FakeClock, JwksDocument, b64, make_api, make_policy
from .helpers import make_token

KNA = "Key not authorized"
PATH = "/keycloak-api/"
NOW = int(START)


def claims() -> dict[str, Any]:
    return {"sub": "alice", "exp": NOW + 3600}


def call(gw: Gateway, key: jwk.JWK, **kw: Any) -> tuple[int, str]:
    d = gw.check(PATH, headers={"Authorization": "Bearer " + make_token(claims(), key, **kw)})
    return d.status, d.message


def gluu_ec_jwk(coordinate_bytes: int) -> dict[str, Any]:
    """A P-256 key serialised like Gluu ≤ 4.3: x with a leading 0x00 (33 bytes) or
    a short x (31 bytes, leading zeros not padded)."""
    k = generate_ec(kid="gluu-ec_sig_es256").export_public(as_dict=True)
    x = base64.urlsafe_b64decode(k["x"] + "==")
    x = b"\x00" + x if coordinate_bytes == 33 else x[1:]
    k["x"] = base64.urlsafe_b64encode(x).rstrip(b"=").decode()
    return k


def test_unreachable_jwks_is_403_and_not_cached(clock: FakeClock, rsa_key: jwk.JWK) -> None:
    gw = in_process_gateway([make_api(b64(closed_url()))], {POLICY_ID: make_policy()}, clock=clock,
                            tyk_conf={"dcr_harness": {"jwks_fetch_timeout": 2}})
    assert call(gw, rsa_key) == (403, KNA)
    assert "cannot connect" in gw.last_decision.reason  # type: ignore[union-attr]
    assert len(gw.state.jwks_cache("keycloak-api")) == 0


def test_slow_jwks_is_bounded_by_the_timeout(make_gateway: Callable[..., Gateway], jwks: JwksDocument,
                                             rsa_key: jwk.JWK) -> None:
    jwks.set_keys([rsa_key])
    jwks.delay = 1.5
    gw = make_gateway(tyk_conf={"dcr_harness": {"jwks_fetch_timeout": 0.3, "legacy_x5c_pem_fallback": False}})
    assert call(gw, rsa_key) == (403, KNA)
    assert "no answer within the timeout" in gw.last_decision.reason  # type: ignore[union-attr]
    jwks.delay = 0
    assert call(gw, rsa_key) == (200, "")  # the failure was not cached


@pytest.mark.parametrize("body", [b"<html>502 Bad Gateway</html>", b"", b"[]", b'{"keys": {}}', b'"keys"'])
def test_non_json_or_wrong_shape_is_403_and_refetched(make_gateway: Callable[..., Gateway], jwks: JwksDocument,
                                                      rsa_key: jwk.JWK, body: bytes) -> None:
    jwks.body = body
    gw = make_gateway()
    assert call(gw, rsa_key) == (403, KNA)
    first = jwks.requests
    assert first == 2  # the main fetch plus Tyk's legacy x5c fallback fetch
    assert call(gw, rsa_key) == (403, KNA)
    assert jwks.requests > first  # failures are never cached


@pytest.mark.parametrize("doc", [{"keys": []}, {}, None, {"Keys": []}])
def test_empty_jwks_is_403(make_gateway: Callable[..., Gateway], jwks: JwksDocument, rsa_key: jwk.JWK, doc: Any) -> None:
    jwks.set_doc(doc)
    gw = make_gateway()
    assert call(gw, rsa_key) == (403, KNA)
    assert "No matching KID" in gw.last_decision.reason  # type: ignore[union-attr]


def test_http_error_status_with_valid_body_is_used(make_gateway: Callable[..., Gateway], jwks: JwksDocument,
                                                  rsa_key: jwk.JWK) -> None:
    jwks.set_keys([rsa_key])
    jwks.status = 500  # Tyk never looks at the status of the JWKS response
    assert call(make_gateway(), rsa_key) == (200, "")


def test_keys_without_kid(make_gateway: Callable[..., Gateway], jwks: JwksDocument) -> None:
    key = generate_rsa(kid="x")
    doc = public_jwks([key])
    del doc["keys"][0]["kid"]
    jwks.set_doc(doc)
    gw = make_gateway()
    assert call(gw, key, kid="x") == (403, KNA)
    assert call(gw, key, kid=None) == (403, KNA)  # no kid in the token: "kid is not a string"
    assert call(gw, key, kid="") == (200, "")  # go-jose Key(""): an empty kid matches keys without one


def test_duplicate_kids_first_wins(make_gateway: Callable[..., Gateway], jwks: JwksDocument) -> None:
    a, b = generate_rsa(kid="same"), generate_rsa(kid="same")
    jwks.set_keys([a, b])
    gw = make_gateway()
    assert call(gw, a) == (200, "")
    assert call(gw, b) == (403, KNA)


@pytest.mark.parametrize("size", [31, 33])
def test_one_malformed_ec_key_fails_the_whole_set(make_gateway: Callable[..., Gateway], jwks: JwksDocument,
                                                  rsa_key: jwk.JWK, size: int) -> None:
    doc = public_jwks([rsa_key])
    doc["keys"].append(gluu_ec_jwk(size))
    jwks.set_doc(doc)
    gw = make_gateway()
    assert call(gw, rsa_key) == (403, KNA)
    reason = gw.last_decision.reason  # type: ignore[union-attr]
    assert reason == f"JWKS key 1 (kid='gluu-ec_sig_es256') has x of {size} bytes, expected 32 for P-256"
    # The guide's fix: publish RSA keys only (jwksAlgorithmsSupported) → accepted after a fetch.
    jwks.set_keys([rsa_key])
    assert call(gw, rsa_key) == (200, "")


@pytest.mark.parametrize(
    ("mutate", "reason_part"),
    [
        (lambda k: k.update(kty="XYZ"), "unknown json web key type 'XYZ'"),
        (lambda k: k.update(kid=12), '"kid" is a JSON number'),
        (lambda k: k.pop("n"), "missing n/e"),
        (lambda k: k.update(n="###"), '"n" is not base64url'),
        (lambda k: k.update(x5c=["bm90IGEgY2VydA=="]), "x5c[0] is not a base64 DER certificate"),
        (lambda k: k.update(x5t="AAAA"), "x5t is of incorrect size"),
    ],
)
def test_other_malformed_keys_fail_the_set(make_gateway: Callable[..., Gateway], jwks: JwksDocument,
                                           rsa_key: jwk.JWK, rsa_key2: jwk.JWK, mutate: Any, reason_part: str) -> None:
    doc = public_jwks([rsa_key, rsa_key2])
    mutate(doc["keys"][1])
    jwks.set_doc(doc)
    gw = make_gateway()
    assert call(gw, rsa_key) == (403, KNA)
    assert reason_part in gw.last_decision.reason  # type: ignore[union-attr]


def test_unknown_members_and_use_enc_are_ignored(make_gateway: Callable[..., Gateway], jwks: JwksDocument,
                                                 rsa_key: jwk.JWK) -> None:
    doc = public_jwks([rsa_key])
    doc["keys"][0].update(use="enc", key_ops=["encrypt"], alg="RSA-OAEP", exp=1_900_000_000_000, extra={"a": 1})
    doc["issuer"] = "ignored"
    jwks.set_doc(doc)
    assert call(make_gateway(), rsa_key) == (200, "")


def test_cache_ttl_and_rotation(make_gateway: Callable[..., Gateway], jwks: JwksDocument, clock: FakeClock) -> None:
    old, new = generate_rsa(kid="2024"), generate_rsa(kid="2025")
    jwks.set_keys([old])
    gw = make_gateway()
    assert call(gw, old) == (200, "")
    assert jwks.requests == 1
    jwks.set_keys([new])  # the IdP rotates
    assert call(gw, new) == (403, KNA)  # unknown kid: no refetch within the TTL
    assert call(gw, old) == (200, "")  # old key still served from cache
    assert jwks.requests == 1
    clock.advance(239)
    assert call(gw, new) == (403, KNA)
    assert jwks.requests == 1
    clock.advance(1)  # 240 s: the cache entry expires
    assert call(gw, new) == (200, "")
    assert jwks.requests == 2
    assert call(gw, old) == (403, KNA)


def test_cache_timeout_from_tyk_conf(make_gateway: Callable[..., Gateway], jwks: JwksDocument, clock: FakeClock,
                                     rsa_key: jwk.JWK) -> None:
    jwks.set_keys([rsa_key])
    gw = make_gateway(tyk_conf={"jwks": {"cache": {"timeout": 10}}})
    call(gw, rsa_key)
    clock.advance(10)
    call(gw, rsa_key)
    assert jwks.requests == 2


def test_invalidate_cache_endpoint_semantics(make_gateway: Callable[..., Gateway], jwks: JwksDocument) -> None:
    old, new = generate_rsa(kid="a"), generate_rsa(kid="b")
    jwks.set_keys([old])
    gw = make_gateway()
    call(gw, old)
    jwks.set_keys([new])
    gw.invalidate_jwks_cache("keycloak-api")
    assert call(gw, new) == (200, "")


def test_plain_url_source_works_on_first_request_only(make_gateway: Callable[..., Gateway], jwks: JwksDocument,
                                                      jwks_url: str, clock: FakeClock, rsa_key: jwk.JWK) -> None:
    jwks.set_keys([rsa_key])
    gw = make_gateway(jwt_source=jwks_url)  # not base64: Tyk 5.9+ bug
    assert call(gw, rsa_key) == (200, "")
    assert call(gw, rsa_key) == (403, KNA)
    assert "plain-URL" in gw.last_decision.reason  # type: ignore[union-attr]
    clock.advance(240)  # the cached API definition expires → one more success
    assert call(gw, rsa_key) == (200, "")


def test_plain_url_source_with_the_bug_switched_off(make_gateway: Callable[..., Gateway], jwks: JwksDocument,
                                                    jwks_url: str, rsa_key: jwk.JWK) -> None:
    jwks.set_keys([rsa_key])
    gw = make_gateway(jwt_source=jwks_url,
                      tyk_conf={"dcr_harness": {"plain_url_jwt_source_first_request_only": False}})
    assert [call(gw, rsa_key) for _ in range(3)] == [(200, "")] * 3
    assert jwks.requests == 1


def test_pem_source(make_gateway: Callable[..., Gateway], rsa_key: jwk.JWK, ec_key: jwk.JWK) -> None:
    gw = make_gateway(jwt_source=b64(rsa_key.export_to_pem()))
    assert call(gw, rsa_key, kid=None) == (200, "")  # no kid needed with a PEM source
    gw = make_gateway(jwt_source=b64(ec_key.export_to_pem()), jwt_signing_method="ecdsa")
    assert call(gw, ec_key, alg="ES256") == (200, "")
    gw = make_gateway(jwt_source=b64("not a pem"))
    assert call(gw, rsa_key) == (403, KNA)
    assert "Failed to decode JWT key" in gw.last_decision.reason  # type: ignore[union-attr]
    gw = make_gateway(jwt_source="%%%not-base64%%%")
    assert call(gw, rsa_key) == (403, KNA)


def test_transcript_records_each_fetch(make_gateway: Callable[..., Gateway], jwks: JwksDocument, rsa_key: jwk.JWK) -> None:
    from harness.core.transcript import Transcript

    jwks.body = b"not json"
    gw = make_gateway()
    t = Transcript()
    gw.state.resolver.fetcher.transcript = t
    call(gw, rsa_key)
    assert [(e.actor, e.target, e.method) for e in t] == [("gateway", "idp", "GET")] * 2
    assert json.loads(json.dumps([e.to_dict() for e in t]))  # serialisable for reports
