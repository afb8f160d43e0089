"""HTTP transcripts: every exchange the harness makes or serves, recorded redacted.

A :class:`Transcript` is shared by the pieces of one world (run engine, portal's
registrar, gateway's JWKS fetcher) so a report can show the whole conversation in
order. Bodies and headers are redacted *when recorded*: nothing unredacted is kept.

The transcript carries its run's :class:`~harness.core.redact.Redactor` (one per run,
harness.core.redact): recording an exchange both redacts it and teaches the redactor
the secrets it masked (secret-named fields, Bearer/Basic credentials), so whoever
later reports an error of that run can scrub them from free text too.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

import requests

from harness.core.deadline import DeadlineExceeded, idp_deadline, mount_deadline
from harness.core.redact import Redactor

NOTABLE_HEADERS = (
    "content-type",
    "cache-control",
    "pragma",
    "www-authenticate",
    "location",
    "authorization",
    "x-tyk-authorization",
)


@dataclass
class Exchange:
    """One request and its response (or the error that replaced the response)."""

    actor: str  # who sent it: "harness", "portal", "gateway", "developer", ...
    target: str  # who answered: "idp", "portal", "gateway", "upstream"
    method: str
    url: str
    request_headers: dict[str, str]
    request_body: str | None
    status: int | None = None
    response_headers: dict[str, str] = field(default_factory=dict)
    response_body: str | None = None
    error: str | None = None
    elapsed_ms: float = 0.0
    step: str | None = None
    started: float = field(default_factory=time.time)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def summary(self) -> str:
        outcome = str(self.status) if self.status is not None else f"error: {self.error}"
        return f"{self.method} {self.url} -> {outcome}"


class Transcript:
    """An ordered, thread-safe list of redacted exchanges, and the run's redactor.

    ``redactor``: the run's :class:`Redactor`; without one the transcript starts a
    run of its own (a fresh redactor that knows no secrets yet)."""

    def __init__(self, redactor: Redactor | None = None) -> None:
        self.redactor: Redactor = redactor if redactor is not None else Redactor()
        self._items: list[Exchange] = []
        self._lock = threading.Lock()
        self.current_step: str | None = None

    def __iter__(self) -> Iterator[Exchange]:
        with self._lock:
            return iter(list(self._items))

    def __len__(self) -> int:
        return len(self._items)

    def __bool__(self) -> bool:
        return True  # an empty transcript is still a transcript (never `x or Transcript()`)

    def for_step(self, step: str) -> list[Exchange]:
        return [e for e in self if e.step == step]

    def add(self, ex: Exchange) -> Exchange:
        if ex.step is None:
            ex.step = self.current_step
        with self._lock:
            self._items.append(ex)
        return ex

    def record_response(self, actor: str, target: str, resp: requests.Response,
                        sent_at: float | None = None) -> Exchange:
        """Record ``resp`` and its request. ``sent_at`` (``time.time()`` just before the
        request was sent) dates the exchange from the request: ``started`` is then
        ``sent_at`` plus the wait for the answer's headers, so ``started - elapsed`` (the
        sequence diagram's order, harness.report.sequence) is when the request left, not
        that moment plus the time spent reading and redacting the body, which let an outer
        call sort after the call it caused (gateway -> upstream)."""
        req = resp.request
        r = self.redactor
        body = req.body
        elapsed_ms = resp.elapsed.total_seconds() * 1000.0
        extra: dict[str, Any] = {} if sent_at is None else {"started": sent_at + elapsed_ms / 1000.0}
        return self.add(
            Exchange(
                actor=actor,
                target=target,
                method=str(req.method),
                url=r.url(str(req.url)),
                request_headers=r.headers(_interesting(dict(req.headers))),
                request_body=r.body(body, req.headers.get("Content-Type")),
                status=resp.status_code,
                response_headers=r.headers(_interesting(dict(resp.headers))),
                response_body=r.body(resp.content, resp.headers.get("Content-Type")),
                elapsed_ms=elapsed_ms,
                **extra,
            )
        )

    def record_error(
        self, actor: str, target: str, method: str, url: str, headers: dict[str, str],
        body: Any, error: BaseException,
    ) -> Exchange:
        r = self.redactor
        return self.add(
            Exchange(
                actor=actor,
                target=target,
                method=method,
                url=r.url(url),
                request_headers=r.headers(_interesting(headers)),
                request_body=r.body(body if isinstance(body, (str, bytes)) else None, headers.get("Content-Type")),
                error=r.text(describe_transport_error(error)),
            )
        )


def _interesting(headers: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in headers.items() if k.lower() in NOTABLE_HEADERS}


def describe_transport_error(exc: BaseException) -> str:
    """One readable line for a connection/TLS/timeout failure."""
    if isinstance(exc, DeadlineExceeded):
        return str(exc)
    if isinstance(exc, requests.exceptions.SSLError):
        return f"TLS verification failed: {_root(exc)}"
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return "connection timed out"
    if isinstance(exc, requests.exceptions.ReadTimeout):
        return "no answer within the timeout"
    if isinstance(exc, requests.exceptions.ChunkedEncodingError):
        return f"the connection broke while the answer was being read: {_root(exc)}"
    if isinstance(exc, requests.exceptions.ConnectionError):
        root = _root(exc)
        if _after_sending(exc):
            return f"the connection was dropped before an answer came (the server may have acted): {root}"
        return f"cannot connect: {root}"
    return f"{type(exc).__name__}: {exc}"


def _after_sending(exc: BaseException) -> bool:
    """True when the connection was made and the request sent, but the answer never
    came (http.client ``RemoteDisconnected``, a reset while reading): the server may have
    acted on the request — different from "cannot connect", where it never saw it."""
    import http.client

    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, (http.client.RemoteDisconnected, http.client.IncompleteRead, ConnectionResetError)):
            return True
        if "RemoteDisconnected" in str(seen) or "Connection aborted" in str(seen):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _root(exc: BaseException) -> str:
    seen = exc
    while seen.__cause__ is not None or seen.__context__ is not None:
        seen = seen.__cause__ or seen.__context__  # type: ignore[assignment]  # None ends the loop
    text = str(seen) or type(seen).__name__
    return text.split("] ")[-1][:200]


class RecordingSession(requests.Session):
    """A requests session that records each exchange into a transcript.

    ``actor`` and ``target`` label the exchange for reports and sequence diagrams.
    Every request has one overall deadline of ``timeout`` seconds — connect, headers
    and body together (harness.core.deadline; requests' own timeout is per read, so a
    slow drip would never end).
    """

    def __init__(self, transcript: Transcript, actor: str, target: str = "idp",
                 timeout: float | None = None) -> None:
        super().__init__()
        timeout = idp_deadline() if timeout is None else timeout
        mount_deadline(self, timeout)
        self.transcript = transcript
        self.actor = actor
        self.target = target
        self.default_timeout = timeout
        self.headers["User-Agent"] = f"dcr-harness/{actor}"

    def request(self, method: str, url: str, *args: Any, target: str | None = None, **kwargs: Any) -> requests.Response:  # type: ignore[override]  # adds target=
        kwargs.setdefault("timeout", self.default_timeout)
        # Pass the session's verify per request: requests lets REQUESTS_CA_BUNDLE /
        # CURL_CA_BUNDLE override a *session-level* verify (False or a CA path), which
        # would silently undo dcr_ssl_insecure_skip_verify and CA bundles.
        kwargs.setdefault("verify", self.verify)
        sent_at = time.time()
        try:
            resp = super().request(method, url, *args, **kwargs)
        except requests.RequestException as exc:
            prepared_headers = {**dict(self.headers), **dict(kwargs.get("headers") or {})}
            self.transcript.record_error(self.actor, target or self.target, method, url, prepared_headers, kwargs.get("data"), exc)
            raise
        self.transcript.record_response(self.actor, target or self.target, resp, sent_at=sent_at)
        return resp
