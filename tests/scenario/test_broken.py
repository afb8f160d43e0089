"""Every scenario under scenarios/broken/ fails at its expected step with its expected
diagnosis, and ``dcr-harness run`` honours ``expect:`` in its exit code."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pytest
from urllib3.exceptions import InsecureRequestWarning

from harness.cli.main import main
from harness.conformance.model import Verdict
from harness.scenario.diagnosis import RULES
from harness.scenario.loader import load_scenario, parse_scenario
from harness.scenario.results import RunResult, StepResult
from harness.scenario.runner import check_expectation, run_scenario

ROOT = Path(__file__).resolve().parents[2]
BROKEN = sorted((ROOT / "scenarios" / "broken").glob("*.yaml"))


def _rule_id(cause: str) -> str | None:
    return next((r.id for r in RULES if cause.startswith(r.cause)), None)


def test_at_least_fifteen_broken_scenarios_each_declaring_its_outcome() -> None:
    assert len(BROKEN) >= 15
    for f in BROKEN:
        sc = load_scenario(f)
        assert sc.expect.fail_at, f"{f.name} has no expect.fail_at"
        assert sc.expect.diagnosis, f"{f.name} has no expect.diagnosis"


@pytest.mark.parametrize("path", BROKEN, ids=[p.stem for p in BROKEN])
def test_broken_scenario_fails_where_and_why_it_says(path: Path, tmp_path: Path) -> None:
    sc = load_scenario(path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InsecureRequestWarning)
        result = run_scenario(sc, report_dir=tmp_path, scenario_file=str(path))
    failed = result.failed_step
    assert failed is not None, f"{path.name}: every step passed"
    assert failed.id == sc.expect.fail_at, f"{path.name}: failed at {failed.id}: {failed.cause}"
    assert failed.verdict is Verdict.FAIL
    # The diagnosis names the likely cause and the fix, and keeps the raw error for evidence.
    assert failed.cause and failed.fix and failed.error
    assert sc.expect.diagnosis.lower() in f"{failed.cause} {failed.fix}".lower()
    assert failed.error in failed.cause
    assert _rule_id(failed.cause) == _expected_rule(path), f"{path.name}: {failed.cause}"
    # Later guide steps are skipped, the client is cleaned up when it was created.
    after = result.steps[result.steps.index(failed) + 1:]
    assert all(s.verdict is Verdict.SKIP or s.id == "delete-client" for s in after)
    assert check_expectation(sc, result) == (
        True, f"failed at {failed.id} as expected with the expected diagnosis ({sc.expect.diagnosis!r})")


def _expected_rule(path: Path) -> str:
    """The one diagnosis rule whose cause or fix contains the scenario's expect.diagnosis."""
    text = load_scenario(path).expect.diagnosis.lower()
    hits = [r.id for r in RULES if text in f"{r.cause} {r.fix}".lower()]
    assert len(hits) == 1, f"{path.name}: expect.diagnosis {text!r} matches rules {hits}"
    return hits[0]


def test_broken_scenarios_cover_fifteen_distinct_diagnoses() -> None:
    rules = {p.stem: _expected_rule(p) for p in BROKEN}
    assert len(set(rules.values())) >= 15, rules


# ---- expect: and the exit code ----------------------------------------------------------

def _result(*steps: tuple[str, Verdict, str]) -> RunResult:
    r = RunResult(scenario="t", scenario_file=None, idp={}, started="")
    for sid, verdict, text in steps:
        sr = StepResult(sid, sid, verdict)
        if verdict is Verdict.FAIL:
            sr.cause, sr.fix, sr.error = text, "the fix", text
        else:
            sr.evidence = text
        r.steps.append(sr)
    return r


BASE = "name: t\napi: {name: A}\npolicy: {name: P}\ncatalogue: {name: C}\n"


def test_check_expectation_without_expect_requires_all_steps_to_pass() -> None:
    sc = parse_scenario(BASE)
    assert check_expectation(sc, _result(("discovery", Verdict.PASS, "ok"))) == (True, "every step passed, as expected")
    assert check_expectation(sc, _result(("discovery", Verdict.FAIL, "boom"))) == (
        False, "expected every step to pass, but discovery failed")


def test_check_expectation_with_fail_at() -> None:
    sc = parse_scenario(BASE + "expect: {fail_at: token-request, diagnosis: wrong secret}\n")
    ok = _result(("oauth-client-wizard", Verdict.PASS, "x"), ("token-request", Verdict.FAIL, "a Wrong Secret here"))
    assert check_expectation(sc, ok) == (
        True, "failed at token-request as expected with the expected diagnosis ('wrong secret')")
    elsewhere = _result(("oauth-client-wizard", Verdict.FAIL, "wrong secret"))
    assert check_expectation(sc, elsewhere) == (
        False, "expected a failure at token-request, but the run failed at oauth-client-wizard")
    other_reason = _result(("token-request", Verdict.FAIL, "TLS"))
    assert check_expectation(sc, other_reason) == (
        False, "failed at token-request as expected, but the diagnosis does not mention 'wrong secret' (it says: TLS)")
    assert check_expectation(sc, _result(("token-request", Verdict.PASS, "ok"))) == (
        False, "expected a failure at token-request, but every step passed")


def test_check_expectation_evidence_per_step() -> None:
    sc = parse_scenario(BASE + "expect:\n  evidence: {oauth-client-wizard: \"redirect URIs ['https://a/cb']\"}\n")
    good = _result(("oauth-client-wizard", Verdict.PASS, "client x; redirect URIs ['https://a/cb']"))
    bad = _result(("oauth-client-wizard", Verdict.PASS, "client x; redirect URIs []"))
    assert check_expectation(sc, good)[0] is True
    assert check_expectation(sc, bad) == (
        False, "step oauth-client-wizard was expected to mention \"redirect URIs ['https://a/cb']\"")


def test_cli_run_exit_code_honours_expect(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = ROOT / "scenarios" / "broken" / "keycloak-wrong-secret.yaml"
    # without --check-expectation a failed step always means exit 1 (issue #3's contract)
    assert main(["run", str(src), "--report-dir", str(tmp_path / "plain")]) == 1
    assert "As expected:" in capsys.readouterr().out
    assert main(["run", str(src), "--report-dir", str(tmp_path / "a"), "--check-expectation"]) == 0
    out = capsys.readouterr().out
    assert "As expected: failed at token-request as expected with the expected diagnosis" in out
    wrong = tmp_path / "wrong.yaml"
    wrong.write_text(src.read_text().replace("fail_at: token-request", "fail_at: gateway-call"))
    assert main(["run", str(wrong), "--report-dir", str(tmp_path / "b"), "--check-expectation"]) == 1
    out = capsys.readouterr().out
    assert "NOT as expected: expected a failure at gateway-call, but the run failed at token-request" in out


def test_check_expectation_outcomes_per_step() -> None:
    sc = parse_scenario(BASE + "expect:\n  fail_at: token-request\n  outcomes: {oauth-client-wizard: PASS, gateway-call: SKIP}\n")
    good = _result(("oauth-client-wizard", Verdict.PASS, "ok"), ("token-request", Verdict.FAIL, "x"),
                   ("gateway-call", Verdict.SKIP, ""))
    bad = _result(("oauth-client-wizard", Verdict.PASS, "ok"), ("token-request", Verdict.FAIL, "x"),
                  ("gateway-call", Verdict.FAIL, ""))
    assert check_expectation(sc, good)[0] is True
    assert check_expectation(sc, bad) == (False, "step gateway-call was expected to end SKIP, but it ended FAIL")


# Failure texts as each gateway words the same fault (the real Tyk's recorded from a run of
# scenarios/broken/keycloak-jwks-unreachable.yaml with --gateway tyk-oss, Tyk 381c1935).
GATEWAY_WORDINGS = {
    "jwks-unreachable": [
        "the gateway answered 403 'Key not authorized' (JWKS fetch from http://127.0.0.1:9/certs failed: "
        "cannot connect: Connection refused)",
        "the gateway (Tyk v5.15.0-dev (tyk-oss)) answered 403 'Key not authorized' (JWT validation error: "
        "Get \"http://127.0.0.1:9/realms/master/protocol/openid-connect/certs\": dial tcp 127.0.0.1:9: "
        "connect: connection refused)",
        "the gateway (Tyk (tyk-oss)) answered 403 'Key not authorized' (JWT validation error: Get "
        "\"http://127.0.0.1:8080/certs\": context deadline exceeded (Client.Timeout exceeded while awaiting headers))",
    ],
    "jwks-tls-untrusted": [
        "the gateway (Tyk (tyk-oss)) answered 403 'Key not authorized' (JWT validation error: Get "
        "\"https://127.0.0.1:8443/certs\": tls: failed to verify certificate: x509: certificate signed by unknown "
        "authority)",
    ],
}


@pytest.mark.parametrize("rule,text", [(r, t) for r, ts in GATEWAY_WORDINGS.items() for t in ts])
def test_gateway_fault_diagnosed_the_same_from_either_gateways_words(rule: str, text: str) -> None:
    from harness.scenario.diagnosis import diagnose
    found = diagnose("gateway-call", text)
    assert found is not None and _rule_id(found[0]) == rule, (rule, found)


def test_readme_counts_the_broken_scenarios_there_are() -> None:
    readme = (ROOT / "README.md").read_text()
    counts = {int(n) for n in re.findall(r"(\d+) (?:broken setups|customer-style misconfigurations)", readme)}
    assert counts == {len(BROKEN)}, f"README names {counts}; scenarios/broken/ holds {len(BROKEN)}"
