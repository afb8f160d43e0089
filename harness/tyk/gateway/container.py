"""The real Tyk gateway in a container (kind ``container``), through testcontainers.

Images: ``tykio/tyk-gateway:<tag>`` (Tyk's official gateway image; it runs
``/opt/tyk-gateway/tyk --conf=/opt/tyk-gateway/tyk.conf`` and keeps its error templates in
``/opt/tyk-gateway/templates``) and a Redis image. Both containers use the host's network
(``network_mode=host``, Linux Docker engines): the gateway must reach the upstream echo
server and the IdP's JWKS on the harness's loopback addresses, exactly as the ``tyk-oss``
launcher's gateway does, and the harness reaches the gateway on ``127.0.0.1:<port>``.

The tyk.conf is the ``tyk-oss`` one (:mod:`harness.tyk.gateway.tyk_oss`) with the
container's own paths, mounted read-only. Used wherever a Docker engine exists; elsewhere
the registry's availability check says why not (no engine) and faces skip or stop early.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import requests

from harness.core.containers import docker_available
from harness.core.errors import LaunchError
from harness.core.lifecycle import StartStop
from harness.core.serving import free_port
from harness.tyk.gateway.tyk_oss import BLOCKING_RELOAD, HELLO, REDIS_HOST, claim_log, real_tyk_conf

log = logging.getLogger(__name__)

#: Env vars overriding the images (``DCR_TYK_IMAGE=tykio/tyk-gateway:v5.9.1``).
ENV_IMAGE = "DCR_TYK_IMAGE"
ENV_REDIS_IMAGE = "DCR_TYK_REDIS_IMAGE"
#: Tyk's official gateway image.
IMAGE_REPOSITORY = "tykio/tyk-gateway"
#: Gateway image tag run by default.
DEFAULT_TAG = "v5.10.0"
#: Redis image: the major version measured with the tyk-oss launcher (Debian's 7.0.15).
DEFAULT_REDIS_IMAGE = "redis:7.0"
#: Where the image keeps Tyk.
TYK_HOME = "/opt/tyk-gateway"


class TykContainerLauncher(StartStop):
    """Tyk's gateway image and a Redis image on the host network."""

    kind = "container"
    reload_paths: tuple[str, ...] = (BLOCKING_RELOAD,)
    shared = False

    def __init__(
        self,
        *,
        tyk_conf: dict[str, Any] | None = None,
        image: str | None = None,
        redis_image: str | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        log_dir: Path | str | None = None,
        ready_timeout: float = 120.0,
    ) -> None:
        self.tyk_conf, self.ca_bundle = real_tyk_conf(tyk_conf)
        self.secret: str = str(self.tyk_conf["secret"])
        self.image = image or os.environ.get(ENV_IMAGE) or f"{IMAGE_REPOSITORY}:{DEFAULT_TAG}"
        self.redis_image = redis_image or os.environ.get(ENV_REDIS_IMAGE) or DEFAULT_REDIS_IMAGE
        self.host = host
        self.port = port
        self.log_dir = Path(log_dir) if log_dir else None
        self.log_path: Path | None = None
        self.ready_timeout = ready_timeout
        #: ``/hello``'s version once started.
        self.version: str | None = None
        self._containers: list[Any] = []
        self._run_dir: Path | None = None
        self._base_url: str | None = None

    @property
    def base_url(self) -> str:
        if self._base_url is None:
            raise LaunchError("the Tyk gateway container is not started", hint="call start() first")
        return self._base_url

    def describe(self) -> str:
        return f"Tyk {self.version or '(version unknown)'} (container {self.image})"

    def log_mark(self) -> int:
        return 0

    def why_refused(self, mark: int) -> str | None:
        """None: this gateway's log is not read during the run."""
        return None

    def start(self) -> TykContainerLauncher:
        if self._base_url is not None:
            return self
        ok, reason = docker_available()
        if not ok:
            raise LaunchError(f"cannot run {self.image}: {reason}", hint="start Docker, or use --gateway tyk-oss")
        try:
            from testcontainers.core.container import DockerContainer
        except ImportError as exc:
            raise LaunchError(f"testcontainers is not importable: {exc}", hint="pip install testcontainers") from exc
        port = self.port or free_port(self.host)
        redis_port = free_port(REDIS_HOST)
        self._run_dir = run = Path(tempfile.mkdtemp(prefix="dcr-harness-tyk-container-"))
        conf = {**self.tyk_conf, "listen_address": self.host, "listen_port": port,
                "template_path": f"{TYK_HOME}/templates", "use_db_app_configs": False, "app_path": f"{TYK_HOME}/apps",
                "policies": {"policy_source": "file", "policy_path": f"{TYK_HOME}/policies"},
                "storage": {"type": "redis", "host": REDIS_HOST, "port": redis_port},
                "enable_analytics": False, "hash_keys": True}
        (run / "tyk.conf").write_text(json.dumps(conf, indent=2))
        try:
            redis = (DockerContainer(self.redis_image).with_kwargs(network_mode="host")
                     .with_command(f"redis-server --port {redis_port} --bind {REDIS_HOST} --save '' --appendonly no"))
            self._containers.append(redis)
            log.info("starting container %s", self.redis_image)
            redis.start()
            gateway = (DockerContainer(self.image).with_kwargs(network_mode="host")
                       .with_volume_mapping(str(run / "tyk.conf"), f"{TYK_HOME}/tyk.conf", "ro"))
            if self.ca_bundle:
                gateway = (gateway.with_volume_mapping(self.ca_bundle, "/etc/dcr-harness/ca.pem", "ro")
                           .with_env("SSL_CERT_FILE", "/etc/dcr-harness/ca.pem"))
            self._containers.append(gateway)
            log.info("starting container %s", self.image)
            gateway.start()
            self._wait_ready(f"http://{self.host}:{port}")
        except BaseException:
            self.stop()
            raise
        self._base_url = f"http://{self.host}:{port}"
        return self

    def _wait_ready(self, base: str) -> None:
        deadline = time.monotonic() + self.ready_timeout
        last = "no answer yet"
        while time.monotonic() < deadline:
            try:
                resp = requests.get(base + HELLO, timeout=2)
                if resp.status_code == 200:
                    check = requests.get(base + "/tyk/apis", headers={"x-tyk-authorization": self.secret}, timeout=2)
                    if check.status_code != 200:
                        raise LaunchError(f"the gateway at {base} refuses this run's secret (HTTP {check.status_code}): "
                                          "another gateway holds the port")
                    self.version = str(resp.json().get("version") or "") or None
                    return
                last = f"HTTP {resp.status_code}"
            except (requests.RequestException, ValueError) as exc:
                last = type(exc).__name__
            time.sleep(0.5)  # poll interval, bounded by the deadline above
        raise LaunchError(f"the Tyk gateway container was not ready at {base}{HELLO} after {self.ready_timeout:.0f} s "
                          f"(last: {last})", hint="read the container log in the report directory")

    def _save_logs(self) -> None:
        if not self._containers or self.log_dir is None:
            return
        try:
            out, err = self._containers[-1].get_logs()
        except Exception:  # noqa: BLE001 - logs are a courtesy
            return
        self.log_path = claim_log(self.log_dir)
        self.log_path.write_bytes((out or b"") + (err or b""))

    def stop(self) -> None:
        """Stop and remove both containers. Idempotent."""
        self._save_logs()
        while self._containers:
            container = self._containers.pop()
            try:
                container.stop()
            except Exception:  # noqa: BLE001 - already gone
                log.debug("container already stopped", exc_info=True)
        self._base_url = None
        if self._run_dir is not None:
            shutil.rmtree(self._run_dir, ignore_errors=True)
            self._run_dir = None
