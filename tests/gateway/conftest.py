"""Fixtures for the gateway tests: a controllable JWKS server, an echo upstream, a fake
clock, and API/policy builders. Hypothesis profiles: ``ci`` (default, derandomized)
and ``dev`` (more examples), chosen with ``HYPOTHESIS_PROFILE``."""

from __future__ import annotations

import asyncio
import base64
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from harness.core.serving import BackgroundServer
from harness.jose import generate_ec, generate_rsa, public_jwks
from harness.tyk.gateway import Gateway, create_echo_app

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


@dataclass
class JwksBehaviour:
    """What the JWKS endpoint answers; tests change it between requests."""

    body: bytes = b'{"keys": []}'
    status: int = 200
    delay: float = 0.0
    requests: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def set_keys(self, keys: list[Any]) -> None:
        import json

        self.body = json.dumps(public_jwks(keys)).encode()

    def set_doc(self, doc: Any) -> None:
        import json

        self.body = json.dumps(doc).encode()


@pytest.fixture(scope="session")
def jwks_server() -> Iterator[tuple[BackgroundServer, JwksBehaviour]]:
    behaviour = JwksBehaviour()

    async def jwks(request: Request) -> Response:
        with behaviour.lock:
            behaviour.requests += 1
        if behaviour.delay:
            await asyncio.sleep(behaviour.delay)  # simulates a slow IdP, not a readiness wait
        return Response(behaviour.body, status_code=behaviour.status, media_type="application/json")

    app = Starlette(routes=[Route("/jwks", jwks)])
    with BackgroundServer(app, name="jwks") as server:
        yield server, behaviour


@pytest.fixture
def jwks(jwks_server: tuple[BackgroundServer, JwksBehaviour]) -> JwksBehaviour:
    _, behaviour = jwks_server
    behaviour.body, behaviour.status, behaviour.delay, behaviour.requests = b'{"keys": []}', 200, 0.0, 0
    return behaviour


@pytest.fixture(scope="session")
def jwks_url(jwks_server: tuple[BackgroundServer, JwksBehaviour]) -> str:
    return jwks_server[0].url + "/jwks"


@pytest.fixture(scope="session")
def upstream() -> Iterator[BackgroundServer]:
    with BackgroundServer(create_echo_app(), name="upstream") as server:
        yield server


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


def b64(text: str | bytes) -> str:
    raw = text.encode() if isinstance(text, str) else text
    return base64.b64encode(raw).decode()


def make_api(
    jwt_source: str, target_url: str = "http://127.0.0.1:9/", **overrides: Any
) -> dict[str, Any]:
    """An API definition in the shape the Dashboard exports for the Keycloak guide."""
    api: dict[str, Any] = {
        "name": "Keycloak API",
        "api_id": API_ID,
        "org_id": ORG,
        "active": True,
        "use_keyless": False,
        "enable_jwt": True,
        "jwt_signing_method": "rsa",
        "jwt_source": jwt_source,
        "jwt_identity_base_field": "sub",
        "jwt_policy_field_name": "pol",
        "jwt_default_policies": [POLICY_ID],
        "jwt_skip_kid": False,
        "jwt_expires_at_validation_skew": 0,
        "jwt_issued_at_validation_skew": 0,
        "jwt_not_before_validation_skew": 0,
        "auth": {"auth_header_name": "Authorization"},
        "proxy": {"listen_path": "/keycloak-api/", "target_url": target_url, "strip_listen_path": True},
        "version_data": {"not_versioned": True, "versions": {"Default": {"name": "Default"}}},
    }
    api.update(overrides)
    return api


def make_policy(**overrides: Any) -> dict[str, Any]:
    pol: dict[str, Any] = {
        "name": "Keycloak Policy",
        "org_id": ORG,
        "active": True,
        "rate": 0,
        "per": 0,
        "quota_max": -1,
        "quota_renewal_rate": 3600,
        "key_expires_in": 0,
        "access_rights": {API_ID: {"api_id": API_ID, "api_name": "Keycloak API", "versions": ["Default"]}},
    }
    pol.update(overrides)
    return pol


@pytest.fixture
def make_gateway(clock: FakeClock, jwks_url: str) -> Any:
    """Build a gateway with one API (overrides apply) and the default policy."""

    def build(*, policies: dict[str, dict[str, Any]] | None = None, tyk_conf: dict[str, Any] | None = None,
              **api_overrides: Any) -> Gateway:
        gw = Gateway(tyk_conf=tyk_conf or {"secret": "s3cret", "dcr_harness": {"jwks_fetch_timeout": 2}}, clock=clock)
        api_overrides.setdefault("jwt_source", b64(jwks_url))
        gw.load_api(make_api(**api_overrides))
        gw.load_policies(policies if policies is not None else {POLICY_ID: make_policy()})
        return gw

    return build
