"""What the two embedded emulators' launchers share (``--idp emulator``): loopback host and
port, admin credentials, optional TLS with its CA bundle, and one
:class:`~harness.core.serving.BackgroundServer` in a thread with context-manager lifetime
(the testcontainers shape, shared/STYLE.md §2). The product's launcher builds its state
and ASGI app in ``start()`` and hands the app to :meth:`EmulatorLauncher._serve`."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from harness.core.errors import LaunchError
from harness.core.lifecycle import StartStop
from harness.core.serving import BackgroundServer

log = logging.getLogger(__name__)


class EmulatorLauncher(StartStop):
    """Base of the emulator launchers (implements most of
    :class:`~harness.products.base.IdpLauncher`; subclasses add ``profile``, ``version``,
    ``issuer`` and ``start``)."""

    kind = "emulator"
    #: "the Keycloak emulator": used in errors.
    label = "the emulator"

    def __init__(self, *, host: str = "127.0.0.1", port: int = 0, admin_user: str = "admin",
                 admin_password: str = "admin", ssl_certfile: str | None = None, ssl_keyfile: str | None = None,
                 ca_bundle: str | None = None) -> None:
        if bool(ssl_certfile) != bool(ssl_keyfile):
            raise LaunchError(f"{self.label} needs both ssl_certfile and ssl_keyfile, or neither")
        if ca_bundle and not ssl_certfile:
            raise LaunchError("ca_bundle is the CA of the emulator's own certificate: give ssl_certfile too")
        self.host = host
        self.port = port
        self.admin_user = admin_user
        self.admin_password = admin_password
        self.ssl_certfile = ssl_certfile
        self.ssl_keyfile = ssl_keyfile
        #: The PEM file that verifies ``ssl_certfile`` (the IdpLauncher Protocol's ``ca_bundle``).
        self.ca_bundle = ca_bundle
        self.log_path: Path | None = None
        self._server: BackgroundServer | None = None

    @property
    def started(self) -> bool:
        return self._server is not None

    @property
    def server_url(self) -> str:
        """``http(s)://host:port`` of the running server."""
        if self._server is None:
            raise LaunchError(f"{self.label} is not started", hint="call start() first")
        return self._server.url

    def _serve(self, app: Any, name: str, *, bound: Callable[[str], None] | None = None) -> None:
        """Serve ``app``; ``bound`` gets the final URL once the socket is bound, before the
        server starts. A failed start leaves nothing running."""
        server = BackgroundServer(app, host=self.host, port=self.port, name=name,
                                  ssl_certfile=self.ssl_certfile, ssl_keyfile=self.ssl_keyfile)
        if bound is not None:
            bound(server.url)
        self._server = server
        try:
            server.start()
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None
