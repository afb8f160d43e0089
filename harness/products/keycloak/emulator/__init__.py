"""Keycloak 26.x emulator: realms, discovery/JWKS, admin REST (realms, initial access
tokens), RFC 7591/7592 client registration and the token endpoint, with every quirk
taken from :class:`~harness.products.keycloak.profile.KeycloakProfile`."""

from harness.products.keycloak.emulator.app import create_app
from harness.products.keycloak.emulator.launcher import KeycloakEmulatorLauncher
from harness.products.keycloak.emulator.state import KeycloakState

__all__ = ["create_app", "KeycloakState", "KeycloakEmulatorLauncher"]
