"""The emulator's admin endpoint (the guide's oxTrust step) and the GluuAdmin client."""

from __future__ import annotations

import pytest
import requests

from harness.core.errors import HarnessError
from harness.products.gluu.admin import GluuAdmin
from tests.gluu.helpers import ADMIN, register

PATH = "/dcr-harness/admin/configuration"


def test_needs_admin_credentials(gluu):
    url = gluu.base_url + PATH
    assert requests.get(url, timeout=10).status_code == 401
    wrong = requests.put(url, json={"dynamicRegistrationEnabled": False}, auth=(ADMIN[0], "nope"), timeout=10)
    assert wrong.status_code == 401
    assert wrong.headers["www-authenticate"] == 'Basic realm="dcr-harness-admin"'
    assert register(gluu).status_code == 200  # nothing changed
    with pytest.raises(HarnessError) as exc:
        GluuAdmin(gluu.base_url, ADMIN[0], "nope").get_configuration()
    assert "nope" not in str(exc.value)


def test_get_shows_the_profile_defaults(gluu):
    assert GluuAdmin(gluu.base_url, *ADMIN).get_configuration() == {
        "jwksAlgorithmsSupported": ["RS256", "RS384", "RS512", "ES256", "ES384", "ES512",
                                    "PS256", "PS384", "PS512", "RSA1_5", "RSA-OAEP"],
        "dynamicRegistrationEnabled": True,
        "errorReasonEnabled": False,
    }


@pytest.mark.parametrize("body,fragment", [
    ({"jwksAlgorithmsSupported": ["RS256", "HS256"]}, "unknown algorithms ['HS256']"),
    ({"jwksAlgorithmsSupported": "RS256"}, "must be an array"),
    ({"dynamicRegistrationEnabled": "no"}, "must be true or false"),
    ({"colour": "blue"}, "unknown members ['colour']"),
])
def test_bad_changes_are_refused_and_nothing_changes(gluu, body, fragment):
    resp = requests.put(gluu.base_url + PATH, json=body, auth=ADMIN, timeout=10)
    assert resp.status_code == 400
    assert fragment in resp.json()["error_description"]
    assert GluuAdmin(gluu.base_url, *ADMIN).get_configuration()["jwksAlgorithmsSupported"][3] == "ES256"


def test_registration_disabled_answers_like_oxauth(gluu):
    client = register(gluu).json()
    GluuAdmin(gluu.base_url, *ADMIN).set_configuration(dynamic_registration_enabled=False)
    resp = register(gluu)
    assert resp.status_code == 400
    assert resp.json() == {"error": "access_denied", "error_description": "The authorization server denied the request."}
    read = requests.get(client["registration_client_uri"],
                        headers={"Authorization": f"Bearer {client['registration_access_token']}"}, timeout=10)
    assert read.status_code == 400 and read.json()["error"] == "access_denied"
    GluuAdmin(gluu.base_url, *ADMIN).set_configuration(dynamic_registration_enabled=True, error_reason_enabled=True)
    GluuAdmin(gluu.base_url, *ADMIN).set_configuration(dynamic_registration_enabled=False)
    assert register(gluu).json()["reason"] == "Dynamic client registration is disabled."
