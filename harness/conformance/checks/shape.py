"""Registration requests shaped by what the server advertises.

A conformance tool may only blame a server for refusing a request the server said it
accepts. Every registration of the registration, management and token plans is built
here from the discovery document's ``*_supported`` lists (OIDC Discovery §3, RFC 8414
§2) and, where a list is absent, from the defaults those specs give it:

* ``grant_types_supported`` omitted means ``["authorization_code", "implicit"]``
  (RFC 8414 §2; OIDC Discovery §3);
* ``token_endpoint_auth_methods_supported`` omitted means ``client_secret_basic``
  (RFC 8414 §2; OIDC Discovery §3);
* ``response_types_supported`` is REQUIRED (OIDC Discovery §3); when it is absent the
  request leaves ``response_types`` out and RFC 7591 §2's default ``["code"]`` applies.

The base client asks for ``authorization_code`` with response type ``code`` — what an
OpenID provider must support, and consistent by RFC 7591 §2.1 — plus
``client_credentials`` when advertised (the token plan needs it), a client secret
method (the portal's ``client_secret_post`` when advertised, else
``client_secret_basic``), and one loopback redirect URI (RFC 7591 §2: clients using
redirect-based flows MUST register their redirection URIs; OIDC Registration §2 makes
``redirect_uris`` REQUIRED). ``scope`` is left out: RFC 7591 §2 lets the server register
its default set. A check that needs something the server does not advertise SKIPs and
says which list lacks it (:func:`require_grant`, :func:`require_auth_method`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from harness.conformance.context import REDIRECT_URI, CheckContext, Skip

#: RFC 8414 §2 / OIDC Discovery §3: the value of an omitted ``grant_types_supported``.
DEFAULT_GRANT_TYPES: tuple[str, ...] = ("authorization_code", "implicit")
#: RFC 8414 §2 / OIDC Discovery §3: the value of an omitted ``token_endpoint_auth_methods_supported``.
DEFAULT_AUTH_METHODS: tuple[str, ...] = ("client_secret_basic",)
#: Client secret methods in the order the harness prefers them after the portal's own.
SECRET_METHODS: tuple[str, ...] = ("client_secret_post", "client_secret_basic")
#: Response types of the implicit grant, in the order the harness uses them (RFC 6749
#: §4.2 ``token``; OIDC Core §3.2 ``id_token``, ``id_token token``).
IMPLICIT_RESPONSE_TYPES: tuple[str, ...] = ("token", "id_token token", "id_token")


def _strings(value: Any) -> tuple[str, ...] | None:
    if not isinstance(value, list):
        return None
    return tuple(v for v in value if isinstance(v, str))


@dataclass(frozen=True)
class Advertised:
    """The ``*_supported`` lists of one discovery document (``None``: the member is absent)."""

    grant_types: tuple[str, ...] | None
    response_types: tuple[str, ...] | None
    auth_methods: tuple[str, ...] | None
    scopes: tuple[str, ...] | None
    signing_algs: tuple[str, ...] | None

    @classmethod
    def from_discovery(cls, doc: dict[str, Any]) -> Advertised:
        return cls(
            grant_types=_strings(doc.get("grant_types_supported")),
            response_types=_strings(doc.get("response_types_supported")),
            auth_methods=_strings(doc.get("token_endpoint_auth_methods_supported")),
            scopes=_strings(doc.get("scopes_supported")),
            signing_algs=_strings(doc.get("token_endpoint_auth_signing_alg_values_supported")),
        )

    @property
    def effective_grants(self) -> tuple[str, ...]:
        return self.grant_types if self.grant_types is not None else DEFAULT_GRANT_TYPES

    @property
    def effective_auth_methods(self) -> tuple[str, ...]:
        return self.auth_methods if self.auth_methods is not None else DEFAULT_AUTH_METHODS

    def supports_grant(self, grant: str) -> bool:
        return grant in self.effective_grants

    def supports_auth_method(self, method: str) -> bool:
        return method in self.effective_auth_methods

    def supports_response_type(self, response_type: str) -> bool:
        """Response types are compared as sets of words (``"id_token token"`` equals
        ``"token id_token"``, OAuth 2.0 Multiple Response Types §2)."""
        if self.response_types is None:
            return response_type == "code"  # RFC 7591 §2's default for the request
        want = frozenset(response_type.split())
        return any(frozenset(r.split()) == want for r in self.response_types)

    def secret_method(self, preferred: str) -> str | None:
        """The client secret method the harness registers: ``preferred`` (the portal's)
        when advertised, else the first advertised of :data:`SECRET_METHODS`; ``None``
        when the server advertises no secret method."""
        for method in (preferred, *SECRET_METHODS):
            if method in SECRET_METHODS and self.supports_auth_method(method):
                return method
        return None

    def implicit_response_type(self) -> str | None:
        for rt in IMPLICIT_RESPONSE_TYPES:
            if self.supports_response_type(rt):
                return rt
        return None

    def describe(self, member: str) -> str:
        """``grant_types_supported ["authorization_code", ...]`` or ``... (absent: default [...])``."""
        value = {"grant_types_supported": self.grant_types, "response_types_supported": self.response_types,
                 "token_endpoint_auth_methods_supported": self.auth_methods,
                 "scopes_supported": self.scopes}.get(member)
        if value is not None:
            return f"{member} {list(value)}"
        default = {"grant_types_supported": DEFAULT_GRANT_TYPES,
                   "token_endpoint_auth_methods_supported": DEFAULT_AUTH_METHODS}.get(member)
        return f"{member} is absent" + (f" (default {list(default)})" if default else "")


def advertised(ctx: CheckContext) -> Advertised:
    """The server's advertised lists (the discovery document is fetched once per run)."""
    return Advertised.from_discovery(ctx.discovery())


def require_grant(ctx: CheckContext, grant: str) -> Advertised:
    """SKIP unless the server advertises ``grant`` (RFC 8414 §2 defaults apply)."""
    adv = advertised(ctx)
    if not adv.supports_grant(grant):
        raise Skip(f"the server does not advertise the {grant} grant ({adv.describe('grant_types_supported')})")
    return adv


def require_auth_method(ctx: CheckContext, method: str) -> Advertised:
    """SKIP unless the server advertises client authentication ``method``."""
    adv = advertised(ctx)
    if not adv.supports_auth_method(method):
        raise Skip(f"the server does not advertise {method} "
                   f"({adv.describe('token_endpoint_auth_methods_supported')})")
    return adv


def base_metadata(ctx: CheckContext, purpose: str, *, secret: bool = True) -> dict[str, Any]:
    """The harness's own registration request, shaped by the advertised lists (module
    docstring). ``secret=False`` leaves the auth method out (the caller sets its own)."""
    adv = advertised(ctx)
    metadata: dict[str, Any] = {"client_name": ctx.client_name(purpose), "redirect_uris": [REDIRECT_URI]}
    grants: list[str] = []
    if adv.supports_grant("authorization_code"):
        grants.append("authorization_code")
    if adv.supports_grant("client_credentials"):
        grants.append("client_credentials")
    if grants:
        metadata["grant_types"] = grants
    if "authorization_code" in grants and adv.response_types is not None and adv.supports_response_type("code"):
        metadata["response_types"] = ["code"]
    elif grants and "authorization_code" not in grants:
        metadata["response_types"] = []  # RFC 7591 §2: no redirect-based grant, no response type
    if secret:
        method = adv.secret_method(ctx.auth_method)
        if method is not None and adv.auth_methods is not None:
            metadata["token_endpoint_auth_method"] = method
        # absent list: leave the member out, RFC 7591 §2's default client_secret_basic applies
    return metadata


def registered_auth_method(metadata: dict[str, Any], response: Any) -> str:
    """The client's auth method: as registered, else as requested, else RFC 7591 §2's default."""
    if isinstance(response, dict) and isinstance(response.get("token_endpoint_auth_method"), str):
        return str(response["token_endpoint_auth_method"])
    return str(metadata.get("token_endpoint_auth_method") or "client_secret_basic")
