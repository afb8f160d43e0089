"""Pushes API definitions and policies from the Dashboard to the gateway through the
Tyk Gateway REST API (``/tyk/apis``, ``/tyk/policies``, then a reload), authenticated
with the gateway's ``secret`` in ``x-tyk-authorization``: the same calls for the
harness's own gateway, the real open-source gateway, a container or a customer's.

After each change the gateway is reloaded with its launcher's ``reload_paths``: the real
gateway lists and serves a new API or policy only after a reload, and ``GET
/tyk/reload?block=true`` returns once the reload is done (``/tyk/reload/group`` returns
before it; measured on Tyk v5.15.0-dev, shared/reference/tyk.md).

Every API and policy this object created is remembered (:attr:`created_apis`,
:attr:`created_policies`). On a ``shared`` gateway (someone else's) it never modifies an
object it did not create, and :meth:`remove_created` deletes exactly the ones it created.
"""

from __future__ import annotations

import logging
from typing import Any

import requests

from harness.core.errors import HarnessError
from harness.core.transcript import RecordingSession

log = logging.getLogger(__name__)


class GatewaySyncError(HarnessError):
    """The gateway refused an API definition or policy the Dashboard pushed."""


class GatewaySync:
    def __init__(self, base_url: str, secret: str, session: RecordingSession, *,
                 reload_paths: tuple[str, ...] = ("/tyk/reload/group",), shared: bool = False) -> None:
        self.base_url = base_url.rstrip("/")
        self.secret = secret
        self.session = session
        self.reload_paths = reload_paths
        self.shared = shared
        #: Ids of the APIs and policies created here, in creation order.
        self.created_apis: list[str] = []
        self.created_policies: list[str] = []

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

    def reload(self) -> None:
        for path in self.reload_paths:
            self._call("GET", path)

    def _ids(self, path: str, key: str) -> set[Any]:
        existing = self._call("GET", path)
        return {a.get(key) for a in existing or []} if isinstance(existing, list) else set()

    def _upsert(self, what: str, path: str, key: str, obj_id: str, body: dict[str, Any], created: list[str]) -> None:
        if obj_id in self._ids(path, key):
            if self.shared and obj_id not in created:
                raise GatewaySyncError(f"the gateway at {self.base_url} already has {what} {obj_id!r}, which this run "
                                       "did not create; the harness does not modify it",
                                       hint=f"give the {what} another id, or remove it from that gateway first")
            self._call("PUT", f"{path}/{obj_id}", body)
        else:
            self._call("POST", path, body)
            created.append(obj_id)
        self.reload()

    def put_api(self, apidef: dict[str, Any]) -> None:
        self._upsert("API", "/tyk/apis", "api_id", apidef["api_id"], apidef, self.created_apis)

    def delete_api(self, api_id: str) -> None:
        if self.shared and api_id not in self.created_apis:
            raise GatewaySyncError(f"the harness does not delete API {api_id!r} on the gateway at {self.base_url}: "
                                   "this run did not create it")
        self._call("DELETE", f"/tyk/apis/{api_id}")
        if api_id in self.created_apis:
            self.created_apis.remove(api_id)
        self.reload()

    def put_policy(self, policy: dict[str, Any]) -> None:
        self._upsert("policy", "/tyk/policies", "id", policy["id"], policy, self.created_policies)

    def remove_created(self) -> list[str]:
        """Delete every API and policy created here (newest first), reload once; the
        problems, one line each (an object already gone is one), for the caller to log."""
        problems: list[str] = []
        for path, ids in (("/tyk/apis", self.created_apis), ("/tyk/policies", self.created_policies)):
            for obj_id in reversed(list(ids)):
                try:
                    self._call("DELETE", f"{path}/{obj_id}")
                    ids.remove(obj_id)
                except GatewaySyncError as exc:
                    problems.append(str(exc))
        try:
            self.reload()
        except GatewaySyncError as exc:
            problems.append(str(exc))
        return problems
