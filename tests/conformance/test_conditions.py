"""Every check of the discovery, registration, management and token plans with a
passing and a failing exchange (shared/STYLE.md §3: conditions have pass and fail
unit tests). Conditions are pure: these use fake, already-redacted exchanges."""

from __future__ import annotations

import pytest

from harness.conformance.context import Skip
from harness.conformance.model import Verdict
from harness.conformance.registry import all_checks, get_check

from .cases import CASES, MASK, err, mgmt, reg, tok
from .fakes import discovery, ex, obs

UNIT_PLANS = ("discovery", "registration", "management", "token")


def test_every_check_of_the_unit_plans_has_a_case() -> None:
    ids = {c.id for c in all_checks() if c.plan in UNIT_PLANS}
    assert ids - set(CASES) == set(), "checks without a pass/fail case"
    assert set(CASES) - ids == set(), "cases for checks that do not exist"


@pytest.mark.parametrize("check_id", sorted(CASES))
def test_passing_exchange_passes(check_id: str) -> None:
    passing, _failing, _verdict = CASES[check_id]
    res = get_check(check_id).condition(passing())
    assert res.verdict is Verdict.PASS, res.message


@pytest.mark.parametrize("check_id", sorted(CASES))
def test_failing_exchange_fails(check_id: str) -> None:
    _passing, failing, verdict = CASES[check_id]
    res = get_check(check_id).condition(failing())
    assert res.verdict is Verdict(verdict), res.message
    assert res.message
    assert res.expected is not None


# ---- messages, expected/actual and skips that matter to quirks and reports -----------------

def test_issuer_mismatch_names_the_trailing_slash() -> None:
    res = get_check("DISC-ISSUER-MATCH").condition(discovery(issuer="https://idp.example.test/realms/demo/"))
    assert res.verdict is Verdict.FAIL
    assert "differ only by a trailing slash" in res.message
    assert res.expected == "https://idp.example.test/realms/demo/"
    assert res.actual == "https://idp.example.test/realms/demo"


def test_loopback_http_issuer_is_accepted_with_a_note() -> None:
    url = "http://127.0.0.1:8080/realms/master"
    res = get_check("DISC-ISSUER-HTTPS").condition(discovery(issuer=url, doc={"issuer": url}))
    assert res.verdict is Verdict.PASS
    assert "loopback" in res.message


def test_extension_members_are_listed_not_judged() -> None:
    res = get_check("DISC-MEMBER-TYPES").condition(discovery())
    assert res.verdict is Verdict.PASS
    assert res.actual == {"extension_members": ["x_vendor_extension"]}


def test_status_200_registration_reports_the_status_as_actual() -> None:
    res = get_check("REG-STATUS-201").condition(reg(status=200))
    assert (res.actual, res.expected) == (200, 201)


def test_refused_registration_makes_dependent_checks_skip() -> None:
    o = obs({}, register=ex(401, {"error": "invalid_token"}))
    with pytest.raises(Skip, match="refused"):
        get_check("REG-CLIENT-ID").condition(o)
    # An RFC 6750 refusal is the server's right (issue 16): SKIP with its answer.
    with pytest.raises(Skip, match="401 invalid_token"):
        get_check("REG-STATUS-201").condition(o)


# ---- issue 16: refusals the specs allow are SKIP; broken answers still FAIL ----------------

def test_base_registration_refused_with_an_rfc7591_error_is_skip() -> None:
    o = obs({}, register=ex(400, {"error": "invalid_client_metadata", "error_description": "no"}))
    with pytest.raises(Skip, match="400 invalid_client_metadata"):
        get_check("REG-STATUS-201").condition(o)


def test_base_registration_refused_without_an_error_code_fails() -> None:
    res = get_check("REG-STATUS-201").condition(obs({}, register=ex(500, "oops", {"Content-Type": "text/plain"})))
    assert res.verdict is Verdict.FAIL and "RFC 7591 §3.2.2" in res.message


def test_unknown_member_is_not_judged_when_the_base_request_was_refused() -> None:
    o = obs({}, register=err(400, "invalid_client_metadata"), unknown_metadata=err(400, "invalid_client_metadata"))
    with pytest.raises(Skip, match="base registration was refused"):
        get_check("REG-UNKNOWN-METADATA-IGNORED").condition(o)


def test_token_refusals_say_nothing_about_redirect_uris() -> None:
    o = obs({}, invalid_redirect=err(403, "insufficient_scope"))
    with pytest.raises(Skip, match="for its token"):
        get_check("REG-INVALID-REDIRECT-URI").condition(o)
    o = obs({}, implicit_http=err(401, "invalid_token"))
    with pytest.raises(Skip, match="for its token"):
        get_check("REG-REDIRECT-URI-IMPLICIT-HTTPS").condition(o)


@pytest.mark.parametrize("check_id,name,status", [
    ("MGMT-UPDATE-200", "update", 403), ("MGMT-UPDATE-200", "update", 405),
    ("MGMT-UPDATE-ROTATES-RAT", "update", 403), ("MGMT-UPDATE-FULL-REPLACEMENT", "update_omit", 403),
    ("MGMT-DELETE-204", "delete", 403), ("MGMT-DELETE-204", "delete", 405),
])
def test_management_operations_the_client_may_not_do_are_skip(check_id: str, name: str, status: int) -> None:
    with pytest.raises(Skip, match="allows 403/405"):
        get_check(check_id).condition(mgmt(**{name: err(status, "access_denied")}))


def test_update_that_must_keep_redirect_uris_may_be_refused() -> None:
    o = mgmt(update_omit=err(400, "invalid_redirect_uri"))
    with pytest.raises(Skip, match="without redirect_uris"):
        get_check("MGMT-UPDATE-FULL-REPLACEMENT").condition(o)
    assert get_check("MGMT-UPDATE-FULL-REPLACEMENT").condition(mgmt(update_omit=ex(500, None, {}))).verdict is Verdict.FAIL


def test_tyk_request_refusal_names_the_tyk_setting() -> None:
    from .cases import err

    o = obs({}, tyk=err(400, "invalid_client_metadata", "response_types [token] is not supported"))
    res = get_check("REG-TYK-REQUEST-ACCEPTED").condition(o)
    assert res.verdict is Verdict.FAIL and "DCR response types" in res.message


def test_software_statement_ignored_or_refused_with_its_codes_passes() -> None:
    from .cases import err

    facts = {"json_name": "j", "statement_name": "s"}
    ok = get_check("REG-SOFTWARE-STATEMENT-UNVERIFIABLE").condition(
        obs(facts, software_statement=err(400, "unapproved_software_statement")))
    assert ok.verdict is Verdict.PASS
    other = get_check("REG-SOFTWARE-STATEMENT-UNVERIFIABLE").condition(
        obs(facts, software_statement=err(400, "invalid_client_metadata")))
    assert other.verdict is Verdict.FAIL  # a SHOULD: reported as WARN by the engine


def test_private_key_jwt_registration_refused_in_spec_shape_is_skip() -> None:
    from .cases import err, pkjwt

    with pytest.raises(Skip, match="as RFC 7591 §3.2.2 allows"):
        get_check("TOKEN-PRIVATE-KEY-JWT-JWKS").condition(pkjwt(register=err(400, "invalid_client_metadata")))


def test_cross_client_token_may_be_refused_with_403() -> None:
    from .cases import err

    res = get_check("MGMT-RAT-OTHER-CLIENT").condition(mgmt(read_other_rat=err(403, "access_denied")))
    assert res.verdict is Verdict.PASS


def test_metadata_diff_lists_requested_and_registered_values() -> None:
    from .cases import registered

    res = get_check("REG-METADATA-ECHOED").condition(reg(body=registered(response_types=["id_token"])))
    assert res.actual == {"response_types": {"requested": ["token"], "registered": ["id_token"]}}


def test_neither_management_credential_is_a_warning() -> None:
    from .cases import registered

    body = registered(registration_access_token=None, registration_client_uri=None)
    assert get_check("REG-MGMT-CREDENTIALS-PAIRED").condition(reg(body=body)).verdict is Verdict.WARN


def test_bad_token_checks_skip_on_open_registration() -> None:
    o = obs({"open_registration": True}, bad_token=ex(201, {"client_id": "x"}))
    with pytest.raises(Skip, match="open"):
        get_check("REG-BAD-IAT-401").condition(o)


def test_redirect_refused_with_another_code_is_a_warning() -> None:
    o = obs({}, invalid_redirect=ex(400, {"error": "invalid_client_metadata"}))
    assert get_check("REG-INVALID-REDIRECT-URI").condition(o).verdict is Verdict.WARN


def test_old_rat_check_skips_without_rotation() -> None:
    with pytest.raises(Skip, match="not rotated"):
        get_check("MGMT-OLD-RAT-REVOKED").condition(mgmt(rotated=False, read_old_rat=None))


def test_wrong_secret_actual_is_status_and_code() -> None:
    from .cases import err

    res = get_check("TOKEN-WRONG-SECRET-401").condition(tok(wrong_secret_post=err(401, "unauthorized_client")))
    assert res.actual == "401 unauthorized_client"


def test_basic_wrong_secret_must_be_401() -> None:
    from .cases import err

    res = get_check("TOKEN-WRONG-SECRET-BASIC-401").condition(tok(wrong_secret_basic=err(400, "invalid_client")))
    assert res.verdict is Verdict.FAIL and res.actual == "400 invalid_client"


def test_opaque_token_skips_the_jwt_checks() -> None:
    o = tok({"jwt": False})
    for cid in ("TOKEN-JWT-TYP-AT-JWT", "TOKEN-JWT-REQUIRED-CLAIMS", "TOKEN-JWT-SIGNATURE", "TOKEN-JWT-GATEWAY-IDENTITY"):
        with pytest.raises(Skip, match="opaque"):
            get_check(cid).condition(o)


def test_no_answer_is_a_failure_naming_the_transport_error() -> None:
    o = obs({}, register=ex(None, None, {}, error="cannot connect: Connection refused"))
    res = get_check("REG-STATUS-201").condition(o)
    assert res.verdict is Verdict.FAIL
    assert "Connection refused" in res.message


def test_conditions_never_put_raw_secrets_in_actual() -> None:
    res = get_check("TOKEN-ACCESS-TOKEN").condition(tok())
    assert res.actual == "(issued, redacted)"
    assert MASK not in str(res.actual)


BEARER_INVALID = {"WWW-Authenticate": 'Bearer error="invalid_token", error_description="Malformed token"'}


def test_a_bearer_challenge_carries_the_rfc6750_error_without_a_body() -> None:
    o = obs({"open_registration": False}, bad_token=ex(401, None, BEARER_INVALID))
    res = get_check("REG-BAD-IAT-401").condition(o)
    assert (res.verdict, res.actual) == (Verdict.PASS, "401 invalid_token")
    assert "Malformed token" in res.message
    bare = get_check("REG-BAD-IAT-401").condition(obs({"open_registration": False}, bad_token=ex(401, None, {})))
    assert bare.verdict is Verdict.FAIL


def test_error_format_accepts_a_bearer_challenge_but_not_a_foreign_code() -> None:
    ok = get_check("REG-ERROR-FORMAT").condition(obs({}, bad_token=ex(401, None, BEARER_INVALID)))
    assert ok.verdict is Verdict.PASS
    bad = get_check("REG-ERROR-FORMAT").condition(
        obs({}, bad_token=ex(401, None, {"WWW-Authenticate": 'Bearer error="nope"'})))
    assert bad.verdict is Verdict.FAIL


def test_old_rat_refused_with_any_401_code_passes() -> None:
    res = get_check("MGMT-OLD-RAT-REVOKED").condition(mgmt(read_old_rat=err(401, "request_unauthorized")))
    assert res.verdict is Verdict.PASS
    assert get_check("MGMT-OLD-RAT-REVOKED").condition(mgmt(read_old_rat=ex(200, {}))).verdict is Verdict.FAIL


@pytest.mark.parametrize("check_id,valid,bad", [("MGMT-UPDATE-BAD-RAT-401", "update", "update_bad_rat"),
                                                ("MGMT-DELETE-BAD-RAT-401", "delete", "delete_bad_rat")])
def test_bad_token_on_an_operation_the_server_lacks_is_skip(check_id: str, valid: str, bad: str) -> None:
    with pytest.raises(Skip, match="offers none"):
        get_check(check_id).condition(mgmt(**{valid: ex(403, None, {}), bad: ex(403, None, {})}))
    # With the operation offered, a 403 for a bad token is a FAIL.
    assert get_check(check_id).condition(mgmt(**{bad: ex(403, None, {})})).verdict is Verdict.FAIL
