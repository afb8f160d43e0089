"""State of one emulated oxAuth: its (mutable) configuration, keystore and clients.

The configuration holds what an administrator changes in oxTrust ("Configuration →
JSON Configuration → OxAuth Configuration"): ``jwksAlgorithmsSupported`` (the guide's
step 3), ``dynamicRegistrationEnabled`` and ``errorReasonEnabled``. Their start values
come from the profile.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from harness.products.gluu.emulator.keys import GluuKeyStore, KeyFactory, SeededKeyFactory
from harness.products.gluu.profile import GluuProfile

#: Seed used when none is given. Chosen so that the published P-256 key has a wrong-length
#: ``x`` under *both* serialisations (31 bytes: a leading zero byte followed by a byte
#: below 0x80), which reproduces the guide's "wrong length for x" failure deterministically
#: for 4.2 and 4.4 alike. With default algorithms a real Gluu 4.2 JWKS has such a key in
#: almost every install anyway (≈1/2 per P-256/P-384 coordinate; ≈1/4-1/2 for P-521).
DEFAULT_KEY_SEED = 693


@dataclass
class OxAuthConfiguration:
    """The ``appConfiguration`` members the admin step may change at run time."""

    jwks_algorithms_supported: list[str]
    dynamic_registration_enabled: bool
    error_reason_enabled: bool

    def as_json(self) -> dict[str, Any]:
        """In oxAuth's own member names (the JSON shown in oxTrust)."""
        return {
            "jwksAlgorithmsSupported": list(self.jwks_algorithms_supported),
            "dynamicRegistrationEnabled": self.dynamic_registration_enabled,
            "errorReasonEnabled": self.error_reason_enabled,
        }


@dataclass
class GluuClient:
    """A registered client (the ``oxAuthClient`` LDAP entry, reduced)."""

    client_id: str
    client_secret: str
    registration_access_token: str
    client_id_issued_at: int
    metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def auth_method(self) -> str:
        return str(self.metadata.get("token_endpoint_auth_method", "client_secret_basic"))

    @property
    def grant_types(self) -> list[str]:
        return list(self.metadata.get("grant_types", []))

    @property
    def scopes(self) -> list[str]:
        scope = self.metadata.get("scope") or ""
        return [s for s in str(scope).split(" ") if s]


class GluuState:
    """Everything the request handlers share. Thread-safe for the emulator's needs."""

    def __init__(
        self,
        profile: GluuProfile,
        *,
        base_url: str = "",
        key_seed: int | None = None,
        key_factory: KeyFactory | None = None,
        admin_user: str = "admin",
        admin_password: str = "admin",
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.profile = profile
        self._base_url = base_url.rstrip("/")
        self.admin_user = admin_user
        self.admin_password = admin_password
        self.clock = clock
        self.key_seed = DEFAULT_KEY_SEED if key_seed is None else int(key_seed)
        self.keystore = GluuKeyStore(profile, key_factory or SeededKeyFactory(self.key_seed), clock=clock)
        self.config = OxAuthConfiguration(
            jwks_algorithms_supported=list(profile.jwks_algorithms_supported),
            dynamic_registration_enabled=profile.dynamic_registration_enabled,
            error_reason_enabled=profile.error_reason_enabled,
        )
        self.clients: dict[str, GluuClient] = {}
        self.lock = threading.Lock()

    # --- addresses ----------------------------------------------------------------
    @property
    def base_url(self) -> str:
        return self._base_url

    @base_url.setter
    def base_url(self, value: str) -> None:
        self._base_url = value.rstrip("/")

    @property
    def issuer(self) -> str:
        """``https://<hostname>`` in a real install (ce-setup ``issuer``): the server root."""
        return self._base_url

    def endpoint(self, name: str) -> str:
        return f"{self._base_url}{self.profile.endpoint_path(name)}"

    # --- clients ------------------------------------------------------------------
    def new_client(self, metadata: dict[str, Any]) -> GluuClient:
        """inum, secret and registration access token are UUIDs in 4.x
        (src:InumService.generateClientInum, HandleTokenFactory.generateHandleToken)."""
        client = GluuClient(
            client_id=str(uuid.uuid4()),
            client_secret=str(uuid.uuid4()),
            registration_access_token=str(uuid.uuid4()),
            client_id_issued_at=int(self.clock()),
            metadata=metadata,
        )
        with self.lock:
            self.clients[client.client_id] = client
        return client

    def client_by_rat(self, client_id: str, token: str) -> GluuClient | None:
        """``clientService.getClient(clientId, registrationAccessToken)``."""
        client = self.clients.get(client_id)
        if client is None or client.registration_access_token != token:
            return None
        return client

    def remove(self, client_id: str) -> None:
        with self.lock:
            self.clients.pop(client_id, None)
