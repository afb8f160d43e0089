"""Secret redaction: no client secret, token or password reaches a report, a log or
an exception unredacted (shared/DESIGN.md, Principles).

Two mechanisms work together:
* field names that always hold secrets (``client_secret``, ``access_token``, ...), in
  JSON bodies, form bodies, query strings and headers;
* a registry of secret *values* seen during a run, scrubbed wherever they appear
  (inside URLs, error messages, free text).
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from typing import Any
from urllib.parse import parse_qsl, urlencode

#: JSON / form field names whose values are secrets.
SECRET_FIELDS: frozenset[str] = frozenset(
    {
        "client_secret",
        "access_token",
        "refresh_token",
        "id_token",
        "registration_access_token",
        "initial_access_token",
        "token",
        "password",
        "admin_password",
        "secret",
        "jwt_source_secret",
        "code",
        "assertion",
        "client_assertion",
        "api_key",
        "session_secret",
    }
)
#: Header names whose values are secrets.
SECRET_HEADERS: frozenset[str] = frozenset(
    {"authorization", "cookie", "set-cookie", "proxy-authorization", "x-tyk-authorization"}
)

_JWT_RE = re.compile(r"eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*")


def fingerprint(value: str) -> str:
    """A short, stable, non-reversible label for a secret (first 8 hex of sha256)."""
    return hashlib.sha256(value.encode("utf-8", "replace")).hexdigest()[:8]


def mask(value: str) -> str:
    """``***redacted:ab12cd34***`` — the same secret always gets the same label, so a
    reader can still see that two exchanges used the same token."""
    return f"***redacted:{fingerprint(value)}***"


class Redactor:
    """Scrubs known secret values and secret-named fields. Thread-safe."""

    def __init__(self) -> None:
        self._values: set[str] = set()
        self._lock = threading.Lock()

    def add(self, *values: Any) -> None:
        """Register secret values (short values under 6 characters are ignored:
        scrubbing them would mangle ordinary text)."""
        with self._lock:
            for v in values:
                if isinstance(v, str) and len(v) >= 6:
                    self._values.add(v)

    def text(self, s: str) -> str:
        with self._lock:
            values = sorted(self._values, key=len, reverse=True)
        for v in values:
            if v in s:
                s = s.replace(v, mask(v))
        return _JWT_RE.sub(lambda m: mask(m.group(0)), s)

    def value(self, obj: Any, key: str | None = None) -> Any:
        """Recursively redact a JSON-like value; ``key`` is the field it sits under."""
        if key is not None and key.lower() in SECRET_FIELDS and isinstance(obj, str) and obj:
            self.add(obj)
            return mask(obj)
        if isinstance(obj, dict):
            return {k: self.value(v, str(k)) for k, v in obj.items()}
        if isinstance(obj, list):
            return [self.value(v) for v in obj]
        if isinstance(obj, str):
            return self.text(obj)
        return obj

    def headers(self, headers: dict[str, str]) -> dict[str, str]:
        out: dict[str, str] = {}
        for k, v in headers.items():
            if k.lower() in SECRET_HEADERS and v:
                scheme, _, cred = v.partition(" ")
                if cred and scheme.lower() in {"bearer", "basic"}:
                    self.add(cred)
                    out[k] = f"{scheme} {mask(cred)}"
                else:
                    self.add(v)
                    out[k] = mask(v)
            else:
                out[k] = self.text(v)
        return out

    def body(self, body: str | bytes | None, content_type: str | None) -> str | None:
        """Redact an HTTP body given its content type (JSON, form, or text)."""
        if body is None:
            return None
        if isinstance(body, bytes):
            body = body.decode("utf-8", "replace")
        ct = (content_type or "").lower()
        if "json" in ct or body[:1] in ("{", "["):
            try:
                return json.dumps(self.value(json.loads(body)), indent=None)
            except ValueError:
                pass
        if "x-www-form-urlencoded" in ct:
            pairs = parse_qsl(body, keep_blank_values=True)
            return urlencode([(k, mask(v) if k.lower() in SECRET_FIELDS and v else v) for k, v in pairs])
        return self.text(body)

    def url(self, url: str) -> str:
        base, sep, query = url.partition("?")
        if not sep:
            return self.text(url)
        pairs = parse_qsl(query, keep_blank_values=True)
        q = urlencode([(k, mask(v) if k.lower() in SECRET_FIELDS and v else v) for k, v in pairs])
        return self.text(f"{base}?{q}")


#: The process-wide redactor: every secret the harness sees is added here.
REDACTOR = Redactor()
