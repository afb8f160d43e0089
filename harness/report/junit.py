"""JUnit XML reports (the format CI systems read): one ``<testcase>`` per check (or per
guide step for ``dcr-harness run``), written from the result model.

Mapping: FAIL → ``<failure>`` (only a MUST can FAIL); SKIP → ``<skipped>``; WARN (incl.
QUIRK) → a passing test case whose ``<system-out>`` carries the note; every case has
``<properties>`` with verdict, level and spec. Text goes through the run's redactor
(``run.redactor``, harness.core.redact).
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from harness.conformance.model import CheckResult, CheckRun, Verdict
from harness.core.redact import Redactor
from harness.report.files import write_text_atomic
from harness.scenario.results import RunResult, StepResult


def _t(value: Any, red: Redactor) -> str:
    if value is None:
        return ""
    text = value if isinstance(value, str) else json.dumps(red.value(value), default=str)
    return red.text(text)


def _props(case: ET.Element, props: dict[str, Any], red: Redactor) -> None:
    el = ET.SubElement(case, "properties")
    for k, v in props.items():
        ET.SubElement(el, "property", name=k, value=_t(v, red))


def _exchange_lines(exchanges: list[Any], red: Redactor) -> str:
    return "\n".join(red.text(e.summary()) for e in exchanges)


def _check_case(suite: ET.Element, r: CheckResult, red: Redactor) -> None:
    case = ET.SubElement(suite, "testcase", classname=f"dcr-harness.{r.plan}", name=r.id,
                         time=f"{r.duration_ms / 1000.0:.3f}")
    _props(case, {"verdict": r.verdict.value, "level": r.level.value, "declared_level": r.declared_level.value,
                  "spec": r.spec_label, "spec_url": r.spec_url, "title": r.title}, red)
    detail = (f"{r.title}\n{r.spec_label} ({r.spec_url})\nlevel {r.level.value}\n{r.message}\n"
              f"expected: {_t(r.expected, red)}\nactual: {_t(r.actual, red)}\n{_exchange_lines(r.exchanges, red)}")
    if r.verdict is Verdict.FAIL:
        el = ET.SubElement(case, "failure", message=_t(r.message, red), type=r.level.value)
        el.text = _t(detail, red)
    elif r.verdict is Verdict.SKIP:
        ET.SubElement(case, "skipped", message=_t(r.message, red))
    elif r.verdict is Verdict.WARN:
        out = ET.SubElement(case, "system-out")
        out.text = _t(f"WARN [{r.level.value}] {detail}", red)


def checks_junit(run: CheckRun) -> str:
    """JUnit XML for a ``dcr-harness check`` run: one testsuite per plan."""
    root = ET.Element("testsuites", name="dcr-harness check")
    for plan in dict.fromkeys(r.plan for r in run.results):
        results = [r for r in run.results if r.plan == plan]
        suite = ET.SubElement(
            root, "testsuite", name=f"dcr-harness.{plan}", tests=str(len(results)),
            failures=str(sum(r.verdict is Verdict.FAIL for r in results)), errors="0",
            skipped=str(sum(r.verdict is Verdict.SKIP for r in results)),
            time=f"{sum(r.duration_ms for r in results) / 1000.0:.3f}", timestamp=run.started,
        )
        _props(suite, {"issuer": run.issuer, "profile": run.profile}, run.redactor)
        for r in results:
            _check_case(suite, r, run.redactor)
    _totals(root)
    return _serialise(root, run.redactor)


def run_junit(result: RunResult) -> str:
    """JUnit XML for a ``dcr-harness run``: one testcase per guide step."""
    root = ET.Element("testsuites", name="dcr-harness run")
    suite = ET.SubElement(
        root, "testsuite", name=f"dcr-harness.run.{result.scenario}", tests=str(len(result.steps)),
        failures=str(sum(s.verdict is Verdict.FAIL for s in result.steps)), errors="0",
        skipped=str(sum(s.verdict is Verdict.SKIP for s in result.steps)),
        time=f"{sum(s.duration_ms for s in result.steps) / 1000.0:.3f}", timestamp=result.started,
    )
    _props(suite, {"scenario": result.scenario, "idp": result.idp}, result.redactor)
    for s in result.steps:
        _step_case(suite, result.scenario, s, result.redactor)
    _totals(root)
    return _serialise(root, result.redactor)


def _step_case(suite: ET.Element, scenario: str, s: StepResult, red: Redactor) -> None:
    case = ET.SubElement(suite, "testcase", classname=f"dcr-harness.run.{scenario}", name=s.id,
                         time=f"{s.duration_ms / 1000.0:.3f}")
    _props(case, {"verdict": s.verdict.value, "title": s.title}, red)
    if s.verdict is Verdict.FAIL:
        el = ET.SubElement(case, "failure", message=_t(s.cause or s.error or "failed", red))
        el.text = _t(f"{s.title}\n{s.cause or s.error}\nfix: {s.fix or '-'}\n{_exchange_lines(s.exchanges, red)}", red)
    elif s.verdict is Verdict.SKIP:
        ET.SubElement(case, "skipped", message=_t(s.evidence or "not run", red))
    elif s.evidence:
        out = ET.SubElement(case, "system-out")
        out.text = _t(f"{s.verdict.value}: {s.evidence}", red)


def _totals(root: ET.Element) -> None:
    for attr in ("tests", "failures", "errors", "skipped"):
        root.set(attr, str(sum(int(s.get(attr, "0")) for s in root.findall("testsuite"))))


def _serialise(root: ET.Element, red: Redactor) -> str:
    ET.indent(root)
    return red.text('<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n")


def write_check_junit(run: CheckRun, path: Path) -> Path:
    return write_text_atomic(checks_junit(run), path)


def write_run_junit(result: RunResult, path: Path) -> Path:
    return write_text_atomic(run_junit(result), path)
