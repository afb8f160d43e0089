"""``--http-relative-path=/auth`` (the legacy WildFly layout of the seed guide's URLs,
shared/reference/keycloak.md) on the real server: a second boot, once per session."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from harness.products.base import IdpLauncher
from harness.products.keycloak.differential import DifferentialRun, Observation, compare, format_differences
from harness.products.keycloak.dist import KeycloakDistLauncher

pytestmark = pytest.mark.real_keycloak

REPORT_DIR = Path(__file__).resolve().parents[2] / "reports" / "real-keycloak" / "auth"


@pytest.fixture(scope="module")
def auth_keycloak() -> Iterator[KeycloakDistLauncher]:
    with KeycloakDistLauncher(relative_path="/auth", log_dir=REPORT_DIR) as launcher:
        yield launcher


def test_base_url_and_issuer_carry_the_relative_path(auth_keycloak: KeycloakDistLauncher) -> None:
    assert auth_keycloak.base_url == f"http://127.0.0.1:{auth_keycloak.port}/auth"
    disc = requests.get(f"{auth_keycloak.base_url}/realms/master/.well-known/openid-configuration", timeout=10)
    assert disc.status_code == 200
    assert disc.json()["issuer"] == auth_keycloak.issuer("master")
    assert disc.json()["issuer"] == f"http://127.0.0.1:{auth_keycloak.port}/auth/realms/master"


def test_paths_without_the_prefix_are_not_served(auth_keycloak: KeycloakDistLauncher) -> None:
    root = f"http://127.0.0.1:{auth_keycloak.port}"
    assert requests.get(f"{root}/realms/master", timeout=10).status_code == 404


def test_the_sequence_is_the_same_under_auth(
    auth_keycloak: KeycloakDistLauncher, real_keycloak: IdpLauncher
) -> None:
    """The normalised observations do not depend on the relative path: the whole
    differential sequence gives the same answers at /auth as at the root."""
    under_auth: list[Observation] = DifferentialRun(auth_keycloak.base_url).play()
    at_root: list[Observation] = DifferentialRun(real_keycloak.base_url).play()
    diffs = compare(under_auth, at_root, labels=("under /auth", "at root"))
    assert not diffs, format_differences(diffs)
