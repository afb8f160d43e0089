"""A single self-contained HTML report (Jinja2; inline CSS and JS, no external assets):
a summary, a filter by verdict, every check (or guide step) with its spec link and
evidence, the HTTP exchanges, and a sequence diagram of the guide flow as inline SVG.

Exchanges are redacted when recorded; every string is passed through the run's
redactor (``run.redactor``, harness.core.redact) again here, and the rendered page once
more, as a last net.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from harness.conformance.model import CheckResult, CheckRun, Level, Verdict
from harness.core.redact import Redactor
from harness.core.transcript import Exchange
from harness.report.files import write_text_atomic
from harness.report.sequence import sequence_svg
from harness.scenario.results import RunResult

FILTERS = ("ALL", "FAIL", "WARN", "QUIRK", "PASS", "SKIP")

_env = Environment(loader=PackageLoader("harness.report", "templates"), autoescape=select_autoescape(["html", "j2"]))


def _r(value: Any, red: Redactor) -> str:
    if value is None or value == "":
        return ""
    text = value if isinstance(value, str) else json.dumps(red.value(value), default=str, ensure_ascii=False)
    return red.text(text)


def _exchange_view(e: Exchange, red: Redactor) -> dict[str, Any]:
    outcome = str(e.status) if e.status is not None else f"no answer: {e.error or ''}"
    sclass = "se" if e.status is None else f"s{str(e.status)[0]}"
    return {
        "actor": e.actor, "target": e.target, "method": e.method, "url": red.url(e.url),
        "outcome": red.text(outcome), "sclass": sclass, "step": e.step or "",
        "request_headers": sorted(red.headers(dict(e.request_headers)).items()),
        "response_headers": sorted(red.headers(dict(e.response_headers)).items()),
        "request_body": _pretty(e.request_body, red), "response_body": _pretty(e.response_body, red),
    }


def _pretty(body: str | None, red: Redactor) -> str:
    if not body:
        return ""
    try:
        return red.text(json.dumps(red.value(json.loads(body)), indent=2, ensure_ascii=False))
    except ValueError:
        return red.text(body)


def _check_row(r: CheckResult, red: Redactor) -> dict[str, Any]:
    return {
        "id": r.id, "anchor": r.id, "title": r.title, "verdict": r.verdict.value, "level": r.level.value,
        "declared_level": r.declared_level.value, "plan": r.plan, "spec_label": r.spec_label, "spec_url": r.spec_url,
        "message": _r(r.message, red), "expected": _r(r.expected, red), "actual": _r(r.actual, red),
        "quirk": {"note": _r(r.quirk.get("note"), red), "source": _r(r.quirk.get("source"), red)} if r.quirk else None,
        "fix": "", "exchanges": [_exchange_view(e, red) for e in r.exchanges], "idp_stored": None,
    }


#: Rows of the "What the IdP stored" section: (label, member of StoredClient.to_dict()).
_STORED_ROWS = (("grant_types", "grant_types"), ("response_types", "response_types"),
                ("token endpoint auth", "token_endpoint_auth_method"), ("service account", "service_account"),
                ("redirect URIs", "redirect_uris"))


def _stored_view(stored: dict[str, Any], red: Redactor) -> dict[str, Any] | None:
    """The wizard step's "What the IdP stored" section (harness.scenario.idp_view)."""
    if not stored:
        return None
    if "note" in stored:
        return {"note": _r(stored["note"], red), "rows": [], "native": [], "source": ""}

    def show(value: Any) -> str:
        if isinstance(value, bool):
            return "yes" if value else "no"
        if isinstance(value, list):
            return ", ".join(str(v) for v in value) or "(none)"
        return _r(value, red) if value is not None else "(no such setting)"

    return {"note": "", "source": _r(stored.get("source"), red),
            "rows": [(label, show(stored.get(key))) for label, key in _STORED_ROWS],
            "native": [(k, show(v)) for k, v in (stored.get("native") or {}).items()]}


def _counts(verdicts: Iterable[str], quirks: int) -> list[tuple[str, int]]:
    vs = list(verdicts)
    return [(v, vs.count(v)) for v in ("PASS", "FAIL", "WARN", "SKIP")] + [("QUIRK", quirks)]


def _render(red: Redactor, filters: tuple[str, ...] = FILTERS, **ctx: Any) -> str:
    html = _env.get_template("report.html.j2").render(filters=filters, **ctx)
    return red.text(html)


def render_check_html(run: CheckRun) -> str:
    red = run.redactor
    rows = [_check_row(r, red) for r in run.results]
    failed = run.failed_musts
    banner = ("No MUST failed." if not failed else
              f"{len(failed)} MUST check(s) failed: " + ", ".join(r.id for r in failed))
    notes = []
    cleanup = run.cleanup or {}
    if cleanup:
        notes.append(f"Cleanup: {len(cleanup.get('deleted', []))} throw-away client(s) deleted (RFC 7592 §2.3)"
                     + (f"; NOT deleted: {_r(cleanup.get('not_deleted'), red)}" if cleanup.get("not_deleted") else "."))
    notes.append("QUIRK = a deviation declared for this IdP profile, with its source; shown as WARN, never silently "
                 "passed. A failed SHOULD is reported as WARN; only a failed MUST fails the run.")
    guide = run.guide_exchanges
    return _render(
        red,
        title=f"dcr-harness check — {run.issuer}",
        meta=[("issuer", run.issuer), ("profile", run.profile), ("plans", ", ".join(run.plans)),
              ("started", run.started), ("finished", run.finished)]
        + ([("idp", _r(run.idp, red))] if run.idp else []),
        passed=run.passed, banner=banner, counts=_counts((r.verdict.value for r in run.results),
                                                         sum(r.level is Level.QUIRK for r in run.results)),
        notes=notes, rows=rows, sequence_title="Guide flow (sequence diagram)",
        sequence=sequence_svg(guide, title="Guide flow", redactor=red) if guide else "",
        sequence_missing="The guide plan did not run (dcr-harness check --plan guide draws the guide flow here).",
    )


def render_run_html(result: RunResult) -> str:
    red = result.redactor
    rows = []
    for s in result.steps:
        rows.append({
            "id": s.id, "anchor": s.id, "title": s.title, "verdict": s.verdict.value, "level": "", "declared_level": "",
            "plan": "", "spec_label": "", "spec_url": "",
            "message": _r(s.evidence if s.verdict is not Verdict.FAIL else (s.cause or s.error), red),
            "expected": "", "actual": "", "quirk": None, "fix": _r(s.fix, red),
            "exchanges": [_exchange_view(e, red) for e in s.exchanges],
            "idp_stored": _stored_view(s.idp_stored, red),
        })
    failed = result.failed_step
    banner = (f"All {len(result.steps)} steps passed." if failed is None else
              _r(f"FAILED at step {failed.id} ({failed.title}): {failed.cause or failed.error}", red))
    exchanges = [e for s in result.steps for e in s.exchanges]
    return _render(
        red,
        title=f"dcr-harness run — {result.scenario}",
        meta=[("scenario", result.scenario), ("file", result.scenario_file or "-"), ("idp", _r(result.idp, red)),
              ("started", result.started), ("finished", result.finished)],
        passed=result.passed, banner=banner, counts=_counts((s.verdict.value for s in result.steps), 0)[:-1],
        filters=tuple(f for f in FILTERS if f != "QUIRK"),
        notes=[], rows=rows, sequence_title="Guide flow (sequence diagram)",
        sequence=sequence_svg(exchanges, title=result.scenario, redactor=red) if exchanges else "",
        sequence_missing="No HTTP exchange was recorded.",
    )


def write_run_html(result: RunResult, path: Path) -> Path:
    """``report.html`` for ``dcr-harness run``."""
    return write_text_atomic(render_run_html(result), path)


def write_check_html(results: CheckRun | list[CheckResult], path: Path) -> Path:
    """``report.html`` for ``dcr-harness check`` (a CheckRun, redacted with its run's
    redactor, or bare results: then only the rules that need no run apply)."""
    if not isinstance(results, CheckRun):
        run = CheckRun(issuer="", profile="", plans=sorted({r.plan for r in results}), started="")
        run.results = list(results)
        results = run
    return write_text_atomic(render_check_html(results), path)
