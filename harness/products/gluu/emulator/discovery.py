"""``/.well-known/openid-configuration`` (OpenID Connect Discovery 1.0 §4) and
``/oxauth/restv1/jwks`` (RFC 7517 §5) as oxAuth 4.x serves them
(src:OpenIdConfiguration, src:JwkRestWebServiceImpl)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from harness.products.gluu.emulator.errors import java_json
from harness.products.gluu.emulator.state import GluuState


def discovery_document(state: GluuState) -> dict[str, Any]:
    """The members the harness and the Tyk guide use, with oxAuth's values. Issuer is the
    server root (ce-setup ``"issuer": "https://%(hostname)s"``); every endpoint lives
    under the context path."""
    p = state.profile
    return {
        "issuer": state.issuer,
        "authorization_endpoint": state.endpoint("authorize"),
        "token_endpoint": state.endpoint("token"),
        "token_revocation_endpoint": state.endpoint("revoke"),
        "revocation_endpoint": state.endpoint("revoke"),
        "userinfo_endpoint": state.endpoint("userinfo"),
        "clientinfo_endpoint": state.endpoint("clientinfo"),
        "check_session_iframe": f"{state.base_url}{p.context_path}/opiframe.htm",
        "end_session_endpoint": state.endpoint("end_session"),
        "jwks_uri": state.endpoint("jwks"),
        "registration_endpoint": state.endpoint("register"),
        "introspection_endpoint": state.endpoint("introspection"),
        "response_types_supported": [" ".join(s) for s in p.response_type_sets_supported],
        "response_modes_supported": ["query", "fragment", "form_post"],
        "grant_types_supported": list(p.grant_types_supported),
        "subject_types_supported": list(p.subject_types_supported),
        "id_token_signing_alg_values_supported": list(p.id_token_signing_alg_values_supported),
        "token_endpoint_auth_methods_supported": list(p.token_endpoint_auth_methods_supported),
        "scopes_supported": list(p.default_client_scopes) + ["profile", "email", "address", "phone", "clientinfo", "user_name"],
        "claims_parameter_supported": False,
        "request_parameter_supported": True,
        "request_uri_parameter_supported": True,
        "require_request_uri_registration": False,
        "tls_client_certificate_bound_access_tokens": True,
        "frontchannel_logout_supported": True,
        "backchannel_logout_supported": True,
    }


async def openid_configuration(request: Request) -> Response:
    state: GluuState = request.app.state.gluu
    return Response(java_json(discovery_document(state)), media_type="application/json")


async def jwks(request: Request) -> Response:
    """The keystore filtered by ``jwksAlgorithmsSupported``, EC coordinates written the
    profile's (faulty) way."""
    state: GluuState = request.app.state.gluu
    doc = state.keystore.jwks(state.config.jwks_algorithms_supported)
    return Response(java_json(doc), media_type="application/json")
