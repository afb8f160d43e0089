"""Scenario files as pytest items (issue 19): one item per step, judged by expect:,
JUnit per step, pytest-xdist with one scenario per worker, options over the files."""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "scenarios"


def _suite(pytester: pytest.Pytester) -> Path:
    """A QA team's folder: two guides, a broken one, the JSON schema and unrelated YAML."""
    suite = pytester.path / "scenarios"
    (suite / "broken").mkdir(parents=True)
    shutil.copy(SCENARIOS / "keycloak.yaml", suite / "keycloak.yaml")
    shutil.copy(SCENARIOS / "gluu.yaml", suite / "gluu.yaml")
    shutil.copy(SCENARIOS / "broken" / "keycloak-wrong-secret.yaml", suite / "broken" / "wrong-secret.yaml")
    shutil.copy(SCENARIOS / "scenario.schema.json", suite / "scenario.schema.json")
    (suite / "ci.yaml").write_text("name: pipeline\nstages: [test]\n")
    return suite


def test_one_item_per_step_under_xdist_with_junit_per_step(pytester: pytest.Pytester) -> None:
    _suite(pytester)
    junit = pytester.path / "junit.xml"
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "scenarios", "-n", "2", "-rs",
                                           f"--junitxml={junit}", "--harness-report-dir=reports")
    # keycloak and gluu: 14 steps each; wrong-secret: fails at token-request as expected
    # (that item passes), gateway-call is skipped, the cleanup passes.
    result.assert_outcomes(passed=14 + 14 + 13, skipped=1)
    result.stdout.fnmatch_lines(["*scenarios/broken/wrong-secret.yaml:1: not run: step token-request failed (as expected)"])
    cases = list(ET.parse(junit).getroot().iter("testcase"))
    names = {(c.get("classname"), c.get("name")) for c in cases}
    assert len(cases) == 42 and ("scenarios.keycloak.yaml", "gateway-call") in names
    assert ("scenarios.broken.wrong-secret.yaml", "token-request") in names
    assert not any("schema" in (c.get("classname") or "") or "ci.yaml" in (c.get("classname") or "") for c in cases)
    # every scenario ran exactly once, on one worker, and left its reports in that worker's folder
    reports = sorted(p.relative_to(pytester.path / "reports") for p in (pytester.path / "reports").rglob("report.json"))
    assert len(reports) == 3, reports
    assert {p.parts[0] for p in reports} <= {"gw0", "gw1"}
    assert {p.parent.as_posix().split("/", 1)[1] for p in reports} == {
        "scenarios/keycloak", "scenarios/gluu", "scenarios/broken/wrong-secret"}


def test_node_ids_are_file_and_step(pytester: pytest.Pytester) -> None:
    _suite(pytester)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "scenarios", "--collect-only", "-q")
    result.stdout.fnmatch_lines(["scenarios/broken/wrong-secret.yaml::token-request", "scenarios/gluu.yaml::idp-configuration",
                                 "scenarios/keycloak.yaml::idp-start", "scenarios/keycloak.yaml::gateway-call",
                                 "42 tests collected*"])
    assert "schema" not in result.stdout.str() and "ci.yaml" not in result.stdout.str()


def test_an_unmet_expectation_fails_its_step_and_names_it(pytester: pytest.Pytester) -> None:
    suite = pytester.path / "scenarios"
    suite.mkdir()
    text = (SCENARIOS / "broken" / "keycloak-wrong-secret.yaml").read_text()
    (suite / "wrong.yaml").write_text(text.replace("fail_at: token-request", "fail_at: gateway-call"))
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "scenarios", "-rfs")
    result.assert_outcomes(passed=12, failed=1, skipped=1)
    result.stdout.fnmatch_lines(["FAILED scenarios/wrong.yaml::token-request*",
                                 "*not run: step token-request failed"])
    assert "(as expected)" not in result.stdout.str()


def test_a_step_failure_shows_cause_fix_and_exchanges(pytester: pytest.Pytester) -> None:
    suite = pytester.path / "scenarios"
    suite.mkdir()
    text = (SCENARIOS / "broken" / "keycloak-wrong-secret.yaml").read_text()
    (suite / "wrong.yaml").write_text(text[: text.index("expect:")])  # no expectation: judged by verdicts
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "scenarios")
    result.assert_outcomes(passed=12, failed=1, skipped=1)
    result.stdout.fnmatch_lines(["*token-request: Get a token with client_credentials",
                                 "*refused the client credentials*Fix:*", "*POST http://127.0.0.1:*/token*",
                                 "report: *wrong/report.html"])


def test_a_scenario_that_does_not_load_is_a_collection_error(pytester: pytest.Pytester) -> None:
    suite = pytester.path / "scenarios"
    suite.mkdir()
    (suite / "typo.yaml").write_text("name: x\napi: {name: A}\npolicy: {name: P}\ncatalogue: {name: C}\nclinet: {}\n")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "scenarios")
    assert result.ret == pytest.ExitCode.INTERRUPTED
    result.stdout.fnmatch_lines(["*typo.yaml:5: unknown field 'clinet'*"])


def test_options_override_the_files(pytester: pytest.Pytester) -> None:
    suite = pytester.path / "scenarios"
    suite.mkdir()
    shutil.copy(SCENARIOS / "gluu.yaml", suite / "gluu.yaml")
    shutil.copy(SCENARIOS / "keycloak.yaml", suite / "keycloak.yaml")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "scenarios/gluu.yaml", "--gluu-version", "4.4",
                                           "--harness-report-dir=reports")
    result.assert_outcomes(passed=14)
    result.stdout.fnmatch_lines(["*gluu-version=4.4*"])
    assert '"version": "4.4"' in (pytester.path / "reports" / "scenarios" / "gluu" / "report.json").read_text()
    # --idp-version does not apply to an external IdP: every item says so in one line
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "scenarios/keycloak.yaml", "--idp",
                                           "http://127.0.0.1:9/", "--idp-version", "26.5.6")
    result.assert_outcomes(failed=14)
    result.stdout.fnmatch_lines(["keycloak.yaml: --idp-version does not apply to the external launcher*"])
