"""Emulated IdPs for the conformance integration tests (one per module)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture(scope="module")
def keycloak_emulator() -> Iterator[Any]:
    from harness.products.keycloak.emulator.launcher import KeycloakEmulatorLauncher

    with KeycloakEmulatorLauncher() as launcher:
        yield launcher


@pytest.fixture(scope="module")
def gluu_emulator() -> Iterator[Any]:
    from harness.products.gluu.emulator.launcher import GluuEmulatorLauncher

    with GluuEmulatorLauncher() as launcher:
        yield launcher


def keycloak_clients(launcher: Any) -> set[str]:
    return set(launcher.state.realm("master").clients)


def gluu_clients(launcher: Any) -> set[str]:
    return set(launcher.state.clients)
