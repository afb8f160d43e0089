"""Key rotation on the Keycloak emulator, the way an administrator does it on Keycloak:
another ``rsa-generated`` key provider with a higher priority (KeycloakAdmin.rotate_signing_key;
harness/products/keycloak/emulator/keys.py). New tokens carry the new key's kid, the JWKS
publishes every key, highest priority first, and tokens of any of them still verify.
:func:`rotation_observed` runs the same rotations against the real server too
(tests/real_keycloak/test_key_rotation.py)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
import requests
from jwcrypto import jwk

from harness.jose.tokens import decode_unverified, verify
from harness.products.keycloak.admin import KeycloakAdmin

KEY_PROVIDER = "org.keycloak.keys.KeyProvider"


def _token(dcr: Any, client: dict[str, Any]) -> str:
    r = dcr.token({"grant_type": "client_credentials", "client_id": client["client_id"],
                   "client_secret": client["client_secret"]})
    assert r.status_code == 200, r.text
    return str(r.json()["access_token"])


def _jwks(http: requests.Session, kc: Any, realm: str) -> list[dict[str, Any]]:
    return list(http.get(f"{kc.issuer(realm)}/protocol/openid-connect/certs", timeout=10).json()["keys"])


def _add_provider(http: requests.Session, base_url: str, admin: KeycloakAdmin, realm: str,
                  provider: str = "rsa-generated", **config: str) -> requests.Response:
    return http.post(f"{base_url}/admin/realms/{realm}/components", timeout=30,
                     headers={"Authorization": f"Bearer {admin.token()}"},
                     json={"name": provider, "providerId": provider, "providerType": KEY_PROVIDER,
                           "config": {k: [v] for k, v in config.items()}})


def test_a_higher_priority_rsa_generated_provider_signs_new_tokens(dcr: Any, kc: Any, http: requests.Session,
                                                                   admin: KeycloakAdmin) -> None:
    client = dcr.client()
    old_token = _token(dcr, client)
    old_kid = decode_unverified(old_token)[0]["kid"]
    assert [k["kid"] for k in _jwks(http, kc, dcr.realm) if k["use"] == "sig"] == [old_kid]

    assert admin.rotate_signing_key(dcr.realm)[0] == old_kid
    new_token = _token(dcr, client)
    new_kid = decode_unverified(new_token)[0]["kid"]
    assert new_kid != old_kid and admin.active_rs256_kid(dcr.realm) == (new_kid, 200)
    keys = _jwks(http, kc, dcr.realm)
    assert [k["kid"] for k in keys if k["use"] == "sig"] == [new_kid, old_kid]  # priority, highest first
    for token, kid in ((old_token, old_kid), (new_token, new_kid)):  # RFC 7515 §4.1.4: the kid names the key
        verify(token, jwk.JWK(**next(k for k in keys if k["kid"] == kid)), algs=["RS256"])


def test_a_lower_priority_provider_is_published_but_does_not_sign(dcr: Any, kc: Any, http: requests.Session,
                                                                 admin: KeycloakAdmin) -> None:
    client = dcr.client()
    kid = decode_unverified(_token(dcr, client))[0]["kid"]
    assert _add_provider(http, kc.base_url, admin, dcr.realm, priority="50").status_code == 201
    assert decode_unverified(_token(dcr, client))[0]["kid"] == kid
    assert len([k for k in _jwks(http, kc, dcr.realm) if k["use"] == "sig"]) == 2


def test_the_realm_verifies_tokens_of_every_enabled_signing_key() -> None:
    """verify_access (RFC 7592 reads with a bearer access token, token exchange) accepts a
    token of the older key after a rotation, and refuses a kid the realm never published."""
    import time

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
    """Not emulated, and said so (400), never silently ignored: other providers, passive keys."""
    assert _add_provider(http, kc.base_url, admin, dcr.realm, "ecdsa-generated", priority="200").status_code == 400
    assert _add_provider(http, kc.base_url, admin, dcr.realm, priority="200", active="false").status_code == 400


def rotation_observed(base_url: str, admin_user: str = "admin", admin_password: str = "admin") -> dict[str, Any]:
    """What two rotations look like on the Keycloak at ``base_url``, as kid roles (no
    values): a new realm, a client, a token; ``rotate_signing_key`` (priority 200), a token;
    again (priority 300), a token. Runs against the emulator (below) and the real server
    (tests/real_keycloak/test_key_rotation.py), so their answers can be compared."""
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

        names = {kid(): "first"}
        rotations = [admin.rotate_signing_key(realm) for _ in range(2)]
        names[rotations[0][1]], names[rotations[1][1]] = "second", "third"
        signed_by = kid()
        jwks = [(names.get(k["kid"], "enc key"), k.get("use"), k.get("alg"))
                for k in http.get(disc["jwks_uri"], timeout=30).json()["keys"]]
        return {
            "rotations (old, new)": [(names.get(o, "?"), names.get(n, "?")) for o, n in rotations],
            "signs now": names.get(signed_by, "?"),
            "active RS256, top priority": (names.get(admin.active_rs256_kid(realm)[0], "?"),
                                           admin.active_rs256_kid(realm)[1]),
            # Highest priority first; keys of equal priority (the realm's own two, 100) come in
            # an order that varies from realm to realm on the real server (measured 26.7.3: 4 of
            # 6 realms put the encryption key first), so those are compared as a set.
            "JWKS, priorities 300 and 200": jwks[:2],
            "JWKS, priority 100": sorted(jwks[2:]),
        }


#: What the emulator answers (and what the real server must answer too).
ROTATION_EXPECTED: dict[str, Any] = {
    "rotations (old, new)": [("first", "second"), ("second", "third")],
    "signs now": "third",
    "active RS256, top priority": ("third", 300),
    "JWKS, priorities 300 and 200": [("third", "sig", "RS256"), ("second", "sig", "RS256")],
    "JWKS, priority 100": [("enc key", "enc", "RSA-OAEP"), ("first", "sig", "RS256")],
}


def test_rotation_on_the_emulator(kc: Any) -> None:
    assert rotation_observed(kc.base_url, kc.admin_user, kc.admin_password) == ROTATION_EXPECTED
