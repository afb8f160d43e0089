"""Sessions, policies, key expiry, rate limit and quota across several requests."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from jwcrypto import jwk

from harness.tyk.gateway import Gateway

from .conftest import ORG, POLICY_ID, START, FakeClock, JwksDocument, make_policy
from .helpers import make_token

PATH = "/keycloak-api/"
NOW = int(START)


def call(gw: Gateway, key: jwk.JWK, **claims: Any) -> tuple[int, str]:
    body = {"sub": "alice", **claims}
    d = gw.check(PATH, headers={"Authorization": make_token(body, key)})
    return d.status, d.message


def test_session_key_is_org_plus_md5_of_identity(make_gateway: Callable[..., Gateway], jwks: JwksDocument,
                                                 rsa_key: jwk.JWK) -> None:
    jwks.set_keys([rsa_key])
    gw = make_gateway()
    call(gw, rsa_key)
    assert gw.last_decision.session_key == ORG + hashlib.md5(b"alice").hexdigest()  # type: ignore[union-attr]
    assert gw.state.sessions.keys() == [ORG + hashlib.md5(b"alice").hexdigest()]


def test_rate_limit(make_gateway: Callable[..., Gateway], jwks: JwksDocument, rsa_key: jwk.JWK, clock: FakeClock) -> None:
    jwks.set_keys([rsa_key])
    gw = make_gateway(policies={POLICY_ID: make_policy(rate=2, per=60)})
    assert [call(gw, rsa_key) for _ in range(3)] == [(200, ""), (200, ""), (429, "Rate Limit Exceeded")]
    assert call(gw, rsa_key, sub="bob") == (200, "")  # limits are per session
    clock.advance(60.5)
    assert call(gw, rsa_key) == (200, "")


def test_rate_limit_disabled_on_api(make_gateway: Callable[..., Gateway], jwks: JwksDocument, rsa_key: jwk.JWK) -> None:
    jwks.set_keys([rsa_key])
    gw = make_gateway(policies={POLICY_ID: make_policy(rate=1, per=60)}, disable_rate_limit=True)
    assert [call(gw, rsa_key)[0] for _ in range(3)] == [200, 200, 200]


def test_quota(make_gateway: Callable[..., Gateway], jwks: JwksDocument, rsa_key: jwk.JWK, clock: FakeClock) -> None:
    jwks.set_keys([rsa_key])
    gw = make_gateway(policies={POLICY_ID: make_policy(quota_max=2, quota_renewal_rate=3600)})
    assert [call(gw, rsa_key) for _ in range(3)] == [(200, ""), (200, ""), (403, "Quota exceeded")]
    clock.advance(3600)
    assert call(gw, rsa_key) == (200, "")


def test_rate_limit_is_checked_before_quota(make_gateway: Callable[..., Gateway], jwks: JwksDocument,
                                            rsa_key: jwk.JWK) -> None:
    jwks.set_keys([rsa_key])
    gw = make_gateway(policies={POLICY_ID: make_policy(rate=1, per=60, quota_max=1)})
    assert [call(gw, rsa_key) for _ in range(2)] == [(200, ""), (429, "Rate Limit Exceeded")]


def test_key_expiry_from_policy(make_gateway: Callable[..., Gateway], jwks: JwksDocument, rsa_key: jwk.JWK,
                                clock: FakeClock) -> None:
    jwks.set_keys([rsa_key])
    gw = make_gateway(policies={POLICY_ID: make_policy(key_expires_in=60)})
    assert call(gw, rsa_key) == (200, "")  # no exp claim: the session expires with the policy
    clock.advance(61)
    assert call(gw, rsa_key) == (401, "Key has expired, please renew")
    # a token with a later exp extends the stored session
    assert call(gw, rsa_key, exp=NOW + 3600) == (200, "")


def test_token_exp_replaces_shorter_policy_expiry(make_gateway: Callable[..., Gateway], jwks: JwksDocument,
                                                  rsa_key: jwk.JWK, clock: FakeClock) -> None:
    jwks.set_keys([rsa_key])
    gw = make_gateway(policies={POLICY_ID: make_policy(key_expires_in=10)})
    assert call(gw, rsa_key, exp=NOW + 100) == (200, "")
    clock.advance(50)
    assert call(gw, rsa_key) == (200, "")  # session lives until the token's exp


def test_later_token_repoints_session_to_other_policy(make_gateway: Callable[..., Gateway], jwks: JwksDocument,
                                                      rsa_key: jwk.JWK) -> None:
    jwks.set_keys([rsa_key])
    gold = make_policy(name="Gold", access_rights={"other-api": {"api_id": "other-api", "versions": ["Default"]}})
    gw = make_gateway(policies={POLICY_ID: make_policy(), "gold": gold})
    assert call(gw, rsa_key) == (200, "")
    assert gw.last_decision.policies == (POLICY_ID,)  # type: ignore[union-attr]
    assert call(gw, rsa_key, pol="gold") == (403, "Access to this API has been disallowed")
    assert gw.last_decision.policies == ("gold",)  # type: ignore[union-attr]
    assert call(gw, rsa_key) == (200, "")  # no pol: back to the default policy
    assert call(gw, rsa_key, pol="nope") == (403, "key not authorized: no matching policy")


def test_existing_session_without_policy_claim_or_default(make_gateway: Callable[..., Gateway], jwks: JwksDocument,
                                                          rsa_key: jwk.JWK) -> None:
    jwks.set_keys([rsa_key])
    gw = make_gateway(jwt_default_policies=[])
    assert call(gw, rsa_key, pol=POLICY_ID) == (200, "")
    assert call(gw, rsa_key) == (403, "key not authorized: no matching policy found")


def test_several_default_policies_merge(make_gateway: Callable[..., Gateway], jwks: JwksDocument, rsa_key: jwk.JWK) -> None:
    jwks.set_keys([rsa_key])
    limited = make_policy(rate=1, per=60)
    generous = make_policy(rate=100, per=60, access_rights={"x": {"api_id": "x"}})
    gw = make_gateway(policies={"limited": limited, "generous": generous}, jwt_default_policies=["limited", "generous"])
    assert [call(gw, rsa_key)[0] for _ in range(3)] == [200, 200, 200]  # the higher rate wins
    assert gw.last_decision.policies == ("limited", "generous")  # type: ignore[union-attr]


def test_policy_update_applies_to_stored_sessions(make_gateway: Callable[..., Gateway], jwks: JwksDocument,
                                                  rsa_key: jwk.JWK) -> None:
    jwks.set_keys([rsa_key])
    gw = make_gateway()
    assert call(gw, rsa_key) == (200, "")
    gw.load_policies({POLICY_ID: make_policy(access_rights={"x": {"api_id": "x"}})})
    assert call(gw, rsa_key) == (403, "Access to this API has been disallowed")


def test_versioned_api_checks_policy_versions(make_gateway: Callable[..., Gateway], jwks: JwksDocument,
                                              rsa_key: jwk.JWK) -> None:
    jwks.set_keys([rsa_key])
    gw = make_gateway(version_data={"not_versioned": False, "default_version": "v2", "versions": {"v2": {}}})
    assert call(gw, rsa_key) == (403, "Access to this API has been disallowed")
    gw = make_gateway(version_data={"not_versioned": False, "default_version": "Default", "versions": {"Default": {}}})
    assert call(gw, rsa_key) == (200, "")


def test_oauth_client_id_recorded(make_gateway: Callable[..., Gateway], jwks: JwksDocument, rsa_key: jwk.JWK) -> None:
    jwks.set_keys([rsa_key])
    gw = make_gateway()
    call(gw, rsa_key, clientId="kc-client", client_id="other")
    assert gw.last_decision.oauth_client_id == "kc-client"  # type: ignore[union-attr]
