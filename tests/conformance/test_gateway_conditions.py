"""The gateway-jwt checks with a passing and a failing exchange each (the expected
status and message are Tyk's, shared/reference/tyk.md)."""

from __future__ import annotations

import pytest

from harness.conformance.checks.gateway_jwt import CASES
from harness.conformance.context import Skip
from harness.conformance.registry import checks_for_plan, get_check
from harness.report.model import Verdict

from .fakes import ex, obs


def _answer(status: int, message: str):  # type: ignore[no-untyped-def]
    body = {"method": "GET", "path": "/get"} if status == 200 else {"error": message}
    return ex(status, body, method="GET", actor="developer", target="gateway")


def test_every_gateway_check_is_a_case_or_the_idp_token() -> None:
    assert {c.id for c in checks_for_plan("gateway-jwt")} == {c.id for c in CASES} | {"JWT-IDP-TOKEN"}


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_exact_tyk_answer_passes(case) -> None:  # type: ignore[no-untyped-def]
    res = get_check(case.id).condition(obs({}, **{case.id: _answer(case.status, case.message)}))
    assert res.verdict is Verdict.PASS, res.message
    assert res.actual == res.expected == f"{case.status} {case.message}".strip()


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_other_answer_fails(case) -> None:  # type: ignore[no-untyped-def]
    wrong = _answer(200, "") if case.status != 200 else _answer(403, "Key not authorized")
    res = get_check(case.id).condition(obs({}, **{case.id: wrong}))
    assert res.verdict is Verdict.FAIL
    assert res.actual != res.expected


def test_same_status_other_message_fails() -> None:
    res = get_check("JWT-ALG-NONE").condition(obs({}, **{"JWT-ALG-NONE": _answer(403, "Key not authorized")}))
    assert res.verdict is Verdict.FAIL
    assert res.expected == "403 Key not authorized: Unexpected signing method"


def test_idp_token_passes_fails_and_skips() -> None:
    check = get_check("JWT-IDP-TOKEN")
    ok = obs({"idp_identity": "sub"}, **{"JWT-IDP-TOKEN": _answer(200, "")})
    assert check.condition(ok).verdict is Verdict.PASS
    bad = obs({"idp_reason": "JWKS key 3 has x of 33 bytes"}, **{"JWT-IDP-TOKEN": _answer(403, "Key not authorized")})
    res = check.condition(bad)
    assert res.verdict is Verdict.FAIL and "33 bytes" in res.message
    with pytest.raises(Skip, match="opaque"):
        check.condition(obs({"idp_skip": "the IdP's access token is opaque"}))
