"""Token endpoint quirks: the registered auth method is enforced both ways, with
``WWW-Authenticate: Basic realm="oxAuth"`` on every 401 (src:AuthenticationFilter)."""

from __future__ import annotations

import requests

from tests.gluu.helpers import discovery, register, token_basic, token_post

INVALID_CLIENT_DESCRIPTION_START = "Client authentication failed (e.g. unknown client"


def _assert_invalid_client(resp: requests.Response) -> None:
    assert resp.status_code == 401
    assert resp.headers["www-authenticate"] == 'Basic realm="oxAuth"'
    assert resp.headers["content-type"] == "application/json;charset=UTF-8"
    body = resp.json()
    assert body["error"] == "invalid_client"
    assert body["error_description"].startswith(INVALID_CLIENT_DESCRIPTION_START)
    assert "reason" not in body


def test_post_client_using_basic_is_refused(gluu):
    client = register(gluu).json()  # registered for client_secret_post
    _assert_invalid_client(token_basic(gluu, client))
    assert token_post(gluu, client).status_code == 200


def test_basic_client_using_post_is_refused(gluu):
    client = register(gluu, token_endpoint_auth_method="client_secret_basic").json()
    assert client["token_endpoint_auth_method"] == "client_secret_basic"
    _assert_invalid_client(token_post(gluu, client))
    assert token_basic(gluu, client).status_code == 200


def test_wrong_secret_and_unknown_client_are_invalid_client(gluu):
    client = register(gluu).json()
    _assert_invalid_client(token_post(gluu, {**client, "client_secret": "wrong"}))
    _assert_invalid_client(token_post(gluu, {**client, "client_id": "no-such-client"}))
    no_credentials = requests.post(discovery(gluu)["token_endpoint"], data={"grant_type": "client_credentials"}, timeout=10)
    _assert_invalid_client(no_credentials)


def test_lenient_profile_accepts_either_method(gluu_factory):
    idp = gluu_factory(strict_auth_method=False)
    client = register(idp).json()
    assert token_basic(idp, client).status_code == 200


def test_missing_and_unknown_grant_type(gluu):
    client = register(gluu).json()
    endpoint = discovery(gluu)["token_endpoint"]
    creds = {"client_id": client["client_id"], "client_secret": client["client_secret"]}
    missing = requests.post(endpoint, data=creds, timeout=10)
    assert missing.status_code == 400
    assert missing.json()["error"] == "invalid_request"
    unknown = requests.post(endpoint, data={**creds, "grant_type": "urn:example:nope"}, timeout=10)
    assert unknown.status_code == 500  # GluuProfile.unknown_grant_type_status (NPE in oxAuth)
    assert unknown.content == b""


def test_grant_not_registered_is_invalid_grant(gluu):
    client = register(gluu, body={"grant_types": ["authorization_code"], "redirect_uris": ["https://app.example/cb"],
                                  "token_endpoint_auth_method": "client_secret_post"}).json()
    assert "client_credentials" not in client["grant_types"]
    resp = token_post(gluu, client)
    assert resp.status_code == 400
    assert resp.json()["error"] == "invalid_grant"


def test_client_access_token_lifetime_is_honoured(gluu):
    client = register(gluu, access_token_lifetime=120).json()
    assert token_post(gluu, client).json()["expires_in"] == 119
