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


def test_what_cannot_be_removed_is_named_with_the_way_to_remove_it(
        emulated_keycloak: IdpLauncher, short_deadline: float, tmp_path: Path) -> None:
    """Every delete refused and the admin API unreachable: the client stays, and the
    report names it with the console path and the admin REST calls that remove it."""
    from harness.core.faultproxy import FaultProxy
    from harness.products.keycloak.admin import KeycloakAdmin
    from harness.products.keycloak.external import ExternalKeycloakLauncher
    from harness.report.console import cleanup_lines
    from harness.scenario.loader import load_scenario
    from harness.scenario.runner import run_scenario
    from tests.faults.conftest import ROOT

    before = client_ids(emulated_keycloak)
    with FaultProxy(emulated_keycloak.base_url) as proxy:
        proxy.add("DELETE", r"/clients-registrations/openid-connect/.+", Fault.ERROR, times=10)
        proxy.add("GET", r"/admin/realms/master/clients$", Fault.ERROR, times=10)
        through = ExternalKeycloakLauncher(proxy.url, emulated_keycloak.admin_user, emulated_keycloak.admin_password)
        result = run_scenario(load_scenario(ROOT / "scenarios" / "keycloak.yaml"), report_dir=tmp_path,
                              launcher=through)
    orphans = client_ids(emulated_keycloak) - before
    assert len(orphans) == 1
    (orphan,) = orphans
    assert [x.client_id for x in result.leftovers] == [orphan]
    line = cleanup_lines(result)[-1]
    assert line.startswith(f"Left at the IdP: client {orphan} (the RFC 7592 delete failed")
    assert "Keycloak admin console → realm master → Clients" in line and "curl -X DELETE" in line
    assert result.to_dict()["leftovers"][0]["client_id"] == orphan
    admin = KeycloakAdmin(emulated_keycloak.base_url, "admin", emulated_keycloak.admin_password, timeout=30.0)
    for c in admin.clients("master", client_id=orphan):
        admin.delete_client("master", c["id"])
    assert client_ids(emulated_keycloak) == before
