"""What a plan needs: the issuer, an HTTP session that records redacted exchanges, an
initial access token (or admin credentials to create one), the profile (its name for
reports, its instance for the quirks), and the list of clients the run created so that
every one of them is deleted again.

Cleanup guarantee: every registration goes through :meth:`CheckContext.register`,
which tracks any client the IdP created (any 2xx answer with a client_id); :meth:`CheckContext.cleanup`
deletes each with RFC 7592 §2.3 using its newest registration access token. The engine
calls it in a ``finally``, so a check that fails or raises midway leaves nothing behind
(a client the IdP offers no management for is reported, not silently kept).

Secrets: the context's transcript carries the run's redactor (:attr:`CheckContext.redactor`,
harness.core.redact); pass ``transcript=Transcript(redactor)`` to use a redactor made
by the caller (the CLI's, the pytest session's).
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests

from harness.conformance.guide_runner import GuideRunner
from harness.conformance.model import Observation
from harness.core.redact import Redactor
from harness.core.transcript import Exchange, RecordingSession, Transcript
from harness.products.base import IdpLauncher
from harness.products.detect import GENERIC, ProductProfile, profile_for
from harness.registrar import rfc7592
from harness.registrar.errors import RegistrarError
from harness.registrar.rfc7591 import RegisteredClient

log = logging.getLogger(__name__)

WELL_KNOWN = "/.well-known/openid-configuration"
#: Redirect URI of the throw-away clients: loopback https, never dereferenced.
REDIRECT_URI = "https://127.0.0.1/dcr-harness/callback"
#: Client names start with this, so an operator can spot (and remove) leftovers.
CLIENT_PREFIX = "dcr-harness-check"


class Skip(Exception):
    """A probe cannot run (a prerequisite is missing): its checks are SKIP with this reason."""


@dataclass
class CheckContext:
    """Inputs and shared state of one conformance run."""

    issuer: str
    #: Name of the profile under test (``keycloak``, ``gluu`` or ``generic``), for reports.
    profile: str = GENERIC
    initial_access_token: str | None = None
    admin_user: str | None = None
    admin_password: str | None = None
    verify: bool | str = True
    timeout: float = 15.0
    #: The IdP launcher when the caller runs it (pytest, tests); the guide plan borrows it.
    launcher: IdpLauncher | None = None
    #: Runs the Tyk guide scenario for the guide plan; supplied by the faces (the scenario
    #: runner sits above conformance). Without it the guide plan is SKIP.
    guide_runner: GuideRunner | None = None
    report_dir: Path | None = None
    #: What the portal asks for in the guides (shared/seeds, dcr_options).
    auth_method: str = "client_secret_post"
    #: The profile instance under test: its product's quirks apply (engine.finalize).
    #: When omitted it is the profile of ``profile`` at the version of the launcher that
    #: runs that product (else the product's default release); given, it sets ``profile``.
    idp_profile: ProductProfile | None = None
    #: A client of the IdP allowed to get initial access tokens with the client_credentials
    #: grant (RFC 6749 §4.4) — e.g. Spring Authorization Server's registrar client with scope
    #: ``client.create``. When given, every registration gets a fresh token (such tokens may
    #: be single-use).
    registrar_client_id: str | None = None
    registrar_client_secret: str | None = None
    registrar_scope: str = "client.create"
    transcript: Transcript = field(default_factory=Transcript)
    created: list[RegisteredClient] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    cleanup_failures: list[dict[str, str]] = field(default_factory=list)
    _observations: dict[str, Observation | BaseException] = field(default_factory=dict)
    _discovery: dict[str, Any] | None = None
    _reg_token: str | None = None
    _reg_token_ready: bool = False

    def __post_init__(self) -> None:
        self.redactor.add(self.initial_access_token, self.admin_password, self.registrar_client_secret)
        if self.idp_profile is not None:
            self.profile = self.idp_profile.product
        else:
            same = getattr(self.launcher, "profile", None) == self.profile
            self.idp_profile = profile_for(self.profile, getattr(self.launcher, "version", None) if same else None)

    @property
    def redactor(self) -> Redactor:
        """The run's redactor (its transcript's): every message of this run goes through it."""
        return self.transcript.redactor

    # ---- HTTP ---------------------------------------------------------------------
    def session(self, actor: str = "harness", target: str = "idp") -> RecordingSession:
        s = RecordingSession(self.transcript, actor=actor, target=target, timeout=self.timeout)
        s.verify = self.verify
        return s

    def call(self, method: str, url: str, *, actor: str = "harness", target: str = "idp",
             **kwargs: Any) -> tuple[requests.Response | None, Exchange]:
        """Send one request; return the response (``None`` on a transport error) and the
        recorded (redacted) exchange."""
        s = self.session(actor, target)
        try:
            resp = s.request(method, url, **kwargs)
        except requests.RequestException:
            resp = None
        for ex in reversed(list(self.transcript)):
            if ex.actor == actor and ex.method == method.upper():
                return resp, ex
        raise RuntimeError("the exchange was not recorded")  # pragma: no cover - RecordingSession always records

    # ---- issuer facts ---------------------------------------------------------------
    @property
    def well_known_url(self) -> str:
        """OIDC Discovery §4.1: a terminating ``/`` of the issuer is removed first."""
        return self.issuer.rstrip("/") + WELL_KNOWN

    @property
    def is_keycloak_issuer(self) -> bool:
        return "/realms/" in urlsplit(self.issuer).path

    @property
    def keycloak_base(self) -> str:
        path = urlsplit(self.issuer).path
        return self.issuer[: self.issuer.index("/realms/")] if "/realms/" in path else self.issuer.rstrip("/")

    @property
    def realm(self) -> str:
        return self.issuer.rstrip("/").rsplit("/realms/", 1)[-1] if self.is_keycloak_issuer else "master"

    def discovery(self) -> dict[str, Any]:
        """The discovery document (fetched once, by the discovery probe if it ran)."""
        if self._discovery is None:
            from harness.conformance.checks.discovery import fetch_discovery

            resp, _ = fetch_discovery(self)
            doc = _json(resp)
            if not isinstance(doc, dict):
                raise Skip(f"no discovery document at {self.well_known_url}")
            self._discovery = doc
        return self._discovery

    def set_discovery(self, doc: dict[str, Any]) -> None:
        self._discovery = doc

    def endpoint(self, name: str) -> str:
        value = self.discovery().get(name)
        if not isinstance(value, str) or not value:
            raise Skip(f"the discovery document has no {name}")
        return value

    # ---- initial access tokens ------------------------------------------------------
    @property
    def can_create_tokens(self) -> bool:
        return bool(self.admin_user and self.admin_password and self.is_keycloak_issuer)

    def registration_token(self) -> str | None:
        """The Bearer token for registrations: the one given, else a fresh one from the
        registrar client (every call), else one created with the admin credentials
        (Keycloak), else ``None`` (open or trusted-host registration)."""
        if self.registrar_client_id and not self.initial_access_token:
            return self.registrar_token()
        if not self._reg_token_ready:
            if self.initial_access_token:
                self._reg_token = self.initial_access_token
            elif self.can_create_tokens:
                self._reg_token = self.new_initial_access_token(expiration=900, count=100)
            self._reg_token_ready = True
        return self._reg_token

    def registrar_token(self) -> str:
        """An initial access token from the registrar client: ``client_credentials`` with
        ``registrar_scope`` at the token endpoint, client_secret_basic (RFC 6749 §4.4.2,
        §2.3.1). Skip, naming the answer, when the IdP refuses."""
        resp, ex = self.call("POST", self.endpoint("token_endpoint"), actor="admin",
                             data={"grant_type": "client_credentials", "scope": self.registrar_scope},
                             auth=(self.registrar_client_id or "", self.registrar_client_secret or ""),
                             headers={"Accept": "application/json"})
        data = _json(resp)
        token = data.get("access_token") if isinstance(data, dict) else None
        if resp is None or resp.status_code != 200 or not isinstance(token, str):
            raise Skip(f"the registrar client {self.registrar_client_id!r} got no initial access token "
                       f"(token endpoint answered {ex.status if ex.status is not None else ex.error})")
        self.redactor.add(token)
        return token

    def new_initial_access_token(self, *, expiration: int, count: int) -> str:
        """A fresh Keycloak initial access token (admin REST ``clients-initial-access``)."""
        return str(self.new_initial_access(expiration=expiration, count=count)["token"])

    def new_initial_access(self, *, expiration: int, count: int) -> dict[str, Any]:
        """A fresh Keycloak initial access token's presentation ``{id, token, ...}``."""
        user, password = self.admin_user, self.admin_password
        if not self.can_create_tokens or not user or not password:
            raise Skip("creating initial access tokens needs admin credentials on a Keycloak issuer "
                       "(--admin-user/--admin-password)")
        from harness.products.keycloak.admin import KeycloakAdmin

        admin = KeycloakAdmin(self.keycloak_base, user, password, session=self.session("admin", "idp"))
        try:
            out = admin.create_initial_access_token(self.realm, expiration, count)
        except Exception as exc:  # the admin client raises typed one-line errors
            raise Skip(f"could not create an initial access token: {self.redactor.error(exc)}") from None
        self.redactor.add(out.get("token"))
        return out

    def revoke_initial_access_token(self, token_id: str) -> None:
        """Delete a Keycloak initial access token (admin REST ``clients-initial-access/{id}``)."""
        user, password = self.admin_user, self.admin_password
        if not self.can_create_tokens or not user or not password:
            raise Skip("revoking initial access tokens needs admin credentials on a Keycloak issuer")
        from harness.products.keycloak.admin import KeycloakAdmin

        admin = KeycloakAdmin(self.keycloak_base, user, password, session=self.session("admin", "idp"))
        try:
            admin.delete_initial_access_token(self.realm, token_id)
        except Exception as exc:  # the admin client raises typed one-line errors
            raise Skip(f"could not revoke the initial access token: {self.redactor.error(exc)}") from None

    # ---- registration with tracking ---------------------------------------------------
    @staticmethod
    def client_name(purpose: str) -> str:
        return f"{CLIENT_PREFIX}-{purpose}-{secrets.token_hex(3)}"

    def register(self, metadata: dict[str, Any], *, token: str | None | bool = True,
                 actor: str = "harness", body: Any = None, headers: dict[str, str] | None = None,
                 ) -> tuple[requests.Response | None, Exchange, RegisteredClient | None]:
        """POST ``metadata`` to the registration endpoint (RFC 7591 §3.1) and track any
        client created. ``token=True`` uses :meth:`registration_token`; a string sends
        that Bearer token; ``None``/``False`` sends none."""
        endpoint = self.endpoint("registration_endpoint")
        bearer = self.registration_token() if token is True else (token or None)
        self.redactor.add(bearer)
        h = {"Accept": "application/json", **(headers or {})}
        if bearer:
            h["Authorization"] = f"Bearer {bearer}"
        kwargs: dict[str, Any] = {"headers": h}
        if body is not None:
            kwargs["data"] = body
        else:
            kwargs["json"] = metadata
        resp, ex = self.call("POST", endpoint, actor=actor, **kwargs)
        client = self.track(resp)
        return resp, ex, client

    def track(self, resp: requests.Response | None) -> RegisteredClient | None:
        """Remember the client a successful registration answer created (any 2xx with a client_id)."""
        data = _json(resp)
        if resp is None or not isinstance(data, dict) or not isinstance(data.get("client_id"), str):
            return None
        if resp.status_code >= 300:
            return None
        client = RegisteredClient.from_response(data, resp.status_code)
        self.created.append(client)
        return client

    def absorb(self, client: RegisteredClient, resp: requests.Response | None) -> bool:
        """Keep the newest registration access token (RFC 7592 §2.2: a rotated RAT
        replaces the old one). Returns True when the RAT changed."""
        data = _json(resp)
        if resp is None or resp.status_code >= 300 or not isinstance(data, dict):
            return False
        new = data.get("registration_access_token")
        if isinstance(new, str) and new and new != client.registration_access_token:
            self.redactor.add(new)
            client.registration_access_token = new
            return True
        return False

    def forget(self, client: RegisteredClient) -> None:
        """The client was deleted by a check: no cleanup needed."""
        if client in self.created:
            self.created.remove(client)
            self.deleted.append(client.client_id)

    def cleanup(self) -> dict[str, Any]:
        """Delete every client still tracked (RFC 7592 §2.3). Never raises."""
        previous = self.transcript.current_step
        self.transcript.current_step = "cleanup"
        try:
            for client in list(self.created):
                if not client.registration_client_uri or not client.registration_access_token:
                    self.cleanup_failures.append({
                        "client_id": client.client_id,
                        "reason": "the IdP offered no registration_access_token/registration_client_uri "
                                  "(RFC 7592 §3): delete it in the IdP's admin console",
                    })
                    self.created.remove(client)
                    continue
                try:
                    rfc7592.delete(self.session("harness", "idp"), client)
                except (RegistrarError, ValueError) as exc:
                    self.cleanup_failures.append({"client_id": client.client_id, "reason": self.redactor.error(exc)})
                except Exception as exc:  # never let cleanup mask the run
                    log.warning("deleting client %s failed: %s", client.client_id, self.redactor.error(exc))
                    self.cleanup_failures.append({"client_id": client.client_id,
                                                  "reason": self.redactor.error(exc, with_type=True)})
                else:
                    self.deleted.append(client.client_id)
                self.created.remove(client)
        finally:
            self.transcript.current_step = previous
        return self.cleanup_report()

    def cleanup_report(self) -> dict[str, Any]:
        return {"deleted": list(self.deleted), "not_deleted": list(self.cleanup_failures),
                "still_tracked": [c.client_id for c in self.created]}

    # ---- probe memo -------------------------------------------------------------------
    def observe(self, probe_name: str) -> Observation:
        """Run probe ``probe_name`` once and return its observation (re-raising the
        same Skip/error for every check that needs it)."""
        if probe_name not in self._observations:
            from harness.conformance.registry import get_probe

            previous = self.transcript.current_step
            self.transcript.current_step = probe_name
            try:
                self._observations[probe_name] = get_probe(probe_name)(self)
            except BaseException as exc:  # remembered: every dependent check gets the same outcome
                if isinstance(exc, (KeyboardInterrupt, SystemExit)):
                    raise
                if not isinstance(exc, Skip):
                    log.warning("probe %s failed: %s", probe_name, self.redactor.error(exc, with_type=True))
                    if log.isEnabledFor(logging.DEBUG):
                        log.debug("probe %s: %s", probe_name, self.redactor.traceback(exc))
                self._observations[probe_name] = exc
            finally:
                self.transcript.current_step = previous
        got = self._observations[probe_name]
        if isinstance(got, BaseException):
            raise got
        return got


def _json(resp: requests.Response | None) -> Any:
    if resp is None or not resp.content:
        return None
    try:
        return resp.json()
    except ValueError:
        return None


def json_of(resp: requests.Response | None) -> Any:
    """The JSON body of ``resp`` (``None`` when absent or not JSON)."""
    return _json(resp)
