"""Guide checks: one per scenario step, judged from the runner's StepResult."""

from __future__ import annotations

import pytest

from harness.conformance.checks.guide import STEPS, check_id
from harness.conformance.context import Skip
from harness.conformance.model import Verdict
from harness.conformance.registry import checks_for_plan, get_check
from harness.scenario.results import StepResult

from .fakes import ex, obs


def _obs(*steps: StepResult):  # type: ignore[no-untyped-def]
    exchanges = {f"{s.id}#0": ex(200, {}) for s in steps}
    return obs({"steps": {s.id: s for s in steps}, "scenario": "Keycloak guide"}, **exchanges)


def test_one_check_per_step() -> None:
    assert [c.id for c in checks_for_plan("guide")] == [check_id(s) for s, _, _ in STEPS]


def test_passing_step_passes_with_its_evidence() -> None:
    res = get_check("GUIDE-TOKEN-REQUEST").condition(_obs(StepResult("token-request", "t", Verdict.PASS, evidence="Bearer JWT")))
    assert (res.verdict, res.message, res.evidence) == (Verdict.PASS, "Bearer JWT", ("token-request#0",))


def test_failing_step_fails_with_cause_and_fix() -> None:
    step = StepResult("gateway-call", "g", Verdict.FAIL, cause="403 Key not authorized", fix="restrict jwksAlgorithmsSupported")
    res = get_check("GUIDE-GATEWAY-CALL").condition(_obs(step))
    assert res.verdict is Verdict.FAIL
    assert res.message == "403 Key not authorized Fix: restrict jwksAlgorithmsSupported"


def test_skipped_or_absent_step_skips() -> None:
    with pytest.raises(Skip, match="earlier step"):
        get_check("GUIDE-DELETE-CLIENT").condition(_obs(StepResult("delete-client", "d", Verdict.SKIP,
                                                                   evidence="not run: an earlier step failed")))
    with pytest.raises(Skip, match="not a step"):
        get_check("GUIDE-IDP-CONFIGURATION").condition(_obs(StepResult("idp-start", "s", Verdict.PASS)))


def test_gluu_guide_without_admin_credentials_skips_naming_the_flags() -> None:
    from harness.conformance.checks.guide import SCENARIO_DIR, guide_scenario
    from harness.conformance.context import CheckContext
    from harness.scenario.runner import ScenarioGuideRunner

    if not (SCENARIO_DIR / "gluu.yaml").is_file():
        pytest.skip("scenarios/gluu.yaml is not in this checkout")
    issuer = "http://127.0.0.1:9/oxauth"
    runner = ScenarioGuideRunner()
    with pytest.raises(Skip, match="--admin-user/--admin-password"):
        guide_scenario(CheckContext(issuer=issuer, profile="gluu", guide_runner=runner))
    scenario = guide_scenario(CheckContext(issuer=issuer, profile="gluu", admin_user="admin", admin_password="pw",
                                           guide_runner=runner))
    assert scenario.idp.jwks_algorithms_supported


def test_without_a_guide_runner_the_guide_plan_skips_naming_it() -> None:
    """Conformance does not import the scenario runner: a context without the runner a
    face supplies cannot run the guide, and says so instead of failing."""
    from harness.conformance.checks.guide import guide_scenario
    from harness.conformance.context import CheckContext

    with pytest.raises(Skip, match="the guide plan needs a guide runner"):
        guide_scenario(CheckContext(issuer="http://127.0.0.1:9/realms/master", profile="keycloak",
                                    initial_access_token="t0ken-value"))
