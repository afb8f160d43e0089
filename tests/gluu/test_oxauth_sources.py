"""The Gluu emulator against oxAuth's own sources and the installer's defaults (issue 17).

Each test names the source line it checks (GluuFederation/oxAuth and
GluuFederation/community-edition-setup, tags version_4.2.3 and version_4.4.0); the values
live in harness/products/gluu/install.py and GluuProfile fields.
"""

from __future__ import annotations

import pytest
import requests

from harness.products.gluu.profile import GluuProfile
from tests.gluu.helpers import discovery, register

#: The members src:OpenIdConfiguration.processRequest writes (lines 102-312, 4.2.3 = 4.4.0)
#: plus src:CIBAConfigurationService.processConfiguration (lines 34-58) when the CIBA lists
#: are empty (ce-setup): every one of them, no other.
DISCOVERY_MEMBERS = {
    "issuer", "authorization_endpoint", "token_endpoint", "token_revocation_endpoint", "revocation_endpoint",
    "session_revocation_endpoint", "userinfo_endpoint", "clientinfo_endpoint", "check_session_iframe",
    "end_session_endpoint", "jwks_uri", "registration_endpoint", "id_generation_endpoint", "introspection_endpoint",
    "device_authorization_endpoint", "response_types_supported", "response_modes_supported", "grant_types_supported",
    "acr_values_supported", "auth_level_mapping", "subject_types_supported", "userinfo_signing_alg_values_supported",
    "userinfo_encryption_alg_values_supported", "userinfo_encryption_enc_values_supported",
    "id_token_signing_alg_values_supported", "id_token_encryption_alg_values_supported",
    "id_token_encryption_enc_values_supported", "request_object_signing_alg_values_supported",
    "request_object_encryption_alg_values_supported", "request_object_encryption_enc_values_supported",
    "token_endpoint_auth_methods_supported", "token_endpoint_auth_signing_alg_values_supported",
    "display_values_supported", "claim_types_supported", "service_documentation",
    "id_token_token_binding_cnf_values_supported", "claims_locales_supported", "ui_locales_supported",
    "scopes_supported", "claims_supported", "scope_to_claims_mapping", "claims_parameter_supported",
    "request_parameter_supported", "request_uri_parameter_supported", "require_request_uri_registration",
    "op_policy_uri", "op_tos_uri", "tls_client_certificate_bound_access_tokens", "backchannel_logout_supported",
    "backchannel_logout_session_supported", "frontchannel_logout_supported", "frontchannel_logout_session_supported",
    "backchannel_authentication_endpoint", "backchannel_user_code_parameter_supported",
}
PS = {"PS256", "PS384", "PS512"}


@pytest.mark.parametrize("version", ["4.2", "4.4"])
def test_discovery_has_every_member_oxauth_writes(gluu_factory, version):
    doc = discovery(gluu_factory(version=version))
    assert set(doc) == DISCOVERY_MEMBERS
    base = doc["issuer"]
    # OpenIdConfiguration line 108: endpointUrl("/revoke_session") from the end-session URL
    assert doc["session_revocation_endpoint"] == doc["end_session_endpoint"].replace("/end_session", "/revoke_session")
    # ce-setup oxauth-config.json: deviceAuthzEndpoint, idGenerationEndpoint, backchannelAuthenticationEndpoint
    assert doc["device_authorization_endpoint"] == f"{base}/oxauth/restv1/device_authorization"
    assert doc["id_generation_endpoint"] == f"{base}/oxauth/restv1/id"
    assert doc["backchannel_authentication_endpoint"] == f"{base}/oxauth/restv1/bc-authorize"
    # ce-setup: serviceDocumentation, opPolicyUri, opTosUri, displayValuesSupported, claimTypesSupported
    assert doc["service_documentation"] == "http://gluu.org/docs"
    assert doc["op_policy_uri"] == "http://ox.gluu.org/doku.php?id=oxauth:policy"
    assert doc["op_tos_uri"] == "http://ox.gluu.org/doku.php?id=oxauth:tos"
    assert doc["display_values_supported"] == ["page", "popup"]
    assert doc["claim_types_supported"] == ["normal"]
    # OpenIdConfiguration lines 180-181 (sic): the userinfo *alg* list under the enc member
    assert doc["userinfo_encryption_enc_values_supported"] == doc["userinfo_encryption_alg_values_supported"]
    assert doc["id_token_encryption_enc_values_supported"] == ["A128CBC+HS256", "A256CBC+HS512", "A128GCM", "A256GCM"]
    # ce-setup scripts.ldif: no person-authentication script enabled by default
    assert doc["acr_values_supported"] == [] and doc["auth_level_mapping"] == {}


def test_gluu_42_lists_no_ps_algorithms(gluu):
    """ce-setup version_4.2.3 templates/oxauth-config.json: idTokenSigningAlgValuesSupported,
    userInfoSigningAlgValuesSupported, requestObjectSigningAlgValuesSupported and
    tokenEndpointAuthSigningAlgValuesSupported stop at ES512."""
    doc = discovery(gluu)
    for member in ("id_token_signing_alg_values_supported", "userinfo_signing_alg_values_supported",
                   "request_object_signing_alg_values_supported", "token_endpoint_auth_signing_alg_values_supported"):
        assert not PS & set(doc[member]), member
    assert "none" in doc["id_token_signing_alg_values_supported"]
    assert "none" not in doc["userinfo_signing_alg_values_supported"]


def test_gluu_44_lists_ps_algorithms(gluu_factory):
    """ce-setup version_4.4.0 templates/oxauth/oxauth-config.json adds PS256/384/512."""
    doc = discovery(gluu_factory(version="4.4"))
    assert PS <= set(doc["id_token_signing_alg_values_supported"])
    assert PS <= set(doc["token_endpoint_auth_signing_alg_values_supported"])


def test_scopes_and_claims_come_from_the_installer_ldif(gluu_factory):
    """ce-setup templates/scopes.ldif + attributes.ldif; 4.4.0 adds preferred_language,
    room_number and post_office_box, and hides jans_stat (showInConfigurationEndpoint false)."""
    d42 = discovery(gluu_factory(version="4.2"))
    d44 = discovery(gluu_factory(version="4.4"))
    assert set(d42["scopes_supported"]) == set(d44["scopes_supported"]) == {
        "openid", "profile", "email", "address", "phone", "clientinfo", "user_name", "uma_protection", "oxd",
        "revoke_session", "mobile_phone", "permission", "offline_access"}
    assert set(d44["claims_supported"]) - set(d42["claims_supported"]) == {
        "preferred_language", "room_number", "post_office_box"}
    assert {"email": ["email_verified", "email"]} in d42["scope_to_claims_mapping"]


@pytest.mark.parametrize("version", ["4.2", "4.4"])
def test_registration_response_has_the_client_attributes_oxauth_always_writes(gluu_factory, version):
    """src:RegisterRestWebServiceImpl.getJSONObject (4.2.3 lines 831-935, unchanged in 4.4.0)
    with src:ClientAttributes getters (null → false / [])."""
    body = register(gluu_factory(version=version)).json()
    assert body["allow_spontaneous_scopes"] is False
    assert body["spontaneous_scopes"] == []
    assert body["run_introspection_script_before_access_token_as_jwt_creation_and_include_claims"] is False
    assert body["keep_client_authorization_after_expiration"] is False
    assert body["backchannel_logout_uri"] == []
    assert body["backchannel_logout_session_required"] is False
    assert body["frontchannel_logout_session_required"] is False
    # written only when set (addToJSONObjectIfNotNull of a null String)
    assert "tls_client_auth_subject_dn" not in body
    assert "additional_audience" not in body  # not in getJSONObject in 4.2.3 or 4.4.0


def test_tls_client_auth_subject_dn_is_echoed_when_set(gluu):
    body = register(gluu, tls_client_auth_subject_dn="CN=client,O=example").json()
    assert body["tls_client_auth_subject_dn"] == "CN=client,O=example"


def test_known_algorithm_not_supported_is_refused_on_42(gluu):
    """src:RegisterParamsValidator.validateAlgorithms (4.2.3 lines 105-113): PS256 is a known
    SignatureAlgorithm but not in 4.2's idTokenSigningAlgValuesSupported."""
    resp = register(gluu, id_token_signed_response_alg="PS256")
    assert resp.status_code == 400 and resp.json()["error"] == "invalid_client_metadata"


def test_same_algorithm_is_accepted_on_44(gluu_factory):
    resp = register(gluu_factory(version="4.4"), id_token_signed_response_alg="PS256")
    assert resp.status_code == 200 and resp.json()["id_token_signed_response_alg"] == "PS256"


@pytest.mark.parametrize("member,value", [
    ("userinfo_signed_response_alg", "none"),  # lines 131-137: no exemption for none
    ("request_object_signing_alg", "PS384"),  # lines 155-161
    ("token_endpoint_auth_signing_alg", "none"),  # the last check of validateAlgorithms
    ("userinfo_signed_response_alg", "PS512"),  # a known algorithm outside 4.2's list
])
def test_every_algorithm_member_is_checked_against_its_list(gluu, member, value):
    resp = register(gluu, **{member: value})
    assert resp.status_code == 400 and resp.json()["error"] == "invalid_client_metadata", resp.text


def test_unknown_algorithm_name_is_not_validated(gluu):
    """``SignatureAlgorithm.fromString`` gives null for an unknown name, and validateAlgorithms
    tests ``!= null`` first: the request passes."""
    assert register(gluu, userinfo_signed_response_alg="XS999").status_code == 200


def test_password_grant_is_refused_without_the_switch(gluu):
    """registerClientImpl lines 168-172 (4.2.3) with dynamicRegistrationPasswordGrantTypeEnabled
    = false (AppConfiguration line 124; absent from ce-setup)."""
    resp = register(gluu, grant_types=["client_credentials", "password"], response_types=[])
    assert resp.status_code == 400
    assert resp.json()["error"] == "access_denied"


def test_http_initiate_login_uri_is_refused(gluu):
    """registerClientImpl lines 202-209 + RegisterParamsValidator.validateInitiateLoginUri
    (lines 320-334): https only, refused with invalid_claims_redirect_uri (sic)."""
    resp = register(gluu, initiate_login_uri="http://client.example/login")
    assert resp.status_code == 400
    assert resp.json()["error"] == "invalid_claims_redirect_uri"
    ok = register(gluu, initiate_login_uri="https://client.example/login")
    assert ok.status_code == 200 and ok.json()["initiate_login_uri"] == "https://client.example/login"


def test_reason_names_the_rule_when_error_reasons_are_on(gluu_factory):
    idp = gluu_factory(error_reason_enabled=True)
    resp = register(idp, initiate_login_uri="http://client.example/login")
    assert resp.json()["reason"] == ("The Initiate Login Uri is invalid. The initiate_login_uri must use "
                                     "the https schema.")
    resp = register(idp, grant_types=["password"], response_types=[])
    assert resp.json()["reason"] == "Password Grant Type is not allowed for Dynamic Client Registration."


def test_profile_fields_per_version() -> None:
    p42, p44 = GluuProfile.for_version("4.2"), GluuProfile.for_version("4.4")
    assert not PS & set(p42.id_token_signing_alg_values_supported)
    assert PS <= set(p44.userinfo_signing_alg_values_supported)
    assert p42.dynamic_registration_password_grant_type_enabled is False
    assert p44.dynamic_registration_password_grant_type_enabled is False


def test_discovery_is_served_as_json(gluu):
    resp = requests.get(f"{gluu.base_url}/.well-known/openid-configuration", timeout=10)
    assert resp.headers["content-type"].startswith("application/json")
