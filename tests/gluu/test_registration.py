"""RFC 7591 body handling the way oxAuth does it (src:RegisterRestWebServiceImpl,
RegisterParamsValidator, RegisterRequest.fromJson)."""

from __future__ import annotations

import requests

from tests.gluu.helpers import discovery, register


def _post_raw(idp, data: bytes) -> requests.Response:
    return requests.post(discovery(idp)["registration_endpoint"], data=data,
                         headers={"Content-Type": "application/json"}, timeout=10)


def test_malformed_json_is_500_invalid_client_metadata(gluu):
    for data in (b"{not json", b"[1, 2]", b'{"redirect_uris": "https://a.example/cb"}'):
        resp = _post_raw(gluu, data)
        assert resp.status_code == 500, data
        assert resp.json()["error"] == "invalid_client_metadata"


def test_http_redirect_only_on_loopback_for_web_clients(gluu):
    resp = register(gluu, redirect_uris=["http://app.example/cb"])
    assert resp.status_code == 400
    assert resp.json()["error"] == "invalid_redirect_uri"
    assert resp.json()["error_description"] == "Value of one or more redirect_uris is invalid."
    assert register(gluu, redirect_uris=["https://app.example/cb"]).status_code == 200
    assert register(gluu, redirect_uris=["http://127.0.0.1:8080/cb"]).status_code == 200
    assert register(gluu, redirect_uris=["http://app.example/cb"], application_type="native").status_code == 200


def test_fragment_and_pairwise_multi_host_redirects_are_refused(gluu):
    assert register(gluu, redirect_uris=["https://a.example/cb#x"]).status_code == 400
    two_hosts = ["https://a.example/cb", "https://b.example/cb"]
    assert register(gluu, redirect_uris=two_hosts).json()["error"] == "invalid_redirect_uri"
    assert register(gluu, redirect_uris=two_hosts, subject_type="public").status_code == 200


def test_auth_method_none_is_refused_unknown_one_becomes_basic(gluu):
    none = register(gluu, token_endpoint_auth_method="none")
    assert none.status_code == 400 and none.json()["error"] == "invalid_client_metadata"
    unknown = register(gluu, token_endpoint_auth_method="client_secret_carrier_pigeon")
    assert unknown.status_code == 200
    assert unknown.json()["token_endpoint_auth_method"] == "client_secret_basic"


def test_invalid_application_type(gluu):
    resp = register(gluu, application_type="desktop")
    assert resp.status_code == 400 and resp.json()["error"] == "invalid_client_metadata"


def test_unknown_grants_are_dropped(gluu):
    resp = register(gluu, grant_types=["client_credentials", "urn:example:custom"], response_types=[])
    assert resp.status_code == 200
    assert resp.json()["grant_types"] == ["client_credentials"]


def test_password_grant_with_the_switch_on_is_kept_out_by_dynamic_grant_type_default(gluu_factory):
    """With ``dynamicRegistrationPasswordGrantTypeEnabled`` on, the request passes the
    check, and ``dynamicGrantTypeDefault`` (ce-setup, no ``password``) drops the grant."""
    idp = gluu_factory(dynamic_registration_password_grant_type_enabled=True)
    resp = register(idp, grant_types=["client_credentials", "password"], response_types=[])
    assert resp.status_code == 200
    assert resp.json()["grant_types"] == ["client_credentials"]


def test_gluu_44_does_not_add_implicit(gluu_factory):
    idp = gluu_factory(version="4.4")
    body = register(idp).json()
    assert body["grant_types"] == ["client_credentials"]
    assert body["response_types"] == ["token"]


def test_no_grants_no_response_types_means_code_flow_in_42(gluu):
    resp = register(gluu, body={"redirect_uris": ["https://a.example/cb"]})
    assert resp.status_code == 200
    assert resp.json()["response_types"] == ["code"]
    assert resp.json()["grant_types"] == ["authorization_code", "refresh_token"]


def test_scope_is_intersected_with_default_scopes(gluu):
    default = register(gluu).json()["scope"]
    assert default == "openid uma_protection oxd permission offline_access"
    asked = register(gluu, scope="openid profile read:all").json()["scope"]
    assert asked == "openid"


def test_client_name_defaults_to_redirect_host(gluu):
    resp = register(gluu, body={"redirect_uris": ["https://named.example/cb"], "response_types": ["code"]})
    assert resp.json()["client_name"] == "named.example"
