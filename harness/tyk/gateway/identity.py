"""Identity and policy claims (gateway/mw_jwt.go getUserIDFromClaim, getClaimValue).

A claim is found when its value is a non-empty *string*: first under the literal key
(even one containing dots), then — when the name has a dot — along the nested path.
The identity falls back to ``sub``; the ``kid`` is never the identity with a JWT source.
The OAuth client id is the first of ``clientId`` (Keycloak), ``cid`` (Okta),
``client_id`` (Gluu).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from harness.tyk.gateway.decisions import Refusal

NO_SUITABLE_CLAIMS = "no suitable claims for user ID were found"
EMPTY_SUB = "found an empty user ID in sub claim"
EMPTY_BASE_CLAIM = "found an empty user ID in predefined base claim"
OAUTH_CLIENT_ID_CLAIMS = ("clientId", "cid", "client_id")


def _nested(claims: dict[str, Any], path: str) -> Any:
    current: Any = claims
    for part in path.split("."):
        if not isinstance(current, dict):
            return None
        current = current.get(part)
    return current


def claim_value(claims: dict[str, Any], name: str) -> str | None:
    """The non-empty string value of claim ``name`` (literal key, then dotted path)."""
    v = claims.get(name)
    if isinstance(v, str) and v:
        return v
    if "." in name:
        nv = _nested(claims, name)
        if isinstance(nv, str) and nv:
            return nv
    return None


def identity_from_claims(claims: dict[str, Any], base_field: str) -> str:
    """The session identity, or :class:`Refusal` 403 with Tyk's message."""
    if base_field:
        found = claim_value(claims, base_field)
        if found is not None:
            return found
        empty_literal = claims.get(base_field) == "" and base_field in claims
        empty_nested = "." in base_field and _nested(claims, base_field) == ""
        if empty_literal or empty_nested:
            raise Refusal(
                403, f"{EMPTY_BASE_CLAIM}, claim: {base_field}", stage="identity",
                reason=f"claim {base_field!r} is an empty string",
            )
    sub = claims.get("sub")
    if isinstance(sub, str):
        if sub:
            return sub
        raise Refusal(403, EMPTY_SUB, stage="identity", reason="sub is an empty string")
    tried = f"{base_field!r} and 'sub'" if base_field else "'sub'"
    raise Refusal(403, NO_SUITABLE_CLAIMS, stage="identity", reason=f"no string value in {tried}")


def oauth_client_id(claims: dict[str, Any]) -> str:
    for name in OAUTH_CLIENT_ID_CLAIMS:
        if name in claims:
            v = claims[name]
            return v if isinstance(v, str) else ""
    return ""


def _scope_strings(value: Any, out: list[str], nested: bool) -> None:
    """gateway/mw_jwt.go toScopeStringsSlice: a top-level string is split on single
    spaces (empty items kept, as strings.Split does); a list contributes its string items
    whole (recursively); anything else contributes nothing."""
    if isinstance(value, str):
        out.extend([value] if nested else value.split(" "))
    elif isinstance(value, list):
        for item in value:
            _scope_strings(item, out, True)


def scopes_from_claim(claims: dict[str, Any], claim_name: str) -> list[str]:
    """gateway/mw_jwt.go getScopeFromClaim: the value at the dotted path ``claim_name``
    (nestedMapLookup: no literal-key lookup for dotted names) as a list of scopes."""
    out: list[str] = []
    _scope_strings(_nested(claims, claim_name), out, False)
    return out


def map_scopes_to_policies(mapping: Mapping[str, str], scopes: list[str]) -> list[str]:
    """gateway/mw_jwt.go mapScopeToPolicies: the distinct policy ids the ``scopes`` map
    to (unmapped scopes are only logged). Go returns them in map order (random); here in
    first-seen order."""
    found: dict[str, None] = {}
    for scope in scopes:
        if scope in mapping:
            found[mapping[scope]] = None
    return list(found)
