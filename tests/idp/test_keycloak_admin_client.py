"""KeycloakAdmin (the admin REST client) against the Keycloak emulator."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
import requests

from harness.core.serving import free_port
from harness.core.transcript import RecordingSession, Transcript
from harness.products.keycloak.admin import KeycloakAdmin, KeycloakAdminError


def test_token_is_cached(kc: Any) -> None:
    transcript = Transcript()
    admin = KeycloakAdmin(kc.base_url, "admin", "admin", session=RecordingSession(transcript, "harness"))
    first = admin.token()
    assert admin.token() == first
    logins = [e for e in transcript if e.url.endswith("/protocol/openid-connect/token")]
    assert len(logins) == 1
    assert first not in json.dumps([e.to_dict() for e in transcript]), "the transcript holds no token"


def test_create_realm_is_idempotent_and_iat_works(kc: Any) -> None:
    admin = KeycloakAdmin(kc.base_url, "admin", "admin")
    name = f"a{uuid.uuid4().hex[:8]}"
    admin.create_realm(name)
    admin.create_realm(name)  # 409 is fine
    iat = admin.create_initial_access_token(name, expiration=120, count=2)
    assert set(iat) == {"id", "token", "timestamp", "expiration", "count", "remainingCount"}
    assert (iat["expiration"], iat["count"], iat["remainingCount"]) == (120, 2, 2)
    disc = admin.discovery(name)
    assert disc["issuer"] == kc.issuer(name)
    assert disc["registration_endpoint"] == f"{kc.issuer(name)}/clients-registrations/openid-connect"


def test_wrong_password_is_one_clear_line_without_secrets(kc: Any) -> None:
    admin = KeycloakAdmin(kc.base_url, "admin", "Sup3r-secret-pw")
    with pytest.raises(KeycloakAdminError) as info:
        admin.token()
    err = info.value
    assert err.status == 400 and err.error == "invalid_grant"
    assert str(err) == "admin login as 'admin': HTTP 400 invalid_grant: Invalid user credentials"
    assert "Sup3r-secret-pw" not in str(err) and "\n" not in str(err)


def test_unknown_realm(kc: Any) -> None:
    admin = KeycloakAdmin(kc.base_url, "admin", "admin")
    with pytest.raises(KeycloakAdminError) as info:
        admin.create_initial_access_token("no-such-realm", 0, 1)
    assert str(info.value) == "create initial access token in realm 'no-such-realm': HTTP 404 Realm not found."
    with pytest.raises(KeycloakAdminError) as info:
        admin.discovery("no-such-realm")
    assert info.value.status == 404 and str(info.value).endswith("HTTP 404 Realm does not exist")


def test_unreachable_server() -> None:
    admin = KeycloakAdmin(f"http://127.0.0.1:{free_port()}", "admin", "admin", timeout=2)
    with pytest.raises(KeycloakAdminError) as info:
        admin.token()
    assert info.value.status is None
    assert "no answer from" in str(info.value)


def test_works_under_a_relative_path() -> None:
    from harness.products.keycloak.emulator import KeycloakEmulatorLauncher

    with KeycloakEmulatorLauncher(relative_path="/auth") as launcher:
        admin = KeycloakAdmin(launcher.base_url + "/", "admin", "admin")
        admin.create_realm("legacy")
        assert admin.create_initial_access_token("legacy", 0, 1)["token"]
        assert admin.discovery("legacy")["issuer"] == launcher.issuer("legacy")


def test_set_max_clients_updates_the_anonymous_policy_and_adds_an_authenticated_one(kc: Any) -> None:
    """scenarios/broken/keycloak-max-clients.yaml's admin step: a new realm has "Max Clients
    Limit" for anonymous registrations only (observed 26.7.3); the limit then refuses a
    registration with an initial access token too (register.authenticated_max_clients)."""
    admin = KeycloakAdmin(kc.base_url, "admin", "admin")
    name = f"m{uuid.uuid4().hex[:8]}"
    admin.create_realm(name)
    before = [(c["subType"], c["config"]["max-clients"]) for c in admin.registration_policies(name)
              if c["providerId"] == "max-clients"]
    assert before == [("anonymous", ["200"])]
    assert admin.set_max_clients(name, 1) == ["'Max Clients Limit' (anonymous) set to 1",
                                              "'Max Clients Limit' (authenticated) created with 1"]
    after = sorted((c["subType"], c["config"]["max-clients"]) for c in admin.registration_policies(name)
                   if c["providerId"] == "max-clients")
    assert after == [("anonymous", ["1"]), ("authenticated", ["1"])]
    assert admin.set_max_clients(name, 3) == ["'Max Clients Limit' (anonymous) set to 3",
                                              "'Max Clients Limit' (authenticated) set to 3"], "no duplicate"
    iat = admin.create_initial_access_token(name, expiration=0, count=1)["token"]
    admin.set_max_clients(name, 1)
    resp = requests.post(f"{kc.issuer(name)}/clients-registrations/openid-connect", json={},
                         headers={"Authorization": f"Bearer {iat}"}, timeout=10)
    assert (resp.status_code, resp.json()["error_description"]) == (
        403, "Policy 'Max Clients Limit' rejected request to client-registration service. "
             "Details: It's allowed to have max 1 clients per realm")


def test_rotate_signing_key_signs_with_the_new_key_and_keeps_the_old_one_published(kc: Any) -> None:
    """A new rsa-generated key provider with a higher priority (Keycloak server admin
    guide, "Rotating keys"): new tokens carry the new kid, the JWKS lists both."""
    from harness.jose.tokens import decode_unverified
    from harness.registrar.token import client_credentials

    admin = KeycloakAdmin(kc.base_url, "admin", "admin")
    name = f"k{uuid.uuid4().hex[:8]}"
    admin.create_realm(name)
    iat = admin.create_initial_access_token(name, expiration=0, count=1)["token"]
    client = requests.post(f"{kc.issuer(name)}/clients-registrations/openid-connect",
                           json={"grant_types": ["client_credentials"]},
                           headers={"Authorization": f"Bearer {iat}"}, timeout=10).json()
    token_url = f"{kc.issuer(name)}/protocol/openid-connect/token"

    def kid_of_new_token() -> str:
        with requests.Session() as s:
            t = client_credentials(s, token_url, client["client_id"], client["client_secret"])
        return str(decode_unverified(t.access_token)[0]["kid"])

    first = kid_of_new_token()
    old, new = admin.rotate_signing_key(name)
    assert old == first and new != old
    assert kid_of_new_token() == new
    jwks = requests.get(f"{kc.issuer(name)}/protocol/openid-connect/certs", timeout=10).json()
    assert {old, new} <= {k["kid"] for k in jwks["keys"]}
    assert admin.active_rs256_kid(name) == (new, 200)
