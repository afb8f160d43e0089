"""OpenID Connect Discovery 1.0 §4 / RFC 8414 §3 — fetch provider metadata."""

from __future__ import annotations

from typing import Any

import requests

from harness.registrar.errors import MalformedResponse
from harness.registrar.http import expect, send

WELL_KNOWN = "/.well-known/openid-configuration"


def discover(session: requests.Session, issuer: str) -> dict[str, Any]:
    """GET ``<issuer>/.well-known/openid-configuration`` (OIDC Discovery §4.1)."""
    url = issuer.rstrip("/") + WELL_KNOWN
    resp = send(session, "GET", url, what="discovery")
    body = expect(resp, (200,), what="discovery")
    for required in ("issuer", "token_endpoint", "jwks_uri"):
        if not isinstance(body.get(required), str):
            raise MalformedResponse(f"discovery document at {url} has no {required!r} (OIDC Discovery §3)")
    return body
