"""Keycloak 26.x emulator: realms, discovery/JWKS, admin REST (realms, initial access
tokens), RFC 7591/7592 client registration and the token endpoint, with every quirk
taken from :class:`~harness.idp.profiles.keycloak.KeycloakProfile`."""

from harness.idp.emulator.keycloak.app import create_app
from harness.idp.emulator.keycloak.launcher import KeycloakEmulatorLauncher
from harness.idp.emulator.keycloak.state import KeycloakState

__all__ = ["create_app", "KeycloakState", "KeycloakEmulatorLauncher"]
