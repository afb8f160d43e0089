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

