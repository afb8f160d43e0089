"""Decode a request body the way Keycloak's JAX-RS/Jackson stack does.

Keycloak refuses what RFC 7591 §2 says to ignore: an unknown member is a 400 whose
message names the field and Jackson's parser position (observed 26.7.1):
``{"error":"Invalid json representation for OIDCClientRepresentation. Unrecognized
field \\"x\\" at line 1 column 56."}``. Jackson reports the position just after the
first token of the offending member's *value*: after a number or literal, after the
opening quote of a string, after ``[`` or ``{`` (columns are 1-based bytes).

The other refusals: malformed JSON → 400 ``invalid_request`` "Cannot parse the JSON";
well-formed JSON of the wrong shape (an array, a list where a string belongs) → 400
``unknown_error`` "Cannot parse the JSON"; an empty body or ``null`` reaches the
resource as ``null`` and fails there with a 500.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Literal

from starlette.responses import Response

from harness.products.keycloak.emulator.http import bare_error, oauth_error

Kind = Literal["str", "list", "int", "bool", "object"]

#: OIDCClientRepresentation members in declaration order (Keycloak 26.x, core/.../
#: representations/oidc/OIDCClientRepresentation.java) with the Java type of each.
OIDC_CLIENT_FIELDS: dict[str, Kind] = {
    "redirect_uris": "list",
    "token_endpoint_auth_method": "str",
    "token_endpoint_auth_signing_alg": "str",
    "grant_types": "list",
    "response_types": "list",
    "application_type": "str",
    "client_id": "str",
    "client_secret": "str",
    "client_name": "str",
    "client_uri": "str",
    "logo_uri": "str",
    "scope": "str",
    "contacts": "list",
    "tos_uri": "str",
    "policy_uri": "str",
    "jwks_uri": "str",
    "jwks": "object",
    "sector_identifier_uri": "str",
    "subject_type": "str",
    "id_token_signed_response_alg": "str",
    "id_token_encrypted_response_alg": "str",
    "id_token_encrypted_response_enc": "str",
    "userinfo_signed_response_alg": "str",
    "userinfo_encrypted_response_alg": "str",
    "userinfo_encrypted_response_enc": "str",
    "request_object_signing_alg": "str",
    "request_object_encryption_alg": "str",
    "request_object_encryption_enc": "str",
    "default_max_age": "int",
    "require_auth_time": "bool",
    "default_acr_values": "list",
    "initiate_login_uri": "str",
    "request_uris": "list",
    "tls_client_certificate_bound_access_tokens": "bool",
    "tls_client_auth_subject_dn": "str",
    "dpop_bound_access_tokens": "bool",
    "post_logout_redirect_uris": "list",
    "software_id": "str",
    "software_version": "str",
    "client_id_issued_at": "int",
    "client_secret_expires_at": "int",
    "registration_client_uri": "str",
    "registration_access_token": "str",
    "backchannel_logout_uri": "str",
    "backchannel_logout_session_required": "bool",
    "backchannel_logout_revoke_offline_tokens": "bool",
    "backchannel_token_delivery_mode": "str",
    "backchannel_client_notification_endpoint": "str",
    "backchannel_authentication_request_signing_alg": "str",
    "authorization_signed_response_alg": "str",
    "authorization_encrypted_response_alg": "str",
    "authorization_encrypted_response_enc": "str",
    "require_pushed_authorization_requests": "bool",
    "frontchannel_logout_uri": "str",
    "frontchannel_logout_session_required": "bool",
}

_NUMBER = re.compile(rb"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?")
_WS = b" \t\r\n"


class BodyRejected(Exception):
    """The body cannot become the representation; ``response`` is Keycloak's answer."""

    def __init__(self, response: Response) -> None:
        super().__init__(response.status_code)
        self.response = response


def cannot_parse(error: str) -> BodyRejected:
    return BodyRejected(oauth_error(400, error, "Cannot parse the JSON"))


def server_error() -> BodyRejected:
    return BodyRejected(oauth_error(500, "unknown_error", "For more on this error consult the server log."))


@dataclass
class _Member:
    name: str
    value_token_end: int  # byte offset just after the value's first token


def _skip_ws(raw: bytes, i: int) -> int:
    while i < len(raw) and raw[i] in _WS:
        i += 1
    return i


def _first_token_end(raw: bytes, i: int) -> int:
    ch = raw[i : i + 1]
    if ch in (b'"', b"[", b"{"):
        return i + 1
    if raw.startswith(b"true", i) or raw.startswith(b"null", i):
        return i + 4
    if raw.startswith(b"false", i):
        return i + 5
    m = _NUMBER.match(raw, i)
    return m.end() if m else i + 1


def _top_level_members(raw: bytes) -> list[_Member]:
    """Member names of the top-level object with Jackson's value-token positions.
    Only called on text ``json.loads`` already accepted."""
    text = raw.decode("utf-8")
    decoder = json.JSONDecoder()
    members: list[_Member] = []
    i = _skip_ws(raw, 0) + 1  # past "{"
    while True:
        i = _skip_ws(raw, i)
        if raw[i : i + 1] == b"}":
            return members
        # Character and byte offsets differ for non-ASCII; decode via the text index.
        name, char_end = decoder.raw_decode(text, len(raw[:i].decode("utf-8")))
        i = len(text[:char_end].encode("utf-8"))
        i = _skip_ws(raw, i) + 1  # past ":"
        i = _skip_ws(raw, i)
        members.append(_Member(str(name), _first_token_end(raw, i)))
        _, char_end = decoder.raw_decode(text, len(raw[:i].decode("utf-8")))
        i = _skip_ws(raw, len(text[:char_end].encode("utf-8")))
        if raw[i : i + 1] == b",":
            i += 1


def _line_column(raw: bytes, offset: int) -> tuple[int, int]:
    line, start, i = 1, 0, 0
    while i < offset:
        c = raw[i : i + 1]
        if c == b"\r":
            if raw[i + 1 : i + 2] == b"\n":
                i += 1
            line, start = line + 1, i + 1
        elif c == b"\n":
            line, start = line + 1, i + 1
        i += 1
    return line, offset - start + 1


def _reject_constant(name: str) -> Any:
    raise ValueError(f"non-standard JSON constant {name}")


def _type_ok(kind: Kind, value: Any) -> bool:
    if value is None:
        return True
    if kind == "list":
        return isinstance(value, list) and all(isinstance(v, (str, int, float, bool)) or v is None for v in value)
    if kind == "object":
        return isinstance(value, dict)
    # Jackson coerces scalars into String/Integer/Boolean members; containers fail.
    return not isinstance(value, (list, dict))


def decode_representation(raw: bytes, type_name: str, known: dict[str, Kind], *, strict: bool = True) -> dict[str, Any]:
    """The body as a dict of known members (Jackson semantics), or BodyRejected."""
    if not raw.strip():
        raise server_error()
    try:
        value = json.loads(raw.decode("utf-8"), parse_constant=_reject_constant)
    except (ValueError, UnicodeDecodeError):
        raise cannot_parse("invalid_request") from None
    if value is None:
        raise server_error()
    if not isinstance(value, dict):
        raise cannot_parse("unknown_error")
    members = _top_level_members(raw)
    for member in members:
        kind = known.get(member.name)
        if kind is None:
            if not strict:
                continue
            line, column = _line_column(raw, member.value_token_end)
            raise BodyRejected(
                bare_error(
                    400,
                    f"Invalid json representation for {type_name}. Unrecognized field "
                    f'"{member.name}" at line {line} column {column}.',
                )
            )
        if not _type_ok(kind, value[member.name]):
            raise cannot_parse("unknown_error")
    return {k: v for k, v in value.items() if k in known}
