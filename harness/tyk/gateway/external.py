"""A Tyk gateway someone else runs (kind ``external``: ``--gateway https://gw.example.com``).

The harness connects with the gateway's tyk.conf ``secret`` (``--gateway-secret S``, else
``$DCR_GATEWAY_SECRET``, which keeps it out of the process list) and drives it through
its REST API like the other gateways. It is a customer's gateway: the harness starts and
stops nothing there, never modifies an API or policy it did not create, and removes the
ones it created at the end of the run (``shared``: the portal's
:class:`~harness.tyk.portal.gateway_sync.GatewaySync` keeps their ids).

Its tyk.conf is the customer's: the scenario's gateway settings
(``jwt_ssl_insecure_skip_verify``, the JWKS CA bundle) cannot be applied to it, so the
World does not offer them (the ``dashboard-settings`` step reports what the scenario says).
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import requests

from harness.core.deadline import mount_deadline
from harness.core.errors import ConfigError, LaunchError
from harness.core.lifecycle import StartStop
from harness.core.transcript import describe_transport_error
from harness.tyk.gateway.tyk_oss import BLOCKING_RELOAD, HELLO

log = logging.getLogger(__name__)

#: Env var holding the gateway's secret.
ENV_SECRET = "DCR_GATEWAY_SECRET"


class ExternalGatewayLauncher(StartStop):
    """Connects to a running Tyk gateway at ``base_url`` with its ``secret``."""

    kind = "external"
    #: One node's blocking reload: the node the harness talks to serves the change before the next step.
    reload_paths: tuple[str, ...] = (BLOCKING_RELOAD,)
    #: Objects pushed to it outlive the run: the World removes those it created.
    shared = True
    #: Its log is the customer's.
    log_path: Path | None = None

    def __init__(self, base_url: str, *, secret: str | None = None, timeout: float = 10.0) -> None:
        self._url = base_url.rstrip("/")
        secret = secret or os.environ.get(ENV_SECRET)
        if not secret:
            raise ConfigError(f"the gateway at {self._url} needs its tyk.conf secret",
                              hint=f"pass --gateway-secret S, or set ${ENV_SECRET}")
        self.secret: str = secret
        self.timeout = timeout
        #: ``/hello``'s version once connected (None when it does not say).
        self.version: str | None = None
        self._connected = False

    @property
    def base_url(self) -> str:
        return self._url

    def describe(self) -> str:
        return f"Tyk {self.version or '(version unknown)'} (external at {self._url})"

    def log_mark(self) -> int:
        return 0

    def why_refused(self, mark: int) -> str | None:
        """None: this gateway's log is not read during the run."""
        return None

    def start(self) -> ExternalGatewayLauncher:
        """Check the gateway answers ``/hello`` and that the secret opens its REST API."""
        try:
            with requests.Session() as session:
                mount_deadline(session, self.timeout)  # whole answers: a slow drip ends too
                hello = session.get(self._url + HELLO)
                apis = session.get(self._url + "/tyk/apis", headers={"x-tyk-authorization": self.secret})
        except requests.RequestException as exc:
            raise LaunchError(f"the gateway at {self._url} is unreachable: {type(exc).__name__} "
                              f"({describe_transport_error(exc)})",
                              hint="check --gateway and that the gateway is running") from None
        if apis.status_code == 403:
            raise LaunchError(f"the gateway at {self._url} refuses the secret (HTTP 403 on /tyk/apis)",
                              hint=f"pass its tyk.conf secret with --gateway-secret or ${ENV_SECRET}")
        if apis.status_code != 200:
            raise LaunchError(f"{self._url} does not answer like a Tyk gateway (HTTP {apis.status_code} on /tyk/apis)",
                              hint="point --gateway at the gateway's listen address")
        try:
            listed = apis.json()
        except ValueError:
            listed = "not JSON"
        # Tyk's GET /tyk/apis: a JSON array of API definitions (null for a Go nil slice).
        if listed is not None and not isinstance(listed, list):
            raise LaunchError(f"{self._url} does not answer like a Tyk gateway (HTTP 200 on /tyk/apis but not a "
                              f"JSON array; Content-Type {apis.headers.get('Content-Type')!r})",
                              hint="point --gateway at the gateway's listen address")
        try:
            about = hello.json() if hello.status_code == 200 else None
        except ValueError:
            about = None
        self.version = str(about.get("version") or "") or None if isinstance(about, dict) else None
        self._connected = True
        log.info("connected to the Tyk gateway %s at %s", self.version or "(version unknown)", self._url)
        return self

    def stop(self) -> None:
        """Nothing to stop: the gateway is not ours (what the run created is removed by the World)."""
        self._connected = False
