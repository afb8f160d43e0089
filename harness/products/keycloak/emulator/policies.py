"""A realm's client-registration policies (components of type ``ClientRegistrationPolicy``)
and default realm roles, as a fresh Keycloak 26.7.3 realm has them (observed 26.7.3:
``GET /admin/realms/{r}/components?type=...ClientRegistrationPolicy``, ``GET .../roles``).

The policies are data here, edited through the admin API; registration reads them:
Trusted Hosts (``trusted-hosts``: the sending host and the client's URIs must be
trusted), Max Clients Limit (``max-clients``), Allowed Client Scopes
(``allowed-client-templates``), Consent Required (``consent-required``) and Full Scope
Disabled (``scope``) — src:services/clientregistration/policy/impl/*. Allowed Protocol
Mapper Types and Allowed Registration Web Origins are listed but not enforced (the OIDC
registration body carries no protocol mappers; web origins are not emulated).
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, cast
from urllib.parse import urlparse

from harness.products.keycloak.admin import REGISTRATION_POLICY_TYPE as POLICY_TYPE

if TYPE_CHECKING:
    from harness.products.keycloak.emulator.state import Realm


#: ``ProtocolMappersClientRegistrationPolicyFactory`` defaults (observed 26.7.3).
ALLOWED_MAPPER_TYPES: tuple[str, ...] = (
    "oidc-full-name-mapper", "oidc-sha256-pairwise-sub-mapper", "saml-user-property-mapper",
    "oidc-address-mapper", "saml-role-list-mapper", "oidc-usermodel-property-mapper",
    "saml-user-attribute-mapper", "oidc-usermodel-attribute-mapper",
)

#: (name, providerId, subType, config) of a new realm's policies (observed 26.7.3).
DEFAULT_POLICIES: tuple[tuple[str, str, str, dict[str, list[str]]], ...] = (
    ("Allowed Protocol Mapper Types", "allowed-protocol-mappers", "anonymous",
     {"allowed-protocol-mapper-types": list(ALLOWED_MAPPER_TYPES)}),
    ("Trusted Hosts", "trusted-hosts", "anonymous",
     {"host-sending-registration-request-must-match": ["true"], "client-uris-must-match": ["true"]}),
    ("Consent Required", "consent-required", "anonymous", {}),
    ("Allowed Client Scopes", "allowed-client-templates", "authenticated", {"allow-default-scopes": ["true"]}),
    ("Full Scope Disabled", "scope", "anonymous", {}),
    ("Allowed Protocol Mapper Types", "allowed-protocol-mappers", "authenticated",
     {"allowed-protocol-mapper-types": list(ALLOWED_MAPPER_TYPES)}),
    ("Max Clients Limit", "max-clients", "anonymous", {"max-clients": ["200"]}),
    ("Allowed Registration Web Origins", "registration-web-origins", "anonymous", {}),
    ("Allowed Registration Web Origins", "registration-web-origins", "authenticated", {}),
    ("Allowed Client Scopes", "allowed-client-templates", "anonymous", {"allow-default-scopes": ["true"]}),
)


def default_components(realm: Realm, *, web_origins: bool = True, max_clients: int = 200) -> list[dict[str, object]]:
    """A new realm's policies; ``web_origins`` is KeycloakProfile.registration_web_origins_policy,
    ``max_clients`` KeycloakProfile.max_clients (the Max Clients Limit config, "200")."""
    out: list[dict[str, object]] = []
    for name, provider, sub, config in DEFAULT_POLICIES:
        if provider == "registration-web-origins" and not web_origins:
            continue
        values = {k: list(v) for k, v in config.items()}
        if provider == "max-clients":
            values["max-clients"] = [str(max_clients)]
        out.append({"id": str(uuid.uuid4()), "name": name, "providerId": provider, "providerType": POLICY_TYPE,
                    "parentId": realm.id, "subType": sub, "config": values})
    return out


def default_roles(realm: Realm) -> dict[str, dict[str, object]]:
    """``offline_access``, ``uma_authorization`` and the composite ``default-roles-<realm>``."""
    def role(name: str, description: str, composite: bool = False) -> dict[str, object]:
        return {"id": str(uuid.uuid4()), "name": name, "description": description, "composite": composite,
                "clientRole": False, "containerId": realm.id}

    return {
        "offline_access": role("offline_access", "${role_offline-access}"),
        "uma_authorization": role("uma_authorization", "${role_uma_authorization}"),
        f"default-roles-{realm.name}": role(f"default-roles-{realm.name}", "${role_default-roles}", True),
    }


def policies(realm: Realm, sub_type: str, provider: str) -> list[tuple[str, dict[str, list[str]]]]:
    """(name, config) of the realm's ``provider`` policies for ``sub_type`` (anonymous|authenticated);
    a refusal names the component (observed 26.7.3: "Policy 'dcr max' rejected ...")."""
    return [(str(c.get("name")), cast("dict[str, list[str]]", c["config"])) for c in realm.components
            if c.get("providerType") == POLICY_TYPE and c.get("subType") == sub_type and c.get("providerId") == provider]


def _flag(config: dict[str, list[str]], key: str) -> bool:
    return (config.get(key) or ["false"])[0] == "true"


def trusted_hosts_rejection(config: dict[str, list[str]], sender: str, uris: list[str]) -> str | None:
    """``TrustedHostClientRegistrationPolicy``: the details of a refusal, or None."""
    trusted = [h for h in config.get("trusted-hosts", []) if h]
    if _flag(config, "host-sending-registration-request-must-match") and sender not in trusted:
        return "Host not trusted."
    if _flag(config, "client-uris-must-match"):
        for uri in uris:
            host = urlparse(uri).hostname or ""
            if host not in trusted:
                return "URI doesn't match any trusted host or trusted domain"
    return None


def max_clients(config: dict[str, list[str]]) -> int:
    return int((config.get("max-clients") or ["200"])[0])
