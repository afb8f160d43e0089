"""The gateway-jwt checks with a passing and a failing exchange each (the expected
status and message are Tyk's, shared/reference/tyk.md, from the JWT case table
harness.tyk.gateway.jwt_cases that tests/gateway/test_gw_jwt_cases.py also asserts
against the gateway itself)."""

from __future__ import annotations

from typing import Any

import pytest

from harness.conformance.checks.gateway_jwt import CASES
from harness.conformance.context import Skip
from harness.conformance.model import Verdict
from harness.conformance.registry import checks_for_plan, get_check
from harness.jose import decode_unverified
from harness.tyk.gateway.jwt_cases import COVERAGE, JwtCase
from harness.tyk.gateway.testing import DROP, make_keys

from .fakes import ex, obs

IDS = [c.id for c in CASES]


def _answer(status: int, message: str):  # type: ignore[no-untyped-def]
    body = {"method": "GET", "path": "/get"} if status == 200 else {"error": message}
    return ex(status, body, method="GET", actor="developer", target="gateway")


def _decision(case: JwtCase, **changes: Any) -> dict[str, Any]:
    d = {"identity": case.identity, "policies": list(case.policies or ()), "fetches": case.fetches,
         "reason": "why the gateway decided so"}
    d.update(changes)
    return d


def _observe(case: JwtCase, status: int, message: str, **decision: Any):  # type: ignore[no-untyped-def]
    return obs({"decisions": {case.id: _decision(case, **decision)}}, **{case.id: _answer(status, message)})


def test_every_gateway_check_is_a_case_or_the_idp_token() -> None:
    assert {c.id for c in checks_for_plan("gateway-jwt")} == set(IDS) | {"JWT-IDP-TOKEN"}
    assert len(IDS) == len(set(IDS))


def test_the_plan_is_the_case_tables_check_cases_in_order() -> None:
    from harness.tyk.gateway.jwt_cases import CHECK_CASES

    assert [c.id for c in checks_for_plan("gateway-jwt")] == [c.id for c in CHECK_CASES] + ["JWT-IDP-TOKEN"]
    seen: set[str] = set()
    for case in CASES:  # a multi-step case runs after the cases it builds on
        assert set(case.after) <= seen, case.id
        seen.add(case.id)


def test_every_checks_md_item_is_covered_by_registered_checks() -> None:
    registered = {c.id for c in checks_for_plan("gateway-jwt")}
    assert len(COVERAGE) >= 45
    for item, ids in COVERAGE:
        assert ids, item
        assert set(ids) <= registered, (item, set(ids) - registered)
    covered = {i for _, ids in COVERAGE for i in ids}
    # every case traces back to checks.md, but two reference points the list does not name
    assert covered >= set(IDS) - {"JWT-NO-TOKEN", "JWT-POL-KNOWN"}


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_exact_tyk_answer_passes(case: JwtCase) -> None:
    res = get_check(case.id).condition(_observe(case, case.status, case.message))
    assert res.verdict is Verdict.PASS, res.message
    assert res.actual == res.expected == f"{case.status} {case.message}".strip()
    assert res.evidence == (case.id,)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_other_answer_fails(case: JwtCase) -> None:
    status, message = (200, "") if case.status != 200 else (403, "Key not authorized")
    res = get_check(case.id).condition(_observe(case, status, message))
    assert res.verdict is Verdict.FAIL
    assert res.actual != res.expected
    assert res.actual == f"{status} {message}".strip()


def test_same_status_other_message_fails() -> None:
    res = get_check("JWT-ALG-NONE").condition(obs({}, **{"JWT-ALG-NONE": _answer(403, "Key not authorized")}))
    assert res.verdict is Verdict.FAIL
    assert res.expected == "403 Key not authorized: Unexpected signing method"


def test_no_answer_fails() -> None:
    res = get_check("JWT-SIG-EMPTY").condition(obs({}, **{"JWT-SIG-EMPTY": ex(None, error="connection refused")}))
    assert res.verdict is Verdict.FAIL and "connection refused" in res.message


@pytest.mark.parametrize("case", [c for c in CASES if c.identity], ids=lambda c: c.id)
def test_other_session_identity_fails(case: JwtCase) -> None:
    res = get_check(case.id).condition(_observe(case, case.status, case.message, identity="dcr-harness-mallory"))
    assert res.verdict is Verdict.FAIL
    assert "'dcr-harness-mallory'" in res.message and repr(case.identity) in res.message


@pytest.mark.parametrize("case", [c for c in CASES if c.policies], ids=lambda c: c.id)
def test_other_policies_fail(case: JwtCase) -> None:
    res = get_check(case.id).condition(_observe(case, case.status, case.message, policies=["some-other-policy"]))
    assert res.verdict is Verdict.FAIL and "some-other-policy" in res.message


@pytest.mark.parametrize("case", [c for c in CASES if c.fetches], ids=lambda c: c.id)
def test_other_jwks_fetch_count_fails(case: JwtCase) -> None:
    res = get_check(case.id).condition(_observe(case, case.status, case.message, fetches=case.fetches + 1))
    assert res.verdict is Verdict.FAIL and f"{case.fetches + 1} time(s)" in res.message


def test_failed_priming_request_fails_and_is_evidence() -> None:
    case = next(c for c in CASES if c.id == "JWT-JWKS-ROTATION-NEW-KID-CACHED")
    prime = f"{case.id}/prime"
    ok = _observe(case, 403, "Key not authorized")
    ok.exchanges[prime] = _answer(200, "")
    res = get_check(case.id).condition(ok)
    assert res.verdict is Verdict.PASS and res.evidence == (prime, case.id)
    ok.exchanges[prime] = _answer(403, "Key not authorized")
    res = get_check(case.id).condition(ok)
    assert res.verdict is Verdict.FAIL and "priming request" in res.message


def test_idp_token_passes_fails_and_skips() -> None:
    check = get_check("JWT-IDP-TOKEN")
    ok = obs({"idp_identity": "sub"}, **{"JWT-IDP-TOKEN": _answer(200, "")})
    assert check.condition(ok).verdict is Verdict.PASS
    bad = obs({"idp_reason": "JWKS key 3 has x of 33 bytes"}, **{"JWT-IDP-TOKEN": _answer(403, "Key not authorized")})
    res = check.condition(bad)
    assert res.verdict is Verdict.FAIL and "33 bytes" in res.message
    with pytest.raises(Skip, match="opaque"):
        check.condition(obs({"idp_skip": "the IdP's access token is opaque"}))


# --- the tokens the cases send are what their titles say ------------------------------------
@pytest.fixture(scope="module")
def keys():  # type: ignore[no-untyped-def]
    return make_keys()


def _case(case_id: str) -> JwtCase:
    return next(c for c in CASES if c.id == case_id)


def test_tokens_are_built_per_case(keys) -> None:  # type: ignore[no-untyped-def]
    import dataclasses

    k = dataclasses.replace(keys, tag="jwt-exp-now")
    header, claims = decode_unverified(_case("JWT-EXP-NOW").token(k))
    assert claims["exp"] == k.now and claims["client_id"] == "dcr-harness-client-jwt-exp-now"
    header, _ = decode_unverified(_case("JWT-KID-VERY-LONG").token(k))
    assert len(header["kid"]) == 8000
    header, _ = decode_unverified(_case("JWT-X5C-HEADER").token(k))
    assert header["x5c"] == ["MIIB"] and header["kid"] == keys.kid
    assert len(_case("JWT-HUGE-TOKEN").token(k)) > 200_000
    assert _case("JWT-FOUR-SEGMENTS").token(k).count(".") == 3
    assert "+" in _case("JWT-B64-PLUS-SLASH").token(k) or "/" in _case("JWT-B64-PLUS-SLASH").token(k)
    assert _case("JWT-NO-TOKEN").token(k) is None
    assert keys.claims(exp=DROP).get("exp", "gone") == "gone" and keys.claims(exp=None)["exp"] is None


def test_ecdsa_signature_variants_have_the_stated_length(keys) -> None:  # type: ignore[no-untyped-def]
    import base64

    def sig_len(case_id: str) -> int:
        s = _case(case_id).token(keys).split(".")[2]
        return len(base64.urlsafe_b64decode(s + "=" * (-len(s) % 4)))

    assert sig_len("JWT-VALID-ES256") == 64
    assert sig_len("JWT-SIG-ECDSA-HIGH-S") == 64
    assert sig_len("JWT-SIG-ECDSA-66-BYTES") == 66
    assert sig_len("JWT-SIG-ECDSA-63-BYTES") == 63
    assert sig_len("JWT-SIG-ECDSA-DER") in range(68, 73)


def test_http_cases_fit_the_loopback_servers_request_head(keys) -> None:  # type: ignore[no-untyped-def]
    """uvicorn's h11 refuses request heads over 16 KiB that arrive in pieces: every case
    sent over HTTP stays well below, larger ones go in-process."""
    import dataclasses

    for case in CASES:
        tok = case.token(dataclasses.replace(keys, tag=case.id.lower()))
        if case.in_process:
            assert tok is not None and len(tok) > 16 * 1024, case.id
        else:
            assert tok is None or len(tok) < 14 * 1024, case.id
