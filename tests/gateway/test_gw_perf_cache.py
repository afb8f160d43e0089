"""The gateway's speed-ups must not change a verdict.

* the verified-token cache (harness.tyk.gateway.verify_cache): a cached token is still
  refused once expired, after key rotation, when the API changes and when the policy
  changes; a tampered token never matches; verdicts equal those with the cache off;
* deciding on the event loop (``Gateway.try_decide``) defers to a worker thread, with
  nothing recorded, when a JWKS fetch is needed;
* memoised PEM keys and ``jwt_source`` decoding;
* the pooled HTTP/1.1 upstream client (harness.tyk.gateway.http1): framing, gzip, reuse,
  a stale keep-alive connection, timeouts and garbage answers;
* the URL fast path equals Starlette's ``request.url``.
"""

from __future__ import annotations

import asyncio
import base64
import gzip
import time
import zlib
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
import requests
from hypothesis import given
from hypothesis import strategies as st
from jwcrypto import jwk
from starlette.datastructures import Headers
from starlette.requests import Request

import harness.tyk.gateway.jwt_middleware as jwt_middleware
from harness.core.serving import BackgroundServer
from harness.jose import generate_ec, generate_rsa
from harness.tyk.gateway import Gateway
from harness.tyk.gateway.app import path_and_query
from harness.tyk.gateway.http1 import Http1Pool, Origin, UpstreamError
from harness.tyk.gateway.jwt_middleware import RequestView

from .conftest import API_ID, POLICY_ID, START, FakeClock, JwksBehaviour, b64, make_api, make_policy
from .helpers import make_token

PATH = "/keycloak-api/"
NOW = int(START)
KNA = "Key not authorized"
EXPIRED = (401, "Key not authorized: token has expired")
OK = (200, "")

Verdict = tuple[int, str]


@pytest.fixture
def verifications(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Counts real signature checks (the middleware's ``verify_signature`` calls)."""
    calls: list[str] = []
    real = jwt_middleware.verify_signature

    def counting(alg: str, *args: Any, **kwargs: Any) -> None:
        calls.append(alg)
        real(alg, *args, **kwargs)

    monkeypatch.setattr(jwt_middleware, "verify_signature", counting)
    return calls


def call(gw: Gateway, token: str, path: str = PATH) -> Verdict:
    d = gw.check(path, headers={"Authorization": "Bearer " + token})
    return d.status, d.message


def build(clock: FakeClock, jwks_url: str, *, cache: int = 10_000, **api: Any) -> Gateway:
    gw = Gateway(tyk_conf={"dcr_harness": {"jwks_fetch_timeout": 2}}, clock=clock, verify_cache_size=cache)
    api.setdefault("jwt_source", b64(jwks_url))
    gw.load_api(make_api(**api))
    gw.load_policies({POLICY_ID: make_policy()})
    return gw


# -- the verified-token cache ---------------------------------------------------------------
def test_repeated_token_is_verified_once(clock: FakeClock, jwks: JwksBehaviour, jwks_url: str, rsa_key: jwk.JWK,
                                         verifications: list[str]) -> None:
    jwks.set_keys([rsa_key])
    gw = build(clock, jwks_url)
    tok = make_token({"sub": "alice", "exp": NOW + 600}, rsa_key)
    assert [call(gw, tok) for _ in range(3)] == [OK, OK, OK]
    assert verifications == ["RS256"]
    assert len(gw.state.verified) == 1
    d = gw.last_decision
    assert d is not None and (d.identity, d.policies) == ("alice", (POLICY_ID,))


def test_cache_off_verifies_every_time(clock: FakeClock, jwks: JwksBehaviour, jwks_url: str, rsa_key: jwk.JWK,
                                       verifications: list[str]) -> None:
    jwks.set_keys([rsa_key])
    gw = build(clock, jwks_url, cache=0)
    tok = make_token({"sub": "alice", "exp": NOW + 600}, rsa_key)
    assert [call(gw, tok) for _ in range(3)] == [OK, OK, OK]
    assert verifications == ["RS256"] * 3
    assert len(gw.state.verified) == 0


def test_cached_token_is_refused_once_expired(clock: FakeClock, jwks: JwksBehaviour, jwks_url: str,
                                              rsa_key: jwk.JWK, verifications: list[str]) -> None:
    jwks.set_keys([rsa_key])
    gw = build(clock, jwks_url)
    tok = make_token({"sub": "alice", "exp": NOW + 60}, rsa_key)
    assert call(gw, tok) == OK
    clock.advance(59)
    assert call(gw, tok) == OK
    assert verifications == ["RS256"]  # served from the cache
    clock.advance(1)  # now == exp
    assert call(gw, tok) == EXPIRED
    assert len(gw.state.verified) == 0  # the entry is bounded by exp
    assert call(gw, tok) == EXPIRED


@pytest.mark.parametrize("cache", [10_000, 0])
def test_expiry_skew_with_a_cached_token(clock: FakeClock, jwks: JwksBehaviour, jwks_url: str, rsa_key: jwk.JWK,
                                         cache: int) -> None:
    jwks.set_keys([rsa_key])
    gw = build(clock, jwks_url, cache=cache, jwt_expires_at_validation_skew=30)
    tok = make_token({"sub": "alice", "exp": NOW + 60}, rsa_key)
    assert call(gw, tok) == OK
    clock.advance(61)
    # Within the skew the token passes the exp check, but the session took its expiry
    # from exp (processCentralisedJWT): the key has expired.
    assert call(gw, tok) == (401, "Key has expired, please renew")
    clock.advance(29)
    assert call(gw, tok) == EXPIRED


def test_not_yet_valid_token_is_refused_from_the_cache_too(clock: FakeClock, jwks: JwksBehaviour, jwks_url: str,
                                                           rsa_key: jwk.JWK) -> None:
    jwks.set_keys([rsa_key])
    gw = build(clock, jwks_url)
    tok = make_token({"sub": "alice", "nbf": NOW + 10, "exp": NOW + 600}, rsa_key)
    assert call(gw, tok) == (401, "Key not authorized: token is not valid yet")
    assert call(gw, tok) == (401, "Key not authorized: token is not valid yet")  # now cached, still refused
    clock.advance(10)
    assert call(gw, tok) == OK


def test_key_rotation_with_the_same_kid_after_the_jwks_cache_expires(
        clock: FakeClock, jwks: JwksBehaviour, jwks_url: str, verifications: list[str]) -> None:
    old, new = generate_rsa(kid="k1"), generate_rsa(kid="k1")
    jwks.set_keys([old])
    gw = build(clock, jwks_url)
    tok = make_token({"sub": "alice", "exp": NOW + 3600}, old)
    assert call(gw, tok) == OK
    jwks.set_keys([new])  # the IdP rotates the key behind the same kid
    clock.advance(239)
    assert call(gw, tok) == OK  # JWKS still cached (Tyk: 240 s): the old key is still valid
    assert jwks.requests == 1 and verifications == ["RS256"]
    clock.advance(1)
    assert call(gw, tok) == (403, KNA)  # refetched: the new key object does not verify it
    assert jwks.requests == 2 and verifications == ["RS256", "RS256"]
    assert gw.last_decision is not None and gw.last_decision.stage == "signature"
    assert call(gw, tok) == (403, KNA)
    assert call(gw, make_token({"sub": "alice", "exp": NOW + 3600}, new)) == OK


def test_jwks_refresh_evicts_the_apis_tokens(clock: FakeClock, jwks: JwksBehaviour, jwks_url: str,
                                             rsa_key: jwk.JWK) -> None:
    jwks.set_keys([rsa_key])
    gw = build(clock, jwks_url)
    tok = make_token({"sub": "alice", "exp": NOW + 3600}, rsa_key)
    assert call(gw, tok) == OK
    assert len(gw.state.verified) == 1
    gw.invalidate_jwks_cache(API_ID)  # DELETE /tyk/cache/jwks/{apiID}
    assert len(gw.state.verified) == 0
    assert call(gw, tok) == OK
    assert jwks.requests == 2


def test_key_rotation_after_cache_invalidation(clock: FakeClock, jwks: JwksBehaviour, jwks_url: str) -> None:
    old, new = generate_rsa(kid="k1"), generate_rsa(kid="k2")
    jwks.set_keys([old])
    gw = build(clock, jwks_url)
    tok = make_token({"sub": "alice", "exp": NOW + 3600}, old)
    assert call(gw, tok) == OK
    jwks.set_keys([new])
    gw.invalidate_jwks_cache()
    assert call(gw, tok) == (403, KNA)
    assert gw.last_decision is not None and "No matching KID" in gw.last_decision.reason


def test_api_change_signing_method(clock: FakeClock, jwks: JwksBehaviour, jwks_url: str, rsa_key: jwk.JWK) -> None:
    jwks.set_keys([rsa_key])
    gw = build(clock, jwks_url)
    tok = make_token({"sub": "alice", "exp": NOW + 600}, rsa_key)
    assert call(gw, tok) == OK
    gw.load_api(make_api(b64(jwks_url), jwt_signing_method="ecdsa"))
    assert call(gw, tok) == (403, "Key not authorized: Unexpected signing method")


def test_api_change_source_to_another_key(clock: FakeClock, jwks: JwksBehaviour, jwks_url: str,
                                          rsa_key: jwk.JWK, rsa_key2: jwk.JWK) -> None:
    jwks.set_keys([rsa_key])
    gw = build(clock, jwks_url)
    tok = make_token({"sub": "alice", "exp": NOW + 600}, rsa_key)
    assert call(gw, tok) == OK
    other_pem = rsa_key2.export_to_pem().decode()
    gw.load_api(make_api(b64(other_pem)))  # same api_id, a PEM source holding another key
    assert call(gw, tok) == (403, KNA)
    assert gw.last_decision is not None and gw.last_decision.stage == "signature"


def test_api_change_through_the_rest_api_and_reload(clock: FakeClock, jwks: JwksBehaviour, jwks_url: str,
                                                    rsa_key: jwk.JWK) -> None:
    jwks.set_keys([rsa_key])
    gw = build(clock, jwks_url)
    tok = make_token({"sub": "alice", "exp": NOW + 600}, rsa_key)
    assert call(gw, tok) == OK
    gw.stored_apis[API_ID] = make_api(b64(jwks_url), jwt_signing_method="hmac")
    assert call(gw, tok) == OK  # stored, not live yet (Tyk needs /tyk/reload)
    assert gw.reload() == []
    assert call(gw, tok) == (403, "Key not authorized: Unexpected signing method")


def test_api_removed_then_restored(clock: FakeClock, jwks: JwksBehaviour, jwks_url: str, rsa_key: jwk.JWK,
                                   verifications: list[str]) -> None:
    jwks.set_keys([rsa_key])
    gw = build(clock, jwks_url)
    tok = make_token({"sub": "alice", "exp": NOW + 600}, rsa_key)
    assert call(gw, tok) == OK
    gw.remove_api(API_ID)
    assert gw.check(PATH, headers={"Authorization": tok}).status == 404
    gw.load_api(make_api(b64(jwks_url)))
    assert call(gw, tok) == OK
    assert verifications == ["RS256", "RS256"]  # a new API object: verified again


def test_policy_change_access_rights(clock: FakeClock, jwks: JwksBehaviour, jwks_url: str, rsa_key: jwk.JWK) -> None:
    jwks.set_keys([rsa_key])
    gw = build(clock, jwks_url)
    tok = make_token({"sub": "alice", "exp": NOW + 600}, rsa_key)
    assert call(gw, tok) == OK
    gw.load_policies({POLICY_ID: make_policy(access_rights={"other": {"api_id": "other", "versions": ["Default"]}})})
    assert call(gw, tok) == (403, "Access to this API has been disallowed")


def test_policy_removed(clock: FakeClock, jwks: JwksBehaviour, jwks_url: str, rsa_key: jwk.JWK) -> None:
    jwks.set_keys([rsa_key])
    gw = build(clock, jwks_url)
    tok = make_token({"sub": "alice", "exp": NOW + 600}, rsa_key)
    assert call(gw, tok) == OK
    gw.load_policies({"unrelated": make_policy()}, replace=True)
    assert call(gw, tok) == (500, f'failed to create key: policy not found: "{POLICY_ID}"')
    fresh = make_token({"sub": "carol", "exp": NOW + 600}, rsa_key)  # never cached: the same verdict
    assert call(gw, fresh) == (500, f'failed to create key: policy not found: "{POLICY_ID}"')


def test_policy_change_limits(clock: FakeClock, jwks: JwksBehaviour, jwks_url: str, rsa_key: jwk.JWK) -> None:
    jwks.set_keys([rsa_key])
    gw = build(clock, jwks_url)
    tok = make_token({"sub": "alice", "exp": NOW + 600}, rsa_key)
    assert call(gw, tok) == OK
    gw.load_policies({POLICY_ID: make_policy(rate=2, per=60)})
    assert [call(gw, tok) for _ in range(3)] == [OK, OK, (429, "Rate Limit Exceeded")]
    gw.load_policies({POLICY_ID: make_policy(quota_max=1)})
    gw.state.limiter.clear()
    assert [call(gw, tok) for _ in range(2)] == [OK, (403, "Quota exceeded")]
    gw.load_policies({POLICY_ID: make_policy(is_inactive=True)})
    assert call(gw, tok) == (403, "Key is inactive, please renew")


def test_policy_key_expiry_applies_to_a_cached_token(clock: FakeClock, jwks: JwksBehaviour, jwks_url: str,
                                                     rsa_key: jwk.JWK) -> None:
    jwks.set_keys([rsa_key])
    gw = build(clock, jwks_url)
    gw.load_policies({POLICY_ID: make_policy(key_expires_in=30)})
    tok = make_token({"sub": "alice"}, rsa_key)  # no exp: the policy's key_expires_in decides
    assert call(gw, tok) == OK
    clock.advance(31)
    assert call(gw, tok) == (401, "Key has expired, please renew")


def test_tampered_token_never_matches(clock: FakeClock, jwks: JwksBehaviour, jwks_url: str, rsa_key: jwk.JWK) -> None:
    jwks.set_keys([rsa_key])
    gw = build(clock, jwks_url)
    tok = make_token({"sub": "alice", "exp": NOW + 600}, rsa_key)
    assert call(gw, tok) == OK
    head, payload, sig = tok.split(".")
    flipped = sig[:-2] + ("A" if sig[-2] != "A" else "B") + sig[-1]
    assert call(gw, f"{head}.{payload}.{flipped}") == (403, KNA)
    forged = make_token({"sub": "mallory", "exp": NOW + 600}, rsa_key).split(".")[1]
    assert call(gw, f"{head}.{forged}.{sig}") == (403, KNA)
    assert call(gw, tok) == OK


def test_cache_is_per_api(clock: FakeClock, jwks: JwksBehaviour, jwks_url: str, rsa_key: jwk.JWK) -> None:
    jwks.set_keys([rsa_key])
    gw = build(clock, jwks_url)
    other = make_api(b64(jwks_url), api_id="other", jwt_signing_method="ecdsa")
    other["proxy"]["listen_path"] = "/other/"
    gw.load_api(other)
    tok = make_token({"sub": "alice", "exp": NOW + 600}, rsa_key)
    assert call(gw, tok) == OK
    assert call(gw, tok, "/other/") == (403, "Key not authorized: Unexpected signing method")


def test_cache_is_bounded(clock: FakeClock, jwks: JwksBehaviour, jwks_url: str, rsa_key: jwk.JWK) -> None:
    jwks.set_keys([rsa_key])
    gw = build(clock, jwks_url, cache=4)
    tokens = [make_token({"sub": f"user-{i}", "exp": NOW + 600}, rsa_key) for i in range(10)]
    assert [call(gw, t) for t in tokens] == [OK] * 10
    assert 1 <= len(gw.state.verified) <= 4
    assert [call(gw, t) for t in tokens] == [OK] * 10


def test_hmac_and_ec_sources(clock: FakeClock, jwks: JwksBehaviour, jwks_url: str,
                             verifications: list[str]) -> None:
    secret = b"a-shared-secret-of-32-bytes-long"
    gw = build(clock, jwks_url, jwt_signing_method="hmac", jwt_source=base64.b64encode(secret).decode())
    tok = make_token({"sub": "alice", "exp": NOW + 600}, secret, alg="HS256")
    assert [call(gw, tok), call(gw, tok)] == [OK, OK]
    assert verifications == ["HS256"]  # equal secret bytes count as the same key
    gw.load_api(make_api(base64.b64encode(b"another-secret-another-secret-xx").decode(), jwt_signing_method="hmac"))
    assert call(gw, tok) == (403, KNA)
    ec = generate_ec(kid="ec-9")
    jwks.set_keys([ec])
    gw = build(clock, jwks_url, jwt_signing_method="ecdsa")
    tok = make_token({"sub": "alice", "exp": NOW + 600}, ec, alg="ES256")
    assert [call(gw, tok), call(gw, tok)] == [OK, OK]


def test_pem_source_is_parsed_once(clock: FakeClock, jwks_url: str, rsa_key: jwk.JWK,
                                   verifications: list[str]) -> None:
    pem = rsa_key.export_to_pem().decode()
    gw = build(clock, jwks_url, jwt_source=b64(pem))
    tok = make_token({"sub": "alice", "exp": NOW + 600}, rsa_key)
    assert [call(gw, tok), call(gw, tok)] == [OK, OK]
    assert verifications == ["RS256"]  # the same parsed key object both times
    gw.load_api(make_api(b64("-----BEGIN PUBLIC KEY-----\nnot a key\n-----END PUBLIC KEY-----\n")))
    assert call(gw, tok) == (403, KNA)
    assert call(gw, tok) == (403, KNA)  # a bad key is refused every time (failures not memoised)


def _scenario(clock: FakeClock, jwks: JwksBehaviour, jwks_url: str, cache: int) -> list[tuple[int, str, str]]:
    """A mixed sequence of requests; returns every verdict (status, message, stage)."""
    k1, k2 = generate_rsa(kid="s1"), generate_rsa(kid="s1")
    jwks.set_keys([k1])
    gw = build(clock, jwks_url, cache=cache)
    good = make_token({"sub": "alice", "exp": NOW + 300}, k1)
    short = make_token({"sub": "bob", "exp": NOW + 5}, k1)
    other_sig = make_token({"sub": "alice", "exp": NOW + 300}, k2)
    seq = [good, good, short, other_sig, good, "garbage", good + "x", short]
    out: list[tuple[int, str, str]] = []

    def run() -> None:
        for t in seq:
            d = gw.check(PATH, headers={"Authorization": "Bearer " + t})
            out.append((d.status, d.message, d.stage))

    run()
    clock.advance(5)
    run()
    gw.load_policies({POLICY_ID: make_policy(rate=2, per=100)})
    run()
    jwks.set_keys([k2])
    clock.advance(240)
    run()
    gw.load_api(make_api(b64(jwks_url), jwt_signing_method="ecdsa"))
    run()
    return out


def test_verdicts_equal_with_and_without_the_cache(jwks: JwksBehaviour, jwks_url: str) -> None:
    with_cache = _scenario(FakeClock(), jwks, jwks_url, 10_000)
    without = _scenario(FakeClock(), jwks, jwks_url, 0)
    assert with_cache == without
    assert {v[:2] for v in with_cache} >= {OK, EXPIRED, (403, KNA), (429, "Rate Limit Exceeded"),
                                          (403, "Key not authorized: Unexpected signing method")}


def test_cache_unit_rules(rsa_key: jwk.JWK, rsa_key2: jwk.JWK) -> None:
    from harness.tyk.gateway.apidef import parse_apidef
    from harness.tyk.gateway.jwtparse import parse_token
    from harness.tyk.gateway.verify_cache import VerifiedTokenCache, same_key

    api, same_fields = parse_apidef(make_api("x")), parse_apidef(make_api("x"))
    tok = make_token({"sub": "a", "exp": NOW + 10}, rsa_key)
    parsed = parse_token(tok)
    cache = VerifiedTokenCache()
    cache.put(api, tok, parsed, rsa_key, NOW)
    hit = cache.get(api, tok, NOW + 9)
    assert hit is not None and hit.key is rsa_key and hit.until == NOW + 10
    assert cache.get(same_fields, tok, NOW) is None  # an equal but other API object: a miss, entry dropped
    assert len(cache) == 0
    cache.put(api, tok, parsed, rsa_key, NOW)
    assert cache.get(api, tok, NOW + 10) is None  # bounded by exp
    cache.put(api, tok, parsed, rsa_key, NOW + 10)  # already expired: not stored
    assert len(cache) == 0
    no_exp = make_token({"sub": "a", "exp": 0}, rsa_key)  # exp 0 counts as absent
    cache.put(api, no_exp, parsed_no_exp := parse_token(no_exp), rsa_key, NOW)
    assert cache.get(api, no_exp, NOW + 10**9) is not None and parsed_no_exp.claims["exp"] == 0
    cache.evict_api(api.api_id)
    assert len(cache) == 0
    off = VerifiedTokenCache(0)
    off.put(api, tok, parsed, rsa_key, NOW)
    assert off.get(api, tok, NOW) is None
    assert same_key(rsa_key, rsa_key) and not same_key(rsa_key, rsa_key2)
    assert same_key(b"secret", b"secret") and not same_key(b"secret", b"other")


# -- deciding on the event loop ------------------------------------------------------------------
def test_try_decide_defers_a_jwks_fetch(clock: FakeClock, jwks: JwksBehaviour, jwks_url: str,
                                        rsa_key: jwk.JWK) -> None:
    jwks.set_keys([rsa_key])
    gw = build(clock, jwks_url)
    api = gw.apis[API_ID]
    tok = make_token({"sub": "alice", "exp": NOW + 600}, rsa_key)
    view = RequestView(headers=Headers({"authorization": "Bearer " + tok}), path=PATH)
    assert gw.try_decide(api, view) is None  # needs a fetch: nothing recorded, nothing fetched
    assert (jwks.requests, len(gw.decisions), gw.state.sessions.keys()) == (0, 0, [])
    assert gw.decide(api, view).allowed
    assert jwks.requests == 1
    d = gw.try_decide(api, view)
    assert d is not None and d.allowed and len(gw.decisions) == 2
    refused = gw.try_decide(api, RequestView(headers=Headers({}), path=PATH))
    assert refused is not None and (refused.status, refused.message) == (400, "Authorization field missing")


@pytest.mark.parametrize("http,loop", [("h11", "asyncio"), ("httptools", "uvloop")])
def test_gateway_over_http_on_each_server_stack(jwks: JwksBehaviour, jwks_url: str, upstream: BackgroundServer,
                                                rsa_key: jwk.JWK, http: str, loop: str) -> None:
    for module in (http, loop):
        if module not in ("h11", "asyncio"):
            pytest.importorskip(module)
    jwks.set_keys([rsa_key])
    gw = Gateway()
    gw.load_api(make_api(b64(jwks_url), target_url=upstream.url + "/base"))
    gw.load_policies({POLICY_ID: make_policy()})
    tok = make_token({"sub": "alice", "exp": int(time.time()) + 600}, rsa_key)  # real clock here
    with BackgroundServer(gw.app, name="gateway", http=http, loop=loop) as server, requests.Session() as s:
        answers = [s.get(server.url + "/keycloak-api/a%20b?x=1", headers={"Authorization": "Bearer " + tok},
                         timeout=10) for _ in range(3)]  # first: JWKS fetch in a thread; then on the loop
        missing = s.get(server.url + "/keycloak-api/a", timeout=10)
    assert [r.status_code for r in answers] == [200, 200, 200]
    assert {(r.json()["path"], r.json()["query"]) for r in answers} == {("/base/a b", "x=1")}  # the echo decodes the path
    assert (missing.status_code, missing.content) == (400, b'{\n    "error": "Authorization field missing"\n}')
    assert jwks.requests == 1 and len(gw.state.verified) == 1


# -- the URL fast path -------------------------------------------------------------------------------
def _scope(path: str, query: bytes) -> dict[str, Any]:
    return {"type": "http", "path": path, "query_string": query, "scheme": "http",
            "headers": [(b"host", b"127.0.0.1:8080")], "server": ("127.0.0.1", 8080)}


def _url_parts(scope: dict[str, Any]) -> Any:
    try:
        url = Request(scope).url
        return url.path, url.query
    except Exception as exc:  # Starlette decodes the query as UTF-8
        return type(exc)


def _fast_parts(scope: dict[str, Any]) -> Any:
    try:
        return path_and_query(Request(scope))
    except Exception as exc:
        return type(exc)


@pytest.mark.parametrize("path,query", [
    ("/keycloak-api/x", b"a=1&b=2"), ("/a?b", b""), ("/a#b", b"x"), ("/a\\b", b""), ("//x", b""),
    ("/a\tb", b""), ("/é", b"q=%C3%A9"), ("/a", b"x#y"), ("/a", "é".encode()), ("/a", b"\xff"), ("*", b""),
])
def test_path_and_query_equals_request_url(path: str, query: bytes) -> None:
    assert _fast_parts(_scope(path, query)) == _url_parts(_scope(path, query))


@given(st.text(alphabet=st.sampled_from(list("/ab?#\\\t\r\n%é:@ .\x00")) | st.characters(codec="utf-8")),
       st.binary(max_size=20))
def test_path_and_query_property(path: str, query: bytes) -> None:
    assert _fast_parts(_scope(path, query)) == _url_parts(_scope(path, query))


# -- the pooled upstream client ---------------------------------------------------------------------


async def _read_request(reader: asyncio.StreamReader) -> tuple[bytes, bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":")[1])
    return head, await reader.readexactly(length)


def run_with_server(answers: list[bytes], body: Callable[[Http1Pool, Origin, list[bytes]], Awaitable[Any]],
                    *, close_after: bool = False, timeout: float = 5.0) -> Any:
    """Serve ``answers`` (one raw response per request, across connections in order;
    ``HANG`` never answers, ``CLOSE`` closes instead) and run ``body(pool, origin, heads)``;
    ``heads`` collects the raw requests received."""
    heads: list[bytes] = []
    connections: list[int] = []

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        connections.append(1)
        try:
            while answers:
                head, payload = await _read_request(reader)
                heads.append(head + payload)
                answer = answers.pop(0)
                if answer == b"HANG":
                    await asyncio.sleep(60)
                if answer == b"CLOSE":  # read the request, answer nothing, close
                    break
                writer.write(answer)
                await writer.drain()
                if close_after:
                    break
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    async def main() -> Any:
        server = await asyncio.start_server(handle, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        pool = Http1Pool(timeout=timeout)
        try:
            return await body(pool, Origin("http", "127.0.0.1", port, f"127.0.0.1:{port}".encode()), heads), \
                len(connections)
        finally:
            pool.close()
            server.close()

    return asyncio.run(main())


def _get(target: bytes = b"/x", method: str = "GET") -> bytes:
    return method.encode() + b" " + target + b" HTTP/1.1\r\nHost: up\r\n\r\n"


@pytest.mark.parametrize("answer,body", [
    (b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", b"hello"),
    (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-T: 1\r\n\r\n",
     b"hello world"),
    (b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", b"ok"),
    (b"HTTP/1.1 204 No Content\r\n\r\n", b""),
    (b"HTTP/1.1 200 OK\nContent-Length: 2\n\nok", b"ok"),  # bare LF line ends
    (b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: " + str(len(gzip.compress(b"zipped", mtime=0))).encode()
     + b"\r\n\r\n" + gzip.compress(b"zipped", mtime=0), b"zipped"),
    (b"HTTP/1.1 200 OK\r\nContent-Encoding: deflate\r\nContent-Length: " + str(len(zlib.compress(b"defl"))).encode()
     + b"\r\n\r\n" + zlib.compress(b"defl"), b"defl"),
])
def test_response_framing(answer: bytes, body: bytes) -> None:
    async def go(pool: Http1Pool, origin: Origin, heads: list[bytes]) -> Any:
        r = await pool.request(origin, "GET", _get())
        return r.status, r.body

    (status, got), _ = run_with_server([answer], go)
    assert (status, got) == (204 if b"204" in answer else 200, body)


def test_head_response_has_no_body_and_connection_is_reused() -> None:
    answers = [b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\nX-A: 1\r\n\r\n",
               b"HTTP/1.1 201 Created\r\nContent-Length: 3\r\nX-B: 2\r\n\r\nnew"]

    async def go(pool: Http1Pool, origin: Origin, heads: list[bytes]) -> Any:
        a = await pool.request(origin, "HEAD", _get(method="HEAD"))
        b = await pool.request(origin, "POST", b"POST /y HTTP/1.1\r\nHost: up\r\nContent-Length: 4\r\n\r\nbody")
        return a, b, heads

    (a, b, heads), connections = run_with_server(answers, go)
    assert (a.status, a.body, a.headers) == (200, b"", [("content-length", "100"), ("x-a", "1")])
    assert (b.status, b.body) == (201, b"new")
    assert heads[1].endswith(b"\r\n\r\nbody")
    assert connections == 1  # kept alive and reused


def test_read_until_close_and_connection_close() -> None:
    answers = [b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 1\r\n\r\na",
               b"HTTP/1.0 200 OK\r\n\r\nuntil the end"]

    async def go(pool: Http1Pool, origin: Origin, heads: list[bytes]) -> Any:
        a = await pool.request(origin, "GET", _get())
        b = await pool.request(origin, "GET", _get())
        return a.body, b.body

    (bodies, connections) = run_with_server(answers, go, close_after=True)
    assert bodies == (b"a", b"until the end")
    assert connections == 2


def test_stale_keep_alive_connection_is_retried_for_get() -> None:
    one, two = (b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n" + n for n in (b"1", b"2"))

    async def go(pool: Http1Pool, origin: Origin, heads: list[bytes]) -> Any:
        first = await pool.request(origin, "GET", _get())
        second = await pool.request(origin, "GET", _get())  # the server drops the reused connection
        return first.body, second.body, len(heads)

    (bodies, connections) = run_with_server([one, b"CLOSE", two], go)
    assert bodies == (b"1", b"2", 3)
    assert connections == 2


def test_stale_keep_alive_connection_is_not_retried_for_post() -> None:
    async def go(pool: Http1Pool, origin: Origin, heads: list[bytes]) -> Any:
        await pool.request(origin, "POST", b"POST / HTTP/1.1\r\nHost: up\r\nContent-Length: 0\r\n\r\n")
        with pytest.raises(UpstreamError) as exc:
            await pool.request(origin, "POST", b"POST / HTTP/1.1\r\nHost: up\r\nContent-Length: 0\r\n\r\n")
        return str(exc.value)

    message, connections = run_with_server([b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", b"CLOSE"], go)
    assert message.startswith("RemoteProtocolError: server disconnected")
    assert connections == 1


def test_connection_found_closing_is_replaced_for_any_method() -> None:
    ok = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
    post = b"POST / HTTP/1.1\r\nHost: up\r\nContent-Length: 1\r\n\r\nx"

    async def go(pool: Http1Pool, origin: Origin, heads: list[bytes]) -> Any:
        await pool.request(origin, "POST", post)
        idle = pool._idle[origin][-1]
        assert idle.transport is not None
        idle.transport.close()  # closing, but connection_lost has not run yet
        second = await pool.request(origin, "POST", post)
        return second.body, len(heads)

    (result, connections) = run_with_server([ok, ok], go)
    assert result == (b"ok", 2)  # the POST was sent once on a new connection
    assert connections == 2


@pytest.mark.parametrize("answer,why", [
    (b"garbage\r\n\r\n", "bad status line"),
    (b"HTTP/1.1 200 OK\r\nbad header\r\n\r\n", "malformed header"),
    (b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab", "bad Content-Length"),
    (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "bad chunk size"),
    (b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort", "server disconnected"),
    (b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 3\r\n\r\nbad", "DecodingError"),
])
def test_bad_answers_raise_upstream_error(answer: bytes, why: str) -> None:
    async def go(pool: Http1Pool, origin: Origin, heads: list[bytes]) -> Any:
        with pytest.raises(UpstreamError) as exc:
            await pool.request(origin, "GET", _get())
        return str(exc.value)

    message, _ = run_with_server([answer], go, close_after=True)
    assert why in message


def test_read_timeout_and_connect_error() -> None:
    async def go(pool: Http1Pool, origin: Origin, heads: list[bytes]) -> Any:
        with pytest.raises(UpstreamError) as slow:
            await pool.request(origin, "GET", _get())
        with pytest.raises(UpstreamError) as refused:
            await pool.request(origin._replace(port=1), "GET", _get())
        return str(slow.value), str(refused.value)

    (slow, refused), _ = run_with_server([b"HANG"], go, timeout=0.2)
    assert slow.startswith("ReadTimeout")
    assert refused.startswith("ConnectError")
