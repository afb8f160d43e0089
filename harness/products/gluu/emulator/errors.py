"""oxAuth error bodies: ``{"error", "error_description"[, "reason"]}`` with the canned
descriptions of ``oxauth-errors.json`` (src:ErrorResponseFactory, DefaultErrorResponse).

The description never depends on the request; what actually went wrong is only in
``reason``, and only when ``errorReasonEnabled`` is on (gluu.md "Errors").
"""

from __future__ import annotations

import json
from typing import Any

from starlette.responses import Response

#: ``register`` section of oxauth-errors.json (4.2.3 and 4.4.0 agree).
REGISTER_ERRORS: dict[str, str] = {
    "invalid_request": "The request is missing a required parameter, includes an unsupported parameter or "
    "parameter value, or is otherwise malformed.",
    "invalid_redirect_uri": "Value of one or more redirect_uris is invalid.",
    "invalid_claims_redirect_uri": "Value of one or more claims_redirect_uris is invalid.",
    "invalid_client_metadata": "The value of one of the Client Metadata fields is invalid and the server has "
    "rejected this request. Note that an Authorization Server MAY choose to substitute a valid value for any "
    "requested parameter of a Client's Metadata.",
    "invalid_token": "The access token provided is expired, revoked, malformed, or invalid for other reasons.",
    "invalid_software_statement": "The software_statement is malformed or invalid.",
    "access_denied": "The authorization server denied the request.",
}

#: ``token`` section of oxauth-errors.json.
TOKEN_ERRORS: dict[str, str] = {
    "invalid_request": "The request is missing a required parameter, includes an unsupported parameter or "
    "parameter value, repeats a parameter, includes multiple credentials, utilizes more than one mechanism for "
    "authenticating the client, or is otherwise malformed.",
    "invalid_client": "Client authentication failed (e.g. unknown client, no client authentication included, or "
    "unsupported authentication method). The authorization server MAY return an HTTP 401 (Unauthorized) status "
    "code to indicate which HTTP authentication schemes are supported. If the client attempted to authenticate "
    "via the Authorization request header field, the authorization server MUST respond with an HTTP 401 "
    "(Unauthorized) status code, and include the WWW-Authenticate response header field matching the "
    "authentication scheme used by the client.",
    "disabled_client": "The client is disabled and can't request an access token using this method.",
    "invalid_grant": "The provided authorization grant is invalid, expired, revoked, does not match the "
    "redirection URI used in the authorization request, or was issued to another client.",
    "unauthorized_client": "The authenticated client is not authorized to use this authorization grant type.",
    "unsupported_grant_type": "The authorization grant type is not supported by the authorization server.",
    "invalid_scope": "The requested scope is invalid, unknown, malformed, or exceeds the scope granted by the "
    "resource owner.",
}

#: What a Java ``Response.status(...)`` with ``.cacheControl(cacheControl(true, false))``
#: and ``Pragma`` adds (src:ServerUtil.cacheControl; JAX-RS renders it "no-store").
NO_STORE_HEADERS: dict[str, str] = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def error_body(table: dict[str, str], error: str, reason: str, *, reason_enabled: bool) -> dict[str, Any]:
    """``errorAsJson(type, reason)``: the canned description (the id itself when the table
    has no entry) and ``reason`` only when enabled and not blank."""
    body: dict[str, Any] = {"error": error}
    description = table.get(error, error)
    if description:
        body["error_description"] = description
    if reason_enabled and reason.strip():
        body["reason"] = reason
    return body


def java_json(obj: Any) -> str:
    """``JSONObject.toString(4)`` as oxAuth writes entities (4-space indent)."""
    return json.dumps(obj, indent=4, ensure_ascii=False)


def json_response(
    obj: Any,
    status: int,
    *,
    headers: dict[str, str] | None = None,
    media_type: str = "application/json",
) -> Response:
    return Response(java_json(obj), status_code=status, headers=headers, media_type=media_type)
