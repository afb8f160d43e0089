"""Key rotation on the Keycloak emulator, the way an administrator does it on Keycloak:
another ``rsa-generated`` key provider with a higher priority (KeycloakAdmin.add_rsa_key;
harness/products/keycloak/emulator/keys.py). New tokens carry the new key's kid, the JWKS
publishes both keys, and tokens of either key still verify at the realm."""

from __future__ import annotations

from typing import Any

import requests

from harness.jose.tokens import decode_unverified, verify
from harness.products.keycloak.admin import KeycloakAdmin


def _token(dcr: Any, client: dict[str, Any]) -> str:
    r = dcr.token({"grant_type": "client_credentials", "client_id": client["client_id"],
                   "client_secret": client["client_secret"]})
    assert r.status_code == 200, r.text
    return str(r.json()["access_token"])


def _jwks(http: requests.Session, kc: Any, realm: str) -> list[dict[str, Any]]:
    return list(http.get(f"{kc.issuer(realm)}/protocol/openid-connect/certs", timeout=10).json()["keys"])


def test_a_higher_priority_rsa_generated_provider_signs_new_tokens(dcr: Any, kc: Any, http: requests.Session,
                                                                   admin: KeycloakAdmin) -> None:
    client = dcr.client()
    old_token = _token(dcr, client)
    old_kid = decode_unverified(old_token)[0]["kid"]
    assert [k["kid"] for k in _jwks(http, kc, dcr.realm) if k["use"] == "sig"] == [old_kid]

    component = admin.add_rsa_key(dcr.realm, priority=200)
    new_token = _token(dcr, client)
    new_kid = decode_unverified(new_token)[0]["kid"]
    assert new_kid != old_kid
    keys = _jwks(http, kc, dcr.realm)
    assert [k["kid"] for k in keys if k["use"] == "sig"] == [new_kid, old_kid]  # priority, highest first
    # each token verifies with the published key its kid names (RFC 7515 §4.1.4)
    from jwcrypto import jwk
    for token, kid in ((old_token, old_kid), (new_token, new_kid)):
        verify(token, jwk.JWK(**next(k for k in keys if k["kid"] == kid)), algs=["RS256"])
    meta = admin.keys(dcr.realm)
    assert meta["active"]["RS256"] == new_kid
    assert {k["kid"]: k["providerPriority"] for k in meta["keys"] if k["algorithm"] == "RS256"} == {new_kid: 200, old_kid: 100}
    assert any(k["providerId"] == component for k in meta["keys"] if k["kid"] == new_kid)


def test_a_lower_priority_provider_is_published_but_does_not_sign(dcr: Any, kc: Any, http: requests.Session,
                                                                 admin: KeycloakAdmin) -> None:
    client = dcr.client()
    kid = decode_unverified(_token(dcr, client))[0]["kid"]
    admin.add_rsa_key(dcr.realm, priority=50)
    assert decode_unverified(_token(dcr, client))[0]["kid"] == kid
    assert len([k for k in _jwks(http, kc, dcr.realm) if k["use"] == "sig"]) == 2


def test_the_realm_verifies_tokens_of_every_enabled_signing_key() -> None:
    """verify_access (RFC 7592 reads with a bearer access token, token exchange) accepts a
    token of the older key after a rotation, and refuses a kid the realm never published."""
    import time

    import pytest

    from harness.jose import generate_rsa
    from harness.jose.tokens import BadJwt, sign
    from harness.products.keycloak.emulator.keys import RealmKeys, RsaRealmKey

    keys = RealmKeys.generate("r", time.time())
    before = keys.sign_access({"sub": "a"}, "Bearer")
    keys.add_signing_key(RsaRealmKey.generate("r", "RS256", "sig", time.time()), 200, "p")
    after = keys.sign_access({"sub": "b"}, "Bearer")
    assert keys.verify_access(before) == {"sub": "a"} and keys.verify_access(after) == {"sub": "b"}
    stranger = generate_rsa(kid=keys.sig.kid)
    with pytest.raises(BadJwt):
        keys.verify_access(sign({"sub": "c"}, stranger, alg="RS256", headers={"kid": "unknown"}))
    with pytest.raises(BadJwt):  # the right kid, the wrong key
        keys.verify_access(sign({"sub": "c"}, stranger, alg="RS256", headers={"kid": keys.sig.kid}))
    with pytest.raises(BadJwt):
        keys.verify_access("not.a-jwt")


def test_other_key_providers_are_refused(dcr: Any, admin: KeycloakAdmin, http: requests.Session, kc: Any) -> None:
    r = http.post(f"{kc.base_url}/admin/realms/{dcr.realm}/components", timeout=10,
                  headers={"Authorization": f"Bearer {admin.token()}"},
                  json={"name": "ec", "providerId": "ecdsa-generated", "providerType": "org.keycloak.keys.KeyProvider",
                        "config": {"priority": ["200"]}})
    assert r.status_code == 400
    passive = http.post(f"{kc.base_url}/admin/realms/{dcr.realm}/components", timeout=10,
                        headers={"Authorization": f"Bearer {admin.token()}"},
                        json={"name": "p", "providerId": "rsa-generated", "providerType": "org.keycloak.keys.KeyProvider",
                              "config": {"priority": ["200"], "active": ["false"]}})
    assert passive.status_code == 400  # not emulated: said, never silently ignored


def rotation_observed(base_url: str, admin_user: str = "admin", admin_password: str = "admin") -> dict[str, Any]:
    """What a rotation looks like on the Keycloak at ``base_url``, as kid roles (no values):
    a new realm, a client, a token; an rsa-generated provider of priority 200; another token.
    The same function runs against the emulator (below) and the real server
    (tests/real_keycloak/test_key_rotation.py), so their answers can be compared."""
    import uuid

    from harness.registrar import rfc7591
    from harness.registrar.token import client_credentials

    with requests.Session() as http:
        admin = KeycloakAdmin(base_url, admin_user, admin_password, session=http)
        realm = f"rot{uuid.uuid4().hex[:8]}"
        admin.create_realm(realm)
        disc = admin.discovery(realm)
        iat = admin.create_initial_access_token(realm, 0, 1)["token"]
        client = rfc7591.register(http, disc["registration_endpoint"], {"client_name": "rotation",
                                  "grant_types": ["client_credentials"]}, initial_access_token=iat)

        def kid() -> str:
            token = client_credentials(http, disc["token_endpoint"], client.client_id, client.client_secret).access_token
            return str(decode_unverified(token)[0]["kid"])

        old = kid()
        admin.add_rsa_key(realm, priority=200)
        new = kid()
        names = {old: "old", new: "new"}
        jwks = http.get(disc["jwks_uri"], timeout=30).json()["keys"]
        meta = admin.keys(realm)
        return {
            "new kid differs": new != old,
            "JWKS signing keys": [names.get(k["kid"], "other") for k in jwks if k.get("use") == "sig"],
            # The highest priority first; keys of equal priority come in an order that varies
            # from realm to realm on the real server (measured 26.7.3: 4 of 6 realms put the
            # encryption key before the old signing key), so the rest is compared as a set.
            "JWKS first key": [(names.get(k["kid"], "other"), k.get("use"), k.get("alg")) for k in jwks][:1],
            "JWKS other keys": sorted((names.get(k["kid"], "other"), k.get("use"), k.get("alg")) for k in jwks[1:]),
            "active RS256": names.get(meta["active"].get("RS256"), "other"),
            "RS256 priorities": sorted((names.get(k["kid"], "other"), k.get("providerPriority"))
                                       for k in meta["keys"] if k.get("algorithm") == "RS256"),
        }


#: What the emulator answers (and what the real server must answer too).
ROTATION_EXPECTED: dict[str, Any] = {
    "new kid differs": True,
    "JWKS signing keys": ["new", "old"],
    "JWKS first key": [("new", "sig", "RS256")],
    "JWKS other keys": [("old", "sig", "RS256"), ("other", "enc", "RSA-OAEP")],
    "active RS256": "new",
    "RS256 priorities": [("new", 200), ("old", 100)],
}


def test_rotation_on_the_emulator(kc: Any) -> None:
    assert rotation_observed(kc.base_url, kc.admin_user, kc.admin_password) == ROTATION_EXPECTED
