"""A *world*: one IdP, the portal, the gateway and an upstream, wired together and
sharing one transcript. Used by ``dcr-harness run``/``serve``, the pytest plugin and
the notebooks, so every entry point exercises the same composition.

The IdP and the gateway come from launchers (:mod:`harness.launchers.registry`); the
portal drives the gateway only through Tyk's REST API with the gateway's secret.
"""

from __future__ import annotations

import logging
import secrets
import time
from pathlib import Path
from typing import Any

from harness.core.deadline import idp_deadline, portal_deadline
from harness.core.lifecycle import StartStop
from harness.core.redact import Redactor
from harness.core.server_group import ServerGroup
from harness.core.serving import BackgroundServer
from harness.core.transcript import RecordingSession, Transcript
from harness.launchers.registry import make_gateway
from harness.products.base import IdpLauncher
from harness.scenario.diagnosis import diagnose
from harness.tyk.gateway.launcher import HarnessGatewayLauncher
from harness.tyk.portal.app import create_app as create_portal_app
from harness.tyk.portal.gateway_sync import GatewaySync
from harness.tyk.portal.service import PortalService
from harness.tyk.portal.settings import DashboardSettings
from harness.tyk.portal.store import Store

log = logging.getLogger(__name__)


class World(StartStop):
    """Start with ``with World(...) as w:``; everything stops on exit, also on failure."""

    def __init__(
        self,
        idp: IdpLauncher,
        *,
        transcript: Transcript | None = None,
        dashboard: DashboardSettings | None = None,
        tyk_conf: dict[str, Any] | None = None,
        store_path: str | Path = ":memory:",
        manage_idp: bool = True,
        host: str = "127.0.0.1",
        portal_port: int = 0,
        gateway_port: int = 0,
        idp_ca_bundle: str | None = None,
    ) -> None:
        """``idp_ca_bundle``: the PEM file the harness's own IdP clients (admin console,
        discovery, the developer's token request: :meth:`session` with target ``idp``)
        trust, e.g. the IdP launcher's ``ca_bundle``. Tyk's own clients (portal, gateway)
        keep their settings (``dcr_ssl_insecure_skip_verify``, ``jwt_ssl_insecure_skip_verify``,
        CA bundles), as in the real products."""
        self.idp = idp
        self.transcript = transcript if transcript is not None else Transcript()
        self.dashboard = dashboard or DashboardSettings(admin_secret=secrets.token_urlsafe(16))
        self.tyk_conf = {"secret": secrets.token_urlsafe(16), **(tyk_conf or {})}
        self.store_path = store_path
        self.manage_idp = manage_idp
        self.host = host
        self.idp_ca_bundle = idp_ca_bundle
        self._portal_port = portal_port
        self._servers = ServerGroup()
        #: The gateway's launcher (kind ``harness``: the harness's own gateway).
        self.gateway_launcher = make_gateway("harness", tyk_conf=self.tyk_conf, transcript=self.transcript,
                                             clock=lambda: self.clock(), host=host, port=gateway_port)
        self.portal: PortalService | None = None
        self.upstream_url = self.gateway_url = self.portal_url = ""
        self._idp_started = False
        #: The gateway's clock (seconds since the epoch). Tests replace it to move the
        #: gateway in time, e.g. past a token's ``exp``.
        self.clock: Any = time.time

    # ---- lifecycle -------------------------------------------------------------
    def start(self) -> World:
        from harness.tyk.gateway.upstream import create_echo_app

        if self.manage_idp:
            self.idp.start()
            self._idp_started = True
        up = self._serve(create_echo_app(), "upstream", 0)
        self.upstream_url = up.url
        gw = self.gateway_launcher.start()
        self.gateway_url = gw.base_url
        sync = GatewaySync(gw.base_url, gw.secret, self.session("portal", "gateway"))
        self.portal = PortalService(Store(self.store_path), settings=self.dashboard,
                                    transcript=self.transcript, gateway=sync, explain=diagnose)
        portal = self._serve(create_portal_app(self.portal), "portal", self._portal_port)
        self.portal_url = portal.url
        return self

    @property
    def gateway(self) -> Any:
        """The in-process :class:`harness.tyk.gateway.Gateway` (its decisions, JWKS cache and
        API table) when the harness's own gateway runs; ``None`` before it starts."""
        launcher = self.gateway_launcher
        return launcher.gateway if isinstance(launcher, HarnessGatewayLauncher) else None

    def _serve(self, app: Any, name: str, port: int) -> BackgroundServer:
        return self._servers.serve(app, name, host=self.host, port=port)

    def stop(self) -> None:
        self._servers.stop()
        self.gateway_launcher.stop()
        if self.portal is not None:
            self.portal.store.close()
        if self._idp_started:
            self.idp.stop()
            self._idp_started = False


    # ---- helpers -----------------------------------------------------------------
    @property
    def redactor(self) -> Redactor:
        """The run's redactor (its transcript's; harness.core.redact): the portal and the
        gateway record and log through it, reports of the run redact with it."""
        return self.transcript.redactor

    def session(self, actor: str, target: str = "idp") -> RecordingSession:
        """A recording HTTP session labelled for the transcript; one to the IdP trusts
        ``idp_ca_bundle`` when the world has one."""
        # Outer deadlines are longer than the inner ones they wait for (harness.core.deadline).
        s = RecordingSession(self.transcript, actor=actor, target=target,
                             timeout=portal_deadline() if target == "portal" else idp_deadline())
        if target == "idp" and self.idp_ca_bundle:
            s.verify = self.idp_ca_bundle
        return s

    @property
    def admin_key(self) -> str:
        return self.dashboard.admin_secret

