"""Janssen (Gluu's open-source successor) in containers, for machines with a Docker engine.

Gluu 4 has no single official container, so Gluu 4 itself is modelled by the emulator's
``gluu`` profile; this launcher runs the real successor product instead (shared/reference/
gluu.md "Endpoints"; docs/gluu-vs-janssen.md lists what differs). It starts what upstream's
``docker-jans-monolith/jans-postgres-compose.yml`` starts:

* ``postgres:15.1`` (network alias ``pgsql``; database/user ``jans``);
* ``ghcr.io/janssenproject/jans/monolith:<version>`` with ``CN_INSTALL_PGSQL=true`` and
  ``RDBMS_*`` pointing at it, serving HTTPS on 443 with a self-signed certificate.

First start installs the server inside the container and takes several minutes; readiness
polls ``/.well-known/openid-configuration`` to a deadline. The issuer is
``https://<hostname>`` (``CN_HOSTNAME``), so it equals ``base_url`` only when the host
port is 443 and ``hostname`` resolves to this machine.
"""

from __future__ import annotations

import logging
import time
import uuid
from pathlib import Path
from typing import Any

import requests

from harness.core.containers import docker_available
from harness.core.errors import LaunchError
from harness.core.lifecycle import StartStop

log = logging.getLogger(__name__)

#: Monolith image repository (upstream compose: ``${JANSSEN_IMAGE:-ghcr.io/janssenproject/jans/monolith:1.1.6-1}``).
IMAGE_REPOSITORY = "ghcr.io/janssenproject/jans/monolith"
DEFAULT_VERSION = "1.1.6-1"
#: Database image of upstream's compose file.
POSTGRES_IMAGE = "postgres:15.1"
#: Env var names of the monolith image (docker-jans-monolith/README.md).
ENV_HOSTNAME = "CN_HOSTNAME"
ENV_ADMIN_PASS = "CN_ADMIN_PASS"
#: First boot installs everything: minutes, not seconds.
DEFAULT_READY_TIMEOUT_S = 900.0
LOG_TAIL_LINES = 30


class JanssenContainerLauncher(StartStop):
    """Janssen monolith + PostgreSQL; the same Protocol as the other launchers."""

    kind = "container"
    #: Janssen speaks its own dialect of the Gluu wire protocol (201 on registration,
    #: ``/jans-auth`` paths, "Bearer"): not the emulator's ``gluu`` (Gluu 4) profile.
    profile = "janssen"

    def __init__(
        self,
        version: str = DEFAULT_VERSION,
        *,
        hostname: str = "demoexample.jans.io",
        host_port: int = 443,
        admin_user: str = "admin",
        admin_password: str = "1t5Fin3#security",
        db_password: str | None = None,
        ready_timeout: float = DEFAULT_READY_TIMEOUT_S,
        log_dir: Path | str | None = None,
        image: str | None = None,
    ) -> None:
        self.version: str | None = version
        self.image = image or f"{IMAGE_REPOSITORY}:{version}"
        self.hostname = hostname
        self.host_port = host_port
        self.admin_user = admin_user
        self.admin_password = admin_password
        self.db_password = db_password or uuid.uuid4().hex
        self.ready_timeout = ready_timeout
        self.log_dir = Path(log_dir) if log_dir else None
        self.log_path: Path | None = None
        #: The container's certificate is self-signed and generated inside it.
        self.verify: bool | str = False
        #: No CA bundle the harness knows of (the certificate stays in the container).
        self.ca_bundle: str | None = None
        self._network: Any = None
        self._db: Any = None
        self._jans: Any = None
        self._base_url: str | None = None

    @property
    def base_url(self) -> str:
        if self._base_url is None:
            raise LaunchError("the Janssen container is not started", hint="call start() first")
        return self._base_url

    def issuer(self, realm: str = "master") -> str:
        """``https://<CN_HOSTNAME>``: Janssen has no realms."""
        return f"https://{self.hostname}"

    def _configure(self) -> tuple[Any, Any]:
        """Build (not start) the database and server containers on a private network."""
        from testcontainers.core.container import DockerContainer
        from testcontainers.core.network import Network

        self._network = Network()
        self._network.create()
        db = (
            DockerContainer(POSTGRES_IMAGE)
            .with_env("POSTGRES_USER", "jans")
            .with_env("POSTGRES_PASSWORD", self.db_password)
            .with_env("POSTGRES_DB", "jans")
            .with_network(self._network)
            .with_network_aliases("pgsql")
        )
        jans = (
            DockerContainer(self.image)
            .with_env(ENV_HOSTNAME, self.hostname)
            .with_env(ENV_ADMIN_PASS, self.admin_password)
            .with_env("CN_ORG_NAME", "Janssen")
            .with_env("CN_EMAIL", "support@jans.io")
            .with_env("CN_CITY", "Austin")
            .with_env("CN_STATE", "TX")
            .with_env("CN_COUNTRY", "US")
            .with_env("CN_INSTALL_PGSQL", "true")
            .with_env("CN_INSTALL_CONFIG_API", "true")
            .with_env("CN_INSTALL_SCIM", "false")
            .with_env("CN_INSTALL_FIDO2", "false")
            .with_env("RDBMS_DATABASE", "jans")
            .with_env("RDBMS_USER", "jans")
            .with_env("RDBMS_PASSWORD", self.db_password)
            .with_env("RDBMS_HOST", "pgsql")
            .with_network(self._network)
        )
        if self.host_port:
            jans = jans.with_bind_ports(443, self.host_port)
        else:
            jans = jans.with_exposed_ports(443)
        return db, jans

    def start(self) -> JanssenContainerLauncher:
        ok, why = docker_available()
        if not ok:
            raise LaunchError(f"cannot run Janssen in a container: {why}",
                              hint="use the Gluu emulator (--idp emulator --idp-profile gluu) instead")
        from testcontainers.core.waiting_utils import wait_for_logs

        db, jans = self._configure()
        try:
            self._db = db.start()
            wait_for_logs(self._db, "database system is ready to accept connections", timeout=120)
            self._jans = jans.start()
            port = self.host_port or int(self._jans.get_exposed_port(443))
            self._base_url = f"https://127.0.0.1:{port}" if port != 443 else "https://127.0.0.1"
            self.wait_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def _log_tail(self) -> str:
        try:
            out, err = self._jans.get_logs()
            text = (out or b"").decode("utf-8", "replace") + (err or b"").decode("utf-8", "replace")
        except Exception:  # noqa: BLE001 - best effort for an error message
            return "(no container log)"
        return "\n".join(text.splitlines()[-LOG_TAIL_LINES:])

    def wait_ready(self) -> None:
        """Poll discovery until it answers 200 (a deadline, not a sleep)."""
        url = f"{self.base_url}/.well-known/openid-configuration"
        deadline = time.monotonic() + self.ready_timeout
        last = "no answer yet"
        while time.monotonic() < deadline:
            try:
                resp = requests.get(url, timeout=5, verify=False, headers={"Host": self.hostname})
                if resp.status_code == 200:
                    log.info("Janssen ready at %s", self.base_url)
                    return
                last = f"HTTP {resp.status_code}"
            except requests.RequestException as exc:
                last = type(exc).__name__
            time.sleep(2.0)  # poll interval inside a deadline loop
        raise LaunchError(
            f"Janssen did not answer {url} within {self.ready_timeout:.0f}s (last: {last}); log tail:\n{self._log_tail()}",
            hint="first start takes several minutes; raise ready_timeout or check the container log",
        )

    def stop(self) -> None:
        for name in ("_jans", "_db"):
            container = getattr(self, name)
            if container is not None:
                try:
                    container.stop()
                except Exception as exc:  # noqa: BLE001 - keep stopping the rest
                    log.warning("stopping %s failed: %s", name, exc)
                setattr(self, name, None)
        if self._network is not None:
            try:
                self._network.remove()
            except Exception as exc:  # noqa: BLE001
                log.warning("removing the network failed: %s", exc)
            self._network = None

