"""OpenID Connect Discovery 1.0 §4 / RFC 8414 §3 — fetch provider metadata."""

from __future__ import annotations

from typing import Any

import requests

from harness.registrar.errors import MalformedResponse
from harness.registrar.http import expect, send

WELL_KNOWN = "/.well-known/openid-configuration"


def discovery_document(session: requests.Session, issuer: str) -> dict[str, Any]:
    """GET ``<issuer>/.well-known/openid-configuration`` (OIDC Discovery §4.1): the JSON
    object of a 200 answer (§4.2), its members not checked; a :class:`RegistrarError`
    (TransportError, MalformedResponse, ...) for no answer, another status or a body that
    is not a JSON object."""
    url = issuer.rstrip("/") + WELL_KNOWN
    body: dict[str, Any] = expect(send(session, "GET", url, what="discovery"), (200,), what="discovery")
    return body


def discover(session: requests.Session, issuer: str) -> dict[str, Any]:
    """GET ``<issuer>/.well-known/openid-configuration`` (OIDC Discovery §4.1), with the
    members every run needs (§3: issuer, token_endpoint, jwks_uri)."""
    url = issuer.rstrip("/") + WELL_KNOWN
    body = discovery_document(session, issuer)
    for required in ("issuer", "token_endpoint", "jwks_uri"):
        if not isinstance(body.get(required), str):
            raise MalformedResponse(f"discovery document at {url} has no {required!r} (OIDC Discovery §3)")
    return body
