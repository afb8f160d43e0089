"""A throw-away Redis for the real Tyk gateway (Tyk keeps sessions, JWT-derived keys,
quotas and its reload signals in Redis: tyk.conf ``storage``).

Debian's ``redis-server`` (measured: 7.0.15) on a free loopback port, in the gateway's run
directory, persistence off (``--save ''``, ``--appendonly no``), in the foreground so the
harness owns the process (:class:`harness.core.processes.ChildProcess`). Ready when it
answers ``PING`` with ``+PONG`` (RESP, https://redis.io/docs/latest/develop/reference/protocol-spec/).
"""

from __future__ import annotations

import logging
import shutil
import socket
import time
from pathlib import Path

from harness.core.errors import LaunchError
from harness.core.lifecycle import StartStop
from harness.core.processes import ChildProcess
from harness.core.serving import free_port

log = logging.getLogger(__name__)

#: The program run (Debian/Ubuntu package ``redis-server``).
REDIS_PROGRAM = "redis-server"
#: How to get it, for the one-line error.
INSTALL_HINT = "apt-get install redis-server (Debian/Ubuntu), or put a redis-server on PATH"
#: Attempts with a fresh port when another process takes the one picked first.
PORT_ATTEMPTS = 3


def find_redis() -> str | None:
    """The ``redis-server`` on PATH, or None."""
    return shutil.which(REDIS_PROGRAM)


class RedisServer(StartStop):
    """``redis-server`` on ``host`` and a free port, data in ``run_dir``."""

    def __init__(self, run_dir: Path, *, host: str = "127.0.0.1", ready_timeout: float = 15.0) -> None:
        self.run_dir = run_dir
        self.host = host
        self.port = 0
        self.ready_timeout = ready_timeout
        self.version: str | None = None
        self._child: ChildProcess | None = None

    def start(self) -> RedisServer:
        if self._child is not None:
            return self
        program = find_redis()
        if program is None:
            raise LaunchError(f"the real Tyk gateway needs Redis and {REDIS_PROGRAM} is not on PATH",
                              hint=INSTALL_HINT)
        last = ""
        for _ in range(PORT_ATTEMPTS):
            self.port = free_port(self.host)
            child = ChildProcess("redis-server", [
                program, "--port", str(self.port), "--bind", self.host, "--save", "", "--appendonly", "no",
                "--daemonize", "no", "--dir", str(self.run_dir), "--protected-mode", "yes",
            ], log_path=self.run_dir / "redis.log", cwd=self.run_dir, stop_grace=5.0)
            try:
                child.start()
            except OSError as exc:
                raise LaunchError(f"cannot run {program}: {exc.strerror}", hint=INSTALL_HINT) from exc
            self._child = child
            try:
                if self._wait_ready(child):
                    log.debug("redis-server ready on %s:%d", self.host, self.port)
                    return self
            except BaseException:
                self.stop()
                raise
            last = child.log_tail(5)
            self.stop()
            if "Address already in use" not in last:
                break
        raise LaunchError(f"redis-server did not start on {self.host}:{self.port}:\n{last}",
                          hint="read the log lines above")

    def _wait_ready(self, child: ChildProcess) -> bool:
        """True once ``PING`` answers ``+PONG``; False when the program exits first.
        LaunchError when it neither answers nor exits in time."""
        deadline = time.monotonic() + self.ready_timeout
        while time.monotonic() < deadline:
            if child.poll() is not None:
                return False
            try:
                with socket.create_connection((self.host, self.port), timeout=1.0) as s:
                    s.sendall(b"PING\r\n")
                    if s.recv(64).startswith(b"+PONG"):
                        return True
            except OSError:
                pass
            time.sleep(0.05)  # poll interval, bounded by the deadline above
        raise LaunchError(f"redis-server not ready on {self.host}:{self.port} after {self.ready_timeout:.0f} s:\n"
                          f"{child.log_tail(10)}", hint="read the log lines above")

    @property
    def pid(self) -> int | None:
        return self._child.pid if self._child is not None else None

    def stop(self) -> None:
        if self._child is not None:
            self._child.stop()
            self._child = None
