"""Several loopback servers that live and die together (a world's or a lab's gateway,
upstream, portal, JWKS host): started one by one, stopped in reverse order."""

from __future__ import annotations

from typing import Any

from harness.core.serving import BackgroundServer


class ServerGroup:
    """The :class:`~harness.core.serving.BackgroundServer` instances started so far."""

    def __init__(self) -> None:
        self._servers: list[BackgroundServer] = []

    def serve(self, app: Any, name: str, **options: Any) -> BackgroundServer:
        """Start ``app`` (``options`` as for BackgroundServer: host, port, …) and keep it."""
        srv = BackgroundServer(app, name=name, **options)
        srv.start()
        self._servers.append(srv)
        return srv

    def stop(self) -> None:
        """Stop every server, the last started first; safe to call again."""
        for srv in reversed(self._servers):
            srv.stop()
        self._servers.clear()
