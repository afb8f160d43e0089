"""The guide's "check the client in the IdP" step (issue 18, item 6): after the wizard the
run reads what the IdP stored through its admin API and shows it under the step — console
detail line, ``idp_stored`` in report.json, a section of report.html — without a step of
its own, without failing the step, and from the IdP, never from the request."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from harness.cli.main import main
from harness.conformance.model import Verdict
from harness.core.faultproxy import Fault, FaultProxy
from harness.products.gluu.clients import stored_client as gluu_stored
from harness.products.keycloak.admin import KeycloakAdmin
from harness.products.keycloak.clients import stored_client as keycloak_stored
from harness.products.keycloak.external import ExternalKeycloakLauncher
from harness.scenario.loader import parse_scenario
from harness.scenario.results import RunResult, StepResult
from harness.scenario.runner import run_scenario

ROOT = Path(__file__).resolve().parents[2]
KEYCLOAK = (ROOT / "scenarios" / "keycloak.yaml").read_text()
GLUU = (ROOT / "scenarios" / "gluu.yaml").read_text()


def _with_version(text: str, version: str) -> str:
    assert "  launcher: emulator\n" in text
    return text.replace("  launcher: emulator\n", f"  launcher: emulator\n  version: '{version}'\n", 1)


def _run(text: str, tmp_path: Path, **kwargs: Any) -> RunResult:
    return run_scenario(parse_scenario(text), report_dir=tmp_path, **kwargs)


def _wizard(result: RunResult) -> StepResult:
    return next(s for s in result.steps if s.id == "oauth-client-wizard")


def _asked(wizard: StepResult) -> dict[str, Any]:
    (registration,) = [e for e in wizard.exchanges if e.actor == "portal" and e.target == "idp"]
    body = json.loads(registration.request_body or "{}")
    assert isinstance(body, dict)
    return body


def _admin_read(wizard: StepResult, path_part: str) -> dict[str, Any]:
    """The one admin read of the step and the client it answered with."""
    reads = [e for e in wizard.exchanges if e.actor == "admin" and e.method == "GET" and path_part in e.url]
    assert len(reads) == 1, [e.summary() for e in wizard.exchanges]
    body = json.loads(reads[0].response_body or "[]")
    assert isinstance(body, list) and len(body) == 1
    return dict(body[0])


def test_keycloak_emulator_shows_the_implicit_flow_the_request_never_asked_for(tmp_path: Path) -> None:
    result = _run(KEYCLOAK, tmp_path)
    assert [s.verdict for s in result.steps] == [Verdict.PASS] * 14
    wizard = _wizard(result)
    shown = wizard.idp_stored
    asked = _asked(wizard)
    assert asked["grant_types"] == ["client_credentials"] and asked["response_types"] == ["token"]
    # Keycloak stores flow switches: response type token turned on the implicit flow
    assert shown["grant_types"] == ["implicit", "client_credentials"]
    assert shown["native"]["implicitFlowEnabled"] is True and shown["native"]["standardFlowEnabled"] is False
    assert shown["response_types"] == ["id_token", "id_token token"]  # Keycloak's, not the request's [token]
    assert shown["service_account"] is True and shown["token_endpoint_auth_method"] == "client_secret_post"
    assert shown["client_id"] == result.steps[10].evidence.split()[1]
    # read from the admin API's answer recorded in this very step
    rep = _admin_read(wizard, "/admin/realms/master/clients")
    assert shown == keycloak_stored(rep, source=shown["source"]).to_dict()
    # ... and no step of its own
    assert [s.id for s in result.steps].count("oauth-client-wizard") == 1 and len(result.steps) == 14


def test_keycloak_26_4_shows_the_auth_method_it_stored_not_the_one_asked(tmp_path: Path) -> None:
    """26.4.x keeps no record of the asked secret method (profile.echo_requested_auth_method
    false): the IdP view says client_secret_basic although the portal asked client_secret_post."""
    wizard = _wizard(_run(_with_version(KEYCLOAK, "26.4.7"), tmp_path))
    assert _asked(wizard)["token_endpoint_auth_method"] == "client_secret_post"
    assert wizard.idp_stored["token_endpoint_auth_method"] == "client_secret_basic"
    assert "client.secret.authentication.allowed.method" not in wizard.idp_stored["native"]


@pytest.mark.parametrize(("version", "grants"), [("4.2", ["client_credentials", "implicit"]),
                                                 ("4.4", ["client_credentials"])])
def test_gluu_emulator_shows_what_oxauth_stored(version: str, grants: list[str], tmp_path: Path) -> None:
    """The same request on two releases: 4.2 auto-fixes response type token into the
    implicit grant, 4.4 stores the grants as asked (GluuProfile.grant_type_autofix)."""
    result = _run(_with_version(GLUU, version), tmp_path)
    assert result.passed, [s.to_dict() for s in result.steps if s.verdict is Verdict.FAIL]
    wizard = _wizard(result)
    assert _asked(wizard)["grant_types"] == ["client_credentials"]
    shown = wizard.idp_stored
    assert shown["grant_types"] == grants
    assert shown["response_types"] == ["token"] and shown["service_account"] is None
    assert shown["native"]["oxAccessTokenAsJwt"] is True
    assert shown["redirect_uris"] == ["https://client.example.com/callback"]
    entry = _admin_read(wizard, "/dcr-harness/admin/clients")
    assert "oxAuthClientSecret" not in entry and not any("secret" in k.lower() for k in entry)
    assert shown == gluu_stored(entry, source=shown["source"]).to_dict()


def test_console_report_json_and_html_show_it_under_the_wizard(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["run", str(ROOT / "scenarios" / "keycloak.yaml"), "--report-dir", str(tmp_path)])
    out = capsys.readouterr().out
    assert code == 0, out
    lines = out.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("PASS  oauth-client-wizard"))
    assert lines[at + 1].startswith("      IdP stored: grant_types [implicit, client_credentials], "
                                    "response_types [id_token, id_token token], auth client_secret_post, "
                                    "service account yes, redirect URIs []"), lines[at + 1]
    assert lines[at + 2].startswith("PASS  token-request")
    assert "All 14 steps passed." in out
    report = json.loads((tmp_path / "report.json").read_text())
    by_id = {s["id"]: s for s in report["steps"]}
    assert by_id["oauth-client-wizard"]["idp_stored"]["grant_types"] == ["implicit", "client_credentials"]
    assert all(s["idp_stored"] == {} for s in report["steps"] if s["id"] != "oauth-client-wizard")
    html = (tmp_path / "report.html").read_text()
    assert 'id="oauth-client-wizard-idp-stored"' in html and "What the IdP stored" in html
    assert "<dt>implicitFlowEnabled</dt><dd><code>yes</code></dd>" in html


def test_without_admin_access_it_says_once_why_and_the_step_passes(tmp_path: Path) -> None:
    """Wrong admin credentials (the customer gave an initial access token, not the admin's
    password): the wizard passes and says once why the stored client is not shown."""
    from harness.launchers.registry import make_launcher

    with make_launcher("emulator", profile="keycloak", report_dir=tmp_path / "idp") as idp:
        iat = KeycloakAdmin(idp.base_url, idp.admin_user, idp.admin_password).create_initial_access_token("master", 600, 1)
        text = KEYCLOAK.replace("  initial_access_token:\n", f"  initial_access_token:\n    value: {iat['token']}\n", 1)
        no_admin = ExternalKeycloakLauncher(idp.base_url, idp.admin_user, "not-the-admin-password")
        result = _run(text, tmp_path / "run", launcher=no_admin)
    assert [s.verdict for s in result.steps] == [Verdict.PASS] * 14
    wizard = _wizard(result)
    assert list(wizard.idp_stored) == ["note"]
    note = wizard.idp_stored["note"]
    assert note.startswith("not shown: reading the client through the Keycloak admin API failed: admin login")
    assert "Invalid user credentials" in note and "not-the-admin-password" not in note
    assert sum("note" in s.idp_stored for s in result.steps) == 1


@pytest.mark.parametrize("fault", [Fault.ERROR, Fault.DROP, Fault.LOST])
def test_a_failed_read_is_a_note_never_a_failure(fault: Fault, tmp_path: Path) -> None:
    from harness.launchers.registry import make_launcher

    with make_launcher("emulator", profile="keycloak", report_dir=tmp_path / "idp") as idp:
        before = {c["clientId"] for c in KeycloakAdmin(idp.base_url, "admin", idp.admin_password).clients("master")}
        with FaultProxy(idp.base_url) as proxy:
            proxy.add("GET", r"/admin/realms/master/clients$", fault)
            through = ExternalKeycloakLauncher(proxy.url, idp.admin_user, idp.admin_password)
            result = _run(KEYCLOAK, tmp_path / "run", launcher=through)
        assert proxy.applied
        after = {c["clientId"] for c in KeycloakAdmin(idp.base_url, "admin", idp.admin_password).clients("master")}
    assert [s.verdict for s in result.steps] == [Verdict.PASS] * 14
    assert _wizard(result).idp_stored["note"].startswith("not shown: reading the client through the Keycloak admin API failed")
    assert after == before and result.leftovers == []
