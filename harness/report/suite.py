"""Reports of a suite of scenario runs (``dcr-harness run FILES... -j N``): each scenario's
own reports in its subfolder (exactly those of a single ``run``), one combined
``junit.xml`` and an ``index.html`` linking every scenario's ``report.html``.

The combined JUnit has one ``<testsuite>`` per scenario (and matrix cell) and one
``<testcase>`` per step, judged as :func:`harness.scenario.suite.judge_steps` says: by
verdict, or — with ``--check-expectation`` — by the scenario's ``expect:`` section, so that
a broken scenario failing where it should is green in CI. A scenario that could not run
(bad input, a harness crash) is one ``<testcase name="load">`` with an ``<error>``.

Every text here comes from an outcome whose own run already redacted it with that run's
:class:`~harness.core.redact.Redactor` (one per run): the suite adds no secrets of its own.
"""

from __future__ import annotations

import html
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path

from harness.report.files import write_text_atomic
from harness.report.json_report import write_json
from harness.scenario.results import RunResult
from harness.scenario.suite import ScenarioOutcome


def write_run_reports(result: RunResult, report_dir: Path) -> Path:
    """``report.json``, ``report.html`` (self-contained, with the sequence diagram) and
    ``junit.xml`` of one scenario run in ``report_dir``; returns report.json's path."""
    from harness.report.html_report import write_run_html
    from harness.report.junit import write_run_junit

    path = write_json(result.to_dict(), report_dir / "report.json", result.redactor)
    write_run_html(result, report_dir / "report.html")
    write_run_junit(result, report_dir / "junit.xml")
    return path


def _suite_name(o: ScenarioOutcome) -> str:
    name = o.name or o.file
    return f"dcr-harness.run.{name}" + (f" [{o.label}]" if o.label else "")


def suite_junit(outcomes: Sequence[ScenarioOutcome], *, started: str = "") -> str:
    """The combined JUnit XML of a suite (module docstring)."""
    root = ET.Element("testsuites", name="dcr-harness run")
    for o in outcomes:
        steps = {s.id: s for s in (o.result.steps if o.result else [])}
        suite = ET.SubElement(root, "testsuite", name=_suite_name(o), tests=str(len(o.judgements) or 1),
                              failures=str(sum(j.outcome == "failed" for j in o.judgements)),
                              errors="1" if o.error is not None else "0",
                              skipped=str(sum(j.outcome == "skipped" for j in o.judgements)),
                              time=f"{o.seconds:.3f}", timestamp=o.result.started if o.result else started)
        props = ET.SubElement(suite, "properties")
        for key, value in (("scenario", o.name or ""), ("file", o.file), ("matrix", o.label),
                           ("report", f"{o.report_subdir}/report.html"),
                           ("judged_by", "expectation" if o.by_expectation else "verdicts")):
            ET.SubElement(props, "property", name=key, value=value)
        classname = _suite_name(o)
        if o.error is not None:
            case = ET.SubElement(suite, "testcase", classname=classname, name="load", time="0.000")
            ET.SubElement(case, "error", message=o.error).text = o.error
            continue
        for j in o.judgements:
            sr = steps.get(j.id)
            case = ET.SubElement(suite, "testcase", classname=classname, name=j.id,
                                 time=f"{(sr.duration_ms if sr else 0.0) / 1000.0:.3f}")
            message = j.message
            if j.outcome == "failed":
                el = ET.SubElement(case, "failure", message=message)
                lines = [e.summary() for e in (sr.exchanges if sr else [])]
                el.text = "\n".join([j.title, j.message, *lines])
            elif j.outcome == "skipped":
                ET.SubElement(case, "skipped", message=message)
            elif message:
                ET.SubElement(case, "system-out").text = message
    for attr in ("tests", "failures", "errors", "skipped"):
        root.set(attr, str(sum(int(s.get(attr, "0")) for s in root.findall("testsuite"))))
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


_CSS = """
body{margin:0;font:14px/1.45 -apple-system,Segoe UI,Roboto,Helvetica,Arial,sans-serif;color:#1f2933;background:#f7f9fb}
header{background:#102a43;color:#fff;padding:18px 28px}header h1{margin:0 0 4px;font-size:20px}
header .meta{color:#bcccdc;font-size:13px}main{padding:18px 28px}
table{border-collapse:collapse;background:#fff;width:100%}th,td{border:1px solid #d9e2ec;padding:5px 9px;
text-align:left;vertical-align:top}th{background:#eef2f7}
.badge{display:inline-block;min-width:52px;text-align:center;border-radius:4px;padding:1px 6px;font-size:12px;
font-weight:700;color:#fff}.PASS{background:#2f855a}.FAIL{background:#c53030}.ERROR{background:#6b46c1}
code{font-family:ui-monospace,SFMono-Regular,Menlo,monospace}td:nth-last-child(2){white-space:nowrap}
"""


def index_html(outcomes: Sequence[ScenarioOutcome], *, title: str = "dcr-harness run", meta: str = "") -> str:
    """A self-contained page: one row per scenario (and matrix cell) with its outcome, its
    one-line summary and a link to its own ``report.html``."""
    counts = {s: sum(o.status == s for o in outcomes) for s in ("PASS", "FAIL", "ERROR")}
    rows = []
    for o in outcomes:
        link = f"{o.report_subdir}/report.html"
        report = "" if o.result is None else f'<a href="{html.escape(link, quote=True)}">report</a>'
        rows.append(
            "<tr>"
            f'<td><span class="badge {o.status}">{o.status}</span></td>'
            f"<td>{html.escape(o.name or '')}</td><td><code>{html.escape(o.file)}</code></td>"
            + (f"<td>{html.escape(o.label)}</td>" if any(x.label for x in outcomes) else "")
            + f"<td>{html.escape(o.summary())}</td><td>{o.seconds:.1f} s</td><td>{report}</td></tr>")
    matrix_head = "<th>matrix</th>" if any(x.label for x in outcomes) else ""
    page = (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
        f"<style>{_CSS}</style></head><body><header><h1>{html.escape(title)}</h1>"
        f'<div class="meta">{len(outcomes)} scenario runs: {counts["PASS"]} passed, {counts["FAIL"]} failed, '
        f'{counts["ERROR"]} could not run. {html.escape(meta)}</div></header><main><table>'
        f"<thead><tr><th>outcome</th><th>scenario</th><th>file</th>{matrix_head}<th>summary</th><th>time</th>"
        f"<th>report</th></tr></thead><tbody>{''.join(rows)}</tbody></table></main></body></html>\n")
    return page


def write_suite_reports(outcomes: Sequence[ScenarioOutcome], report_dir: Path, *, started: str = "",
                        meta: str = "") -> tuple[Path, Path]:
    """``junit.xml`` and ``index.html`` of a suite in ``report_dir``; returns their paths."""
    junit = write_text_atomic(suite_junit(outcomes, started=started), report_dir / "junit.xml")
    index = write_text_atomic(index_html(outcomes, meta=meta), report_dir / "index.html")
    return junit, index
