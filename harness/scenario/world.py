"""A *world*: one IdP, the portal, the gateway and an upstream, wired together and
sharing one transcript. Used by ``dcr-harness run``/``serve``, the pytest plugin and
the notebooks, so every entry point exercises the same composition.

The IdP and the gateway come from launchers (:mod:`harness.launchers.registry`); the
portal drives the gateway only through Tyk's REST API with the gateway's secret, so the
gateway may be the harness's own (``harness``, the default), the real open-source Tyk
(``tyk-oss``), Tyk's container image (``container``) or a customer's (a URL).
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from harness.core.deadline import idp_deadline, portal_deadline
from harness.core.errors import ConfigError
from harness.core.lifecycle import StartStop
from harness.core.redact import Redactor
from harness.core.server_group import ServerGroup
from harness.core.serving import BackgroundServer
from harness.core.transcript import RecordingSession, Transcript
from harness.launchers.registry import DEFAULT_GATEWAY, accepts, make_gateway
from harness.products.base import IdpLauncher
from harness.scenario.diagnosis import diagnose
from harness.tyk.gateway.launcher import HarnessGatewayLauncher
from harness.tyk.portal.app import create_app as create_portal_app
from harness.tyk.portal.gateway_sync import GatewaySync
from harness.tyk.portal.passwords import DEFAULT_COST, PasswordCost
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
        gateway: str = DEFAULT_GATEWAY,
        gateway_options: Mapping[str, Any] | None = None,
        report_dir: Path | None = None,
        password_cost: PasswordCost = DEFAULT_COST,
    ) -> None:
        """``gateway_kind``: the gateway launcher's kind in the launcher registry (``--gateway``;
        ``harness`` is the harness's own gateway, today the only one). ``password_cost``: the
        portal's scrypt cost for developer passwords (:mod:`harness.tyk.portal.passwords`).
        ``idp_ca_bundle``: the PEM file the harness's own IdP clients (admin console,
        discovery, the developer's token request: :meth:`session` with target ``idp``)
        trust, e.g. the IdP launcher's ``ca_bundle``. Tyk's own clients (portal, gateway)
        keep their settings (``dcr_ssl_insecure_skip_verify``, ``jwt_ssl_insecure_skip_verify``,
        CA bundles), as in the real products.

        ``gateway``: the gateway launcher kind, or a URL (``--gateway``); ``gateway_options``
        what the user gave it (``secret``, ``tyk_bin``); ``report_dir`` keeps a real
        gateway's log."""
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
        self.password_cost = password_cost
        self._clock: Any = time.time
        #: The gateway's launcher (:mod:`harness.launchers.registry`, role ``gateway``).
        self.gateway_launcher = make_gateway(gateway, report_dir=report_dir, offered={
            "tyk_conf": self.tyk_conf, "transcript": self.transcript, "clock": lambda: self._clock(),
            "host": host, "port": gateway_port}, **(gateway_options or {}))
        self.portal: PortalService | None = None
        self.sync: GatewaySync | None = None
        self.upstream_url = self.gateway_url = self.portal_url = ""
        self._idp_started = False

    @property
    def clock(self) -> Any:
        """The gateway's clock (seconds since the epoch). Tests replace it to move the
        gateway in time, e.g. past a token's ``exp``; only the harness's own gateway has a
        clock to replace: setting it with another gateway is a ConfigError, never a no-op."""
        return self._clock

    @clock.setter
    def clock(self, value: Any) -> None:
        kind = self.gateway_launcher.kind
        if not self.gateway_launcher_takes("clock"):
            raise ConfigError(f"the {kind} gateway runs on this machine's clock in its own process: the World "
                              "cannot move it in time", hint=f"use --gateway {DEFAULT_GATEWAY} to move the gateway's clock")
        self._clock = value

    # ---- lifecycle -------------------------------------------------------------
    def start(self) -> World:
        from harness.tyk.gateway.upstream import create_echo_app

        if self.manage_idp:
            self.idp.start()
            self._idp_started = True
        up = self._serve(create_echo_app(), "upstream", 0)
        self.upstream_url = up.url
        gw = self.gateway_launcher.start()
        self.redactor.add(gw.secret)
        self.gateway_url = gw.base_url
        self.sync = sync = GatewaySync(gw.base_url, gw.secret, self.session("portal", "gateway"),
                                       reload_paths=gw.reload_paths, shared=gw.shared)
        self.portal = PortalService(Store(self.store_path), settings=self.dashboard,
                                    transcript=self.transcript, gateway=sync, explain=diagnose,
                                    password_cost=self.password_cost)
        portal = self._serve(create_portal_app(self.portal), "portal", self._portal_port)
        self.portal_url = portal.url
        return self

    @property
    def gateway(self) -> Any:
        """The in-process :class:`harness.tyk.gateway.Gateway` (its decisions, JWKS cache and
        API table) when the harness's own gateway runs; ``None`` before it starts and for
        any other gateway (it decides in another process)."""
        launcher = self.gateway_launcher
        return launcher.gateway if isinstance(launcher, HarnessGatewayLauncher) else None

    def gateway_launcher_takes(self, option: str) -> bool:
        """Does the gateway's launcher take ``option`` (``tyk_conf``, ``clock``)? A customer's
        gateway keeps its own tyk.conf."""
        return accepts(self.gateway_launcher.kind, option, role="gateway")

    def gateway_label(self) -> str | None:
        """What to name the gateway by in run output (``Tyk v5.15.0-dev+... (tyk-oss)``), or
        None for the default gateway, whose output lines stay as they always were."""
        if self.gateway_launcher.kind == DEFAULT_GATEWAY:
            return None
        return self.gateway_launcher.describe()

    def _serve(self, app: Any, name: str, port: int) -> BackgroundServer:
        return self._servers.serve(app, name, host=self.host, port=port)

    def stop(self) -> None:
        if self.sync is not None and self.sync.shared:
            # Someone else's gateway: remove exactly what this run created there.
            for problem in self.sync.remove_created():
                log.warning("cleaning up the gateway: %s", self.redactor.text(problem))
        self.sync = None
        self._servers.stop()
        self.gateway_launcher.stop()
        self._redact_gateway_log()
        if self.portal is not None:
            self.portal.store.close()
            self._redact_store()
        if self._idp_started:
            self.idp.stop()
            self._idp_started = False


    def _redact_store(self) -> None:
        """A portal database on disk stays (in the report dir) for inspection, with its
        secrets masked: a report folder handed to someone must not carry a live token."""
        path = Path(self.store_path) if str(self.store_path) != ":memory:" else None
        if path is None or not path.is_file():
            return
        store = Store(path)
        try:
            store.redact_secrets(self.redactor)
        finally:
            store.close()

    def _redact_gateway_log(self) -> None:
        """A real gateway's log stays in the report directory for support engineers, with
        the run's secrets masked (Tyk logs a raw token only at debug level, but a scenario's
        tyk.conf may ask for that)."""
        path = self.gateway_launcher.log_path
        if path is None or not path.is_file():
            return
        try:
            text = path.read_text(errors="replace")
            clean = self.redactor.text(text)
            if clean != text:
                path.write_text(clean)
        except OSError as exc:
            log.warning("could not redact the gateway log %s: %s", path, exc)

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

