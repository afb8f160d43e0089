"""RFC 7591 registration and RFC 7592 management on the Keycloak emulator, with the
exact statuses and bodies of Keycloak 26.7.x (shared/reference/keycloak.md,
fixtures/keycloak/observed-26.7.3.json)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from harness.jose import decode_unverified

TRUSTED_HOSTS = {
    "error": "insufficient_scope",
    "error_description": "Policy 'Trusted Hosts' rejected request to client-registration service. Details: Host not trusted.",
}
FAILED_DECODE = {"error": "invalid_token", "error_description": "Failed decode token"}
NOT_AUTHORIZED_VIEW = {
    "error": "invalid_token",
    "error_description": "Not authorized to view client. Not valid token or client credentials provided.",
}
NOT_AUTHORIZED_UPDATE = {
    "error": "invalid_token",
    "error_description": "Not authorized to update client. Maybe missing token or bad token type.",
}
GUIDE = {
    "client_name": "guide",
    "grant_types": ["client_credentials"],
    "response_types": ["token"],
    "token_endpoint_auth_method": "client_secret_post",
}


def _no_cache_headers(resp: Any) -> None:
    assert "cache-control" not in resp.headers
    assert "www-authenticate" not in resp.headers
    assert "pragma" not in resp.headers


# --- success -----------------------------------------------------------------------------


def test_register_client_credentials_client(dcr: Any, clock: Any) -> None:
    r = dcr.register({"client_name": "cc", "grant_types": ["client_credentials"],
                      "token_endpoint_auth_method": "client_secret_post"}, dcr.iat())
    assert r.status_code == 201
    assert r.headers["content-type"] == "application/json;charset=UTF-8"
    _no_cache_headers(r)
    body = r.json()
    cid = body["client_id"]
    assert uuid.UUID(cid)
    assert r.headers["location"] == f"{dcr.endpoint}/{cid}"
    assert body["registration_client_uri"] == f"{dcr.endpoint}/{cid}"
    assert body["client_name"] == "cc"
    assert body["grant_types"] == ["client_credentials"]
    assert body["response_types"] == []
    assert body["token_endpoint_auth_method"] == "client_secret_post"
    assert isinstance(body["client_secret"], str) and len(body["client_secret"]) == 32
    assert body["client_secret_expires_at"] == 0
    assert body["client_id_issued_at"] == int(clock())
    assert body["redirect_uris"] == [] and body["post_logout_redirect_uris"] == [] and body["request_uris"] == []
    assert body["scope"] == "address microprofile-jwt offline_access organization phone"
    assert body["subject_type"] == "public"
    assert body["backchannel_logout_session_required"] is False
    assert body["frontchannel_logout_session_required"] is False
    assert body["tls_client_certificate_bound_access_tokens"] is False
    assert body["dpop_bound_access_tokens"] is False
    assert body["require_pushed_authorization_requests"] is False
    assert list(body) == [
        "redirect_uris", "token_endpoint_auth_method", "grant_types", "response_types", "client_id", "client_secret",
        "client_name", "scope", "subject_type", "request_uris", "tls_client_certificate_bound_access_tokens",
        "dpop_bound_access_tokens", "post_logout_redirect_uris", "client_id_issued_at", "client_secret_expires_at",
        "registration_client_uri", "registration_access_token", "backchannel_logout_session_required",
        "require_pushed_authorization_requests", "frontchannel_logout_session_required",
    ]
    header, claims = decode_unverified(body["registration_access_token"])
    assert header["alg"] == "HS512"
    issuer = f"{dcr.base}/realms/{dcr.realm}"
    assert claims["typ"] == "RegistrationAccessToken" and claims["exp"] == 0
    assert (claims["iss"], claims["aud"], claims["registration_auth"]) == (issuer, issuer, "authenticated")


def test_guide_metadata_keeps_implicit_from_response_types(dcr: Any) -> None:
    body = dcr.register(GUIDE, dcr.iat()).json()
    assert body["grant_types"] == ["implicit", "client_credentials"]  # getOIDCGrantTypes order
    assert body["response_types"] == ["id_token", "id_token token"]
    assert body["token_endpoint_auth_method"] == "client_secret_post"


def test_defaults_without_grant_types(dcr: Any) -> None:
    body = dcr.register({"client_name": "d", "redirect_uris": ["http://127.0.0.1:9/cb"]}, dcr.iat()).json()
    assert body["grant_types"] == ["authorization_code", "refresh_token"]
    assert body["response_types"] == ["code", "none"]
    assert body["token_endpoint_auth_method"] == "client_secret_basic"
    assert body["redirect_uris"] == ["http://127.0.0.1:9/cb"]
    assert body["post_logout_redirect_uris"] == ["http://127.0.0.1:9/cb"]


@pytest.mark.parametrize(
    ("grants", "expected"),
    [
        (["client_credentials", "refresh_token"], ["client_credentials", "refresh_token"]),
        (["password"], ["password"]),
        (["authorization_code"], ["authorization_code"]),
        ([], ["authorization_code"]),
    ],
)
def test_grant_types_are_echoed(dcr: Any, grants: list[str], expected: list[str]) -> None:
    assert dcr.register({"grant_types": grants}, dcr.iat()).json()["grant_types"] == expected


def test_client_name_is_omitted_when_absent(dcr: Any) -> None:
    assert "client_name" not in dcr.register({"grant_types": ["client_credentials"]}, dcr.iat()).json()


def test_public_client_has_no_secret(dcr: Any) -> None:
    body = dcr.register({"token_endpoint_auth_method": "none"}, dcr.iat()).json()
    assert body["token_endpoint_auth_method"] == "none"
    assert "client_secret" not in body and "client_secret_expires_at" not in body


def test_requested_scope_becomes_the_optional_scopes(dcr: Any) -> None:
    assert dcr.register({"scope": "phone address"}, dcr.iat()).json()["scope"] == "phone address"


def test_registration_uses_up_the_initial_access_token(dcr: Any, kc: Any, http: Any) -> None:
    token = dcr.iat(count=2)
    assert dcr.register({}, token).status_code == 201
    assert dcr.register({}, token).status_code == 201
    r = dcr.register({}, token)
    assert (r.status_code, r.json()) == (
        401, {"error": "invalid_token", "error_description": "No remaining count on initial access token"})
    _no_cache_headers(r)
    listed = http.get(f"{kc.base_url}/admin/realms/{dcr.realm}/clients-initial-access",
                      headers={"Authorization": f"Bearer {dcr.admin.token()}"}).json()
    assert [i["remainingCount"] for i in listed if i["count"] == 2] == [0]


def test_expired_initial_access_token(dcr: Any, clock: Any) -> None:
    token = dcr.iat(expiration=60, count=5)
    assert dcr.register({}, token).status_code == 201
    clock.advance(60)  # the very second of expiry: the token is still valid, the model is not
    r = dcr.register({}, token)
    assert (r.status_code, r.json()) == (
        401, {"error": "invalid_token", "error_description": "Expired initial access token"})
    clock.advance(1)  # past exp: the token itself fails verification first
    r = dcr.register({}, token)
    assert (r.status_code, r.json()) == (401, FAILED_DECODE)


def test_count_is_checked_before_expiry(dcr: Any, clock: Any) -> None:
    token = dcr.iat(expiration=30, count=1)
    assert dcr.register({}, token).status_code == 201
    clock.advance(30)
    r = dcr.register({}, token)
    assert r.json()["error_description"] == "No remaining count on initial access token"


def test_deleted_initial_access_token(dcr: Any, kc: Any, http: Any) -> None:
    created = dcr.admin.create_initial_access_token(dcr.realm, 0, 1)
    http.delete(f"{kc.base_url}/admin/realms/{dcr.realm}/clients-initial-access/{created['id']}",
                headers={"Authorization": f"Bearer {dcr.admin.token()}"})
    r = dcr.register({}, created["token"])
    assert (r.status_code, r.json()) == (401, {"error": "invalid_token", "error_description": "Initial Access Token not found"})


def test_admin_bearer_token_may_register_in_master(kc: Any, http: Any, admin: Any) -> None:
    r = http.post(f"{kc.base_url}/realms/master/clients-registrations/openid-connect", json={"client_name": "by-admin"},
                  headers={"Authorization": f"Bearer {admin.token()}"})
    assert r.status_code == 201
    assert decode_unverified(r.json()["registration_access_token"])[1]["registration_auth"] == "authenticated"


# --- refusals, in Keycloak's order ------------------------------------------------------------


def test_anonymous_registration_is_refused_by_trusted_hosts(dcr: Any) -> None:
    for headers_token in (None, ""):
        r = dcr.register(GUIDE, headers_token)
        assert (r.status_code, r.json()) == (403, TRUSTED_HOSTS)
        _no_cache_headers(r)
    r = dcr.http.post(dcr.endpoint, json=GUIDE, headers={"Authorization": "Basic dXNlcjpwdw=="})
    assert (r.status_code, r.json()) == (403, TRUSTED_HOSTS)


@pytest.mark.parametrize("token", ["not-a-jwt.garbage.token", "garbage", "eyJhbGciOiJIUzUxMiJ9.e30.c2ln"])
def test_garbage_token(dcr: Any, token: str) -> None:
    r = dcr.register(GUIDE, token)
    assert (r.status_code, r.json()) == (401, FAILED_DECODE)
    _no_cache_headers(r)


def test_token_of_another_realm_fails_to_decode(dcr: Any, kc: Any, admin: Any) -> None:
    other = f"o{uuid.uuid4().hex[:8]}"
    admin.create_realm(other)
    foreign = admin.create_initial_access_token(other, 0, 1)["token"]
    assert dcr.register(GUIDE, foreign).json() == FAILED_DECODE


def test_registration_access_token_cannot_register(dcr: Any) -> None:
    rat = dcr.client()["registration_access_token"]
    r = dcr.register(GUIDE, rat)
    assert (r.status_code, r.json()) == (403, TRUSTED_HOSTS)


def test_service_account_access_token_is_forbidden(dcr: Any) -> None:
    client = dcr.client()
    tok = dcr.token({"grant_type": "client_credentials", "client_id": client["client_id"],
                     "client_secret": client["client_secret"]}).json()["access_token"]
    r = dcr.register(GUIDE, tok)
    assert (r.status_code, r.json()) == (403, {"error": "insufficient_scope", "error_description": "Forbidden"})


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "application/jsonx"])
def test_non_json_content_type_is_415_before_auth(dcr: Any, content_type: str) -> None:
    r = dcr.register(GUIDE, None, content_type=content_type)
    assert (r.status_code, r.json()) == (
        415, {"error": "The content-type header value did not match the value in @Consumes"})
    assert r.headers["content-type"] == "application/json"


@pytest.mark.parametrize("content_type", ["application/json; charset=UTF-8", "application/JSON", "*/*"])
def test_json_compatible_content_types_pass(dcr: Any, content_type: str) -> None:
    assert dcr.register(GUIDE, None, content_type=content_type).status_code == 403  # reaches the policy


def test_malformed_json_is_400_before_auth(dcr: Any) -> None:
    r = dcr.register(None, None, raw='{"client_name": ')
    assert (r.status_code, r.json()) == (400, {"error": "invalid_request", "error_description": "Cannot parse the JSON"})
    r = dcr.register(None, "garbage", raw="[]")
    assert (r.status_code, r.json()) == (400, {"error": "unknown_error", "error_description": "Cannot parse the JSON"})
    r = dcr.register(None, None, raw='{"redirect_uris": "http://x"}')
    assert (r.status_code, r.json()) == (400, {"error": "unknown_error", "error_description": "Cannot parse the JSON"})


def test_unknown_metadata_is_400_before_auth(dcr: Any) -> None:
    raw = '{"client_name":"x","tyk_policy_id":"abc"}'
    r = dcr.register(None, None, raw=raw)
    assert (r.status_code, r.json()) == (400, {
        "error": 'Invalid json representation for OIDCClientRepresentation. Unrecognized field "tyk_policy_id" at line 1 column 37.'})


def test_unknown_metadata_position_as_observed_on_26_7_3(dcr: Any) -> None:
    # the differential sequence's body (json.dumps defaults) answered "column 183" on 26.7.3
    import json

    body = json.dumps({"client_name": "dcr-harness differential", "grant_types": ["client_credentials"],
                       "response_types": ["token"], "token_endpoint_auth_method": "client_secret_post",
                       "tyk_policy_id": "abc"})
    r = dcr.register(None, dcr.iat(), raw=body)
    assert r.json()["error"].endswith('Unrecognized field "tyk_policy_id" at line 1 column 183.')


def test_empty_body_is_a_server_error(dcr: Any) -> None:
    r = dcr.register(None, dcr.iat(), raw="")
    assert (r.status_code, r.json()) == (
        500, {"error": "unknown_error", "error_description": "For more on this error consult the server log."})


def test_client_id_in_body(dcr: Any) -> None:
    r = dcr.register({**GUIDE, "client_id": "mine"}, dcr.iat())
    assert (r.status_code, r.json()) == (400, {"error": "invalid_client_metadata", "error_description": "Client Identifier included"})
    # judged before the caller too
    assert dcr.register({**GUIDE, "client_id": "mine"}, None).status_code == 400


@pytest.mark.parametrize("method", ["private_key_jwt", "self_signed_tls_client_auth", "bogus", ""])
def test_unsupported_auth_method(dcr: Any, method: str) -> None:
    r = dcr.register({"token_endpoint_auth_method": method}, dcr.iat())
    assert (r.status_code, r.json()) == (400, {"error": "invalid_client_metadata", "error_description": "Client metadata invalid"})


def test_disallowed_scope(dcr: Any) -> None:
    r = dcr.register({**GUIDE, "scope": "openid"}, dcr.iat())
    assert (r.status_code, r.json()) == (403, {
        "error": "insufficient_scope",
        "error_description": "Policy 'Allowed Client Scopes' rejected request to client-registration service. "
                             "Details: Not permitted to use specified clientScope"})


def test_redirect_uri_with_fragment(dcr: Any) -> None:
    token = dcr.iat(count=1)
    r = dcr.register({"redirect_uris": ["http://127.0.0.1/cb#frag"]}, token)
    assert (r.status_code, r.json()) == (
        400, {"error": "invalid_redirect_uri", "error_description": "Redirect URIs must not contain an URI fragment"})
    assert dcr.register({}, token).status_code == 201, "a refused registration does not use up the token"


def test_max_clients_policy_answers_before_trusted_hosts(kc: Any, dcr: Any) -> None:
    realm = kc.state.realm(dcr.realm)
    from harness.products.keycloak.emulator.state import Client

    for i in range(200 - len(realm.clients)):
        kc.state.add_client(realm, Client(id=str(i), client_id=f"filler-{i}"))
    r = dcr.register(GUIDE, None)
    assert (r.status_code, r.json()) == (403, {
        "error": "insufficient_scope",
        "error_description": "Policy 'Max Clients Limit' rejected request to client-registration service. "
                             "Details: It's allowed to have max 200 clients per realm"})
    assert dcr.register(GUIDE, dcr.iat()).status_code == 201, "the limit is an anonymous policy"


def test_unknown_provider(dcr: Any) -> None:
    r = dcr.http.post(f"{dcr.base}/realms/{dcr.realm}/clients-registrations/nope", json={})
    assert (r.status_code, r.json()) == (404, {"error": "Client registration provider not found"})


# --- RFC 7592 ---------------------------------------------------------------------------------


def test_read_echoes_the_token_and_omits_issued_at(dcr: Any) -> None:
    client = dcr.client(GUIDE)
    rat = client["registration_access_token"]
    r = dcr.manage("GET", client, rat)
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/json;charset=UTF-8"
    _no_cache_headers(r)
    body = r.json()
    assert body["registration_access_token"] == rat
    assert "client_id_issued_at" not in body
    expected = {k: v for k, v in client.items() if k != "client_id_issued_at"}
    assert body == expected
    assert dcr.manage("GET", client, rat).status_code == 200, "a read does not rotate"


def test_read_refusals(dcr: Any) -> None:
    client = dcr.client(GUIDE)
    assert (dcr.manage("GET", client, None).status_code, dcr.manage("GET", client, None).json()) == (401, NOT_AUTHORIZED_VIEW)
    assert dcr.manage("GET", client, "not-a-jwt.garbage.token").json() == FAILED_DECODE
    iat = dcr.iat()
    r = dcr.manage("GET", client, iat)
    assert (r.status_code, r.json()) == (401, {"error": "invalid_token", "error_description": "Not initial access token allowed"})
    other = dcr.client()
    r = dcr.manage("GET", client, other["registration_access_token"])
    assert (r.status_code, r.json()) == (401, NOT_AUTHORIZED_VIEW)
    _no_cache_headers(r)


def test_update_rotates_the_token_and_keeps_the_secret(dcr: Any) -> None:
    client = dcr.client(GUIDE)
    rat = client["registration_access_token"]
    r = dcr.manage("PUT", client, rat, {"client_id": client["client_id"], "client_name": "renamed"})
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/json;charset=UTF-8"
    _no_cache_headers(r)
    body = r.json()
    assert body["client_name"] == "renamed"
    assert body["client_secret"] == client["client_secret"]
    assert body["registration_access_token"] != rat
    assert "client_id_issued_at" not in body
    # browser flows are recomputed (default "code"), the grant flags and auth method kept
    assert body["grant_types"] == ["authorization_code", "client_credentials"]
    assert body["response_types"] == ["code", "none"]
    assert body["token_endpoint_auth_method"] == "client_secret_post"
    assert (dcr.manage("GET", client, rat).status_code, dcr.manage("GET", client, rat).json()) == (401, NOT_AUTHORIZED_VIEW)
    assert dcr.manage("GET", client, body["registration_access_token"]).json()["client_name"] == "renamed"


def test_update_is_partial(dcr: Any) -> None:
    client = dcr.client({"client_name": "p", "redirect_uris": ["http://127.0.0.1:9/cb"]})
    r = dcr.manage("PUT", client, client["registration_access_token"],
                   {"client_id": client["client_id"], "client_name": "p2", "redirect_uris": None})
    assert r.status_code == 200
    assert r.json()["redirect_uris"] == ["http://127.0.0.1:9/cb"], "omitted or null keeps the value"
    r = dcr.manage("PUT", client, r.json()["registration_access_token"],
                   {"client_id": client["client_id"], "redirect_uris": []})
    assert r.json()["redirect_uris"] == [], "[] clears the list"
    assert r.json()["client_name"] == "p2"


def test_update_grant_types(dcr: Any) -> None:
    client = dcr.client(GUIDE)
    r = dcr.manage("PUT", client, client["registration_access_token"],
                   {"client_id": client["client_id"], "grant_types": ["client_credentials"],
                    "token_endpoint_auth_method": "client_secret_post"})
    assert (r.json()["grant_types"], r.json()["response_types"]) == (["client_credentials"], [])


def test_update_refusals(dcr: Any) -> None:
    client = dcr.client(GUIDE)
    rat = client["registration_access_token"]
    r = dcr.manage("PUT", client, rat, {"client_name": "no id"})
    assert (r.status_code, r.json()) == (400, {"error": "invalid_client_metadata", "error_description": "Client Identifier modified"})
    r = dcr.manage("PUT", client, rat, {"client_id": "other", "client_name": "x"})
    assert r.json()["error_description"] == "Client Identifier modified"
    r = dcr.manage("PUT", client, None, {"client_id": client["client_id"]})
    assert (r.status_code, r.json()) == (401, NOT_AUTHORIZED_UPDATE)
    r = dcr.manage("PUT", client, dcr.iat(), {"client_id": client["client_id"]})
    assert (r.status_code, r.json()) == (401, NOT_AUTHORIZED_UPDATE)
    r = dcr.http.put(client["registration_client_uri"], data="{", headers={"Content-Type": "application/json"})
    assert (r.status_code, r.json()) == (400, {"error": "invalid_request", "error_description": "Cannot parse the JSON"})
    r = dcr.manage("PUT", client, rat, {"client_id": client["client_id"], "zz": 1})
    assert r.status_code == 400 and "Unrecognized field \"zz\"" in r.json()["error"]
    r = dcr.manage("PUT", client, rat, {"client_id": client["client_id"], "scope": "openid"})
    assert r.status_code == 403
    # none of the refusals rotated the token
    assert dcr.manage("GET", client, rat).status_code == 200


def test_delete(dcr: Any) -> None:
    client = dcr.client(GUIDE)
    rat = client["registration_access_token"]
    r = dcr.manage("DELETE", client, None)
    assert (r.status_code, r.json()) == (401, NOT_AUTHORIZED_UPDATE)
    r = dcr.manage("DELETE", client, rat)
    assert r.status_code == 204 and r.content == b""
    _no_cache_headers(r)
    r = dcr.manage("GET", client, rat)
    assert (r.status_code, r.json()) == (401, NOT_AUTHORIZED_VIEW)
    r = dcr.manage("DELETE", client, rat)
    assert (r.status_code, r.json()) == (401, NOT_AUTHORIZED_UPDATE)
    tok = dcr.token({"grant_type": "client_credentials", "client_id": client["client_id"], "client_secret": client["client_secret"]})
    assert (tok.status_code, tok.json()) == (
        401, {"error": "invalid_client", "error_description": "Invalid client or Invalid client credentials"})


def test_admin_can_read_any_client_without_a_token_in_the_answer(kc: Any, http: Any, admin: Any) -> None:
    url = f"{kc.base_url}/realms/master/clients-registrations/openid-connect"
    headers = {"Authorization": f"Bearer {admin.token()}"}
    created = http.post(url, json={"client_name": "x"}, headers=headers).json()
    r = http.get(f"{url}/{created['client_id']}", headers=headers)
    assert r.status_code == 200 and "registration_access_token" not in r.json()
    r = http.get(f"{url}/no-such-client", headers=headers)
    assert (r.status_code, r.json()) == (404, {"error": "invalid_request", "error_description": "Client not found"})


def test_implicit_redirect_https_rule_follows_the_profile_field() -> None:
    """OIDC Registration §2: Keycloak does not enforce https for implicit web clients
    (KeycloakProfile.implicit_redirect_https_enforced = False, observed 26.4.7-26.7.3);
    with the field on, the emulator refuses as the spec asks."""
    import pytest

    from harness.products.keycloak.emulator.converter import RedirectUriInvalid, validate_redirect_uris
    from harness.products.keycloak.emulator.state import Client
    from harness.products.keycloak.profile import KeycloakProfile

    client = Client(id="c", client_id="c", redirect_uris=["http://app.example/cb"], implicit_flow=True)
    strict = KeycloakProfile(implicit_redirect_https_enforced=True)
    validate_redirect_uris(client, KeycloakProfile())  # 26.x: accepted
    with pytest.raises(RedirectUriInvalid, match="https"):
        validate_redirect_uris(client, strict)
    client.redirect_uris = ["http://localhost/cb"]
    validate_redirect_uris(client, strict)  # localhost stays allowed
    client.redirect_uris, client.implicit_flow = ["http://app.example/cb"], False
    validate_redirect_uris(client, strict)  # the rule is for implicit clients only
