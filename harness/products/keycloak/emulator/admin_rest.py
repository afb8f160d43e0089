"""The admin REST API around DCR: realm keys, clients (service accounts and secrets),
users, realm roles, client scopes and components (client-registration policies).

Every answer is the one Keycloak 26.7.3 sends (observed 26.7.3, recorded in
fixtures/keycloak/observed-26.7.3.json): 201 + ``Location`` without a body on create,
409 ``{"errorMessage": ...}`` on a duplicate, 404 ``{"error": "Could not find client"}``
/ ``"User not found"`` / ``"Could not find role"``, ``Cache-Control: no-cache`` on reads,
DELETE answers without ``X-Frame-Options``.
"""

from __future__ import annotations

import base64
import uuid
from collections.abc import Callable
from typing import Any
from urllib.parse import urlparse

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from harness.products.keycloak.admin import KEY_PROVIDER_TYPE
from harness.products.keycloak.emulator.admin import _admin_realm, _json_object
from harness.products.keycloak.emulator.http import (
    JSON_UTF8,
    Ctx,
    bare_error,
    empty_response,
    error_message,
    json_response,
    no_frame_options,
)
from harness.products.keycloak.emulator.keys import DEFAULT_PRIORITY, RsaRealmKey
from harness.products.keycloak.emulator.policies import POLICY_TYPE
from harness.products.keycloak.emulator.state import Client, Realm, User, new_secret

NO_CACHE = {"Cache-Control": "no-cache"}
#: ``validTo`` of a generated RSA key's certificate: about ten years (observed 26.7.3).
_TEN_YEARS_MS = 3650 * 86400 * 1000


def _read(body: Any) -> Response:
    return json_response(body, content_type=JSON_UTF8, headers=NO_CACHE)


def _created(ctx: Ctx, request: Request, path: str, headers: dict[str, str] | None = None) -> Response:
    return empty_response(201, {"Location": f"{ctx.base_url(request)}{path}", **(headers or {})})


# --- keys ----------------------------------------------------------------------------------


@_admin_realm
async def keys(ctx: Ctx, realm: Realm, request: Request) -> Response:
    """``GET /admin/realms/{r}/keys``: the active keys; the HS512 key signs the internal
    tokens (initial and registration access tokens), so its kid is theirs."""
    k = realm.keys
    providers = realm.key_providers

    def rsa(key: Any, provider: str, use: str, priority: int = DEFAULT_PRIORITY) -> dict[str, Any]:
        return {"providerId": provider, "providerPriority": priority, "kid": key.kid, "status": "ACTIVE",
                "type": "RSA", "algorithm": key.alg, "publicKey": key.spki_b64(),
                "certificate": base64.b64encode(key.cert_der).decode("ascii"), "use": use,
                "validTo": int(ctx.state.now() * 1000) + _TEN_YEARS_MS}

    body = {
        "active": {"AES": realm.aes_kid, "HS512": k.hmac_kid, "RS256": k.sig.kid, "RSA-OAEP": k.enc.kid},
        "keys": [
            {"providerId": providers[0], "providerPriority": 100, "kid": realm.aes_kid, "status": "ACTIVE",
             "type": "OCT", "algorithm": "AES", "use": "ENC"},
            {"providerId": providers[1], "providerPriority": 100, "kid": k.hmac_kid, "status": "ACTIVE",
             "type": "OCT", "algorithm": "HS512", "use": "SIG"},
            *(rsa(s.key, s.provider_id or providers[2], "SIG", s.priority) for s in k.signing),
            rsa(k.enc, providers[3], "ENC"),
        ],
    }

    return _read(body)


# --- clients -------------------------------------------------------------------------------


def client_representation(client: Client) -> dict[str, Any]:
    """ClientRepresentation as the admin API returns it (members observed 26.7.3)."""
    attributes = dict(sorted(client.attributes.items()))
    attributes.setdefault("realm_client", "false")
    body: dict[str, Any] = {"id": client.id, "clientId": client.client_id}
    if client.name is not None:
        body["name"] = client.name
    body.update(
        surrogateAuthRequired=False, enabled=client.enabled, alwaysDisplayInConsole=False,
        clientAuthenticatorType=client.authenticator,
    )
    if client.secret is not None:
        body["secret"] = client.secret
    body.update(
        redirectUris=list(client.redirect_uris), webOrigins=list(client.web_origins), notBefore=0,
        bearerOnly=False, consentRequired=client.consent_required, standardFlowEnabled=client.standard_flow,
        implicitFlowEnabled=client.implicit_flow, directAccessGrantsEnabled=client.direct_access,
        serviceAccountsEnabled=client.service_accounts, publicClient=client.public, frontchannelLogout=False,
        protocol="openid-connect", attributes=attributes, authenticationFlowBindingOverrides={},
        fullScopeAllowed=client.full_scope, nodeReRegistrationTimeout=-1,
        defaultClientScopes=list(client.default_scopes), optionalClientScopes=list(client.optional_scopes),
        access={"view": True, "configure": True, "manage": True},
    )
    return body


def _find_client(realm: Realm, client_uuid: str) -> Client | None:
    return next((c for c in realm.clients.values() if c.id == client_uuid), None)


def _origin(uri: str) -> str | None:
    parts = urlparse(uri)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else None


def _apply(ctx: Ctx, realm: Realm, client: Client, rep: dict[str, Any]) -> None:
    """RepresentationToModel.updateClient: only the members present change."""
    if "name" in rep:
        client.name = rep["name"]
    if "publicClient" in rep:
        client.public = bool(rep["publicClient"])
    if "standardFlowEnabled" in rep:
        client.standard_flow = bool(rep["standardFlowEnabled"])
    if "directAccessGrantsEnabled" in rep:
        client.direct_access = bool(rep["directAccessGrantsEnabled"])
    if "enabled" in rep:
        client.enabled = bool(rep["enabled"])
    if "redirectUris" in rep:
        client.redirect_uris = [str(u) for u in rep["redirectUris"] or []]
    if "webOrigins" in rep:
        client.web_origins = [str(u) for u in rep["webOrigins"] or []]
    if isinstance(rep.get("attributes"), dict):
        client.attributes.update({str(k): str(v) for k, v in rep["attributes"].items()})
    if "serviceAccountsEnabled" in rep:
        client.service_accounts = bool(rep["serviceAccountsEnabled"])
        if client.service_accounts:
            ctx.state.sync_service_account(realm, client)
        else:
            ctx.state.drop_service_account(realm, client)


@_admin_realm
async def create_client(ctx: Ctx, realm: Realm, request: Request) -> Response:
    rep = await _json_object(request)
    if isinstance(rep, Response):
        return rep
    client_id = rep.get("clientId") or str(uuid.uuid4())
    with ctx.state.lock:
        if client_id in realm.clients:
            return error_message(409, f"Client {client_id} already exists")
    client = Client(id=str(uuid.uuid4()), client_id=str(client_id),
                    default_scopes=[s for s in ctx.profile.default_client_scopes],
                    optional_scopes=list(ctx.profile.optional_client_scopes))
    _apply(ctx, realm, client, {k: v for k, v in rep.items() if k != "serviceAccountsEnabled"})
    if not client.public and isinstance(rep.get("secret"), str):
        # a secret given by the caller carries no creation time (observed 26.7.3)
        client.secret = str(rep["secret"])
    elif not client.public:
        client.secret = new_secret()
        client.attributes["client.secret.creation.time"] = str(ctx.state.now())
    if "webOrigins" not in rep:
        # the admin API derives web origins from the redirect URIs (observed 26.7.3)
        client.web_origins = sorted({o for o in map(_origin, client.redirect_uris) if o})
    client.service_accounts = bool(rep.get("serviceAccountsEnabled"))
    ctx.state.add_client(realm, client)
    return _created(ctx, request, f"/admin/realms/{realm.name}/clients/{client.id}")


@_admin_realm
async def list_clients(ctx: Ctx, realm: Realm, request: Request) -> Response:
    wanted = request.query_params.get("clientId")
    with ctx.state.lock:
        found = [client_representation(c) for c in realm.clients.values()
                 if wanted is None or c.client_id == wanted]
    return _read(found)


def _entity_handler(find: Callable[[Realm, str], Any], not_found: str) -> Callable[[Any], Any]:
    """Decorator for ``/{id}`` admin routes: look the entity up under the state lock and
    answer Keycloak's bare 404 ``not_found`` when it is absent, else call the handler with it."""
    def wrap(fn: Any) -> Any:
        @_admin_realm
        async def endpoint(ctx: Ctx, realm: Realm, request: Request) -> Response:
            with ctx.state.lock:
                entity = find(realm, request.path_params["id"])
            if entity is None:
                return bare_error(404, not_found)
            result: Response = await fn(ctx, realm, entity, request)
            return result

        endpoint.__name__ = fn.__name__
        return endpoint
    return wrap


_client_handler = _entity_handler(lambda realm, ident: _find_client(realm, ident), "Could not find client")


@_client_handler
async def get_client(ctx: Ctx, realm: Realm, client: Client, request: Request) -> Response:
    return _read(client_representation(client))


@_client_handler
async def update_client(ctx: Ctx, realm: Realm, client: Client, request: Request) -> Response:
    rep = await _json_object(request)
    if isinstance(rep, Response):
        return rep
    with ctx.state.lock:
        _apply(ctx, realm, client, rep)
    return empty_response(204)


@_client_handler
async def delete_client(ctx: Ctx, realm: Realm, client: Client, request: Request) -> Response:
    ctx.state.remove_client(realm, client.client_id)
    return no_frame_options(empty_response(204, NO_CACHE))


@_client_handler
async def get_client_secret(ctx: Ctx, realm: Realm, client: Client, request: Request) -> Response:
    body: dict[str, Any] = {"type": "secret"}
    if client.secret is not None and not client.public:
        body["value"] = client.secret
    return _read(body)


@_client_handler
async def regenerate_client_secret(ctx: Ctx, realm: Realm, client: Client, request: Request) -> Response:
    with ctx.state.lock:
        client.secret = new_secret()
        client.attributes["client.secret.creation.time"] = str(ctx.state.now())
    return json_response({"type": "secret", "value": client.secret}, content_type=JSON_UTF8)


@_client_handler
async def service_account_user(ctx: Ctx, realm: Realm, client: Client, request: Request) -> Response:
    with ctx.state.lock:
        user = realm.users.get(client.service_account_user_id or "")
    if not client.service_accounts or user is None:
        return bare_error(400, f"Service account not enabled for the client '{client.client_id}'")
    return _read(user_representation(user))


@_client_handler
async def default_client_scopes(ctx: Ctx, realm: Realm, client: Client, request: Request) -> Response:
    return _read([{"id": _scope_id(realm, s), "name": s} for s in client.default_scopes])


# --- users --------------------------------------------------------------------------------


def user_representation(user: User, access: dict[str, bool] | None = None) -> dict[str, Any]:
    """UserRepresentation (members observed 26.7.3)."""
    body: dict[str, Any] = {"id": user.id, "username": user.username}
    for key in ("firstName", "lastName", "email"):
        if key in user.profile:
            body[key] = user.profile[key]
    body.update(emailVerified=bool(user.profile.get("emailVerified", False)), createdTimestamp=user.created,
                enabled=True, totp=False, disableableCredentialTypes=[], requiredActions=[], notBefore=0)
    if access is not None:
        body["access"] = access
    return body


_FULL_ACCESS = {"view": True, "manage": True, "manageGroupMembership": True, "mapRoles": True,
                "resetPassword": True, "impersonate": True}


@_admin_realm
async def create_user(ctx: Ctx, realm: Realm, request: Request) -> Response:
    rep = await _json_object(request)
    if isinstance(rep, Response):
        return rep
    username = str(rep.get("username") or "").lower()
    with ctx.state.lock:
        if realm.user_by_name(username) is not None:
            return error_message(409, "User exists with same username")
    password = next((c.get("value") for c in rep.get("credentials") or []
                     if isinstance(c, dict) and c.get("type") == "password"), None)
    user = User(id=str(uuid.uuid4()), username=username, password=password, created=ctx.state.now() * 1000,
                profile={k: rep[k] for k in ("firstName", "lastName", "email", "emailVerified") if k in rep})
    with ctx.state.lock:
        realm.users[user.id] = user
    return _created(ctx, request, f"/admin/realms/{realm.name}/users/{user.id}")


def _people(realm: Realm) -> list[User]:
    """Users a search lists: service-account users are left out."""
    return [u for u in realm.users.values() if u.service_account_client is None]


@_admin_realm
async def list_users(ctx: Ctx, realm: Realm, request: Request) -> Response:
    q = request.query_params
    with ctx.state.lock:
        users = _people(realm)
    if "username" in q:
        name = q["username"].lower()
        exact = q.get("exact") == "true"
        users = [u for u in users if (u.username == name if exact else name in u.username)]
    if "search" in q:
        term = q["search"].lower()
        users = [u for u in users if any(term in str(v).lower() for v in
                                         (u.username, *(u.profile.get(k, "") for k in ("email", "firstName", "lastName"))))]
    found = [user_representation(u, {"manage": True}) for u in users]
    if ctx.profile.user_list_profile_metadata:
        for entry in found:
            entry["userProfileMetadata"] = USER_PROFILE_METADATA
    return _read(found)


@_admin_realm
async def count_users(ctx: Ctx, realm: Realm, request: Request) -> Response:
    with ctx.state.lock:
        return _read(len(_people(realm)))


_user_handler = _entity_handler(lambda realm, ident: realm.users.get(ident), "User not found")


@_user_handler
async def get_user(ctx: Ctx, realm: Realm, user: User, request: Request) -> Response:
    return _read(user_representation(user, _FULL_ACCESS))


@_user_handler
async def delete_user(ctx: Ctx, realm: Realm, user: User, request: Request) -> Response:
    with ctx.state.lock:
        realm.users.pop(user.id, None)
    return no_frame_options(empty_response(204, NO_CACHE))


# --- realm roles ---------------------------------------------------------------------------


@_admin_realm
async def create_role(ctx: Ctx, realm: Realm, request: Request) -> Response:
    rep = await _json_object(request)
    if isinstance(rep, Response):
        return rep
    name = str(rep.get("name") or "")
    with ctx.state.lock:
        if name in realm.roles:
            return error_message(409, f"Role with name {name} already exists")
        role: dict[str, object] = {"id": str(uuid.uuid4()), "name": name, "composite": False,
                                   "clientRole": False, "containerId": realm.id}
        if "description" in rep:
            role["description"] = rep["description"]
        realm.roles[name] = role
    return _created(ctx, request, f"/admin/realms/{realm.name}/roles/{name}")


@_admin_realm
async def list_roles(ctx: Ctx, realm: Realm, request: Request) -> Response:
    with ctx.state.lock:
        return _read(list(realm.roles.values()))


@_admin_realm
async def get_role(ctx: Ctx, realm: Realm, request: Request) -> Response:
    with ctx.state.lock:
        role = realm.roles.get(request.path_params["name"])
    if role is None:
        return bare_error(404, "Could not find role")
    return _read({**role, "attributes": {}})


# --- client scopes -------------------------------------------------------------------------

#: The client scopes of a new realm with their protocol (observed 26.7.3).
BUILTIN_SCOPES: tuple[tuple[str, str], ...] = (
    ("AuthnContextClassRef", "saml"), ("acr", "openid-connect"), ("address", "openid-connect"),
    ("basic", "openid-connect"), ("email", "openid-connect"), ("microprofile-jwt", "openid-connect"),
    ("offline_access", "openid-connect"), ("organization", "openid-connect"), ("phone", "openid-connect"),
    ("profile", "openid-connect"), ("role_list", "saml"), ("roles", "openid-connect"),
    ("saml_organization", "saml"), ("service_account", "openid-connect"), ("web-origins", "openid-connect"),
)


#: ``userProfileMetadata`` of the default user profile, as 26.4/26.5 list it on every user
#: of a search (observed 26.4.7, 26.5.6; ``KeycloakProfile.user_list_profile_metadata``).
USER_PROFILE_METADATA: dict[str, Any] = {
    "attributes": [
        {"name": "username", "displayName": "${username}", "required": True, "readOnly": True,
         "validators": {"length": {"min": 3, "max": 255, "ignore.empty.value": True},
                        "username-prohibited-characters": {"ignore.empty.value": True},
                        "up-username-not-idn-homograph": {"ignore.empty.value": True},
                        "multivalued": {"max": "1"}}, "multivalued": False},
        {"name": "email", "displayName": "${email}", "required": False, "readOnly": False,
         "validators": {"email": {"ignore.empty.value": True}, "length": {"max": 255, "ignore.empty.value": True},
                        "multivalued": {"max": "1"}}, "multivalued": False},
        {"name": "firstName", "displayName": "${firstName}", "required": False, "readOnly": False,
         "validators": {"length": {"max": 255, "ignore.empty.value": True},
                        "person-name-prohibited-characters": {"ignore.empty.value": True},
                        "multivalued": {"max": "1"}}, "multivalued": False},
        {"name": "lastName", "displayName": "${lastName}", "required": False, "readOnly": False,
         "validators": {"length": {"max": 255, "ignore.empty.value": True},
                        "person-name-prohibited-characters": {"ignore.empty.value": True},
                        "multivalued": {"max": "1"}}, "multivalued": False},
    ],
    "groups": [{"name": "user-metadata", "displayHeader": "User metadata",
                "displayDescription": "Attributes, which refer to user metadata"}],
}


def _scope_id(realm: Realm, name: str) -> str:
    """A stable id per realm and scope name."""
    return str(uuid.uuid5(uuid.UUID(realm.id), name))


@_admin_realm
async def list_client_scopes(ctx: Ctx, realm: Realm, request: Request) -> Response:
    builtin = [s for s in BUILTIN_SCOPES if ctx.profile.saml_authn_context_scope or s[0] != "AuthnContextClassRef"]
    with ctx.state.lock:
        scopes = [*builtin, *realm.extra_scopes.items()]
    return _read([{"id": _scope_id(realm, n), "name": n, "protocol": p} for n, p in scopes])


@_admin_realm
async def create_client_scope(ctx: Ctx, realm: Realm, request: Request) -> Response:
    rep = await _json_object(request)
    if isinstance(rep, Response):
        return rep
    name = str(rep.get("name") or "")
    with ctx.state.lock:
        if name in realm.extra_scopes or any(name == n for n, _ in BUILTIN_SCOPES):
            return error_message(409, f"Client Scope {name} already exists")
        realm.extra_scopes[name] = str(rep.get("protocol") or "openid-connect")
    return _created(ctx, request, f"/admin/realms/{realm.name}/client-scopes/{_scope_id(realm, name)}", NO_CACHE)


# --- components (client-registration policies) ---------------------------------------------


@_admin_realm
async def list_components(ctx: Ctx, realm: Realm, request: Request) -> Response:
    wanted = request.query_params.get("type")
    with ctx.state.lock:
        found = [dict(c) for c in realm.components if wanted is None or c.get("providerType") == wanted]
    return _read(found)


@_admin_realm
async def create_component(ctx: Ctx, realm: Realm, request: Request) -> Response:
    rep = await _json_object(request)
    if isinstance(rep, Response):
        return rep
    comp = {"id": str(uuid.uuid4()), "name": rep.get("name"), "providerId": rep.get("providerId"),
            "providerType": rep.get("providerType", POLICY_TYPE), "parentId": rep.get("parentId") or realm.id,
            "subType": rep.get("subType"), "config": dict(rep.get("config") or {})}
    new_key = _generated_rsa_key(ctx, realm, comp)
    if isinstance(new_key, Response):
        return new_key
    with ctx.state.lock:
        realm.components.append(comp)
        if new_key is not None:
            realm.keys.add_signing_key(*new_key)
        if ctx.profile.component_create_fills_allowed_client_scopes:
            for other in realm.components:
                if other.get("providerId") == "allowed-client-templates" and other.get("subType") == comp["subType"]:
                    config = other["config"]
                    if isinstance(config, dict):
                        config.setdefault("allowed-client-scopes", [])
    return _created(ctx, request, f"/admin/realms/{realm.name}/components/{comp['id']}")


def _config_value(config: Any, name: str, default: str) -> str:
    """One value of a ComponentRepresentation ``config`` (values are lists of strings)."""
    value = config.get(name) if isinstance(config, dict) else None
    if isinstance(value, list):
        value = value[0] if value else None
    return default if value is None else str(value)


def _generated_rsa_key(ctx: Ctx, realm: Realm, comp: dict[str, Any]) -> tuple[RsaRealmKey, int, str] | Response | None:
    """For an ``rsa-generated`` key provider (Keycloak's GeneratedRsaKeyProviderFactory, the
    admin console's Realm settings → Keys → Add provider): a new RS256 signing key with the
    component's ``priority`` (default 0); None for any other component. Not emulated, 400:
    other key providers and algorithms, and a provider created disabled or passive
    (``enabled``/``active`` false: published or not, but never signing)."""
    if comp.get("providerType") != KEY_PROVIDER_TYPE:
        return None
    config = comp["config"]
    if comp.get("providerId") != "rsa-generated" or _config_value(config, "algorithm", "RS256") != "RS256":
        return error_message(400, "the emulator generates only rsa-generated RS256 key providers")
    try:
        priority = int(_config_value(config, "priority", "0"))
    except ValueError:
        return error_message(400, "priority must be a number")
    if _config_value(config, "enabled", "true") != "true" or _config_value(config, "active", "true") != "true":
        return error_message(400, "the emulator generates only enabled, active key providers")
    return RsaRealmKey.generate(realm.name, "RS256", "sig", ctx.state.clock()), priority, str(comp["id"])


def _component(realm: Realm, comp_id: str) -> dict[str, object] | None:
    return next((c for c in realm.components if c.get("id") == comp_id), None)


@_admin_realm
async def get_component(ctx: Ctx, realm: Realm, request: Request) -> Response:
    with ctx.state.lock:
        comp = _component(realm, request.path_params["id"])
    if comp is None:
        return bare_error(404, "Could not find component")
    return _read(dict(comp))


@_admin_realm
async def update_component(ctx: Ctx, realm: Realm, request: Request) -> Response:
    rep = await _json_object(request)
    if isinstance(rep, Response):
        return rep
    with ctx.state.lock:
        comp = _component(realm, request.path_params["id"])
        if comp is None:
            return bare_error(404, "Could not find component")
        for key in ("name", "subType"):
            if key in rep:
                comp[key] = rep[key]
        if isinstance(rep.get("config"), dict):
            comp["config"] = {str(k): list(v) for k, v in rep["config"].items()}
    return empty_response(204)


def routes() -> list[Route]:
    r = "/admin/realms/{realm}"
    c = r + "/clients/{id}"
    return [
        Route(r + "/keys", keys, methods=["GET"]),
        Route(r + "/clients", create_client, methods=["POST"]),
        Route(r + "/clients", list_clients, methods=["GET"]),
        Route(c, get_client, methods=["GET"]),
        Route(c, update_client, methods=["PUT"]),
        Route(c, delete_client, methods=["DELETE"]),
        Route(c + "/client-secret", get_client_secret, methods=["GET"]),
        Route(c + "/client-secret", regenerate_client_secret, methods=["POST"]),
        Route(c + "/service-account-user", service_account_user, methods=["GET"]),
        Route(c + "/default-client-scopes", default_client_scopes, methods=["GET"]),
        Route(r + "/users", create_user, methods=["POST"]),
        Route(r + "/users", list_users, methods=["GET"]),
        Route(r + "/users/count", count_users, methods=["GET"]),
        Route(r + "/users/{id}", get_user, methods=["GET"]),
        Route(r + "/users/{id}", delete_user, methods=["DELETE"]),
        Route(r + "/roles", create_role, methods=["POST"]),
        Route(r + "/roles", list_roles, methods=["GET"]),
        Route(r + "/roles/{name}", get_role, methods=["GET"]),
        Route(r + "/client-scopes", list_client_scopes, methods=["GET"]),
        Route(r + "/client-scopes", create_client_scope, methods=["POST"]),
        Route(r + "/components", list_components, methods=["GET"]),
        Route(r + "/components", create_component, methods=["POST"]),
        Route(r + "/components/{id}", get_component, methods=["GET"]),
        Route(r + "/components/{id}", update_component, methods=["PUT"]),
    ]
