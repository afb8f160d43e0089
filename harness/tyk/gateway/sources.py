"""Where the gateway finds the token (gateway/middleware.go getAuthToken, mw_auth_key.go).

Order: the auth header (``Authorization`` unless the API names another), then the query
parameter and then the cookie when the API enables them; a later *non-empty* source
overrides an earlier one. The parameter and cookie names default to the header name.
"""

from __future__ import annotations

from collections.abc import Mapping

from harness.tyk.gateway.apidef import AuthConfig


def extract_token(
    auth: AuthConfig,
    header: Mapping[str, str],
    query: Mapping[str, str],
    cookies: Mapping[str, str],
) -> str:
    """``header`` must be case-insensitive (first value per name); ``query`` and
    ``cookies`` map a name to its first value."""
    default_name = "Authorization"
    key = ""
    if not auth.disable_header:
        name = auth.auth_header_name or default_name
        default_name = name
        key = header.get(name, "") or ""
    if auth.use_param:
        value = query.get(auth.param_name or default_name, "")
        if value:
            key = value
    if auth.use_cookie:
        value = cookies.get(auth.cookie_name or default_name, "")
        if value:
            key = value
    return key


def strip_bearer(token: str) -> str:
    """Strip exactly one leading ``bearer `` (any case) — RFC 6750 §2.1 scheme, as
    Tyk's stripBearer does it; ``Bearer:`` or a doubled prefix is left alone."""
    if len(token) > 6 and token[:7].upper() == "BEARER ":
        return token[7:]
    return token
