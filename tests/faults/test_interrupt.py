"""Ctrl-C during the token request (issue 18): the cleanup deletes the client at the
IdP, report.json is written (``interrupted``), the console names it, exit code 130."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from harness.cli.main import main
from harness.registrar import token

ROOT = Path(__file__).resolve().parents[2]


def test_ctrl_c_during_the_token_request_cleans_up_and_reports(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def interrupted(*a: Any, **kw: Any) -> Any:
        raise KeyboardInterrupt

    monkeypatch.setattr(token, "client_credentials", interrupted)
    code = main(["run", str(ROOT / "scenarios" / "keycloak.yaml"), "--report-dir", str(tmp_path)])
    out = capsys.readouterr().out
    assert code == 130, out
    assert "Interrupted (Ctrl-C)" in out
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["interrupted"] is True
    assert report["failed_step"] == "token-request"
    assert report["leftovers"] == []
    assert any("deleted at the IdP by the cleanup" in n for n in report["cleanup"]), report["cleanup"]
    deletes = [e for s in report["steps"] for e in s["exchanges"] if e["method"] == "DELETE"]
    assert deletes == []  # the cleanup's own DELETE is not a step's; its note says it happened
