"""Ory Hydra v2.3.0 as a reference server for ``dcr-harness check``: an independent,
OpenID Certified provider with RFC 7591/7592 dynamic client registration.

Build (once, into ``~/.cache/dcr-harness/hydra/<version>/bin/hydra``), through the Go
module proxy only: ``go install github.com/ory/hydra/v2@v2.3.0`` fails because the
module's go.mod replaces ``github.com/ory/hydra-client-go/v2`` with a directory the
module zip does not contain, and the proxy has no v2.3.0 of that module. So the build
downloads the module (``go mod download -json``), copies its source, drops the replace
(``go mod edit -dropreplace``), pins hydra-client-go/v2 v2.2.1 with its go.sum lines
(:data:`CLIENT_GO_SUMS`) and builds with the sqlite tags (an in-memory DSN needs them).
Measured here: 1 m 23 s cold, a 42 MB binary.

Run: ``hydra serve all --dev --sqa-opt-out -c <config>`` with an in-memory database,
dynamic client registration on, and ``webfinger.oidc_discovery.client_registration_url``
set (without it discovery has no ``registration_endpoint``). Ready when
``GET /health/ready`` answers 200 (0.2-0.3 s here).
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import stat
import tempfile
from pathlib import Path

from harness.core.errors import LaunchError
from harness.core.process import ProcessServer, cache_root, run_step
from harness.core.serving import free_port

DEFAULT_VERSION = "v2.3.0"
MODULE = "github.com/ory/hydra/v2"
CLIENT_GO = "github.com/ory/hydra-client-go/v2"
#: go.sum lines of hydra-client-go/v2 v2.2.1, the release v2.3.0's go.mod requires once its
#: replace directive is dropped (checksums from sum.golang.org, measured 2026-12-04).
CLIENT_GO_SUMS = (
    f"{CLIENT_GO} v2.2.1 h1:m1821pIX6ybG/3oSAn2wtrbBKNwe9q5A8fLljYuLpBk=",
    f"{CLIENT_GO} v2.2.1/go.mod h1:K83R+iK40+5uF2uQ34yRUrf9izRvFsza9pG2Se5qMmk=",
)
BUILD_TAGS = "sqlite,sqlite_omit_load_extension"


class HydraLauncher(ProcessServer):
    """Ory Hydra on two free loopback ports (public, admin), open dynamic registration."""

    kind = "hydra"
    profile = "generic"
    ready_timeout = 60.0

    def __init__(self, version: str | None = None, *, cache_dir: Path | str | None = None, host: str = "127.0.0.1",
                 port: int | None = None, log_dir: Path | str | None = None) -> None:
        super().__init__(log_dir=log_dir)
        self.version: str | None = version or DEFAULT_VERSION
        self.name = f"Ory Hydra {self.version}"
        self.cache_dir = Path(cache_dir) if cache_dir else cache_root() / "hydra" / self.version
        self.host = host
        self.port = port or free_port(host)
        self.admin_port = free_port(host)
        #: Hydra's registration is open: no admin credentials, no initial access token.
        self.admin_user = ""
        self.admin_password = ""
        self.ca_bundle: str | None = None
        self._run_dir: Path | None = None

    @property
    def binary(self) -> Path:
        return self.cache_dir / "bin" / "hydra"

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def issuer(self, realm: str = "master") -> str:
        """Hydra's issuer is ``urls.self.issuer`` as configured, trailing slash included."""
        return self.base_url + "/"

    def ready_url(self) -> str:
        return f"{self.base_url}/health/ready"

    # -- build ---------------------------------------------------------------------------
    def ensure_built(self) -> None:
        if self.binary.is_file():
            return
        go = shutil.which("go")
        if go is None:
            raise LaunchError(f"{self.name} is not built at {self.binary} and Go is not on PATH",
                              hint="install Go (1.24+), or put a hydra binary there")
        self.log.info("building %s from the Go module proxy into %s (about 1.5 min cold)", self.name, self.binary)
        env = {**os.environ, "GOFLAGS": "-mod=mod", "CGO_ENABLED": "1"}
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        info = json.loads(run_step(f"download {MODULE}@{self.version}", [go, "mod", "download", "-json",
                                                                        f"{MODULE}@{self.version}"],
                                   cwd=self.cache_dir, env=env, logger=self.log))
        src = Path(tempfile.mkdtemp(prefix=".src-", dir=self.cache_dir))
        try:
            shutil.copytree(info["Dir"], src, dirs_exist_ok=True)
            for path in [src, *src.rglob("*")]:  # the module cache is read-only
                path.chmod(path.stat().st_mode | stat.S_IWUSR)
            run_step("drop the hydra-client-go replace", [go, "mod", "edit", "-dropreplace", CLIENT_GO], cwd=src, env=env, logger=self.log)
            with open(src / "go.sum", "a", encoding="utf-8") as fh:
                fh.write("\n".join(CLIENT_GO_SUMS) + "\n")
            self.binary.parent.mkdir(parents=True, exist_ok=True)
            tmp_bin = self.binary.with_suffix(".new")
            run_step(f"go build {self.name}", [
                go, "build", "-tags", BUILD_TAGS, "-trimpath",
                "-ldflags", f"-s -w -X github.com/ory/hydra/v2/driver/config.Version={self.version}",
                "-o", str(tmp_bin), ".",
            ], cwd=src, env=env, logger=self.log)
            os.replace(tmp_bin, self.binary)  # never a half-written binary at the final path
        finally:
            shutil.rmtree(src, ignore_errors=True)

    # -- run -----------------------------------------------------------------------------
    def _configure(self) -> tuple[list[str], dict[str, str], Path]:
        self._run_dir = Path(tempfile.mkdtemp(prefix="dcr-harness-hydra-"))
        config = {
            "dsn": "memory",
            "serve": {"public": {"host": self.host, "port": self.port}, "admin": {"host": self.host, "port": self.admin_port}},
            "urls": {"self": {"issuer": self.issuer(), "public": self.issuer()}},
            "oidc": {"dynamic_client_registration": {"enabled": True}},
            "webfinger": {"oidc_discovery": {"client_registration_url": f"{self.base_url}/oauth2/register"}},
            "secrets": {"system": [secrets.token_hex(24)]},
            "log": {"level": "warn"},
        }
        path = self._run_dir / "hydra.json"  # JSON is YAML: Hydra reads it with -c
        path.write_text(json.dumps(config))
        return [str(self.binary), "serve", "all", "--dev", "--sqa-opt-out", "-c", str(path)], dict(os.environ), self._run_dir

    def stop(self) -> None:
        super().stop()
        if self._run_dir is not None:
            shutil.rmtree(self._run_dir, ignore_errors=True)
            self._run_dir = None
