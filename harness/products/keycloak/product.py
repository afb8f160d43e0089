"""Keycloak as a product: the facts and decisions about it that are not wire behaviour
(those are :class:`~harness.products.keycloak.profile.KeycloakProfile` fields)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, ClassVar
from urllib.parse import urlsplit

from harness.products.keycloak.profile import KeycloakProfile
from harness.products.keycloak.quirks import quirks
from harness.products.product import ClientAdmin, Imported, Product
from harness.products.quirk import Quirk

#: ``/realms/<name>`` in an issuer or endpoint URL (keycloak.md "Endpoint").
_REALM = re.compile(r"/realms/([^/?#]+)")
#: Path prefix of the legacy WildFly layout, restored by ``--http-relative-path=/auth``
#: (keycloak.md: "Paths have no /auth prefix since Keycloak 17").
LEGACY_RELATIVE_PATH = "/auth"


class Keycloak(Product):
    name: ClassVar[str] = "keycloak"
    title: ClassVar[str] = "Keycloak"
    #: Every issuer and endpoint lives under ``<base>/realms/<realm>`` (keycloak.md).
    url_markers: ClassVar[tuple[str, ...]] = ("/realms/",)
    has_realms: ClassVar[bool] = True
    #: The Keycloak driver of the Dashboard (the guide's screenshot step 7, scenarios/keycloak.yaml).
    dcr_provider: ClassVar[str] = "keycloak"
    #: Console (Keycloak 24 and later): Clients → Initial access token → Create (the guide's
    #: older console: Realm settings → Client Registration; keycloak.md "Admin steps").
    guide_admin_step: ClassVar[tuple[str, str]] = ("initial-access-token", "Keycloak: create an initial access token")
    #: ``POST /admin/realms/{realm}/clients-initial-access`` with an admin token (keycloak.md).
    admin_creates_initial_access_tokens: ClassVar[bool] = True

    def profile(self, version: str | None = None) -> KeycloakProfile:
        return KeycloakProfile.for_version(version)

    def quirks(self, profile: Any) -> list[Quirk]:
        assert isinstance(profile, KeycloakProfile)
        return quirks(profile)

    def client_admin(self, base_url: str, admin_user: str, admin_password: str, *,
                     session: Any, realm: str) -> ClientAdmin | None:
        """The admin REST API's clients of ``realm`` (harness.products.keycloak.clients)."""
        from harness.products.keycloak.admin import KeycloakAdmin
        from harness.products.keycloak.clients import KeycloakClients

        return KeycloakClients(KeycloakAdmin(base_url, admin_user, admin_password, session=session), realm)

    def rotate_signing_key(self, base_url: str, admin_user: str, admin_password: str, *,
                           session: Any, realm: str) -> tuple[str, str]:
        """A new ``rsa-generated`` key provider with a higher priority (admin REST API,
        harness.products.keycloak.admin.KeycloakAdmin.rotate_signing_key)."""
        from harness.products.keycloak.admin import KeycloakAdmin

        return KeycloakAdmin(base_url, admin_user, admin_password, session=session).rotate_signing_key(realm)

    def removal_hint(self, base_url: str, realm: str, *, client_id: str | None, name: str) -> str:
        from harness.products.keycloak.clients import removal_hint

        return removal_hint(base_url, realm, client_id=client_id, name=name)

    def import_location(self, urls: Iterable[str], *, endpoints: Iterable[str] = ()) -> Imported:
        """The realm (from the registration endpoint or JWKS URL, else ``master``) and the
        legacy ``/auth`` prefix when the customer's URLs use it."""
        urls = list(urls)
        out = Imported()
        # Evidence of the prefix: an endpoint under /auth/realms/, or idp_host ending in /auth.
        paths = [urlsplit(u).path.rstrip("/") for u in urls if u]
        legacy = any(p == LEGACY_RELATIVE_PATH or p.startswith(f"{LEGACY_RELATIVE_PATH}/realms/") for p in paths)
        relative_path = LEGACY_RELATIVE_PATH if legacy else ""
        realm = next((m.group(1) for m in (_REALM.search(u) for u in endpoints) if m), "master")
        out.fields["realm"] = realm
        if relative_path:
            out.fields["relative_path"] = relative_path
            out.comments[("relative_path",)] = "the customer's URLs use the legacy /auth prefix"
        return out

    def import_registration(self, initial_access_token: str, *, keep_secrets: bool) -> Imported:
        """The guide registers with an initial access token: the customer's (kept only
        with ``keep_secrets``) or a fresh one the run creates."""
        out = Imported()
        if initial_access_token and keep_secrets:
            out.fields["initial_access_token"] = {"value": initial_access_token}
        elif initial_access_token:
            out.fields["initial_access_token"] = {"expiration": 86400, "count": 5}
            out.comments[("initial_access_token",)] = (
                "Clients -> Initial access token -> Create (the guide's older console: Realm settings -> "
                "Client Registration); replaces the customer's token")
        else:
            out.comments[("realm",)] = ("no initial access token in the DCR settings: anonymous registration "
                                        "(Keycloak allows it from trusted hosts only)")
        return out


PRODUCT = Keycloak()
