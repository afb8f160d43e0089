"""KeycloakProfile: defaults model 26.7.3, contradictions are refused, and the emulator
follows the fields (not the version string)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from harness.core.errors import ConfigError
from harness.products.keycloak.admin import KeycloakAdmin
from harness.products.keycloak.emulator import KeycloakEmulatorLauncher
from harness.products.keycloak.profile import KeycloakProfile


def test_defaults_model_26_7_3() -> None:
    p = KeycloakProfile()
    assert p.version == "26.7.3"
    assert (p.registration_status, p.initial_access_status) == (201, 201)
    assert p.wrong_secret_error == "unauthorized_client" and p.unknown_client_error == "invalid_client"
    assert p.echo_requested_auth_method and not p.expands_client_credentials_grants
    assert (p.master_token_lifespan, p.token_lifespan) == (60, 300)
    assert p.rotate_rat_on_update and p.partial_update
    assert p.realm_token_lifespan("master") == 60 and p.realm_token_lifespan("x") == 300


def test_profile_is_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        KeycloakProfile().token_lifespan = 1  # type: ignore[misc]


@pytest.mark.parametrize(
    "changes",
    [
        {"registration_status": 302},
        {"initial_access_status": 204},
        {"token_lifespan": 0},
        {"max_clients": 0},
        {"wrong_secret_error": "access_denied"},
        {"internal_token_alg": "RS256"},
        {"expands_client_credentials_grants": True},  # with echo_requested_auth_method=True
        {"echo_requested_auth_method": False},  # with enforce_registered_secret_method=True
        {"optional_client_scopes": ("email",)},
        {"default_client_scopes": ("openid",)},
    ],
)
def test_contradictions_are_refused(changes: dict[str, Any]) -> None:
    with pytest.raises(ConfigError) as info:
        KeycloakProfile(**changes)
    assert str(info.value).startswith("KeycloakProfile: ")


def test_describe_lists_every_field() -> None:
    names = [f["name"] for f in KeycloakProfile.describe()]
    assert names == [f.name for f in dataclasses.fields(KeycloakProfile)]


#: A 26.0.x-like profile: expanded grants, client_secret_basic echoed, IAT answered 200.
OLD = KeycloakProfile(
    version="26.0.8",
    expands_client_credentials_grants=True,
    echo_requested_auth_method=False,
    enforce_registered_secret_method=False,
    initial_access_status=200,
    rotate_rat_on_update=False,
    partial_update=False,
)


@pytest.fixture(scope="module")
def old() -> Iterator[KeycloakEmulatorLauncher]:
    with KeycloakEmulatorLauncher(profile=OLD) as launcher:
        yield launcher


def test_launcher_reports_the_profile_version(old: KeycloakEmulatorLauncher) -> None:
    assert old.version == "26.0.8"


def test_emulator_follows_an_older_profile(old: KeycloakEmulatorLauncher) -> None:
    with requests.Session() as http:
        admin = KeycloakAdmin(old.base_url, "admin", "admin", session=http)
        admin.create_realm("old")
        r = http.post(f"{old.base_url}/admin/realms/old/clients-initial-access", json={"count": 5},
                      headers={"Authorization": f"Bearer {admin.token()}"})
        assert r.status_code == 200
        iat = r.json()["token"]
        reg = http.post(f"{old.base_url}/realms/old/clients-registrations/openid-connect",
                        json={"grant_types": ["client_credentials"], "token_endpoint_auth_method": "client_secret_post",
                              "redirect_uris": ["http://127.0.0.1:9/cb"]},
                        headers={"Authorization": f"Bearer {iat}"})
        body = reg.json()
        assert body["grant_types"] == ["authorization_code", "client_credentials", "refresh_token"]
        assert body["response_types"] == ["code", "none"]
        assert body["token_endpoint_auth_method"] == "client_secret_basic"
        token = http.post(f"{old.base_url}/realms/old/protocol/openid-connect/token", data={"grant_type": "client_credentials"},
                          auth=(body["client_id"], body["client_secret"]))
        assert token.status_code == 200, "no method enforcement"
        rat = body["registration_access_token"]
        upd = http.put(body["registration_client_uri"], json={"client_id": body["client_id"], "client_name": "n"},
                       headers={"Authorization": f"Bearer {rat}"}).json()
        assert upd["registration_access_token"] == rat, "rotate_rat_on_update=False"
        assert upd["redirect_uris"] == [], "partial_update=False replaces"
