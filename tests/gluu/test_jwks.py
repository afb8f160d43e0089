"""oxAuth's JWKS: one key per algorithm of ``jwksAlgorithmsSupported``, kid
``<uuid>_<use>_<alg>``, ``exp`` in milliseconds, and EC coordinates with the wrong length
— 33 bytes (sign byte) under 4.2, 31 bytes (stripped zero byte) under 4.4 — until the
guide's fix restricts the list to RSA algorithms (shared/reference/gluu.md "JWKS")."""

from __future__ import annotations

import re
import time

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from harness.products.gluu.admin import GluuAdmin
from harness.products.gluu.emulator.keys import (
    SeededKeyFactory,
    ec_coordinate_lengths,
    java_to_byte_array,
    serialise_coordinate,
)
from harness.products.gluu.emulator.state import DEFAULT_KEY_SEED
from harness.products.gluu.profile import DEFAULT_JWKS_ALGORITHMS
from tests.gluu.helpers import ADMIN, b64url_len, jwks

#: Seeds found by scanning ec_coordinate_lengths(seed, "ES256", mode) over 0..3000:
#: seed 4 → P-256 x has its top bit set (33 bytes under sign-byte, 32 when stripped);
#: seed 693 (the default) → P-256 x starts with a zero byte followed by a byte < 0x80
#: (31 bytes under both serialisations).
SEED_SIGN_BYTE_X33 = 4
SEED_STRIPPED_X31 = 693


def _es256(doc):
    return next(k for k in doc["keys"] if k["alg"] == "ES256")


def test_default_jwks_has_one_key_per_algorithm(gluu):
    doc = jwks(gluu)
    assert [k["alg"] for k in doc["keys"]] == list(DEFAULT_JWKS_ALGORITHMS)
    now_ms = time.time() * 1000
    for key in doc["keys"]:
        use = "enc" if key["alg"] in ("RSA1_5", "RSA-OAEP") else "sig"
        assert key["use"] == use
        assert re.fullmatch(rf"[0-9a-f-]{{36}}_{use}_{re.escape(key['alg'].lower())}", key["kid"])
        assert now_ms < key["exp"] < now_ms + 49 * 3600 * 1000  # milliseconds, ~48 h ahead
        assert key["x5c"] and isinstance(key["x5c"][0], str)
        if key["kty"] == "RSA":
            assert key["crv"] == ""
            assert b64url_len(key["n"]) == 256


def test_gluu_42_publishes_a_33_byte_p256_x(gluu_factory):
    idp = gluu_factory(version="4.2", key_seed=SEED_SIGN_BYTE_X33)
    key = _es256(jwks(idp))
    assert key["crv"] == "P-256"
    assert b64url_len(key["x"]) == 33
    assert b64url_len(key["y"]) == 32
    # the extra byte is the Java sign byte in front of the true coordinate
    true_x = idp.state.keystore.keys["ES256"].public_numbers().x
    assert true_x >> 255 == 1


def test_gluu_44_publishes_a_31_byte_p256_x(gluu_factory):
    idp = gluu_factory(version="4.4", key_seed=SEED_STRIPPED_X31)
    key = _es256(jwks(idp))
    assert b64url_len(key["x"]) == 31
    assert b64url_len(key["y"]) == 32
    true_x = idp.state.keystore.keys["ES256"].public_numbers().x
    assert true_x < 1 << 248  # a leading zero byte that nobody pads back


def test_same_seed_is_well_formed_when_stripped_only_hits_the_sign_byte(gluu_factory):
    idp = gluu_factory(version="4.4", key_seed=SEED_SIGN_BYTE_X33)
    key = _es256(jwks(idp))
    assert (b64url_len(key["x"]), b64url_len(key["y"])) == (32, 32)


def test_default_seed_hits_the_fault_in_both_versions():
    assert DEFAULT_KEY_SEED == SEED_STRIPPED_X31
    assert ec_coordinate_lengths(DEFAULT_KEY_SEED, "ES256", "sign-byte")[0] == 31
    assert ec_coordinate_lengths(DEFAULT_KEY_SEED, "ES256", "stripped")[0] == 31


@pytest.mark.parametrize("version,seed", [("4.2", SEED_SIGN_BYTE_X33), ("4.4", SEED_STRIPPED_X31)])
def test_restricting_to_rsa_removes_every_ec_key(gluu_factory, version, seed):
    idp = gluu_factory(version=version, key_seed=seed)
    before = jwks(idp)
    assert any(k["kty"] == "EC" for k in before["keys"])
    config = GluuAdmin(idp.base_url, *ADMIN).restrict_jwks_to_rsa()
    assert config["jwksAlgorithmsSupported"] == ["RS256", "RS384", "RS512"]
    after = jwks(idp)
    assert [k["alg"] for k in after["keys"]] == ["RS256", "RS384", "RS512"]
    assert all(k["kty"] == "RSA" and "x" not in k and "y" not in k for k in after["keys"])
    # the RSA keys themselves did not change
    assert [k["kid"] for k in after["keys"]] == [k["kid"] for k in before["keys"][:3]]


def test_empty_algorithm_list_publishes_everything(gluu):
    GluuAdmin(gluu.base_url, *ADMIN).set_configuration(jwks_algorithms_supported=[])
    assert len(jwks(gluu)["keys"]) == len(DEFAULT_JWKS_ALGORITHMS)


def test_keys_are_deterministic_per_seed():
    a, b = SeededKeyFactory(SEED_SIGN_BYTE_X33), SeededKeyFactory(SEED_SIGN_BYTE_X33)
    curve = ec.SECP256R1()
    assert a.ec_key("ES256", curve).private_numbers().private_value == b.ec_key("ES256", curve).private_numbers().private_value
    assert a.key_uuid("RS256") == b.key_uuid("RS256")
    assert SeededKeyFactory(1).key_uuid("RS256") != a.key_uuid("RS256")


@pytest.mark.parametrize(
    "value,sign_byte,stripped",
    [
        (0x80 << 248, 33, 32),          # top bit set: Java adds 0x00
        (0x7F << 248, 32, 32),          # top bit clear: exact
        (0x00_80 << 240, 32, 31),       # leading zero byte, next byte ≥ 0x80
        (0x00_7F << 240, 31, 31),       # leading zero byte, next byte < 0x80
    ],
)
def test_java_serialisations(value, sign_byte, stripped):
    assert len(serialise_coordinate(value, "sign-byte")) == sign_byte
    assert len(serialise_coordinate(value, "stripped")) == stripped
    assert int.from_bytes(serialise_coordinate(value, "stripped"), "big") == value


def test_java_to_byte_array_matches_java():
    assert java_to_byte_array(0) == b"\x00"
    assert java_to_byte_array(127) == b"\x7f"
    assert java_to_byte_array(128) == b"\x00\x80"
    assert java_to_byte_array(255) == b"\x00\xff"
    assert java_to_byte_array(256) == b"\x01\x00"
