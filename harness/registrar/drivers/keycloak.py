"""Provider ``keycloak``.

Keycloak rejects unknown client metadata with 400 (shared/reference/keycloak.md,
"unknown metadata fields → 400"), so this driver sends only standard RFC 7591 §2
members, and omits ``redirect_uris`` when none were typed (an empty list is fine
for client_credentials clients).
"""

from harness.registrar.drivers import register_driver
from harness.registrar.drivers.base import Driver


@register_driver
class KeycloakDriver(Driver):
    name = "keycloak"
