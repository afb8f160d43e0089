"""Fixtures for the Gluu 4 emulator tests: started launchers, stopped after each test."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from harness.products.gluu.emulator.launcher import GluuEmulatorLauncher
from tests.gluu.helpers import ADMIN


@pytest.fixture
def gluu_factory() -> Iterator[Callable[..., GluuEmulatorLauncher]]:
    started: list[GluuEmulatorLauncher] = []

    def make(**kwargs: Any) -> GluuEmulatorLauncher:
        kwargs.setdefault("admin_user", ADMIN[0])
        kwargs.setdefault("admin_password", ADMIN[1])
        launcher = GluuEmulatorLauncher(**kwargs).start()
        started.append(launcher)
        return launcher

    yield make
    for launcher in started:
        launcher.stop()


@pytest.fixture
def gluu(gluu_factory: Callable[..., GluuEmulatorLauncher]) -> GluuEmulatorLauncher:
    """Gluu 4.2 (the guide's release) with the default key seed."""
    return gluu_factory()
