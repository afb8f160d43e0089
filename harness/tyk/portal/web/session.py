"""Sessions, CSRF tokens and sign-in state for the portal pages.

The session lives in a signed, httponly cookie (Starlette ``SessionMiddleware`` on
itsdangerous): it holds only ids and the CSRF token, never a secret. Every state-changing
form carries the session's CSRF token (synchronizer token pattern, OWASP CSRF
Prevention Cheat Sheet); a POST without it, or with a wrong one, is refused with 403.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from starlette.datastructures import FormData
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from harness.tyk.portal.models import Developer
from harness.tyk.portal.service import NotFound, PortalService
from harness.tyk.portal.web.render import plain

SESSION_COOKIE = "dcr_portal_session"
CSRF_FIELD = "csrf_token"
#: Sessions end after 8 hours (a working day), signed-in or not.
SESSION_MAX_AGE = 8 * 3600
CSRF_REJECTED = "Forbidden: this form's security token (CSRF token) is missing or wrong. " \
                "Reload the page and submit the form again."


def session_middleware(secret_key: str, *, https_only: bool = False) -> Middleware:
    """Signed (HMAC via itsdangerous), httponly, SameSite=Lax session cookie."""
    return Middleware(SessionMiddleware, secret_key=secret_key, session_cookie=SESSION_COOKIE,
                      max_age=SESSION_MAX_AGE, same_site="lax", https_only=https_only)


def csrf_token(request: Request) -> str:
    token = request.session.get("csrf")
    if not isinstance(token, str) or not token:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


def csrf_ok(request: Request, form: FormData) -> bool:
    expected = request.session.get("csrf")
    given = form.get(CSRF_FIELD)
    return (isinstance(expected, str) and bool(expected) and isinstance(given, str)
            and hmac.compare_digest(expected.encode(), given.encode()))


def start_session(request: Request, **values: Any) -> None:
    """Sign-in: drop everything from before (no session fixation), new CSRF token."""
    request.session.clear()
    request.session.update(values)
    request.session["csrf"] = secrets.token_urlsafe(32)


def flash(request: Request, message: str, kind: str = "ok") -> None:
    request.session.setdefault("flash", []).append([kind, message])


def pop_flashes(request: Request) -> list[list[str]]:
    return request.session.pop("flash", None) or []


def safe_next(value: str | None, default: str) -> str:
    """Only local paths: no open redirect through ``?next=``."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return default


# ---- who is signed in -------------------------------------------------------------------

def admin_fingerprint(admin_secret: str) -> str:
    """What the session keeps for a signed-in admin: a digest of the admin key, so
    changing the key signs every admin out and the cookie never carries the key."""
    return hashlib.sha256(b"dcr-harness-dashboard:" + admin_secret.encode()).hexdigest()[:32]


def is_admin(svc: PortalService, request: Request) -> bool:
    fp = request.session.get("admin")
    return isinstance(fp, str) and hmac.compare_digest(fp, admin_fingerprint(svc.settings.admin_secret))


def current_developer(svc: PortalService, request: Request) -> Developer | None:
    dev_id = request.session.get("developer")
    if not isinstance(dev_id, str):
        return None
    try:
        return svc.get_developer(dev_id)
    except NotFound:  # deleted meanwhile: sign out
        request.session.pop("developer", None)
        return None


# ---- one-time display of a client secret --------------------------------------------------

@dataclass
class RevealGrants:
    """One-time permissions to show a new client's secret (the page right after
    "Create"). The session cookie holds only a random nonce; the grant is consumed on
    first use, so replaying an old cookie shows the secret masked."""

    ttl: float = 300.0
    _grants: dict[str, tuple[str, str, float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def grant(self, request: Request, developer_id: str, client_id: str) -> None:
        nonce = secrets.token_urlsafe(24)
        now = time.monotonic()
        with self._lock:
            self._grants = {k: v for k, v in self._grants.items() if v[2] > now}
            self._grants[nonce] = (developer_id, client_id, now + self.ttl)
        request.session["reveal"] = nonce

    def consume(self, request: Request, developer_id: str, client_id: str) -> bool:
        nonce = request.session.get("reveal")
        if not isinstance(nonce, str):
            return False
        with self._lock:
            g = self._grants.get(nonce)
            if g is None or g[0] != developer_id or g[1] != client_id:
                return False
            del self._grants[nonce]
        request.session.pop("reveal", None)
        return g[2] > time.monotonic()


# ---- handler guards ----------------------------------------------------------------------

async def read_form(request: Request) -> FormData | Response:
    """The POSTed form, or the 403 answer when its CSRF token is missing or wrong."""
    form = await request.form()
    if not csrf_ok(request, form):
        return plain(CSRF_REJECTED, 403)
    return form


def login_redirect(login_path: str, request: Request) -> RedirectResponse:
    from urllib.parse import quote

    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"{login_path}?next={quote(target, safe='/')}", status_code=303)
