"""``dcr-harness check`` without a TTY prints one line per check (issue 16 item 5)."""

from __future__ import annotations

from harness.conformance.model import CheckResult, Level, Verdict
from harness.core.redact import Redactor
from harness.report.console import check_line


def _result(message: str) -> CheckResult:
    return CheckResult(id="REG-STATUS-201", title="t", spec="RFC7591-3.2.1", spec_url="u", spec_label="RFC 7591 §3.2.1",
                       level=Level.MUST, declared_level=Level.MUST, plan="registration", verdict=Verdict.FAIL,
                       message=message)


def test_a_long_multi_line_message_stays_on_one_line() -> None:
    line = check_line(_result("first line\nsecond " + "x" * 300), Redactor())
    assert "\n" not in line and len(line) > 300
    assert line.startswith("FAIL  MUST   REG-STATUS-201  RFC 7591 §3.2.1  first line second")


def test_secrets_in_the_message_are_redacted() -> None:
    redactor = Redactor()
    redactor.add("s3cr3t-value-123")
    assert "s3cr3t-value-123" not in check_line(_result("echoed s3cr3t-value-123"), redactor)
