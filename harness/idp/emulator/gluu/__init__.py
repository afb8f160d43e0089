"""Gluu Server 4 (oxAuth) emulator: discovery, RFC 7591/7592 registration, the
client_credentials token endpoint and the JWKS with oxAuth's EC serialisation faults.
Product quirks live in :class:`harness.idp.profiles.gluu.GluuProfile`."""

from harness.idp.emulator.gluu.app import create_app
from harness.idp.emulator.gluu.state import DEFAULT_KEY_SEED, GluuState

__all__ = ["create_app", "GluuState", "DEFAULT_KEY_SEED"]
