"""In-memory, thread-safe store of the emulated Keycloak: realms, clients, users,
sessions and initial access tokens. The clock is injectable so expiry can be tested
without sleeping (``KeycloakState(clock=lambda: t)``).
"""

from __future__ import annotations

import secrets
import string
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from harness.products.keycloak.emulator.keys import RealmKeys
from harness.products.keycloak.profile import KeycloakProfile

#: Clients every realm ships with (observed 26.7.1 bootstrap); the realm's admin
#: container is ``master-realm`` in master and ``realm-management`` elsewhere.
BUILTIN_CLIENTS: tuple[str, ...] = ("account", "account-console", "admin-cli", "broker", "security-admin-console")

_SECRET_ALPHABET = string.ascii_letters + string.digits


def new_secret() -> str:
    """A 32-character alphanumeric client secret, the shape Keycloak generates."""
    return "".join(secrets.choice(_SECRET_ALPHABET) for _ in range(32))


class RealmExists(Exception):
    """``create_realm`` for a name already taken."""


@dataclass
class InitialAccess:
    """A ``ClientInitialAccessModel``: id, creation second, lifetime, uses."""

    id: str
    timestamp: int
    expiration: int
    count: int
    remaining_count: int


@dataclass
class Client:
    """The parts of a Keycloak ``ClientModel`` the emulator reads or writes."""

    id: str
    client_id: str
    name: str | None = None
    client_uri: str | None = None
    secret: str | None = None
    public: bool = False
    authenticator: str = "client-secret"
    standard_flow: bool = True
    implicit_flow: bool = False
    direct_access: bool = False
    service_accounts: bool = False
    enabled: bool = True
    redirect_uris: list[str] = field(default_factory=list)
    attributes: dict[str, str] = field(default_factory=dict)
    default_scopes: list[str] = field(default_factory=list)
    optional_scopes: list[str] = field(default_factory=list)
    #: ``jti`` of the current registration access token (``client.getRegistrationToken()``).
    registration_token: str | None = None
    service_account_user_id: str | None = None
    builtin: bool = False
    consent_required: bool = False
    full_scope: bool = True
    web_origins: list[str] = field(default_factory=list)

    def copy(self) -> Client:
        return Client(
            **{
                **self.__dict__,
                "redirect_uris": list(self.redirect_uris),
                "attributes": dict(self.attributes),
                "default_scopes": list(self.default_scopes),
                "optional_scopes": list(self.optional_scopes),
                "web_origins": list(self.web_origins),
            }
        )


@dataclass
class User:
    id: str
    username: str
    password: str | None = None
    admin: bool = False
    service_account_client: str | None = None
    #: UserRepresentation members set through the admin API (email, firstName, ...).
    profile: dict[str, object] = field(default_factory=dict)
    created: int = 0


@dataclass
class Session:
    """A user session (``sid``) opened by the password grant."""

    id: str
    user_id: str
    client_id: str
    started: int


@dataclass
class Realm:
    name: str
    id: str
    keys: RealmKeys
    clients: dict[str, Client] = field(default_factory=dict)
    initial_access: dict[str, InitialAccess] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    sessions: dict[str, Session] = field(default_factory=dict)
    #: Realm roles by name: RoleRepresentation members (admin API, observed 26.7.3).
    roles: dict[str, dict[str, object]] = field(default_factory=dict)
    #: Client scopes created through the admin API (the built-in ones are the profile's).
    extra_scopes: dict[str, str] = field(default_factory=dict)
    #: Components (client-registration policies), ComponentRepresentation dicts.
    components: list[dict[str, object]] = field(default_factory=list)
    #: The AES key and the four key providers the admin keys endpoint lists (observed 26.7.3).
    aes_kid: str = field(default_factory=lambda: str(uuid.uuid4()))
    key_providers: list[str] = field(default_factory=lambda: [str(uuid.uuid4()) for _ in range(4)])

    def user_by_name(self, username: str) -> User | None:
        wanted = username.lower()
        return next((u for u in self.users.values() if u.username == wanted), None)


class KeycloakState:
    """All realms of one emulated server. Every mutation holds ``lock``."""

    def __init__(
        self,
        *,
        admin_user: str = "admin",
        admin_password: str = "admin",
        profile: KeycloakProfile | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.profile = profile or KeycloakProfile()
        self.clock = clock
        self.lock = threading.RLock()
        self.realms: dict[str, Realm] = {}
        master = self.create_realm("master")
        admin = User(id=str(uuid.uuid4()), username=admin_user.lower(), password=admin_password, admin=True)
        master.users[admin.id] = admin

    def now(self) -> int:
        """Whole seconds, like Keycloak's ``Time.currentTime()``."""
        return int(self.clock())

    def realm(self, name: str) -> Realm | None:
        with self.lock:
            return self.realms.get(name)

    def create_realm(self, name: str) -> Realm:
        """A realm with fresh keys and the built-in clients (raises RealmExists)."""
        with self.lock:
            if name in self.realms:
                raise RealmExists(name)
        keys = RealmKeys.generate(name, self.clock())  # slow part outside the lock
        with self.lock:
            if name in self.realms:
                raise RealmExists(name)
            realm = Realm(name=name, id=str(uuid.uuid4()), keys=keys)
            from harness.products.keycloak.emulator.policies import default_components, default_roles

            realm.roles = default_roles(realm)
            realm.components = default_components(realm, web_origins=self.profile.registration_web_origins_policy,
                                                  max_clients=self.profile.max_clients)
            container = "master-realm" if name == "master" else "realm-management"
            for cid in (*BUILTIN_CLIENTS, container):
                realm.clients[cid] = self._builtin_client(cid)
            if name != "master" and "master" in self.realms:
                # Keycloak adds "<realm>-realm" to master for every new realm.
                self.realms["master"].clients[f"{name}-realm"] = self._builtin_client(f"{name}-realm")
            self.realms[name] = realm
            return realm

    def delete_realm(self, name: str) -> bool:
        with self.lock:
            if name not in self.realms:
                return False
            del self.realms[name]
            master = self.realms.get("master")
            if master is not None:
                master.clients.pop(f"{name}-realm", None)
            return True

    def _builtin_client(self, client_id: str) -> Client:
        public = client_id in ("account-console", "admin-cli", "security-admin-console")
        client = Client(
            id=str(uuid.uuid4()),
            client_id=client_id,
            name=f"${{client_{client_id}}}",
            public=public,
            secret=None if public else new_secret(),
            standard_flow=client_id != "admin-cli",
            direct_access=client_id == "admin-cli",
            default_scopes=list(self.profile.default_client_scopes),
            optional_scopes=list(self.profile.optional_client_scopes),
            builtin=True,
        )
        if client_id == "admin-cli" and self.profile.lightweight_admin_cli:
            client.attributes["client.use.lightweight.access.token.enabled"] = "true"
        return client

    # --- clients -----------------------------------------------------------------

    def add_client(self, realm: Realm, client: Client) -> None:
        """Store ``client``; a service-accounts client gets its service-account user."""
        with self.lock:
            realm.clients[client.client_id] = client
            self.sync_service_account(realm, client)

    def sync_service_account(self, realm: Realm, client: Client) -> None:
        """Keycloak creates the ``service-account-<clientId>`` user when service
        accounts are switched on, and keeps it until the client is removed."""
        with self.lock:
            if client.service_accounts and client.service_account_user_id is None:
                user = User(
                    id=str(uuid.uuid4()),
                    username=f"service-account-{client.client_id}".lower(),
                    service_account_client=client.client_id,
                )
                realm.users[user.id] = user
                client.service_account_user_id = user.id
            if client.service_accounts and "service_account" not in client.default_scopes:
                client.default_scopes.append("service_account")

    def remove_client(self, realm: Realm, client_id: str) -> bool:
        with self.lock:
            client = realm.clients.pop(client_id, None)
            if client is None:
                return False
            if client.service_account_user_id:
                realm.users.pop(client.service_account_user_id, None)
            return True

    def drop_service_account(self, realm: Realm, client: Client) -> None:
        """Switching service accounts off removes the user (observed 26.7.3: 404 after)."""
        with self.lock:
            if client.service_account_user_id:
                realm.users.pop(client.service_account_user_id, None)
                client.service_account_user_id = None
            if "service_account" in client.default_scopes:
                client.default_scopes.remove("service_account")

    # --- initial access tokens ------------------------------------------------------

    def create_initial_access(self, realm: Realm, expiration: int, count: int) -> InitialAccess:
        with self.lock:
            model = InitialAccess(
                id=str(uuid.uuid4()),
                timestamp=self.now(),
                expiration=expiration,
                count=count,
                remaining_count=count,
            )
            realm.initial_access[model.id] = model
            return model

    # --- sessions ------------------------------------------------------------------------

    def open_session(self, realm: Realm, user: User, client_id: str) -> Session:
        with self.lock:
            # KeycloakProfile.uuid_session_ids: UUIDs in 26.4, else 24 url-safe characters.
            sid = str(uuid.uuid4()) if self.profile.uuid_session_ids else secrets.token_urlsafe(18)
            session = Session(id=sid, user_id=user.id, client_id=client_id, started=self.now())
            realm.sessions[session.id] = session
            return session
