"""Second half of the differential sequence: what a DCR deployment touches around
registration (issue 17), played after the RFC 7591/7592 half of
:mod:`harness.products.keycloak.differential`.

Families, in order: the client-initial-access endpoint's validation; the realm's keys
(the HMAC key whose ``kid`` signs initial access tokens); clients created through the
admin REST API (service-account clients, their secrets and service-account users,
public clients) and their tokens; grant validation (token exchange, password grant);
users; realm roles; client scopes; the client-registration policies (components of
type ``ClientRegistrationPolicy``: Trusted Hosts, Max Clients Limit, Allowed Client
Scopes, Consent Required, Full Scope Disabled — anonymous and authenticated); HTTP
method semantics and security headers per endpoint. Every answer is what the real
server sends (recorded in fixtures/keycloak/observed-<version>.json).
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Any

from harness.jose import decode_unverified

if TYPE_CHECKING:
    from harness.products.keycloak.differential import DifferentialRun

#: ``ComponentModel.providerType`` of the client-registration policies.
POLICY_TYPE = "org.keycloak.services.clientregistration.policy.ClientRegistrationPolicy"
TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange"
ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token"

REG = "/realms/{realm}/clients-registrations/openid-connect"
TOKEN = "/realms/{realm}/protocol/openid-connect/token"
ADMIN = "/admin/realms/{realm}"


def _summary_of_scopes(raw: Any) -> Any:
    """A client-scope list reduced to sorted ``name/protocol`` (their mappers are not compared)."""
    if not isinstance(raw, list):
        return raw
    return sorted(f"{s.get('name')}/{s.get('protocol')}" for s in raw if isinstance(s, dict))


def _label_location(run: DifferentialRun, resp: Any, name: str) -> str:
    """Label the id a 201's ``Location`` ends with, and re-normalise that observation."""
    new_id = str(resp.headers.get("location", "")).rsplit("/", 1)[-1]
    run.norm.label(new_id, name)
    run.observations[-1].headers = {k: run.norm.text(v) for k, v in run.observations[-1].headers.items()}
    return new_id


def play_admin_section(run: DifferentialRun) -> None:
    """Append the admin, policy and method exchanges to ``run``'s observations."""
    h = run._admin_headers
    sec: dict[str, Any] = {"security_headers": True}

    # a fresh admin token: the master realm's access tokens live 60 s
    _, raw = run.exchange(
        "admin2.token", "POST", "/realms/master/protocol/openid-connect/token",
        data={"grant_type": "password", "client_id": "admin-cli",
              "username": run.admin_user, "password": run.admin_password},
        expect=200,
    )
    run.facts["admin_token"] = raw["access_token"]

    # --- client-initial-access validation ---------------------------------------------
    iat_path = ADMIN + "/clients-initial-access"
    run.exchange("iat.negative_count", "POST", iat_path, headers=h(), json={"expiration": 60, "count": -1}, **sec)
    run.exchange("iat.negative_expiration", "POST", iat_path, headers=h(), json={"expiration": -5, "count": 1}, **sec)
    run.exchange("iat.unknown_field", "POST", iat_path, headers=h(),
                 json={"expiration": 60, "count": 1, "colour": "blue"}, **sec)
    _, empty = run.exchange("iat.empty_object", "POST", iat_path, headers=h(), json={}, **sec)
    run.exchange("iat.empty_body", "POST", iat_path, headers={**h(), "Content-Type": "application/json"}, data="", **sec)
    run.exchange("iat.string_count", "POST", iat_path, headers=h(), json={"expiration": 60, "count": "three"}, **sec)
    run.exchange("iat.text_plain", "POST", iat_path, headers={**h(), "Content-Type": "text/plain"},
                 data='{"expiration": 60, "count": 1}', **sec)
    _, listed = run.exchange("iat.list", "GET", iat_path, headers=h(), expect=200, **sec)
    run.exchange("iat.delete", "DELETE", f"{iat_path}/{(empty or {}).get('id')}", headers=h(), **sec)
    run.exchange("iat.delete_unknown", "DELETE", f"{iat_path}/{'0' * 8}-0000-0000-0000-{'0' * 12}", headers=h(), **sec)

    # --- realm keys: the HMAC key signs initial access tokens -----------------------------
    _, keys = run.exchange("keys.list", "GET", ADMIN + "/keys", headers=h(), expect=200, **sec)
    for key in (keys or {}).get("keys", []):
        if isinstance(key, dict) and key.get("kid"):
            run.norm.label(str(key["kid"]), f"kid_{key.get('algorithm')}")
    run.observations[-1].body = run.norm.value(keys)
    iat_header, _ = decode_unverified(run.facts["iat"])
    run.observe("iat.header", "initial access token JOSE header", iat_header)

    # --- clients through the admin REST API ---------------------------------------------
    clients = ADMIN + "/clients"
    svc = {"clientId": "dcr-svc", "name": "dcr service", "publicClient": False,
           "serviceAccountsEnabled": True, "standardFlowEnabled": False}
    resp, _ = run.exchange("admin.client_create", "POST", clients, headers=h(), json=svc, expect=201, **sec)
    svc_id = resp.headers.get("location", "").rsplit("/", 1)[-1]
    run.norm.label(svc_id, "svc_id")
    run.observations[-1].headers = {k: run.norm.text(v) for k, v in run.observations[-1].headers.items()}
    run.exchange("admin.client_create_duplicate", "POST", clients, headers=h(), json=svc, **sec)
    run.exchange("admin.client_create_no_client_id", "POST", clients, headers=h(), json={"name": "x"}, **sec)
    _, secret = run.exchange("admin.client_secret", "GET", f"{clients}/{svc_id}/client-secret", headers=h(),
                             expect=200, **sec)
    svc_secret = str((secret or {}).get("value"))
    run.norm.label(svc_secret, "svc_secret")
    run.observations[-1].body = run.norm.value(secret)
    run.exchange("admin.client_by_client_id", "GET", clients, headers=h(), params={"clientId": "dcr-svc"},
                 expect=200, **sec)
    run.exchange("admin.client_by_unknown_client_id", "GET", clients, headers=h(),
                 params={"clientId": "no-such-client"}, **sec)
    run.exchange("admin.client_get", "GET", f"{clients}/{svc_id}", headers=h(), expect=200, **sec)
    run.exchange("admin.client_get_unknown", "GET", f"{clients}/{'0' * 8}-0000-0000-0000-{'0' * 12}",
                 headers=h(), **sec)
    _, sa_user = run.exchange("admin.service_account_user", "GET", f"{clients}/{svc_id}/service-account-user",
                              headers=h(), expect=200, **sec)
    sa_user_id = str((sa_user or {}).get("id"))
    run.exchange("token.admin_client_basic", "POST", TOKEN, data={"grant_type": "client_credentials"},
                 auth=("dcr-svc", svc_secret), **sec)
    run.exchange("token.admin_client_post", "POST", TOKEN,
                 data={"grant_type": "client_credentials", "client_id": "dcr-svc", "client_secret": svc_secret})
    run.exchange("token.admin_client_wrong_secret", "POST", TOKEN,
                 data={"grant_type": "client_credentials", "client_id": "dcr-svc", "client_secret": "nope"})
    _, regen = run.exchange("admin.client_secret_regenerate", "POST", f"{clients}/{svc_id}/client-secret",
                            headers=h(), **sec)
    new_secret = str((regen or {}).get("value"))
    run.norm.label(new_secret, "svc_secret2")
    run.observations[-1].body = run.norm.value(regen)
    run.exchange("token.admin_client_old_secret", "POST", TOKEN,
                 data={"grant_type": "client_credentials", "client_id": "dcr-svc", "client_secret": svc_secret})
    run.exchange("token.admin_client_new_secret", "POST", TOKEN,
                 data={"grant_type": "client_credentials", "client_id": "dcr-svc", "client_secret": new_secret})
    run.exchange("admin.client_update", "PUT", f"{clients}/{svc_id}", headers=h(),
                 json={"clientId": "dcr-svc", "name": "dcr service renamed", "serviceAccountsEnabled": False}, **sec)
    run.exchange("admin.client_after_update", "GET", f"{clients}/{svc_id}", headers=h(), **sec)
    run.exchange("admin.service_account_user_disabled", "GET", f"{clients}/{svc_id}/service-account-user",
                 headers=h(), **sec)
    run.exchange("token.admin_client_sa_disabled", "POST", TOKEN,
                 data={"grant_type": "client_credentials", "client_id": "dcr-svc", "client_secret": new_secret})

    pub = {"clientId": "dcr-public", "publicClient": True, "directAccessGrantsEnabled": True,
           "redirectUris": ["http://127.0.0.1:9/cb"]}
    resp, _ = run.exchange("admin.public_client_create", "POST", clients, headers=h(), json=pub, expect=201, **sec)
    pub_id = resp.headers.get("location", "").rsplit("/", 1)[-1]
    run.norm.label(pub_id, "pub_id")
    run.observations[-1].headers = {k: run.norm.text(v) for k, v in run.observations[-1].headers.items()}
    run.exchange("admin.public_client_get", "GET", f"{clients}/{pub_id}", headers=h(), **sec)
    run.exchange("admin.public_client_secret", "GET", f"{clients}/{pub_id}/client-secret", headers=h(), **sec)
    run.exchange("token.public_client_credentials", "POST", TOKEN,
                 data={"grant_type": "client_credentials", "client_id": "dcr-public"})

    # --- users ------------------------------------------------------------------------------
    users = ADMIN + "/users"
    password = "pw-" + secrets.token_hex(6)
    alice = {"username": "alice", "enabled": True, "email": "alice@example.org", "firstName": "Alice",
             "lastName": "Liddell", "emailVerified": True,
             "credentials": [{"type": "password", "value": password, "temporary": False}]}
    resp, _ = run.exchange("admin.user_create", "POST", users, headers=h(), json=alice, expect=201, **sec)
    alice_id = resp.headers.get("location", "").rsplit("/", 1)[-1]
    run.norm.label(alice_id, "alice_id")
    run.observations[-1].headers = {k: run.norm.text(v) for k, v in run.observations[-1].headers.items()}
    run.exchange("admin.user_create_duplicate", "POST", users, headers=h(), json={"username": "alice"}, **sec)
    run.exchange("admin.user_by_username", "GET", users, headers=h(), params={"username": "alice", "exact": "true"},
                 **sec)
    run.exchange("admin.user_search", "GET", users, headers=h(), params={"search": "lidd"}, **sec)
    run.exchange("admin.user_search_none", "GET", users, headers=h(), params={"search": "nobody-here"}, **sec)
    run.exchange("admin.user_get", "GET", f"{users}/{alice_id}", headers=h(), **sec)
    run.exchange("admin.user_get_unknown", "GET", f"{users}/{'0' * 8}-0000-0000-0000-{'0' * 12}", headers=h(), **sec)
    run.exchange("admin.user_count", "GET", f"{users}/count", headers=h(), **sec)
    run.exchange("admin.service_account_user_get", "GET", f"{users}/{sa_user_id}", headers=h(), **sec)

    # --- grants of the public client ------------------------------------------------------------
    _, ptok = run.exchange("token.public_password", "POST", TOKEN,
                           data={"grant_type": "password", "client_id": "dcr-public",
                                 "username": "alice", "password": password})
    run.exchange("token.public_password_wrong", "POST", TOKEN,
                 data={"grant_type": "password", "client_id": "dcr-public", "username": "alice", "password": "x"})
    run.exchange("token.confidential_password_not_allowed", "POST", TOKEN,
                 data={"grant_type": "password", "client_id": "dcr-svc", "client_secret": new_secret,
                       "username": "alice", "password": password})
    subject = str((ptok or {}).get("access_token", "none"))
    run.exchange("token.public_token_exchange", "POST", TOKEN,
                 data={"grant_type": TOKEN_EXCHANGE, "client_id": "dcr-public", "subject_token": subject,
                       "subject_token_type": ACCESS_TOKEN_TYPE})
    run.exchange("token.confidential_token_exchange_not_enabled", "POST", TOKEN,
                 data={"grant_type": TOKEN_EXCHANGE, "client_id": "dcr-svc", "client_secret": new_secret,
                       "subject_token": subject, "subject_token_type": ACCESS_TOKEN_TYPE})
    run.exchange("token.public_refresh_missing", "POST", TOKEN,
                 data={"grant_type": "refresh_token", "client_id": "dcr-public"})

    # standard token exchange (RFC 8693) for clients that opted in: public refused,
    # parameters checked, the subject token validated, the audience enforced
    te_attr = {"standard.token.exchange.enabled": "true"}
    resp, _ = run.exchange("admin.te_public_create", "POST", clients, headers=h(), expect=201, json={
        "clientId": "dcr-te-public", "publicClient": True, "directAccessGrantsEnabled": True, "attributes": te_attr})
    _label_location(run, resp, "te_public_id")
    resp, _ = run.exchange("admin.te_confidential_create", "POST", clients, headers=h(), expect=201, json={
        "clientId": "dcr-te-conf", "secret": "te-secret-0123456789", "publicClient": False,
        "directAccessGrantsEnabled": True, "attributes": te_attr})
    te_conf_id = _label_location(run, resp, "te_conf_id")
    run.exchange("admin.te_confidential_get", "GET", f"{clients}/{te_conf_id}", headers=h(), **sec)
    conf = {"client_id": "dcr-te-conf", "client_secret": "te-secret-0123456789"}
    _, te_tok = run.exchange("token.te_public_password", "POST", TOKEN, data={
        "grant_type": "password", "client_id": "dcr-te-public", "username": "alice", "password": password})
    te_subject = str((te_tok or {}).get("access_token", "none"))
    te_refresh = str((te_tok or {}).get("refresh_token", "none"))
    run.exchange("token.te_public_refused", "POST", TOKEN, data={
        "grant_type": TOKEN_EXCHANGE, "client_id": "dcr-te-public", "subject_token": te_subject,
        "subject_token_type": ACCESS_TOKEN_TYPE})
    run.exchange("token.te_no_subject_token", "POST", TOKEN, data={"grant_type": TOKEN_EXCHANGE, **conf})
    run.exchange("token.te_no_subject_token_type", "POST", TOKEN, data={
        "grant_type": TOKEN_EXCHANGE, **conf, "subject_token": te_subject})
    run.exchange("token.te_garbage_subject", "POST", TOKEN, data={
        "grant_type": TOKEN_EXCHANGE, **conf, "subject_token": "garbage", "subject_token_type": ACCESS_TOKEN_TYPE})
    run.exchange("token.te_not_in_audience", "POST", TOKEN, data={
        "grant_type": TOKEN_EXCHANGE, **conf, "subject_token": te_subject, "subject_token_type": ACCESS_TOKEN_TYPE})
    run.exchange("token.confidential_password", "POST", TOKEN, data={
        "grant_type": "password", **conf, "username": "alice", "password": password})
    run.exchange("token.confidential_no_service_account", "POST", TOKEN, data={"grant_type": "client_credentials", **conf})
    run.exchange("token.public_refresh", "POST", TOKEN, data={
        "grant_type": "refresh_token", "client_id": "dcr-te-public", "refresh_token": te_refresh})
    run.exchange("token.refresh_of_another_client", "POST", TOKEN, data={
        "grant_type": "refresh_token", **conf, "refresh_token": te_refresh})
    run.exchange("token.public_invalid_code", "POST", TOKEN, data={
        "grant_type": "authorization_code", "client_id": "dcr-te-public", "code": "x", "redirect_uri": "http://x"})

    # --- realm roles --------------------------------------------------------------------------
    roles = ADMIN + "/roles"
    run.exchange("admin.role_create", "POST", roles, headers=h(), json={"name": "dcr-reader", "description": "reads"},
                 expect=201, **sec)
    run.exchange("admin.role_create_duplicate", "POST", roles, headers=h(), json={"name": "dcr-reader"}, **sec)
    run.exchange("admin.role_get", "GET", f"{roles}/dcr-reader", headers=h(), **sec)
    run.exchange("admin.role_get_unknown", "GET", f"{roles}/no-such-role", headers=h(), **sec)
    run.exchange("admin.roles_list", "GET", roles, headers=h(), **sec)

    # --- client scopes ------------------------------------------------------------------------
    scopes = ADMIN + "/client-scopes"
    run.exchange("admin.client_scopes_list", "GET", scopes, headers=h(), expect=200, **sec)
    run.observations[-1].body = _summary_of_scopes(run.observations[-1].body)
    run.exchange("admin.client_scope_create", "POST", scopes, headers=h(),
                 json={"name": "dcr-scope", "protocol": "openid-connect"}, expect=201, **sec)
    run.exchange("admin.client_scope_create_duplicate", "POST", scopes, headers=h(),
                 json={"name": "dcr-scope", "protocol": "openid-connect"}, **sec)
    run.exchange("admin.client_default_scopes", "GET", f"{clients}/{pub_id}/default-client-scopes", headers=h(), **sec)

    # --- client-registration policies ------------------------------------------------------------
    comps = ADMIN + "/components"
    _, policies = run.exchange("policies.list", "GET", comps, headers=h(), params={"type": POLICY_TYPE},
                               expect=200, **sec)
    by_name = {(p.get("name"), p.get("subType")): p for p in policies or [] if isinstance(p, dict)}
    trusted = by_name.get(("Trusted Hosts", "anonymous"))
    max_clients = by_name.get(("Max Clients Limit", "anonymous"))
    meta = {"client_name": "dcr anonymous", "redirect_uris": ["http://127.0.0.1:9/cb"]}
    run._register("register.anonymous_untrusted", meta, None)
    if trusted:
        run.exchange("policies.trusted_hosts_get", "GET", f"{comps}/{trusted['id']}", headers=h(), **sec)
        updated = {**trusted, "config": {**trusted.get("config", {}), "trusted-hosts": ["127.0.0.1", "localhost"],
                                         "host-sending-registration-request-must-match": ["true"],
                                         "client-uris-must-match": ["true"]}}
        run.exchange("policies.trusted_hosts_update", "PUT", f"{comps}/{trusted['id']}", headers=h(), json=updated,
                     **sec)
        run._register("register.anonymous_trusted_bad_uri",
                      {**meta, "redirect_uris": ["https://elsewhere.example/cb"]}, None)
        _, anon = run._register("register.anonymous_trusted", meta, None)
        anon_id = str((anon or {}).get("client_id"))
        run.norm.label(anon_id, "client_anon")
        run.observations[-1].body = run.norm.value(anon)
        run._register("register.anonymous_disallowed_scope", {**meta, "scope": "dcr-scope"}, None)
        run._register("register.anonymous_allowed_scope", {**meta, "scope": "address phone"}, None)
        _, found = run.exchange("admin.anonymous_client_by_client_id", "GET", clients, headers=h(),
                                params={"clientId": anon_id}, **sec)
        # what the Consent Required and Full Scope Disabled policies set (the rest is not compared)
        run.observations[-1].body = [{k: c.get(k) for k in ("consentRequired", "fullScopeAllowed")}
                                     for c in found or [] if isinstance(c, dict)]
        if max_clients:
            updated = {**max_clients, "config": {**max_clients.get("config", {}), "max-clients": ["3"]}}
            run.exchange("policies.max_clients_update", "PUT", f"{comps}/{max_clients['id']}", headers=h(),
                         json=updated, **sec)
            run._register("register.anonymous_max_clients", meta, None)
            run._register("register.authenticated_ignores_max_clients", meta, run.facts["iat"])
    run.exchange("policies.create_authenticated_max_clients", "POST", comps, headers=h(), json={
        "name": "dcr max", "providerId": "max-clients", "providerType": POLICY_TYPE, "subType": "authenticated",
        "config": {"max-clients": ["1"]}}, **sec)
    run._register("register.authenticated_max_clients", meta, run.facts["iat"])
    run.exchange("policies.list_after", "GET", comps, headers=h(), params={"type": POLICY_TYPE}, **sec)

    # --- methods and headers per endpoint -------------------------------------------------------
    for method in ("GET", "HEAD", "PUT", "DELETE", "OPTIONS"):
        run.exchange(f"method.token_{method.lower()}", method, TOKEN, **sec)
    for method in ("GET", "HEAD", "PUT", "DELETE", "OPTIONS", "PATCH"):
        run.exchange(f"method.registration_collection_{method.lower()}", method, REG, **sec)
    run.exchange("method.registration_client_post", "POST", REG + "/some-client", json={}, **sec)
    run.exchange("method.registration_client_patch", "PATCH", REG + "/some-client", json={}, **sec)
    run.exchange("method.discovery_post", "POST", "/realms/{realm}/.well-known/openid-configuration", **sec)
    run.exchange("method.discovery_head", "HEAD", "/realms/{realm}/.well-known/openid-configuration", **sec)
    run.exchange("method.certs_post", "POST", "/realms/{realm}/protocol/openid-connect/certs", **sec)
    run.exchange("method.admin_clients_patch", "PATCH", clients, headers=h(), **sec)
    run.exchange("method.admin_client_post", "POST", f"{clients}/{pub_id}", headers=h(), json={}, **sec)
    run.exchange("method.iat_put", "PUT", iat_path, headers=h(), json={}, **sec)
    run.exchange("method.unknown_path", "GET", "/realms/{realm}/no-such-endpoint", **sec)

    # --- deletions ------------------------------------------------------------------------------
    run.exchange("admin.client_delete", "DELETE", f"{clients}/{pub_id}", headers=h(), **sec)
    run.exchange("admin.client_get_deleted", "GET", f"{clients}/{pub_id}", headers=h(), **sec)
    run.exchange("admin.client_delete_again", "DELETE", f"{clients}/{pub_id}", headers=h(), **sec)
    run.exchange("admin.user_delete", "DELETE", f"{users}/{alice_id}", headers=h(), **sec)
    run.exchange("admin.user_get_deleted", "GET", f"{users}/{alice_id}", headers=h(), **sec)
    run.exchange("admin.no_token_clients", "GET", clients, **sec)
