"""Every case of the Tyk JWT case table (harness.tyk.gateway.jwt_cases: the checks.md JWT
list and further Tyk behaviours) against the harness gateway in-process, each answered
with exactly the status and message the table expects (shared/reference/tyk.md and the
Tyk sources each case cites). The gateway-jwt conformance plan runs the table's check
cases over HTTP; here every case gets a fresh gateway on a frozen clock."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import pytest
from jwcrypto import jwk

from harness.jose import generate_rsa
from harness.tyk.gateway import Decision, Gateway
from harness.tyk.gateway.jwt_cases import CASES, CHECK_CASES, GATEWAY_CASES, ApiSpec, JwtCase, case_by_id
from harness.tyk.gateway.jwt_cases.jwks import TYK_CONF, jwks_documents
from harness.tyk.gateway.jwt_cases.model import KNA, POLICY2_ID, POLICY_ID
from harness.tyk.gateway.testing import GatewayKit, Keys, closed_url, in_process_gateway, make_keys, policy

from .conftest import START, FakeClock, JwksDocument
from .helpers import make_token

PATH = "/keycloak-api/anything"
NOW = int(START)


@pytest.fixture(scope="module")
def keys() -> Keys:
    return make_keys(now=START)


class InProcessRunner:
    """Runs cases on one in-process gateway holding their APIs, the table's two policies
    (the default one changed by the case's ``policy``) and the kit's JWK Sets; the
    :class:`harness.tyk.gateway.jwt_cases.Runner` of multi-step cases."""

    def __init__(self, kit: GatewayKit, clock: FakeClock, keys: Keys, cases: list[JwtCase]) -> None:
        self.kit, self.clock, self.keys = kit, clock, keys
        kit.jwks.reset(jwks_documents(keys))
        closed = closed_url()

        def jwks_url(name: str) -> str:
            return closed if name == "unreachable" else kit.jwks_url(name)

        specs = {c.api.api_id: c.api for c in cases}
        apis = [s.definition(jwks_url=jwks_url, upstream=kit.upstream_url, keys=keys) for s in specs.values()]
        changes: dict[str, Any] = {}
        for c in cases:
            changes.update(c.policy)
        self.gateway = in_process_gateway(
            apis, {POLICY_ID: policy(name="dcr-harness policy", api_ids=list(specs), **changes),
                   POLICY2_ID: policy(name="dcr-harness policy 2", api_ids=list(specs))},
            tyk_conf={"secret": "s3cret", **TYK_CONF}, clock=clock)
        self.ttl = float(self.gateway.profile.jwks_cache_ttl)

    def run(self, case: JwtCase) -> Decision:
        k = dataclasses.replace(self.keys, tag=case.id.lower(), now=int(self.clock()))
        if case.prepare is not None:
            case.prepare(self, k)
            k = dataclasses.replace(k, now=int(self.clock()))
        sent = case.carry(case.token(k))
        return self.gateway.check(case.api.listen + "get", headers=sent.headers, query=sent.query,
                                  cookies=sent.cookies)

    def send(self, name: str, tok: str, api: ApiSpec) -> Decision:
        d = self.gateway.check(api.listen + "get", headers={"Authorization": f"Bearer {tok}"})
        assert d.allowed, (name, d.summary())  # a priming request must pass, or the case is not run as designed
        return d

    def set_jwks(self, name: str, body: bytes) -> None:
        self.kit.jwks.set(name, body)

    def advance(self, seconds: float) -> None:
        self.clock.advance(seconds)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_jwt_case(kit: GatewayKit, clock: FakeClock, keys: Keys, case: JwtCase) -> None:
    chain = [case_by_id(i) for i in case.after] + [case]
    runner = InProcessRunner(kit, clock, keys, chain)
    for earlier in chain[:-1]:
        d = runner.run(earlier)
        assert (d.status, d.message) == (earlier.status, earlier.message), (earlier.id, d.summary())
    d = runner.run(case)
    assert (d.status, d.message) == (case.status, case.message), d.summary()
    assert d.allowed is (case.status == 200)
    if case.identity is not None:
        assert d.identity == case.identity
    if case.policies is not None:
        assert tuple(d.policies) == case.policies
    if case.fetches is not None:
        assert kit.jwks.count(case.api.jwks) == case.fetches


def test_the_table_is_one_table() -> None:
    ids = [c.id for c in CASES]
    assert len(ids) == len(set(ids)) and len(CHECK_CASES) == 91 and len(GATEWAY_CASES) >= 50
    assert {c.status for c in CASES} == {200, 400, 401, 403, 429, 500}  # both sides of every decision
    assert all(c.source for c in CASES), [c.id for c in CASES if not c.source]


def test_a_wrong_answer_fails_the_case(kit: GatewayKit, clock: FakeClock, keys: Keys) -> None:
    """The comparison above can fail: a case run on an API that does not fit its token
    (an RS256 token on the ECDSA API) gets another answer than the table's."""
    case = case_by_id("JWT-VALID-RS256")
    wrong = dataclasses.replace(case, api=case_by_id("JWT-VALID-ES256").api)
    d = InProcessRunner(kit, clock, keys, [wrong]).run(wrong)
    assert (d.status, d.message) != (case.status, case.message)


# --- behaviours outside the table: what the gateway does *not* do -----------------------------------
@pytest.mark.parametrize("kid", ["../../etc/passwd", "' OR '1'='1' --", "k" * 5000, "ключ"])
def test_unusual_kid_matches_exactly_when_published(make_gateway: Callable[..., Gateway], jwks: JwksDocument,
                                                   kid: str) -> None:
    key = generate_rsa(kid=kid)
    jwks.set_keys([key])
    gw = make_gateway()
    assert gw.check(PATH, headers={"Authorization": make_token({"sub": "alice", "exp": NOW + 60}, key)}).status == 200


def test_missing_kid_does_not_fetch_jwks(make_gateway: Callable[..., Gateway], jwks: JwksDocument,
                                         rsa_key: jwk.JWK) -> None:
    jwks.set_keys([rsa_key])
    gw = make_gateway()
    d = gw.check(PATH, headers={"Authorization": make_token({"sub": "alice", "exp": NOW + 60}, rsa_key, kid=None)})
    assert (d.status, d.message) == (403, KNA)
    assert jwks.requests == 0


def test_embedded_jku_is_never_fetched(make_gateway: Callable[..., Gateway], jwks: JwksDocument) -> None:
    key, attacker = generate_rsa(kid="rsa-1"), generate_rsa(kid="rsa-1")
    jwks.set_keys([key])
    gw = make_gateway()
    token = make_token({"sub": "alice", "exp": NOW + 60}, attacker, header={"jku": "http://127.0.0.1:9/jwks"})
    d = gw.check(PATH, headers={"Authorization": token})
    assert (d.status, d.message) == (403, KNA)
    assert jwks.requests == 1  # only the configured JWKS URL
    assert "does not verify" in d.reason
