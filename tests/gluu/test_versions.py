"""The quirks each Gluu release declares, derived from its profile instance, and the
emulator's behaviour for the profile fields the quirks read, both ways."""

from __future__ import annotations

from dataclasses import replace

import pytest
import requests

from harness.core.errors import ConfigError
from harness.jose import decode_unverified
from harness.products.gluu.profile import JWT_ACCESS_TOKEN_CLAIMS, GluuProfile
from harness.products.gluu.quirks import quirks
from harness.products.quirk import find, match
from tests.gluu.helpers import register, token_post

G42, G44 = GluuProfile.for_version("4.2"), GluuProfile.for_version("4.4")
AUTOFIXED = {"grant_types": {"requested": ["client_credentials"], "registered": ["client_credentials", "implicit"]}}


def test_4_2_declares_the_grant_autofix_and_4_4_does_not() -> None:
    assert match(quirks(G42), "REG-METADATA-ECHOED", AUTOFIXED) is not None
    assert find(quirks(G44), "REG-METADATA-ECHOED") == []


def test_ec_quirk_follows_each_release_serialisation() -> None:
    long_x = ["k1: x is 33 bytes, P-256 needs 32"]
    short_x = ["k1: x is 31 bytes, P-256 needs 32"]
    not_ec = ["k1: unknown curve 'P-999'"]
    assert match(quirks(G42), "DISC-JWKS-EC-COORDINATES", long_x) is not None
    assert match(quirks(G42), "DISC-JWKS-EC-COORDINATES", short_x) is not None
    # 4.4 strips the sign byte: a coordinate one byte too long is not its quirk but a fault
    assert match(quirks(G44), "DISC-JWKS-EC-COORDINATES", long_x) is None
    assert match(quirks(G44), "DISC-JWKS-EC-COORDINATES", short_x) is not None
    for p in (G42, G44):
        assert match(quirks(p), "DISC-JWKS-EC-COORDINATES", not_ec) is None
        assert match(quirks(p), "DISC-JWKS-EC-COORDINATES", []) is None
    assert "4.2" in find(quirks(G42), "DISC-JWKS-EC-COORDINATES")[0].note
    assert "4.4" in find(quirks(G44), "DISC-JWKS-EC-COORDINATES")[0].note


def test_missing_claim_quirk_reads_the_claims_the_profile_writes() -> None:
    assert match(quirks(G42), "TOKEN-JWT-REQUIRED-CLAIMS", ["sub", "jti"]) is not None
    assert match(quirks(G42), "TOKEN-JWT-REQUIRED-CLAIMS", ["iss"]) is None
    fewer = replace(G42, jwt_access_token_claims=tuple(c for c in JWT_ACCESS_TOKEN_CLAIMS if c != "client_id"))
    assert match(quirks(fewer), "TOKEN-JWT-REQUIRED-CLAIMS", ["sub", "client_id", "jti"]) is not None


def test_update_quirk_follows_update_keeps_omitted() -> None:
    assert match(quirks(G42), "MGMT-UPDATE-FULL-REPLACEMENT", "kept") is not None
    assert find(quirks(replace(G42, update_keeps_omitted=False)), "MGMT-UPDATE-FULL-REPLACEMENT") == []


def test_typ_quirk_follows_access_token_typ() -> None:
    assert match(quirks(G42), "TOKEN-JWT-TYP-AT-JWT", "JWT") is not None
    assert find(quirks(replace(G42, access_token_typ="at+jwt")), "TOKEN-JWT-TYP-AT-JWT") == []


def test_profile_refuses_claims_oxauth_does_not_write() -> None:
    with pytest.raises(ConfigError, match="sub"):
        replace(G42, jwt_access_token_claims=("iss", "sub"))


# ---- the emulator, each field both ways -------------------------------------------------------

@pytest.mark.parametrize("keeps", [True, False])
def test_update_keeps_omitted(gluu_factory, keeps: bool) -> None:
    idp = gluu_factory(update_keeps_omitted=keeps)
    client = register(idp).json()
    assert client["redirect_uris"]
    resp = requests.put(client["registration_client_uri"], timeout=10,
                        headers={"Authorization": f"Bearer {client['registration_access_token']}"},
                        json={"client_id": client["client_id"], "client_name": "renamed"})
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["client_name"] == "renamed"
    if keeps:
        assert body["redirect_uris"] == client["redirect_uris"]
        assert body["grant_types"] == client["grant_types"]
    else:  # rebuilt from the body alone, as a registration: omitted members are gone or defaulted
        assert "redirect_uris" not in body
        assert body["grant_types"] != client["grant_types"]


@pytest.mark.parametrize("claims", [JWT_ACCESS_TOKEN_CLAIMS, ("iss", "aud", "exp", "iat", "code")])
def test_jwt_access_token_claims(gluu_factory, claims: tuple[str, ...]) -> None:
    idp = gluu_factory(jwt_access_token_claims=claims)
    client = register(idp).json()
    resp = token_post(idp, client)
    assert resp.status_code == 200, resp.text
    _, body = decode_unverified(resp.json()["access_token"])
    assert list(body) == list(claims)
    assert "sub" not in body


@pytest.mark.parametrize("typ", ["JWT", "at+jwt"])
def test_access_token_typ(gluu_factory, typ: str) -> None:
    idp = gluu_factory(access_token_typ=typ)
    client = register(idp).json()
    header, _ = decode_unverified(token_post(idp, client).json()["access_token"])
    assert header["typ"] == typ
