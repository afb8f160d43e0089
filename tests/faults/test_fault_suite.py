"""Every IdP call of the Keycloak guide under every fault, on the emulator (always) and
on the real Keycloak (marker real_keycloak): the run ends with a step failure naming its
cause (never "internal error"), and the realm has exactly the clients it had before."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.core.faultproxy import Fault
from harness.products.base import IdpLauncher
from tests.faults.conftest import FAULTS, GUIDE_CALLS, assert_nothing_left, client_ids, run_through

CASES = [pytest.param(call, fault, secs, id=f"{call[0]}-{fault.value}") for call in GUIDE_CALLS for fault, secs in FAULTS]


@pytest.mark.parametrize(("call", "fault", "seconds"), CASES)
def test_emulator_zero_orphans(call: tuple[str, str, str, int], fault: Fault, seconds: float,
                               emulated_keycloak: IdpLauncher, short_deadline: float, tmp_path: Path) -> None:
    before = client_ids(emulated_keycloak)
    result, proxy = run_through(emulated_keycloak, call, fault, seconds, tmp_path)
    assert_nothing_left(before, emulated_keycloak, result, proxy)


def test_lost_registration_answer_is_found_and_deleted(emulated_keycloak: IdpLauncher, short_deadline: float,
                                                       tmp_path: Path) -> None:
    before = client_ids(emulated_keycloak)
    result, proxy = run_through(emulated_keycloak, GUIDE_CALLS[3], Fault.LOST, 0.0, tmp_path)
    assert_nothing_left(before, emulated_keycloak, result, proxy)
    wizard = next(s for s in result.steps if s.id == "oauth-client-wizard")
    assert "not reachable" not in (wizard.cause or "")
    assert "dropped before an answer came" in (wizard.error or ""), wizard.error
    assert any("found and deleted through the IdP's admin API" in n for n in result.cleanup), result.cleanup


@pytest.mark.real_keycloak
@pytest.mark.parametrize(("call", "fault", "seconds"), CASES)
def test_real_keycloak_zero_orphans(call: tuple[str, str, str, int], fault: Fault, seconds: float,
                                    real_keycloak: IdpLauncher, short_deadline: float, tmp_path: Path) -> None:
    before = client_ids(real_keycloak)
    result, proxy = run_through(real_keycloak, call, fault, seconds, tmp_path)
    assert_nothing_left(before, real_keycloak, result, proxy)
