"""Both guides on the real open-source Tyk gateway (``--gateway tyk-oss``): the Keycloak
guide (also with the legacy /auth prefix) and the Gluu guide pass; the Gluu guide without
its jwksAlgorithmsSupported step fails at gateway-call with its diagnosis, now answered by
the real Tyk (and explained by what Tyk logged).

Marked ``real_tyk``: they SKIP with the reason where there is no Tyk binary (tests/conftest.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.cli.main import main
from harness.conformance.model import Verdict
from harness.scenario.loader import load_scenario
from harness.scenario.runner import run_scenario

pytestmark = pytest.mark.real_tyk

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "scenarios"


def test_keycloak_guide_exits_0_on_the_real_gateway(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The issue's command: ``dcr-harness run scenarios/keycloak.yaml --gateway tyk-oss``."""
    code = main(["run", str(SCENARIOS / "keycloak.yaml"), "--gateway", "tyk-oss", "--report-dir", str(tmp_path)])
    out = capsys.readouterr().out
    assert code == 0, out
    report = json.loads((tmp_path / "report.json").read_text())
    version = report["gateway"]["version"]
    assert report["gateway"]["kind"] == "tyk-oss" and version.startswith("v5.")
    assert out.splitlines()[0].startswith(
        f"Scenario 'Keycloak guide' ({SCENARIOS / 'keycloak.yaml'}) on IdP emulator and gateway Tyk {version} (tyk-oss); ")
    call = next(s for s in report["steps"] if s["id"] == "gateway-call")
    assert call["evidence"] == f"200 from the upstream through /keycloak-api/ (gateway: Tyk {version} (tyk-oss))"
    # The developer's call went to the real gateway, and the gateway's log is kept.
    (ex,) = [e for e in call["exchanges"] if e["actor"] == "developer"]
    assert ex["url"].startswith(report["gateway"]["base_url"] + "/keycloak-api/") and ex["status"] == 200
    assert "Tyk Gateway started" in (tmp_path / "tyk-gateway.log").read_text()


@pytest.mark.parametrize("name", ["keycloak-auth-prefix", "gluu"])
def test_guide_passes_on_the_real_gateway(name: str, tmp_path: Path) -> None:
    result = run_scenario(load_scenario(SCENARIOS / f"{name}.yaml"), report_dir=tmp_path, gateway="tyk-oss")
    assert result.gateway["kind"] == "tyk-oss"
    assert [s.verdict for s in result.steps] == [Verdict.PASS] * len(result.steps), \
        [s.to_dict() for s in result.steps if s.verdict is not Verdict.PASS]


def test_gluu_ec_bug_fails_at_gateway_call_with_its_diagnosis(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["run", str(SCENARIOS / "gluu-ec-bug.yaml"), "--gateway", "tyk-oss", "--report-dir", str(tmp_path)])
    out = capsys.readouterr().out
    assert code == 1, out
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["failed_step"] == "gateway-call"
    failed = next(s for s in report["steps"] if s["id"] == "gateway-call")
    assert "jwksAlgorithmsSupported" in failed["fix"]
    # Tyk's own answer, and why it refused as Tyk logged it (go-jose refusing the key set).
    assert failed["error"].startswith(f"the gateway (Tyk {report['gateway']['version']} (tyk-oss)) answered 403 "
                                      "'Key not authorized' (")
    assert "invalid EC public key, wrong length for x" in failed["error"]
    # The scenario's expect.evidence quotes the harness gateway's own explanation ("bytes,
    # expected 32 for P-256"); Tyk words it differently: the one line that says so.
    assert "NOT as expected: step gateway-call was expected to mention 'bytes, expected 32 for P-256'" in out
