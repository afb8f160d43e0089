"""The portal's domain logic: what the Dashboard and the Developer Portal do.

The HTTP layer (``app.py``) and the web pages call this; nothing here knows HTTP.
Guarantees (shared/DESIGN.md, Principles): a failed registration stores nothing; a
client the IdP created but the portal could not store is deleted again at the IdP
(RFC 7592 §2.3).

Secrets: the service records through its run's transcript and registers the secrets it
is given (initial access tokens in DCR options, developer passwords) with the run's
redactor (:attr:`PortalService.redactor`, harness.core.redact). Its errors quote the IdP
as it answered; the portal's HTTP API and pages redact them where they show them.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from typing import Any

from harness.core.errors import HarnessError
from harness.core.redact import Redactor
from harness.core.transcript import RecordingSession, Transcript
from harness.registrar import rfc7591, rfc7592
from harness.registrar.drivers import get_driver
from harness.registrar.errors import RegistrarError
from harness.registrar.options import DcrOptions
from harness.tyk.portal.gateway_sync import GatewaySync
from harness.tyk.portal.models import CatalogueEntry, Developer, OAuthClient, PortalConfig
from harness.tyk.portal.passwords import DEFAULT_COST, PasswordCost, hash_password, verify_password
from harness.tyk.portal.settings import DashboardSettings
from harness.tyk.portal.store import Store, StoreError

log = logging.getLogger(__name__)


class PortalError(HarnessError):
    """A portal operation failed; ``status`` is the HTTP status the API answers with."""

    def __init__(self, message: str, *, status: int = 400, hint: str | None = None,
                 cause: BaseException | None = None) -> None:
        super().__init__(message, hint=hint)
        self.status = status
        self.cause = cause


class NotFound(PortalError):
    def __init__(self, what: str) -> None:
        super().__init__(f"{what} not found", status=404)


class RegistrationFailed(PortalError):
    """The IdP refused the RFC 7591 registration; the developer sees ``message``."""


def split_redirect_uris(text: str | list[str] | None, separator: str) -> list[str]:
    """Split the wizard's redirect URL field by ``oauth_redirect_uri_separator``."""
    if not text:
        return []
    if isinstance(text, list):
        return [u.strip() for u in text if u and u.strip()]
    return [u.strip() for u in text.split(separator) if u.strip()]


#: ``(step id, failure text) -> (cause, fix)`` or ``None`` when nothing known matches.
Explain = Callable[[str, str], "tuple[str, str] | None"]


class PortalService:
    def __init__(
        self,
        store: Store,
        *,
        settings: DashboardSettings | None = None,
        transcript: Transcript | None = None,
        gateway: GatewaySync | None = None,
        org_id: str = "dcr-harness-org",
        explain: Explain | None = None,
        password_cost: PasswordCost = DEFAULT_COST,
    ) -> None:
        """``password_cost``: scrypt's cost for new developer passwords
        (:mod:`harness.tyk.portal.passwords`: the default for interactive use, a lower one
        for a scenario run's throw-away portal)."""
        self.store = store
        #: Turns a failure of a step into (likely cause, fix) when a known misconfiguration
        #: matches; the harness passes its diagnosis (harness.scenario.diagnosis) in. The
        #: real Tyk portal has no such advice: without one, the developer sees the IdP's words.
        self.explain = explain
        self.password_cost = password_cost
        self.settings = settings or DashboardSettings()
        self.transcript = transcript if transcript is not None else Transcript()
        self.gateway = gateway
        self.org_id = org_id

    @property
    def redactor(self) -> Redactor:
        """The run's redactor (its transcript's): the API and pages redact errors with it."""
        return self.transcript.redactor

    # ---- outbound HTTP --------------------------------------------------------------
    def _idp_session(self) -> RecordingSession:
        s = RecordingSession(self.transcript, actor="portal", target="idp")
        s.verify = self.settings.tls_verify()
        return s

    # ---- APIs (Dashboard: System Management → APIs) --------------------------------
    def create_api(self, apidef: dict[str, Any]) -> dict[str, Any]:
        apidef = dict(apidef)
        if not apidef.get("name"):
            raise PortalError("API definition needs a name")
        apidef.setdefault("api_id", uuid.uuid4().hex)
        apidef.setdefault("org_id", self.org_id)
        apidef.setdefault("active", True)
        self._push_api(apidef)
        self.store.put("api", apidef["api_id"], apidef)
        return apidef

    def update_api(self, api_id: str, apidef: dict[str, Any]) -> dict[str, Any]:
        if self.store.get("api", api_id) is None:
            raise NotFound(f"API {api_id}")
        apidef = {**apidef, "api_id": api_id}
        apidef.setdefault("org_id", self.org_id)
        self._push_api(apidef)
        self.store.put("api", api_id, apidef)
        return apidef

    def get_api(self, api_id: str) -> dict[str, Any]:
        api = self.store.get("api", api_id)
        if api is None:
            raise NotFound(f"API {api_id}")
        return api

    def list_apis(self) -> list[dict[str, Any]]:
        return self.store.list("api")

    def delete_api(self, api_id: str) -> None:
        if not self.store.delete("api", api_id):
            raise NotFound(f"API {api_id}")
        if self.gateway:
            self.gateway.delete_api(api_id)

    def _push_api(self, apidef: dict[str, Any]) -> None:
        if self.gateway:
            self.gateway.put_api(apidef)

    # ---- policies ---------------------------------------------------------------------
    def create_policy(self, policy: dict[str, Any]) -> dict[str, Any]:
        policy = dict(policy)
        if not policy.get("name"):
            raise PortalError("policy needs a name")
        pid = policy.get("id") or policy.get("_id") or uuid.uuid4().hex[:24]
        policy["id"] = pid
        policy.setdefault("org_id", self.org_id)
        policy.setdefault("active", True)
        policy.setdefault("rate", 1000)
        policy.setdefault("per", 60)
        policy.setdefault("quota_max", -1)
        policy.setdefault("quota_renewal_rate", 3600)
        policy.setdefault("key_expires_in", 0)
        rights = policy.get("access_rights") or {}
        for api_id, right in list(rights.items()):
            api = self.get_api(api_id)
            right = dict(right or {})
            right.setdefault("api_id", api_id)
            right.setdefault("api_name", api.get("name", ""))
            right.setdefault("versions", ["Default"])
            rights[api_id] = right
        policy["access_rights"] = rights
        if self.gateway:
            self.gateway.put_policy(policy)
        self.store.put("policy", pid, policy)
        return policy

    def get_policy(self, pid: str) -> dict[str, Any]:
        pol = self.store.get("policy", pid)
        if pol is None:
            raise NotFound(f"policy {pid}")
        return pol

    def list_policies(self) -> list[dict[str, Any]]:
        return self.store.list("policy")

    # ---- catalogue and portal configuration -------------------------------------------
    def create_catalogue_entry(self, entry: CatalogueEntry) -> CatalogueEntry:
        self.redactor.add(entry.config.dcr_options.access_token)
        self.get_policy(entry.policy_id)
        entry = entry.model_copy(update={"id": entry.id or uuid.uuid4().hex[:12]})
        self.store.put("catalogue", entry.id, entry.model_dump())
        return entry

    def update_catalogue_entry(self, entry: CatalogueEntry) -> CatalogueEntry:
        self.redactor.add(entry.config.dcr_options.access_token)
        if self.store.get("catalogue", entry.id) is None:
            raise NotFound(f"catalogue entry {entry.id}")
        self.get_policy(entry.policy_id)
        self.store.put("catalogue", entry.id, entry.model_dump())
        return entry

    def get_catalogue_entry(self, cid: str) -> CatalogueEntry:
        raw = self.store.get("catalogue", cid)
        if raw is None:
            raise NotFound(f"catalogue entry {cid}")
        return CatalogueEntry.model_validate(raw)

    def list_catalogue(self) -> list[CatalogueEntry]:
        return [CatalogueEntry.model_validate(c) for c in self.store.list("catalogue")]

    def get_config(self) -> PortalConfig:
        raw = self.store.get("config", "portal")
        return PortalConfig.model_validate(raw) if raw else PortalConfig()

    def set_config(self, config: PortalConfig) -> PortalConfig:
        self.redactor.add(config.dcr_options.access_token)
        self.store.put("config", "portal", config.model_dump())
        return config

    def effective_dcr_options(self, entry: CatalogueEntry) -> DcrOptions:
        """Per-API settings win when the entry overrides the global ones (tyk.md)."""
        return entry.config.dcr_options if entry.config.override else self.get_config().dcr_options

    # ---- developers -------------------------------------------------------------------
    def create_developer(self, email: str, password: str, fields: dict[str, Any] | None = None) -> Developer:
        self.redactor.add(password)
        email = email.strip().lower()
        if "@" not in email:
            raise PortalError(f"developer email {email!r} is not an email address")
        if len(password) < 8:
            raise PortalError("developer password must have at least 8 characters")
        if any(d.get("email") == email for d in self.store.list("developer")):
            raise PortalError(f"a developer with email {email} already exists", status=409)
        dev = Developer(id=uuid.uuid4().hex[:12], email=email, fields=fields or {})
        self.store.put("developer", dev.id, {**dev.model_dump(exclude={"password"}), "password_hash": hash_password(password, self.password_cost)})
        return dev

    def authenticate_developer(self, email: str, password: str) -> Developer | None:
        email = email.strip().lower()
        for d in self.store.list("developer"):
            if d.get("email") == email and verify_password(password, d.get("password_hash", "")):
                return Developer.model_validate({k: v for k, v in d.items() if k != "password_hash"})
        return None

    def get_developer(self, dev_id: str) -> Developer:
        d = self.store.get("developer", dev_id)
        if d is None:
            raise NotFound(f"developer {dev_id}")
        return Developer.model_validate({k: v for k, v in d.items() if k != "password_hash"})

    def list_developers(self) -> list[Developer]:
        return [Developer.model_validate({k: v for k, v in d.items() if k != "password_hash"})
                for d in self.store.list("developer")]

    # ---- the OAuth client wizard (Developer Portal → OAuth Clients) -----------------------
    def dcr_catalogue(self) -> list[CatalogueEntry]:
        """Wizard step 1: the catalogue APIs with DCR enabled."""
        return [e for e in self.list_catalogue() if e.show and self.effective_dcr_options(e).enable_dcr]

    def create_oauth_client(
        self,
        developer_id: str,
        catalogue_id: str,
        client_name: str,
        redirect_uris: str | list[str] | None = None,
    ) -> OAuthClient:
        """Wizard steps 2-3: register the client at the IdP (RFC 7591 §3.1) and store it."""
        self.get_developer(developer_id)
        entry = self.get_catalogue_entry(catalogue_id)
        options = self.effective_dcr_options(entry)
        if not options.enable_dcr:
            raise PortalError(f"catalogue API {entry.name!r} does not have DCR enabled",
                              hint="enable DCR in the catalogue entry's settings or in the global portal settings")
        if not client_name.strip():
            raise PortalError("client name is required")
        if not options.registration_endpoint:
            raise PortalError(f"catalogue API {entry.name!r} has no Client Registration Endpoint",
                              hint="set registration_endpoint in the DCR settings")
        self.redactor.add(options.access_token)
        uris = split_redirect_uris(redirect_uris, self.settings.oauth_redirect_uri_separator)
        driver = get_driver(options.provider)
        metadata = driver.metadata(options, client_name.strip(), uris)
        session = self._idp_session()
        try:
            registered = rfc7591.register(
                session, options.registration_endpoint, metadata,
                initial_access_token=options.access_token or None,
                headers={k: v for k, v in driver.headers(options).items() if k != "Authorization"},
            )
        except RegistrarError as exc:
            raise RegistrationFailed(str(exc), status=502, cause=exc) from None
        policy = self.get_policy(entry.policy_id)
        client = OAuthClient(
            id=uuid.uuid4().hex[:12],
            developer_id=developer_id,
            catalogue_id=entry.id,
            api_ids=list((policy.get("access_rights") or {}).keys()),
            policy_id=entry.policy_id,
            client_name=client_name.strip(),
            redirect_uris=uris,
            client_id=registered.client_id,
            client_secret=registered.client_secret,
            registration_access_token=registered.registration_access_token,
            registration_client_uri=registered.registration_client_uri,
            provider=options.provider,
            metadata=registered.metadata,
        )
        try:
            self.store.put("client", client.client_id, client.model_dump(), owner=developer_id)
        except StoreError as exc:
            # Nothing half-created: undo the registration at the IdP (RFC 7592 §2.3).
            undo = "deleted again at the IdP"
            try:
                rfc7592.delete(session, registered)
            except (RegistrarError, ValueError) as del_exc:
                undo = f"and deleting it at the IdP failed too ({del_exc}); delete client {registered.client_id} by hand"
            raise PortalError(f"the IdP registered the client but the portal could not store it ({exc}); {undo}",
                              status=500, cause=exc) from None
        return client

    def list_clients(self, developer_id: str) -> list[OAuthClient]:
        return [OAuthClient.model_validate(c) for c in self.store.list("client", owner=developer_id)]

    def get_client(self, developer_id: str, client_id: str) -> OAuthClient:
        raw = self.store.get("client", client_id)
        if raw is None or raw.get("developer_id") != developer_id:
            raise NotFound(f"OAuth client {client_id}")  # also for another developer's client
        return OAuthClient.model_validate(raw)

    def delete_client(self, developer_id: str, client_id: str) -> None:
        """Delete at the IdP first (RFC 7592 §2.3), then locally; if the IdP refuses, the
        portal keeps its record so nothing is lost."""
        client = self.get_client(developer_id, client_id)
        registered = rfc7591.RegisteredClient(
            client_id=client.client_id, client_secret=client.client_secret,
            registration_access_token=client.registration_access_token,
            registration_client_uri=client.registration_client_uri, status=0,
        )
        if registered.registration_client_uri and registered.registration_access_token:
            try:
                rfc7592.delete(self._idp_session(), registered)
            except RegistrarError as exc:
                if exc.status != 404:  # already gone at the IdP: fine to forget locally
                    raise PortalError(f"the IdP refused to delete client {client_id}: {exc}", status=502, cause=exc) from None
        self.store.delete("client", client_id)
