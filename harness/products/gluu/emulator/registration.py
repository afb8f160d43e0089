"""``/oxauth/restv1/register``: RFC 7591 registration and RFC 7592 read/update/delete the
way oxAuth 4.x does them (src:RegisterRestWebServiceImpl, RegisterParamsValidator,
RegisterRequest.fromJson). Every deviation from the RFCs is a GluuProfile field.
"""

from __future__ import annotations

import json
import logging
import uuid
from typing import Any
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import Response

from harness.products.gluu import install
from harness.products.gluu.emulator.errors import NO_STORE_HEADERS, REGISTER_ERRORS, error_body, json_response
from harness.products.gluu.emulator.state import GluuClient, GluuState

log = logging.getLogger(__name__)

KNOWN_SIGNATURE_ALGS = install.KNOWN_SIGNATURE_ALGS

#: src:AuthenticationMethod — every method oxAuth can parse (``fromString``).
KNOWN_AUTH_METHODS = frozenset(
    {
        "client_secret_basic", "client_secret_post", "client_secret_jwt", "private_key_jwt",
        "tls_client_auth", "self_signed_tls_client_auth", "none",
    }
)
#: Algorithm members of the request and the enum that parses each (``fromString``: an
#: unknown name becomes null and is not validated) — src:RegisterRequest.fromJson.
ALGORITHM_MEMBERS: dict[str, frozenset[str]] = {
    "id_token_signed_response_alg": KNOWN_SIGNATURE_ALGS,
    "id_token_encrypted_response_alg": install.KNOWN_KEY_ENCRYPTION_ALGS,
    "id_token_encrypted_response_enc": install.KNOWN_BLOCK_ENCRYPTION_ALGS,
    "userinfo_signed_response_alg": KNOWN_SIGNATURE_ALGS,
    "userinfo_encrypted_response_alg": install.KNOWN_KEY_ENCRYPTION_ALGS,
    "userinfo_encrypted_response_enc": install.KNOWN_BLOCK_ENCRYPTION_ALGS,
    "request_object_signing_alg": KNOWN_SIGNATURE_ALGS,
    "request_object_encryption_alg": install.KNOWN_KEY_ENCRYPTION_ALGS,
    "request_object_encryption_enc": install.KNOWN_BLOCK_ENCRYPTION_ALGS,
    "token_endpoint_auth_signing_alg": KNOWN_SIGNATURE_ALGS,
}
#: src:GrantType values oxAuth parses; unknown grant strings are dropped silently.
KNOWN_GRANT_TYPES = frozenset(
    {
        "authorization_code", "implicit", "password", "client_credentials", "refresh_token",
        "urn:ietf:params:oauth:grant-type:uma-ticket", "urn:openid:params:grant-type:ciba",
        "urn:ietf:params:oauth:grant-type:device_code",
    }
)
KNOWN_RESPONSE_TYPES = ("code", "token", "id_token")
#: Request members read with ``getJSONArray`` (a non-array throws JSONException).
LIST_MEMBERS = (
    "redirect_uris", "claims_redirect_uris", "response_types", "grant_types", "contacts",
    "default_acr_values", "post_logout_redirect_uris", "request_uris", "authorized_origins",
)
#: Plain string members stored and echoed when not blank.
STRING_MEMBERS = (
    "logo_uri", "client_uri", "policy_uri", "tos_uri", "jwks_uri", "sector_identifier_uri",
    "initiate_login_uri", "software_id", "software_version", "software_statement", "tls_client_auth_subject_dn",
)
#: HttpAuthTokenType prefixes ``TokenService.getToken`` accepts (case-insensitive).
AUTH_PREFIXES = ("Basic ", "Bearer ", "Negotiate ", "AccessToken ")


class Malformed(Exception):
    """What org.json's JSONException stands for: the body cannot be read as oxAuth expects."""


class Refused(Exception):
    """A WebApplicationException from the validators: status, error code, reason."""

    def __init__(self, status: int, error: str, reason: str) -> None:
        super().__init__(reason)
        self.status, self.error, self.reason = status, error, reason


# --- request parsing (RegisterRequest.fromJson) --------------------------------------

def _opt_boolean(value: Any) -> bool:
    """org.json ``optBoolean``: true/false or the strings "true"/"false"; else false."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        return value.lower() == "true"
    return False


def _get_string(obj: dict[str, Any], name: str) -> str | None:
    if name not in obj or obj[name] is None:
        return None
    value = obj[name]
    if not isinstance(value, str):
        raise Malformed(f"{name} is not a string")
    return value


def parse_request(raw: bytes) -> dict[str, Any]:
    """The parts of ``RegisterRequest.fromJson`` the emulator uses, as a plain dict.
    Unknown members are ignored (RFC 7591 §2 allows that)."""
    try:
        obj = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise Malformed("body is not JSON") from exc
    if not isinstance(obj, dict):
        raise Malformed("body is not a JSON object")
    req: dict[str, Any] = {"raw": obj}
    for name in LIST_MEMBERS:
        value = obj.get(name)
        if name not in obj:
            req[name] = []
            continue
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise Malformed(f"{name} is not an array of strings")
        req[name] = list(value)
    req["grant_types"] = [g for g in dict.fromkeys(req["grant_types"]) if g in KNOWN_GRANT_TYPES]
    req["response_types"] = [r for r in dict.fromkeys(req["response_types"]) if r in KNOWN_RESPONSE_TYPES]
    app_type = _get_string(obj, "application_type")
    # absent → web; unknown → null (refused later as "application_type is not valid.")
    req["application_type"] = "web" if app_type is None else (app_type if app_type in ("web", "native") else None)
    subject = _get_string(obj, "subject_type")
    req["subject_type"] = subject if subject in ("public", "pairwise") else None
    method = _get_string(obj, "token_endpoint_auth_method")
    req["token_endpoint_auth_method"] = method if method in KNOWN_AUTH_METHODS else None
    req["token_endpoint_auth_method_given"] = method is not None
    req["access_token_as_jwt"] = _opt_boolean(obj.get("access_token_as_jwt"))
    req["rpt_as_jwt"] = _opt_boolean(obj.get("rpt_as_jwt"))
    at_alg = obj.get("access_token_signing_alg")
    req["access_token_signing_alg"] = at_alg if isinstance(at_alg, str) and at_alg in KNOWN_SIGNATURE_ALGS else None
    for member, known in ALGORITHM_MEMBERS.items():
        value = _get_string(obj, member)
        req[member] = value if value in known else None
    client_name = obj.get("client_name")
    req["client_name"] = "" if client_name is None else str(client_name)
    scope = _get_string(obj, "scope")
    req["scope"] = [s for s in (scope or "").split(" ") if s]
    if "access_token_lifetime" in obj:
        lifetime = obj["access_token_lifetime"]
        if isinstance(lifetime, bool) or not isinstance(lifetime, int):
            raise Malformed("access_token_lifetime is not an integer")
        req["access_token_lifetime"] = lifetime
    for member in STRING_MEMBERS:
        value = _get_string(obj, member)
        if value and value.strip():
            req[member] = value
    if isinstance(obj.get("jwks"), dict):
        req["jwks"] = obj["jwks"]
    return req


# --- validation (RegisterParamsValidator) --------------------------------------------

def _needs_redirect_uris(state: GluuState, grants: list[str], response_types: list[str]) -> bool:
    """OpenID Connect Registration §2: redirect-based flows need redirect URIs; oxAuth also
    counts ``response_types`` alone (profile ``redirect_uris_required_for``)."""
    if "authorization_code" in grants or "implicit" in grants:
        return True
    needs = set(state.profile.redirect_uris_required_for)
    if "code" in response_types and "urn:ietf:params:oauth:grant-type:device_code" in grants:
        needs.discard("code")
    return bool(needs & set(response_types))


def validate_params(state: GluuState, req: dict[str, Any]) -> None:
    """``validateParamsClientRegister``: 400 invalid_client_metadata with a reason."""
    if req["application_type"] is None:
        raise Refused(400, "invalid_client_metadata", "application_type is not valid.")
    if _needs_redirect_uris(state, req["grant_types"], req["response_types"]) and not req["redirect_uris"]:
        raise Refused(400, "invalid_client_metadata", "Redirect uris are empty.")
    if req["subject_type"] not in state.profile.subject_types_supported:
        raise Refused(400, "invalid_client_metadata", "Parameter subject_type is not valid.")


def validate_algorithms(state: GluuState, req: dict[str, Any]) -> None:
    """``RegisterParamsValidator.validateAlgorithms`` (4.2.3 lines 105-215): a *known*
    algorithm outside the server's ``*_supported`` list is refused, member by member in
    this order; ``none`` is exempt for the id token only. An unknown name parsed to null
    and passes."""
    p = state.profile
    supported: dict[str, tuple[str, ...]] = {
        "id_token_signed_response_alg": p.id_token_signing_alg_values_supported,
        "id_token_encrypted_response_alg": install.ENCRYPTION_ALG_VALUES,
        "id_token_encrypted_response_enc": install.ENCRYPTION_ENC_VALUES,
        "userinfo_signed_response_alg": p.userinfo_signing_alg_values_supported,
        "userinfo_encrypted_response_alg": install.ENCRYPTION_ALG_VALUES,
        "userinfo_encrypted_response_enc": install.ENCRYPTION_ENC_VALUES,
        "request_object_signing_alg": p.request_object_signing_alg_values_supported,
        "request_object_encryption_alg": install.ENCRYPTION_ALG_VALUES,
        "request_object_encryption_enc": install.ENCRYPTION_ENC_VALUES,
    }
    for member, allowed in supported.items():
        value = req[member]
        if value is None or (member == "id_token_signed_response_alg" and value == "none"):
            continue
        if value not in allowed:
            raise Refused(400, "invalid_client_metadata", f"Parameter {member} is not valid.")
    method = req["token_endpoint_auth_method"]
    if method is not None and method not in p.token_endpoint_auth_methods_supported:
        raise Refused(400, "invalid_client_metadata", "Parameter token_endpoint_auth_method is not valid.")
    if req["token_endpoint_auth_method_given"] and method is None and not p.unknown_auth_method_becomes_default:
        raise Refused(400, "invalid_client_metadata", "Parameter token_endpoint_auth_method is not valid.")
    alg = req["token_endpoint_auth_signing_alg"]
    if alg is not None and alg not in p.token_endpoint_auth_signing_alg_values_supported:
        raise Refused(400, "invalid_client_metadata", "Parameter token_endpoint_auth_signing_alg is not valid.")


def password_grant_allowed(state: GluuState, req: dict[str, Any]) -> None:
    """registerClientImpl lines 168-172 (4.2.3): without
    ``dynamicRegistrationPasswordGrantTypeEnabled`` a request naming the password grant is
    refused before anything else is validated."""
    if not state.profile.dynamic_registration_password_grant_type_enabled and "password" in req["grant_types"]:
        raise Refused(400, "access_denied", "Password Grant Type is not allowed for Dynamic Client Registration.")


def initiate_login_uri_valid(req: dict[str, Any]) -> None:
    """registerClientImpl lines 202-209 + ``RegisterParamsValidator.validateInitiateLoginUri``
    (lines 320-334, 4.2.3): the URI must use https, else 400 with the *claims* redirect
    URI error code (sic)."""
    uri = req.get("initiate_login_uri")
    if uri and urlsplit(uri).scheme.lower() != "https":
        raise Refused(400, "invalid_claims_redirect_uri",
                      "The Initiate Login Uri is invalid. The initiate_login_uri must use the https schema.")


def redirect_uris_valid(state: GluuState, req: dict[str, Any]) -> bool:
    """``validateRedirectUris`` (no fragment; ``web`` clients use https except on loopback
    hosts; a pairwise client with several hosts needs a sector identifier). The
    sector_identifier_uri document is not fetched (not modelled)."""
    uris: list[str] = req["redirect_uris"]
    hosts: set[str | None] = set()
    valid = True
    for uri in uris:
        if "#" in uri:
            valid = False
            continue
        try:
            parts = urlsplit(uri)
        except ValueError:
            valid = False
            continue
        hosts.add(parts.hostname)
        if req["application_type"] == "web" and parts.scheme.lower() == "http":
            if (parts.hostname or "").lower() not in state.profile.http_redirect_hosts:
                valid = False
    if not uris and _needs_redirect_uris(state, req["grant_types"], req["response_types"]):
        valid = False
    if req["subject_type"] == "pairwise" and not req.get("sector_identifier_uri") and len(hosts) > 1:
        valid = False
    sector = req.get("sector_identifier_uri")
    if valid and sector and urlsplit(sector).scheme.lower() != "https":
        valid = False
    return valid


# --- client metadata (updateClientFromRequestObject) ----------------------------------

def _grant_and_response_types(state: GluuState, req: dict[str, Any]) -> tuple[list[str], list[str]]:
    """Auto-fix, then keep supported response-type sets and allowed grants."""
    p = state.profile
    responses = list(req["response_types"])
    grants = list(req["grant_types"])

    def add(seq: list[str], item: str) -> None:
        if item not in seq:
            seq.append(item)

    if p.grant_type_autofix:
        # clientRegDefaultToCodeFlowWithRefresh (ce-setup: true)
        if not responses and not grants:
            add(responses, "code")
        if "code" in responses:
            add(grants, "authorization_code")
            add(grants, "refresh_token")
        if "authorization_code" in grants:
            add(responses, "code")
            add(grants, "refresh_token")
        if "token" in responses or "id_token" in responses:
            add(grants, "implicit")
        if "implicit" in grants:
            add(responses, "token")
    if frozenset(responses) not in {frozenset(s) for s in p.response_type_sets_supported}:
        responses = []
    grants = [g for g in grants if g in p.grant_types_supported and g in p.dynamic_grant_types]
    return grants, responses


def _client_scopes(state: GluuState, requested: list[str]) -> str:
    defaults = list(state.profile.default_client_scopes)
    if requested:
        return " ".join(s for s in defaults if s in requested)
    return " ".join(defaults)


def build_metadata(
    state: GluuState, req: dict[str, Any], current: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The client's stored metadata after a registration (``current is None``) or an update."""
    p = state.profile
    update = current is not None
    meta: dict[str, Any] = dict(current or {})
    resets = set(p.update_resets_omitted) if update else set()
    raw = req["raw"]

    if req["redirect_uris"]:
        meta["redirect_uris"] = list(dict.fromkeys(req["redirect_uris"]))
    if req["application_type"] is not None and (not update or "application_type" in raw or "application_type" in resets):
        meta["application_type"] = req["application_type"]
    if req["client_name"].strip():
        meta["client_name"] = req["client_name"]
    elif not update and req["redirect_uris"]:
        meta["client_name"] = urlsplit(req["redirect_uris"][0]).hostname or "Unknown"
    grants, responses = _grant_and_response_types(state, req)
    if not update or req["response_types"]:
        meta["response_types"] = responses
    if not update or req["grant_types"]:
        meta["grant_types"] = grants
    for member in ("contacts", "default_acr_values", "post_logout_redirect_uris", "request_uris", "claims_redirect_uris"):
        if req[member]:
            meta[member] = list(dict.fromkeys(req[member]))
    for member in STRING_MEMBERS:
        if member in req:
            meta[member] = req[member]
    if "jwks" in req:
        meta["jwks"] = req["jwks"]
    if req["subject_type"] is not None:
        meta["subject_type"] = req["subject_type"]
    elif not update:
        meta["subject_type"] = p.default_subject_type
    # optBoolean never yields null: on an update an omitted member resets to false
    if not update or "access_token_as_jwt" in raw or "access_token_as_jwt" in resets:
        meta["access_token_as_jwt"] = req["access_token_as_jwt"] if "access_token_as_jwt" in raw else p.access_token_as_jwt_default
    if not update or "rpt_as_jwt" in raw:
        meta["rpt_as_jwt"] = req["rpt_as_jwt"]
    if req["access_token_signing_alg"] is not None:
        meta["access_token_signing_alg"] = req["access_token_signing_alg"]
    elif not update:
        meta["access_token_signing_alg"] = p.default_signature_algorithm
    if req["id_token_signed_response_alg"] is not None:
        meta["id_token_signed_response_alg"] = req["id_token_signed_response_alg"]
    elif not update:
        meta["id_token_signed_response_alg"] = p.default_signature_algorithm
    if req["token_endpoint_auth_method"] is not None:
        meta["token_endpoint_auth_method"] = req["token_endpoint_auth_method"]
    elif not update or "token_endpoint_auth_method" in resets:
        meta["token_endpoint_auth_method"] = p.default_auth_method
    if not update or req["scope"] or "scope" in resets:
        meta["scope"] = _client_scopes(state, req["scope"])
    if "access_token_lifetime" in req:
        meta["access_token_lifetime"] = req["access_token_lifetime"]
    meta.setdefault("require_auth_time", False)
    meta.setdefault("frontchannel_logout_session_required", False)
    meta.setdefault("backchannel_logout_session_required", False)
    return meta


#: Output order of metadata members in answers (getJSONObject; Java's own order is a hash).
_OUTPUT_ORDER = (
    "redirect_uris", "claims_redirect_uris", "response_types", "grant_types", "application_type", "contacts",
    "client_name", "logo_uri", "client_uri", "policy_uri", "tos_uri", "jwks_uri", "sector_identifier_uri",
    "subject_type", "id_token_signed_response_alg", "token_endpoint_auth_method", "require_auth_time",
    "default_acr_values", "initiate_login_uri", "post_logout_redirect_uris", "request_uris", "authorized_origins",
    "rpt_as_jwt",
    "access_token_as_jwt", "access_token_signing_alg", "access_token_lifetime", "software_id",
    "software_version", "software_statement", "jwks", "frontchannel_logout_uri", "frontchannel_logout_session_required",
    "backchannel_logout_session_required", "scope",
)


def client_json(state: GluuState, client: GluuClient) -> dict[str, Any]:
    """``getJSONObject(client)``: credentials first, then the metadata."""
    out: dict[str, Any] = {"client_id": client.client_id}
    if state.profile.return_client_secret_on_read:
        out["client_secret"] = client.client_secret
    out["registration_access_token"] = client.registration_access_token
    # registrationEndpoint + "?client_id=" + inum
    out["registration_client_uri"] = f"{state.endpoint('register')}?client_id={client.client_id}"
    out["client_id_issued_at"] = client.client_id_issued_at
    out["client_secret_expires_at"] = 0  # dynamicRegistrationExpirationTime -1 (ce-setup): never
    for member in _OUTPUT_ORDER:
        if member in client.metadata and client.metadata[member] is not None:
            out[member] = client.metadata[member]
        if member == "rpt_as_jwt":
            # the ClientAttributes members getJSONObject always writes (harness.products.gluu.install)
            for name, default in install.ALWAYS_WRITTEN_CLIENT_ATTRIBUTES:
                out[name] = client.metadata.get(name, default)
            if client.metadata.get("tls_client_auth_subject_dn"):
                out["tls_client_auth_subject_dn"] = client.metadata["tls_client_auth_subject_dn"]
    return out


# --- handlers ------------------------------------------------------------------------

def _error(state: GluuState, status: int, error: str, reason: str, headers: dict[str, str] | None = None) -> Response:
    body = error_body(REGISTER_ERRORS, error, reason, reason_enabled=state.config.error_reason_enabled)
    return json_response(body, status, headers=headers)


def _bearer(request: Request) -> str | None:
    """``TokenService.getToken(authorization)``."""
    header = request.headers.get("authorization", "")
    if not header.strip():
        return None
    for prefix in AUTH_PREFIXES:
        if header[: len(prefix)].lower() == prefix.lower():
            return header[len(prefix):].strip()
    return None


def _client_by_rat(
    state: GluuState,
    request: Request,
    *,
    missing_reason: str,
    bad_status: int,
    bad_reason: str,
    bad_headers: dict[str, str] | None = None,
) -> GluuClient | Response:
    """RFC 7592 §2 client lookup for read and delete (requestClientRead/Delete): registration
    switched off, then ``client_id`` and token both present, then the token matches the client.
    Each refusal keeps its endpoint's own status and reason (GluuProfile fields)."""
    client_id = request.query_params.get("client_id", "")
    token = _bearer(request)
    if not state.config.dynamic_registration_enabled:
        return _error(state, 400, "access_denied", "Dynamic registration is disabled.")
    if not client_id.strip() or not (token or "").strip():
        return _error(state, state.profile.missing_rat_status, "invalid_client_metadata", missing_reason)
    client = state.client_by_rat(client_id, token or "")
    if client is None:
        return _error(state, bad_status, "invalid_token", bad_reason, headers=bad_headers)
    return client


async def register(request: Request) -> Response:
    """RFC 7591 §3.1 client registration, oxAuth style (registerClientImpl)."""
    state: GluuState = request.app.state.gluu
    p = state.profile
    try:
        req = parse_request(await request.body())
    except Malformed as exc:
        log.debug("registration body unreadable: %s", exc)
        return _error(state, p.malformed_registration_status, "invalid_client_metadata", "Failed to parse JSON.",
                      headers=NO_STORE_HEADERS)
    try:
        if not state.config.dynamic_registration_enabled:
            raise Refused(400, "access_denied", "Dynamic client registration is disabled.")
        password_grant_allowed(state, req)
        if req["subject_type"] is None:
            req["subject_type"] = p.default_subject_type
        validate_algorithms(state, req)
        initiate_login_uri_valid(req)
        validate_params(state, req)
        if not redirect_uris_valid(state, req):
            raise Refused(400, "invalid_redirect_uri", "Failed to validate redirect uris.")
    except Refused as exc:
        return _error(state, exc.status, exc.error, exc.reason)
    client = state.new_client(build_metadata(state, req))
    log.info("gluu emulator: registered client %s", client.client_id)
    return json_response(client_json(state, client), p.registration_status, headers=NO_STORE_HEADERS)


async def read(request: Request) -> Response:
    """RFC 7592 §2.1 read (requestClientRead)."""
    state: GluuState = request.app.state.gluu
    p = state.profile
    client = _client_by_rat(
        state, request, missing_reason="Client ID or Access Token is not valid.", bad_status=p.bad_rat_status_get_put,
        bad_reason="The Access Token is not valid for the Client", bad_headers=NO_STORE_HEADERS,
    )
    if isinstance(client, Response):
        return client
    return json_response(client_json(state, client), 200, headers=NO_STORE_HEADERS)


async def update(request: Request) -> Response:
    """RFC 7592 §2.2 update (requestClientUpdate). Not a full replacement while
    ``GluuProfile.update_keeps_omitted`` (see also ``update_resets_omitted``); otherwise the
    client is rebuilt from the body as a registration would be. The registration access
    token is kept unless ``rotates_rat``."""
    state: GluuState = request.app.state.gluu
    p = state.profile
    client_id = request.query_params.get("client_id", "")
    token = _bearer(request)
    body = await request.body()
    if not (client_id.strip() and (token or "").strip() and body.strip()):
        return _error(state, p.missing_rat_status, "invalid_client_metadata", "Unknown.")
    try:
        req = parse_request(body)
    except Malformed:
        return _error(state, 500, "invalid_client_metadata", "Unknown.")
    if req["redirect_uris"] and not redirect_uris_valid(state, req):
        return _error(state, 400, "invalid_client_metadata", "Unknown.")
    if req["subject_type"] is not None and req["subject_type"] not in p.subject_types_supported:
        return _error(state, 400, "invalid_client_metadata", "subject_type is invalid.")
    client = state.client_by_rat(client_id, token or "")
    if client is None:
        return _error(state, p.bad_rat_status_get_put, "invalid_token",
                      "The Access Token is not valid for the Client ID.")
    with state.lock:
        client.metadata = build_metadata(state, req, current=client.metadata if p.update_keeps_omitted else None)
        if p.rotates_rat:
            client.registration_access_token = str(uuid.uuid4())
    return json_response(client_json(state, client), 200)


async def delete(request: Request) -> Response:
    """RFC 7592 §2.3 delete: 204, or Gluu's statuses for bad requests."""
    state: GluuState = request.app.state.gluu
    client = _client_by_rat(state, request, missing_reason="", bad_status=state.profile.bad_rat_status_delete, bad_reason="")
    if isinstance(client, Response):
        return client
    state.remove(client.client_id)
    log.info("gluu emulator: deleted client %s", client.client_id)
    return Response(status_code=204, headers=NO_STORE_HEADERS)
