"""The Keycloak guide end to end on the emulator, and the negative cases of issue #3.

Secrets are captured where the real code paths produce them (registration answer,
token answer, initial access token) and then searched for in report.json and the
console output: none may appear unredacted.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from harness.cli.main import main
from harness.conformance.model import Verdict
from harness.registrar import rfc7591, token
from harness.scenario.loader import load_scenario
from harness.scenario.runner import run_scenario
from harness.scenario.world import World
from harness.tyk.portal.store import Store

ROOT = Path(__file__).resolve().parents[1]
GUIDE = ROOT / "scenarios" / "keycloak.yaml"

STEPS = [
    "idp-start", "initial-access-token", "discovery", "dashboard-settings", "create-api", "create-policy",
    "api-default-policy", "catalogue-entry", "catalogue-dcr-settings", "create-developer",
    "oauth-client-wizard", "token-request", "gateway-call", "delete-client",
]


@pytest.fixture
def captured_secrets(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every client secret, registration access token, access token and initial access
    token the run produces, taken from the real code paths."""
    seen: list[str] = []
    orig_from = rfc7591.RegisteredClient.from_response.__func__  # type: ignore[attr-defined]

    def from_response(cls: Any, body: dict[str, Any], status: int) -> Any:
        seen.extend(v for k, v in body.items() if k in ("client_secret", "registration_access_token") and v)
        return orig_from(cls, body, status)

    monkeypatch.setattr(rfc7591.RegisteredClient, "from_response", classmethod(from_response))
    orig_cc = token.client_credentials

    def client_credentials(*a: Any, **kw: Any) -> Any:
        t = orig_cc(*a, **kw)
        seen.append(t.access_token)
        return t

    monkeypatch.setattr(token, "client_credentials", client_credentials)
    from harness.products.keycloak import admin as kc_admin

    orig_iat = kc_admin.KeycloakAdmin.create_initial_access_token

    def create_iat(self: Any, *a: Any, **kw: Any) -> Any:
        out = orig_iat(self, *a, **kw)
        seen.append(out["token"])
        return out

    monkeypatch.setattr(kc_admin.KeycloakAdmin, "create_initial_access_token", create_iat)
    return seen


def test_cli_runs_the_whole_guide(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                  captured_secrets: list[str]) -> None:
    code = main(["run", str(GUIDE), "--report-dir", str(tmp_path)])
    out = capsys.readouterr().out
    assert code == 0, out
    report = json.loads((tmp_path / "report.json").read_text())
    assert [s["id"] for s in report["steps"]] == STEPS
    assert all(s["verdict"] == "PASS" for s in report["steps"])
    assert report["passed"] is True
    for step in STEPS:
        assert f"PASS  {step}" in out
    assert "All 14 steps passed." in out
    # the wizard, token and gateway exchanges are in the report
    by_id = {s["id"]: s for s in report["steps"]}
    assert any(e["target"] == "idp" and e["method"] == "POST" and e["status"] == 201
               for e in by_id["oauth-client-wizard"]["exchanges"])
    assert any(e["target"] == "gateway" and e["status"] == 200 for e in by_id["gateway-call"]["exchanges"])
    # no secret unredacted anywhere
    assert len(captured_secrets) >= 4
    text = ((tmp_path / "report.json").read_text() + out + (tmp_path / "report.html").read_text()
            + (tmp_path / "junit.xml").read_text() + (tmp_path / "portal.sqlite").read_bytes().decode("latin-1"))
    for secret in captured_secrets:
        assert secret not in text


def _scenario(**changes: Any) -> Any:
    sc = load_scenario(GUIDE)
    for path, value in changes.items():
        obj = sc
        parts = path.split("__")
        for p in parts[:-1]:
            obj = getattr(obj, p)
        setattr(obj, parts[-1], value)
    return sc


def _verdicts(result: Any) -> dict[str, Verdict]:
    return {s.id: s.verdict for s in result.steps}


def test_wrong_secret_is_refused_with_unauthorized_client(tmp_path: Path) -> None:
    result = run_scenario(_scenario(token_request__secret_override="not-the-secret"), report_dir=tmp_path)
    failed = result.failed_step
    assert failed is not None and failed.id == "token-request"
    assert "HTTP 401 unauthorized_client: Invalid client or Invalid client credentials" in failed.error
    assert _verdicts(result)["gateway-call"] is Verdict.SKIP
    # the client created by the wizard is still cleaned up
    assert _verdicts(result)["delete-client"] is Verdict.PASS


def test_gateway_without_token_answers_400(tmp_path: Path) -> None:
    result = run_scenario(_scenario(gateway_call__token_override="none"), report_dir=tmp_path)
    failed = result.failed_step
    assert failed is not None and failed.id == "gateway-call"
    assert "the gateway answered 400 'Authorization field missing'" in failed.error


def test_gateway_with_expired_token_answers_401(tmp_path: Path) -> None:
    def hook(world: World) -> None:
        world.clock = lambda: time.time() + 3600  # the emulator's master-realm tokens live 60 s

    result = run_scenario(_scenario(), report_dir=tmp_path, world_hook=hook)
    failed = result.failed_step
    assert failed is not None and failed.id == "gateway-call"
    assert "the gateway answered 401 'Key not authorized: token has expired'" in failed.error


def test_policy_without_the_api_answers_403(tmp_path: Path) -> None:
    result = run_scenario(_scenario(policy__grant_api=False), report_dir=tmp_path)
    failed = result.failed_step
    assert failed is not None and failed.id == "gateway-call"
    assert "403 'Access to this API has been disallowed'" in failed.error
    assert "Access rights" in (failed.fix or "")


def _assert_no_client_stored(report_dir: Path) -> None:
    store = Store(report_dir / "portal.sqlite")
    try:
        assert store.list("client") == []
    finally:
        store.close()


def test_exhausted_initial_access_token(tmp_path: Path) -> None:
    sc = _scenario()
    sc.idp.initial_access_token.count = 1
    sc.idp.initial_access_token.use_before = 1
    result = run_scenario(sc, report_dir=tmp_path)
    failed = result.failed_step
    assert failed is not None and failed.id == "oauth-client-wizard"
    assert "No remaining count on initial access token" in failed.error
    assert "Client Registration" in (failed.fix or "")
    _assert_no_client_stored(tmp_path)


def test_expired_initial_access_token(tmp_path: Path) -> None:
    sc = _scenario()
    sc.idp.initial_access_token.expiration = 1
    sc.idp.initial_access_token.wait_until_expired = True
    result = run_scenario(sc, report_dir=tmp_path)
    failed = result.failed_step
    assert failed is not None and failed.id == "oauth-client-wizard", [s.to_dict() for s in result.steps]
    assert "HTTP 401 invalid_token" in failed.error
    _assert_no_client_stored(tmp_path)


def test_failed_run_exits_1_with_one_line_naming_the_step(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(GUIDE.read_text().replace("secret_override", "x") + "\n" if False else
                   GUIDE.read_text().replace("  auth_method: client_secret_post\n",
                                             "  auth_method: client_secret_post\n  secret_override: wrong-secret\n"))
    code = main(["run", str(bad), "--report-dir", str(tmp_path / "r")])
    out = capsys.readouterr().out
    assert code == 1
    last = [ln for ln in out.splitlines() if ln.startswith("FAILED at step")]
    assert len(last) == 1 and last[0].startswith("FAILED at step token-request")
