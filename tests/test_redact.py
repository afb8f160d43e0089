"""Redaction: secret fields, headers and known values never survive into text."""

from __future__ import annotations

import json

from harness.redact import Redactor, mask


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


def test_servers_accept_request_heads_up_to_go_s_limit() -> None:
    """Tyk (Go net/http) accepts request heads up to 1 MB; so must our servers, or large
    tokens would be refused before the gateway could judge them."""
    import requests

    from harness.gateway.upstream import create_echo_app
    from harness.serving import MAX_HEADER_BYTES, BackgroundServer

    with BackgroundServer(create_echo_app(), name="echo") as srv:
        big = "Bearer " + "a" * 300_000
        assert requests.get(srv.url + "/x", headers={"Authorization": big}, timeout=10).status_code == 200
    assert MAX_HEADER_BYTES == 1 << 20
