"""One observation per Gluu quirk of shared/reference/gluu.md, taken from the wire. Each
row also states what Keycloak answers (shared/reference/keycloak.md), and the test checks
the two differ — so an emulator that behaved like Keycloak fails every row."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
import requests

from harness.jose import decode_unverified
from harness.products.gluu.emulator.launcher import GluuEmulatorLauncher
from tests.gluu.helpers import b64url_len, discovery, jwks, register, token_basic, token_post


def _client(idp: GluuEmulatorLauncher, **changes: Any) -> dict[str, Any]:
    resp = register(idp, **changes)
    assert resp.status_code == 200, resp.text
    return resp.json()


def _rat(client: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": f"Bearer {client['registration_access_token']}"}


def _jwt_claims(idp: GluuEmulatorLauncher, scope: str | None = None) -> dict[str, Any]:
    client = _client(idp)
    extra = {"scope": scope} if scope else {}
    return decode_unverified(token_post(idp, client, **extra).json()["access_token"])[1]


@dataclass(frozen=True)
class Quirk:
    name: str
    observe: Callable[[GluuEmulatorLauncher], Any]
    gluu: Any
    keycloak: Any  # what keycloak.md says Keycloak does in the same situation


QUIRKS = [
    Quirk("open registration without an initial access token → status",
          lambda idp: requests.post(discovery(idp)["registration_endpoint"],
                                    json={"grant_types": ["client_credentials"]}, timeout=10).status_code,
          200, 403),  # Keycloak: anonymous → 403 "Trusted Hosts"
    Quirk("registration success status", lambda idp: register(idp).status_code, 200, 201),
    Quirk("registration_client_uri shape",
          lambda idp: (lambda c: c["registration_client_uri"].endswith(f"/oxauth/restv1/register?client_id={c['client_id']}"))(_client(idp)),
          True, False),  # Keycloak: .../clients-registrations/openid-connect/<id>
    Quirk("default subject_type",
          lambda idp: register(idp, body={"grant_types": ["client_credentials"]}).json()["subject_type"],
          "pairwise", "public"),
    Quirk("default access tokens are opaque",
          lambda idp: (lambda c: token_basic(idp, c).json()["access_token"].count("."))(
              register(idp, body={"grant_types": ["client_credentials"]}).json()),
          0, 2),  # Keycloak always issues JWTs
    Quirk("response_types token without redirect_uris",
          lambda idp: (lambda r: (r.status_code, r.json()["error"]))(register(idp, redirect_uris=[])),
          (400, "invalid_client_metadata"), (201, None)),
    Quirk("unknown client metadata is ignored",
          lambda idp: register(idp, some_unknown_member="x").status_code, 200, 400),
    Quirk("error_description is canned, no reason",
          lambda idp: sorted(register(idp, redirect_uris=[]).json()),
          ["error", "error_description"], ["error", "error_description", "reason"]),
    Quirk("GET with a bad registration token",
          lambda idp: requests.get(_client(idp)["registration_client_uri"],
                                   headers={"Authorization": "Bearer bad"}, timeout=10).status_code,
          400, 401),
    Quirk("PUT with a bad registration token",
          lambda idp: requests.put(_client(idp)["registration_client_uri"], json={"client_name": "x"},
                                   headers={"Authorization": "Bearer bad"}, timeout=10).status_code,
          400, 401),
    Quirk("registration access token after PUT",
          lambda idp: (lambda c: requests.put(c["registration_client_uri"], headers=_rat(c), timeout=10,
                                              json={"client_id": c["client_id"], "client_name": "x"}
                                              ).json()["registration_access_token"] == c["registration_access_token"])(_client(idp)),
          True, False),  # Keycloak rotates
    Quirk("Basic auth for a client_secret_post client",
          lambda idp: (lambda r: (r.status_code, r.headers.get("www-authenticate"), r.json()["error"]))(token_basic(idp, _client(idp))),
          (401, 'Basic realm="oxAuth"', "invalid_client"), (200, None, None)),
    Quirk("wrong client secret error",
          lambda idp: token_post(idp, {**_client(idp), "client_secret": "wrong"}).json()["error"],
          "invalid_client", "unauthorized_client"),
    Quirk("token_type", lambda idp: token_post(idp, _client(idp)).json()["token_type"], "bearer", "Bearer"),
    Quirk("expires_in for a 300 s token", lambda idp: token_post(idp, _client(idp)).json()["expires_in"], 299, 300),
    Quirk("scope member without a requested scope", lambda idp: "scope" in token_post(idp, _client(idp)).json(),
          False, True),
    Quirk("sub claim in the access token", lambda idp: "sub" in _jwt_claims(idp), False, True),
    Quirk("scope claim type", lambda idp: type(_jwt_claims(idp, "openid")["scope"]).__name__, "list", "str"),
    Quirk("aud claim is the client_id", lambda idp: (lambda c: decode_unverified(
        token_post(idp, c).json()["access_token"])[1]["aud"] == c["client_id"])(_client(idp)),
          True, False),  # Keycloak: "account"
    Quirk("token_type claim", lambda idp: _jwt_claims(idp).get("token_type"), "bearer", None),
    Quirk("issuer is the server root", lambda idp: discovery(idp)["issuer"] == idp.base_url, True, False),
    Quirk("kid shape", lambda idp: jwks(idp)["keys"][0]["kid"].endswith("_sig_rs256"), True, False),
    Quirk("JWK exp in milliseconds", lambda idp: jwks(idp)["keys"][0]["exp"] > 10**12, True, False),
    Quirk("RSA JWK carries crv \"\"", lambda idp: jwks(idp)["keys"][0].get("crv"), "", None),
    Quirk("EC keys published by default", lambda idp: any(k["kty"] == "EC" for k in jwks(idp)["keys"]), True, False),
    Quirk("P-256 x length under 4.2 (default seed)",
          lambda idp: b64url_len(next(k for k in jwks(idp)["keys"] if k["alg"] == "ES256")["x"]), 31, 32),
]


@pytest.mark.parametrize("quirk", QUIRKS, ids=[q.name for q in QUIRKS])
def test_gluu_quirk_differs_from_keycloak(gluu: GluuEmulatorLauncher, quirk: Quirk) -> None:
    assert quirk.gluu != quirk.keycloak, "a row must name a real difference"
    assert quirk.observe(gluu) == quirk.gluu
