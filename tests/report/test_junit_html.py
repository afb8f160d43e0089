"""JUnit XML and HTML reports from one result model; the HTML is self-contained and
re-redacts everything as a last net."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from harness.conformance.engine import finalize
from harness.conformance.model import CheckRun, Result, Verdict
from harness.conformance.registry import get_check
from harness.core.redact import Redactor
from harness.core.transcript import Exchange
from harness.products.keycloak.profile import KeycloakProfile
from harness.report.html_report import render_check_html, render_run_html, write_check_html, write_run_html
from harness.report.junit import checks_junit, run_junit, write_check_junit
from harness.scenario.results import RunResult, StepResult

LEAK = "leaked-secret-value-7f3a9c"


def _exchange(body: str = '{"ok": true}') -> Exchange:
    return Exchange(actor="developer", target="idp", method="POST", url="http://idp/token",
                    request_headers={"Content-Type": "application/x-www-form-urlencoded"},
                    request_body=f"grant_type=client_credentials&client_secret={LEAK}", status=401,
                    response_headers={"Content-Type": "application/json"}, response_body=body, step="token")


def _run() -> CheckRun:
    kc = KeycloakProfile()
    ex = _exchange('{"error": "invalid_client", "error_description": "secret ' + LEAK + ' is wrong"}')
    run = CheckRun(issuer="http://idp/realms/m", profile="keycloak", plans=["registration", "token"], started="t0",
                   finished="t1", cleanup={"deleted": ["c-1"], "not_deleted": []}, redactor=Redactor(LEAK))
    run.results = [
        finalize(get_check("REG-STATUS-201"), Result.ok("201 Created", expected=201, actual=201), kc),
        finalize(get_check("REG-CACHE-NO-STORE"), Result.fail("absent", expected="no-store", actual="(absent)"),
                 kc),
        finalize(get_check("TOKEN-STATUS-200"), Result.fail(f"answered 401 with {LEAK}", expected=200, actual=401),
                 kc, exchanges=[ex]),
        finalize(get_check("TOKEN-EXPIRES-IN"), Result.fail("no expires_in", actual="(absent)"), kc),
        finalize(get_check("REG-IAT-COUNT-ENFORCED"), Result.skip("needs admin credentials"), kc),
    ]
    return run


def test_junit_maps_verdicts() -> None:
    root = ET.fromstring(checks_junit(_run()))
    cases = {c.get("name"): c for c in root.iter("testcase")}
    assert list(cases) == ["REG-STATUS-201", "REG-CACHE-NO-STORE", "REG-IAT-COUNT-ENFORCED", "TOKEN-STATUS-200",
                           "TOKEN-EXPIRES-IN"]
    assert cases["TOKEN-STATUS-200"].find("failure").get("type") == "MUST"  # type: ignore[union-attr]
    assert cases["REG-IAT-COUNT-ENFORCED"].find("skipped").get("message") == "needs admin credentials"  # type: ignore[union-attr]
    quirk = cases["REG-CACHE-NO-STORE"]
    assert quirk.find("failure") is None and "WARN [QUIRK]" in quirk.find("system-out").text  # type: ignore[union-attr,operator]
    assert cases["TOKEN-EXPIRES-IN"].find("failure") is None  # a failed SHOULD is a WARN
    assert (root.get("tests"), root.get("failures"), root.get("skipped")) == ("5", "1", "1")
    props = {p.get("name"): p.get("value") for p in cases["REG-STATUS-201"].iter("property")}
    assert props["spec"] == "RFC 7591 §3.2.1" and props["verdict"] == "PASS"


def test_run_junit_has_one_case_per_step() -> None:
    result = RunResult(scenario="Keycloak guide", scenario_file=None, idp={"kind": "emulator"}, started="t0")
    result.steps = [StepResult("discovery", "d", Verdict.PASS, evidence="ok"),
                    StepResult("gateway-call", "g", Verdict.FAIL, cause="403", fix="restrict algorithms"),
                    StepResult("delete-client", "x", Verdict.SKIP, evidence="not run")]
    root = ET.fromstring(run_junit(result))
    assert [c.get("name") for c in root.iter("testcase")] == ["discovery", "gateway-call", "delete-client"]
    assert root.get("failures") == "1" and root.get("skipped") == "1"


def test_html_is_self_contained() -> None:
    html = render_check_html(_run())
    assert not re.search(r"<script[^>]+src=|<link[^>]+href=|<img[^>]+src=|@import|url\(\s*['\"]?https?:", html, re.I)
    assert "<style>" in html and "<script>" in html
    for cid in ("REG-STATUS-201", "TOKEN-STATUS-200", "REG-IAT-COUNT-ENFORCED"):
        assert f'id="{cid}"' in html
    assert 'href="https://www.rfc-editor.org/rfc/rfc7591#section-3.2.1"' in html
    assert 'data-filter="FAIL"' in html and 'data-level="QUIRK"' in html
    assert "1 MUST check(s) failed: TOKEN-STATUS-200" in html


def test_reports_redact_a_secret_that_slipped_into_evidence(tmp_path: Path) -> None:
    run = _run()
    html = write_check_html(run, tmp_path / "r.html").read_text()
    junit = write_check_junit(run, tmp_path / "j.xml").read_text()
    from harness.report.json_report import write_json

    js = write_json(run.to_dict(), tmp_path / "r.json").read_text()
    for text in (html, junit, js):
        assert LEAK not in text
        assert "***redacted:" in text


def test_run_html_has_steps_and_the_sequence_diagram(tmp_path: Path) -> None:
    result = RunResult(scenario="Keycloak guide", scenario_file="scenarios/keycloak.yaml", idp={"kind": "emulator"},
                       started="t0", finished="t1")
    result.steps = [StepResult("token-request", "Get a token", Verdict.PASS, evidence="Bearer JWT",
                               exchanges=[_exchange()]),
                    StepResult("gateway-call", "Call", Verdict.FAIL, cause="403 Key not authorized", fix="fix it")]
    html = write_run_html(result, tmp_path / "run.html").read_text()
    assert "<svg" in html and "POST /token" in html
    assert "FAILED at step gateway-call" in html and "fix it" in html
    assert render_run_html(result) == html
