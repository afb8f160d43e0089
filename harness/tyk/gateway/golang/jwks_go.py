"""JWK Set decoding as go-jose v3 (``jose.JSONWebKeySet``) does it — RFC 7517 §5.

Tyk decodes a fetched JWKS with ``json.Unmarshal(buf, &jose.JSONWebKeySet{})``. The
decoding is all-or-nothing: one key go-jose rejects (an EC coordinate that is not
exactly the curve size, RFC 7518 §6.2.1.2; an unknown ``kty``; a wrong JSON type)
fails the whole set, and Tyk then answers 403 to every token. This module reproduces
those rules and explains each refusal in one line ("key 3 (kid=...) has x of 33
bytes, expected 32 for P-256"). Usable keys become jwcrypto keys (or raw bytes for
``oct``); selection is by exact ``kid``, first match wins (go-jose ``Key(kid)``).

Sources: github.com/TykTechnologies/tyk@381c1935/gateway/mw_jwt.go:149 (parseJWK: encoding/json into jose.JSONWebKeySet);
github.com/go-jose/go-jose/v3@v3.0.5/jwk.go:178 (JSONWebKey.UnmarshalJSON, all rules per key below).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwcrypto import jwk

from harness.tyk.gateway.golang.gocompat import (
    EC_CURVES,
    GoDecodeError,
    b64std_decode_go,
    b64url_decode_trim_go,
    ec_curve_size,
    go_json_loads,
    go_type_name,
)

# github.com/go-jose/go-jose/v3@v3.0.5/jwk.go:42-68 (rawJSONWebKey: string fields, *byteBuffer fields, x5c []string).
_STRING_FIELDS = ("use", "kty", "kid", "crv", "alg", "x5u", "x5t", "x5t#S256")
_BUFFER_FIELDS = ("k", "x", "y", "n", "e", "d", "p", "q", "dp", "dq", "qi")


class JwksDecodeError(ValueError):
    """go-jose would reject this JWK Set document; ``str()`` says why, in one line."""


@dataclass(frozen=True)
class GoJwk:
    """One decoded key. ``key`` is what golang-jwt would receive: a public jwcrypto JWK,
    raw bytes (``oct``), or None when golang-jwt could not verify with it
    (private keys, Ed25519, numbers cryptography refuses); ``note`` says why."""

    index: int
    kid: str
    kty: str
    key: jwk.JWK | bytes | None
    note: str = ""


@dataclass(frozen=True)
class GoJwks:
    keys: tuple[GoJwk, ...]

    def first(self, kid: str) -> GoJwk | None:
        """go-jose ``JSONWebKeySet.Key(kid)[0]``: the first key whose kid equals ``kid``
        (an empty kid matches keys without one).

        github.com/go-jose/go-jose/v3@v3.0.5/jwk.go:340-347 (Key: exact KeyID match, in order);
        github.com/TykTechnologies/tyk@381c1935/gateway/mw_jwt.go:292 (getSecretFromURL: keys[0])."""
        for k in self.keys:
            if k.kid == kid:
                return k
        return None


def _go_fold(s: str) -> str:
    # encoding/json matches struct fields case-insensitively (with Unicode simple
    # folding: U+017F folds to "s", U+212A to "k"): std@go1.26.8/encoding/json/decode.go:699-701
    # (object: byExactName, then byFoldedName), std@go1.26.8/encoding/json/fold.go:22 (appendFoldedName).
    return s.replace("\u017f", "s").replace("\u212a", "k").lower()


def decode_jwks(body: bytes | str) -> GoJwks:
    """Decode a JWKS document or raise :class:`JwksDecodeError`.

    github.com/TykTechnologies/tyk@381c1935/gateway/mw_jwt.go:147-153 (parseJWK: json.Unmarshal, any error fails the set);
    github.com/go-jose/go-jose/v3@v3.0.5/jwk.go:333-335 (JSONWebKeySet: Keys []JSONWebKey `json:"keys"`);
    std@go1.26.8/encoding/json/decode.go:102 (Unmarshal: null is a no-op, a wrong type is an error)."""
    try:
        doc = go_json_loads(body)
    except GoDecodeError as exc:
        raise JwksDecodeError(f"JWKS is not JSON: {exc}") from None
    if doc is None:
        return GoJwks(())
    if not isinstance(doc, dict):
        raise JwksDecodeError(f"JWKS is a JSON {go_type_name(doc)}, not an object")
    raw_keys: Any = None
    for name, value in doc.items():
        if _go_fold(name) == "keys":  # the top level uses encoding/json (case-insensitive)
            raw_keys = value
    if raw_keys is None:
        return GoJwks(())
    if not isinstance(raw_keys, list):
        raise JwksDecodeError(f'JWKS "keys" is a JSON {go_type_name(raw_keys)}, not an array')
    return GoJwks(tuple(_decode_key(i, raw) for i, raw in enumerate(raw_keys)))


def _label(index: int, raw: dict[str, Any]) -> str:
    kid = raw.get("kid")
    return f"JWKS key {index} (kid={kid!r})" if isinstance(kid, str) and kid else f"JWKS key {index}"


# github.com/go-jose/go-jose/v3@v3.0.5/jwk.go:178-330 (JSONWebKey.UnmarshalJSON): string fields, byteBuffer fields
# (github.com/go-jose/go-jose/v3@v3.0.5/encoding.go:159-177, byteBuffer.UnmarshalJSON), x5c, key, x5c/key match
# (github.com/go-jose/go-jose/v3@v3.0.5/jwk.go:252-255), thumbprints.
def _decode_key(index: int, raw: Any) -> GoJwk:
    if not isinstance(raw, dict):
        raise JwksDecodeError(f"JWKS key {index} is a JSON {go_type_name(raw)}, not an object")
    label = _label(index, raw)
    fields: dict[str, Any] = {}
    for name in _STRING_FIELDS:
        v = raw.get(name)
        if v is not None and not isinstance(v, str):
            raise JwksDecodeError(f'{label}: "{name}" is a JSON {go_type_name(v)}, expected a string')
        fields[name] = v or ""
    buf: dict[str, bytes | None] = {}
    for name in _BUFFER_FIELDS:
        v = raw.get(name)
        if v is None:
            buf[name] = None
            continue
        if not isinstance(v, str):
            raise JwksDecodeError(f'{label}: "{name}" is a JSON {go_type_name(v)}, expected a base64url string')
        try:
            buf[name] = b64url_decode_trim_go(v) if v else b""
        except GoDecodeError as exc:
            raise JwksDecodeError(f'{label}: "{name}" is not base64url: {exc}') from None
    certs = _certificates(label, raw.get("x5c"))
    kty = fields["kty"]
    key, note, pub = _key_for(label, kty, fields["crv"], buf, bool(certs))
    if certs and pub is not None and not _same_public(certs[0].public_key(), pub):
        raise JwksDecodeError(f"{label}: public keys in key and x5c fields do not match")
    _check_thumbprints(label, fields, certs)
    return GoJwk(index=index, kid=fields["kid"], kty=kty, key=key, note=note)


# github.com/go-jose/go-jose/v3@v3.0.5/shared.go:445-458 (parseCertificateChain: StdEncoding, x509.ParseCertificate).
def _certificates(label: str, x5c: Any) -> list[x509.Certificate]:
    if x5c is None:
        return []
    if not isinstance(x5c, list) or not all(isinstance(c, str) for c in x5c):
        raise JwksDecodeError(f'{label}: "x5c" must be an array of strings')
    certs = []
    for i, c in enumerate(x5c):
        try:
            certs.append(x509.load_der_x509_certificate(b64std_decode_go(c)))
        except (GoDecodeError, ValueError) as exc:
            raise JwksDecodeError(f"{label}: x5c[{i}] is not a base64 DER certificate: {exc}") from None
    return certs


def _key_for(
    label: str, kty: str, crv: str, buf: dict[str, bytes | None], has_cert: bool
) -> tuple[jwk.JWK | bytes | None, str, Any]:
    """Return (key for golang-jwt, note, public key object for the x5c comparison).

    github.com/go-jose/go-jose/v3@v3.0.5/jwk.go:204-246 (UnmarshalJSON: switch on kty; oct with a cert chain at :225-228;
    OKP needs crv Ed25519 and x at :230-243; unknown kty at :245);
    github.com/go-jose/go-jose/v3@v3.0.5/jwk.go:775-779 (symmetricKey: missing k)."""
    if kty == "EC":
        return _ec_key(label, crv, buf)
    if kty == "RSA":
        return _rsa_key(label, buf)
    if kty == "oct":
        if has_cert:
            raise JwksDecodeError(f"{label}: 'oct' (symmetric) key with a certificate chain")
        if buf["k"] is None:
            raise JwksDecodeError(f"{label}: oct key is missing k")
        return buf["k"], "", None
    if kty == "OKP":
        if crv == "Ed25519" and buf["x"] is not None:
            return None, "Ed25519 key: no JWS family in Tyk accepts EdDSA", None
        raise JwksDecodeError(f"{label}: unknown curve {crv!r}")
    raise JwksDecodeError(f"{label}: unknown json web key type {kty!r}")


# github.com/go-jose/go-jose/v3@v3.0.5/jwk.go:511-551 (ecPublicKey: curve, missing x/y, wrong length for x/y, IsOnCurve);
# github.com/go-jose/go-jose/v3@v3.0.5/jwk.go:688-736 (ecPrivateKey: also d of dSize bytes at :717).
def _ec_key(label: str, crv: str, buf: dict[str, bytes | None]) -> tuple[jwk.JWK | None, str, Any]:
    size = ec_curve_size(crv)
    if size is None:
        raise JwksDecodeError(f"{label}: unsupported elliptic curve {crv!r}")
    x, y, d = buf["x"], buf["y"], buf["d"]
    private = d is not None
    if x is None or y is None:
        raise JwksDecodeError(f"{label}: EC key is missing x/y")
    for name, value in (("x", x), ("y", y)):
        if len(value) != size:
            # go-jose: "invalid EC public key, wrong length for x" (Gluu's BigInteger bug)
            raise JwksDecodeError(f"{label} has {name} of {len(value)} bytes, expected {size} for {crv}")
    if private and len(d) != size:  # type: ignore[arg-type]  # d is set when private
        raise JwksDecodeError(f"{label}: EC private key has d of {len(d)} bytes, expected {size}")  # type: ignore[arg-type]  # d is set when private
    try:
        pub = ec.EllipticCurvePublicNumbers(
            int.from_bytes(x, "big"), int.from_bytes(y, "big"), EC_CURVES[crv]
        ).public_key()
    except ValueError:
        raise JwksDecodeError(f"{label}: EC point x/y is not on {crv}") from None
    if private:
        return None, "private EC key: golang-jwt verifies only with a public key", pub
    return jwk.JWK.from_pyca(pub), "", pub


# github.com/go-jose/go-jose/v3@v3.0.5/jwk.go:484-493 (rsaPublicKey: missing n/e); github.com/go-jose/go-jose/v3@v3.0.5/jwk.go:612-655 (rsaPrivateKey:
# first missing of N/E/D/P/Q at :614-629).
def _rsa_key(label: str, buf: dict[str, bytes | None]) -> tuple[jwk.JWK | None, str, Any]:
    if buf["d"] is not None:
        missing = [n.upper() for n in ("n", "e", "d", "p", "q") if buf[n] is None]
        if missing:
            raise JwksDecodeError(f"{label}: invalid RSA private key, missing {missing[0]} value")
        return None, "private RSA key: golang-jwt verifies only with a public key", None
    n, e = buf["n"], buf["e"]
    if n is None or e is None:
        raise JwksDecodeError(f"{label}: invalid RSA key, missing n/e values")
    try:
        pub = rsa.RSAPublicNumbers(int.from_bytes(e, "big"), int.from_bytes(n, "big")).public_key()
    except ValueError as exc:
        # go-jose keeps such a key; it can never verify a signature.
        return None, f"RSA numbers unusable: {exc}", None
    return jwk.JWK.from_pyca(pub), "", pub


# github.com/go-jose/go-jose/v3@v3.0.5/jwk.go:252-255 (UnmarshalJSON: reflect.DeepEqual(certPub, keyPub)).
def _same_public(a: Any, b: Any) -> bool:
    try:
        return bool(a.public_numbers() == b.public_numbers())
    except AttributeError:
        return False


# github.com/go-jose/go-jose/v3@v3.0.5/jwk.go:267-326 (UnmarshalJSON: x5t/x5t#S256 base64url, hex form of 2*size bytes,
# size check, match against the leaf certificate).
def _check_thumbprints(label: str, fields: dict[str, Any], certs: list[x509.Certificate]) -> None:
    from cryptography.hazmat.primitives.serialization import Encoding

    leaf = certs[0].public_bytes(Encoding.DER) if certs else None
    for name, algo, size in (("x5t", hashlib.sha1, 20), ("x5t#S256", hashlib.sha256, 32)):
        value = fields[name]
        try:
            raw = b64url_decode_trim_go(value) if value else b""
        except GoDecodeError:
            raise JwksDecodeError(f"{label}: {name} has invalid encoding") from None
        if len(raw) == 2 * size:  # hex-encoded thumbprint (go-jose accepts both)
            try:
                raw = bytes.fromhex(raw.decode("ascii"))
            except ValueError:
                raise JwksDecodeError(f"{label}: unable to hex decode {name}") from None
        if raw and len(raw) != size:
            raise JwksDecodeError(f"{label}: {name} is of incorrect size")
        if raw and leaf is not None and algo(leaf).digest() != raw:
            raise JwksDecodeError(f"{label}: x5c thumbprint does not match {name}")
