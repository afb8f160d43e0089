"""The emulator's admin endpoint: what the guide changes in oxTrust ("Configuration →
JSON Configuration → OxAuth Configuration", then "Save OxAuth Configuration").

``GET  /dcr-harness/admin/configuration`` → 200 ``{"jwksAlgorithmsSupported": [...],
"dynamicRegistrationEnabled": bool, "errorReasonEnabled": bool}``

``PUT  /dcr-harness/admin/configuration`` with a JSON object holding any of those
members → 200 and the new configuration. Unknown members, wrong types or unknown
algorithms → 400 ``{"error": "...", "error_description": "..."}`` and nothing changes.

``GET  /dcr-harness/admin/clients[?client_id=...]`` → 200, a JSON array of the stored
clients (what oxTrust → OpenID Connect → Clients shows), each named with the LDAP
attributes of oxAuth's ``oxAuthClient`` entry (:func:`client_entry`); no secret.

``DELETE /dcr-harness/admin/clients/{inum}`` → 204; an unknown client → 404.

All need HTTP Basic authentication (RFC 7617) with the launcher's ``admin_user`` /
``admin_password``; otherwise 401 with ``WWW-Authenticate: Basic realm="dcr-harness-admin"``.
This endpoint is the harness's own (real Gluu changes it through oxTrust's UI or its
config API); its effects are oxAuth's: the JWKS is filtered at once, registration opens
or closes at once.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
import logging
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from harness.products.gluu.emulator.state import GluuClient, GluuState
from harness.products.gluu.profile import KNOWN_JWKS_ALGORITHMS

log = logging.getLogger(__name__)

ADMIN_PATH = "/dcr-harness/admin/configuration"
CLIENTS_PATH = "/dcr-harness/admin/clients"
ADMIN_REALM = "dcr-harness-admin"


def _authorised(state: GluuState, request: Request) -> bool:
    header = request.headers.get("authorization", "")
    if header[:6].lower() != "basic ":
        return False
    try:
        user, _, password = base64.b64decode(header[6:].strip()).decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return False
    return hmac.compare_digest(user.encode(), state.admin_user.encode()) and hmac.compare_digest(
        password.encode(), state.admin_password.encode()
    )


def _bad(description: str) -> Response:
    return JSONResponse({"error": "invalid_configuration", "error_description": description}, status_code=400)


def apply_changes(state: GluuState, changes: dict[str, Any]) -> str | None:
    """Validate then apply ``changes``; the one-line problem, or None when applied."""
    allowed = {"jwksAlgorithmsSupported", "dynamicRegistrationEnabled", "errorReasonEnabled"}
    unknown = sorted(set(changes) - allowed)
    if unknown:
        return f"unknown members {unknown}; known: {sorted(allowed)}"
    algs = changes.get("jwksAlgorithmsSupported")
    if algs is not None:
        if not isinstance(algs, list) or not all(isinstance(a, str) for a in algs):
            return "jwksAlgorithmsSupported must be an array of algorithm names"
        bad = [a for a in algs if a not in KNOWN_JWKS_ALGORITHMS]
        if bad:
            return f"jwksAlgorithmsSupported has unknown algorithms {bad}; known: {list(KNOWN_JWKS_ALGORITHMS)}"
    for flag in ("dynamicRegistrationEnabled", "errorReasonEnabled"):
        if flag in changes and not isinstance(changes[flag], bool):
            return f"{flag} must be true or false"
    with state.lock:
        if algs is not None:
            state.config.jwks_algorithms_supported = list(dict.fromkeys(algs))
        if "dynamicRegistrationEnabled" in changes:
            state.config.dynamic_registration_enabled = changes["dynamicRegistrationEnabled"]
        if "errorReasonEnabled" in changes:
            state.config.error_reason_enabled = changes["errorReasonEnabled"]
    return None


def _unauthorised() -> Response:
    return JSONResponse(
        {"error": "unauthorized", "error_description": "admin credentials required (HTTP Basic)"},
        status_code=401,
        headers={"WWW-Authenticate": f'Basic realm="{ADMIN_REALM}"'},
    )


async def configuration(request: Request) -> Response:
    state: GluuState = request.app.state.gluu
    if not _authorised(state, request):
        return _unauthorised()
    if request.method == "PUT":
        try:
            changes = json.loads(await request.body())
        except ValueError:
            return _bad("body is not JSON")
        if not isinstance(changes, dict):
            return _bad("body must be a JSON object")
        problem = apply_changes(state, changes)
        if problem:
            return _bad(problem)
        log.info("gluu emulator: oxAuth configuration changed: %s", sorted(changes))
    return JSONResponse(state.config.as_json())


#: oxAuth's ``Client`` entity members and the LDAP attribute each is stored in
#: (oxauth-model ``org.xdi.oxauth.model.registration.Client`` ``@AttributeName``; read
#: from the sources, not measured against a running Gluu): metadata member → attribute.
CLIENT_ATTRIBUTES: tuple[tuple[str, str], ...] = (
    ("client_name", "displayName"),
    ("redirect_uris", "oxAuthRedirectURI"),
    ("response_types", "oxAuthResponseType"),
    ("grant_types", "oxAuthGrantType"),
    ("application_type", "oxAuthAppType"),
    ("token_endpoint_auth_method", "oxAuthTokenEndpointAuthMethod"),
    ("access_token_as_jwt", "oxAccessTokenAsJwt"),
    ("access_token_signing_alg", "oxAccessTokenSigningAlg"),
    ("scope", "oxAuthScope"),
)


def client_entry(client: GluuClient) -> dict[str, object]:
    """The stored client as oxTrust shows it: ``inum`` (the client_id) and the attributes
    of :data:`CLIENT_ATTRIBUTES` that are set; the secret and the registration access
    token are never shown."""
    out: dict[str, object] = {"inum": client.client_id}
    for member, attribute in CLIENT_ATTRIBUTES:
        if client.metadata.get(member) is not None:
            out[attribute] = client.metadata[member]
    return out


async def clients(request: Request) -> Response:
    """``GET /dcr-harness/admin/clients[?client_id=]``: the stored clients."""
    state: GluuState = request.app.state.gluu
    if not _authorised(state, request):
        return _unauthorised()
    wanted = request.query_params.get("client_id")
    with state.lock:
        found = [c for c in state.clients.values() if wanted is None or c.client_id == wanted]
        body = [client_entry(c) for c in found]
    return JSONResponse(body)


async def delete_client(request: Request) -> Response:
    """``DELETE /dcr-harness/admin/clients/{inum}``: remove a client (oxTrust's Delete)."""
    state: GluuState = request.app.state.gluu
    if not _authorised(state, request):
        return _unauthorised()
    inum = request.path_params["inum"]
    if inum not in state.clients:
        return JSONResponse({"error": "not_found", "error_description": "no such client"}, status_code=404)
    state.remove(inum)
    log.info("gluu emulator: client %s deleted through the admin endpoint", inum)
    return Response(status_code=204)
