"""A server process the harness builds and runs itself (testcontainers-style, shared/STYLE.md
§2): build-if-missing into a cache with progress logs, start on a free loopback port in
its own process group, wait for readiness to a deadline (a timeout error carries the log
tail), and kill the whole group on stop, on a failed start, at interpreter exit and when
the harness dies (the process itself is a :class:`harness.core.processes.ChildProcess`).

Subclasses set :attr:`name` and implement :meth:`ensure_built`, :meth:`_configure`
(argv, env, cwd) and :meth:`ready_url`; :class:`harness.products.hydra.launcher.HydraLauncher`
and :class:`harness.products.spring_as.launcher.SpringAsLauncher` are two.
"""

from __future__ import annotations

import logging
import os
import subprocess
import tempfile
import threading
import time
from pathlib import Path

from harness.core.errors import LaunchError
from harness.core.lifecycle import StartStop
from harness.core.processes import LOG_TAIL_LINES, ChildProcess, log_tail, wait_http_ready

log = logging.getLogger(__name__)

#: Env var overriding the cache root (``<root>/<product>/<version>``).
ENV_CACHE = "DCR_HARNESS_CACHE"
#: Seconds to wait after SIGTERM before SIGKILL.
STOP_GRACE_S = 10.0


def cache_root() -> Path:
    """``$DCR_HARNESS_CACHE``, else ``~/.cache/dcr-harness``."""
    root = os.environ.get(ENV_CACHE)
    return Path(root).expanduser() if root else Path.home() / ".cache" / "dcr-harness"


def run_step(what: str, argv: list[str], *, cwd: Path, env: dict[str, str] | None = None,
             timeout: float = 1800.0, logger: logging.Logger | None = None) -> str:
    """Run one build step, logging it (to ``logger``: the launcher's, whose progress the
    faces always show); LaunchError with the output's tail when it fails."""
    log = logger or logging.getLogger(__name__)
    log.info("%s: %s", what, " ".join(argv[:4]) + (" ..." if len(argv) > 4 else ""))
    started = time.monotonic()
    try:
        res = subprocess.run(argv, cwd=str(cwd), env=env, capture_output=True, text=True, timeout=timeout)
    except FileNotFoundError as exc:
        raise LaunchError(f"{what}: {argv[0]} is not installed", hint=f"install {argv[0]}") from exc
    except subprocess.TimeoutExpired as exc:
        raise LaunchError(f"{what}: no result after {timeout:.0f} s") from exc
    if res.returncode != 0:
        tail = "\n".join((res.stdout + res.stderr).strip().splitlines()[-LOG_TAIL_LINES:])
        raise LaunchError(f"{what} failed (exit {res.returncode}):\n{tail}")
    log.info("%s: done in %.0f s", what, time.monotonic() - started)
    return res.stdout


class ProcessServer(StartStop):
    """One server process on loopback; see the module docstring."""

    #: Shown in logs and errors ("Ory Hydra v2.3.0").
    name = "server"
    ready_timeout = 120.0

    def __init__(self, *, log_dir: Path | str | None = None) -> None:
        self.log_dir = Path(log_dir) if log_dir else None
        self.log_path: Path | None = None
        self.boot_seconds: float | None = None
        self._child: ChildProcess | None = None
        self._started_at = 0.0
        self._lock = threading.Lock()
        #: The launcher module's logger: the registry lists it among the progress loggers.
        self.log = logging.getLogger(type(self).__module__)

    # -- to implement -----------------------------------------------------------------
    def ensure_built(self) -> None:
        """Build (or fetch) into the cache when missing, logging progress."""
        raise NotImplementedError

    def _configure(self) -> tuple[list[str], dict[str, str], Path]:
        """argv, environment and working directory of the server process."""
        raise NotImplementedError

    def ready_url(self) -> str:
        """Polled until it answers 200."""
        raise NotImplementedError

    # -- lifetime -----------------------------------------------------------------------
    def start(self) -> ProcessServer:
        with self._lock:
            if self._child is not None and self._child.running:
                return self
            self.ensure_built()
            argv, env, cwd = self._configure()
            log_dir = self.log_dir or Path(tempfile.mkdtemp(prefix="dcr-harness-server-log-"))
            self.log_path = log_dir / f"{type(self).__name__.lower()}.log"
            self.log.info("starting %s (log %s)", self.name, self.log_path)
            self._started_at = time.monotonic()
            child = ChildProcess(self.name, argv, log_path=self.log_path, cwd=cwd, env=env, stop_grace=STOP_GRACE_S,
                                 append=False)
            try:
                child.start()
            except OSError as exc:
                raise LaunchError(f"cannot run {argv[0]}: {exc.strerror}") from exc
            self._child = child
        try:
            self.wait_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def wait_ready(self) -> None:
        """Poll :meth:`ready_url` until 200, to a deadline; fail fast when the process exits."""
        assert self._child is not None, "start() first"
        self.boot_seconds = wait_http_ready(self._child, self.ready_url(), name=self.name,
                                            started_at=self._started_at, timeout=self.ready_timeout)
        self.log.info("%s ready in %.1f s", self.name, self.boot_seconds)

    def log_tail(self, lines: int = LOG_TAIL_LINES) -> str:
        return log_tail(self.log_path, lines)

    @property
    def running(self) -> bool:
        return self._child is not None and self._child.running

    def stop(self) -> None:
        """SIGTERM the process group, wait, then SIGKILL it. Idempotent."""
        with self._lock:
            child, self._child = self._child, None
            if child is not None:
                if child.running:
                    self.log.info("stopping %s", self.name)
                child.stop()
