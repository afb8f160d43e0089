"""Keycloak: profile, emulator, launchers (keycloak-dist, container, external), admin client, quirks."""
