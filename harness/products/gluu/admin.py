"""Gluu admin steps: what the guide does in oxTrust ("Configuration → JSON Configuration →
OxAuth Configuration": ``jwksAlgorithmsSupported``, then "Save OxAuth Configuration").

Against the emulator this talks to its admin endpoint (``PUT /dcr-harness/admin/configuration``,
HTTP Basic with the launcher's admin credentials; harness/products/gluu/emulator/admin.py).
"""

from __future__ import annotations

import logging
from typing import Any

import requests

from harness.core.errors import HarnessError
from harness.core.transcript import describe_transport_error

log = logging.getLogger(__name__)

CONFIG_PATH = "/dcr-harness/admin/configuration"


class GluuAdmin:
    """Changes oxAuth's runtime configuration of the Gluu at ``base_url``."""

    def __init__(
        self,
        base_url: str,
        admin_user: str,
        admin_password: str,
        session: requests.Session | None = None,
        *,
        timeout: float = 10.0,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.admin_user = admin_user
        # Basic credentials: a RecordingSession masks them and teaches the run's redactor
        # the password (harness.core.redact); no error message here contains them.
        self.admin_password = admin_password
        self.session = session or requests.Session()
        self.timeout = timeout

    def _call(self, method: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        url = f"{self.base_url}{CONFIG_PATH}"
        try:
            resp = self.session.request(
                method, url, json=body, auth=(self.admin_user, self.admin_password), timeout=self.timeout
            )
        except requests.RequestException as exc:
            raise HarnessError(
                f"Gluu admin endpoint {url} is not reachable: {describe_transport_error(exc)}",
                hint="start the Gluu emulator first (real Gluu: change it in oxTrust)",
            ) from exc
        if resp.status_code == 401:
            raise HarnessError(f"Gluu admin endpoint {url} refused the admin credentials (HTTP 401)",
                               hint="use the launcher's admin_user/admin_password")
        if resp.status_code != 200:
            try:
                detail = str(resp.json().get("error_description", ""))
            except ValueError:
                detail = resp.text[:200]
            raise HarnessError(f"Gluu admin endpoint {url} answered HTTP {resp.status_code}: {detail}")
        data = resp.json()
        if not isinstance(data, dict):
            raise HarnessError(f"Gluu admin endpoint {url} answered a non-object body")
        return data

    def get_configuration(self) -> dict[str, Any]:
        """``{"jwksAlgorithmsSupported": [...], "dynamicRegistrationEnabled": bool, "errorReasonEnabled": bool}``."""
        return self._call("GET")

    def set_configuration(
        self,
        jwks_algorithms_supported: list[str] | tuple[str, ...] | None = None,
        dynamic_registration_enabled: bool | None = None,
        error_reason_enabled: bool | None = None,
    ) -> dict[str, Any]:
        """Change the given members only; returns the configuration now in force."""
        body: dict[str, Any] = {}
        if jwks_algorithms_supported is not None:
            body["jwksAlgorithmsSupported"] = list(jwks_algorithms_supported)
        if dynamic_registration_enabled is not None:
            body["dynamicRegistrationEnabled"] = bool(dynamic_registration_enabled)
        if error_reason_enabled is not None:
            body["errorReasonEnabled"] = bool(error_reason_enabled)
        result = self._call("PUT", body)
        log.info("Gluu oxAuth configuration set: %s", sorted(body))
        return result

    def restrict_jwks_to_rsa(self) -> dict[str, Any]:
        """The guide's fix (step 3): publish RS256/RS384/RS512 keys only."""
        from harness.products.gluu.profile import GUIDE_RSA_ONLY_JWKS_ALGORITHMS

        return self.set_configuration(jwks_algorithms_supported=GUIDE_RSA_ONLY_JWKS_ALGORITHMS)
