"""Small HTTP helpers shared by the RFC 7591/7592 and token clients."""

from __future__ import annotations

from typing import Any

import requests

from harness.core.transcript import describe_transport_error
from harness.registrar.errors import MalformedResponse, TransportError, error_from_response


def send(session: requests.Session, method: str, url: str, *, what: str, **kwargs: Any) -> requests.Response:
    """Send a request, turning transport failures into :class:`TransportError`."""
    try:
        return session.request(method, url, **kwargs)
    except requests.RequestException as exc:
        raise TransportError(f"{what} failed: {describe_transport_error(exc)} ({url})", url=url) from None


def json_body(resp: requests.Response) -> Any:
    """The JSON body, or the raw text when the body is not JSON."""
    try:
        return resp.json()
    except ValueError:
        return resp.text


def expect(resp: requests.Response, ok: tuple[int, ...], *, what: str) -> Any:
    """Return the JSON object of a successful answer; raise the typed error otherwise."""
    body = json_body(resp) if resp.content else None
    if resp.status_code not in ok:
        raise error_from_response(resp.status_code, body, what=what, url=resp.url)
    if resp.status_code == 204:
        return None
    if not isinstance(body, dict):
        raise MalformedResponse(
            f"{what}: HTTP {resp.status_code} but the body is not a JSON object "
            f"(Content-Type {resp.headers.get('Content-Type')!r})",
            status=resp.status_code, body=body, url=resp.url,
        )
    return body
