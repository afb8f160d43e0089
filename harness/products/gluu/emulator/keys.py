"""oxAuth's keystore and JWKS document, with both historical EC serialisation faults.

oxAuth holds one key per algorithm of its key generator (RS256 ... PS512 for signing,
RSA1_5 and RSA-OAEP for encryption) with kid ``<uuid>_<use>_<alg lower case>`` and an
``exp`` in milliseconds (src:OxAuthCryptoProvider.generateKey, getKidSuffix). The JWKS
endpoint publishes the subset named by ``jwksAlgorithmsSupported``
(src:JwkRestWebServiceImpl.filterKeys) and writes each key with JSONWebKey.toJSONObject.

EC coordinates are *not* written as RFC 7518 §6.2.1.2 asks (exactly the curve size):
:func:`serialise_coordinate` reproduces Java's ``BigInteger.toByteArray()`` ("sign-byte",
4.2.1-4.3) and oxAuth's ``base64urlencodeUnsignedBigInt`` ("stripped", 4.0-4.2.0 and 4.4+).
The published JWK dict is therefore built here from the raw integers; jwcrypto (through
harness.jose) only ever sees the private keys, for signing.

Keys are deterministic for a given seed (EC: the private scalar is derived from the seed,
so tests can pick seeds that hit each fault on purpose; kids: derived from the seed). RSA
keys cannot be derived from a seed with ``cryptography``; they are generated once per
(seed, algorithm) and process and cached, which keeps emulator start-up fast.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID
from jwcrypto import jwk

from harness.products.gluu.profile import KNOWN_JWKS_ALGORITHMS, EcSerialisation, GluuProfile

KeyType = Literal["RSA", "EC"]


@dataclass(frozen=True)
class AlgSpec:
    """What oxAuth's key generator makes for one algorithm (src:Algorithm, AlgorithmFamily)."""

    kty: KeyType
    use: Literal["sig", "enc"]
    crv: str | None = None
    #: Coordinate size RFC 7518 §6.2.1.2 requires, in bytes (EC only).
    coordinate_bytes: int = 0


ALGORITHMS: dict[str, AlgSpec] = {
    "RS256": AlgSpec("RSA", "sig"),
    "RS384": AlgSpec("RSA", "sig"),
    "RS512": AlgSpec("RSA", "sig"),
    "ES256": AlgSpec("EC", "sig", "P-256", 32),
    "ES384": AlgSpec("EC", "sig", "P-384", 48),
    "ES512": AlgSpec("EC", "sig", "P-521", 66),
    "PS256": AlgSpec("RSA", "sig"),
    "PS384": AlgSpec("RSA", "sig"),
    "PS512": AlgSpec("RSA", "sig"),
    "RSA1_5": AlgSpec("RSA", "enc"),
    "RSA-OAEP": AlgSpec("RSA", "enc"),
}
assert tuple(ALGORITHMS) == KNOWN_JWKS_ALGORITHMS

_CURVES: dict[str, ec.EllipticCurve] = {"P-256": ec.SECP256R1(), "P-384": ec.SECP384R1(), "P-521": ec.SECP521R1()}
_HASHES: dict[str, type[hashes.SHA256] | type[hashes.SHA384] | type[hashes.SHA512]] = {
    "256": hashes.SHA256, "384": hashes.SHA384, "512": hashes.SHA512,
}

#: RSA modulus size oxAuth generates (src:OxAuthCryptoProvider ``keyGen.initialize(2048, ...)``).
RSA_BITS = 2048
#: The keystore's certificate subject (ce-setup ``dnName`` default).
CERT_SUBJECT = "oxAuth CA Certificates"


# --- the two serialisation faults ---------------------------------------------------

def java_to_byte_array(n: int) -> bytes:
    """Java ``BigInteger.toByteArray()`` for ``n >= 0``: the minimal big-endian two's
    complement, i.e. ``bitLength/8 + 1`` bytes — a 0x00 sign byte when the top bit of the
    top byte is set, and *no* left padding."""
    if n < 0:
        raise ValueError("coordinates are non-negative")
    return n.to_bytes(n.bit_length() // 8 + 1, "big")


def serialise_coordinate(n: int, mode: EcSerialisation) -> bytes:
    """The bytes oxAuth base64url-encodes for an EC coordinate (src:OxAuthCryptoProvider,
    Base64Util): ``sign-byte`` = ``toByteArray()``; ``stripped`` = that minus one leading
    0x00 (``base64urlencodeUnsignedBigInt``)."""
    raw = java_to_byte_array(n)
    if mode == "sign-byte":
        return raw
    if mode == "stripped":
        return raw[1:] if raw[0] == 0 else raw
    raise ValueError(f"unknown EC serialisation {mode!r}")


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unsigned(n: int) -> bytes:
    """``base64urlencodeUnsignedBigInt`` for RSA ``n``/``e`` (always correct for them)."""
    return serialise_coordinate(n, "stripped")


# --- key factories ------------------------------------------------------------------

class KeyFactory(Protocol):
    """Makes the keystore's keys; inject one to control them (tests, fixtures)."""

    def rsa_key(self, alg: str) -> rsa.RSAPrivateKey: ...

    def ec_key(self, alg: str, curve: ec.EllipticCurve) -> ec.EllipticCurvePrivateKey: ...

    def key_uuid(self, alg: str) -> str: ...


_RSA_CACHE: dict[tuple[int, str], rsa.RSAPrivateKey] = {}
_RSA_LOCK = threading.Lock()


class SeededKeyFactory:
    """EC keys and kids derived from ``seed`` (deterministic); RSA keys generated once per
    (seed, algorithm) and cached for the process."""

    def __init__(self, seed: int) -> None:
        self.seed = int(seed)

    def _digest(self, *parts: str) -> bytes:
        text = "/".join(("dcr-harness", "gluu", str(self.seed), *parts))
        return hashlib.sha512(text.encode()).digest()

    def ec_scalar(self, alg: str, curve: ec.EllipticCurve) -> int:
        """Private scalar in ``[1, 2**(bits-1)]`` — below every NIST curve order."""
        material = self._digest("ec", alg) + self._digest("ec2", alg)
        return int.from_bytes(material, "big") % (1 << (curve.key_size - 1)) + 1

    def ec_key(self, alg: str, curve: ec.EllipticCurve) -> ec.EllipticCurvePrivateKey:
        return ec.derive_private_key(self.ec_scalar(alg, curve), curve)

    def rsa_key(self, alg: str) -> rsa.RSAPrivateKey:
        with _RSA_LOCK:
            key = _RSA_CACHE.get((self.seed, alg))
            if key is None:
                key = rsa.generate_private_key(public_exponent=65537, key_size=RSA_BITS)
                _RSA_CACHE[(self.seed, alg)] = key
            return key

    def key_uuid(self, alg: str) -> str:
        return str(uuid.UUID(bytes=self._digest("kid", alg)[:16], version=4))


def ec_coordinate_lengths(seed: int, alg: str, mode: EcSerialisation) -> tuple[int, int]:
    """Byte lengths of the published ``x`` and ``y`` of ``alg``'s key for ``seed`` — to
    choose seeds that hit (or avoid) a serialisation fault."""
    spec = ALGORITHMS[alg]
    pub = SeededKeyFactory(seed).ec_key(alg, _CURVES[spec.crv or ""]).public_key().public_numbers()
    return len(serialise_coordinate(pub.x, mode)), len(serialise_coordinate(pub.y, mode))


# --- the keystore -------------------------------------------------------------------

@dataclass
class GluuKey:
    """One keystore entry: the private key (for signing) and what the JWKS shows of it."""

    alg: str
    spec: AlgSpec
    kid: str
    private: Any
    exp_ms: int
    x5c: list[str] = field(default_factory=list)

    @property
    def jwk(self) -> jwk.JWK:
        """The private key as a jwcrypto JWK with this kid and alg (for harness.jose.sign)."""
        data = jwk.JWK.from_pyca(self.private).export(private_key=True, as_dict=True)
        data.update(kid=self.kid, alg=self.alg, use=self.spec.use)
        return jwk.JWK(**data)

    def public_numbers(self) -> Any:
        return self.private.public_key().public_numbers()

    def published(self, profile: GluuProfile) -> dict[str, Any]:
        """The JWK exactly as oxAuth publishes it (src:JSONWebKey.toJSONObject: kid, kty,
        use, alg, exp, crv — ``""`` for RSA —, n/e or x/y, x5c)."""
        out: dict[str, Any] = {
            "kid": self.kid,
            "kty": self.spec.kty,
            "use": self.spec.use,
            "alg": self.alg,
            "exp": self.exp_ms,
        }
        nums = self.public_numbers()
        if self.spec.kty == "RSA":
            if profile.rsa_jwk_empty_crv:
                out["crv"] = ""
            out["n"] = b64url(_unsigned(nums.n))
            out["e"] = b64url(_unsigned(nums.e))
        else:
            out["crv"] = self.spec.crv
            out["x"] = b64url(serialise_coordinate(nums.x, profile.ec_coordinate_serialisation))
            out["y"] = b64url(serialise_coordinate(nums.y, profile.ec_coordinate_serialisation))
        if profile.jwks_include_x5c and self.x5c:
            out["x5c"] = list(self.x5c)
        return out


def _self_signed(private: Any, alg: str, not_after: dt.datetime, now: dt.datetime) -> str:
    """Base64 DER of a self-signed certificate for ``private`` (oxAuth keeps one per key
    because the Java keystore needs a chain)."""
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, CERT_SUBJECT)])
    digest = _HASHES.get(alg[-3:], hashes.SHA256)()
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(private.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=1))
        .not_valid_after(not_after)
        .sign(private, digest)
    )
    return base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode("ascii")


class GluuKeyStore:
    """All keys of one oxAuth instance. The keystore always holds every algorithm;
    ``jwks_algorithms_supported`` only filters what :meth:`jwks` publishes."""

    def __init__(
        self,
        profile: GluuProfile,
        factory: KeyFactory,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.profile = profile
        now_s = clock()
        exp_ms = int((now_s + profile.key_lifetime_hours * 3600) * 1000)
        now_dt = dt.datetime.fromtimestamp(now_s, dt.UTC)
        not_after = dt.datetime.fromtimestamp(exp_ms / 1000, dt.UTC)
        self.keys: dict[str, GluuKey] = {}
        for alg, spec in ALGORITHMS.items():
            private: Any
            if spec.kty == "RSA":
                private = factory.rsa_key(alg)
            else:
                private = factory.ec_key(alg, _CURVES[spec.crv or ""])
            kid = f"{factory.key_uuid(alg)}_{spec.use}_{alg.lower()}"
            x5c = [_self_signed(private, alg, not_after, now_dt)] if profile.jwks_include_x5c else []
            self.keys[alg] = GluuKey(alg=alg, spec=spec, kid=kid, private=private, exp_ms=exp_ms, x5c=x5c)

    def jwks(self, algorithms_supported: tuple[str, ...] | list[str]) -> dict[str, Any]:
        """The JWKS document (RFC 7517 §5) as oxAuth serves it: keys in keystore order,
        filtered by ``jwksAlgorithmsSupported`` (empty = all)."""
        wanted = set(algorithms_supported)
        return {
            "keys": [
                key.published(self.profile)
                for alg, key in self.keys.items()
                if not wanted or alg in wanted
            ]
        }

    def signing_key(self, alg: str) -> GluuKey:
        """The keystore key for signature algorithm ``alg`` (RS*, PS*, ES*)."""
        key = self.keys.get(alg)
        if key is None or key.spec.use != "sig":
            raise KeyError(f"no signing key for {alg}")
        return key

    def by_kid(self, kid: str) -> GluuKey | None:
        return next((k for k in self.keys.values() if k.kid == kid), None)
