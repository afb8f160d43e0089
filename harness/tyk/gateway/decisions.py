"""Gateway verdicts: what Tyk answers, and why (for the harness, never on the wire).

Tyk logs the details of a refusal and answers a short fixed message. The harness keeps
both: :class:`Decision` holds the exact status and message the client sees plus the
``reason`` (e.g. "JWKS key 3 (kid='k1') has x of 33 bytes, expected 32 for P-256")
and the ``stage`` of the decision order where it was taken.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field


class Refusal(Exception):
    """Raised inside the middleware: stop here and answer ``status`` + ``message``."""

    def __init__(self, status: int, message: str, *, stage: str, reason: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.stage = stage
        self.reason = reason or message


@dataclass
class Decision:
    """One request's verdict. ``status == 200`` with stage ``proxy`` means allowed."""

    api_id: str
    status: int
    message: str
    stage: str
    reason: str
    at: float
    identity: str | None = None
    session_key: str | None = None
    policies: tuple[str, ...] = ()
    oauth_client_id: str | None = None
    details: dict[str, object] = field(default_factory=dict)

    @property
    def allowed(self) -> bool:
        return self.stage == "proxy" and self.status < 400

    def summary(self) -> str:
        verdict = "allowed" if self.allowed else f"{self.status} {self.message!r}"
        return f"[{self.api_id}] {verdict} at {self.stage}: {self.reason}"


def json_escape(message: str) -> str:
    """gateway/util.go jsonEscapeString: ``"`` and ``\\`` backslash-escaped, ``\\n``/``\\r``/``\\t``
    by name, other bytes below 0x20 as ``\\u00XX``; everything else (non-ASCII included) as is."""
    out = []
    for ch in message:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch in "\n\r\t":
            out.append({"\n": "\\n", "\r": "\\r", "\t": "\\t"}[ch])
        elif ord(ch) < 0x20:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return "".join(out)


def error_body(message: str) -> bytes:
    """Tyk's default error template (templates/error.json), byte for byte; the message
    is JSON-escaped by :func:`json_escape` and then inserted as ``template.HTML``
    (gateway/handler_error.go HandleError: ``htmltemplate.HTML(jsonEscapeString(errMsg))``)."""
    return ('{\n    "error": "' + json_escape(message) + '"\n}').encode("utf-8")


class DecisionLog:
    """A bounded, thread-safe list of recent decisions (newest last)."""

    def __init__(self, maxlen: int = 1000) -> None:
        self._items: deque[Decision] = deque(maxlen=maxlen)
        self._lock = threading.Lock()

    def add(self, d: Decision) -> None:
        with self._lock:
            self._items.append(d)

    def __iter__(self) -> Iterator[Decision]:
        with self._lock:
            return iter(list(self._items))

    def __len__(self) -> int:
        return len(self._items)

    def last(self) -> Decision | None:
        with self._lock:
            return self._items[-1] if self._items else None

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
