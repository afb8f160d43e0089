"""Broken scenarios whose fault is configured through Keycloak's admin REST API fail the
same way on the real server as on the emulator (issue 18 item 2: "the real server wins"):
the "Max Clients Limit" client-registration policy (idp.registration_policies) and a
signing key rotated while the gateway caches the old JWKS (gateway_call.after_key_rotation).
Each works in a realm of its own, so the session's master realm is left as it was."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.conformance.model import Verdict
from harness.products.base import IdpLauncher
from harness.products.keycloak.external import ExternalKeycloakLauncher
from harness.scenario.loader import load_scenario
from harness.scenario.runner import check_expectation, run_scenario

pytestmark = pytest.mark.real_keycloak

ROOT = Path(__file__).resolve().parents[2]
ADMIN_DRIVEN = ["keycloak-max-clients", "keycloak-key-rotated"]


@pytest.mark.parametrize("name", ADMIN_DRIVEN)
def test_fails_where_and_why_on_the_real_server(name: str, real_keycloak: IdpLauncher, tmp_path: Path) -> None:
    shared = ExternalKeycloakLauncher(real_keycloak.base_url, real_keycloak.admin_user, real_keycloak.admin_password)
    shared.version = real_keycloak.version
    sc = load_scenario(ROOT / "scenarios" / "broken" / f"{name}.yaml")
    result = run_scenario(sc, report_dir=tmp_path, launcher=shared)
    ok, line = check_expectation(sc, result)
    assert ok, line
    failed = result.failed_step
    assert failed is not None and failed.verdict is Verdict.FAIL
    if name == "keycloak-max-clients":
        # the real server's own words (the emulator answers the same: tests/idp)
        assert ("Policy 'Max Clients Limit' rejected request to client-registration service. "
                "Details: It's allowed to have max 1 clients per realm") in (failed.error or "")
    assert result.leftovers == []
