"""The Gluu scenarios the Gluu notebook uses: the guide as written passes; without its
jwksAlgorithmsSupported step the gateway call fails, naming the EC coordinate length and
the fix."""

from __future__ import annotations

from pathlib import Path

from harness.conformance.model import Verdict
from harness.scenario.loader import load_scenario
from harness.scenario.runner import check_expectation, run_scenario
from tests.notebooks.conftest import ROOT


def test_gluu_guide_as_written_passes(tmp_path: Path) -> None:
    sc = load_scenario(ROOT / "scenarios" / "gluu.yaml")
    assert (sc.idp.profile, sc.api.jwt.identity_base_field, sc.catalogue.dcr.access_token) == ("gluu", "client_id", "")
    result = run_scenario(sc, report_dir=tmp_path)
    assert [s.verdict for s in result.steps] == [Verdict.PASS] * 14
    conf = next(s for s in result.steps if s.id == "idp-configuration")
    assert conf.evidence == "jwksAlgorithmsSupported=RS256,RS384,RS512"


def test_gluu_without_the_fix_fails_at_the_gateway_naming_length_and_fix(tmp_path: Path) -> None:
    sc = load_scenario(ROOT / "scenarios" / "gluu-ec-bug.yaml")
    assert sc.idp.jwks_algorithms_supported is None
    result = run_scenario(sc, report_dir=tmp_path)
    failed = result.failed_step
    assert failed is not None and failed.id == "gateway-call"
    assert "the gateway answered 403 'Key not authorized'" in (failed.error or "")
    assert "bytes, expected 32 for P-256" in (failed.error or "")
    assert "wrong-length coordinate" in (failed.cause or "")
    assert "jwksAlgorithmsSupported" in (failed.fix or "")
    assert check_expectation(sc, result) == (True, "failed at gateway-call as expected with the expected "
                                                   "diagnosis ('jwksAlgorithmsSupported')")
