"""https JWKS fetches: TLS verified by default, ``jwt_ssl_insecure_skip_verify`` in
tyk.conf turns verification off, a CA bundle makes a private CA trusted."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from jwcrypto import jwk

from harness.core.serving import BackgroundServer
from harness.tyk.gateway.testing import DEFAULT_JWKS, JwksDocument, JwksServer, in_process_gateway

from .conftest import POLICY_ID, START, b64, make_api, make_policy
from .helpers import make_token


def self_signed(tmp: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(__import__("ipaddress").ip_address("127.0.0.1"))]), False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp / "cert.pem", tmp / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


@pytest.fixture
def https_jwks(tmp_path: Path, rsa_key: jwk.JWK) -> Iterator[tuple[str, Path]]:
    cert, key = self_signed(tmp_path)
    jwks = JwksServer({DEFAULT_JWKS: JwksDocument.of(rsa_key)})  # the testing kit's JWK Set server, over TLS
    with BackgroundServer(jwks.app, ssl_certfile=str(cert), ssl_keyfile=str(key), name="https-jwks") as server:
        yield server.url + "/jwks", cert


def outcome(tyk_conf: dict, url: str, key: jwk.JWK) -> tuple[int, str]:
    gw = in_process_gateway([make_api(b64(url))], {POLICY_ID: make_policy()}, tyk_conf=tyk_conf, clock=lambda: START)
    d = gw.check("/keycloak-api/", headers={"Authorization": make_token({"sub": "a", "exp": START + 60}, key)})
    return d.status, d.reason if d.status != 200 else ""


def test_tls_verified_by_default(https_jwks: tuple[str, Path], rsa_key: jwk.JWK) -> None:
    url, _ = https_jwks
    status, reason = outcome({}, url, rsa_key)
    assert status == 403 and "TLS verification failed" in reason


def test_insecure_skip_verify(https_jwks: tuple[str, Path], rsa_key: jwk.JWK) -> None:
    url, _ = https_jwks
    assert outcome({"jwt_ssl_insecure_skip_verify": True}, url, rsa_key) == (200, "")


def test_ca_bundle(https_jwks: tuple[str, Path], rsa_key: jwk.JWK) -> None:
    url, cert = https_jwks
    assert outcome({"dcr_harness": {"jwks_ca_bundle": str(cert)}}, url, rsa_key) == (200, "")
