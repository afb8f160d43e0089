"""Fixtures for the Keycloak emulator tests: one emulator per test module (with an
injectable clock), a fresh realm per test, and small helpers for the RFC 7591/7592
and token calls."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import requests

from harness.products.keycloak.admin import KeycloakAdmin
from harness.products.keycloak.emulator import KeycloakEmulatorLauncher


class FakeClock:
    """A settable clock for the emulator: ``advance`` instead of sleeping."""

    def __init__(self) -> None:
        self.t = float(int(time.time()))

    def __call__(self) -> float:
        return self.t

    def advance(self, seconds: float) -> None:
        self.t += seconds


@pytest.fixture(scope="module")
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(scope="module")
def kc(clock: FakeClock) -> Iterator[KeycloakEmulatorLauncher]:
    with KeycloakEmulatorLauncher(clock=clock) as launcher:
        yield launcher


@pytest.fixture
def http() -> Iterator[requests.Session]:
    with requests.Session() as session:
        yield session


@pytest.fixture
def admin(kc: KeycloakEmulatorLauncher, http: requests.Session) -> KeycloakAdmin:
    # A new client per test: a test that moves the clock must not reuse a cached token.
    return KeycloakAdmin(kc.base_url, kc.admin_user, kc.admin_password, session=http)


@dataclass
class Dcr:
    """RFC 7591/7592 and token-endpoint calls against one realm of the emulator."""

    http: requests.Session
    base: str
    realm: str
    admin: KeycloakAdmin

    @property
    def endpoint(self) -> str:
        return f"{self.base}/realms/{self.realm}/clients-registrations/openid-connect"

    @property
    def token_endpoint(self) -> str:
        return f"{self.base}/realms/{self.realm}/protocol/openid-connect/token"

    def iat(self, expiration: int = 0, count: int = 10) -> str:
        return str(self.admin.create_initial_access_token(self.realm, expiration, count)["token"])

    def register(self, metadata: Any, token: str | None = None, *, content_type: str = "application/json",
                 raw: str | bytes | None = None) -> requests.Response:
        headers = {"Content-Type": content_type}
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        data = raw if raw is not None else json.dumps(metadata)
        return self.http.post(self.endpoint, data=data, headers=headers, timeout=10)

    def client(self, metadata: dict[str, Any] | None = None) -> dict[str, Any]:
        """Register a client (with a fresh initial access token) and return its body."""
        resp = self.register(metadata if metadata is not None else {"client_name": "t", "grant_types": ["client_credentials"]},
                             self.iat(count=1))
        assert resp.status_code == 201, resp.text
        return dict(resp.json())

    def token(self, form: dict[str, str], auth: tuple[str, str] | None = None) -> requests.Response:
        return self.http.post(self.token_endpoint, data=form, auth=auth, timeout=10)

    def manage(self, method: str, client: dict[str, Any], token: str | None, body: Any = None) -> requests.Response:
        headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
        return self.http.request(method, client["registration_client_uri"], headers=headers, json=body, timeout=10)


@pytest.fixture
def realm(admin: KeycloakAdmin) -> str:
    name = f"t{uuid.uuid4().hex[:10]}"
    admin.create_realm(name)
    return name


@pytest.fixture
def dcr(http: requests.Session, kc: KeycloakEmulatorLauncher, realm: str, admin: KeycloakAdmin) -> Dcr:
    return Dcr(http=http, base=kc.base_url, realm=realm, admin=admin)

