"""An IdP someone else runs (a customer's Keycloak, a shared staging server).

Nothing is started or stopped: ``start()`` only proves the server answers
``GET <base>/realms/master`` with 200, and fails with one line naming the URL and
what went wrong otherwise.
"""

from __future__ import annotations

import logging
from pathlib import Path

import requests

from harness.core.deadline import mount_deadline
from harness.core.errors import LaunchError
from harness.core.lifecycle import StartStop
from harness.core.transcript import describe_transport_error

log = logging.getLogger(__name__)


class ExternalKeycloakLauncher(StartStop):
    """A Keycloak reachable at ``base_url`` (including any ``/auth`` relative path)."""

    kind = "external"
    profile = "keycloak"

    def __init__(
        self,
        base_url: str,
        admin_user: str = "admin",
        admin_password: str = "admin",
        verify: bool | str = True,
        *,
        timeout: float = 10.0,
    ) -> None:
        if not base_url.startswith(("http://", "https://")):
            raise LaunchError(
                f"external IdP URL {base_url!r} is not an http(s) URL",
                hint="pass e.g. http://127.0.0.1:8080 or https://sso.example.com/auth",
            )
        self._base_url = base_url.rstrip("/")
        self.admin_user = admin_user
        self.admin_password = admin_password
        self.verify = verify
        #: A CA bundle given as ``verify`` is what clients trust for this server.
        self.ca_bundle: str | None = verify if isinstance(verify, str) else None
        self.timeout = timeout
        self.version: str | None = None
        self.log_path: Path | None = None

    @property
    def base_url(self) -> str:
        return self._base_url

    def issuer(self, realm: str = "master") -> str:
        return f"{self._base_url}/realms/{realm}"

    def start(self) -> ExternalKeycloakLauncher:
        url = f"{self._base_url}/realms/master"
        try:
            with requests.Session() as session:
                # One deadline for connect, headers and body: a server sending one byte a
                # second fails here too (requests' own timeout is per read).
                mount_deadline(session, self.timeout)
                resp = session.get(url, verify=self.verify)
        except requests.RequestException as exc:
            raise LaunchError(
                f"external Keycloak at {url} is not reachable: {describe_transport_error(exc)}",
                hint="check the URL (and its /auth prefix), that the server runs, and TLS settings",
            ) from exc
        if resp.status_code != 200:
            raise LaunchError(
                f"external Keycloak at {url} answered HTTP {resp.status_code}, expected 200",
                hint="check the URL: Keycloak >= 17 has no /auth prefix unless --http-relative-path=/auth",
            )
        try:
            realm = resp.json()
        except ValueError:
            realm = None
        if not isinstance(realm, dict) or "realm" not in realm:
            # Keycloak answers GET /realms/{realm} with its PublishedRealmRepresentation, a JSON
            # object with "realm" (emulator: harness/products/keycloak/emulator/discovery.py realm_info).
            raise LaunchError(
                f"external Keycloak at {url} answered HTTP 200 but not with Keycloak's realm JSON "
                f"(Content-Type {resp.headers.get('Content-Type')!r})",
                hint="check the URL: it must be Keycloak's base URL (with /auth when Keycloak serves under it)",
            )
        log.info("external Keycloak reachable at %s", self._base_url)
        return self

    def stop(self) -> None:
        """Nothing to stop: someone else runs this server."""

