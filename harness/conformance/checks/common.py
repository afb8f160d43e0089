"""Small readers shared by the conditions: headers, JSON bodies, status + error."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urlsplit

from harness.core.transcript import Exchange
from harness.products.quirk import ABSENT as QUIRK_ABSENT

ABSENT = QUIRK_ABSENT  # one spelling for checks and the quirks that match their actual
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})


def header(ex: Exchange | None, name: str) -> str | None:
    """Response header ``name`` (case-insensitive), ``None`` when absent."""
    if ex is None:
        return None
    for k, v in ex.response_headers.items():
        if k.lower() == name.lower():
            return v
    return None


def _json_or_none(text: str | None) -> Any:
    """``text`` parsed as JSON; ``None`` when it is empty or not JSON."""
    if not text:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return None


def body_json(ex: Exchange | None) -> Any:
    """The response body parsed as JSON, or ``None``."""
    return None if ex is None else _json_or_none(ex.response_body)


def request_json(ex: Exchange | None) -> Any:
    """The request body parsed as JSON, or ``None``."""
    return None if ex is None else _json_or_none(ex.request_body)


def media_type(ex: Exchange | None) -> str:
    """``application/json`` from ``application/json;charset=UTF-8`` (lower case)."""
    value = header(ex, "content-type") or ""
    return value.split(";", 1)[0].strip().lower()


def is_json(ex: Exchange | None) -> bool:
    return media_type(ex) == "application/json"


def answered(ex: Exchange | None) -> bool:
    return ex is not None and ex.status is not None


_CHALLENGE_PARAM = re.compile(r'([A-Za-z_]+)="((?:[^"\\]|\\.)*)"')


def challenge_params(ex: Exchange | None) -> dict[str, str]:
    """The auth-params of a ``WWW-Authenticate: Bearer`` challenge (RFC 6750 §3:
    ``error``, ``error_description``, ``error_uri``, ``scope``); empty when absent."""
    value = header(ex, "www-authenticate") or ""
    if not value.lower().startswith("bearer"):
        return {}
    return {k.lower(): v for k, v in _CHALLENGE_PARAM.findall(value)}


def outcome(ex: Exchange | None) -> str:
    """``"401 invalid_client"`` / ``"200"`` / ``"no answer: <error>"`` — the ``actual`` of
    error checks (quirks match on it). The error code is the JSON body's ``error``, else
    the ``error`` of a Bearer challenge (RFC 6750 §3 puts it in ``WWW-Authenticate``; a
    body is not required there)."""
    if ex is None:
        return "not sent"
    if ex.status is None:
        return f"no answer: {ex.error}"
    data = body_json(ex)
    if isinstance(data, dict) and isinstance(data.get("error"), str) and ex.status >= 300:
        return f"{ex.status} {data['error']}"
    code = challenge_params(ex).get("error") if ex.status >= 300 else None
    return f"{ex.status} {code}" if code else str(ex.status)


def error_description(ex: Exchange | None) -> str:
    data = body_json(ex)
    if isinstance(data, dict) and isinstance(data.get("error_description"), str):
        return f" ({data['error_description']})"
    described = challenge_params(ex).get("error_description") if ex is not None and (ex.status or 0) >= 300 else None
    return f" ({described})" if described else ""


def is_absolute_url(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    parts = urlsplit(value)
    return parts.scheme in ("https", "http") and bool(parts.netloc)


def is_loopback(url: str) -> bool:
    return (urlsplit(url).hostname or "").lower() in LOOPBACK_HOSTS


def https_or_loopback(url: str) -> tuple[bool, str]:
    """RFC 8414 §2 / OIDC Discovery §3: https; http only for a loopback development IdP."""
    scheme = urlsplit(url).scheme
    if scheme == "https":
        return True, "https"
    if scheme == "http" and is_loopback(url):
        return True, "http on a loopback address (accepted for local development)"
    return False, f"scheme {scheme or '(none)'}"


def no_answer(ex: Exchange | None, what: str) -> str | None:
    """A failure message when the request got no HTTP answer at all."""
    if ex is None:
        return f"{what} was not sent"
    if ex.status is None:
        return f"{what} got no answer: {ex.error}"
    return None
