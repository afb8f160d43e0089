"""The ``gluu`` registrar driver."""

from __future__ import annotations

from harness.registrar.drivers import get_driver
from harness.registrar.options import DcrOptions


def _options(**changes) -> DcrOptions:
    return DcrOptions(provider="gluu", grant_types=["client_credentials"], token_endpoint_auth_method="client_secret_post",
                      response_types=["token"], registration_endpoint="https://gluu/oxauth/restv1/register", **changes)


def test_gluu_driver_asks_for_rs256_jwt_access_tokens():
    body = get_driver("gluu").metadata(_options(), "GluuClient", ["https://app.example/cb"])
    assert body == {
        "client_name": "GluuClient",
        "grant_types": ["client_credentials"],
        "response_types": ["token"],
        "token_endpoint_auth_method": "client_secret_post",
        "redirect_uris": ["https://app.example/cb"],
        "access_token_as_jwt": True,
        "access_token_signing_alg": "RS256",
    }


def test_no_redirect_uris_member_when_none_typed_and_no_bearer_for_open_registration():
    driver = get_driver("gluu")
    assert "redirect_uris" not in driver.metadata(_options(), "c", [])
    assert "Authorization" not in driver.headers(_options())
    assert driver.headers(_options(access_token="iat"))["Authorization"] == "Bearer iat"


def test_other_drivers_do_not_send_gluu_members():
    for name in ("other", "keycloak"):
        body = get_driver(name).metadata(_options(), "c", [])
        assert "access_token_as_jwt" not in body and "access_token_signing_alg" not in body
