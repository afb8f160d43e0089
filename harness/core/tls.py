"""TLS material generated at run time, so an IdP can be served over HTTPS on loopback.

Two shapes, matching the two situations a support engineer meets (the guides' note on
self-signed IdP certificates, ``dcr_ssl_insecure_skip_verify`` and
``jwt_ssl_insecure_skip_verify``):

* ``self-signed`` — one certificate, signed by its own key (what ``keytool -genkey`` or
  Keycloak's dev setup gives). A client trusts it only by skipping verification or by
  trusting that very certificate.
* ``ca-signed`` — a private CA and a server certificate it signed. Clients that skip
  verification still work; the proper fix is to give them the CA certificate as a CA
  bundle (``dashboard.dcr_ca_bundle``, the gateway's CA option).

Both certificates name ``127.0.0.1`` and ``localhost`` as subject alternative names
(RFC 5280 §4.2.1.6; RFC 6125 §6.4 — clients match the SAN, not the CN). Keys are
ECDSA P-256: fast to generate, accepted by Python's ssl, Go's crypto/tls and Java.
The private key is written mode 0600; it is throw-away material for one run and never
a customer's key.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

CertificateKind = Literal["self-signed", "ca-signed"]

#: Names every generated server certificate covers (the harness only listens on loopback).
DEFAULT_HOSTS: tuple[str, ...] = ("127.0.0.1", "localhost")


@dataclass(frozen=True)
class TlsFiles:
    """PEM files for a TLS server and for the clients that should trust it."""

    #: Server certificate chain (leaf first, then the CA when there is one).
    certfile: Path
    #: The server's private key (PKCS#8, unencrypted, mode 0600).
    keyfile: Path
    #: What a client gives as its CA bundle: the CA certificate (``ca-signed``) or the
    #: self-signed certificate itself (``self-signed``).
    ca_bundle: Path
    kind: CertificateKind


def _name(common_name: str) -> x509.Name:
    return x509.Name([
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "dcr-harness"),
        x509.NameAttribute(NameOID.COMMON_NAME, common_name),
    ])


def _san(hosts: Sequence[str]) -> x509.SubjectAlternativeName:
    names: list[x509.GeneralName] = []
    for h in hosts:
        try:
            names.append(x509.IPAddress(ipaddress.ip_address(h)))
        except ValueError:
            names.append(x509.DNSName(h))
    return x509.SubjectAlternativeName(names)


def _validity(days: int) -> tuple[dt.datetime, dt.datetime]:
    now = dt.datetime.now(dt.UTC)
    # A minute of back-dating absorbs small clock differences between processes.
    return now - dt.timedelta(minutes=1), now + dt.timedelta(days=days)


def _new_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def _ski(key: ec.EllipticCurvePrivateKey) -> x509.SubjectKeyIdentifier:
    return x509.SubjectKeyIdentifier.from_public_key(key.public_key())


def _server_builder(
    key: ec.EllipticCurvePrivateKey, issuer: x509.Name, hosts: Sequence[str], days: int
) -> x509.CertificateBuilder:
    not_before, not_after = _validity(days)
    return (
        x509.CertificateBuilder()
        .subject_name(_name(hosts[0]))
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(_san(hosts), critical=False)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(_ski(key), critical=False)
    )


def _pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def _write_key(path: Path, key: ec.EllipticCurvePrivateKey) -> None:
    data = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)


def generate_self_signed(
    directory: str | Path, *, hosts: Sequence[str] = DEFAULT_HOSTS, days: int = 2, stem: str = "idp"
) -> TlsFiles:
    """Write ``<stem>.crt`` (self-signed, also the client's CA bundle) and ``<stem>.key``.

    The certificate is its own issuer. It carries ``basicConstraints CA:TRUE`` so that a
    client given it as a CA bundle accepts it as a trust anchor (RFC 5280 §4.2.1.9);
    without the bundle, verification fails with "self-signed certificate".
    """
    d = Path(directory)
    d.mkdir(parents=True, exist_ok=True)
    key = _new_key()
    name = _name(hosts[0])
    cert = (
        _server_builder(key, name, hosts, days)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(
            digital_signature=True, content_commitment=False, key_encipherment=False,
            data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=False,
            encipher_only=False, decipher_only=False), critical=True)
        .sign(key, hashes.SHA256())
    )
    certfile, keyfile = d / f"{stem}.crt", d / f"{stem}.key"
    certfile.write_bytes(_pem(cert))
    _write_key(keyfile, key)
    return TlsFiles(certfile=certfile, keyfile=keyfile, ca_bundle=certfile, kind="self-signed")


def generate_ca_signed(
    directory: str | Path, *, hosts: Sequence[str] = DEFAULT_HOSTS, days: int = 2, stem: str = "idp"
) -> TlsFiles:
    """Write a private CA (``ca.crt``) and a server certificate it signed
    (``<stem>.crt`` = leaf + CA chain, ``<stem>.key``). Clients trust the server by
    using ``ca.crt`` as their CA bundle."""
    d = Path(directory)
    d.mkdir(parents=True, exist_ok=True)
    ca_key = _new_key()
    ca_name = _name("dcr-harness test CA")
    not_before, not_after = _validity(days)
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(
            digital_signature=True, content_commitment=False, key_encipherment=False,
            data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
            encipher_only=False, decipher_only=False), critical=True)
        .add_extension(_ski(ca_key), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key = _new_key()
    leaf = (
        _server_builder(key, ca_name, hosts, days)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    ca_file, certfile, keyfile = d / "ca.crt", d / f"{stem}.crt", d / f"{stem}.key"
    ca_file.write_bytes(_pem(ca_cert))
    certfile.write_bytes(_pem(leaf) + _pem(ca_cert))
    _write_key(keyfile, key)
    return TlsFiles(certfile=certfile, keyfile=keyfile, ca_bundle=ca_file, kind="ca-signed")


def generate(directory: str | Path, kind: CertificateKind = "self-signed", **kw: object) -> TlsFiles:
    """``generate_self_signed`` or ``generate_ca_signed`` by name."""
    if kind == "self-signed":
        return generate_self_signed(directory, **kw)  # type: ignore[arg-type]  # kw holds the keywords both accept
    if kind == "ca-signed":
        return generate_ca_signed(directory, **kw)  # type: ignore[arg-type]  # kw holds the keywords both accept
    raise ValueError(f"unknown certificate kind {kind!r}; use 'self-signed' or 'ca-signed'")


def idp_tls_dir(report_dir: str | Path) -> Path:
    """Where a run keeps its IdP's TLS material (inside the run's report directory)."""
    return Path(report_dir) / "tls"
