"""Protocol helpers for the Gluu 4 emulator tests. They speak plain HTTP (requests), so
every status, header and body the emulator sends is asserted as the wire shows it."""

from __future__ import annotations

import base64
import json
from typing import Any

import requests
from jwcrypto import jwk

from harness.products.gluu.emulator.launcher import GluuEmulatorLauncher
from harness.registrar.drivers import get_driver
from harness.registrar.options import DcrOptions

ADMIN = ("admin", "s3cret-admin")
#: The guide's redirect URL for the "with a redirect URI" case (loopback http is allowed
#: for web clients, src:RegisterParamsValidator).
REDIRECT = "http://localhost:3000/callback"


def discovery(idp: GluuEmulatorLauncher) -> dict[str, Any]:
    resp = requests.get(f"{idp.base_url}/.well-known/openid-configuration", timeout=10)
    assert resp.status_code == 200
    return resp.json()


def guide_options(idp: GluuEmulatorLauncher) -> DcrOptions:
    """The guide's DCR settings (step 8): Gluu, client credentials, client_secret_post,
    response type token, open registration (no initial access token)."""
    return DcrOptions(
        enable_dcr=True,
        provider="gluu",
        grant_types=["client_credentials"],
        token_endpoint_auth_method="client_secret_post",
        response_types=["token"],
        idp_host=idp.base_url + "/",
        registration_endpoint=discovery(idp)["registration_endpoint"],
    )


def register(idp: GluuEmulatorLauncher, body: dict[str, Any] | None = None, *,
             redirect_uris: list[str] | None = None, **changes: Any) -> requests.Response:
    """POST the gluu driver's body for the guide's settings (or ``body``)."""
    options = guide_options(idp)
    driver = get_driver("gluu")
    if body is None:
        body = driver.metadata(options, "GluuClient", [REDIRECT] if redirect_uris is None else redirect_uris)
        body.update(changes)
    return requests.post(options.registration_endpoint, json=body, headers=driver.headers(options), timeout=10)


def token_post(idp: GluuEmulatorLauncher, client: dict[str, Any], **extra: str) -> requests.Response:
    data = {"grant_type": "client_credentials", "client_id": client["client_id"],
            "client_secret": client["client_secret"], **extra}
    return requests.post(discovery(idp)["token_endpoint"], data=data, timeout=10)


def token_basic(idp: GluuEmulatorLauncher, client: dict[str, Any], **extra: str) -> requests.Response:
    data = {"grant_type": "client_credentials", **extra}
    return requests.post(discovery(idp)["token_endpoint"], data=data,
                         auth=(client["client_id"], client["client_secret"]), timeout=10)


def jwks(idp: GluuEmulatorLauncher) -> dict[str, Any]:
    resp = requests.get(discovery(idp)["jwks_uri"], timeout=10)
    assert resp.status_code == 200
    return resp.json()


def b64url_len(value: str) -> int:
    """Byte length of a base64url (unpadded) value."""
    return len(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)))


def keyset_for_jwcrypto(doc: dict[str, Any]) -> jwk.JWKSet:
    """jwcrypto refuses ``crv`` on RSA keys; Gluu writes ``"crv": ""`` on every RSA key
    (GluuProfile.rsa_jwk_empty_crv), so drop that member before importing."""
    keys = []
    for key in doc["keys"]:
        key = dict(key)
        if key.get("kty") == "RSA" and key.get("crv") == "":
            key.pop("crv")
        keys.append(key)
    return jwk.JWKSet.from_json(json.dumps({"keys": keys}))
