"""A realm's keys, as a fresh Keycloak realm generates them.

* ``rsa-generated``: RSA 2048, RS256, ``use: sig`` — signs access tokens.
* ``rsa-enc-generated``: RSA 2048, RSA-OAEP, ``use: enc`` — published, never used here.
* ``hmac-generated-hs512``: HMAC key for "internal" tokens (initial and registration
  access tokens, refresh tokens); never published.

Key rotation as an administrator does it in Keycloak: add another ``rsa-generated`` key
provider (admin REST ``POST /admin/realms/{r}/components``, ``providerType
org.keycloak.keys.KeyProvider``) with a higher ``priority`` than the realm's (100): new
tokens are signed by the enabled, active key of highest priority, and every enabled key stays
published in the JWKS and keeps verifying the tokens it signed (Keycloak server admin guide,
"Rotating keys"; :meth:`RealmKeys.add_signing_key`). The JWKS lists keys by provider
priority, highest first (measured on 26.7.3, tests/real_keycloak/test_key_rotation.py: the new
key of priority 200 comes first; keys of equal priority come in an order that varies from
realm to realm there, so the emulator keeps its own: the older signing keys, then the
encryption key).

The JWKS entries follow RFC 7517 §4 and the layout observed on 26.7.1:
``kid, kty, alg, use, x5c, x5t, x5t#S256, n, e`` with ``x5c`` standard base64 of a
self-signed certificate (``CN=<realm>``, ~10 years) and the rest base64url. RSA ``kid``
is Keycloak's ``KeyUtils.createKeyId``: base64url(SHA-256(SubjectPublicKeyInfo DER)).
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import secrets
import uuid
from dataclasses import dataclass, field
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from jwcrypto import jwk

from harness.jose.tokens import BadJwt, NotAJwt, decode_unverified, sign, verify


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


@dataclass
class RsaRealmKey:
    """One generated RSA key with its self-signed certificate (RFC 7517 §4.7 x5c)."""

    alg: str
    use: str
    private: rsa.RSAPrivateKey
    cert_der: bytes
    kid: str
    jwk: jwk.JWK

    @classmethod
    def generate(cls, realm: str, alg: str, use: str, now: float) -> RsaRealmKey:
        private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        spki = private.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        kid = _b64url(hashlib.sha256(spki).digest())
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, realm)])
        start = datetime.datetime.fromtimestamp(int(now), tz=datetime.UTC)
        cert = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(private.public_key())
            .serial_number(int(now * 1000))
            .not_valid_before(start)
            .not_valid_after(start + datetime.timedelta(days=3650, seconds=100))
            .sign(private, hashes.SHA256())
        )
        key = jwk.JWK.from_pyca(private)
        return cls(alg, use, private, cert.public_bytes(serialization.Encoding.DER), kid, key)

    def spki_b64(self) -> str:
        """Standard base64 of the SubjectPublicKeyInfo DER (realm info ``public_key``)."""
        spki = self.private.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        return base64.b64encode(spki).decode("ascii")

    def public_jwk(self) -> dict[str, Any]:
        """The JWKS entry, in Keycloak's member order."""
        pub = self.jwk.export_public(as_dict=True)
        return {
            "kid": self.kid,
            "kty": "RSA",
            "alg": self.alg,
            "use": self.use,
            "x5c": [base64.b64encode(self.cert_der).decode("ascii")],
            "x5t": _b64url(hashlib.sha1(self.cert_der).digest()),
            "x5t#S256": _b64url(hashlib.sha256(self.cert_der).digest()),
            "n": pub["n"],
            "e": pub["e"],
        }


@dataclass(frozen=True)
class SigningKey:
    """One RSA signing key with the priority of its key provider (a ``rsa-generated``
    component; ``provider_id`` None for the realm's own, listed by the admin keys endpoint
    under the realm's provider id)."""

    key: RsaRealmKey
    priority: int
    provider_id: str | None = None


#: The priority of the key providers a new realm gets (observed 26.7.3: ``providerPriority`` 100).
DEFAULT_PRIORITY = 100


@dataclass
class RealmKeys:
    """The active keys of one realm: ``sig`` signs access tokens (the signing key of
    highest priority), ``signing`` holds every enabled RSA signing key (``sig`` included)."""

    sig: RsaRealmKey
    enc: RsaRealmKey
    hmac: jwk.JWK
    hmac_kid: str = field(default="")
    signing: list[SigningKey] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.signing:
            self.signing = [SigningKey(self.sig, DEFAULT_PRIORITY)]

    def add_signing_key(self, key: RsaRealmKey, priority: int, provider_id: str | None = None) -> None:
        """Publish ``key`` (a new ``rsa-generated`` provider); it signs new tokens when its
        priority is the highest (on a tie the earlier key keeps signing)."""
        self.signing.append(SigningKey(key, priority, provider_id))
        self.signing.sort(key=lambda s: -s.priority)  # stable: ties keep their order
        self.sig = self.signing[0].key

    @classmethod
    def generate(cls, realm: str, now: float) -> RealmKeys:
        hmac_kid = str(uuid.uuid4())
        hmac_key = jwk.JWK(kty="oct", k=_b64url(secrets.token_bytes(64)), kid=hmac_kid)
        return cls(
            sig=RsaRealmKey.generate(realm, "RS256", "sig", now),
            enc=RsaRealmKey.generate(realm, "RSA-OAEP", "enc", now),
            hmac=hmac_key,
            hmac_kid=hmac_kid,
        )

    def jwks(self) -> dict[str, Any]:
        """RFC 7517 §5 JWK Set of the published keys (the HMAC key is never published):
        the signing keys by priority, highest first, then the encryption key."""
        return {"keys": [*(s.key.public_jwk() for s in self.signing), self.enc.public_jwk()]}

    def sign_access(self, claims: dict[str, Any], typ: str) -> str:
        """An RS256 access token (header ``alg, typ, kid``; ``typ`` is
        ``KeycloakProfile.access_token_typ``)."""
        key = self.sig.jwk
        return sign(claims, key, alg="RS256", headers={"typ": typ, "kid": self.sig.kid})

    def sign_internal(self, claims: dict[str, Any], alg: str) -> str:
        """An HMAC-signed internal token (initial/registration access, refresh)."""
        return sign(claims, self.hmac, alg=alg, headers={"kid": self.hmac_kid})

    def verify_internal(self, token: str, alg: str) -> dict[str, Any]:
        """Claims of an internal token signed by this realm; raises BadJwt."""
        header, claims = verify(token, self.hmac, algs=[alg])
        if header.get("kid") != self.hmac_kid:
            raise BadJwt("unknown kid")
        return claims

    def verify_access(self, token: str) -> dict[str, Any]:
        """Claims of an RS256 token signed by one of this realm's signing keys (the key its
        ``kid`` names); raises BadJwt."""
        try:
            kid = decode_unverified(token)[0].get("kid")
        except NotAJwt as exc:
            raise BadJwt(str(exc)) from None
        key = next((s.key for s in self.signing if s.key.kid == kid), None)
        if key is None:
            raise BadJwt("unknown kid")
        _, claims = verify(token, key.jwk, algs=["RS256"])
        return claims
