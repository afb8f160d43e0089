"""The emulator against the recorded answers of a real Keycloak 26.7.3
(fixtures/keycloak/observed-26.7.3.json, written by harness.products.keycloak.differential against
the real server). No JVM needed: the real side is the stored snapshot."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.products.keycloak.emulator import KeycloakEmulatorLauncher

SNAPSHOT = Path(__file__).resolve().parents[2] / "fixtures" / "keycloak" / "observed-26.7.3.json"


@pytest.mark.parametrize("relative_path", ["", "/auth"])
def test_emulator_matches_the_recorded_real_server(relative_path: str) -> None:
    if not SNAPSHOT.exists():
        pytest.skip(f"{SNAPSHOT.name} not recorded yet")
    from harness.products.keycloak.differential import DifferentialRun, compare, format_differences, load_snapshot

    real = load_snapshot(json.loads(SNAPSHOT.read_text()))
    with KeycloakEmulatorLauncher(relative_path=relative_path) as launcher:
        # the sequence waits (bounded) for a 1-second initial access token to expire
        emulated = DifferentialRun(launcher.base_url).play()
    diffs = compare(emulated, real)
    assert not diffs, format_differences(diffs)
