"""Wire profiles of the IdPs the emulator speaks: frozen dataclasses whose fields are
the products' quirks, each with a default and its source (shared/STYLE.md §4)."""

from harness.idp.profiles.keycloak import KeycloakProfile

__all__ = ["KeycloakProfile"]
