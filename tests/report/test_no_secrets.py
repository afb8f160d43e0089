"""No report (JSON, JUnit, HTML) of a real run contains an unredacted secret: client
secrets, registration access tokens (also rotated ones), initial access tokens, the
access token, the developer's password — nor any JWT-shaped string."""

from __future__ import annotations

import re

import pytest

from .conftest import ReportRun

pytestmark = pytest.mark.slow
JWT = re.compile(r"eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.")


def test_secrets_were_collected(report_run: ReportRun) -> None:
    # client secrets + RATs of several clients, rotated RATs, IATs, the access token
    assert len(report_run.secrets) >= 10


@pytest.mark.parametrize("kind", ["json", "junit", "html"])
def test_report_has_no_secret(report_run: ReportRun, kind: str) -> None:
    text = report_run.paths[kind].read_text(encoding="utf-8")
    leaked = sorted(s[:6] + "…" for s in report_run.secrets if s in text)
    assert leaked == [], f"{kind} report leaks {len(leaked)} secret(s)"
    assert not JWT.search(text), f"{kind} report has a JWT-shaped string"
    if kind != "junit":  # JUnit carries only one-line exchange summaries, no bodies or headers
        assert "***redacted:" in text
