"""RFC 6749 §4.4 — client credentials grant, with the client authentication methods of
RFC 6749 §2.3.1 (``client_secret_basic`` and ``client_secret_post``)."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import requests

from harness.registrar.errors import MalformedResponse
from harness.registrar.http import expect, send


@dataclass
class TokenResponse:
    access_token: str
    token_type: str
    expires_in: int | None
    body: dict[str, Any]
    status: int
    headers: dict[str, str]


def client_credentials(
    session: requests.Session,
    token_endpoint: str,
    client_id: str,
    client_secret: str,
    *,
    auth_method: str = "client_secret_post",
    scope: str | None = None,
) -> TokenResponse:
    """Request a token with ``grant_type=client_credentials`` (RFC 6749 §4.4.2).

    ``client_secret_post`` puts the credentials in the form body (RFC 6749 §2.3.1 — the
    guide's Postman request, "no additional headers"); ``client_secret_basic`` sends
    them in HTTP Basic, form-urlencoded first as §2.3.1 requires. Recording the
    exchange (a RecordingSession) teaches the run's redactor the secret — masked in the
    form body or inside the Basic credential — and the access token answered.
    """
    form: dict[str, str] = {"grant_type": "client_credentials"}
    headers: dict[str, str] = {"Accept": "application/json"}
    if auth_method == "client_secret_post":
        form["client_id"] = client_id
        form["client_secret"] = client_secret
    elif auth_method == "client_secret_basic":
        raw = f"{quote(client_id, safe='')}:{quote(client_secret, safe='')}".encode()
        headers["Authorization"] = "Basic " + base64.b64encode(raw).decode()
    else:
        raise ValueError(f"token endpoint auth method {auth_method!r} is not supported by the harness "
                         "(use client_secret_post or client_secret_basic)")
    if scope:
        form["scope"] = scope
    resp = send(session, "POST", token_endpoint, what="token request", data=form, headers=headers)
    body = expect(resp, (200,), what="token request")
    token = body.get("access_token")
    if not isinstance(token, str) or not token:
        raise MalformedResponse("token response has no access_token (RFC 6749 §5.1)", status=resp.status_code)
    exp = body.get("expires_in")
    return TokenResponse(
        access_token=token,
        token_type=str(body.get("token_type", "")),
        expires_in=exp if isinstance(exp, int) else None,
        body=body,
        status=resp.status_code,
        headers=dict(resp.headers),
    )
