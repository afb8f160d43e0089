"""Fixtures for the gateway tests, on the gateway testing kit (harness.tyk.gateway.testing):
the kit's JWK Set server and echo upstream for the session, a fake clock, and the guide's
API definition and policy. Hypothesis profiles: ``ci`` (default, derandomized) and
``dev`` (more examples), chosen with ``HYPOTHESIS_PROFILE``."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

from harness.jose import generate_ec, generate_rsa
from harness.tyk.gateway import Gateway
from harness.tyk.gateway.testing import DEFAULT_JWKS, GatewayKit, JwksDocument, b64, in_process_gateway, jwt_api, policy

__all__ = ["API_ID", "ORG", "POLICY_ID", "START", "FakeClock", "JwksDocument", "b64", "make_api", "make_policy"]

settings.register_profile(
    "ci", derandomize=True, max_examples=100, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
settings.register_profile(
    "dev", max_examples=1000, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

ORG = "org1"
API_ID = "keycloak-api"
POLICY_ID = "keycloak-policy"
START = 1_700_000_000.0


class FakeClock:
    def __init__(self, now: float = START) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture(scope="session")
def kit() -> Iterator[GatewayKit]:
    """The kit's JWK Set server and echo upstream (no gateway: each test builds its own)."""
    with GatewayKit() as running:
        yield running


@pytest.fixture
def jwks(kit: GatewayKit) -> JwksDocument:
    """The JWK Set at :func:`jwks_url`, empty and never fetched yet; tests change it."""
    kit.jwks.reset()
    return kit.jwks[DEFAULT_JWKS]


@pytest.fixture(scope="session")
def jwks_url(kit: GatewayKit) -> str:
    return kit.jwks_url()


@pytest.fixture(scope="session")
def upstream_url(kit: GatewayKit) -> str:
    return kit.upstream_url


@pytest.fixture(scope="session")
def rsa_key() -> Any:
    return generate_rsa(kid="rsa-1")


@pytest.fixture(scope="session")
def rsa_key2() -> Any:
    return generate_rsa(kid="rsa-2")


@pytest.fixture(scope="session")
def ec_key() -> Any:
    return generate_ec(kid="ec-1")


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def make_api(jwt_source: str, target_url: str = "http://127.0.0.1:9/", **overrides: Any) -> dict[str, Any]:
    """The Keycloak guide's API definition (:func:`harness.tyk.gateway.testing.jwt_api`)."""
    api = jwt_api(api_id=API_ID, name="Keycloak API", listen_path="/keycloak-api/", source=jwt_source,
                  target_url=target_url, org_id=ORG, default_policies=[POLICY_ID])
    api.update(overrides)  # any top-level key, api_id and name included
    return api


def make_policy(**overrides: Any) -> dict[str, Any]:
    """The Keycloak guide's policy (:func:`harness.tyk.gateway.testing.policy`)."""
    pol = policy(name="Keycloak Policy", api_ids={API_ID: "Keycloak API"}, org_id=ORG)
    pol.update(overrides)  # any top-level key, name and org_id included
    return pol


@pytest.fixture
def make_gateway(clock: FakeClock, jwks_url: str) -> Any:
    """Build an in-process gateway with one API (overrides apply) and the default policy."""

    def build(*, policies: dict[str, dict[str, Any]] | None = None, tyk_conf: dict[str, Any] | None = None,
              **api_overrides: Any) -> Gateway:
        api_overrides.setdefault("jwt_source", b64(jwks_url))
        return in_process_gateway([make_api(**api_overrides)],
                                  policies if policies is not None else {POLICY_ID: make_policy()},
                                  tyk_conf=tyk_conf or {"secret": "s3cret", "dcr_harness": {"jwks_fetch_timeout": 2}},
                                  clock=clock)

    return build
