"""Admin steps against a real (or emulated) IdP: Keycloak's admin REST API."""

from harness.idp.admin.keycloak import KeycloakAdmin, KeycloakAdminError

__all__ = ["KeycloakAdmin", "KeycloakAdminError"]
