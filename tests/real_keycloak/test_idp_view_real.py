"""The guide's "check the client in Keycloak" against the real server (issue 18, item 6):
what the wizard's result shows is what the real Keycloak's admin API stored — the implicit
flow that response type ``token`` turned on, the service account — not the request."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.conformance.model import Verdict
from harness.products.base import IdpLauncher
from harness.products.keycloak.clients import stored_client
from harness.products.keycloak.external import ExternalKeycloakLauncher
from harness.scenario.loader import load_scenario
from harness.scenario.runner import run_scenario

pytestmark = pytest.mark.real_keycloak

ROOT = Path(__file__).resolve().parents[2]


def test_the_wizard_shows_what_the_real_keycloak_stored(real_keycloak: IdpLauncher, tmp_path: Path) -> None:
    shared = ExternalKeycloakLauncher(real_keycloak.base_url, real_keycloak.admin_user, real_keycloak.admin_password)
    shared.version = real_keycloak.version
    result = run_scenario(load_scenario(ROOT / "scenarios" / "keycloak.yaml"), report_dir=tmp_path, launcher=shared)
    assert [s.verdict for s in result.steps] == [Verdict.PASS] * 14, [s.to_dict() for s in result.steps if s.verdict is not Verdict.PASS]
    wizard = next(s for s in result.steps if s.id == "oauth-client-wizard")
    (registration,) = [e for e in wizard.exchanges if e.actor == "portal" and e.target == "idp"]
    asked = json.loads(registration.request_body or "{}")
    assert asked["grant_types"] == ["client_credentials"] and asked["response_types"] == ["token"]
    shown = wizard.idp_stored
    assert "implicit" in shown["grant_types"] and "client_credentials" in shown["grant_types"]
    assert shown["native"]["implicitFlowEnabled"] is True and shown["service_account"] is True
    assert shown["response_types"] and "token" not in shown["response_types"]
    (read,) = [e for e in wizard.exchanges if e.actor == "admin" and e.method == "GET"
               and "/admin/realms/master/clients" in e.url]
    (rep,) = json.loads(read.response_body or "[]")
    assert shown == stored_client(rep, source=shown["source"]).to_dict()
    # the client secret in the admin API's answer is masked in the recorded exchange
    assert "secret" not in rep or str(rep["secret"]).startswith("***redacted"), rep.get("secret")
