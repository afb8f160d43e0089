"""RFC 7592 on Gluu 4: bad token → GET/PUT 400, DELETE 401; DELETE ok 204; the
registration access token is never rotated (shared/reference/gluu.md "Management")."""

from __future__ import annotations

import requests

from tests.gluu.helpers import register, token_post


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_read_with_the_token(gluu):
    client = register(gluu).json()
    resp = requests.get(client["registration_client_uri"], headers=_auth(client["registration_access_token"]), timeout=10)
    assert resp.status_code == 200
    assert resp.headers["cache-control"] == "no-store"
    body = resp.json()
    assert body["client_id"] == client["client_id"]
    assert body["client_secret"] == client["client_secret"]  # returnClientSecretOnRead
    assert body["registration_access_token"] == client["registration_access_token"]


def test_bad_token_statuses(gluu):
    client = register(gluu).json()
    uri = client["registration_client_uri"]
    bad = _auth("not-the-token")
    get = requests.get(uri, headers=bad, timeout=10)
    assert get.status_code == 400
    assert get.json()["error"] == "invalid_token"
    put = requests.put(uri, headers=bad, json={"client_name": "x"}, timeout=10)
    assert put.status_code == 400
    assert put.json()["error"] == "invalid_token"
    delete = requests.delete(uri, headers=bad, timeout=10)
    assert delete.status_code == 401
    assert delete.json()["error"] == "invalid_token"
    missing = requests.get(uri, timeout=10)
    assert missing.status_code == 400
    assert missing.json()["error"] == "invalid_client_metadata"


def test_update_keeps_the_token_and_resets_omitted_members(gluu):
    client = register(gluu).json()
    rat = client["registration_access_token"]
    resp = requests.put(client["registration_client_uri"], headers=_auth(rat),
                        json={"client_id": client["client_id"], "client_name": "renamed"}, timeout=10)
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["client_name"] == "renamed"
    assert body["registration_access_token"] == rat  # never rotated
    assert body["redirect_uris"] == client["redirect_uris"]  # omitted lists are kept
    # ... but these come back to their defaults (GluuProfile.update_resets_omitted)
    assert body["token_endpoint_auth_method"] == "client_secret_basic"
    assert body["access_token_as_jwt"] is False
    again = requests.get(client["registration_client_uri"], headers=_auth(rat), timeout=10)
    assert again.status_code == 200


def test_full_update_keeps_jwt_settings(gluu):
    client = register(gluu).json()
    rat = client["registration_access_token"]
    resp = requests.put(client["registration_client_uri"], headers=_auth(rat), json={
        "client_id": client["client_id"], "client_name": "again", "token_endpoint_auth_method": "client_secret_post",
        "access_token_as_jwt": True, "grant_types": ["client_credentials"], "redirect_uris": client["redirect_uris"]}, timeout=10)
    assert resp.status_code == 200
    assert resp.json()["access_token_as_jwt"] is True
    assert token_post(gluu, client).json()["access_token"].count(".") == 2


def test_delete_then_the_client_is_gone(gluu):
    client = register(gluu).json()
    auth = _auth(client["registration_access_token"])
    resp = requests.delete(client["registration_client_uri"], headers=auth, timeout=10)
    assert resp.status_code == 204
    assert resp.content == b""
    assert resp.headers["cache-control"] == "no-store"
    assert token_post(gluu, client).status_code == 401
    gone = requests.get(client["registration_client_uri"], headers=auth, timeout=10)
    assert gone.status_code == 400 and gone.json()["error"] == "invalid_token"
    assert requests.delete(client["registration_client_uri"], headers=auth, timeout=10).status_code == 401


def test_rotating_profile_variant_rotates(gluu_factory):
    idp = gluu_factory(rotates_rat=True)
    client = register(idp).json()
    resp = requests.put(client["registration_client_uri"], headers=_auth(client["registration_access_token"]),
                        json={"client_name": "r"}, timeout=10)
    assert resp.status_code == 200
    assert resp.json()["registration_access_token"] != client["registration_access_token"]
