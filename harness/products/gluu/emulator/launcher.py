"""Run the Gluu 4 emulator on a loopback port (the ``emulator`` kind, ``gluu`` profile).

Same Protocol as every launcher (harness.products.base.IdpLauncher); served by
harness.core.serving.BackgroundServer. The issuer is the server root, as in Gluu.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from harness.products.emulated import EmulatorLauncher
from harness.products.gluu.emulator.app import create_app
from harness.products.gluu.emulator.keys import KeyFactory
from harness.products.gluu.emulator.state import GluuState
from harness.products.gluu.profile import GluuProfile

log = logging.getLogger(__name__)


class GluuEmulatorLauncher(EmulatorLauncher):
    """An emulated Gluu ``version`` ("4.2" or "4.4") at ``http(s)://host:port``."""

    profile = "gluu"
    label = "the Gluu emulator"

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        version: str = "4.2",
        admin_user: str = "admin",
        admin_password: str = "admin",
        ssl_certfile: str | None = None,
        ssl_keyfile: str | None = None,
        ca_bundle: str | None = None,
        key_seed: int | None = None,
        key_factory: KeyFactory | None = None,
        gluu_profile: GluuProfile | None = None,
        log_dir: Path | str | None = None,
        **profile_overrides: Any,
    ) -> None:
        """``key_seed`` fixes the keys (default: state.DEFAULT_KEY_SEED, whose P-256 key
        hits the EC fault); ``ca_bundle`` is the PEM file that verifies ``ssl_certfile``
        (the IdpLauncher Protocol's ``ca_bundle``); ``gluu_profile`` replaces the version's profile and
        ``profile_overrides`` change single fields of it (e.g. ``error_reason_enabled=True``)."""
        super().__init__(host=host, port=port, admin_user=admin_user, admin_password=admin_password,
                         ssl_certfile=ssl_certfile, ssl_keyfile=ssl_keyfile, ca_bundle=ca_bundle)
        self.key_seed = key_seed
        self.key_factory = key_factory
        base = gluu_profile or GluuProfile.for_version(version)
        self.gluu_profile = base.with_(**profile_overrides) if profile_overrides else base
        self.version: str | None = self.gluu_profile.version
        self.log_dir = Path(log_dir) if log_dir else None
        self.state: GluuState | None = None

    @property
    def base_url(self) -> str:
        return self.server_url

    def issuer(self, realm: str = "master") -> str:
        """Gluu has no realms: the issuer is the server root (ce-setup ``issuer``)."""
        return self.base_url

    def start(self) -> GluuEmulatorLauncher:
        if self.started:
            return self
        state = GluuState(
            self.gluu_profile,
            key_seed=self.key_seed,
            key_factory=self.key_factory,
            admin_user=self.admin_user,
            admin_password=self.admin_password,
        )
        self.state = state

        def bound(url: str) -> None:
            state.base_url = url  # the socket is bound: the URL is final

        self._serve(create_app(state), f"gluu-{self.version}-emulator", bound=bound)
        log.info("Gluu %s emulator at %s", self.version, self.server_url)
        return self
