"""JWKS fetching and the per-API cache (gateway/mw_jwt.go getSecretFromURL, server.go).

* One cache per API id, entries expire after ``jwks.cache.timeout`` (240 s default).
* A successful fetch is cached with a marker holding the API's ``jwt_source``; an
  unknown ``kid`` does not trigger a refetch; a failed fetch or decode is not cached.
* Fetches ignore the HTTP status (Tyk decodes whatever body comes back), are bounded
  by a timeout, verify TLS unless ``jwt_ssl_insecure_skip_verify``, and are recorded
  in the transcript (actor ``gateway``, target ``idp``) when one is given.
"""

from __future__ import annotations

import threading
import warnings
from collections.abc import Callable
from typing import Any

import requests
from urllib3.exceptions import InsecureRequestWarning

from harness.core.transcript import RecordingSession, Transcript, describe_transport_error
from harness.tyk.gateway.profile import GatewayProfile


class FetchError(Exception):
    """The JWKS URL could not be read (connection, TLS, timeout)."""


class TtlCache:
    """A small thread-safe cache with per-entry expiry on an injectable clock
    (the shape of Tyk's internal/cache MemRepository)."""

    def __init__(self, ttl: float, clock: Callable[[], float]) -> None:
        self.ttl = ttl
        self.clock = clock
        self._items: dict[str, tuple[Any, float]] = {}
        self._lock = threading.Lock()

    def get(self, name: str) -> Any | None:
        with self._lock:
            item = self._items.get(name)
            if item is None:
                return None
            value, expires = item
            if self.clock() >= expires:
                del self._items[name]
                return None
            return value

    def set(self, name: str, value: Any) -> None:
        with self._lock:
            self._items[name] = (value, self.clock() + self.ttl)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def __len__(self) -> int:
        return len(self._items)


class JwksFetcher:
    """GET a JWKS URL with Tyk's client settings; returns the raw body."""

    def __init__(self, profile: GatewayProfile, transcript: Transcript | None = None) -> None:
        self.profile = profile
        self.transcript = transcript

    @property
    def verify(self) -> bool | str:
        if self.profile.jwt_ssl_insecure_skip_verify:
            return False
        return self.profile.jwks_ca_bundle or True

    def fetch(self, url: str) -> bytes:
        timeout = self.profile.jwks_fetch_timeout
        session: requests.Session
        if self.transcript is not None:
            session = RecordingSession(self.transcript, actor="gateway", target="idp", timeout=timeout)
        else:
            session = requests.Session()
            session.headers["User-Agent"] = "dcr-harness/tyk/gateway"
        try:
            with session, warnings.catch_warnings():
                # jwt_ssl_insecure_skip_verify is a deliberate choice: no warning per fetch.
                warnings.simplefilter("ignore", InsecureRequestWarning)
                resp = session.get(url, timeout=timeout, verify=self.verify, allow_redirects=True)
                return resp.content
        except requests.RequestException as exc:
            raise FetchError(f"JWKS fetch from {url} failed: {describe_transport_error(exc)}") from None
