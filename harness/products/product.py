"""What the rest of the harness may ask of an IdP product, besides its wire profile.

Each product folder has one :class:`Product` (``harness/products/<product>/product.py``):
its name and title, the profile of a version, the quirks of a profile instance, how its
URLs look, and the product-specific decisions of the guide, the importer and the
launchers. Callers outside ``harness/products/`` ask these questions instead of testing
the product's name (shared/STYLE.md "Stop: branching on product names"); the one list of
products is :data:`harness.products.detect.PRODUCTS`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol
from urllib.parse import urlsplit

from harness.products.quirk import Quirk


class WireProfile(Protocol):
    """What every product profile dataclass has (KeycloakProfile, GluuProfile)."""

    #: The product the profile belongs to (``Product.name``).
    product: ClassVar[str]
    #: The release it models.
    version: str


@dataclass
class Imported:
    """Members of a scenario's ``idp`` section a product derives from a customer's Tyk
    export, with the comments that explain them (keys: the member's path inside ``idp``)."""

    fields: dict[str, Any] = field(default_factory=dict)
    comments: dict[tuple[str, ...], str] = field(default_factory=dict)


@dataclass(frozen=True)
class StoredClient:
    """What an IdP stored for one client, read through its admin API (the guide's "you will
    see the client in Keycloak/Gluu" step): the RFC 7591 §2 metadata names, as the IdP states
    them from what it stored — never from the registration request — plus the product's own
    switches behind them (``native``, named as its admin API names them)."""

    client_id: str
    grant_types: list[str]
    response_types: list[str]
    token_endpoint_auth_method: str
    #: The IdP gives the client a service account (Keycloak ``serviceAccountsEnabled``);
    #: ``None`` when the product has no such switch.
    service_account: bool | None
    redirect_uris: list[str]
    #: The product's own settings behind the metadata, e.g. Keycloak's
    #: ``{"implicitFlowEnabled": True, ...}`` or oxAuth's ``{"oxAuthGrantType": [...]}``.
    native: dict[str, Any] = field(default_factory=dict)
    #: Where it was read, e.g. "Keycloak admin REST API: GET /admin/realms/master/clients?clientId=…".
    source: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"client_id": self.client_id, "grant_types": list(self.grant_types),
                "response_types": list(self.response_types),
                "token_endpoint_auth_method": self.token_endpoint_auth_method,
                "service_account": self.service_account, "redirect_uris": list(self.redirect_uris),
                "native": dict(self.native), "source": self.source}


class ClientAdmin(Protocol):
    """A product's admin view of the clients of one realm/server: how a run finds the
    client it created when the registration answer was lost, deletes it, and shows
    what the IdP stored (the guide's "check the client in the IdP" step)."""

    def find_by_name(self, name: str) -> list[dict[str, Any]]:
        """Clients whose display name is exactly ``name``: ``{"id", "client_id", "name"}``
        (``id``: whatever :meth:`delete` takes)."""
        ...

    def delete(self, internal_id: str) -> None:
        """Delete one client found by :meth:`find_by_name`; a missing one is fine."""
        ...

    def stored(self, client_id: str) -> StoredClient | None:
        """What the IdP stored for ``client_id`` (one read, nothing created or changed);
        ``None`` when it has no such client. Raises HarnessError (one line) when the admin
        API cannot be read."""
        ...


class Product(ABC):
    """One IdP product: facts and decisions that are not wire behaviour."""

    #: Name used by ``--idp-profile``, ``--profile``, scenario ``idp.profile``.
    name: ClassVar[str]
    #: Human name, e.g. "Keycloak".
    title: ClassVar[str]
    #: Path fragments only this product's endpoint URLs contain (detection from URLs).
    url_markers: ClassVar[tuple[str, ...]]
    #: Issuers are per realm (``<base>/realms/<realm>``), so scenarios and checks carry one.
    has_realms: ClassVar[bool] = False
    #: The Tyk Dashboard DCR "Provider" the product's guide selects (a driver of
    #: harness.registrar.drivers, which shapes the registration request).
    dcr_provider: ClassVar[str]
    #: The guide's IdP admin step: (step id, title).
    guide_admin_step: ClassVar[tuple[str, str]]
    #: The guide reads the discovery document (registration endpoint, well-known URL)
    #: before its admin step; False: the admin step comes first.
    guide_discovery_before_admin_step: ClassVar[bool] = False
    #: The conformance checks can create initial access tokens with the admin credentials.
    admin_creates_initial_access_tokens: ClassVar[bool] = False

    @abstractmethod
    def profile(self, version: str | None = None) -> Any:
        """The wire profile of ``version`` (``None``: the default release). Raises
        ConfigError for a version the product does not model."""

    @abstractmethod
    def quirks(self, profile: Any) -> list[Quirk]:
        """The quirks the checks expect from ``profile`` (an instance of this product's
        profile class)."""

    @property
    def default_version(self) -> str:
        return str(self.profile(None).version)

    def recognises(self, urls: Iterable[str]) -> bool:
        """True when one of ``urls`` has a path only this product's endpoints have."""
        paths = [urlsplit(u).path for u in urls if u]
        return any(marker in path for path in paths for marker in self.url_markers)

    def import_location(self, urls: Iterable[str], *, endpoints: Iterable[str] = ()) -> Imported:
        """``idp`` members that say where the customer's IdP serves (realm, path prefix),
        read from the IdP URLs in their Tyk export (``endpoints``: the registration
        endpoint and JWKS URL among them, in that order)."""
        return Imported()

    def import_registration(self, initial_access_token: str, *, keep_secrets: bool) -> Imported:
        """``idp`` members the guide's registration needs at this product, given the
        customer's initial access token (``""`` when they have none)."""
        return Imported()

    def client_admin(self, base_url: str, admin_user: str, admin_password: str, *,
                     session: Any, realm: str) -> ClientAdmin | None:
        """The product's admin view of clients, or ``None`` when the harness cannot list
        them with admin credentials (then leftovers are named with :meth:`removal_hint`
        and the stored client is not shown: :attr:`no_client_admin`)."""
        return None

    def rotate_signing_key(self, base_url: str, admin_user: str, admin_password: str, *,
                           session: Any, realm: str) -> tuple[str, str]:
        """Rotate the IdP's token signing key through its admin API (new tokens are signed
        with a new key); returns the old and the new kid. Raises ConfigError when the
        harness cannot do that for this product."""
        from harness.core.errors import ConfigError

        raise ConfigError(f"the harness cannot rotate {self.title}'s signing key through its admin API",
                          hint="gateway_call.after_key_rotation needs profile: keycloak")

    #: Why the harness cannot read this product's clients with admin credentials (shown
    #: once instead of the stored client when :meth:`client_admin` is ``None``).
    no_client_admin: ClassVar[str] = "the harness has no admin access to this IdP's clients"

    def removal_hint(self, base_url: str, realm: str, *, client_id: str | None, name: str) -> str:
        """How a person removes a client the run could not (console path or command)."""
        who = f"client {client_id}" if client_id else f"the client named {name!r}"
        return f"delete {who} in the {self.title} admin console"
