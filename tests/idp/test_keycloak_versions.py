"""KeycloakProfile per release (for_version), the quirks derived from each profile
instance, and the emulator's behaviour for each profile field both ways.

The per-release values are proven against the real distributions by
tests/real_keycloak/test_snapshot.py (fixtures/keycloak/observed-<version>.json)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
import requests

from harness.core.errors import ConfigError, LaunchError
from harness.jose import decode_unverified
from harness.launchers.registry import make_launcher
from harness.products.keycloak.admin import KeycloakAdmin
from harness.products.keycloak.emulator import KeycloakEmulatorLauncher
from harness.products.keycloak.profile import MEASURED_VERSIONS, KeycloakProfile
from harness.products.keycloak.quirks import quirks
from harness.products.quirk import ABSENT, find, match

JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"
GUIDE = {"client_name": "v", "grant_types": ["client_credentials"], "response_types": ["token"],
         "token_endpoint_auth_method": "client_secret_post"}


# ---- for_version --------------------------------------------------------------------------

def test_26_4_and_26_5_differ_from_26_7_only_through_fields() -> None:
    old, mid, new = (KeycloakProfile.for_version(v) for v in ("26.4.7", "26.5.6", "26.7.3"))
    assert new == KeycloakProfile()
    assert (old.version, mid.version) == ("26.4.7", "26.5.6")
    for p in (old, mid):
        assert (p.echo_requested_auth_method, p.enforce_registered_secret_method) == (False, False)
        assert (p.initial_access_status, p.wrong_password_status, p.jwt_bearer_grant) == (200, 401, False)
    assert (old.uuid_session_ids, mid.uuid_session_ids, new.uuid_session_ids) == (True, False, False)
    assert (new.echo_requested_auth_method, new.enforce_registered_secret_method, new.jwt_bearer_grant) == (
        True, True, True)
    assert KeycloakProfile.for_version("26.7.0") == replace(new, version="26.7.0")
    assert KeycloakProfile.for_version(None) == new
    assert KeycloakProfile.for_version("26.4.7", registration_status=200).registration_status == 200


@pytest.mark.parametrize("version", ["26.6.1", "25.0.6", "26.8.0", "26.7", "latest", "26.7.3-SNAPSHOT"])
def test_an_unknown_version_is_a_config_error_naming_the_known_range(version: str) -> None:
    with pytest.raises(ConfigError, match=r"known: 26\.4\.x, 26\.5\.x, 26\.7\.x") as err:
        KeycloakProfile.for_version(version)
    assert repr(version) in str(err.value)


def test_every_measured_version_has_a_profile() -> None:
    assert [KeycloakProfile.for_version(v).version for v in MEASURED_VERSIONS] == list(MEASURED_VERSIONS)


# ---- quirks derived from the instance ---------------------------------------------------------

def test_26_4_quirks_expect_both_secret_methods_to_work() -> None:
    q = quirks(KeycloakProfile.for_version("26.4.7"))
    assert match(q, "TOKEN-WRONG-METHOD-401", "200") is not None
    assert match(q, "TOKEN-WRONG-METHOD-401", "401 unauthorized_client") is None
    echoed = match(q, "REG-METADATA-ECHOED", {"token_endpoint_auth_method": {}, "grant_types": {}})
    assert echoed is not None and "client_secret_basic" in echoed.note


def test_26_7_quirks_expect_the_registered_method_enforced() -> None:
    q = quirks(KeycloakProfile.for_version("26.7.3"))
    assert match(q, "TOKEN-WRONG-METHOD-401", "401 unauthorized_client") is not None
    assert match(q, "TOKEN-WRONG-METHOD-401", "200") is None
    assert match(q, "REG-METADATA-ECHOED", {"token_endpoint_auth_method": {}}) is None
    assert match(q, "REG-METADATA-ECHOED", {"grant_types": {}, "response_types": {}}) is not None


@pytest.mark.parametrize(("field", "check_ids"), [
    ("registration_no_store_headers", ("REG-CACHE-NO-STORE", "REG-PRAGMA-NO-CACHE")),
    ("registration_www_authenticate", ("REG-BAD-IAT-WWW-AUTHENTICATE", "MGMT-BAD-RAT-WWW-AUTHENTICATE")),
    ("client_auth_www_authenticate", ("TOKEN-BASIC-WWW-AUTHENTICATE",)),
])
def test_header_quirks_follow_their_field(field: str, check_ids: tuple[str, ...]) -> None:
    off, on = KeycloakProfile(), replace(KeycloakProfile(), **{field: True})
    for cid in check_ids:
        assert match(quirks(off), cid, ABSENT) is not None, cid
        assert find(quirks(on), cid) == [], cid


def test_typ_quirk_follows_access_token_typ() -> None:
    assert match(quirks(KeycloakProfile()), "TOKEN-JWT-TYP-AT-JWT", "JWT") is not None
    assert find(quirks(replace(KeycloakProfile(), access_token_typ="at+jwt")), "TOKEN-JWT-TYP-AT-JWT") == []


# ---- the emulator, each field both ways -------------------------------------------------------

@pytest.fixture
def started() -> Iterator[Any]:
    launchers: list[KeycloakEmulatorLauncher] = []

    def start(**fields: Any) -> tuple[KeycloakEmulatorLauncher, str, str]:
        """An emulator with ``fields`` changed; returns it, a fresh realm and an initial access token."""
        launcher = KeycloakEmulatorLauncher(profile=replace(KeycloakProfile(), **fields)).start()
        launchers.append(launcher)
        admin = KeycloakAdmin(launcher.base_url, launcher.admin_user, launcher.admin_password)
        realm = f"t{uuid.uuid4().hex[:8]}"
        admin.create_realm(realm)
        token = str(admin.create_initial_access_token(realm, 0, 10)["token"])
        return launcher, realm, token

    yield start
    for launcher in launchers:
        launcher.stop()


def _register(kc: Any, realm: str, token: str, *, data: str | None = None,
              content_type: str = "application/json") -> requests.Response:
    return requests.post(f"{kc.issuer(realm)}/clients-registrations/openid-connect",
                         data=data if data is not None else json.dumps(GUIDE),
                         headers={"Authorization": f"Bearer {token}", "Content-Type": content_type}, timeout=10)


@pytest.mark.parametrize(("before", "status"), [(True, 415), (False, 401)])
def test_checks_body_before_auth_decides_what_a_bad_body_with_a_bad_token_gets(
        started: Any, before: bool, status: int) -> None:
    kc, realm, _ = started(checks_body_before_auth=before)
    resp = _register(kc, realm, "garbage", data="x=1", content_type="text/plain")
    assert resp.status_code == status, resp.text
    malformed = _register(kc, realm, "garbage", data="{not json")
    assert malformed.status_code == (400 if before else 401), malformed.text


@pytest.mark.parametrize("before", [True, False])
def test_checks_body_before_auth_applies_to_updates(started: Any, before: bool) -> None:
    kc, realm, token = started(checks_body_before_auth=before)
    client = _register(kc, realm, token).json()
    resp = requests.put(client["registration_client_uri"], data="{not json", timeout=10,
                        headers={"Authorization": "Bearer garbage", "Content-Type": "application/json"})
    assert resp.status_code == (400 if before else 401), resp.text
    ok = requests.put(client["registration_client_uri"], json={**GUIDE, "client_id": client["client_id"]}, timeout=10,
                      headers={"Authorization": f"Bearer {client['registration_access_token']}"})
    assert ok.status_code == 200, ok.text


@pytest.mark.parametrize("on", [False, True])
def test_registration_no_store_headers(started: Any, on: bool) -> None:
    kc, realm, token = started(registration_no_store_headers=on)
    resp = _register(kc, realm, token)
    assert resp.status_code == 201
    read = requests.get(resp.json()["registration_client_uri"], timeout=10,
                        headers={"Authorization": f"Bearer {resp.json()['registration_access_token']}"})
    for answer in (resp, read):
        assert answer.headers.get("Cache-Control") == ("no-store" if on else None)
        assert answer.headers.get("Pragma") == ("no-cache" if on else None)


@pytest.mark.parametrize("on", [False, True])
def test_registration_www_authenticate(started: Any, on: bool) -> None:
    kc, realm, _ = started(registration_www_authenticate=on)
    resp = _register(kc, realm, "garbage")
    assert (resp.status_code, resp.json()["error"]) == (401, "invalid_token")
    challenge = resp.headers.get("WWW-Authenticate")
    if on:
        assert challenge is not None and challenge.startswith('Bearer error="invalid_token"')
    else:
        assert challenge is None


def _confidential(kc: KeycloakEmulatorLauncher, realm: str, token: str) -> dict[str, Any]:
    resp = _register(kc, realm, token, data=json.dumps({"client_name": "c", "grant_types": ["client_credentials"]}))
    assert resp.status_code == 201, resp.text
    return dict(resp.json())


@pytest.mark.parametrize("on", [False, True])
def test_client_auth_www_authenticate(started: Any, on: bool) -> None:
    kc, realm, token = started(client_auth_www_authenticate=on)
    client = _confidential(kc, realm, token)
    resp = requests.post(f"{kc.issuer(realm)}/protocol/openid-connect/token", data={"grant_type": "client_credentials"},
                         auth=(client["client_id"], "wrong"), timeout=10)
    assert resp.status_code == 401 and resp.json()["error"] == "unauthorized_client"
    assert resp.headers.get("WWW-Authenticate") == (f'Basic realm="{realm}"' if on else None)


@pytest.mark.parametrize("typ", ["JWT", "at+jwt"])
def test_access_token_typ(started: Any, typ: str) -> None:
    kc, realm, token = started(access_token_typ=typ)
    client = _confidential(kc, realm, token)
    resp = requests.post(f"{kc.issuer(realm)}/protocol/openid-connect/token", timeout=10,
                         data={"grant_type": "client_credentials", "client_id": client["client_id"],
                               "client_secret": client["client_secret"]})
    assert resp.status_code == 200, resp.text
    assert decode_unverified(resp.json()["access_token"])[0]["typ"] == typ


@pytest.mark.parametrize("on", [False, True])
def test_uuid_session_ids(started: Any, on: bool) -> None:
    kc, _, _ = started(uuid_session_ids=on)
    resp = requests.post(f"{kc.issuer('master')}/protocol/openid-connect/token", timeout=10,
                         data={"grant_type": "password", "client_id": "admin-cli", "username": kc.admin_user,
                               "password": kc.admin_password})
    session = resp.json()["session_state"]
    try:
        uuid.UUID(session)
        is_uuid = True
    except ValueError:
        is_uuid = False
    assert is_uuid is on
    assert decode_unverified(resp.json()["access_token"])[1]["sid"] == session


@pytest.mark.parametrize("on", [False, True])
def test_jwt_bearer_grant(started: Any, on: bool) -> None:
    kc, realm, _ = started(jwt_bearer_grant=on)
    doc = requests.get(f"{kc.issuer(realm)}/.well-known/openid-configuration", timeout=10).json()
    assert (JWT_BEARER in doc["grant_types_supported"]) is on
    resp = requests.post(f"{kc.issuer(realm)}/protocol/openid-connect/token", timeout=10,
                         data={"grant_type": JWT_BEARER, "client_id": "nobody", "client_secret": "x"})
    if on:  # a known grant: the (unknown) client is judged next
        assert (resp.status_code, resp.json()["error"]) == (401, "invalid_client")
    else:
        assert (resp.status_code, resp.json()["error"]) == (400, "unsupported_grant_type")


# ---- the launcher takes the version -----------------------------------------------------------

def test_the_emulator_launcher_serves_the_version_asked() -> None:
    with make_launcher("emulator", profile="keycloak", version="26.4.7") as kc:
        assert kc.version == "26.4.7"
        assert kc.wire_profile == KeycloakProfile.for_version("26.4.7")
        admin = KeycloakAdmin(kc.base_url, kc.admin_user, kc.admin_password)
        token = str(admin.create_initial_access_token("master", 0, 1)["token"])
        body = _register(kc, "master", token).json()
        assert body["token_endpoint_auth_method"] == "client_secret_basic"


def test_the_emulator_refuses_a_profile_and_another_version() -> None:
    with pytest.raises(LaunchError, match="give one of them"):
        KeycloakEmulatorLauncher(profile=KeycloakProfile(), version="26.4.7")
    with pytest.raises(ConfigError, match="26.6.0"):
        KeycloakEmulatorLauncher(version="26.6.0")
