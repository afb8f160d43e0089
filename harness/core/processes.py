"""Child server processes that never outlive the harness (the real Tyk gateway, its Redis).

A :class:`ChildProcess` runs one program in its own session (process group), with its
output in a log file, and is stopped by signalling the whole group: SIGTERM, a grace
period, then SIGKILL. Three nets make sure none survives the run that started it:

- ``stop()`` on the normal path (the launchers call it on failure, on stop and in ``with``);
- an :mod:`atexit` hook stopping every child still running when the interpreter exits
  (an exception, ``sys.exit``, Ctrl-C: ``KeyboardInterrupt`` unwinds to it);
- on Linux the kernel's parent-death signal (``prctl(PR_SET_PDEATHSIG)``, set through
  util-linux ``setpriv --pdeathsig``, so no ``preexec_fn`` runs in a threaded process):
  when the Python process dies without unwinding (SIGTERM's default action, SIGKILL), the
  kernel sends SIGKILL to the child. The signal is tied to the *thread* that forked the
  child (prctl(2)), so it is set only when the main thread starts it; it is armed once
  setpriv has run, before it execs the program (a launcher's readiness wait, which needs
  the program itself to answer, covers that first instant).

Facts: prctl(2) PR_SET_PDEATHSIG; setpriv(1) ``--pdeathsig``; subprocess
``start_new_session`` (setsid(2)).
"""

from __future__ import annotations

import atexit
import logging
import os
import shutil
import signal
import subprocess
import threading
import time
from collections import deque
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO

import requests

from harness.core.errors import LaunchError

log = logging.getLogger(__name__)

#: Lines of a child's log quoted in a LaunchError.
LOG_TAIL_LINES = 30

_LIVE: set[ChildProcess] = set()
_LIVE_LOCK = threading.Lock()


@atexit.register
def stop_all() -> None:
    """Stop every child still running (registered with :mod:`atexit`)."""
    with _LIVE_LOCK:
        children = list(_LIVE)
    for child in children:
        try:
            child.stop()
        except Exception:  # noqa: BLE001 - best effort at exit
            log.exception("could not stop %s", child.name)


def live_pids() -> list[int]:
    """Process ids of the children started here and not yet stopped (for tests)."""
    with _LIVE_LOCK:
        return [c.pid for c in _LIVE if c.pid is not None]


def _pdeathsig_prefix() -> list[str]:
    """``setpriv --pdeathsig KILL --`` when it can apply: Linux, util-linux installed,
    and called from the main thread (the signal follows the forking thread's death)."""
    if not os.path.isdir("/proc") or threading.current_thread() is not threading.main_thread():
        return []
    setpriv = shutil.which("setpriv")
    return [setpriv, "--pdeathsig", "KILL", "--"] if setpriv else []


class ChildProcess:
    """One program in its own process group, logging to ``log_path``."""

    def __init__(self, name: str, argv: Sequence[str], *, log_path: Path, cwd: Path | None = None,
                 env: Mapping[str, str] | None = None, stop_grace: float = 10.0, append: bool = True) -> None:
        """``append`` False starts the log afresh at each start (a launcher's own log file)."""
        self.name = name
        self.argv = list(argv)
        self.log_path = log_path
        self.cwd = cwd
        self.env = dict(env) if env is not None else None
        self.stop_grace = stop_grace
        self.append = append
        self._proc: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None
        self._lock = threading.Lock()

    @property
    def pid(self) -> int | None:
        """The child's process id (also its process group id), while started."""
        return self._proc.pid if self._proc is not None else None

    def start(self) -> None:
        """Start the program; OSError (no such file, not executable) propagates."""
        with self._lock:
            if self._proc is not None:
                return
            self.log_path.parent.mkdir(parents=True, exist_ok=True)
            self._log = open(self.log_path, "ab" if self.append else "wb")  # noqa: SIM115 - closed in stop()
            try:
                self._proc = subprocess.Popen(
                    _pdeathsig_prefix() + self.argv, cwd=self.cwd, env=self.env, stdin=subprocess.DEVNULL,
                    stdout=self._log, stderr=subprocess.STDOUT,
                    start_new_session=True,  # its own process group: stop() signals all of it
                )
            except BaseException:
                self._log.close()
                self._log = None
                raise
            with _LIVE_LOCK:
                _LIVE.add(self)
        log.debug("%s started: pid %d (%s)", self.name, self._proc.pid, " ".join(self.argv))

    def poll(self) -> int | None:
        """The exit code once the program has ended, else None (also before start)."""
        return self._proc.poll() if self._proc is not None else None

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def stop(self) -> None:
        """SIGTERM the process group, wait ``stop_grace`` seconds, then SIGKILL it. Idempotent."""
        with self._lock:
            proc, self._proc = self._proc, None
            if proc is not None:
                stop_process_group(proc, self.name, self.stop_grace)
            if self._log is not None:
                self._log.close()
                self._log = None
            with _LIVE_LOCK:
                _LIVE.discard(self)

    def log_tail(self, lines: int = LOG_TAIL_LINES) -> str:
        """The last ``lines`` lines of the log, or ``(no log)``."""
        return log_tail(self.log_path, lines) or "(empty log)"

    def log_size(self) -> int:
        """Bytes written to the log so far (a mark for :meth:`log_since`)."""
        try:
            return self.log_path.stat().st_size
        except OSError:
            return 0

    def log_since(self, mark: int) -> str:
        """What the program logged after ``mark`` (a :meth:`log_size`)."""
        try:
            with open(self.log_path, "rb") as fh:
                fh.seek(mark)
                return fh.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def __repr__(self) -> str:
        return f"ChildProcess({self.name!r}, pid={self.pid})"


def wait_http_ready(child: ChildProcess, url: str, *, name: str, started_at: float, timeout: float,
                    interval: float = 0.25) -> float:
    """Poll ``GET url`` until it answers 200, to ``started_at + timeout`` (monotonic);
    fail fast when ``child`` exits. A LaunchError carries the log's last lines. Returns
    the seconds since ``started_at`` (the boot time). The readiness wait of every
    launcher of a server process (testcontainers' wait strategy, shared/STYLE.md §2)."""
    deadline, last = started_at + timeout, "no answer yet"
    pause = threading.Event()
    with requests.Session() as http:
        while True:
            code = child.poll()
            if code is not None:
                raise LaunchError(f"{name} exited with code {code} before it was ready "
                                  f"(log {child.log_path}):\n{log_tail(child.log_path)}",
                                  hint="read the log lines above")
            try:
                resp = http.get(url, timeout=5)
                if resp.status_code == 200:
                    break
                last = f"HTTP {resp.status_code}"
            except requests.RequestException as exc:
                last = type(exc).__name__
            if time.monotonic() >= deadline:
                raise LaunchError(f"{name} not ready at {url} after {timeout:.0f} s "
                                  f"(last: {last}; log {child.log_path}):\n{log_tail(child.log_path)}",
                                  hint="raise ready_timeout on a slow machine, or read the log")
            pause.wait(interval)  # poll interval, bounded by the deadline above
    return time.monotonic() - started_at


def signal_group(pgid: int, sig: signal.Signals) -> None:
    """``killpg``; a group already gone (or not ours) is not an error."""
    try:
        os.killpg(pgid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def stop_process_group(proc: subprocess.Popen[bytes], name: str, grace_s: float) -> None:
    """Stop a child started in its own session: SIGTERM its group, wait ``grace_s``, then
    SIGKILL it; the group is SIGKILLed once more at the end for anything the leader left
    behind (a JVM outliving its kc.sh wrapper, say). Shared by every launcher of a process."""
    if proc.poll() is None:
        signal_group(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=grace_s)
        except subprocess.TimeoutExpired:
            log.warning("%s did not stop within %.0f s: killing it", name, grace_s)
            signal_group(proc.pid, signal.SIGKILL)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                log.error("%s (process group %d) survived SIGKILL", name, proc.pid)
    signal_group(proc.pid, signal.SIGKILL)


def log_tail(path: Path | None, lines: int = LOG_TAIL_LINES) -> str:
    """The last ``lines`` lines of a log file, or ``(no log)`` when there is none."""
    if path is None:
        return "(no log)"
    try:
        with open(path, "rb") as fh:
            tail = deque(fh, maxlen=lines)
    except OSError:
        return "(no log)"
    return "".join(b.decode("utf-8", "replace") for b in tail).rstrip()


def listening_pids(port: int, host: str = "127.0.0.1") -> set[int] | None:
    """Process ids holding a TCP socket listening on ``host:port`` (IPv4 or the IPv6
    wildcard), read from ``/proc/net/tcp{,6}`` and ``/proc/<pid>/fd``; None where there
    is no ``/proc`` (not Linux) so callers fall back to another check."""
    if not os.path.isdir("/proc/net"):
        return None
    inodes: set[str] = set()
    wanted = {_hex_ipv4(host), "00000000"}
    for table, wild in (("/proc/net/tcp", None), ("/proc/net/tcp6", "00000000000000000000000000000000")):
        try:
            with open(table) as fh:
                next(fh, None)
                for line in fh:
                    cols = line.split()
                    if len(cols) < 10 or cols[3] != "0A":  # 0A = TCP_LISTEN
                        continue
                    addr, _, hexport = cols[1].partition(":")
                    if int(hexport, 16) != port:
                        continue
                    if addr in wanted or addr == wild or addr.endswith(_hex_ipv4(host)):
                        inodes.add(cols[9])
        except OSError:
            continue
    if not inodes:
        return set()
    targets = {f"socket:[{i}]" for i in inodes}
    pids: set[int] = set()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        fd_dir = f"/proc/{entry}/fd"
        try:
            for fd in os.listdir(fd_dir):
                try:
                    if os.readlink(f"{fd_dir}/{fd}") in targets:
                        pids.add(int(entry))
                        break
                except OSError:
                    continue
        except OSError:
            continue
    return pids


def _hex_ipv4(host: str) -> str:
    """``127.0.0.1`` as /proc/net/tcp writes it (little-endian hex: ``0100007F``)."""
    try:
        parts = [int(p) for p in host.split(".")]
    except ValueError:
        return "-"
    if len(parts) != 4:
        return "-"
    return "".join(f"{p:02X}" for p in reversed(parts))
