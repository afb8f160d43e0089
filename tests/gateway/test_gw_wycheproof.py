"""Project Wycheproof vectors (fixtures/wycheproof/, Apache-2.0) through the gateway.

Every vector is sent to a real :class:`Gateway` whose API is configured for the vector's
algorithm family, with the vector's key published as the API's key source: a JWKS served
on loopback for the JWK-set vectors, base64 of a PEM public key for the RSA/ECDSA keys,
base64 of the secret for HMAC keys. Each answer is asserted with Tyk's exact status and
message. Where Tyk (golang-jwt v4 + go-jose v3) knowingly differs from Wycheproof, the
vector is listed in ``TYK_DIFFERS`` with the reason and asserted to get *Tyk's* answer.

Two facts shape the suite:

* No Wycheproof JWS payload is a JWT claim set ("foo", "Test", "123400", ...). Tyk's
  parser (golang-jwt ``ParseUnverified``) decodes the claims before it looks at the key
  or the signature, so Tyk answers **every** one of these tokens ``403 Key not
  authorized`` — valid signature or not. :func:`test_jws_vectors_full_gateway` asserts
  exactly that on :meth:`Gateway.check`. To reach the signature with these vectors,
  :func:`test_jws_vectors_signature_stage` sends the same token to
  :meth:`Gateway.check_signature`: the gateway's own stages (structure, header, alg,
  family, key from the API's source, signature) without the claims-set step.
* The RSA/ECDSA/PSS files give a raw message and signature; a message such as "123400"
  cannot be a JWS signing input (``header.payload``), so those vectors go to
  :meth:`Gateway.check_raw_signature`: family, key from the API's PEM source, signature.

A signed JWT with a real claim set per key (``test_each_key_source_accepts_a_real_jwt``)
shows that every API and key source accepts a valid token, so the refusals are the
vectors' own.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from jwcrypto import jwk

from harness.jose import sign
from harness.tyk.gateway import Gateway
from harness.tyk.gateway.testing import GatewayKit, in_process_gateway

from .conftest import POLICY_ID, b64, make_api, make_policy

DIR = Path(__file__).resolve().parents[2] / "fixtures" / "wycheproof"
JWS_FILE = "json_web_signature_test.json"
JWK_FILE = "json_web_key_test.json"
FAMILY_OF_KTY = {"RSA": "rsa", "EC": "ecdsa", "oct": "hmac"}
FAMILY_OF_ALG_PREFIX = {"HS": "hmac", "RS": "rsa", "PS": "rsa", "ES": "ecdsa"}
PRIVATE_MEMBERS = ("d", "p", "q", "dp", "dq", "qi")

#: Tyk's answers (gateway/mw_jwt.go).
ACCEPTED = (200, "")
KEY_NOT_AUTHORIZED = (403, "Key not authorized")
UNEXPECTED_SIGNING_METHOD = (403, "Key not authorized: Unexpected signing method")

GO_PSS_AUTO = "golang-jwt verifies PS* with rsa.PSSSaltLengthAuto: other salt lengths verify"
KEY_ALG_IGNORED = "Tyk ignores the JWK's alg: the token's alg decides (within the rsa family)"
USE_IGNORED = "go-jose/golang-jwt ignore the JWK's use and key_ops"

#: file -> tcId -> why Tyk's verdict is the opposite of Wycheproof's (signature stage).
TYK_DIFFERS: dict[str, dict[int, str]] = {
    "rsa_pss_2048_sha256_mgf1_32_test.json": {tc: GO_PSS_AUTO for tc in (67, 68, 69, 70, 71, 72)},
    JWS_FILE: {
        **{tc: GO_PSS_AUTO for tc in (281, 282, 283, 284, 285, 286)},
        **{tc: KEY_ALG_IGNORED for tc in (332, 334, 336, 338, 340)},
        **{tc: USE_IGNORED for tc in (353, 354, 355, 356)},
        367: "the vector's string is identical to the valid tcId 357 (no padding left in this file version)",
        370: "the vector's string is identical to the valid tcId 357 (no padding left in this file version)",
        372: "Go's base64 decoder rejects '?' (Wycheproof allows skipping it)",
        373: "Go's base64 decoder rejects '?' (Wycheproof allows skipping it)",
        375: "golang-jwt decodes base64url non-strictly: non-zero unused bits are accepted",
    },
    JWK_FILE: {
        1: "Tyk accepts a JWKS mixing symmetric and asymmetric keys",
        4: "duplicate kids: go-jose's Key(kid)[0], the first key, is used",
        6: USE_IGNORED,
        7: "no ROCA check in Go's crypto/rsa",
        8: "no minimum RSA key size in golang-jwt",
        10: "no minimum HMAC key size in golang-jwt (RFC 7518 §3.2 is not enforced)",
        11: "no minimum HMAC key size in golang-jwt (RFC 7518 §3.2 is not enforced)",
        12: "no minimum HMAC key size in golang-jwt (RFC 7518 §3.2 is not enforced)",
        16: "an empty HMAC key is accepted by golang-jwt",
        17: "an empty HMAC key is accepted by golang-jwt",
        18: "an empty HMAC key is accepted by golang-jwt",
        19: "Tyk ignores the JWK's alg; ES256 on a P-256 key verifies",
        20: "Tyk ignores the JWK's alg; ES256 on a P-256 key verifies",
        21: USE_IGNORED,
        25: "Tyk ignores the JWK's alg: an oct key verifies HS256",
        26: "Tyk ignores the JWK's alg: an oct key verifies HS256",
    },
}

#: file -> tcIds Tyk refuses with "Unexpected signing method": the token's alg is outside
#: the API's family (RFC 8725 §3.1; Tyk's assertSigningMethod), e.g. "none" or an
#: HS256 token against an RSA key (key confusion).
WRONG_FAMILY: dict[str, frozenset[int]] = {
    JWS_FILE: frozenset({
        16,  # alg "none" on an HMAC API
        31,  # HS256 with the EC key's bytes as secret, on the ECDSA API (symmetry confusion)
        341, 343, 344,  # alg "none" on an RSA API
    }),
}


def load(name: str) -> dict[str, Any]:
    return json.loads((DIR / name).read_text())


def tyk_accepts_signature(name: str, test: dict[str, Any]) -> bool:
    wycheproof_valid = test["result"] == "valid"  # "acceptable" vectors: Go refuses them
    return not wycheproof_valid if test["tcId"] in TYK_DIFFERS.get(name, {}) else wycheproof_valid


def expected_signature_answer(name: str, test: dict[str, Any]) -> tuple[int, str]:
    if tyk_accepts_signature(name, test):
        return ACCEPTED
    return UNEXPECTED_SIGNING_METHOD if test["tcId"] in WRONG_FAMILY.get(name, ()) else KEY_NOT_AUTHORIZED


def public_members(key: dict[str, Any]) -> dict[str, Any]:
    """What an IdP publishes in its JWKS: the private members removed."""
    return key if key.get("kty") == "oct" else {k: v for k, v in key.items() if k not in PRIVATE_MEMBERS}


def jwt_source_for(key_doc: dict[str, Any]) -> str:
    """The API's ``jwt_source`` for one key: base64 of the PEM public key, or of the
    HMAC secret (gateway/mw_jwt.go getSecretToVerifySignature decodes it)."""
    if key_doc["kty"] == "oct":
        return b64(base64.urlsafe_b64decode(key_doc["k"] + "=" * (-len(key_doc["k"]) % 4)))
    return b64(jwk.JWK(**public_members(key_doc)).export_to_pem())


def pem_source_from_der(der_hex: str) -> str:
    pub = serialization.load_der_public_key(bytes.fromhex(der_hex))
    return b64(pub.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def gateway_with(apis: list[dict[str, Any]]) -> Gateway:
    rights = {a["api_id"]: {"api_id": a["api_id"], "api_name": a["name"], "versions": ["Default"]} for a in apis}
    return in_process_gateway(apis, {POLICY_ID: make_policy(access_rights=rights)}, verify_cache_size=0,
                              tyk_conf={"secret": "s3cret", "dcr_harness": {"jwks_fetch_timeout": 5}})


def api_for(api_id: str, family: str, jwt_source: str) -> dict[str, Any]:
    return make_api(jwt_source, api_id=api_id, jwt_signing_method=family,
                    proxy={"listen_path": f"/{api_id}/", "target_url": "http://127.0.0.1:9/", "strip_listen_path": True})


# --- the keys' homes: one JWKS per JWK-set group on loopback ------------------------------
@pytest.fixture(scope="module")
def wycheproof_kit() -> Iterator[GatewayKit]:
    """The testing kit's JWK Set server, one set per JWK-set group (its own: the session
    kit's sets are reset by other tests)."""
    docs = {f"jwk-{gi}": json.dumps({"keys": keys}).encode() for gi, keys, _ in jwk_groups()}
    with GatewayKit(jwks=docs) as kit:
        yield kit


# --- JWS vectors: one API per key group ----------------------------------------------------
def jws_groups() -> list[tuple[int, dict[str, Any], dict[str, Any]]]:
    out = []
    for gi, group in enumerate(load(JWS_FILE)["testGroups"]):
        key_doc = group.get("public") or group["private"]
        out.append((gi, key_doc, group))
    return out


@pytest.fixture(scope="module")
def jws_gateway() -> Gateway:
    return gateway_with([api_for(f"jws-{gi}", FAMILY_OF_KTY[k["kty"]], jwt_source_for(k)) for gi, k, _ in jws_groups()])


def jws_cases() -> list[Any]:
    return [pytest.param(gi, t, id=f"jws-{t['tcId']}-{t['comment']}")
            for gi, _, group in jws_groups() for t in group["tests"]]


@pytest.mark.parametrize(("gi", "test"), jws_cases())
def test_jws_vectors_full_gateway(jws_gateway: Gateway, gi: int, test: dict[str, Any]) -> None:
    """Tyk's full answer: the payload is not a claim set, so every vector is refused."""
    d = jws_gateway.check(f"/jws-{gi}/", headers=bearer(test["jws"]))
    assert (d.status, d.message) == KEY_NOT_AUTHORIZED, (d.stage, d.reason)
    assert d.stage == "parse"


@pytest.mark.parametrize(("gi", "test"), jws_cases())
def test_jws_vectors_signature_stage(jws_gateway: Gateway, gi: int, test: dict[str, Any]) -> None:
    d = jws_gateway.check_signature(f"/jws-{gi}/", test["jws"])
    assert (d.status, d.message) == expected_signature_answer(JWS_FILE, test), (test["comment"], d.stage, d.reason)


def test_no_wycheproof_payload_is_a_claim_set() -> None:
    """Why the full-gateway answer above is always 403: a JWT payload must be a JSON
    object (RFC 7519 §7.2 step 10); none of these is."""
    for name in (JWS_FILE, JWK_FILE):
        for group in load(name)["testGroups"]:
            for t in group["tests"]:
                parts = t["jws"].split(".")
                try:
                    claims = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
                except (IndexError, ValueError):
                    continue
                assert not isinstance(claims, dict), (name, t["tcId"])


# --- JWK-set vectors: the group's keys as a JWKS, the API's family from the token's alg ---
def jwk_groups() -> list[tuple[int, list[dict[str, Any]], dict[str, Any]]]:
    return [(gi, [public_members(k) for k in (g.get("public") or g["private"])["keys"]], g)
            for gi, g in enumerate(load(JWK_FILE)["testGroups"])]


def token_family(token: str) -> str:
    seg = token.split(".")[0]
    alg = json.loads(base64.urlsafe_b64decode(seg + "=" * (-len(seg) % 4)))["alg"]
    return FAMILY_OF_ALG_PREFIX[alg[:2]]


@pytest.fixture(scope="module")
def jwk_gateway(wycheproof_kit: GatewayKit) -> Gateway:
    apis = []
    for gi, _keys, group in jwk_groups():
        for family in sorted({token_family(t["jws"]) for t in group["tests"]}):
            apis.append(api_for(f"jwk-{gi}-{family}", family, b64(wycheproof_kit.jwks_url(f"jwk-{gi}"))))
    return gateway_with(apis)


def jwk_cases() -> list[Any]:
    return [pytest.param(gi, t, id=f"jwk-{t['tcId']}-{t['comment']}") for gi, _, g in jwk_groups() for t in g["tests"]]


@pytest.mark.parametrize(("gi", "test"), jwk_cases())
def test_jwk_set_vectors(jwk_gateway: Gateway, gi: int, test: dict[str, Any]) -> None:
    path = f"/jwk-{gi}-{token_family(test['jws'])}/"
    d = jwk_gateway.check(path, headers=bearer(test["jws"]))
    assert (d.status, d.message) == KEY_NOT_AUTHORIZED, (d.stage, d.reason)  # not a claim set
    d = jwk_gateway.check_signature(path, test["jws"])
    assert (d.status, d.message) == expected_signature_answer(JWK_FILE, test), (test["comment"], d.stage, d.reason)


# --- raw signature vectors: one API per key, the key as a base64 PEM jwt_source -------------
RAW_FILES = {
    "ecdsa_secp256r1_sha256_p1363_test.json": ("ES256", "ecdsa"),
    "rsa_signature_2048_sha256_test.json": ("RS256", "rsa"),
    "rsa_pss_2048_sha256_mgf1_32_test.json": ("PS256", "rsa"),
}


@pytest.fixture(scope="module")
def raw_gateways() -> dict[str, Gateway]:
    out = {}
    for name, (_, family) in RAW_FILES.items():
        out[name] = gateway_with([api_for(f"raw-{gi}", family, pem_source_from_der(g["publicKeyDer"]))
                                  for gi, g in enumerate(load(name)["testGroups"])])
    return out


def raw_cases() -> list[Any]:
    return [pytest.param(name, gi, t, id=f"{name.split('_test')[0]}-{t['tcId']}")
            for name in RAW_FILES for gi, g in enumerate(load(name)["testGroups"]) for t in g["tests"]]


@pytest.mark.parametrize(("name", "gi", "test"), raw_cases())
def test_signature_vectors(raw_gateways: dict[str, Gateway], name: str, gi: int, test: dict[str, Any]) -> None:
    alg = RAW_FILES[name][0]
    d = raw_gateways[name].check_raw_signature(f"/raw-{gi}/", alg, bytes.fromhex(test["msg"]), bytes.fromhex(test["sig"]))
    assert (d.status, d.message) == expected_signature_answer(name, test), (test["comment"], test["flags"], d.reason)


def test_pss_vectors_match_wycheproof_when_salt_length_is_fixed() -> None:
    """With the profile's ``pss_salt_length_auto`` off (not Tyk), the PSS file agrees
    with Wycheproof on every vector: the GO_PSS_AUTO entries are that rule alone."""
    name = "rsa_pss_2048_sha256_mgf1_32_test.json"
    groups = load(name)["testGroups"]
    gw = in_process_gateway([api_for(f"raw-{gi}", "rsa", pem_source_from_der(g["publicKeyDer"]))
                             for gi, g in enumerate(groups)],
                            tyk_conf={"dcr_harness": {"pss_salt_length_auto": False}}, verify_cache_size=0)
    for gi, g in enumerate(groups):
        for t in g["tests"]:
            d = gw.check_raw_signature(f"/raw-{gi}/", "PS256", bytes.fromhex(t["msg"]), bytes.fromhex(t["sig"]))
            assert (d.status, d.message) == (ACCEPTED if t["result"] == "valid" else KEY_NOT_AUTHORIZED), t["tcId"]


# --- controls: each API accepts a real JWT signed with its key ------------------------------
def control_cases() -> list[Any]:
    out = []
    for gi, key_doc, group in jws_groups():
        if "d" in key_doc or key_doc["kty"] == "oct":
            out.append(pytest.param(f"/jws-{gi}/", key_doc, id=f"jws-group-{gi}-{group['comment']}"))
    return out


@pytest.mark.parametrize(("path", "key_doc"), control_cases())
def test_each_key_source_accepts_a_real_jwt(jws_gateway: Gateway, path: str, key_doc: dict[str, Any]) -> None:
    key = jwk.JWK(**key_doc)
    default_alg = {"RSA": "RS256", "EC": {"P-256": "ES256", "P-384": "ES384", "P-521": "ES512"}.get(key_doc.get("crv", ""), ""),
                   "oct": "HS256"}[key_doc["kty"]]
    alg = key_doc.get("alg") if str(key_doc.get("alg", "")).startswith(("RS", "PS", "ES", "HS")) else default_alg
    if alg == "ES521":  # the JOSE name is ES512 (RFC 7518 §3.4); Wycheproof's key says ES521
        alg = "ES512"
    token = sign({"sub": "wycheproof", "exp": 4_102_444_800}, key, alg=alg)
    d = jws_gateway.check(path, headers=bearer(token))
    assert (d.status, d.message) == ACCEPTED, (d.stage, d.reason)


def test_vendored_set_is_small_and_licensed() -> None:
    total = sum(p.stat().st_size for p in DIR.iterdir())
    assert total < 2 * 1024 * 1024
    assert (DIR / "LICENSE").read_text().lstrip().startswith("Apache License")
    assert "dac1dd4729fd1f8dd9e1e9f3dce51d783da6c166" in (DIR / "README.md").read_text()
