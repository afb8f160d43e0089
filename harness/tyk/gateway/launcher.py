"""Gateway launchers: the Protocol every gateway launcher implements, and the launcher
of the harness's own Tyk-compatible gateway (kind ``harness``).

The shape is the IdP launchers' (:class:`harness.products.base.IdpLauncher`, shared/STYLE.md
§2): ``start()`` blocks until the gateway answers, ``stop()`` is idempotent, ``with`` stops it
also when ``start()`` fails half-way, ``base_url`` is where clients call it. The portal drives
any gateway only through Tyk's REST API (``/tyk/apis``, ``/tyk/policies``, ``/tyk/reload``)
authenticated with ``secret`` (tyk.conf ``secret``, header ``x-tyk-authorization``), so a real
Tyk gateway can take this one's place. Which class runs for which kind is decided by the
launcher registry (:mod:`harness.launchers.registry`).
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from harness.core.errors import LaunchError
from harness.core.lifecycle import StartStop
from harness.core.serving import BackgroundServer
from harness.core.transcript import Transcript
from harness.tyk.gateway.gateway import Gateway

log = logging.getLogger(__name__)


@runtime_checkable
class GatewayLauncher(Protocol):
    #: The registry kind that built it (``harness.launchers.registry.GatewayKind``).
    kind: str
    #: Tyk version run, or ``None`` when it is not a Tyk release (the harness's own gateway).
    version: str | None
    #: tyk.conf ``secret``: the ``x-tyk-authorization`` value of the gateway's REST API.
    secret: str
    #: The reload call(s) after a change (``/tyk/reload?block=true`` waits until it is live).
    reload_paths: tuple[str, ...]
    #: Objects pushed to it outlive the run (someone else's gateway): the World removes
    #: those it created, and never modifies others.
    shared: bool
    #: The gateway's own log kept in the report directory, when there is one (the World
    #: redacts it with the run's redactor when the gateway stops).
    log_path: Path | None

    @property
    def base_url(self) -> str:
        """Where clients call the gateway, without trailing slash (e.g. ``http://127.0.0.1:8080``)."""
        ...

    def describe(self) -> str:
        """The gateway for a report line: product, version and kind (``Tyk v5.15.0 (tyk-oss)``)."""
        ...

    def log_mark(self) -> int:
        """A mark before a request, for :meth:`why_refused`."""
        ...

    def why_refused(self, mark: int) -> str | None:
        """Why the gateway refused the last request after ``mark``, where it says so (Tyk only
        logs it), or None."""
        ...

    def start(self) -> GatewayLauncher:
        """Start (or connect) and block until it answers; raise LaunchError otherwise."""
        ...

    def stop(self) -> None:
        """Stop what ``start`` started. Idempotent."""
        ...

    def __enter__(self) -> GatewayLauncher: ...

    def __exit__(self, *exc: object) -> None: ...


class HarnessGatewayLauncher(StartStop):
    """The harness's own gateway (:class:`harness.tyk.gateway.Gateway`) on ``host:port``
    (0 = a free port) in a thread: fast, offline, and open to inspection (``gateway``)."""

    kind = "harness"
    #: Not a Tyk release: it models Tyk's behaviour as :class:`~harness.tyk.gateway.GatewayProfile` documents.
    version: str | None = None
    #: In process, reloads are immediate.
    reload_paths: tuple[str, ...] = ("/tyk/reload/group",)
    shared = False
    #: It logs through the harness's own (redacting) logging.
    log_path: Path | None = None

    def __init__(
        self,
        *,
        tyk_conf: dict[str, Any] | None = None,
        transcript: Transcript | None = None,
        clock: Callable[[], float] = time.time,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        """``tyk_conf`` as in tyk.conf (a random ``secret`` is added when it has none);
        ``clock`` is the gateway's time source (seconds since the epoch)."""
        self.tyk_conf: dict[str, Any] = {"secret": secrets.token_urlsafe(16), **(tyk_conf or {})}
        self.secret: str = str(self.tyk_conf["secret"])
        self.transcript = transcript
        self.clock = clock
        self.host = host
        self.port = port
        #: The in-process gateway while started: its decisions, JWKS cache and API table.
        self.gateway: Gateway | None = None
        self._server: BackgroundServer | None = None

    @property
    def base_url(self) -> str:
        if self._server is None:
            raise LaunchError("the harness gateway is not started", hint="call start() first")
        return self._server.url

    def start(self) -> HarnessGatewayLauncher:
        if self._server is not None:
            return self
        gateway = Gateway(tyk_conf=self.tyk_conf, transcript=self.transcript, clock=self.clock)
        server = BackgroundServer(gateway.app, name="gateway", host=self.host, port=self.port)
        try:
            server.start()
        except BaseException:
            server.stop()
            raise
        self.gateway, self._server = gateway, server
        log.debug("harness gateway listening on %s", server.url)
        return self

    def describe(self) -> str:
        return "the harness gateway (harness)"

    def log_mark(self) -> int:
        return 0

    def why_refused(self, mark: int) -> str | None:
        """The reason of the gateway's last refusal when it says more than its answer
        (:class:`harness.tyk.gateway.decisions.DecisionLog`: what Tyk would only log)."""
        last = self.gateway.decisions.last() if self.gateway is not None else None
        if last is not None and not last.allowed and last.reason and last.reason != last.message:
            return str(last.reason)
        return None

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None
