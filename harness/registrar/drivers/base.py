"""What a provider driver does: turn the portal's DCR options and the developer's
wizard input into an RFC 7591 §2 client metadata request."""

from __future__ import annotations

from typing import Any, ClassVar

from harness.registrar.options import DcrOptions


class Driver:
    """Base driver: plain RFC 7591 §2 metadata, the shape the Tyk Dashboard's "Other"
    provider sends. Subclasses override :meth:`metadata` for their provider."""

    name: ClassVar[str] = "other"

    def metadata(self, options: DcrOptions, client_name: str, redirect_uris: list[str]) -> dict[str, Any]:
        """RFC 7591 §2 client metadata for this provider."""
        body: dict[str, Any] = {
            "client_name": client_name,
            "grant_types": list(options.grant_types),
            "response_types": list(options.response_types),
            "token_endpoint_auth_method": options.token_endpoint_auth_method,
        }
        if redirect_uris:
            body["redirect_uris"] = list(redirect_uris)
        return body

    def headers(self, options: DcrOptions) -> dict[str, str]:
        """Request headers: ``Authorization: Bearer <initial access token>`` when one is
        configured (RFC 7591 §3), JSON both ways."""
        h = {"Content-Type": "application/json", "Accept": "application/json"}
        if options.access_token:
            h["Authorization"] = f"Bearer {options.access_token}"
        return h
