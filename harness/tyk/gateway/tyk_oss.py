"""The real open-source Tyk gateway as the World's gateway (kind ``tyk-oss``).

The harness runs a Tyk gateway *binary the user has*; it cannot build one here: the Go
module proxy refuses ``github.com/TykTechnologies/tyk`` at every version (``403 This
module version is not available``; measured, shared/reference/tyk.md "Running the real
open-source gateway here"). Where the binary comes from, first found wins:

1. ``tyk_bin`` (``--tyk-bin PATH``), else ``$DCR_HARNESS_TYK_BIN``;
2. ``tyk`` on PATH (Tyk's packages install ``/opt/tyk-gateway/tyk``);
3. the cache: ``$DCR_HARNESS_CACHE/tyk/<commit>/tyk`` (default root
   ``~/.cache/dcr-harness``), ``<commit>`` the first 8 hex of the pinned
   :data:`~harness.tyk.gateway.fields_gen.TYK_COMMIT`: where a binary built from a
   checkout at that commit is kept.

Its error templates (tyk.conf ``template_path``: the JSON error bodies come from
``templates/error.json``) are the ``templates/`` folder beside the binary (after
resolving symlinks), else ``/opt/tyk-gateway/templates``.

Each start gets its own run directory (``tyk.conf``, ``apps/``, ``policies/``, Redis data,
logs) and its own Redis (:class:`~harness.tyk.gateway.redis_server.RedisServer`). The
tyk.conf is the measured working one: ``policies.policy_path`` is required for policies
managed through the REST API (with only ``policy_record_name`` a POST says "added" but
writes to the working directory and GET stays empty). Facts measured on
v5.15.0-dev+381c1935: ``GET /hello`` answers 200 about 0.2 s after start (also with no
API loaded); when its port is taken Tyk logs "address already in use" and keeps running,
so readiness also checks that the process listening is ours; it exits about 3 s after
SIGTERM; ``GET /tyk/reload/group`` returns before the reload is done, ``GET
/tyk/reload?block=true`` waits for it (0.4-0.8 s).

The gateway decides in another process: there is no decision log to read and no clock
to move. Why it refused a request is what Tyk *logs* (logrus lines ``level=error
msg="JWT validation error" error="..."``); :meth:`TykOssGatewayLauncher.why_refused`
reads them back from the log.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import requests

from harness.core.errors import ConfigError, LaunchError
from harness.core.lifecycle import StartStop
from harness.core.processes import ChildProcess, listening_pids
from harness.core.serving import free_port
from harness.tyk.gateway.fields_gen import TYK_COMMIT, TYK_MODULE
from harness.tyk.gateway.redis_server import RedisServer

log = logging.getLogger(__name__)

#: Env var naming the Tyk gateway binary to run.
ENV_TYK_BIN = "DCR_HARNESS_TYK_BIN"
#: Env var overriding the cache root (the Tyk cache is ``<root>/tyk``), shared with Keycloak's.
ENV_CACHE = "DCR_HARNESS_CACHE"
#: Where Tyk's deb/rpm packages install the gateway.
PACKAGE_HOME = Path("/opt/tyk-gateway")
#: Tyk's health check (tyk.conf ``health_check_endpoint_name`` defaults to ``hello``).
HELLO = "/hello"
#: The reload that waits until the new configuration is live (gateway/api.go resetHandler).
BLOCKING_RELOAD = "/tyk/reload?block=true"
#: Attempts with a fresh port when another process holds the one picked.
PORT_ATTEMPTS = 3
#: Redis listens on loopback only, whatever address the gateway serves on (it has no password).
REDIS_HOST = "127.0.0.1"
#: Seconds after SIGTERM before SIGKILL (Tyk takes about 3 s to shut down).
STOP_GRACE_S = 10.0
#: Run directories: ``<tmp>/dcr-harness-tyk-*``, each naming the process that owns it.
RUN_DIR_PREFIX = "dcr-harness-tyk-"
OWNER_FILE = ".dcr-harness.pid"
#: Keys of the harness's own ``dcr_harness`` tyk.conf section the real gateway can honour.
_HONOURED_EXTRAS = frozenset({"jwks_ca_bundle", "jwks_fetch_timeout"})
#: A logrus text line: ``time="..." level=error msg="..." key=value key="quoted value"``.
_LOGFMT = re.compile(r'(\w+)=("(?:[^"\\]|\\.)*"|\S*)')


def cache_root() -> Path:
    """``$DCR_HARNESS_CACHE/tyk``, else ``~/.cache/dcr-harness/tyk``."""
    root = os.environ.get(ENV_CACHE)
    base = Path(root).expanduser() if root else Path.home() / ".cache" / "dcr-harness"
    return base / "tyk"


def cached_binary(commit: str = TYK_COMMIT) -> Path:
    """Where a gateway built from a checkout at ``commit`` is kept: ``<cache>/<commit[:8]>/tyk``."""
    return cache_root() / commit[:8] / "tyk"


def claim_log(directory: Path, stem: str = "tyk-gateway") -> Path:
    """A new log file in ``directory``: ``tyk-gateway.log``, else ``tyk-gateway-2.log``, ...
    (created exclusively: gateways sharing a report directory, as the pytest fixture's
    worlds do, never write to, or redact, each other's log)."""
    directory.mkdir(parents=True, exist_ok=True)
    for n in range(1, 10_000):
        path = directory / (f"{stem}.log" if n == 1 else f"{stem}-{n}.log")
        try:
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644))
        except FileExistsError:
            continue
        return path
    raise LaunchError(f"no free log file name for {stem} in {directory}", hint="clean the report directory")


def remove_stale_run_dirs(tmp: Path | None = None) -> None:
    """Delete run directories whose owning process is gone (a run killed with SIGKILL: its
    Tyk and Redis died with it, by the parent-death signal, but their files stayed)."""
    for run in Path(tmp or tempfile.gettempdir()).glob(RUN_DIR_PREFIX + "*"):
        try:
            owner = int((run / OWNER_FILE).read_text())
        except (OSError, ValueError):
            continue  # being created, or not ours
        try:
            os.kill(owner, 0)
        except ProcessLookupError:
            shutil.rmtree(run, ignore_errors=True)
        except PermissionError:
            pass


def no_binary_hint() -> str:
    return (f"give a Tyk gateway binary with --tyk-bin PATH or ${ENV_TYK_BIN} (Tyk's packages or release "
            f"archives from https://github.com/TykTechnologies/tyk/releases, or one built from a checkout "
            f"with `go build`), put `tyk` on PATH, or keep one at {cached_binary()}")


def find_binary(tyk_bin: str | Path | None = None) -> tuple[Path | None, str]:
    """The Tyk gateway binary to run and where it was found, or ``(None, why not)``.

    A binary named explicitly (``tyk_bin``, ``$DCR_HARNESS_TYK_BIN``) must exist; the
    others are looked for in order (module docstring)."""
    explicit = [(tyk_bin, "--tyk-bin"), (os.environ.get(ENV_TYK_BIN), f"${ENV_TYK_BIN}")]
    for value, where in explicit:
        if value:
            path = Path(value).expanduser()
            if not (path.is_file() and os.access(path, os.X_OK)):
                return None, f"{where}={path} is not an executable file"
            return path, where
    on_path = shutil.which("tyk")
    if on_path:
        return Path(on_path), "PATH"
    cached = cached_binary()
    if cached.is_file() and os.access(cached, os.X_OK):
        return cached, "the cache"
    return None, (f"no Tyk gateway binary: the Go module proxy here refuses {TYK_MODULE} (403 \"This module "
                  f"version is not available\"), so the harness cannot build it")


def availability(tyk_bin: str | Path | None = None) -> tuple[bool, str]:
    """Whether ``--gateway tyk-oss`` can run here: a Tyk binary and ``redis-server``."""
    from harness.tyk.gateway.redis_server import INSTALL_HINT, REDIS_PROGRAM, find_redis

    binary, where = find_binary(tyk_bin)
    if binary is None:
        return False, where
    if find_redis() is None:
        return False, f"{REDIS_PROGRAM} is not on PATH ({INSTALL_HINT})"
    return True, f"{binary} (from {where})"


def find_templates(binary: Path) -> Path | None:
    """Tyk's ``templates/`` folder for ``binary``: beside it (symlinks resolved), else the package's."""
    for home in (binary.resolve().parent, binary.parent, PACKAGE_HOME):
        if (home / "templates" / "error.json").is_file():
            return home / "templates"
    return None


def real_tyk_conf(tyk_conf: dict[str, Any] | None) -> tuple[dict[str, Any], str | None]:
    """``(tyk.conf for the real gateway, CA bundle for its JWKS fetches)`` from the World's
    tyk.conf: a random ``secret`` when it has none; the harness's own ``dcr_harness`` section
    removed, its ``jwks_ca_bundle`` returned (it becomes ``SSL_CERT_FILE``). ConfigError for
    a ``dcr_harness`` switch of the harness gateway's modelled behaviour: the real gateway
    has no such setting, and ignoring it would be silent."""
    import secrets

    conf = {"secret": secrets.token_urlsafe(16), **(tyk_conf or {})}
    extras = conf.pop("dcr_harness", None) or {}
    unknown = sorted(set(extras) - _HONOURED_EXTRAS)
    if unknown:
        raise ConfigError(f"tyk.conf dcr_harness.{unknown[0]} switches a behaviour of the harness's own gateway; "
                          "the real Tyk gateway has no such setting", hint="remove it, or use --gateway harness")
    return conf, (extras.get("jwks_ca_bundle") or None)


def parse_logfmt(line: str) -> dict[str, str]:
    """The key/value pairs of one logrus text line (quoted values unquoted)."""
    out: dict[str, str] = {}
    for key, raw in _LOGFMT.findall(line):
        if raw.startswith('"'):
            try:
                raw = json.loads(raw)
            except ValueError:
                raw = raw[1:-1]
        out[key] = raw
    return out


class TykOssGatewayLauncher(StartStop):
    """The real Tyk gateway binary with its own Redis, in a temp run directory."""

    kind = "tyk-oss"
    #: Blocking reload: the next step sees the new configuration (module docstring).
    reload_paths: tuple[str, ...] = (BLOCKING_RELOAD,)
    #: Objects pushed to it die with it: nothing to remove at the end.
    shared = False

    def __init__(
        self,
        *,
        tyk_conf: dict[str, Any] | None = None,
        tyk_bin: str | Path | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        log_dir: Path | str | None = None,
        ready_timeout: float = 30.0,
    ) -> None:
        """``tyk_conf``: tyk.conf keys to set (``secret``, ``jwt_ssl_insecure_skip_verify``,
        ``jwks``, ...; the harness's ``dcr_harness.jwks_ca_bundle`` becomes the process's
        ``SSL_CERT_FILE``, the trust Go's crypto/x509 reads on Linux). The listener,
        storage, app and policy paths are the launcher's. ``log_dir`` keeps ``tyk.log``."""
        self.tyk_conf, self.ca_bundle = real_tyk_conf(tyk_conf)
        self.secret: str = str(self.tyk_conf["secret"])
        self.tyk_bin = tyk_bin
        self.host = host
        self.port = port
        self.log_dir = Path(log_dir) if log_dir else None
        self.ready_timeout = ready_timeout
        #: Tyk's version as ``/hello`` reports it (e.g. ``v5.15.0-dev+381c1935.3cf01ad24``), once started.
        self.version: str | None = None
        self.binary: Path | None = None
        self.log_path: Path | None = None
        self._run_dir: Path | None = None
        self._redis: RedisServer | None = None
        self._tyk: ChildProcess | None = None
        self._base_url: str | None = None

    # ---- addresses ---------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        if self._base_url is None:
            raise LaunchError("the Tyk gateway is not started", hint="call start() first")
        return self._base_url

    @property
    def pids(self) -> list[int]:
        """Process ids of the gateway and its Redis while started (tests check none outlives a run)."""
        return [p for p in (self._tyk.pid if self._tyk else None, self._redis.pid if self._redis else None) if p]

    def describe(self) -> str:
        return f"Tyk {self.version or '(version unknown)'} (tyk-oss)"

    # ---- configuration -----------------------------------------------------------------
    def _configure(self, run: Path, templates: Path, port: int, redis_port: int) -> dict[str, Any]:
        """The tyk.conf of one run (module docstring); the caller's keys first, ours over them."""
        conf: dict[str, Any] = dict(self.tyk_conf)
        conf.update({
            "listen_address": self.host,
            "listen_port": port,
            "template_path": str(templates),
            "use_db_app_configs": False,
            "app_path": str(run / "apps"),
            "policies": {"policy_source": "file", "policy_path": str(run / "policies")},
            "storage": {"type": "redis", "host": REDIS_HOST, "port": redis_port},
            "enable_analytics": False,
            "hash_keys": True,
        })
        return conf

    def _environment(self) -> dict[str, str]:
        env = dict(os.environ)
        if self.ca_bundle:
            env["SSL_CERT_FILE"] = self.ca_bundle  # Go crypto/x509 (root_unix.go) reads it on Linux
        return env

    # ---- lifetime --------------------------------------------------------------------------
    def start(self) -> TykOssGatewayLauncher:
        if self._tyk is not None:
            return self
        binary, where = find_binary(self.tyk_bin)
        if binary is None:
            raise LaunchError(where, hint=no_binary_hint())
        templates = find_templates(binary)
        if templates is None:
            raise LaunchError(f"no Tyk templates/ folder (with error.json) beside {binary.resolve()} or in {PACKAGE_HOME}",
                              hint="keep the templates/ folder of Tyk's source or package beside the binary")
        self.binary = binary
        remove_stale_run_dirs()
        self._run_dir = run = Path(tempfile.mkdtemp(prefix=RUN_DIR_PREFIX))
        (run / OWNER_FILE).write_text(str(os.getpid()))
        for sub in ("apps", "policies"):
            (run / sub).mkdir()
        log.info("starting the Tyk gateway %s (from %s)", binary, where)
        try:
            self._redis = RedisServer(run, host=REDIS_HOST).start()
            self._start_gateway(binary, templates, run)
        except BaseException:
            self.stop()
            raise
        log.info("Tyk %s ready at %s", self.version, self._base_url)
        return self

    def _start_gateway(self, binary: Path, templates: Path, run: Path) -> None:
        assert self._redis is not None
        last = ""
        self.log_path = claim_log(self.log_dir or run)
        for attempt in range(PORT_ATTEMPTS if not self.port else 1):
            port = self.port or free_port(self.host)
            conf_path = run / "tyk.conf"
            conf_path.write_text(json.dumps(self._configure(run, templates, port, self._redis.port), indent=2))
            tyk = ChildProcess("tyk", [str(binary), "start", "--conf", str(conf_path)], log_path=self.log_path,
                               cwd=run, env=self._environment(), stop_grace=STOP_GRACE_S)
            mark = tyk.log_size()  # a kept log (log_dir) may hold earlier runs
            try:
                tyk.start()
            except OSError as exc:
                raise LaunchError(f"cannot run {binary}: {exc.strerror}", hint=no_binary_hint()) from exc
            self._tyk = tyk
            base = f"http://{self.host}:{port}"
            outcome = self._wait_ready(tyk, base, port, mark)
            if outcome is None:
                self._base_url = base
                return
            last = outcome
            tyk.stop()
            self._tyk = None
            if "address already in use" not in outcome:
                break
            log.info("port %d was taken (attempt %d): trying another", port, attempt + 1)
        raise LaunchError(f"the Tyk gateway did not start: {last}", hint=f"read {self.log_path}")

    def _wait_ready(self, tyk: ChildProcess, base: str, port: int, mark: int) -> str | None:
        """None once ``/hello`` answers 200 from *our* process and our secret opens the REST
        API; else why not (the process exited, another process holds the port). LaunchError
        on timeout."""
        deadline = time.monotonic() + self.ready_timeout
        last = "no answer yet"
        with requests.Session() as http:
            while time.monotonic() < deadline:
                code = tyk.poll()
                if code is not None:
                    return f"it exited with code {code}:\n{tyk.log_tail()}"
                if "address already in use" in tyk.log_since(mark):
                    return f"port {port} is taken by another process (Tyk logged \"address already in use\")"
                try:
                    resp = http.get(base + HELLO, timeout=2)
                    if resp.status_code == 200:
                        owners = listening_pids(port, self.host)
                        if owners is not None and tyk.pid not in owners:
                            return (f"port {port} answers, but process(es) {sorted(owners)} hold it, not Tyk "
                                    f"(pid {tyk.pid}): address already in use")
                        check = http.get(base + "/tyk/apis", headers={"x-tyk-authorization": self.secret}, timeout=2)
                        if check.status_code != 200:
                            return f"the gateway at {base} refuses this run's secret (HTTP {check.status_code})"
                        try:
                            self.version = str(resp.json().get("version") or "") or None
                        except ValueError:
                            self.version = None
                        return None
                    last = f"HTTP {resp.status_code}"
                except requests.RequestException as exc:
                    last = type(exc).__name__
                time.sleep(0.1)  # poll interval, bounded by the deadline above
        raise LaunchError(f"the Tyk gateway was not ready at {base}{HELLO} after {self.ready_timeout:.0f} s "
                          f"(last: {last}):\n{tyk.log_tail()}", hint=f"read {self.log_path}")

    def stop(self) -> None:
        """Stop the gateway, then its Redis; remove the run directory. Idempotent."""
        if self._tyk is not None:
            self._tyk.stop()
            self._tyk = None
        if self._redis is not None:
            self._redis.stop()
            self._redis = None
        self._base_url = None
        if self._run_dir is not None:
            shutil.rmtree(self._run_dir, ignore_errors=True)
            self._run_dir = None

    # ---- what Tyk logged --------------------------------------------------------------------
    def log_mark(self) -> int:
        """A position in the gateway's log (:meth:`why_refused` reads what follows it)."""
        return self._tyk.log_size() if self._tyk is not None else 0

    def why_refused(self, mark: int) -> str | None:
        """Why the gateway refused a request, as Tyk logged it after ``mark``: among its
        middleware lines (those with ``mw=``), the last error-level one (``JWT validation
        error: <error>``), else the last "Attempted ..." line (AccessRightsCheck logs "Attempted
        access to unauthorised API" at info level); None when it logged neither."""
        if self._tyk is None:
            return None
        errors: list[str] = []
        attempts: list[str] = []
        for line in self._tyk.log_since(mark).splitlines():
            fields = parse_logfmt(line)
            if "mw" not in fields:
                continue
            msg, err = fields.get("message") or fields.get("msg", ""), fields.get("error", "")
            text = f"{msg}: {err}" if err and msg else (err or msg)
            if fields.get("level") == "error":
                errors.append(text)
            elif msg.startswith("Attempted"):
                attempts.append(text)
        found = errors or attempts
        return found[-1] if found else None
