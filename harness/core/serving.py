"""Run an ASGI app with uvicorn on a loopback port in a background thread.

One job, a readiness wait with a deadline, and context-manager lifetime (the
testcontainers shape, see shared/STYLE.md §2).
"""

from __future__ import annotations

import asyncio
import importlib.util
import socket
import threading
from typing import Any

import uvicorn

from harness.core.errors import ConfigError, LaunchError

#: Largest request head accepted (Go's http.DefaultMaxHeaderBytes).
MAX_HEADER_BYTES = 1 << 20


class _Server(uvicorn.Server):
    """uvicorn's server with event-based waits in place of its fixed 0.1 s polls.

    uvicorn 0.55 (``uvicorn/server.py``) checks ``should_exit`` every 0.1 s in
    ``main_loop``, sleeps 0.1 s in ``shutdown`` after asking connections to close, then
    polls every 0.1 s for connections and tasks to finish: about 0.2 s per stopped server,
    more than half of a guide run's wall time on the emulator (four servers;
    benchmarks/suite_bench.py). Here :meth:`wake` ends ``main_loop`` at once, and
    ``shutdown`` does what uvicorn's does — stop listening, ask every connection to close
    (idle keep-alive ones close at once, busy ones after their response), wait for
    connections and tasks to the same ``timeout_graceful_shutdown`` deadline, then cancel
    what is left — polling every :data:`_POLL_S`. ``ready`` is set when startup ends, well
    or not (the readiness wait needs no poll either)."""

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.ready = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wake: asyncio.Event | None = None

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        self._loop = asyncio.get_running_loop()
        self._wake = asyncio.Event()
        try:
            await super().startup(sockets=sockets)
        finally:
            self.ready.set()

    async def main_loop(self) -> None:
        counter = 0
        should_exit = await self.on_tick(counter)
        while not should_exit:
            counter = (counter + 1) % 864000
            assert self._wake is not None
            try:  # uvicorn: asyncio.sleep(0.1); on_tick keeps its once-a-second Date header update
                await asyncio.wait_for(self._wake.wait(), 0.1)
            except TimeoutError:
                pass
            should_exit = await self.on_tick(counter)

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        for server in self.servers:
            server.close()
        for sock in sockets or []:
            sock.close()
        for connection in list(self.server_state.connections):
            connection.shutdown()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + (self.config.timeout_graceful_shutdown or 0)
        state = self.server_state
        while (state.connections or state.tasks) and not self.force_exit and loop.time() < deadline:
            await asyncio.sleep(_POLL_S)
        for task in list(state.tasks):
            task.cancel(msg="Task cancelled, timeout graceful shutdown exceeded")
        for server in self.servers:
            await server.wait_closed()
        if not self.force_exit:
            await self.lifespan.shutdown()

    def wake(self) -> None:
        """Ask the server to exit and wake its main loop now (from any thread)."""
        self.should_exit = True
        loop, wake = self._loop, self._wake
        if loop is not None and wake is not None and not loop.is_closed():
            try:
                loop.call_soon_threadsafe(wake.set)
            except RuntimeError:  # the loop closed in between: it has exited already
                pass


#: Poll interval of :meth:`_Server.shutdown` while connections finish (uvicorn's is 0.1 s).
_POLL_S = 0.005


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
        if not 0 <= port <= 65535:  # bind() would raise OverflowError
            self._sock.close()
            raise ConfigError(f"{name}: port {port} is not a TCP port (0-65535; 0 picks a free port)")
        try:
            self._sock.bind((host, port))
        except socket.gaierror as exc:  # the host, not the port, is wrong
            self._sock.close()
            raise ConfigError(f"{name}: cannot listen on {host!r}: {exc.strerror}",
                              hint="--host takes an address of this machine, e.g. 127.0.0.1") from None
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
        self._server = _Server(config)
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
        try:
            if self.loop == "uvloop":
                import uvloop

                factory = uvloop.new_event_loop
            with asyncio.Runner(loop_factory=factory) as runner:
                runner.run(self._server.serve(sockets=[self._sock]))
        finally:
            self._server.ready.set()  # a thread that dies before startup ends wakes wait_ready

    def wait_ready(self) -> None:
        """Wait (to ``ready_timeout``) for the server's startup to end; raise LaunchError
        unless it is serving. No poll: the server sets an event when startup ends, and the
        thread sets it too when it dies first."""
        self._server.ready.wait(self.ready_timeout)
        if self._server.started:
            return
        raise LaunchError(f"{self.name} did not start listening on {self.url} within {self.ready_timeout:.0f}s")

    def stop(self) -> None:
        self._server.wake()
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

