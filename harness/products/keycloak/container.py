"""The real Keycloak in a container, through testcontainers' Keycloak module.

Used wherever a Docker engine exists (shared/DESIGN.md, Principles); image
``quay.io/keycloak/keycloak:<version>``. testcontainers-python's
``KeycloakContainer(image, username, password, port=8080, management_port=9000,
cmd="start-dev")`` polls ``/health/ready`` on the management port and disables
``sslRequired`` in the master realm after boot.
"""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path
from typing import Any

from harness.core.containers import docker_available
from harness.core.errors import LaunchError
from harness.core.lifecycle import StartStop

log = logging.getLogger(__name__)

#: Image repository of the official Keycloak container.
IMAGE_REPOSITORY = "quay.io/keycloak/keycloak"


class KeycloakContainerLauncher(StartStop):
    """Keycloak ``start-dev`` in a container; the same Protocol as the other launchers."""

    kind = "container"
    profile = "keycloak"

    def __init__(
        self,
        version: str | None = None,
        *,
        admin_user: str = "admin",
        admin_password: str = "admin",
        relative_path: str = "",
        log_dir: Path | str | None = None,
        image: str | None = None,
    ) -> None:
        from harness.products.keycloak.dist import DEFAULT_VERSION, ENV_VERSION

        self.version: str | None = version or os.environ.get(ENV_VERSION) or DEFAULT_VERSION
        self.image = image or f"{IMAGE_REPOSITORY}:{self.version}"
        self.admin_user = admin_user
        self.admin_password = admin_password
        path = (relative_path or "").strip().strip("/")
        self.relative_path = f"/{path}" if path else ""
        self.log_dir = Path(log_dir) if log_dir else None
        self.log_path: Path | None = None
        #: ``start-dev`` serves plain HTTP: no certificate to trust.
        self.ca_bundle: str | None = None
        self.boot_seconds: float | None = None
        self._container: Any = None
        self._base_url: str | None = None

    @property
    def base_url(self) -> str:
        if self._base_url is None:
            raise LaunchError("the Keycloak container is not started", hint="call start() first")
        return self._base_url

    def issuer(self, realm: str = "master") -> str:
        return f"{self.base_url}/realms/{realm}"

    def start(self) -> KeycloakContainerLauncher:
        ok, reason = docker_available()
        if not ok:
            raise LaunchError(f"cannot run {self.image}: {reason}", hint="start Docker, or use --idp keycloak-dist")
        try:
            from testcontainers.community.keycloak import KeycloakContainer
        except ImportError as exc:
            raise LaunchError(
                f"testcontainers' Keycloak module is not importable: {exc}",
                hint="pip install 'testcontainers[keycloak]'",
            ) from exc
        container = KeycloakContainer(self.image, username=self.admin_user, password=self.admin_password)
        if self.relative_path:
            container.with_env("KC_HTTP_RELATIVE_PATH", self.relative_path)
        log.info("starting container %s", self.image)
        started = time.monotonic()
        self._container = container
        try:
            container.start()
        except Exception as exc:
            self._save_logs()
            self.stop()
            raise LaunchError(f"container {self.image} did not become ready: {exc}") from exc
        host = container.get_container_host_ip()
        port = container.get_exposed_port(container.port)
        self._base_url = f"http://{host}:{port}{self.relative_path}"
        self.boot_seconds = time.monotonic() - started
        log.info("Keycloak container ready at %s in %.0f s", self._base_url, self.boot_seconds)
        return self

    def _save_logs(self) -> None:
        if self._container is None or self.log_dir is None:
            return
        try:
            out, err = self._container.get_logs()
        except Exception:  # noqa: BLE001 - logs are a courtesy
            return
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self.log_path = self.log_dir / "keycloak.log"
        self.log_path.write_bytes((out or b"") + (err or b""))

    def stop(self) -> None:
        """Stop and remove the container. Idempotent."""
        if self._container is None:
            return
        self._save_logs()
        container, self._container = self._container, None
        try:
            container.stop()
        except Exception:  # noqa: BLE001 - already gone
            log.debug("container already stopped", exc_info=True)

