"""Console output: one line per scenario step, or per conformance check when the output
is not a terminal (CI logs), then one summary line."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape

from harness.conformance.model import CheckResult, Verdict
from harness.core.redact import Redactor
from harness.scenario.results import RunResult, StepResult

_STYLE = {Verdict.PASS: "green", Verdict.FAIL: "bold red", Verdict.WARN: "yellow", Verdict.SKIP: "dim"}


def step_line(step: StepResult, redactor: Redactor) -> str:
    """``PASS  create-api  Create the "Keycloak API" — evidence`` (plain text), redacted
    with the run's ``redactor``."""
    text = f"{step.verdict.value:<4}  {step.id:<22} {step.title}"
    detail = step.evidence if step.verdict is not Verdict.FAIL else (step.cause or step.error or "")
    if detail:
        text += f" — {detail}"
    return redactor.text(text)


def _yes_no(value: object) -> str:
    return "yes" if value is True else "no" if value is False else str(value)


def idp_stored_line(step: StepResult, redactor: Redactor) -> str | None:
    """The detail line under the wizard's step: what the IdP stored for the client, read
    through its admin API (harness.scenario.idp_view), or why it is not shown; ``None``
    for a step without it."""
    stored = step.idp_stored
    if not stored:
        return None
    if "note" in stored:
        return redactor.text(f"      IdP stored: {stored['note']}")
    parts = [f"grant_types [{', '.join(stored.get('grant_types') or [])}]",
             f"response_types [{', '.join(stored.get('response_types') or [])}]",
             f"auth {stored.get('token_endpoint_auth_method')}"]
    if stored.get("service_account") is not None:
        parts.append(f"service account {_yes_no(stored['service_account'])}")
    parts.append(f"redirect URIs [{', '.join(stored.get('redirect_uris') or [])}]")
    native = stored.get("native") or {}
    text = "      IdP stored: " + ", ".join(parts)
    if native:
        # the product's own switches that are on (report.json and report.html have them all)
        on = [k for k, v in native.items() if v is True]
        if on:
            text += f"; on at the IdP: {', '.join(on)}"
    return redactor.text(text)


def print_step(console: Console, step: StepResult, redactor: Redactor) -> None:
    style = _STYLE[step.verdict]
    line = escape(step_line(step, redactor))
    console.print(f"[{style}]{line[:4]}[/{style}]{line[4:]}", soft_wrap=True, highlight=False)
    detail = idp_stored_line(step, redactor)
    if detail is not None:
        console.print(detail, soft_wrap=True, highlight=False, markup=False)


def summary_line(result: RunResult) -> str:
    """The run's last console line, redacted with the run's redactor."""
    failed = result.failed_step
    if failed is None:
        n = sum(1 for s in result.steps if s.verdict is Verdict.PASS)
        return f"All {n} steps passed."
    text = f"FAILED at step {failed.id} ({failed.title}): {failed.cause or failed.error}"
    if failed.fix:
        text += f" Fix: {failed.fix}"
    return result.redactor.text(text)


def check_line(result: CheckResult, redactor: Redactor) -> str:
    """``FAIL  MUST   REG-STATUS-201  RFC 7591 §3.2.1  message`` on one line (no wrapping,
    whatever the width: CI logs are read with grep), redacted with the run's ``redactor``."""
    message = " ".join(result.message.split())
    return redactor.text(f"{result.verdict.value:<4}  {result.level.value:<6} {result.id}  {result.spec_label}  {message}")


def print_check_lines(console: Console, results: list[CheckResult], redactor: Redactor) -> None:
    """Every check on its own line (:func:`check_line`), the verdict styled."""
    for r in results:
        style = _STYLE[r.verdict]
        line = escape(check_line(r, redactor))
        console.print(f"[{style}]{line[:4]}[/{style}]{line[4:]}", soft_wrap=True, highlight=False)
def cleanup_lines(result: RunResult) -> list[str]:
    """What the run's cleanup did after a failure, one line each, then one line per
    client still at the IdP with the way to remove it (harness.scenario.cleanup)."""
    lines = [f"Cleanup: {note}" for note in result.cleanup]
    lines += [left.line() for left in result.leftovers]
    if result.interrupted:
        lines.append("Interrupted (Ctrl-C): the cleanup ran and the report was written.")
    return [result.redactor.text(line) for line in lines]
