"""Fake exchanges and observations for unit tests of the conditions (no HTTP)."""

from __future__ import annotations

import json
from typing import Any

from harness.conformance.model import Observation
from harness.core.transcript import Exchange

ISSUER = "https://idp.example.test/realms/demo"
JSON = {"Content-Type": "application/json"}


def ex(status: int | None = 200, body: Any = None, headers: dict[str, str] | None = None, *, method: str = "POST",
       url: str = ISSUER + "/x", request: Any = None, error: str | None = None, actor: str = "harness",
       target: str = "idp", started: float = 1_800_000_000.0) -> Exchange:
    """An exchange; dict/list bodies are JSON-encoded, JSON content type by default."""
    if headers is None:
        headers = dict(JSON) if body is not None else {}
    return Exchange(
        actor=actor, target=target, method=method, url=url,
        request_headers={"Content-Type": "application/json"} if request is not None else {},
        request_body=json.dumps(request) if isinstance(request, (dict, list)) else request,
        status=status, response_headers=headers,
        response_body=json.dumps(body) if isinstance(body, (dict, list)) else body,
        error=error, started=started,
    )


def obs(facts: dict[str, Any] | None = None, **exchanges: Exchange) -> Observation:
    return Observation(dict(exchanges), dict(facts or {}))


DISCOVERY = {
    "issuer": ISSUER,
    "authorization_endpoint": ISSUER + "/protocol/openid-connect/auth",
    "token_endpoint": ISSUER + "/protocol/openid-connect/token",
    "jwks_uri": ISSUER + "/protocol/openid-connect/certs",
    "registration_endpoint": ISSUER + "/clients-registrations/openid-connect",
    "response_types_supported": ["code", "token"],
    "subject_types_supported": ["public"],
    "id_token_signing_alg_values_supported": ["RS256"],
    "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
    "grant_types_supported": ["authorization_code", "client_credentials"],
    "x_vendor_extension": {"anything": True},
}


def discovery(doc: dict[str, Any] | None = None, *, drop: tuple[str, ...] = (), status: int = 200,
              headers: dict[str, str] | None = None, issuer: str = ISSUER, **changes: Any) -> Observation:
    d = dict(DISCOVERY if doc is None else doc)
    d.update(changes)
    for k in drop:
        d.pop(k, None)
    return obs({"configured_issuer": issuer, "url": issuer + "/.well-known/openid-configuration",
                "auth_method": "client_secret_post"},
               discovery=ex(status, d, headers, method="GET", url=issuer + "/.well-known/openid-configuration"))
