"""The Keycloak guide against the real server (issue #4: "passes every step against the
real server", also with the legacy /auth prefix)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.cli.main import main
from harness.conformance.model import Verdict
from harness.products.base import IdpLauncher
from harness.products.keycloak.external import ExternalKeycloakLauncher
from harness.scenario.loader import load_scenario
from harness.scenario.runner import run_scenario

pytestmark = pytest.mark.real_keycloak

ROOT = Path(__file__).resolve().parents[2]


def test_guide_passes_on_the_session_server(real_keycloak: IdpLauncher, tmp_path: Path) -> None:
    # Wrap the session's server so the run neither boots nor stops it.
    shared = ExternalKeycloakLauncher(real_keycloak.base_url, real_keycloak.admin_user, real_keycloak.admin_password)
    shared.version = real_keycloak.version
    result = run_scenario(load_scenario(ROOT / "scenarios" / "keycloak.yaml"), report_dir=tmp_path, launcher=shared)
    assert [s.verdict for s in result.steps] == [Verdict.PASS] * 14, [s.to_dict() for s in result.steps if s.verdict is not Verdict.PASS]
    token = next(s for s in result.steps if s.id == "token-request")
    assert "Bearer JWT RS256" in token.evidence


def test_cli_keycloak_guide_with_keycloak_dist(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Issue #4's exact command: `dcr-harness run scenarios/keycloak.yaml --idp keycloak-dist`
    (boots, runs the guide, stops the server)."""
    code = main(["run", str(ROOT / "scenarios" / "keycloak.yaml"), "--idp", "keycloak-dist",
                 "--report-dir", str(tmp_path)])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "All 14 steps passed." in out
    report = json.loads((tmp_path / "report.json").read_text())
    assert (report["idp"]["kind"], report["idp"]["version"]) == ("keycloak-dist", "26.7.3")


def test_cli_with_keycloak_dist_and_auth_prefix(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The CLI path end to end: `--idp keycloak-dist` boots its own server (here with
    --http-relative-path=/auth, so the guide's /auth/realms/... URLs work verbatim)."""
    code = main(["run", str(ROOT / "scenarios" / "keycloak-auth-prefix.yaml"), "--idp", "keycloak-dist",
                 "--report-dir", str(tmp_path)])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "All 14 steps passed." in out
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["idp"]["kind"] == "keycloak-dist"
    disc = next(s for s in report["steps"] if s["id"] == "discovery")
    assert "/auth/realms/master/protocol/openid-connect/certs" in disc["evidence"]
    assert (tmp_path / "keycloak.log").exists() or any(tmp_path.rglob("*.log")), "server log kept in the report dir"
