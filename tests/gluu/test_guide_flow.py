"""The Gluu guide at the protocol level: discovery → the admin step → open registration
with the gluu driver's body → client_credentials token (client_secret_post) → a JWT
access token verified against the JWKS (shared/seeds/003_*.txt; shared/reference/gluu.md)."""

from __future__ import annotations

import json

import pytest
import requests
from jwcrypto import jws, jwt

from harness.jose import decode_unverified
from harness.products.gluu.admin import GluuAdmin
from tests.gluu.helpers import ADMIN, REDIRECT, discovery, jwks, keyset_for_jwcrypto, register, token_post


def test_discovery_is_at_the_root_and_issuer_is_the_base_url(gluu):
    doc = discovery(gluu)
    assert doc["issuer"] == gluu.base_url == gluu.issuer()
    assert doc["registration_endpoint"] == f"{gluu.base_url}/oxauth/restv1/register"
    assert doc["token_endpoint"] == f"{gluu.base_url}/oxauth/restv1/token"
    assert doc["jwks_uri"] == f"{gluu.base_url}/oxauth/restv1/jwks"
    assert "client_secret_post" in doc["token_endpoint_auth_methods_supported"]
    assert "token" in doc["response_types_supported"]
    assert requests.get(f"{gluu.base_url}/oxauth/.well-known/openid-configuration", timeout=10).status_code == 404


def test_full_guide_flow_gives_a_verifiable_jwt_without_sub(gluu):
    # Step 3: restrict jwksAlgorithmsSupported to RSA, "Save OxAuth Configuration".
    GluuAdmin(gluu.base_url, *ADMIN).restrict_jwks_to_rsa()

    reg = register(gluu)  # the gluu driver's body, WITH a redirect URI
    assert reg.status_code == 200, reg.text
    assert reg.headers["content-type"].startswith("application/json")
    assert reg.headers["cache-control"] == "no-store"
    assert reg.headers["pragma"] == "no-cache"
    client = reg.json()
    assert client["token_endpoint_auth_method"] == "client_secret_post"
    assert client["access_token_as_jwt"] is True
    assert client["access_token_signing_alg"] == "RS256"
    assert client["redirect_uris"] == [REDIRECT]
    assert client["registration_client_uri"] == f"{gluu.base_url}/oxauth/restv1/register?client_id={client['client_id']}"
    assert client["client_secret_expires_at"] == 0
    # 4.2 adds implicit because response_types contains token (GluuProfile.grant_type_autofix)
    assert client["grant_types"] == ["client_credentials", "implicit"]

    # The guide's Postman call: grant_type, client_id, client_secret in the body, no scope.
    tok = token_post(gluu, client)
    assert tok.status_code == 200, tok.text
    assert tok.headers["cache-control"] == "no-store"
    body = tok.json()
    assert set(body) == {"access_token", "token_type", "expires_in"}
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 299

    header, _ = decode_unverified(body["access_token"])
    assert header["alg"] == "RS256" and header["typ"] == "JWT"
    assert header["kid"].endswith("_sig_rs256")

    keyset = keyset_for_jwcrypto(jwks(gluu))
    verified = jwt.JWT(jwt=body["access_token"], key=keyset, expected_type="JWS")
    claims = json.loads(verified.claims)
    assert "sub" not in claims
    assert claims["client_id"] == client["client_id"]
    assert claims["aud"] == client["client_id"]
    assert claims["iss"] == gluu.base_url
    assert claims["scope"] == []
    assert claims["token_type"] == "bearer"
    assert claims["exp"] - claims["iat"] == 300
    assert isinstance(claims["code"], str) and claims["code"]
    assert set(claims) == {"iss", "aud", "exp", "iat", "scope", "client_id", "token_type", "code"}

    # With a scope: granted scopes come back as a string, and as a JSON array in the JWT.
    scoped = token_post(gluu, client, scope="openid unknown_scope")
    assert scoped.status_code == 200
    assert scoped.json()["scope"] == "openid"
    _, scoped_claims = decode_unverified(scoped.json()["access_token"])
    assert scoped_claims["scope"] == ["openid"]


def test_tampered_access_token_fails_verification(gluu):
    GluuAdmin(gluu.base_url, *ADMIN).restrict_jwks_to_rsa()
    client = register(gluu).json()
    token = token_post(gluu, client).json()["access_token"]
    head, payload, sig = token.split(".")
    flipped = sig[:-2] + ("A" if sig[-2] != "A" else "B") + sig[-1]
    kid = decode_unverified(token)[0]["kid"]
    key = keyset_for_jwcrypto(jwks(gluu)).get_key(kid)
    jws.JWS().deserialize(token, key)  # the genuine token verifies with that key
    with pytest.raises(jws.InvalidJWSSignature):
        jws.JWS().deserialize(f"{head}.{payload}.{flipped}", key)


def test_response_type_token_without_redirect_url_fails(gluu):
    """The guide's wizard step 10 says redirect URLs "can be left blank"; with Response
    Types: token, Gluu refuses the registration."""
    resp = register(gluu, redirect_uris=[])
    assert resp.status_code == 400
    assert resp.headers["content-type"].startswith("application/json")
    assert resp.json() == {
        "error": "invalid_client_metadata",
        "error_description": "The value of one of the Client Metadata fields is invalid and the server has "
        "rejected this request. Note that an Authorization Server MAY choose to substitute a valid value for "
        "any requested parameter of a Client's Metadata.",
    }


def test_reason_member_only_when_error_reason_enabled(gluu_factory):
    idp = gluu_factory(error_reason_enabled=True)
    resp = register(idp, redirect_uris=[])
    assert resp.status_code == 400
    assert resp.json()["reason"] == "Redirect uris are empty."


def test_without_response_types_no_redirect_uri_is_needed(gluu):
    resp = register(gluu, redirect_uris=[], response_types=[])
    assert resp.status_code == 200, resp.text
    assert "redirect_uris" not in resp.json()
    assert resp.json()["grant_types"] == ["client_credentials"]


def test_default_registration_gives_opaque_tokens_and_basic_auth(gluu):
    """Without the gluu driver's extra members: plain RFC 7591 gets Gluu's defaults."""
    resp = register(gluu, body={"client_name": "plain", "grant_types": ["client_credentials"]})
    assert resp.status_code == 200
    client = resp.json()
    assert client["token_endpoint_auth_method"] == "client_secret_basic"
    assert client["subject_type"] == "pairwise"
    assert client["access_token_as_jwt"] is False
    tok = requests.post(discovery(gluu)["token_endpoint"], data={"grant_type": "client_credentials"},
                        auth=(client["client_id"], client["client_secret"]), timeout=10)
    assert tok.status_code == 200
    access = tok.json()["access_token"]
    assert access.count(".") == 0 and len(access) == 36  # a UUID handle, not a JWT
