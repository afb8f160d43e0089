"""KeycloakAdmin (the admin REST client) against the Keycloak emulator."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest

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
