"""The guide's flow over real HTTP: an RS256 token from a JWKS URL, identity ``sub``,
the default policy → 200 and the upstream's echo; refusals are Tyk's exact bytes. The
gateway is configured through Tyk's REST API (harness.tyk.gateway.testing.HarnessGateway)."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
import requests

from harness.core.transcript import Transcript
from harness.jose import sign
from harness.tyk.gateway import Gateway
from harness.tyk.gateway.testing import HarnessGateway, in_process_gateway

from .conftest import POLICY_ID, JwksDocument, b64, make_api, make_policy


@pytest.fixture
def live(jwks: JwksDocument, jwks_url: str, upstream_url: str, rsa_key: object) -> Iterator[tuple[Gateway, str, Transcript]]:
    jwks.set_keys([rsa_key])
    transcript = Transcript()
    with HarnessGateway(tyk_conf={"secret": "s3cret"}, transcript=transcript) as target:
        target.load([make_api(b64(jwks_url), target_url=upstream_url + "/base")], {POLICY_ID: make_policy()})
        yield target.gateway, target.base_url, transcript


def token(key: object, **claims: object) -> str:
    now = int(time.time())
    return sign({"sub": "alice", "iat": now, "exp": now + 300, **claims}, key)  # type: ignore[arg-type]


def test_valid_token_is_proxied_to_upstream(live: tuple[Gateway, str, Transcript], rsa_key: object) -> None:
    gw, url, transcript = live
    tok = token(rsa_key)
    r = requests.get(url + "/keycloak-api/orders/7?x=1&x=2", headers={"Authorization": "Bearer " + tok}, timeout=10)
    assert r.status_code == 200
    echo = r.json()
    assert echo["method"] == "GET"
    assert echo["path"] == "/base/orders/7"  # strip_listen_path
    assert echo["query"] == "x=1&x=2"
    assert echo["headers"]["authorization"] == "Bearer " + tok  # Tyk forwards it unless strip_auth_data
    assert "127.0.0.1" in echo["headers"]["x-forwarded-for"]
    d = gw.last_decision
    assert d is not None and d.allowed and d.identity == "alice" and d.policies == (POLICY_ID,)
    hops = [e for e in transcript if e.actor == "gateway"]
    assert [(e.target, e.method, e.status) for e in hops] == [("idp", "GET", 200), ("upstream", "GET", 200)]
    assert hops[1].url.endswith("/base/orders/7?x=1&x=2")
    assert tok not in (hops[1].response_body or "")  # the echoed Authorization is redacted


def test_refusal_is_tyk_error_template(live: tuple[Gateway, str, Transcript], rsa_key: object) -> None:
    _, url, _ = live
    r = requests.get(url + "/keycloak-api/x", headers={"Authorization": "Bearer " + token(rsa_key, exp=1)}, timeout=10)
    assert r.status_code == 401
    assert r.headers["content-type"] == "application/json"
    assert r.content == b'{\n    "error": "Key not authorized: token has expired"\n}'
    r = requests.get(url + "/keycloak-api/x", timeout=10)
    assert (r.status_code, r.json()) == (400, {"error": "Authorization field missing"})


def test_post_body_and_method_are_forwarded(live: tuple[Gateway, str, Transcript], rsa_key: object) -> None:
    _, url, _ = live
    r = requests.post(url + "/keycloak-api/items", data=b"payload", timeout=10,
                      headers={"Authorization": token(rsa_key), "Content-Type": "text/plain"})
    assert r.status_code == 200
    assert (r.json()["method"], r.json()["body"]) == ("POST", "payload")


def test_unknown_path_is_404(live: tuple[Gateway, str, Transcript]) -> None:
    _, url, _ = live
    r = requests.get(url + "/nowhere", timeout=10)
    assert (r.status_code, r.text) == (404, "404 page not found\n")


def test_unreachable_upstream_is_500(jwks: JwksDocument, jwks_url: str, rsa_key: object) -> None:
    jwks.set_keys([rsa_key])
    with HarnessGateway() as target:
        target.load([make_api(b64(jwks_url), target_url="http://127.0.0.1:9/")], {POLICY_ID: make_policy()})
        r = requests.get(target.base_url + "/keycloak-api/", headers={"Authorization": token(rsa_key)}, timeout=10)
    assert (r.status_code, r.json()) == (500, {"error": "There was a problem proxying the request"})


def test_strip_auth_data_and_no_strip_listen_path(jwks: JwksDocument, jwks_url: str, upstream_url: str,
                                                 rsa_key: object) -> None:
    jwks.set_keys([rsa_key])
    api = make_api(b64(jwks_url), target_url=upstream_url, strip_auth_data=True)
    api["proxy"]["strip_listen_path"] = False
    with HarnessGateway() as target:
        target.load([api], {POLICY_ID: make_policy()})
        r = requests.get(target.base_url + "/keycloak-api/a", headers={"Authorization": token(rsa_key)}, timeout=10)
    assert r.status_code == 200
    assert r.json()["path"] == "/keycloak-api/a"
    assert "authorization" not in r.json()["headers"]


def test_keyless_api_needs_no_token(upstream_url: str) -> None:
    gw = in_process_gateway([make_api("", target_url=upstream_url, use_keyless=True, enable_jwt=False, api_id="open")])
    assert gw.check("/keycloak-api/x").allowed
    other = make_api("", target_url=upstream_url, enable_jwt=False, api_id="authtoken")
    other["proxy"]["listen_path"] = "/auth-token/"
    gw.load_api(other)
    d = gw.check("/auth-token/x", headers={"Authorization": "some-key"})
    assert (d.status, d.message) == (403, "Access to this API has been disallowed")
