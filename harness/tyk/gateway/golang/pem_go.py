"""Public keys from PEM/DER the way Tyk's ``ParseRSAPublicKey`` reads them (RFC 7468, RFC 5280).

Tyk (gateway/mw_jwt.go) takes the first PEM block of any type (or the raw bytes when
there is none), tries ``x509.ParsePKIXPublicKey`` (SubjectPublicKeyInfo only — not a
PKCS#1 ``RSA PUBLIC KEY``) and then ``x509.ParseCertificate``.

Sources: github.com/TykTechnologies/tyk@381c1935/gateway/mw_jwt.go:1375-1393 (ParseRSAPublicKey); std@go1.26.8/encoding/pem/pem.go:89 (Decode);
std@go1.26.8/crypto/x509/x509.go:72 (ParsePKIXPublicKey); std@go1.26.8/crypto/x509/parser.go:1076 (ParseCertificate).
"""

from __future__ import annotations

import base64
import binascii
import re

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from jwcrypto import jwk

_PEM_RE = re.compile(rb"-----BEGIN ([^\r\n-]*)-----\r?\n(.*?)-----END \1-----", re.S)


class PemError(ValueError):
    """Not a SubjectPublicKeyInfo or certificate Tyk could use."""


def public_key_from_pem_or_der(data: bytes) -> jwk.JWK:
    """A jwcrypto public key from PEM or DER bytes, or :class:`PemError`.

    github.com/TykTechnologies/tyk@381c1935/gateway/mw_jwt.go:1377-1380 (ParseRSAPublicKey: first PEM block, else the raw bytes);
    std@go1.26.8/encoding/pem/pem.go:142-154 (Decode: "key: value" header lines),
    std@go1.26.8/encoding/pem/pem.go:184-189 (Decode: body is StdEncoding base64 without spaces/tabs);
    github.com/TykTechnologies/tyk@381c1935/gateway/mw_jwt.go:1383-1390 (ParsePKIXPublicKey, then ParseCertificate's PublicKey).
    """
    der = data
    m = _PEM_RE.search(data)
    if m is not None:
        body = b"".join(line for line in m.group(2).splitlines() if b":" not in line)
        try:
            der = base64.b64decode(body, validate=False)
        except binascii.Error as exc:
            raise PemError(f"PEM body is not base64: {exc}") from None
    try:
        key = serialization.load_der_public_key(der)
        spki = key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
        if spki == der:  # Go's ParsePKIXPublicKey refuses PKCS#1 RSAPublicKey
            return jwk.JWK.from_pyca(key)
    except (ValueError, TypeError):
        pass
    try:
        cert = x509.load_der_x509_certificate(der)
    except ValueError as exc:
        raise PemError("neither a PKIX public key nor a certificate") from exc
    return jwk.JWK.from_pyca(cert.public_key())
