"""Gluu's clients as oxTrust shows them (oxTrust → OpenID Connect → Clients): find a
client by its display name, delete it, and show what oxAuth stored for it.

Gluu 4 has no admin REST API the harness drives (Gluu 4 docs, "OpenID Connect Clients":
clients are managed in oxTrust's UI); the emulator serves the same view at
``/dcr-harness/admin/clients`` (HTTP Basic with the launcher's admin credentials;
harness/products/gluu/emulator/admin.py). A server without that endpoint answers 404,
which is reported as one line naming the console path instead.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import requests

from harness.core.errors import HarnessError
from harness.core.jsonbody import json_objects
from harness.core.transcript import describe_transport_error
from harness.products.product import StoredClient

CLIENTS_PATH = "/dcr-harness/admin/clients"
#: What a person does instead where the endpoint does not exist (a real Gluu).
CONSOLE_PATH = "oxTrust → OpenID Connect → Clients"


class GluuClients:
    """:class:`harness.products.product.ClientAdmin` for one Gluu server."""

    def __init__(self, base_url: str, admin_user: str, admin_password: str, *,
                 session: requests.Session | None = None, timeout: float | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.admin_user = admin_user
        # Basic credentials: a RecordingSession masks them (harness.core.redact).
        self.admin_password = admin_password
        self.session = session or requests.Session()
        self.timeout = timeout if timeout is not None else float(getattr(self.session, "default_timeout", 30.0))

    def _call(self, what: str, method: str, path: str, **kwargs: Any) -> requests.Response:
        url = f"{self.base_url}{path}"
        try:
            resp = self.session.request(method, url, auth=(self.admin_user, self.admin_password),
                                        timeout=self.timeout, **kwargs)
        except requests.RequestException as exc:
            raise HarnessError(f"{what}: {url} is not reachable: {describe_transport_error(exc)}") from None
        if resp.status_code == 404 and method == "GET":
            raise HarnessError(f"{what}: {url} answered 404: this Gluu has no admin endpoint the harness "
                               f"reads (only the emulator serves one); look in {CONSOLE_PATH}")
        if resp.status_code == 401:
            raise HarnessError(f"{what}: {url} refused the admin credentials (HTTP 401)")
        return resp

    def _list(self, what: str, params: dict[str, str] | None = None) -> list[dict[str, Any]]:
        resp = self._call(what, "GET", CLIENTS_PATH, params=params)
        if resp.status_code != 200:
            raise HarnessError(f"{what}: HTTP {resp.status_code} {resp.text[:200]}")
        return json_objects(resp, what)

    def find_by_name(self, name: str) -> list[dict[str, Any]]:
        return [{"id": c.get("inum"), "client_id": c.get("inum"), "name": c.get("displayName")}
                for c in self._list("list Gluu clients") if c.get("displayName") == name]

    def delete(self, internal_id: str) -> None:
        what = f"delete Gluu client {internal_id}"
        resp = self._call(what, "DELETE", f"{CLIENTS_PATH}/{quote(internal_id, safe='')}")
        if resp.status_code not in (204, 404):
            raise HarnessError(f"{what}: HTTP {resp.status_code} {resp.text[:200]}")

    def stored(self, client_id: str) -> StoredClient | None:
        found = [c for c in self._list(f"read Gluu client {client_id}", {"client_id": client_id})
                 if c.get("inum") == client_id]
        if not found:
            return None
        return stored_client(found[0], source=f"{CLIENTS_PATH}?client_id={client_id} (what {CONSOLE_PATH} shows)")


def _strings(value: Any) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else ([str(value)] if value else [])


def stored_client(entry: dict[str, Any], *, source: str = "") -> StoredClient:
    """An ``oxAuthClient`` entry read as RFC 7591 metadata: oxAuth stores the grant and
    response types themselves, after its registration auto-fix (GluuProfile.grant_type_autofix:
    ``response_types: [token]`` adds the ``implicit`` grant on 4.0-4.3). Gluu has no
    service-account switch (``service_account`` is ``None``)."""
    native = {k: v for k, v in entry.items() if k not in ("inum", "displayName")}
    return StoredClient(
        client_id=str(entry.get("inum")), grant_types=_strings(entry.get("oxAuthGrantType")),
        response_types=_strings(entry.get("oxAuthResponseType")),
        token_endpoint_auth_method=str(entry.get("oxAuthTokenEndpointAuthMethod") or "client_secret_basic"),
        service_account=None, redirect_uris=_strings(entry.get("oxAuthRedirectURI")), native=native, source=source)
