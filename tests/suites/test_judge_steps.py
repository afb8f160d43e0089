"""How a suite judges each step of a run (harness.scenario.suite.judge_steps): by verdict,
or by the scenario's expect: section — the rules pytest items and the combined JUnit share."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.conformance.model import Verdict
from harness.core.errors import ConfigError
from harness.scenario.loader import parse_scenario
from harness.scenario.results import RunResult, StepResult
from harness.scenario.runner import check_expectation
from harness.scenario.suite import RunOptions, find_scenarios, judge_steps, looks_like_scenario, options_for, parse_matrix

BASE = """name: t
api: {name: A}
policy: {name: P}
catalogue: {name: C}
"""
IDS = ["idp-start", "discovery", "oauth-client-wizard", "token-request", "gateway-call", "delete-client"]


def run_with(failed_at: str | None, *, cause: str = "the token is expired", run_delete: bool = False) -> RunResult:
    steps: list[StepResult] = []
    failed = False
    for sid in IDS:
        if failed:
            verdict = Verdict.PASS if (run_delete and sid == "delete-client") else Verdict.SKIP
            steps.append(StepResult(sid, sid.title(), verdict, evidence="not run: an earlier step failed"
                                    if verdict is Verdict.SKIP else "deleted"))
        elif sid == failed_at:
            steps.append(StepResult(sid, sid.title(), Verdict.FAIL, error=cause, cause=cause, fix="make a new one"))
            failed = True
        else:
            steps.append(StepResult(sid, sid.title(), Verdict.PASS, evidence=f"{sid} ok"))
    return RunResult(scenario="t", scenario_file=None, idp={}, started="now", steps=steps)


def outcomes(judged: list) -> dict[str, str]:
    return {j.id: j.outcome for j in judged}


def test_by_verdicts_a_failure_fails_and_later_steps_skip_naming_it() -> None:
    sc = parse_scenario(BASE)
    judged = judge_steps(sc, run_with("oauth-client-wizard"), by_expectation=True)  # no expect: -> verdicts
    assert outcomes(judged) == {"idp-start": "passed", "discovery": "passed", "oauth-client-wizard": "failed",
                                "token-request": "skipped", "gateway-call": "skipped", "delete-client": "skipped"}
    wizard = next(j for j in judged if j.id == "oauth-client-wizard")
    assert "the token is expired" in wizard.message and "Fix: make a new one" in wizard.message
    assert next(j for j in judged if j.id == "gateway-call").message == "not run: step oauth-client-wizard failed"


def test_the_expected_failure_passes_and_the_skips_say_it_was_expected() -> None:
    sc = parse_scenario(BASE + "expect: {fail_at: oauth-client-wizard, diagnosis: expired}\n")
    result = run_with("oauth-client-wizard", run_delete=True)
    judged = judge_steps(sc, result, by_expectation=True)
    assert check_expectation(sc, result)[0]
    assert outcomes(judged)["oauth-client-wizard"] == "passed"
    assert outcomes(judged)["delete-client"] == "passed"  # the cleanup ran and passed
    skipped = next(j for j in judged if j.id == "token-request")
    assert skipped.outcome == "skipped" and skipped.message == "not run: step oauth-client-wizard failed (as expected)"
    # The same run judged by its verdicts (run without --check-expectation) fails at the step.
    assert outcomes(judge_steps(sc, result, by_expectation=False))["oauth-client-wizard"] == "failed"


def test_a_failure_elsewhere_fails_that_step_and_the_expected_one_is_skipped() -> None:
    sc = parse_scenario(BASE + "expect: {fail_at: gateway-call}\n")
    judged = judge_steps(sc, run_with("discovery"), by_expectation=True)
    assert outcomes(judged)["discovery"] == "failed"
    assert outcomes(judged)["gateway-call"] == "skipped"


def test_an_expected_failure_that_did_not_happen_fails_its_step() -> None:
    sc = parse_scenario(BASE + "expect: {fail_at: gateway-call}\n")
    judged = judge_steps(sc, run_with(None), by_expectation=True)
    gw = next(j for j in judged if j.id == "gateway-call")
    assert gw.outcome == "failed" and gw.message.startswith("expected FAIL, but it ended PASS")


def test_a_wrong_diagnosis_fails_the_expected_step() -> None:
    sc = parse_scenario(BASE + "expect: {fail_at: oauth-client-wizard, diagnosis: no registrations left}\n")
    judged = judge_steps(sc, run_with("oauth-client-wizard"), by_expectation=True)
    wizard = next(j for j in judged if j.id == "oauth-client-wizard")
    assert wizard.outcome == "failed" and "NOT as expected" in wizard.message and "no registrations left" in wizard.message


def test_outcomes_and_evidence_are_judged_per_step() -> None:
    sc = parse_scenario(BASE + "expect:\n  outcomes: {delete-client: SKIP}\n  evidence: {discovery: 'issuer is'}\n")
    judged = judge_steps(sc, run_with(None), by_expectation=True)
    assert outcomes(judged)["delete-client"] == "failed"  # it passed, SKIP was expected
    assert outcomes(judged)["discovery"] == "failed"  # its evidence lacks the text
    assert outcomes(judged)["gateway-call"] == "passed"


def test_an_unmet_expectation_no_step_shows_fails_the_last_step() -> None:
    # fail_at names a step this (Keycloak) plan does not have: no step item can show it.
    sc = parse_scenario(BASE + "expect: {fail_at: idp-configuration}\n")
    result = run_with(None)
    assert not check_expectation(sc, result)[0]
    judged = judge_steps(sc, result, by_expectation=True)
    assert [j.id for j in judged if j.outcome == "failed"] == ["delete-client"]
    assert "NOT as expected" in judged[-1].message


def test_scenario_files_are_recognised_by_name_and_api(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(BASE)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.yml").write_text(BASE)
    (tmp_path / "ci.yaml").write_text("stages: [test]\nname: ci\n")  # YAML, not a scenario
    (tmp_path / "broken.yaml").write_text("name: [unclosed\n")  # not YAML at all
    (tmp_path / "schema.json").write_text('{"name": "x", "api": {}}')
    assert looks_like_scenario(tmp_path / "a.yaml") and not looks_like_scenario(tmp_path / "ci.yaml")
    assert not looks_like_scenario(tmp_path / "broken.yaml") and not looks_like_scenario(tmp_path / "schema.json")
    assert find_scenarios([tmp_path]) == [tmp_path / "a.yaml", tmp_path / "sub" / "b.yml"]
    # a file named on purpose is a scenario even when it does not look like one (its load says why)
    assert find_scenarios([tmp_path / "ci.yaml", tmp_path]) == [tmp_path / "ci.yaml", tmp_path / "a.yaml",
                                                               tmp_path / "sub" / "b.yml"]
    with pytest.raises(ConfigError, match="does not exist"):
        find_scenarios([tmp_path / "nope"])
    (tmp_path / "empty").mkdir()
    with pytest.raises(ConfigError, match="no scenario file in this folder"):
        find_scenarios([tmp_path / "empty"])


def test_the_matrix_is_the_cartesian_product_of_its_axes() -> None:
    cells = parse_matrix(["idp-version=26.4.7,26.7.3", "gluu-version=4.2,4.4"])
    assert cells == [{"idp-version": "26.4.7", "gluu-version": "4.2"}, {"idp-version": "26.4.7", "gluu-version": "4.4"},
                     {"idp-version": "26.7.3", "gluu-version": "4.2"}, {"idp-version": "26.7.3", "gluu-version": "4.4"}]
    opts = options_for(RunOptions(idp="keycloak-dist"), cells[1])
    assert (opts.idp, opts.idp_version, dict(opts.versions)) == ("keycloak-dist", "26.4.7", {"gluu": "4.4"})
    for bad, message in (("version=1", "is not KEY=V1,V2"), ("idp-version=", "has no values"), ("idp", "is not KEY")):
        with pytest.raises(ConfigError, match=message):
            parse_matrix([bad])
    with pytest.raises(ConfigError, match="names idp twice"):
        parse_matrix(["idp=emulator", "idp=keycloak-dist"])


def test_run_options_override_the_file_per_profile() -> None:
    kc = parse_scenario(BASE)
    gluu = parse_scenario(BASE + "idp: {profile: gluu}\n")
    opts = RunOptions(idp_version="26.5.6", versions={"gluu": "4.4"})
    opts.apply(kc)
    opts.apply(gluu)
    assert (kc.idp.version, gluu.idp.version) == ("26.5.6", "4.4")
    assert opts.names(kc) == {"version": "--idp-version"} and opts.names(gluu) == {"version": "--gluu-version"}
    assert RunOptions().names(kc) == {}  # the file's own idp.version keeps its name in errors
    url = parse_scenario(BASE)
    assert RunOptions(idp="http://127.0.0.1:1/").apply(url) == "external" and url.idp.url == "http://127.0.0.1:1/"
    with pytest.raises(ConfigError, match="--idp 'bogus' is not a launcher"):
        RunOptions(idp="bogus")
    with pytest.raises(ConfigError, match="--gateway 'bogus-gw' is not a launcher"):
        RunOptions(gateway="bogus-gw")
