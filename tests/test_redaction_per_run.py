"""One redactor per run (issue 14): two runs in one process share no secrets, and an
exception that quotes a secret is redacted where it is reported (console, report.json,
JUnit, HTML, check messages) — its constructor leaves the IdP's words as they were."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from harness.cli.main import main
from harness.conformance.context import CheckContext
from harness.conformance.engine import run_checks
from harness.conformance.model import Check, Level
from harness.core.redact import Redactor, mask
from harness.core.transcript import Transcript
from harness.registrar import rfc7591, token
from harness.registrar.errors import InvalidClient, RegistrarError, error_from_response
from harness.report.json_report import write_json
from harness.report.junit import checks_junit
from harness.scenario.loader import load_scenario
from harness.scenario.runner import run_scenario

ROOT = Path(__file__).resolve().parents[1]
GUIDE = ROOT / "scenarios" / "keycloak.yaml"


def _client_secrets(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Client secrets as the registrar receives them (before any redaction)."""
    seen: list[str] = []
    orig = rfc7591.RegisteredClient.from_response.__func__  # type: ignore[attr-defined]

    def from_response(cls: Any, body: dict[str, Any], status: int) -> Any:
        seen.append(body["client_secret"])
        return orig(cls, body, status)

    monkeypatch.setattr(rfc7591.RegisteredClient, "from_response", classmethod(from_response))
    return seen


def test_two_runs_in_one_process_share_no_secrets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    secrets = _client_secrets(monkeypatch)
    run_a = run_scenario(load_scenario(GUIDE), report_dir=tmp_path / "a")
    run_b = run_scenario(load_scenario(GUIDE), report_dir=tmp_path / "b")
    assert run_a.passed and run_b.passed
    secret_a, secret_b = secrets
    assert secret_a != secret_b
    assert run_a.redactor is not run_b.redactor
    assert run_a.redactor.knows(secret_a) and not run_a.redactor.knows(secret_b)
    assert run_b.redactor.knows(secret_b) and not run_b.redactor.knows(secret_a)


def test_a_registrar_error_quoting_a_secret_is_redacted_where_reported(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """The IdP refuses the token request and quotes the client secret it was sent."""
    raised: list[RegistrarError] = []

    def refuse(session: Any, endpoint: str, client_id: str, client_secret: str, **kw: Any) -> Any:
        exc = error_from_response(401, {"error": "invalid_client",
                                        "error_description": f"client secret {client_secret} does not match"},
                                  what="token request", url=endpoint)
        raised.append(exc)
        raise exc

    monkeypatch.setattr(token, "client_credentials", refuse)
    code = main(["run", str(GUIDE), "--report-dir", str(tmp_path)])
    out = capsys.readouterr().out
    assert code == 1
    (exc,) = raised
    secret = str(exc).rsplit("client secret ", 1)[1].split(" ")[0]
    assert len(secret) >= 20 and secret in str(exc)  # built as the IdP said it: not redacted at construction
    report = json.loads((tmp_path / "report.json").read_text())
    step = next(s for s in report["steps"] if s["id"] == "token-request")
    assert step["verdict"] == "FAIL"
    assert f"client secret {mask(secret)} does not match" in step["error"]
    assert f"client secret {mask(secret)}" in out  # the console's FAIL line and summary
    for name in ("report.json", "junit.xml", "report.html"):
        assert secret not in (tmp_path / name).read_text(), name
    assert secret not in out


def test_a_check_message_quoting_a_secret_is_redacted_with_the_runs_redactor(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from harness.conformance import registry

    secret = "check-run-secret-0123456789"

    def probe(ctx: CheckContext) -> Any:
        raise InvalidClient(f"token request refused: HTTP 401 invalid_client: secret {secret} is wrong", status=401)

    monkeypatch.setitem(registry._PROBES, "test.refusal", probe)  # noqa: SLF001 - a probe for this test only
    real = registry.get_check("TOKEN-STATUS-200")
    check = Check(id="TEST-REFUSAL", title="t", spec=real.spec, level=Level.MUST, plan="token",
                  probe="test.refusal", condition=real.condition)
    ctx = CheckContext(issuer="http://127.0.0.1:9/realms/master", transcript=Transcript(Redactor(secret)))
    run = run_checks(ctx, [check])
    (result,) = run.results
    assert result.message == f"the IdP did not answer as needed: token request refused: HTTP 401 " \
                             f"invalid_client: secret {mask(secret)} is wrong"
    assert run.redactor is ctx.redactor
    texts = [write_json(run.to_dict(), tmp_path / "r.json", run.redactor).read_text(), checks_junit(run)]
    assert all(secret not in t and mask(secret) in t for t in texts)
    # A run that never saw the secret does not know it: nothing leaks between runs.
    assert not CheckContext(issuer="http://127.0.0.1:9/realms/master").redactor.knows(secret)
