"""An IdP behind the fault proxy (:mod:`harness.core.faultproxy`): the scenario's
``idp.network_faults``. Everyone reaches the IdP through the proxy — the admin steps,
discovery, the portal's registration, the developer's token request, the gateway's JWKS
fetch — because the IdP derives its URLs from the request's Host header, which the proxy
keeps (Keycloak in dev mode and our emulators do), so every URL it announces names the
proxy too. A fault applies to the calls its rule matches, as a flaky network or an
overloaded IdP would (e.g. a registration that hangs past the portal's deadline)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from urllib.parse import urlsplit

from harness.core.errors import ConfigError
from harness.core.faultproxy import FaultProxy
from harness.products.base import IdpLauncher
from harness.scenario.schema import NetworkFaultSpec


class FaultyIdp:
    """An :class:`~harness.products.base.IdpLauncher` that starts ``inner``, then a fault
    proxy in front of it with ``faults``; its URLs are the proxy's. Stopping stops both."""

    def __init__(self, inner: IdpLauncher, faults: Sequence[NetworkFaultSpec]) -> None:
        self.inner = inner
        self.faults = list(faults)
        self.proxy: FaultProxy | None = None
        self.kind = inner.kind
        self.profile = inner.profile
        self.admin_user = inner.admin_user
        self.admin_password = inner.admin_password
        self._copy_facts()

    def _copy_facts(self) -> None:
        """What a launcher may learn only once started (a distribution's version, its log)."""
        self.version: str | None = self.inner.version
        self.log_path: Path | None = self.inner.log_path
        self.ca_bundle: str | None = self.inner.ca_bundle

    def _origin(self) -> str:
        parts = urlsplit(self.inner.base_url)
        return f"{parts.scheme}://{parts.netloc}"

    def _through(self, url: str) -> str:
        if self.proxy is None:
            return url
        origin = self._origin()
        return self.proxy.url + url[len(origin):] if url.startswith(origin) else url

    @property
    def base_url(self) -> str:
        return self._through(self.inner.base_url)

    def issuer(self, realm: str = "master") -> str:
        return self._through(self.inner.issuer(realm))

    def start(self) -> FaultyIdp:
        self.inner.start()
        self._copy_facts()
        if self.proxy is None:
            if urlsplit(self.inner.base_url).scheme != "http":
                raise ConfigError("idp.network_faults: the fault proxy forwards to plain http:// IdPs only, not "
                                  f"{self.inner.base_url}", hint="remove idp.tls or the network faults")
            proxy = FaultProxy(self._origin())
            for f in self.faults:
                proxy.add(f.method, f.path, f.fault, times=f.times, seconds=f.seconds, skip=f.skip)
            self.proxy = proxy.start()
        return self

    def stop(self) -> None:
        if self.proxy is not None:
            self.proxy.stop()
            self.proxy = None
        self.inner.stop()

    def __enter__(self) -> FaultyIdp:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
