"""Keycloak emulator: launcher, realms, discovery, JWKS, realm info, admin REST API,
initial access tokens and the ``/auth`` relative path."""

from __future__ import annotations

import base64
import datetime
import hashlib
import ipaddress
from pathlib import Path
from typing import Any

import pytest
import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from harness.jose import decode_unverified
from harness.products.base import IdpLauncher
from harness.products.keycloak.emulator import KeycloakEmulatorLauncher


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _admin_token(http: requests.Session, base: str) -> str:
    r = http.post(f"{base}/realms/master/protocol/openid-connect/token",
                  data={"grant_type": "password", "client_id": "admin-cli", "username": "admin", "password": "admin"})
    assert r.status_code == 200, r.text
    return str(r.json()["access_token"])


# --- launcher ------------------------------------------------------------------------------


def test_launcher_implements_the_protocol(kc: KeycloakEmulatorLauncher) -> None:
    assert isinstance(kc, IdpLauncher)
    assert (kc.kind, kc.profile, kc.version) == ("emulator", "keycloak", "26.7.3")
    assert (kc.admin_user, kc.admin_password, kc.log_path) == ("admin", "admin", None)
    assert kc.base_url.startswith("http://127.0.0.1:")
    assert kc.issuer("demo") == f"{kc.base_url}/realms/demo"


def test_stop_is_idempotent_and_frees_the_port() -> None:
    launcher = KeycloakEmulatorLauncher().start()
    url = launcher.base_url
    launcher.stop()
    launcher.stop()
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{url}/realms/master", timeout=2)


def test_custom_admin_credentials() -> None:
    with KeycloakEmulatorLauncher(admin_user="root", admin_password="s3cret-pw") as launcher, requests.Session() as http:
        ok = http.post(f"{launcher.base_url}/realms/master/protocol/openid-connect/token",
                       data={"grant_type": "password", "client_id": "admin-cli", "username": "root", "password": "s3cret-pw"})
        assert ok.status_code == 200
        bad = http.post(f"{launcher.base_url}/realms/master/protocol/openid-connect/token",
                        data={"grant_type": "password", "client_id": "admin-cli", "username": "admin", "password": "admin"})
        assert (bad.status_code, bad.json()) == (400, {"error": "invalid_grant", "error_description": "Invalid user credentials"})


# --- realms -----------------------------------------------------------------------------------


def test_master_realm_info(kc: KeycloakEmulatorLauncher, http: requests.Session) -> None:
    r = http.get(f"{kc.base_url}/realms/master")
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/json;charset=UTF-8"
    assert r.headers["cache-control"] == "no-cache"
    body = r.json()
    assert list(body) == ["realm", "public_key", "token-service", "account-service", "tokens-not-before"]
    assert body["realm"] == "master"
    assert body["token-service"] == f"{kc.base_url}/realms/master/protocol/openid-connect"
    assert body["account-service"] == f"{kc.base_url}/realms/master/account"
    assert body["tokens-not-before"] == 0
    key = serialization.load_der_public_key(base64.b64decode(body["public_key"]))
    assert isinstance(key, rsa.RSAPublicKey) and key.key_size == 2048


def test_unknown_realm_is_404_on_every_protocol_path(kc: KeycloakEmulatorLauncher, http: requests.Session) -> None:
    for path in ("", "/.well-known/openid-configuration", "/protocol/openid-connect/certs"):
        r = http.get(f"{kc.base_url}/realms/nope{path}")
        assert (r.status_code, r.json()) == (404, {"error": "Realm does not exist"}), path
    r = http.post(f"{kc.base_url}/realms/nope/protocol/openid-connect/token", data={"grant_type": "client_credentials"})
    assert (r.status_code, r.json()) == (404, {"error": "Realm does not exist"})
    r = http.post(f"{kc.base_url}/realms/nope/clients-registrations/openid-connect", json={})
    assert (r.status_code, r.json()) == (404, {"error": "Realm does not exist"})


def test_create_realm_then_conflict(kc: KeycloakEmulatorLauncher, http: requests.Session) -> None:
    headers = {"Authorization": f"Bearer {_admin_token(http, kc.base_url)}"}
    r = http.post(f"{kc.base_url}/admin/realms", json={"realm": "created-here", "enabled": True}, headers=headers)
    assert r.status_code == 201
    assert r.headers["location"] == f"{kc.base_url}/admin/realms/created-here"
    assert r.content == b"" and "content-type" not in r.headers
    assert http.get(f"{kc.base_url}/realms/created-here").json()["realm"] == "created-here"
    again = http.post(f"{kc.base_url}/admin/realms", json={"realm": "created-here", "enabled": True}, headers=headers)
    assert (again.status_code, again.json()) == (409, {"errorMessage": "Conflict detected. See logs for details"})
    gone = http.delete(f"{kc.base_url}/admin/realms/created-here", headers=headers)
    assert gone.status_code == 204
    assert http.get(f"{kc.base_url}/realms/created-here").status_code == 404


def test_admin_api_needs_an_admin_token(kc: KeycloakEmulatorLauncher, http: requests.Session, realm: str) -> None:
    unauthorized = (401, {"error": "HTTP 401 Unauthorized"})
    r = http.post(f"{kc.base_url}/admin/realms", json={"realm": "x1"})
    assert (r.status_code, r.json()) == unauthorized
    r = http.post(f"{kc.base_url}/admin/realms/{realm}/clients-initial-access", json={"count": 1},
                  headers={"Authorization": "Bearer garbage"})
    assert (r.status_code, r.json()) == unauthorized
    assert "www-authenticate" not in r.headers
    # an unknown realm is not revealed before authentication
    r = http.post(f"{kc.base_url}/admin/realms/nope/clients-initial-access", json={"count": 1})
    assert (r.status_code, r.json()) == unauthorized
    headers = {"Authorization": f"Bearer {_admin_token(http, kc.base_url)}"}
    r = http.post(f"{kc.base_url}/admin/realms/nope/clients-initial-access", json={"count": 1}, headers=headers)
    assert (r.status_code, r.json()) == (404, {"error": "Realm not found."})


def test_admin_token_of_another_realm_is_refused(dcr: Any, kc: KeycloakEmulatorLauncher, http: requests.Session) -> None:
    client = dcr.client()
    tok = dcr.token({"grant_type": "client_credentials", "client_id": client["client_id"], "client_secret": client["client_secret"]})
    r = http.post(f"{kc.base_url}/admin/realms", json={"realm": "x2"},
                  headers={"Authorization": f"Bearer {tok.json()['access_token']}"})
    assert (r.status_code, r.json()) == (401, {"error": "HTTP 401 Unauthorized"})


def test_admin_token_expires_with_the_clock(kc: KeycloakEmulatorLauncher, http: requests.Session, clock: Any) -> None:
    token = _admin_token(http, kc.base_url)
    headers = {"Authorization": f"Bearer {token}"}
    assert http.get(f"{kc.base_url}/admin/realms/master", headers=headers).status_code == 200
    clock.advance(61)  # master access tokens live 60 s
    r = http.get(f"{kc.base_url}/admin/realms/master", headers=headers)
    assert (r.status_code, r.json()) == (401, {"error": "HTTP 401 Unauthorized"})


# --- discovery and keys ---------------------------------------------------------------------


def test_discovery_document(kc: KeycloakEmulatorLauncher, http: requests.Session, realm: str) -> None:
    r = http.get(f"{kc.base_url}/realms/{realm}/.well-known/openid-configuration")
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/json"
    assert r.headers["cache-control"] == "no-cache, must-revalidate, no-transform, no-store"
    d = r.json()
    issuer = f"{kc.base_url}/realms/{realm}"
    assert d["issuer"] == issuer
    assert d["authorization_endpoint"] == f"{issuer}/protocol/openid-connect/auth"
    assert d["token_endpoint"] == f"{issuer}/protocol/openid-connect/token"
    assert d["jwks_uri"] == f"{issuer}/protocol/openid-connect/certs"
    assert d["registration_endpoint"] == f"{issuer}/clients-registrations/openid-connect"
    assert d["introspection_endpoint"] == f"{issuer}/protocol/openid-connect/token/introspect"
    assert "client_credentials" in d["grant_types_supported"] and len(d["grant_types_supported"]) == 10
    assert d["token_endpoint_auth_methods_supported"] == [
        "private_key_jwt", "client_secret_basic", "client_secret_post", "tls_client_auth", "client_secret_jwt"]
    assert d["response_types_supported"][0] == "code" and len(d["response_types_supported"]) == 8
    assert d["subject_types_supported"] == ["public", "pairwise"]
    assert "RS256" in d["id_token_signing_alg_values_supported"]
    assert d["scopes_supported"][0] == "openid" and "service_account" in d["scopes_supported"]
    assert d["mtls_endpoint_aliases"]["registration_endpoint"] == d["registration_endpoint"]
    assert len(d) == 56


def test_jwks_has_a_signing_and_an_encryption_key(kc: KeycloakEmulatorLauncher, http: requests.Session, realm: str) -> None:
    r = http.get(f"{kc.base_url}/realms/{realm}/protocol/openid-connect/certs")
    assert r.status_code == 200
    assert r.headers["cache-control"] == "no-cache"
    keys = r.json()["keys"]
    assert [(k["alg"], k["use"]) for k in keys] == [("RS256", "sig"), ("RSA-OAEP", "enc")]
    for k in keys:
        assert list(k) == ["kid", "kty", "alg", "use", "x5c", "x5t", "x5t#S256", "n", "e"]
        assert k["kty"] == "RSA" and k["e"] == "AQAB"
        der = base64.b64decode(k["x5c"][0])
        cert = x509.load_der_x509_certificate(der)
        assert cert.subject == cert.issuer
        assert cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == realm
        assert k["x5t"] == _b64url(hashlib.sha1(der).digest())
        assert k["x5t#S256"] == _b64url(hashlib.sha256(der).digest())
        pub = cert.public_key()
        assert isinstance(pub, rsa.RSAPublicKey)
        n = int.from_bytes(base64.urlsafe_b64decode(k["n"] + "=" * (-len(k["n"]) % 4)), "big")
        assert n == pub.public_numbers().n
        spki = pub.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
        assert k["kid"] == _b64url(hashlib.sha256(spki).digest())
    assert keys[0]["kid"] != keys[1]["kid"]
    other = http.get(f"{kc.base_url}/realms/master/protocol/openid-connect/certs").json()["keys"]
    assert other[0]["kid"] != keys[0]["kid"], "each realm has its own keys"


# --- initial access tokens --------------------------------------------------------------------


def test_create_initial_access_token(kc: KeycloakEmulatorLauncher, http: requests.Session, realm: str, clock: Any) -> None:
    headers = {"Authorization": f"Bearer {_admin_token(http, kc.base_url)}"}
    r = http.post(f"{kc.base_url}/admin/realms/{realm}/clients-initial-access", json={"expiration": 600, "count": 3},
                  headers=headers)
    assert r.status_code == 201
    assert r.headers["content-type"] == "application/json;charset=UTF-8"
    assert "cache-control" not in r.headers and "www-authenticate" not in r.headers
    body = r.json()
    assert list(body) == ["id", "token", "timestamp", "expiration", "count", "remainingCount"]
    assert (body["expiration"], body["count"], body["remainingCount"]) == (600, 3, 3)
    assert body["timestamp"] == int(clock())
    assert r.headers["location"] == f"{kc.base_url}/admin/realms/{realm}/clients-initial-access/{body['id']}"
    header, claims = decode_unverified(body["token"])
    assert header["alg"] == "HS512" and header["typ"] == "JWT" and header["kid"]
    issuer = f"{kc.base_url}/realms/{realm}"
    assert claims == {"exp": body["timestamp"] + 600, "iat": body["timestamp"], "jti": body["id"],
                      "iss": issuer, "aud": issuer, "typ": "InitialAccessToken"}
    listed = http.get(f"{kc.base_url}/admin/realms/{realm}/clients-initial-access", headers=headers).json()
    assert listed == [{"id": body["id"], "timestamp": body["timestamp"], "expiration": 600, "count": 3, "remainingCount": 3}]


def test_initial_access_token_defaults_never_expire(kc: KeycloakEmulatorLauncher, http: requests.Session, realm: str) -> None:
    headers = {"Authorization": f"Bearer {_admin_token(http, kc.base_url)}"}
    body = http.post(f"{kc.base_url}/admin/realms/{realm}/clients-initial-access", json={}, headers=headers).json()
    assert (body["expiration"], body["count"], body["remainingCount"]) == (0, 1, 1)
    assert decode_unverified(body["token"])[1]["exp"] == 0


def test_initial_access_token_bad_bodies(kc: KeycloakEmulatorLauncher, http: requests.Session, realm: str) -> None:
    headers = {"Authorization": f"Bearer {_admin_token(http, kc.base_url)}"}
    url = f"{kc.base_url}/admin/realms/{realm}/clients-initial-access"
    r = http.post(url, data="{", headers={**headers, "Content-Type": "application/json"})
    assert (r.status_code, r.json()) == (400, {"error": "invalid_request", "error_description": "Cannot parse the JSON"})
    r = http.post(url, data="x", headers={**headers, "Content-Type": "text/plain"})
    assert (r.status_code, r.json()) == (415, {"error": "The content-type header value did not match the value in @Consumes"})
    r = http.post(url, json={"expiration": -1, "count": 1}, headers=headers)
    # measured on 26.7.3 (fixtures/keycloak/observed-26.7.3.json, iat.negative_expiration)
    assert (r.status_code, r.json()) == (400, {"error": "Invalid value for expiration",
                                               "error_description": "The expiration time interval cannot be less than 0"})


# --- fallbacks ---------------------------------------------------------------------------------


def test_unknown_path_and_wrong_method(kc: KeycloakEmulatorLauncher, http: requests.Session) -> None:
    r = http.get(f"{kc.base_url}/nosuchpath")
    assert (r.status_code, r.json()) == (404, {"error": "Unable to find matching target resource method"})
    r = http.post(f"{kc.base_url}/realms/master/.well-known/openid-configuration")
    assert (r.status_code, r.json()) == (404, {"error": "HTTP 404 Not Found"})


# --- relative path and TLS --------------------------------------------------------------------


def test_relative_path_auth() -> None:
    with KeycloakEmulatorLauncher(relative_path="/auth") as launcher, requests.Session() as http:
        assert launcher.base_url.endswith("/auth")
        root = launcher.base_url[: -len("/auth")]
        assert launcher.issuer("master") == f"{root}/auth/realms/master"
        disc = http.get(f"{launcher.base_url}/realms/master/.well-known/openid-configuration").json()
        assert disc["issuer"] == f"{root}/auth/realms/master"
        assert disc["registration_endpoint"] == f"{root}/auth/realms/master/clients-registrations/openid-connect"
        assert http.get(f"{root}/realms/master").status_code == 404
        token = _admin_token(http, launcher.base_url)
        assert decode_unverified(token)[1]["iss"] == f"{root}/auth/realms/master"
        r = http.post(f"{launcher.base_url}/admin/realms", json={"realm": "legacy"}, headers={"Authorization": f"Bearer {token}"})
        assert r.headers["location"] == f"{root}/auth/admin/realms/legacy"


@pytest.mark.parametrize("given", ["auth", "/auth/", "auth/"])
def test_relative_path_is_normalised(given: str) -> None:
    launcher = KeycloakEmulatorLauncher(relative_path=given)
    assert launcher.relative_path == "/auth"


def _self_signed(tmp: Path) -> tuple[str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(1).not_valid_before(now - datetime.timedelta(minutes=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp / "cert.pem", tmp / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                                           serialization.NoEncryption()))
    return str(cert_path), str(key_path)


def test_tls(tmp_path: Path) -> None:
    cert, key = _self_signed(tmp_path)
    with KeycloakEmulatorLauncher(ssl_certfile=cert, ssl_keyfile=key) as launcher:
        assert launcher.base_url.startswith("https://127.0.0.1:")
        r = requests.get(f"{launcher.base_url}/realms/master/.well-known/openid-configuration", verify=cert, timeout=10)
        assert r.json()["issuer"] == f"{launcher.base_url}/realms/master"


def test_tls_needs_both_files(tmp_path: Path) -> None:
    from harness.core.errors import LaunchError

    with pytest.raises(LaunchError):
        KeycloakEmulatorLauncher(ssl_certfile=str(tmp_path / "c.pem"))
