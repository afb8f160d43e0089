"""A small client of Keycloak's admin REST API (works against the real server and the
emulator alike): the admin-cli login, realm creation, initial access tokens
(Keycloak server admin guide, "Client registration → Initial access token") and
the realm's OpenID Provider configuration (OIDC Discovery 1.0 §4).

Errors raise :class:`KeycloakAdminError` with one line: what was attempted, the
status and Keycloak's error/error_description — never a token or a password (they are
built from those parts only; the run that reports one redacts it again with its own
redactor, harness.core.redact). Pass a RecordingSession: recording the admin login and
the initial access token answers teaches the run's redactor the password and tokens.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any
from urllib.parse import quote

import requests

from harness.core.errors import HarnessError
from harness.core.jsonbody import json_object, json_objects

log = logging.getLogger(__name__)

#: Renew the cached admin token this many seconds before it expires (master tokens
#: live 60 s by default).
TOKEN_MARGIN_SECONDS = 10


#: providerType of a realm's client-registration policies (Keycloak admin REST API, components).
REGISTRATION_POLICY_TYPE = "org.keycloak.services.clientregistration.policy.ClientRegistrationPolicy"
#: providerType of a realm's key providers (rsa-generated, hmac-generated, ...).
KEY_PROVIDER_TYPE = "org.keycloak.keys.KeyProvider"


class KeycloakAdminError(HarnessError):
    """A Keycloak admin call failed; ``status`` is the HTTP status (None: no answer)."""

    def __init__(self, message: str, *, status: int | None = None, error: str | None = None, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.status = status
        self.error = error


def _describe(resp: requests.Response) -> tuple[str, str | None]:
    """Keycloak's error in one line: ``error: error_description`` or ``errorMessage``."""
    try:
        body = resp.json()
    except ValueError:
        text = resp.text.strip().replace("\n", " ")
        return (text[:200] or resp.reason or "no body"), None
    if isinstance(body, dict):
        error = body.get("error")
        desc = body.get("error_description") or body.get("errorMessage")
        if error and desc:
            return f"{error}: {desc}", str(error)
        if error or desc:
            return str(error or desc), str(error) if error else None
    return str(body)[:200], None


class KeycloakAdmin:
    """Admin REST client for one Keycloak server.

    ``base_url`` is the server root including any relative path (e.g.
    ``http://127.0.0.1:8080`` or ``http://127.0.0.1:8080/auth``). Pass a
    :class:`~harness.core.transcript.RecordingSession` as ``session`` to record traffic.
    """

    def __init__(
        self,
        base_url: str,
        admin_user: str,
        admin_password: str,
        session: requests.Session | None = None,
        *,
        timeout: float | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.admin_user = admin_user
        self._password = admin_password
        self.session = session or requests.Session()
        #: Per call; default: the session's own deadline (a RecordingSession's,
        #: harness.core.deadline), else 30 s.
        self.timeout: float = timeout if timeout is not None else float(getattr(self.session, "default_timeout", 30.0))
        self._token: str | None = None
        self._token_expires = 0.0
        self._lock = threading.Lock()

    # --- plumbing -------------------------------------------------------------------

    def _request(self, what: str, method: str, url: str, **kwargs: Any) -> requests.Response:
        try:
            return self.session.request(method, url, timeout=self.timeout, **kwargs)
        except requests.RequestException as exc:
            raise KeycloakAdminError(
                f"{what}: no answer from {self.base_url} ({type(exc).__name__})",
                hint="check that Keycloak is running and the URL is right",
            ) from None

    def _fail(self, what: str, resp: requests.Response) -> KeycloakAdminError:
        detail, error = _describe(resp)
        return KeycloakAdminError(f"{what}: HTTP {resp.status_code} {detail}", status=resp.status_code, error=error)

    def _admin(self, what: str, method: str, path: str, **kwargs: Any) -> requests.Response:
        headers = {"Authorization": f"Bearer {self.token()}", **kwargs.pop("headers", {})}
        return self._request(what, method, f"{self.base_url}{path}", headers=headers, **kwargs)

    # --- API ---------------------------------------------------------------------------

    def token(self) -> str:
        """An admin access token from the admin-cli password grant on ``master``
        (RFC 6749 §4.3), cached until shortly before it expires."""
        with self._lock:
            if self._token is not None and time.monotonic() < self._token_expires:
                return self._token
            what = f"admin login as {self.admin_user!r}"
            resp = self._request(
                what,
                "POST",
                f"{self.base_url}/realms/master/protocol/openid-connect/token",
                data={
                    "grant_type": "password",
                    "client_id": "admin-cli",
                    "username": self.admin_user,
                    "password": self._password,
                },
            )
            if resp.status_code != 200:
                raise self._fail(what, resp)
            try:
                body = resp.json()
                token = str(body["access_token"])
                expires_in = float(body.get("expires_in", 60))
            except (ValueError, KeyError, TypeError):
                raise KeycloakAdminError(f"{what}: HTTP 200 without an access_token") from None
            self._token = token
            self._token_expires = time.monotonic() + max(0.0, expires_in - TOKEN_MARGIN_SECONDS)
            return token

    def create_realm(self, name: str) -> None:
        """Create an enabled realm; an existing one (409) is fine."""
        what = f"create realm {name!r}"
        resp = self._admin(what, "POST", "/admin/realms", json={"realm": name, "enabled": True})
        if resp.status_code == 409:
            log.debug("realm %s already exists", name)
            return
        if resp.status_code != 201:
            raise self._fail(what, resp)

    def create_initial_access_token(self, realm: str, expiration: int, count: int) -> dict[str, Any]:
        """``POST /admin/realms/{realm}/clients-initial-access``: the presentation
        ``{id, token, timestamp, expiration, count, remainingCount}``."""
        what = f"create initial access token in realm {realm!r}"
        resp = self._admin(
            what,
            "POST",
            f"/admin/realms/{quote(realm, safe='')}/clients-initial-access",
            json={"expiration": expiration, "count": count},
        )
        if resp.status_code not in (200, 201):
            raise self._fail(what, resp)
        try:
            body = resp.json()
        except ValueError:
            raise KeycloakAdminError(f"{what}: HTTP {resp.status_code} answer is not JSON") from None
        if not isinstance(body, dict) or not isinstance(body.get("token"), str):
            raise KeycloakAdminError(f"{what}: HTTP {resp.status_code} answer has no token")
        return body

    def delete_initial_access_token(self, realm: str, token_id: str) -> None:
        """``DELETE /admin/realms/{realm}/clients-initial-access/{id}``: revoke an initial
        access token (Keycloak admin REST API, ClientInitialAccessResource.delete)."""
        what = f"delete initial access token {token_id!r} in realm {realm!r}"
        resp = self._admin(what, "DELETE",
                           f"/admin/realms/{quote(realm, safe='')}/clients-initial-access/{quote(token_id, safe='')}")
        if resp.status_code not in (200, 204):
            raise self._fail(what, resp)

    def discovery(self, realm: str) -> dict[str, Any]:
        """``/realms/{realm}/.well-known/openid-configuration`` (no admin token needed)."""
        what = f"discovery of realm {realm!r}"
        resp = self._request(what, "GET", f"{self.base_url}/realms/{quote(realm, safe='')}/.well-known/openid-configuration")
        if resp.status_code != 200:
            raise self._fail(what, resp)
        return json_object(resp, what, KeycloakAdminError)

    def _json_objects(self, what: str, resp: requests.Response) -> list[dict[str, Any]]:
        """The JSON objects of a 200 answer that is a JSON array (representations)."""
        if resp.status_code != 200:
            raise self._fail(what, resp)
        return json_objects(resp, what, KeycloakAdminError)

    # --- clients (the guide's "check the client in Keycloak"; cleanup after faults) ---

    def clients(self, realm: str, *, client_id: str | None = None) -> list[dict[str, Any]]:
        """``GET /admin/realms/{realm}/clients[?clientId=]``: ClientRepresentations."""
        what = f"list clients of realm {realm!r}"
        params = {"clientId": client_id} if client_id else {"first": "0", "max": "1000"}
        resp = self._admin(what, "GET", f"/admin/realms/{quote(realm, safe='')}/clients", params=params)
        return self._json_objects(what, resp)

    def delete_client(self, realm: str, internal_id: str) -> None:
        """``DELETE /admin/realms/{realm}/clients/{id}`` (the internal id, not clientId);
        an already deleted client (404) is fine."""
        what = f"delete client {internal_id} of realm {realm!r}"
        resp = self._admin(what, "DELETE", f"/admin/realms/{quote(realm, safe='')}/clients/{quote(internal_id, safe='')}")
        if resp.status_code not in (204, 404):
            raise self._fail(what, resp)

    # --- client-registration policies (Clients → Client registration → policies) -----------

    def registration_policies(self, realm: str) -> list[dict[str, Any]]:
        """``GET /admin/realms/{realm}/components?type=<ClientRegistrationPolicy>``: the
        realm's client-registration policies (ComponentRepresentations)."""
        what = f"list client-registration policies of realm {realm!r}"
        resp = self._admin(what, "GET", f"/admin/realms/{quote(realm, safe='')}/components",
                           params={"type": REGISTRATION_POLICY_TYPE})
        return self._json_objects(what, resp)

    def set_max_clients(self, realm: str, limit: int) -> list[str]:
        """Set the "Max Clients Limit" policy (providerId ``max-clients``, config
        ``max-clients``; src:MaxClientsClientRegistrationPolicyFactory) to ``limit`` for
        anonymous and authenticated registrations: the existing components are updated
        (``PUT /components/{id}``), a missing one is created (``POST /components``; a new
        realm has it only for anonymous registrations, observed 26.7.3). Returns what it did,
        one entry per subtype."""
        done: list[str] = []
        base = f"/admin/realms/{quote(realm, safe='')}/components"
        policies = self.registration_policies(realm)
        for sub in ("anonymous", "authenticated"):
            mine = [c for c in policies if c.get("providerId") == "max-clients" and c.get("subType") == sub]
            for comp in mine:
                what = f"update client-registration policy {comp.get('name')!r} ({sub}) of realm {realm!r}"
                config = {**(comp.get("config") or {}), "max-clients": [str(limit)]}
                resp = self._admin(what, "PUT", f"{base}/{quote(str(comp.get('id')), safe='')}",
                                   json={**comp, "config": config})
                if resp.status_code not in (200, 204):
                    raise self._fail(what, resp)
                done.append(f"{comp.get('name')!r} ({sub}) set to {limit}")
            if not mine:
                what = f"create client-registration policy 'Max Clients Limit' ({sub}) in realm {realm!r}"
                resp = self._admin(what, "POST", base, json={
                    "name": "Max Clients Limit", "providerId": "max-clients",
                    "providerType": REGISTRATION_POLICY_TYPE, "subType": sub,
                    "config": {"max-clients": [str(limit)]}})
                if resp.status_code != 201:
                    raise self._fail(what, resp)
                done.append(f"'Max Clients Limit' ({sub}) created with {limit}")
        return done

    # --- realm keys (Realm settings → Keys → Providers) ----------------------------------------

    def realm_id(self, realm: str) -> str:
        """``GET /admin/realms/{realm}``: the realm's internal id (a component's parentId)."""
        what = f"read realm {realm!r}"
        resp = self._admin(what, "GET", f"/admin/realms/{quote(realm, safe='')}")
        if resp.status_code != 200:
            raise self._fail(what, resp)
        try:
            return str(resp.json()["id"])
        except (ValueError, KeyError, TypeError):
            raise KeycloakAdminError(f"{what}: HTTP 200 answer has no id") from None

    def active_rs256_kid(self, realm: str) -> tuple[str, int]:
        """``GET /admin/realms/{realm}/keys``: the kid of the active RS256 key (the one that
        signs access tokens) and the highest priority among the RS256 key providers."""
        what = f"read the keys of realm {realm!r}"
        resp = self._admin(what, "GET", f"/admin/realms/{quote(realm, safe='')}/keys")
        if resp.status_code != 200:
            raise self._fail(what, resp)
        try:
            body = resp.json()
            kid = str(body["active"]["RS256"])
            top = max(int(k.get("providerPriority", 0)) for k in body["keys"] if k.get("algorithm") == "RS256")
        except (ValueError, KeyError, TypeError):
            raise KeycloakAdminError(f"{what}: HTTP 200 answer has no active RS256 key") from None
        return kid, top

    def rotate_signing_key(self, realm: str) -> tuple[str, str]:
        """Rotate the realm's RS256 signing key the way the server admin guide's "Rotating
        keys" does: add a generated RSA key provider (``POST /components``, providerType
        ``org.keycloak.keys.KeyProvider``, providerId ``rsa-generated``) with a higher
        priority than the active key's; new tokens are signed with the new key, the old
        key stays published (passive removal is a later, separate step). Returns the old
        and the new kid."""
        old, top = self.active_rs256_kid(realm)
        what = f"add an RSA key provider to realm {realm!r}"
        resp = self._admin(what, "POST", f"/admin/realms/{quote(realm, safe='')}/components", json={
            "name": f"rsa-rotated-{top + 100}", "providerId": "rsa-generated", "providerType": KEY_PROVIDER_TYPE,
            "parentId": self.realm_id(realm),
            "config": {"priority": [str(top + 100)], "enabled": ["true"], "active": ["true"],
                       "keySize": ["2048"], "algorithm": ["RS256"]}})
        if resp.status_code != 201:
            raise self._fail(what, resp)
        new, _ = self.active_rs256_kid(realm)
        if new == old:
            raise KeycloakAdminError(f"{what}: the realm still signs with the old key {old}")
        return old, new
