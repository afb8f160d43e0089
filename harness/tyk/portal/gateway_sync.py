"""Pushes API definitions and policies from the Dashboard to the gateway through the
Tyk Gateway REST API (``/tyk/apis``, ``/tyk/policies``, ``/tyk/reload/group``),
authenticated with the gateway's ``secret`` in ``x-tyk-authorization``."""

from __future__ import annotations

from typing import Any

import requests

from harness.core.errors import HarnessError
from harness.core.transcript import RecordingSession


class GatewaySyncError(HarnessError):
    """The gateway refused an API definition or policy the Dashboard pushed."""


class GatewaySync:
    def __init__(self, base_url: str, secret: str, session: RecordingSession) -> None:
        self.base_url = base_url.rstrip("/")
        self.secret = secret
        self.session = session

    def _call(self, method: str, path: str, body: Any = None) -> Any:
        try:
            resp = self.session.request(
                method, self.base_url + path, json=body,
                headers={"x-tyk-authorization": self.secret}, target="gateway",
            )
        except requests.RequestException as exc:
            raise GatewaySyncError(f"gateway at {self.base_url} is unreachable: {exc.__class__.__name__}") from None
        if resp.status_code >= 300:
            raise GatewaySyncError(f"gateway refused {method} {path}: HTTP {resp.status_code} {resp.text[:200]}")
        return resp.json() if resp.content else None

    def put_api(self, apidef: dict[str, Any]) -> None:
        api_id = apidef["api_id"]
        existing = self._call("GET", "/tyk/apis")
        ids = {a.get("api_id") for a in existing or []} if isinstance(existing, list) else set()
        if api_id in ids:
            self._call("PUT", f"/tyk/apis/{api_id}", apidef)
        else:
            self._call("POST", "/tyk/apis", apidef)
        self._call("GET", "/tyk/reload/group")

    def delete_api(self, api_id: str) -> None:
        self._call("DELETE", f"/tyk/apis/{api_id}")
        self._call("GET", "/tyk/reload/group")

    def put_policy(self, policy: dict[str, Any]) -> None:
        pid = policy["id"]
        existing = self._call("GET", "/tyk/policies")
        ids = {p.get("id") for p in existing or []} if isinstance(existing, list) else set()
        if pid in ids:
            self._call("PUT", f"/tyk/policies/{pid}", policy)
        else:
            self._call("POST", "/tyk/policies", policy)
        self._call("GET", "/tyk/reload/group")
