"""Run an ASGI app with uvicorn on a loopback port in a background thread.

One job, a readiness wait with a deadline, and context-manager lifetime (the
testcontainers shape, see shared/STYLE.md §2).
"""

from __future__ import annotations

import asyncio
import importlib.util
import socket
import threading
import time
from typing import Any

import uvicorn

from harness.core.errors import LaunchError

#: Largest request head accepted (Go's http.DefaultMaxHeaderBytes).
MAX_HEADER_BYTES = 1 << 20


def free_port(host: str = "127.0.0.1") -> int:
    """Ask the kernel for a free TCP port on ``host``."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


class BackgroundServer:
    """Serve ``app`` on ``host:port`` (port 0 = pick a free one) until stopped.

    The listening socket is bound before the thread starts, so ``url`` is valid as
    soon as the constructor returns and no port race exists.

    ``http`` is uvicorn's HTTP implementation: ``"h11"`` (the default, so every server
    parses HTTP the same way whatever extras are installed), ``"httptools"`` (several
    times faster; needs the httptools package) or ``"auto"`` (httptools when installed).
    ``loop`` is ``"asyncio"`` (default) or ``"uvloop"`` (needs uvloop); ``"auto"`` picks
    uvloop when installed. The gateway's throughput depends on both
    (benchmarks/gateway_bench.py).
    """

    def __init__(
        self,
        app: Any,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        name: str = "server",
        ssl_certfile: str | None = None,
        ssl_keyfile: str | None = None,
        ready_timeout: float = 10.0,
        http: str = "h11",
        loop: str = "asyncio",
    ) -> None:
        self.http = resolve_http(http)  # checked before the socket is bound
        self.loop = resolve_loop(loop)
        self.app = app
        self.host = host
        self.name = name
        self.ready_timeout = ready_timeout
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        # Accepted connections inherit TCP_NODELAY; without it uvicorn's separate header
        # and body writes meet the peer's delayed ACK: ~40 ms per loopback request.
        self._sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            self._sock.bind((host, port))
        except OSError as exc:
            self._sock.close()
            raise LaunchError(
                f"{name}: cannot listen on {host}:{port}: {exc.strerror}",
                hint="choose another --port or stop the process using it",
            ) from exc
        self.port = int(self._sock.getsockname()[1])
        self.scheme = "https" if ssl_certfile else "http"
        config = uvicorn.Config(
            app,
            log_level="warning",
            access_log=False,
            lifespan="off",
            ssl_certfile=ssl_certfile,
            ssl_keyfile=ssl_keyfile,
            timeout_graceful_shutdown=1,
            http=self.http,
            # Go's net/http (Tyk, Keycloak's peers) accepts request heads up to 1 MB
            # (DefaultMaxHeaderBytes); h11's 16 KiB default would refuse large tokens.
            h11_max_incomplete_event_size=MAX_HEADER_BYTES,
        )
        self._server = uvicorn.Server(config)
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"{self.scheme}://{self.host}:{self.port}"

    def start(self) -> BackgroundServer:
        self._thread = threading.Thread(
            target=self._run, name=f"dcr-harness-{self.name}", daemon=True
        )
        self._thread.start()
        self.wait_ready()
        return self

    def _run(self) -> None:
        factory = None
        if self.loop == "uvloop":
            import uvloop

            factory = uvloop.new_event_loop
        with asyncio.Runner(loop_factory=factory) as runner:
            runner.run(self._server.serve(sockets=[self._sock]))

    def wait_ready(self) -> None:
        deadline = time.monotonic() + self.ready_timeout
        while time.monotonic() < deadline:
            if self._server.started:
                return
            if self._thread is not None and not self._thread.is_alive():
                break
            time.sleep(0.01)
        raise LaunchError(f"{self.name} did not start listening on {self.url} within {self.ready_timeout:.0f}s")

    def stop(self) -> None:
        self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=5)
        try:
            self._sock.close()
        except OSError:
            pass

    def __enter__(self) -> BackgroundServer:
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _installed(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


def resolve_http(http: str) -> str:
    """``"auto"`` → ``"httptools"`` when installed, else ``"h11"``; other values checked."""
    if http == "auto":
        return "httptools" if _installed("httptools") else "h11"
    if http not in ("h11", "httptools"):
        raise ValueError(f"http must be 'h11', 'httptools' or 'auto', got {http!r}")
    if http == "httptools" and not _installed("httptools"):
        raise LaunchError("http='httptools' needs the httptools package", hint="pip install httptools, or use 'h11'")
    return http


def resolve_loop(loop: str) -> str:
    """``"auto"`` → ``"uvloop"`` when installed, else ``"asyncio"``; other values checked."""
    if loop == "auto":
        return "uvloop" if _installed("uvloop") else "asyncio"
    if loop not in ("asyncio", "uvloop"):
        raise ValueError(f"loop must be 'asyncio', 'uvloop' or 'auto', got {loop!r}")
    if loop == "uvloop" and not _installed("uvloop"):
        raise LaunchError("loop='uvloop' needs the uvloop package", hint="pip install uvloop, or use 'asyncio'")
    return loop

