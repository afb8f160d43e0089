"""Launcher for the embedded Keycloak emulator (implements
:class:`~harness.products.base.IdpLauncher`, kind ``emulator``)."""

from __future__ import annotations

import logging
from collections.abc import Callable

from harness.core.errors import LaunchError
from harness.products.emulated import EmulatorLauncher
from harness.products.keycloak.emulator.app import create_app, normalize_relative_path
from harness.products.keycloak.emulator.state import KeycloakState
from harness.products.keycloak.profile import KeycloakProfile

log = logging.getLogger(__name__)


class KeycloakEmulatorLauncher(EmulatorLauncher):
    """Serve the emulated Keycloak on ``host:port`` (0 = a free port) in a thread.

    ``version`` picks the release it behaves as (:meth:`KeycloakProfile.for_version`,
    e.g. ``26.4.7``; default 26.7.3); ``profile`` gives the profile instance instead."""

    profile = "keycloak"
    label = "the Keycloak emulator"

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        admin_user: str = "admin",
        admin_password: str = "admin",
        relative_path: str = "",
        ssl_certfile: str | None = None,
        ssl_keyfile: str | None = None,
        ca_bundle: str | None = None,
        profile: KeycloakProfile | None = None,
        clock: Callable[[], float] | None = None,
        version: str | None = None,
    ) -> None:
        if profile is not None and version is not None and profile.version != version:
            raise LaunchError(f"the Keycloak emulator was given profile {profile.version} and version {version}",
                              hint="give one of them")
        if profile is None and version is not None:
            profile = KeycloakProfile.for_version(version)
        super().__init__(host=host, port=port, admin_user=admin_user, admin_password=admin_password,
                         ssl_certfile=ssl_certfile, ssl_keyfile=ssl_keyfile, ca_bundle=ca_bundle)
        self.relative_path = normalize_relative_path(relative_path)
        self.wire_profile = profile or KeycloakProfile()
        self.version: str | None = self.wire_profile.version
        self._clock = clock
        self.state: KeycloakState | None = None

    @property
    def base_url(self) -> str:
        return f"{self.server_url}{self.relative_path}"

    def issuer(self, realm: str = "master") -> str:
        return f"{self.base_url}/realms/{realm}"

    def start(self) -> KeycloakEmulatorLauncher:
        if self.started:
            return self
        kwargs = {"clock": self._clock} if self._clock is not None else {}
        self.state = KeycloakState(
            admin_user=self.admin_user, admin_password=self.admin_password, profile=self.wire_profile, **kwargs
        )
        self._serve(create_app(self.state, self.wire_profile, self.relative_path), "keycloak-emulator")
        log.info("Keycloak emulator %s listening on %s", self.version, self.base_url)
        return self
