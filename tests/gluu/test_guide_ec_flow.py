"""The Gluu guide's EC JWKS failure end to end, for both historical serialisations, and
its fix (issue #5): the whole flow runs; only the gateway step fails, naming the EC
coordinate length; restricting jwksAlgorithmsSupported to RSA makes it pass."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.cli.main import main
from harness.conformance.model import Verdict
from harness.products.gluu.emulator.launcher import GluuEmulatorLauncher
from harness.scenario.loader import load_scenario
from harness.scenario.runner import run_scenario

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(("version", "seed", "length"), [
    ("4.2", 4, 33),     # ≤ 4.3: BigInteger.toByteArray() sign byte → 33-byte x
    ("4.4", 693, 31),   # later: sign byte stripped, no left padding → 31-byte x
])
def test_ec_coordinate_fault_fails_the_gateway_step(tmp_path: Path, version: str, seed: int, length: int) -> None:
    sc = load_scenario(ROOT / "scenarios" / "gluu-ec-bug.yaml")
    launcher = GluuEmulatorLauncher(version=version, key_seed=seed)
    result = run_scenario(sc, report_dir=tmp_path, launcher=launcher)
    verdicts = {s.id: s.verdict for s in result.steps}
    assert verdicts["token-request"] is Verdict.PASS  # an RS256 token from a good key...
    failed = result.failed_step
    assert failed is not None and failed.id == "gateway-call"  # ...is refused all the same
    assert "403 'Key not authorized'" in (failed.error or "")
    assert f"has x of {length} bytes, expected 32 for P-256" in (failed.error or "")
    assert "jwksAlgorithmsSupported" in (failed.fix or "")


@pytest.mark.parametrize(("version", "seed"), [("4.2", 4), ("4.4", 693)])
def test_restricting_jwks_algorithms_fixes_it(tmp_path: Path, version: str, seed: int) -> None:
    sc = load_scenario(ROOT / "scenarios" / "gluu-ec-bug.yaml")
    sc.idp.jwks_algorithms_supported = ["RS256", "RS384", "RS512"]
    result = run_scenario(sc, report_dir=tmp_path, launcher=GluuEmulatorLauncher(version=version, key_seed=seed))
    assert result.passed, [s.to_dict() for s in result.steps if s.verdict is not Verdict.PASS]


def test_cli_exits_non_zero_naming_step_length_and_fix(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["run", str(ROOT / "scenarios" / "gluu-ec-bug.yaml"), "--report-dir", str(tmp_path)])
    out = capsys.readouterr().out
    assert code == 1
    line = next(ln for ln in out.splitlines() if ln.startswith("FAILED at step"))
    assert line.startswith("FAILED at step gateway-call")
    assert "bytes, expected 32 for P-256" in line
    assert "jwksAlgorithmsSupported" in line


def test_cli_gluu_guide_passes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", str(ROOT / "scenarios" / "gluu.yaml"), "--report-dir", str(tmp_path)]) == 0
    assert "All 14 steps passed." in capsys.readouterr().out
