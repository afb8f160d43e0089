"""harness.notebook: readable, redacted views; the JWT lab's verdicts come from the gateway."""

from __future__ import annotations

import base64

import pytest

from harness.conformance.model import Verdict
from harness.core.redact import mask
from harness.core.transcript import Exchange
from harness.jose import generate_rsa, sign
from harness.notebook import decision_view, exchange_view, jwks_view, sequence_view, step_card, token_view, view_of
from harness.notebook.display import jwk_coordinate_lengths, pretty_body
from harness.notebook.guide import DecodedJwt
from harness.notebook.lab import JwtLab
from harness.scenario.results import StepResult


def _exchange(**kw) -> Exchange:
    base = dict(actor="developer", target="idp", method="POST", url="http://127.0.0.1:1/token",
                request_headers={"Content-Type": "application/x-www-form-urlencoded"},
                request_body="grant_type=client_credentials&client_id=c1&client_secret=%2A%2A%2Aredacted%3Aabcd1234%2A%2A%2A",
                status=200, response_headers={"content-type": "application/json"},
                response_body='{"access_token": "***redacted:ffff0000***", "token_type": "Bearer"}', step="token-request")
    base.update(kw)
    return Exchange(**base)


def test_exchange_view_is_readable_and_escaped() -> None:
    v = exchange_view(_exchange(url="http://127.0.0.1:1/token?x=<b>"))
    assert "<b>POST</b>" in v.html and "http://127.0.0.1:1/token?x=&lt;b&gt;" in v.html
    assert ">200<" in v.html
    assert "client_secret=***redacted:abcd1234***" in v.text  # form body one field per line, decoded
    assert '"token_type": "Bearer"' in v.text  # JSON indented
    assert v._repr_html_() == v.html and str(v) == v.text


def test_transport_errors_show_instead_of_a_status() -> None:
    v = exchange_view(_exchange(status=None, response_headers={}, response_body=None, error="cannot connect: refused"))
    assert "no answer: cannot connect: refused" in v.text and "#c53030" in v.html


def test_pretty_body_keeps_other_text() -> None:
    assert pretty_body('{"a":[1]}') == '{\n  "a": [\n    1\n  ]\n}'
    assert pretty_body("a=1&b=%2F") == "a=1\nb=/"
    assert pretty_body("plain text, not a form") == "plain text, not a form"
    assert pretty_body(None) == ""


def test_jwt_view_shows_header_and_claims_never_the_token() -> None:
    key = generate_rsa(kid="k1")
    token = sign({"sub": "s1", "client_secret": "should-not-show-123"}, key)
    v = token_view(token, title="access token")
    assert '"kid": "k1"' in v.text and '"sub": "s1"' in v.text
    assert token not in v.html and token.split(".")[2] not in v.html
    assert "should-not-show-123" not in v.text and mask("should-not-show-123") in v.text
    assert "not a JWT" in token_view("opaque-token").text
    assert view_of(DecodedJwt("t", {"alg": "RS256"}, {"sub": "x"})).text.startswith("t\nheader:")


def test_step_card_for_a_failure_shows_cause_and_fix() -> None:
    sr = StepResult("gateway-call", "Call the API", Verdict.FAIL, error="raw", cause="the cause <x>",
                    fix="the fix", exchanges=[_exchange()])
    v = step_card(sr)
    assert "FAIL" in v.html and "the cause &lt;x&gt;" in v.html and "<b>fix:</b> the fix" in v.html
    assert "1 HTTP exchange(s)" in v.html
    assert "cause: the cause <x>" in v.text and "fix: the fix" in v.text
    ok = step_card(StepResult("discovery", "Read", Verdict.PASS, evidence="fine"))
    assert "cause" not in ok.text and "fine" in ok.text


def test_decision_view_and_sequence_view() -> None:
    with JwtLab() as lab:
        answer = lab.call(lab.unsigned_token())
        v = decision_view(answer.decision)
        assert "gateway: refused" in v.html
        assert "answer=403 Key not authorized: Unexpected signing method; stage=signing_method" in v.text
        assert "none is not in the rsa family" in v.text
        seq = sequence_view(list(lab.transcript), uid="t")
        assert seq.html.startswith("<div") and "<svg" in seq.html and "GET /lab-api/get" in seq.html
    assert "no gateway decision" in decision_view(None).text


def test_jwks_view_flags_wrong_length_ec_coordinates() -> None:
    def b64(n: int) -> str:
        return base64.urlsafe_b64encode(b"\x01" * n).rstrip(b"=").decode()

    doc = {"keys": [{"kty": "RSA", "kid": "r", "alg": "RS256", "n": "AQAB", "e": "AQAB"},
                    {"kty": "EC", "kid": "bad", "crv": "P-256", "x": b64(33), "y": b64(32)},
                    {"kty": "EC", "kid": "good", "crv": "P-384", "x": b64(48), "y": b64(48)}]}
    assert jwk_coordinate_lengths(doc["keys"][1]) == {"x": 33, "y": 32}
    lines = jwks_view(doc).text.splitlines()
    assert lines[2].endswith("x: 33 bytes, y: 32 bytes expected 32 — WRONG LENGTH")
    assert lines[3].endswith("x: 48 bytes, y: 48 bytes expected 48")


# ---- the lab: every verdict is the gateway's --------------------------------------------

@pytest.fixture(scope="module")
def lab():
    with JwtLab() as running:
        yield running


@pytest.mark.parametrize("case,status,message,stage", [
    ("valid", 200, "", "proxy"),
    ("none", 403, "Key not authorized: Unexpected signing method", "signing_method"),
    ("hs256-public-key", 403, "Key not authorized: Unexpected signing method", "signing_method"),
    ("attacker-key", 403, "Key not authorized", "signature"),
    ("unknown-kid", 403, "Key not authorized", "key"),
    ("expired", 401, "Key not authorized: token has expired", "time_claims"),
    ("nbf", 401, "Key not authorized: token is not valid yet", "time_claims"),
    ("iat", 401, "Key not authorized: token used before issued", "time_claims"),
    ("no-sub", 403, "no suitable claims for user ID were found", "identity"),
    ("unknown-pol", 403, "key not authorized: no matching policy", "policy"),
    ("other-api-pol", 403, "Access to this API has been disallowed", "access_rights"),
])
def test_lab_answers_are_the_gateways(lab: JwtLab, case: str, status: int, message: str, stage: str) -> None:
    now = int(lab.now())
    token = {
        "valid": lambda: lab.token(),
        "none": lambda: lab.unsigned_token(),
        "hs256-public-key": lambda: lab.hmac_token(lab.public_key_pem()),
        "attacker-key": lambda: lab.token(key=lab.attacker_key),
        "unknown-kid": lambda: lab.token(headers={"kid": "nope"}),
        "expired": lambda: lab.token(lab.claims(exp=now - 5)),
        "nbf": lambda: lab.token(lab.claims(nbf=now + 600)),
        "iat": lambda: lab.token(lab.claims(iat=now + 600)),
        "no-sub": lambda: lab.token(lab.claims(sub=None)),
        "unknown-pol": lambda: lab.token(lab.claims(pol="gold")),
        "other-api-pol": lambda: lab.token(lab.claims(pol="other-api-policy")),
    }[case]()
    answer = lab.call(token)
    assert (answer.status, answer.message, answer.decision.stage) == (status, message, stage)
    assert answer.decision is lab.gateway.last_decision
    assert answer.exchange is not None and answer.exchange.status == status
    assert token not in (answer.exchange.request_headers.get("Authorization") or "")


def test_lab_clock_and_api_changes(lab: JwtLab) -> None:
    token = lab.token()
    lab.travel(301)
    try:
        assert lab.call(token).status == 401
    finally:
        lab.travel(-301)
    assert lab.call(token).status == 200
    lab.configure_api(jwt_signing_method="hmac", jwt_source=base64.b64encode(lab.public_key_pem()).decode())
    try:
        assert lab.call(lab.hmac_token(lab.public_key_pem())).status == 200  # why the signing method matters
    finally:
        lab.configure_api(jwt_signing_method="rsa", jwt_source=base64.b64encode(lab.jwks_url.encode()).decode())
    assert lab.call(lab.hmac_token(lab.public_key_pem())).status == 403
    assert lab.call(None).status == 400
