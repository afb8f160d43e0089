"""``/.well-known/openid-configuration`` (OpenID Connect Discovery 1.0 §4) and
``/oxauth/restv1/jwks`` (RFC 7517 §5) as oxAuth 4.x serves them
(src:OpenIdConfiguration, src:JwkRestWebServiceImpl)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from harness.products.gluu import install
from harness.products.gluu.emulator.errors import java_json
from harness.products.gluu.emulator.state import GluuState


def discovery_document(state: GluuState) -> dict[str, Any]:
    """The whole document of a default CE install, member by member in the order
    src:OpenIdConfiguration.processRequest writes them (lines 102-312, the same in 4.2.3
    and 4.4.0), then src:CIBAConfigurationService.processConfiguration. Values: the
    installer's ``oxauth-config.json`` (harness.products.gluu.install) and the
    version-dependent profile fields. The issuer is the server root (ce-setup
    ``"issuer": "https://%(hostname)s"``); every endpoint lives under the context path.

    Not modelled: ``acr_values_supported`` lists the enabled person-authentication scripts
    — none in a default install (ce-setup scripts.ldif), so ``[]`` and
    ``auth_level_mapping`` ``{}``; the ``permission`` dynamic scope's claims (from a script)."""
    p = state.profile
    scopes = [name for name, _ in p.scope_claims]
    claims = list(dict.fromkeys(c for _, cs in p.scope_claims for c in cs))
    doc: dict[str, Any] = {
        "issuer": state.issuer,
        "authorization_endpoint": state.endpoint("authorize"),
        "token_endpoint": state.endpoint("token"),
        "token_revocation_endpoint": state.endpoint("revoke"),
        "revocation_endpoint": state.endpoint("revoke"),
        # endpointUrl("/revoke_session"): the end-session URL with its last segment replaced
        "session_revocation_endpoint": state.endpoint("revoke_session"),
        "userinfo_endpoint": state.endpoint("userinfo"),
        "clientinfo_endpoint": state.endpoint("clientinfo"),
        "check_session_iframe": f"{state.base_url}{p.context_path}/opiframe.htm",
        "end_session_endpoint": state.endpoint("end_session"),
        "jwks_uri": state.endpoint("jwks"),
        "registration_endpoint": state.endpoint("register"),
        "id_generation_endpoint": state.endpoint("id"),
        "introspection_endpoint": state.endpoint("introspection"),
        "device_authorization_endpoint": state.endpoint("device_authorization"),
        "response_types_supported": [" ".join(s) for s in p.response_type_sets_supported],
        "response_modes_supported": list(install.RESPONSE_MODES_SUPPORTED),
        "grant_types_supported": list(p.grant_types_supported),
        "acr_values_supported": [],
        "auth_level_mapping": {},
        "subject_types_supported": list(p.subject_types_supported),
        "userinfo_signing_alg_values_supported": list(p.userinfo_signing_alg_values_supported),
        "userinfo_encryption_alg_values_supported": list(install.ENCRYPTION_ALG_VALUES),
        # sic: oxAuth writes the *alg* list under the enc member (OpenIdConfiguration line 181)
        "userinfo_encryption_enc_values_supported": list(install.ENCRYPTION_ALG_VALUES),
        "id_token_signing_alg_values_supported": list(p.id_token_signing_alg_values_supported),
        "id_token_encryption_alg_values_supported": list(install.ENCRYPTION_ALG_VALUES),
        "id_token_encryption_enc_values_supported": list(install.ENCRYPTION_ENC_VALUES),
        "request_object_signing_alg_values_supported": list(p.request_object_signing_alg_values_supported),
        "request_object_encryption_alg_values_supported": list(install.ENCRYPTION_ALG_VALUES),
        "request_object_encryption_enc_values_supported": list(install.ENCRYPTION_ENC_VALUES),
        "token_endpoint_auth_methods_supported": list(p.token_endpoint_auth_methods_supported),
        "token_endpoint_auth_signing_alg_values_supported": list(p.token_endpoint_auth_signing_alg_values_supported),
        "display_values_supported": list(install.DISPLAY_VALUES_SUPPORTED),
        "claim_types_supported": list(install.CLAIM_TYPES_SUPPORTED),
        "service_documentation": install.SERVICE_DOCUMENTATION,
        "id_token_token_binding_cnf_values_supported": list(install.ID_TOKEN_TOKEN_BINDING_CNF_VALUES_SUPPORTED),
        "claims_locales_supported": list(install.CLAIMS_LOCALES_SUPPORTED),
        "ui_locales_supported": list(install.UI_LOCALES_SUPPORTED),
        "scopes_supported": scopes,
        "claims_supported": claims,
        "scope_to_claims_mapping": [{name: list(cs)} for name, cs in p.scope_claims],
        "claims_parameter_supported": False,
        "request_parameter_supported": True,
        "request_uri_parameter_supported": True,
        "require_request_uri_registration": False,
        "op_policy_uri": install.OP_POLICY_URI,
        "op_tos_uri": install.OP_TOS_URI,
        "tls_client_certificate_bound_access_tokens": True,
        "backchannel_logout_supported": True,
        "backchannel_logout_session_supported": True,
        "frontchannel_logout_supported": True,
        "frontchannel_logout_session_supported": True,
        "backchannel_authentication_endpoint": state.endpoint("bc-authorize"),
        "backchannel_user_code_parameter_supported": install.BACKCHANNEL_USER_CODE_PARAMETER_SUPPORTED,
    }
    return doc


async def openid_configuration(request: Request) -> Response:
    state: GluuState = request.app.state.gluu
    return Response(java_json(discovery_document(state)), media_type="application/json")


async def jwks(request: Request) -> Response:
    """The keystore filtered by ``jwksAlgorithmsSupported``, EC coordinates written the
    profile's (faulty) way."""
    state: GluuState = request.app.state.gluu
    doc = state.keystore.jwks(state.config.jwks_algorithms_supported)
    return Response(java_json(doc), media_type="application/json")
