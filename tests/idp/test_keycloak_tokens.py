"""Token endpoint of the Keycloak emulator (RFC 6749 §4.4 client_credentials, §4.3
password, §5.2 errors) and the access token's claims."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
import requests
from jwcrypto import jwk

from harness.jose import decode_unverified, verify

INVALID_CLIENT_DESC = "Invalid client or Invalid client credentials"


def _headers_ok(r: requests.Response) -> None:
    assert r.headers["cache-control"] == "no-store"
    assert r.headers["pragma"] == "no-cache"
    assert r.headers["content-type"] == "application/json"
    assert "www-authenticate" not in r.headers


def _cc(client: dict[str, Any]) -> dict[str, str]:
    return {"grant_type": "client_credentials", "client_id": client["client_id"], "client_secret": client["client_secret"]}


def test_client_secret_post(dcr: Any, clock: Any) -> None:
    client = dcr.client({"grant_types": ["client_credentials"], "token_endpoint_auth_method": "client_secret_post"})
    r = dcr.token(_cc(client))
    assert r.status_code == 200
    _headers_ok(r)
    body = r.json()
    assert list(body) == ["access_token", "expires_in", "refresh_expires_in", "token_type", "not-before-policy", "scope"]
    assert (body["expires_in"], body["refresh_expires_in"], body["token_type"], body["not-before-policy"], body["scope"]) == (
        300, 0, "Bearer", 0, "email profile")


def test_client_secret_basic(dcr: Any) -> None:
    client = dcr.client({"grant_types": ["client_credentials"]})
    r = dcr.token({"grant_type": "client_credentials"}, auth=(client["client_id"], client["client_secret"]))
    assert r.status_code == 200
    _headers_ok(r)
    # a client registered without a method takes the secret either way
    assert dcr.token(_cc(client)).status_code == 200


def test_registered_method_is_enforced(dcr: Any) -> None:
    post = dcr.client({"grant_types": ["client_credentials"], "token_endpoint_auth_method": "client_secret_post"})
    for secret in (post["client_secret"], "wrong-secret-value"):
        r = dcr.token({"grant_type": "client_credentials"}, auth=(post["client_id"], secret))
        assert (r.status_code, r.json()) == (401, {
            "error": "unauthorized_client",
            "error_description": "Invalid method used to get client secret. Client requires method "
                                 "'client_secret_post' to obtain client secret from the request"})
        _headers_ok(r)
    basic = dcr.client({"grant_types": ["client_credentials"], "token_endpoint_auth_method": "client_secret_basic"})
    assert dcr.token(_cc(basic)).json()["error_description"].endswith(
        "Client requires method 'client_secret_basic' to obtain client secret from the request")


def test_access_token_claims(dcr: Any, kc: Any, http: requests.Session, clock: Any) -> None:
    client = dcr.client({"grant_types": ["client_credentials"], "token_endpoint_auth_method": "client_secret_post"})
    token = dcr.token(_cc(client)).json()["access_token"]
    header, claims = decode_unverified(token)
    keys = http.get(f"{kc.base_url}/realms/{dcr.realm}/protocol/openid-connect/certs").json()["keys"]
    sig = next(k for k in keys if k["use"] == "sig")
    assert header == {"alg": "RS256", "kid": sig["kid"], "typ": "JWT"}
    verify(token, jwk.JWK(**{k: sig[k] for k in ("kty", "n", "e")}), algs=["RS256"])
    cid = client["client_id"]
    now = int(clock())
    assert set(claims) == {
        "exp", "iat", "jti", "iss", "aud", "sub", "typ", "azp", "acr", "realm_access", "resource_access", "scope",
        "clientHost", "email_verified", "preferred_username", "clientAddress", "client_id"}
    assert (claims["iat"], claims["exp"]) == (now, now + 300)
    assert claims["jti"].startswith("trrtcc:") and uuid.UUID(claims["jti"][len("trrtcc:"):])
    assert claims["iss"] == f"{kc.base_url}/realms/{dcr.realm}"
    assert claims["aud"] == "account"
    assert uuid.UUID(claims["sub"])
    assert (claims["typ"], claims["azp"], claims["client_id"]) == ("Bearer", cid, cid)
    assert claims["preferred_username"] == f"service-account-{cid}"
    assert claims["acr"] == "1" and claims["email_verified"] is False
    assert sorted(claims["realm_access"]["roles"]) == sorted(["offline_access", f"default-roles-{dcr.realm}", "uma_authorization"])
    assert claims["resource_access"] == {"account": {"roles": ["manage-account", "manage-account-links", "view-profile"]}}
    assert claims["clientHost"] == claims["clientAddress"] == "127.0.0.1"
    assert claims["scope"] == "email profile"
    again = decode_unverified(dcr.token(_cc(client)).json()["access_token"])[1]
    assert again["sub"] == claims["sub"], "the service-account user is stable"
    assert again["jti"] != claims["jti"]


def test_master_realm_tokens_live_60_seconds(kc: Any, http: requests.Session, admin: Any) -> None:
    url = f"{kc.base_url}/realms/master/clients-registrations/openid-connect"
    client = http.post(url, json={"grant_types": ["client_credentials"]},
                       headers={"Authorization": f"Bearer {admin.token()}"}).json()
    r = http.post(f"{kc.base_url}/realms/master/protocol/openid-connect/token", data=_cc(client))
    assert r.json()["expires_in"] == 60
    claims = decode_unverified(r.json()["access_token"])[1]
    assert claims["exp"] - claims["iat"] == 60
    assert claims["realm_access"]["roles"].count("default-roles-master") == 1


def test_optional_scope_on_request(dcr: Any) -> None:
    client = dcr.client({"grant_types": ["client_credentials"]})
    r = dcr.token({**_cc(client), "scope": "phone"})
    assert r.json()["scope"] == "email phone profile"
    r = dcr.token({**_cc(client), "scope": "openid-nope"})
    assert (r.status_code, r.json()) == (400, {"error": "invalid_scope", "error_description": "Invalid scopes: openid-nope"})


def test_error_bodies(dcr: Any) -> None:
    client = dcr.client({"grant_types": ["client_credentials"], "token_endpoint_auth_method": "client_secret_post"})
    cid, secret = client["client_id"], client["client_secret"]
    cases: list[tuple[dict[str, str], int, dict[str, str]]] = [
        ({"grant_type": "client_credentials", "client_id": cid, "client_secret": "wrong"}, 401,
         {"error": "unauthorized_client", "error_description": INVALID_CLIENT_DESC}),
        ({"grant_type": "client_credentials", "client_id": "no-such-client", "client_secret": "x" * 12}, 401,
         {"error": "invalid_client", "error_description": INVALID_CLIENT_DESC}),
        ({"grant_type": "client_credentials", "client_id": cid}, 401,
         {"error": "unauthorized_client", "error_description": INVALID_CLIENT_DESC}),
        ({"client_id": cid, "client_secret": secret}, 400,
         {"error": "invalid_request", "error_description": "Missing form parameter: grant_type"}),
        ({"grant_type": "urn:example:nonsense", "client_id": cid, "client_secret": secret}, 400,
         {"error": "unsupported_grant_type", "error_description": "Unsupported grant_type"}),
        ({"grant_type": "client_credentials"}, 400,
         {"error": "invalid_client", "error_description": "Missing client_id parameter"}),
        ({"grant_type": "authorization_code", "client_id": cid, "client_secret": secret}, 400,
         {"error": "invalid_request", "error_description": "Missing parameter: code"}),
        ({"grant_type": "refresh_token", "client_id": cid, "client_secret": secret, "refresh_token": "x"}, 400,
         {"error": "invalid_grant", "error_description": "Invalid refresh token"}),
    ]
    for form, status, body in cases:
        r = dcr.token(form)
        assert (r.status_code, r.json()) == (status, body), form
        _headers_ok(r)


def test_unsupported_grant_is_judged_before_the_client(dcr: Any) -> None:
    r = dcr.token({"grant_type": "nonsense", "client_id": "no-such-client"})
    assert r.json()["error"] == "unsupported_grant_type"


def test_duplicated_parameter(dcr: Any) -> None:
    client = dcr.client()
    r = dcr.http.post(dcr.token_endpoint, data=[("grant_type", "client_credentials"), ("client_id", client["client_id"]),
                                               ("client_secret", client["client_secret"]), ("scope", "a"), ("scope", "b")])
    assert (r.status_code, r.json()) == (400, {"error": "invalid_request", "error_description": "duplicated parameter"})


def test_client_without_service_account(dcr: Any) -> None:
    client = dcr.client({"client_name": "web", "redirect_uris": ["http://127.0.0.1:9/cb"]})
    r = dcr.token(_cc(client))
    assert (r.status_code, r.json()) == (401, {
        "error": "unauthorized_client", "error_description": "Client not enabled to retrieve service account"})


def test_public_client(dcr: Any) -> None:
    client = dcr.client({"token_endpoint_auth_method": "none", "grant_types": ["client_credentials"]})
    r = dcr.token({"grant_type": "client_credentials", "client_id": client["client_id"]})
    assert (r.status_code, r.json()) == (401, {
        "error": "unauthorized_client", "error_description": "Public client not allowed to retrieve service account"})


def test_basic_challenge_for_another_scheme(dcr: Any) -> None:
    r = dcr.http.post(dcr.token_endpoint, data={"grant_type": "client_credentials"}, headers={"Authorization": "Bearer x"})
    assert r.status_code == 401 and r.content == b""
    assert r.headers["www-authenticate"] == f'Basic realm="{dcr.realm}"'


def test_non_form_content_type(dcr: Any) -> None:
    r = dcr.http.post(dcr.token_endpoint, json={"grant_type": "client_credentials"})
    assert (r.status_code, r.json()) == (415, {"error": "The content-type header value did not match the value in @Consumes"})


def test_deleted_client_gets_no_token(dcr: Any) -> None:
    client = dcr.client()
    assert dcr.token(_cc(client)).status_code == 200
    assert dcr.manage("DELETE", client, client["registration_access_token"]).status_code == 204
    r = dcr.token(_cc(client))
    assert (r.status_code, r.json()) == (401, {"error": "invalid_client", "error_description": INVALID_CLIENT_DESC})


def test_updated_grants_take_effect(dcr: Any) -> None:
    client = dcr.client()
    r = dcr.manage("PUT", client, client["registration_access_token"],
                   {"client_id": client["client_id"], "grant_types": ["authorization_code"]})
    assert r.json()["grant_types"] == ["authorization_code"]
    assert dcr.token(_cc(client)).json()["error_description"] == "Client not enabled to retrieve service account"


# --- password grant (admin-cli) -----------------------------------------------------------------


def test_admin_cli_password_grant(kc: Any, http: requests.Session, clock: Any) -> None:
    url = f"{kc.base_url}/realms/master/protocol/openid-connect/token"
    r = http.post(url, data={"grant_type": "password", "client_id": "admin-cli", "username": "admin", "password": "admin"})
    assert r.status_code == 200
    _headers_ok(r)
    body = r.json()
    assert list(body) == ["access_token", "expires_in", "refresh_expires_in", "refresh_token", "token_type",
                          "not-before-policy", "session_state", "scope"]
    assert (body["expires_in"], body["refresh_expires_in"], body["scope"]) == (60, 1800, "email profile")
    claims = decode_unverified(body["access_token"])[1]
    assert set(claims) == {"azp", "exp", "iat", "iss", "jti", "scope", "sid", "typ"}, "admin-cli tokens are lightweight"
    assert claims["sid"] == body["session_state"] and claims["jti"].startswith("onrtro:")
    rheader, refresh = decode_unverified(body["refresh_token"])
    assert rheader["alg"] == "HS512" and refresh["typ"] == "Refresh"
    again = http.post(url, data={"grant_type": "refresh_token", "client_id": "admin-cli", "refresh_token": body["refresh_token"]})
    assert again.status_code == 200 and again.json()["session_state"] == body["session_state"]


@pytest.mark.parametrize(("username", "password"), [("admin", "nope"), ("nobody", "admin"), ("", "")])
def test_wrong_user_credentials(kc: Any, http: requests.Session, username: str, password: str) -> None:
    r = http.post(f"{kc.base_url}/realms/master/protocol/openid-connect/token",
                  data={"grant_type": "password", "client_id": "admin-cli", "username": username, "password": password})
    assert (r.status_code, r.json()) == (400, {"error": "invalid_grant", "error_description": "Invalid user credentials"})
    _headers_ok(r)


def test_password_grant_needs_direct_access(dcr: Any) -> None:
    client = dcr.client()
    r = dcr.token({"grant_type": "password", "client_id": client["client_id"], "client_secret": client["client_secret"],
                   "username": "admin", "password": "admin"})
    assert (r.status_code, r.json()) == (400, {
        "error": "unauthorized_client", "error_description": "Client not allowed for direct access grants"})
