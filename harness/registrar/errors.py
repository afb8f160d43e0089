"""Typed errors for registration, management and token requests: one class per error
code of RFC 6749 §5.2, RFC 7591 §3.2.2 and RFC 6750 §3.1.

An IdP answer whose ``error`` is not in these lists keeps its raw code in
:class:`UnknownOAuthError`; a non-JSON or garbage answer is :class:`MalformedResponse`;
a transport failure (connection refused, TLS, timeout) is :class:`TransportError`.
Messages hold only status, error code and the IdP's own words (its description, a
snippet of a garbage answer), as the IdP said them: they are *not* redacted here.
Whoever reports one (a step result, a check message, the portal's answer, a log
line) passes its text through the run's redactor — harness.core.redact — which knows
the run's secrets because every exchange of the run was recorded through it.
"""

from __future__ import annotations

from typing import Any, ClassVar


class RegistrarError(Exception):
    """Base: something the IdP or the network refused. ``body`` (the IdP's answer) and
    ``url`` are kept as received, for code that inspects them; redact before showing."""

    error: ClassVar[str] = ""
    spec: ClassVar[str] = ""

    def __init__(self, message: str, *, status: int | None = None, description: str | None = None,
                 body: Any = None, url: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.description = description
        self.body = body
        self.url = url

    @property
    def code(self) -> str:
        return self.error


class OAuthError(RegistrarError):
    """An RFC-defined ``{"error": ..., "error_description": ...}`` answer."""

    #: The HTTP status the spec prescribes (informational; the real status is ``.status``).
    expected_status: ClassVar[int] = 400


# RFC 7591 §3.2.2 — client registration errors
class InvalidRedirectUri(OAuthError):
    """The value of one or more redirection URIs is invalid. (RFC 7591 §3.2.2)"""
    error = "invalid_redirect_uri"
    spec = "RFC 7591 §3.2.2"


class InvalidClientMetadata(OAuthError):
    """The value of one of the client metadata fields is invalid and the server has
    rejected this request. (RFC 7591 §3.2.2)"""
    error = "invalid_client_metadata"
    spec = "RFC 7591 §3.2.2"


class InvalidSoftwareStatement(OAuthError):
    """The software statement presented is invalid. (RFC 7591 §3.2.2)"""
    error = "invalid_software_statement"
    spec = "RFC 7591 §3.2.2"


class UnapprovedSoftwareStatement(OAuthError):
    """The software statement presented is not approved for use by this authorization
    server. (RFC 7591 §3.2.2)"""
    error = "unapproved_software_statement"
    spec = "RFC 7591 §3.2.2"


# RFC 6750 §3.1 — bearer token errors
class InvalidRequest(OAuthError):
    """The request is missing a required parameter, includes an unsupported parameter
    value, or is otherwise malformed. (RFC 6749 §5.2, RFC 6750 §3.1)"""
    error = "invalid_request"
    spec = "RFC 6749 §5.2"


class InvalidToken(OAuthError):
    """The access token provided is expired, revoked, malformed, or invalid for other
    reasons. (RFC 6750 §3.1) — for DCR: the initial access token or the registration
    access token was refused."""
    error = "invalid_token"
    spec = "RFC 6750 §3.1"
    expected_status = 401


class InsufficientScope(OAuthError):
    """The request requires higher privileges than provided by the access token.
    (RFC 6750 §3.1)"""
    error = "insufficient_scope"
    spec = "RFC 6750 §3.1"
    expected_status = 403


# RFC 6749 §5.2 — token endpoint errors
class InvalidClient(OAuthError):
    """Client authentication failed. (RFC 6749 §5.2)"""
    error = "invalid_client"
    spec = "RFC 6749 §5.2"
    expected_status = 401


class InvalidGrant(OAuthError):
    """The provided authorization grant is invalid, expired or revoked. (RFC 6749 §5.2)"""
    error = "invalid_grant"
    spec = "RFC 6749 §5.2"


class UnauthorizedClient(OAuthError):
    """The authenticated client is not authorized to use this authorization grant type.
    (RFC 6749 §5.2) — Keycloak also uses it for a wrong client secret."""
    error = "unauthorized_client"
    spec = "RFC 6749 §5.2"


class UnsupportedGrantType(OAuthError):
    """The authorization grant type is not supported by the authorization server.
    (RFC 6749 §5.2)"""
    error = "unsupported_grant_type"
    spec = "RFC 6749 §5.2"


class InvalidScope(OAuthError):
    """The requested scope is invalid, unknown, or malformed. (RFC 6749 §5.2)"""
    error = "invalid_scope"
    spec = "RFC 6749 §5.2"


class UnknownOAuthError(OAuthError):
    """An ``error`` code outside the RFC lists; ``raw_error`` keeps it."""
    error = "unknown"
    spec = "RFC 6749 §5.2"

    def __init__(self, raw_error: str, message: str, **kw: Any) -> None:
        super().__init__(message, **kw)
        self.raw_error = raw_error

    @property
    def code(self) -> str:
        return self.raw_error


class MalformedResponse(RegistrarError):
    """The IdP answered something that is not the JSON the spec requires."""
    error = "malformed_response"


class TransportError(RegistrarError):
    """No HTTP answer at all: connection refused, DNS, TLS verification, timeout."""
    error = "transport_error"


_BY_CODE: dict[str, type[OAuthError]] = {
    cls.error: cls
    for cls in (
        InvalidRedirectUri, InvalidClientMetadata, InvalidSoftwareStatement,
        UnapprovedSoftwareStatement, InvalidRequest, InvalidToken, InsufficientScope,
        InvalidClient, InvalidGrant, UnauthorizedClient, UnsupportedGrantType, InvalidScope,
    )
}


def error_from_response(status: int, body: Any, *, what: str, url: str) -> RegistrarError:
    """Build the typed error for a non-success answer. ``what`` names the request
    (e.g. "registration") for the one-line message."""
    if isinstance(body, dict) and isinstance(body.get("error"), str):
        code = body["error"]
        desc = body.get("error_description")
        desc_s = desc if isinstance(desc, str) else None
        text = f"{what} refused: HTTP {status} {code}" + (f": {desc_s}" if desc_s else "")
        cls = _BY_CODE.get(code)
        if cls is None:
            return UnknownOAuthError(code, text, status=status, description=desc_s, body=body, url=url)
        return cls(text, status=status, description=desc_s, body=body, url=url)
    snippet = body if isinstance(body, str) else repr(body)
    return MalformedResponse(
        f"{what} failed: HTTP {status} with a non-OAuth answer: {str(snippet)[:160]!r}",
        status=status, body=body, url=url,
    )
