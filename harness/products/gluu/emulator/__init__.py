"""Gluu Server 4 (oxAuth) emulator: discovery, RFC 7591/7592 registration, the
client_credentials token endpoint and the JWKS with oxAuth's EC serialisation faults.
Product quirks live in :class:`harness.products.gluu.profile.GluuProfile`."""

from harness.products.gluu.emulator.app import create_app
from harness.products.gluu.emulator.state import DEFAULT_KEY_SEED, GluuState

__all__ = ["create_app", "GluuState", "DEFAULT_KEY_SEED"]
