"""RFC 7592 — OAuth 2.0 Dynamic Client Registration Management Protocol (client side).

The registration access token (RAT) may be rotated on any call (§2.2: "the
authorization server MAY issue a new registration access token"); :class:`ManagedClient`
always keeps and uses the newest one. A rotated token or secret is learned by the run's
redactor when the session records the answer (harness.core.transcript).
"""

from __future__ import annotations

from typing import Any

import requests

from harness.registrar.http import expect, send
from harness.registrar.rfc7591 import RegisteredClient


def _auth(rat: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {rat}", "Accept": "application/json"}


def read(session: requests.Session, client: RegisteredClient) -> dict[str, Any]:
    """Client read request (RFC 7592 §2.1): GET the client configuration endpoint."""
    uri, rat = _creds(client)
    resp = send(session, "GET", uri, what="client read", headers=_auth(rat))
    body = expect(resp, (200,), what="client read")
    _absorb(client, body)
    return body


def update(session: requests.Session, client: RegisteredClient, metadata: dict[str, Any]) -> dict[str, Any]:
    """Client update request (RFC 7592 §2.2): PUT the full metadata, which MUST include
    ``client_id``; a rotated RAT in the answer replaces the old one."""
    uri, rat = _creds(client)
    body_out = {**metadata, "client_id": client.client_id}  # §2.2: MUST include client_id
    resp = send(session, "PUT", uri, what="client update", json=body_out,
                headers={**_auth(rat), "Content-Type": "application/json"})
    body = expect(resp, (200,), what="client update")
    _absorb(client, body)
    return body


def delete(session: requests.Session, client: RegisteredClient) -> int:
    """Client delete request (RFC 7592 §2.3): 204 on success."""
    uri, rat = _creds(client)
    resp = send(session, "DELETE", uri, what="client delete", headers=_auth(rat))
    expect(resp, (204, 200), what="client delete")
    return resp.status_code


def _creds(client: RegisteredClient) -> tuple[str, str]:
    if not client.registration_client_uri or not client.registration_access_token:
        raise ValueError(
            f"client {client.client_id} has no registration_client_uri/registration_access_token "
            "(RFC 7592 §3): the IdP did not offer management for it"
        )
    return client.registration_client_uri, client.registration_access_token


def _absorb(client: RegisteredClient, body: dict[str, Any]) -> None:
    new_rat = body.get("registration_access_token")
    if isinstance(new_rat, str) and new_rat:
        client.registration_access_token = new_rat
    secret = body.get("client_secret")
    if isinstance(secret, str) and secret:
        client.client_secret = secret
    client.metadata = body
