"""Embedded IdP emulators (ASGI apps on a loopback port). One sub-package per product
profile: ``keycloak`` (and ``gluu``, written separately). Import the one you need."""
