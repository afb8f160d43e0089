"""Keycloak's clients through its admin REST API (Keycloak Admin REST API,
"Clients": ``GET/DELETE /admin/realms/{realm}/clients[/{id}]``): find a client by its
display name, delete it, and show what Keycloak stored for it."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from harness.products.keycloak.admin import KeycloakAdmin
from harness.products.product import StoredClient


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

    def stored(self, client_id: str) -> StoredClient | None:
        """``GET /admin/realms/{realm}/clients?clientId=``: the ClientRepresentation, read
        as RFC 7591 metadata the way Keycloak itself reads it back (see :func:`stored_client`)."""
        found = self.admin.clients(self.realm, client_id=client_id)
        exact = [c for c in found if c.get("clientId") == client_id]
        if not exact:
            return None
        return stored_client(exact[0], source=(f"Keycloak admin REST API: GET /admin/realms/{self.realm}"
                                               f"/clients?clientId={client_id}"))


#: Grants with no flow switch of their own: the client attribute that turns each on
#: (Keycloak's OIDCAdvancedConfigWrapper attribute names; the emulator's converter models
#: the same attributes, harness/products/keycloak/emulator/converter.py GRANT_ATTRIBUTES).
_ATTRIBUTE_GRANTS: tuple[tuple[str, str], ...] = (
    ("urn:ietf:params:oauth:grant-type:device_code", "oauth2.device.authorization.grant.enabled"),
    ("urn:openid:params:grant-type:ciba", "oidc.ciba.grant.enabled"),
)
_LATE_ATTRIBUTE_GRANTS: tuple[tuple[str, str], ...] = (
    ("urn:ietf:params:oauth:grant-type:token-exchange", "standard.token.exchange.enabled"),
    ("urn:ietf:params:oauth:grant-type:jwt-bearer", "oauth2.jwt.authorization.grant.enabled"),
)
#: ``clientAuthenticatorType`` → RFC 7591 ``token_endpoint_auth_method`` (Keycloak's
#: client-registration DescriptionConverter maps them both ways).
_AUTH_METHODS: dict[str, str] = {
    "client-jwt": "private_key_jwt", "client-secret-jwt": "client_secret_jwt", "client-x509": "tls_client_auth",
}
#: Client attribute holding the secret method a registration asked for, stored by 26.7.x,
#: not by 26.4.x/26.5.x (KeycloakProfile.echo_requested_auth_method; keycloak.md).
_SECRET_METHOD = "client.secret.authentication.allowed.method"
#: The switches the metadata are read from, in the admin console's words' order.
_SWITCHES = ("standardFlowEnabled", "implicitFlowEnabled", "directAccessGrantsEnabled",
             "serviceAccountsEnabled", "publicClient", "clientAuthenticatorType")


def stored_client(rep: dict[str, Any], *, source: str = "") -> StoredClient:
    """A ClientRepresentation read as RFC 7591 metadata, as Keycloak's client-registration
    DescriptionConverter reads it back (observed 26.7.3): Keycloak stores flow switches,
    not grant or response types — a registration's ``response_types: [token]`` turns on
    ``implicitFlowEnabled``, so ``implicit`` is a grant of the client whatever the
    request's ``grant_types`` said."""
    raw_attrs = rep.get("attributes")
    attrs: dict[str, Any] = raw_attrs if isinstance(raw_attrs, dict) else {}
    standard, implicit = bool(rep.get("standardFlowEnabled")), bool(rep.get("implicitFlowEnabled"))
    grants = [g for g, on in (("authorization_code", standard), ("implicit", implicit),
                              ("password", bool(rep.get("directAccessGrantsEnabled"))),
                              ("client_credentials", bool(rep.get("serviceAccountsEnabled")))) if on]
    grants += [g for g, a in _ATTRIBUTE_GRANTS if attrs.get(a) == "true"]
    if attrs.get("use.refresh.tokens") != "false":  # on unless switched off
        grants.append("refresh_token")
    grants += [g for g, a in _LATE_ATTRIBUTE_GRANTS if attrs.get(a) == "true"]
    responses = (["code", "none"] if standard else []) + (["id_token", "id_token token"] if implicit else [])
    if standard and implicit:
        responses += ["code id_token", "code token", "code id_token token"]
    authenticator = str(rep.get("clientAuthenticatorType") or "")
    if rep.get("publicClient"):
        method = "none"
    elif authenticator == "client-secret":
        method = str(attrs.get(_SECRET_METHOD) or "client_secret_basic")
    else:
        method = _AUTH_METHODS.get(authenticator, authenticator or "client_secret_basic")
    native = {k: rep.get(k) for k in _SWITCHES if k in rep}
    if _SECRET_METHOD in attrs:
        native[_SECRET_METHOD] = attrs[_SECRET_METHOD]
    return StoredClient(
        client_id=str(rep.get("clientId")), grant_types=grants, response_types=responses,
        token_endpoint_auth_method=method, service_account=bool(rep.get("serviceAccountsEnabled")),
        redirect_uris=[str(u) for u in rep.get("redirectUris") or []], native=native, source=source)


def removal_hint(base_url: str, realm: str, *, client_id: str | None, name: str) -> str:
    """Console path and the admin REST call that remove a client by hand."""
    which = f"clientId {client_id}" if client_id else f"name {name!r}"
    lookup = (f"?clientId={quote(client_id, safe='')}" if client_id else "")
    return (f"Keycloak admin console → realm {realm} → Clients → {which} → Action → Delete; or "
            f"curl -H \"Authorization: Bearer $ADMIN_TOKEN\" '{base_url}/admin/realms/{realm}/clients{lookup}' "
            f"to find its id, then curl -X DELETE -H \"Authorization: Bearer $ADMIN_TOKEN\" "
            f"'{base_url}/admin/realms/{realm}/clients/<id>'")
