"""Go-compatible decoding and JWS signature checks, as the Tyk gateway performs them.

Tyk (gateway/mw_jwt.go) parses tokens with golang-jwt v4.5 and JWK Sets with go-jose
v3. Their acceptance rules differ from jwcrypto's defaults in small ways that decide
real verdicts, so the harness models them here and keeps the cryptography in jwcrypto.
Versions are the ones Tyk 381c1935's go.mod pins (golang-jwt/jwt/v4 v4.5.2, go-jose/v3
v3.0.5, ``go 1.25.0``); standard-library lines are from the go1.26.8 sources on this host.

* segments are base64url *without* padding, CR/LF ignored, any other non-alphabet
  character rejected (Go ``base64.RawURLEncoding``, non-strict) — RFC 7515 §2;
* JSON is Go ``encoding/json``: numbers are float64 (an overflow is an error),
  ``NaN``/``Infinity`` are not JSON, invalid UTF-8 inside strings becomes U+FFFD;
* the claims segment is read with ``json.Decoder``: only the first JSON value counts;
* ECDSA signatures must be exactly ``2 × coordinate size`` bytes (RFC 7518 §3.4);
  RSA signatures exactly the modulus size;
* PS* signatures are verified with ``rsa.PSSSaltLengthAuto`` (golang-jwt rsa_pss.go),
  so a salt length other than the digest size is accepted;
* HMAC keys of any length are accepted (RFC 7518 §3.2's minimum is not enforced).
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from jwcrypto import jwk
from jwcrypto.common import base64url_encode
from jwcrypto.jwa import JWA

#: Algorithms golang-jwt v4 registers (RegisterSigningMethod); any other ``alg`` value
#: fails parsing with "signing method (alg) is unavailable.":
#: github.com/golang-jwt/jwt/v4@v4.5.2/parser.go:170-172 (ParseUnverified),
#: github.com/golang-jwt/jwt/v4@v4.5.2/hmac.go:27, github.com/golang-jwt/jwt/v4@v4.5.2/rsa.go:26, github.com/golang-jwt/jwt/v4@v4.5.2/rsa_pss.go:44,
#: github.com/golang-jwt/jwt/v4@v4.5.2/ecdsa.go:35, github.com/golang-jwt/jwt/v4@v4.5.2/ed25519.go:26,
#: github.com/golang-jwt/jwt/v4@v4.5.2/none.go:18 (init → RegisterSigningMethod).
GO_JWT_ALGS: frozenset[str] = frozenset(
    {"HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512",
     "ES256", "ES384", "ES512", "EdDSA", "none"}
)

#: ECDSA coordinate size in bytes per JWS alg: github.com/golang-jwt/jwt/v4@v4.5.2/ecdsa.go:34,40,46 (init, KeySize 32/48/66).
ECDSA_KEY_SIZE: dict[str, int] = {"ES256": 32, "ES384": 48, "ES512": 66}

_HASHES: dict[str, type[hashes.HashAlgorithm]] = {"256": hashes.SHA256, "384": hashes.SHA384, "512": hashes.SHA512}

_RAW_URL_RE = re.compile(r"[A-Za-z0-9_-]*")
_STD_RE = re.compile(r"[A-Za-z0-9+/]*={0,2}")


class GoDecodeError(ValueError):
    """Input Go's decoders would reject (base64 or JSON)."""


class SignatureError(ValueError):
    """The signature does not verify (or the key cannot be used for this alg)."""


def b64url_decode_go(seg: str) -> bytes:
    """Go ``base64.RawURLEncoding.DecodeString`` (non-strict), as golang-jwt's
    ``DecodeSegment`` uses it (RFC 7515 §2 base64url without padding).

    github.com/golang-jwt/jwt/v4@v4.5.2/token.go:129-142 (DecodeSegment: RawURLEncoding, no padding, not strict);
    std@go1.26.8/encoding/base64/base64.go:340 (decodeQuantum: CR/LF skipped),
    std@go1.26.8/encoding/base64/base64.go:325 (decodeQuantum: one trailing character is corrupt).
    """
    s = seg.replace("\r", "").replace("\n", "")
    if not _RAW_URL_RE.fullmatch(s):
        bad = next(c for c in s if not (c.isascii() and (c.isalnum() or c in "-_")))
        raise GoDecodeError(f"illegal base64 data: character {bad!r}")
    if len(s) % 4 == 1:
        raise GoDecodeError("illegal base64 data: impossible length")
    s = s + "=" * (-len(s) % 4)
    return base64.urlsafe_b64decode(s)


def b64url_decode_trim_go(seg: str) -> bytes:
    """go-jose ``base64URLDecode``: trailing ``=`` trimmed, then raw base64url.

    github.com/go-jose/go-jose/v3@v3.0.5/encoding.go:201-203 (base64URLDecode);
    github.com/go-jose/go-jose/v3@v3.0.5/encoding.go:166 (byteBuffer.UnmarshalJSON:
    "" is an empty value — the caller maps "" to ``b""``)."""
    return b64url_decode_go(seg.rstrip("="))


def b64std_decode_go(s: str) -> bytes:
    """Go ``base64.StdEncoding.DecodeString`` (padded, CR/LF ignored): how Tyk decodes
    ``jwt_source`` and legacy ``x5c`` values.

    github.com/TykTechnologies/tyk@381c1935/gateway/mw_jwt.go:235 (getSecretFromURL),
    github.com/TykTechnologies/tyk@381c1935/gateway/mw_jwt.go:197 (legacyGetSecretFromURL), github.com/go-jose/go-jose/v3@v3.0.5/shared.go:448
    (parseCertificateChain, x5c); std@go1.26.8/encoding/base64/base64.go:325 (padded: length must be
    a multiple of 4), std@go1.26.8/encoding/base64/base64.go:340 (CR/LF skipped)."""
    t = s.replace("\r", "").replace("\n", "")
    if len(t) % 4 != 0 or not _STD_RE.fullmatch(t):
        raise GoDecodeError("illegal base64 data (standard alphabet, padded)")
    try:
        return base64.b64decode(t, validate=True)
    except binascii.Error as exc:
        raise GoDecodeError(f"illegal base64 data: {exc}") from exc


def _reject_constant(name: str) -> Any:
    raise GoDecodeError(f"invalid character in JSON: {name} is not JSON")


def _go_int(text: str) -> float:
    try:
        value = float(int(text))
    except OverflowError as exc:
        raise GoDecodeError(f"cannot unmarshal number {text[:20]}... into float64") from exc
    return value


def _go_float(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise GoDecodeError(f"cannot unmarshal number {text[:20]} into float64")
    return value


_DECODER = json.JSONDecoder(parse_int=_go_int, parse_float=_go_float, parse_constant=_reject_constant)
_GO_WS = " \t\r\n"


def go_json_loads(data: bytes | str, *, first_value_only: bool = False) -> Any:
    """Decode JSON the way Go's ``encoding/json`` does (numbers as float64).

    ``first_value_only`` models ``json.NewDecoder(..).Decode`` (golang-jwt's claims
    decoding): data after the first complete value is never read.

    github.com/golang-jwt/jwt/v4@v4.5.2/parser.go:143 (header: json.Unmarshal),
    github.com/golang-jwt/jwt/v4@v4.5.2/parser.go:154-160 (claims: json.NewDecoder
    + Decode, first value only); std@go1.26.8/encoding/json/stream.go:51 (Decoder.Decode);
    std@go1.26.8/encoding/json/decode.go:842 (convertNumber: ParseFloat 64, overflow is an error);
    std@go1.26.8/encoding/json/scanner.go:217 (stateBeginValue: no NaN/Infinity);
    std@go1.26.8/encoding/json/decode.go:1293 (unquoteBytes: invalid UTF-8 → U+FFFD);
    std@go1.26.8/encoding/json/scanner.go:201 (isSpace: space, tab, CR, LF);
    std@go1.26.8/encoding/json/scanner.go:148 (maxNestingDepth = 10000).
    """
    text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
    try:
        if first_value_only:
            stripped = text.lstrip(_GO_WS)
            if not stripped:
                raise GoDecodeError("EOF")
            value, _ = _DECODER.raw_decode(stripped)
            return value
        return _DECODER.decode(text)
    except GoDecodeError:
        raise
    except RecursionError as exc:  # Go allows 10000 levels; Python stops earlier
        raise GoDecodeError("JSON nested too deeply") from exc
    except ValueError as exc:
        raise GoDecodeError(str(exc)) from exc


def go_type_name(value: Any) -> str:
    """The JSON type as Go's decoder names it in errors.

    std@go1.26.8/encoding/json/decode.go:842 (UnmarshalTypeError "number ..."); github.com/go-jose/go-jose/v3@v3.0.5/json/decode.go:567
    (object: a wrong JSON type for a JWK field is an error)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def oct_jwk(secret: bytes) -> jwk.JWK:
    """A jwcrypto symmetric key for ``secret`` (RFC 7518 §6.4).

    github.com/golang-jwt/jwt/v4@v4.5.2/hmac.go:51 (SigningMethodHMAC.Verify: the key is a raw ``[]byte``)."""
    return jwk.JWK(kty="oct", k=base64url_encode(secret))


def verify_signature(
    alg: str,
    key: jwk.JWK | bytes,
    signing_input: bytes,
    signature: bytes,
    *,
    pss_salt_length_auto: bool = True,
) -> None:
    """Verify a JWS signature (RFC 7515 §5.2 step 8) with golang-jwt v4's acceptance
    rules; raise :class:`SignatureError` when golang-jwt would refuse it.

    ``key`` is a public jwcrypto JWK (RSA/EC) or raw bytes (an HMAC secret), matching the
    Go key types ``*rsa.PublicKey``/``*ecdsa.PublicKey``/``[]byte``.

    github.com/golang-jwt/jwt/v4@v4.5.2/parser.go:93-94 (ParseWithClaims: Method.Verify after the Keyfunc);
    github.com/golang-jwt/jwt/v4@v4.5.2/hmac.go:51-53,72 (HMAC: []byte key, hmac.Equal, no minimum length);
    github.com/golang-jwt/jwt/v4@v4.5.2/rsa.go:60-62,73 (RSA: *rsa.PublicKey, VerifyPKCS1v15);
    github.com/golang-jwt/jwt/v4@v4.5.2/rsa_pss.go:94-99,114 (PSS: *rsa.PublicKey, VerifyOptions PSSSaltLengthAuto at :41);
    github.com/golang-jwt/jwt/v4@v4.5.2/ecdsa.go:68-78 (ECDSA: *ecdsa.PublicKey, len(sig) == 2*KeySize);
    std@go1.26.8/crypto/internal/fips140/rsa/pkcs1v15.go:111 and
    std@go1.26.8/crypto/internal/fips140/rsa/pkcs1v22.go:338 (len(sig) must equal the modulus size).
    """
    family, bits = alg[:2], alg[2:]
    if family == "HS":
        if not isinstance(key, (bytes, bytearray)):
            raise SignatureError("key is of invalid type (HMAC needs a byte secret)")
        _verify_hmac(alg, bytes(key), signing_input, signature)
        return
    if isinstance(key, (bytes, bytearray)) or family not in ("RS", "PS", "ES") or bits not in _HASHES:
        raise SignatureError(f"key is of invalid type for {alg}")
    kty = key.get("kty")
    if family in ("RS", "PS"):
        if kty != "RSA" or key.has_private:
            raise SignatureError(f"key is of invalid type for {alg} (needs an RSA public key)")
        size = (_rsa_pub(key).key_size + 7) // 8
        # std@go1.26.8/crypto/internal/fips140/rsa/pkcs1v15.go:111 (verifyPKCS1v15), pkcs1v22.go:338 (verifyPSS)
        if len(signature) != size:
            raise SignatureError(f"signature is {len(signature)} bytes, modulus is {size}")
    else:
        if kty != "EC" or key.has_private:
            raise SignatureError(f"key is of invalid type for {alg} (needs an EC public key)")
        expected = 2 * ECDSA_KEY_SIZE[alg]
        if len(signature) != expected:  # github.com/golang-jwt/jwt/v4@v4.5.2/ecdsa.go:76 (Verify)
            raise SignatureError(f"ECDSA signature is {len(signature)} bytes, expected {expected}")
    try:
        JWA.signing_alg(alg).verify(key, signing_input, signature)
        return
    except Exception as exc:  # jwcrypto raises cryptography/jwcrypto errors
        first_error = exc
    if family == "PS" and pss_salt_length_auto:
        # github.com/golang-jwt/jwt/v4@v4.5.2/rsa_pss.go:41,107-114 (VerifyOptions PSSSaltLengthAuto): any salt length;
        # std@go1.26.8/crypto/rsa/fips.go:166-167 (VerifyPSS, PSSSaltLengthAuto).
        try:
            _rsa_pub(key).verify(
                signature, signing_input,
                padding.PSS(mgf=padding.MGF1(_HASHES[bits]()), salt_length=padding.PSS.AUTO),
                _HASHES[bits](),
            )
            return
        except InvalidSignature:
            pass
    raise SignatureError(f"signature does not verify: {type(first_error).__name__}")


def _rsa_pub(key: jwk.JWK) -> rsa.RSAPublicKey:
    pub = key.get_op_key("verify")
    assert isinstance(pub, rsa.RSAPublicKey)
    return pub


def _verify_hmac(alg: str, secret: bytes, signing_input: bytes, signature: bytes) -> None:
    bits = alg[2:]
    if bits not in _HASHES:
        raise SignatureError(f"unknown HMAC alg {alg}")
    digest_bits = int(bits)
    if len(secret) * 8 >= digest_bits:
        try:
            JWA.signing_alg(alg).verify(oct_jwk(secret), signing_input, signature)
            return
        except Exception as exc:
            raise SignatureError("signature is invalid") from exc
    # Shorter secrets: jwcrypto enforces RFC 7518 §3.2's minimum, golang-jwt does not
    # (github.com/golang-jwt/jwt/v4@v4.5.2/hmac.go:70-72, Verify: hmac.New with any key length).
    mac = hmac.HMAC(secret, _HASHES[bits]())
    mac.update(signing_input)
    try:
        mac.verify(signature)
    except InvalidSignature as exc:
        raise SignatureError("signature is invalid") from exc


def ec_curve_size(crv: str) -> int | None:
    """Coordinate size in bytes for a JOSE curve name (RFC 7518 §6.2.1.2).

    github.com/go-jose/go-jose/v3@v3.0.5/shared.go:509 (curveSize);
    github.com/go-jose/go-jose/v3@v3.0.5/jwk.go:511-522 (ecPublicKey: P-256/P-384/P-521 only)."""
    return {"P-256": 32, "P-384": 48, "P-521": 66}.get(crv)


#: JOSE curve names go-jose maps to Go curves: github.com/go-jose/go-jose/v3@v3.0.5/jwk.go:513-519 (ecPublicKey).
EC_CURVES: dict[str, ec.EllipticCurve] = {"P-256": ec.SECP256R1(), "P-384": ec.SECP384R1(), "P-521": ec.SECP521R1()}
