"""Spring Authorization Server 7.0.6 as a reference server for ``dcr-harness check``:
an independent implementation of OpenID Connect Dynamic Client Registration 1.0 (at
``/connect/register``, with the OIDC read-only configuration endpoint) and RFC 7591 (at
``/oauth2/register``).

The application is kept here as sources (``app/``: pom.xml with the Spring Boot 4.0.7
parent, whose ``spring-boot-starter-security-oauth2-authorization-server`` brings
``spring-security-oauth2-authorization-server`` 7.0.6, and one Java class) and built
once with Maven into ``~/.cache/dcr-harness/spring-as/<version>/dcr-spring-as.jar``
(6.6 s here, plus downloads); a stamp of the sources' digest rebuilds it when they change.

Registration needs an initial access token: the ``registrar`` client (its secret is
generated per launch) gets one with ``client_credentials`` and scope ``client.create``
(single-use: each registration needs a fresh one — ``--registrar-client-id``).
Ready when ``GET /.well-known/openid-configuration`` answers 200 (3.6-12 s here).
"""

from __future__ import annotations

import hashlib
import os
import secrets
import shutil
import tempfile
from importlib import resources
from pathlib import Path

from harness.core.errors import LaunchError
from harness.core.process import ProcessServer, cache_root, run_step
from harness.core.serving import free_port

#: The Spring Authorization Server release the pom resolves (through the Boot 4.0.7 parent).
DEFAULT_VERSION = "7.0.6"
JAR = "dcr-spring-as.jar"
#: The registrar client the app defines (AuthServerApp.registeredClientRepository).
REGISTRAR_CLIENT_ID = "registrar"
REGISTRAR_SCOPE = "client.create"
#: Files of the Maven project, relative to app/ (package data).
APP_FILES = ("pom.xml", "src/main/java/dcrharness/AuthServerApp.java", "src/main/resources/application.properties")


def _app_file(name: str) -> bytes:
    return resources.files("harness.products.spring_as").joinpath("app", name).read_bytes()


def sources_digest() -> str:
    h = hashlib.sha256()
    for name in APP_FILES:
        h.update(name.encode() + b"\0" + _app_file(name))
    return h.hexdigest()[:16]


class SpringAsLauncher(ProcessServer):
    """Spring Authorization Server on a free loopback port."""

    kind = "spring-as"
    profile = "generic"
    ready_timeout = 90.0

    def __init__(self, version: str | None = None, *, cache_dir: Path | str | None = None, host: str = "127.0.0.1",
                 port: int | None = None, log_dir: Path | str | None = None) -> None:
        super().__init__(log_dir=log_dir)
        self.version: str | None = version or DEFAULT_VERSION
        if self.version != DEFAULT_VERSION:
            raise LaunchError(f"the Spring Authorization Server sources here build {DEFAULT_VERSION}, not {self.version}")
        self.name = f"Spring Authorization Server {self.version}"
        self.cache_dir = Path(cache_dir) if cache_dir else cache_root() / "spring-as" / self.version
        self.host = host
        self.port = port or free_port(host)
        self.registrar_client_id = REGISTRAR_CLIENT_ID
        self.registrar_client_secret = secrets.token_urlsafe(24)
        self.registrar_scope = REGISTRAR_SCOPE
        self.admin_user = ""
        self.admin_password = ""
        self.ca_bundle: str | None = None

    @property
    def jar(self) -> Path:
        return self.cache_dir / JAR

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def issuer(self, realm: str = "master") -> str:
        return self.base_url

    def ready_url(self) -> str:
        return f"{self.base_url}/.well-known/openid-configuration"

    def ensure_built(self) -> None:
        stamp = self.cache_dir / f"{JAR}.sources"
        digest = sources_digest()
        if self.jar.is_file() and stamp.is_file() and stamp.read_text().strip() == digest:
            return
        mvn = shutil.which("mvn")
        if mvn is None:
            raise LaunchError(f"{self.name} is not built at {self.jar} and Maven (mvn) is not on PATH",
                              hint="install Maven and a JDK 17+")
        self.log.info("building %s with Maven into %s", self.name, self.jar)
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        build = Path(tempfile.mkdtemp(prefix=".build-", dir=self.cache_dir))
        try:
            for name in APP_FILES:
                target = build / name
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(_app_file(name))
            run_step(f"mvn package {self.name}", [mvn, "-B", "-q", "-DskipTests", "package"], cwd=build, logger=self.log)
            os.replace(build / "target" / JAR, self.jar)
            stamp.write_text(digest)
        finally:
            shutil.rmtree(build, ignore_errors=True)

    def _configure(self) -> tuple[list[str], dict[str, str], Path]:
        java_home = os.environ.get("JAVA_HOME")
        java = str(Path(java_home) / "bin" / "java") if java_home else (shutil.which("java") or "java")
        argv = [java, "-jar", str(self.jar), f"--server.port={self.port}", f"--server.address={self.host}",
                f"--dcr.issuer={self.issuer()}"]
        # dcr.registrar.client-secret through Spring Boot's relaxed env binding: not in the process list.
        env = {**os.environ, "DCR_REGISTRAR_CLIENTSECRET": self.registrar_client_secret}
        return argv, env, self.cache_dir
