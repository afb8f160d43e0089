"""Gluu Server 4 as a product: the facts and decisions about it that are not wire
behaviour (those are :class:`~harness.products.gluu.profile.GluuProfile` fields)."""

from __future__ import annotations

from typing import Any, ClassVar

from harness.products.gluu.profile import GUIDE_RSA_ONLY_JWKS_ALGORITHMS, GluuProfile
from harness.products.gluu.quirks import quirks
from harness.products.product import ClientAdmin, Imported, Product
from harness.products.quirk import Quirk


class Gluu(Product):
    name: ClassVar[str] = "gluu"
    title: ClassVar[str] = "Gluu"
    #: oxAuth serves under ``/oxauth/restv1/``, Janssen under ``/jans-auth/restv1/``
    #: (gluu.md "Endpoints"; docs/gluu-vs-janssen.md).
    url_markers: ClassVar[tuple[str, ...]] = ("/oxauth/", "/jans-auth/")
    #: shared/seeds (Gluu guide): 'For this guide, pick "Gluu"'.
    dcr_provider: ClassVar[str] = "gluu"
    #: oxTrust: Configuration → JSON Configuration → OxAuth (the guide's step 3).
    guide_admin_step: ClassVar[tuple[str, str]] = (
        "idp-configuration", "Gluu: OxAuth configuration (jwksAlgorithmsSupported)")
    #: shared/seeds (Gluu guide, "Getting started with Gluu"): the registration endpoint
    #: (steps 1-2) and the Well-Known configuration endpoint come first, then
    #: "In the same OxAuth Configuration tab, scroll down to jwksAlgorithmsSupported" (step 3).
    guide_discovery_before_admin_step: ClassVar[bool] = True

    def profile(self, version: str | None = None) -> GluuProfile:
        return GluuProfile.for_version(version) if version else GluuProfile.for_version()

    def quirks(self, profile: Any) -> list[Quirk]:
        assert isinstance(profile, GluuProfile)
        return quirks(profile)

    def import_registration(self, initial_access_token: str, *, keep_secrets: bool) -> Imported:
        """Gluu registers openly (no initial access token); Tyk's exports do not hold the
        server's ``jwksAlgorithmsSupported``, so the guide's RSA-only fix is assumed."""
        return Imported(
            fields={"jwks_algorithms_supported": list(GUIDE_RSA_ONLY_JWKS_ALGORITHMS)},
            comments={("jwks_algorithms_supported",): ("the Gluu guide's setting (not in Tyk's exports); "
                                                       "delete it to reproduce the EC JWKS bug")},
        )

    def client_admin(self, base_url: str, admin_user: str, admin_password: str, *,
                     session: Any, realm: str) -> ClientAdmin | None:
        """What oxTrust shows of the clients, where the server serves it to the harness
        (the emulator; harness.products.gluu.clients)."""
        from harness.products.gluu.clients import GluuClients

        return GluuClients(base_url, admin_user, admin_password, session=session)

    def removal_hint(self, base_url: str, realm: str, *, client_id: str | None, name: str) -> str:
        """oxTrust has no admin REST API the harness drives (Gluu 4 docs, "OpenID Connect
        Clients"): the console path, or RFC 7592 with the client's registration token."""
        which = client_id or name
        return (f"oxTrust → OpenID Connect → Clients → search {which!r} → Delete; or "
                f"curl -X DELETE -H \"Authorization: Bearer <registration_access_token>\" "
                f"'{base_url}/oxauth/restv1/register?client_id={client_id or '<client_id>'}'")


PRODUCT = Gluu()

