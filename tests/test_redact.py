"""Redaction: secret fields, headers and known values never survive into text."""

from __future__ import annotations

import json

from harness.core.redact import Redactor, mask


def test_json_fields_and_known_values_are_masked() -> None:
    r = Redactor()
    body = json.dumps({"client_id": "abc", "client_secret": "s3cr3t-value", "note": "secret is s3cr3t-value"})
    out = r.body(body, "application/json")
    assert "s3cr3t-value" not in out
    assert mask("s3cr3t-value") in out
    assert '"client_id": "abc"' in out


def test_form_bodies_and_headers() -> None:
    r = Redactor()
    out = r.body("grant_type=client_credentials&client_id=c1&client_secret=topsecret1", "application/x-www-form-urlencoded")
    assert "topsecret1" not in out and "client_id=c1" in out
    h = r.headers({"Authorization": "Bearer tok-123456789", "Content-Type": "application/json"})
    assert h["Authorization"] == f"Bearer {mask('tok-123456789')}"
    assert r.text("later mention tok-123456789") == f"later mention {mask('tok-123456789')}"


def test_jwts_are_masked_even_when_unknown() -> None:
    r = Redactor()
    jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl"
    assert jwt not in r.text(f"token {jwt} here")


def test_short_values_are_not_registered() -> None:
    r = Redactor()
    r.add("abc")
    assert r.text("abc def") == "abc def"



def test_longest_known_value_wins_and_masks_are_stable() -> None:
    r = Redactor("abcdef", "xxabcdefyy")
    assert r.text("-xxabcdefyy-abcdef-") == f"-{mask('xxabcdefyy')}-{mask('abcdef')}-"


def test_two_redactors_share_no_secrets() -> None:
    """Two runs in one process: what run A learns, run B's redactor does not know."""
    run_a, run_b = Redactor(), Redactor()
    run_a.body('{"client_secret": "secret-of-run-a"}', "application/json")
    run_b.add("secret-of-run-b")
    assert run_a.knows("secret-of-run-a") and not run_b.knows("secret-of-run-a")
    assert run_b.knows("secret-of-run-b") and not run_a.knows("secret-of-run-b")
    assert run_b.text("leak: secret-of-run-a") == "leak: secret-of-run-a"
    assert run_a.text("leak: secret-of-run-a") == f"leak: {mask('secret-of-run-a')}"


def test_values_are_sorted_again_only_after_a_new_value() -> None:
    r = Redactor("first-secret")
    r.text("x")
    ordered = r._ordered  # noqa: SLF001 - the test inspects the cache
    assert ordered == ("first-secret",)
    r.add("first-secret")  # already known: the sorted values stay
    r.text("x")
    assert r._ordered is ordered  # noqa: SLF001
    r.add("second-secret-longer")
    assert r._ordered is None  # noqa: SLF001 - sorted lazily on the next use
    assert r.text("second-secret-longer") == mask("second-secret-longer")
    assert r._ordered == ("second-secret-longer", "first-secret")  # noqa: SLF001


def test_masked_form_query_and_basic_credentials_are_learned() -> None:
    import base64

    r = Redactor()
    r.body("client_id=c1&client_secret=form-secret-1", "application/x-www-form-urlencoded")
    r.url("http://idp/cb?code=query-code-123&state=s")
    basic = base64.b64encode(b"c1:basic%3Asecret-2").decode()
    r.headers({"Authorization": f"Basic {basic}"})
    for learned in ("form-secret-1", "query-code-123", "basic:secret-2", basic):
        assert r.knows(learned), learned
    assert not r.knows("c1")


def test_exceptions_and_tracebacks_become_redacted_text() -> None:
    r = Redactor("exc-secret-42")
    try:
        raise ValueError("refused exc-secret-42")
    except ValueError as exc:
        assert r.error(exc) == f"refused {mask('exc-secret-42')}"
        assert r.error(exc, with_type=True) == f"ValueError: refused {mask('exc-secret-42')}"
        trace = r.traceback(exc)
    assert "exc-secret-42" not in trace and "ValueError" in trace


def test_the_logging_filter_redacts_message_arguments_and_tracebacks() -> None:
    import io
    import logging

    from harness.core.redact import redacting_logs

    r = Redactor("log-secret-77")
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    logger = logging.getLogger("tests.redact.filter")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        with redacting_logs(r, [handler]):
            logger.warning("token %s refused", "log-secret-77")
            try:
                raise RuntimeError("boom log-secret-77")
            except RuntimeError:
                logger.exception("crash")
        logger.warning("after the run: %s", "log-secret-77")  # the filter is gone with the run
    finally:
        logger.removeHandler(handler)
    lines = stream.getvalue()
    assert f"token {mask('log-secret-77')} refused" in lines
    assert f"RuntimeError: boom {mask('log-secret-77')}" in lines
    assert lines.count("log-secret-77") == 1 and "after the run: log-secret-77" in lines


def test_no_module_level_redactor_remains() -> None:
    """One redactor per run, passed along (issue 14): no module holds one."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parents[1] / "harness"
    offenders = []
    for path in sorted(root.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if "REDACTOR" in text:
            offenders.append(f"{path.relative_to(root)}: mentions REDACTOR")
        for node in ast.parse(text).body:  # module level only
            value = node.value if isinstance(node, (ast.Assign, ast.AnnAssign)) else None
            if isinstance(value, ast.Call) and getattr(value.func, "id", getattr(value.func, "attr", "")) == "Redactor":
                offenders.append(f"{path.relative_to(root)}:{node.lineno}: module-level Redactor()")
    assert offenders == []


def test_a_redactor_survives_pickling_with_its_secrets() -> None:
    """A suite's worker process sends its run's result (and redactor) back by pickle."""
    import pickle

    r = Redactor("s3cr3t-value-123")
    back = pickle.loads(pickle.dumps(r))
    assert back.text("x s3cr3t-value-123 y") == r.text("x s3cr3t-value-123 y") != "x s3cr3t-value-123 y"
    back.add("another-secret-456")
    assert "another-secret-456" not in back.text("another-secret-456")
