"""Keycloak's clients through its admin REST API (Keycloak Admin REST API,
"Clients": ``GET/DELETE /admin/realms/{realm}/clients[/{id}]``): find a client by its
display name, delete it, and show what Keycloak stored for it."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from harness.products.keycloak.admin import KeycloakAdmin


class KeycloakClients:
    """:class:`harness.products.product.ClientAdmin` for one Keycloak realm."""

    def __init__(self, admin: KeycloakAdmin, realm: str) -> None:
        self.admin = admin
        self.realm = realm

    def find_by_name(self, name: str) -> list[dict[str, Any]]:
        # The admin API searches clientId only (ClientsResource ``search``), and Keycloak's
        # DCR assigns a UUID clientId: list the realm's clients and match the name here.
        return [{"id": c.get("id"), "client_id": c.get("clientId"), "name": c.get("name")}
                for c in self.admin.clients(self.realm) if c.get("name") == name]

    def delete(self, internal_id: str) -> None:
        self.admin.delete_client(self.realm, internal_id)

    def stored(self, client_id: str) -> dict[str, Any] | None:
        found = self.admin.clients(self.realm, client_id=client_id)
        if not found:
            return None
        c = found[0]
        grants = [g for g, on in (("authorization_code", c.get("standardFlowEnabled")),
                                  ("implicit", c.get("implicitFlowEnabled")),
                                  ("password", c.get("directAccessGrantsEnabled")),
                                  ("client_credentials", c.get("serviceAccountsEnabled"))) if on]
        # Keycloak stores the client authenticator, not the RFC 7591 name
        # (ClientRegistration's DescriptionConverter maps client-secret ↔ client_secret_basic/post).
        return {
            "grant_types": grants,
            "authenticator": "none (public client)" if c.get("publicClient") else c.get("clientAuthenticatorType"),
            "service_account": bool(c.get("serviceAccountsEnabled")),
            "redirect_uris": c.get("redirectUris") or [],
            "enabled": c.get("enabled"),
        }


def removal_hint(base_url: str, realm: str, *, client_id: str | None, name: str) -> str:
    """Console path and the admin REST call that remove a client by hand."""
    which = f"clientId {client_id}" if client_id else f"name {name!r}"
    lookup = (f"?clientId={quote(client_id, safe='')}" if client_id else "")
    return (f"Keycloak admin console → realm {realm} → Clients → {which} → Action → Delete; or "
            f"curl -H \"Authorization: Bearer $ADMIN_TOKEN\" '{base_url}/admin/realms/{realm}/clients{lookup}' "
            f"to find its id, then curl -X DELETE -H \"Authorization: Bearer $ADMIN_TOKEN\" "
            f"'{base_url}/admin/realms/{realm}/clients/<id>'")
