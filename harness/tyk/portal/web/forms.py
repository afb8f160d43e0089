"""Form fields of the Dashboard pages, with the wording of the Tyk screens the guides
show, and the conversions between form values and portal objects."""

from __future__ import annotations

import base64
import binascii
import re
from typing import Any

from starlette.datastructures import FormData

from harness.core.redact import Redactor
from harness.registrar.errors import MalformedResponse, OAuthError, RegistrarError, TransportError
from harness.registrar.options import PROVIDERS as PROVIDER_NAMES
from harness.registrar.options import DcrOptions
from harness.tyk.portal.service import Explain, PortalError

# ---- DCR section (catalogue entry → Settings, and Portal Management → Settings → API Access)

#: "Providers" (guide: "For IDPs that aren't on the list use the Other option"): (value,
#: label) of the Dashboard's select, from the registrar's one list.
PROVIDERS: list[tuple[str, str]] = [(p, p.capitalize()) for p in PROVIDER_NAMES]
#: "Grant Types" (OpenID Connect Registration §2 grant_types; guides: Client Credentials).
GRANT_TYPES: list[tuple[str, str]] = [
    ("client_credentials", "Client Credentials"), ("authorization_code", "Authorization Code"),
    ("refresh_token", "Refresh Token"), ("implicit", "Implicit"), ("password", "Password"),
]
#: "Token Endpoint Auth Method" (guides: "Client Secret - Post").
AUTH_METHODS: list[tuple[str, str]] = [
    ("client_secret_post", "Client Secret - Post"), ("client_secret_basic", "Client Secret - Basic"),
    ("private_key_jwt", "Private Key JWT"), ("none", "None"),
]
#: "Response Types" (guides: Token).
RESPONSE_TYPES: list[tuple[str, str]] = [("token", "Token"), ("code", "Code"), ("id_token", "ID Token")]


def _with_current(known: list[tuple[str, str]], current: list[str] | str) -> list[tuple[str, str]]:
    """Known choices plus any stored value not among them (e.g. from a customer's export),
    so saving the form never drops it silently."""
    values = [current] if isinstance(current, str) else list(current)
    names = {k for k, _ in known}
    return known + [(v, v) for v in values if v and v not in names]


def dcr_form_context(options: DcrOptions) -> dict[str, Any]:
    """What the DCR section shows. The initial access token itself is never rendered:
    only whether one is set."""
    return {
        "enable_dcr": options.enable_dcr,
        "provider": options.provider,
        "grant_types": options.grant_types,
        "token_endpoint_auth_method": options.token_endpoint_auth_method,
        "response_types": options.response_types,
        "idp_host": options.idp_host,
        "registration_endpoint": options.registration_endpoint,
        "access_token_set": bool(options.access_token),
        "providers": PROVIDERS,
        "grant_type_choices": _with_current(GRANT_TYPES, options.grant_types),
        "auth_method_choices": _with_current(AUTH_METHODS, options.token_endpoint_auth_method),
        "response_type_choices": _with_current(RESPONSE_TYPES, options.response_types),
    }


def dcr_options_from_form(form: FormData, current: DcrOptions) -> DcrOptions:
    """The DCR section's values. An empty "Initial Registration Access Token" field keeps
    the stored token (the page never shows it); "Remove the token" clears it."""
    token = str(form.get("access_token") or "").strip()
    if form.get("clear_access_token"):
        access_token = ""
    elif token:  # the service registers it with the run's redactor when it stores it
        access_token = token
    else:
        access_token = current.access_token
    return DcrOptions(
        enable_dcr=bool(form.get("enable_dcr")),
        provider=str(form.get("provider") or "other"),  # validated by the model
        grant_types=[str(v) for v in form.getlist("grant_types") if v],
        token_endpoint_auth_method=str(form.get("token_endpoint_auth_method") or "client_secret_post"),
        response_types=[str(v) for v in form.getlist("response_types") if v],
        idp_host=str(form.get("idp_host") or "").strip(),
        registration_endpoint=str(form.get("registration_endpoint") or "").strip(),
        access_token=access_token,
    )


# ---- API designer (System Management → APIs) -----------------------------------------

#: "JWT Signing method" (tyk.md: rsa, hmac, ecdsa).
SIGNING_METHODS: list[tuple[str, str]] = [("rsa", "RSA public key"), ("hmac", "HMAC shared secret"),
                                          ("ecdsa", "ECDSA")]
AUTH_MODES: list[tuple[str, str]] = [("jwt", "JSON Web Token (JWT)"), ("keyless", "Open (Keyless)")]


def slug_path(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return f"/{slug or 'api'}/"


def decode_jwt_source(value: str) -> str:
    """The Dashboard stores the JWKS URI base64-encoded (tyk.md); show it decoded."""
    if not value or "://" in value:
        return value
    try:
        text = base64.b64decode(value, validate=True).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return value
    return text


def api_form_values(apidef: dict[str, Any]) -> dict[str, Any]:
    proxy = apidef.get("proxy") or {}
    defaults = apidef.get("jwt_default_policies") or []
    return {
        "name": apidef.get("name", ""),
        "listen_path": proxy.get("listen_path", ""),
        "target_url": proxy.get("target_url", ""),
        "strip_listen_path": bool(proxy.get("strip_listen_path", True)),
        "auth_mode": "keyless" if apidef.get("use_keyless") else "jwt",
        "jwt_signing_method": apidef.get("jwt_signing_method", "rsa"),
        "jwt_source": decode_jwt_source(str(apidef.get("jwt_source", ""))),
        "jwt_identity_base_field": apidef.get("jwt_identity_base_field", "sub"),
        "jwt_policy_field_name": apidef.get("jwt_policy_field_name", "pol"),
        "default_policy": defaults[0] if defaults else "",
    }


def api_values_from_form(form: FormData) -> dict[str, Any]:
    name = str(form.get("name") or "").strip()
    return {
        "name": name,
        "listen_path": str(form.get("listen_path") or "").strip() or slug_path(name),
        "target_url": str(form.get("target_url") or "").strip(),
        "strip_listen_path": bool(form.get("strip_listen_path")),
        "auth_mode": str(form.get("auth_mode") or "jwt"),
        "jwt_signing_method": str(form.get("jwt_signing_method") or "rsa"),
        "jwt_source": str(form.get("jwt_source") or "").strip(),
        "jwt_identity_base_field": str(form.get("jwt_identity_base_field") or "").strip(),
        "jwt_policy_field_name": str(form.get("jwt_policy_field_name") or "").strip(),
        "default_policy": str(form.get("default_policy") or ""),
    }


def apply_api_values(apidef: dict[str, Any], v: dict[str, Any]) -> dict[str, Any]:
    """Merge the designer's fields into an API definition, keeping every other field."""
    if not v["name"]:
        raise PortalError("API Name is required")
    if not v["target_url"].startswith(("http://", "https://")):
        raise PortalError("Target URL must be an http:// or https:// URL")
    if not v["listen_path"].startswith("/"):
        raise PortalError("Listen path must start with '/'")
    jwt = v["auth_mode"] == "jwt"
    if jwt and not v["jwt_source"]:
        raise PortalError("JWKS URI is required for JWT authentication",
                          hint="use jwks_uri from the IdP's .well-known/openid-configuration")
    out = dict(apidef)
    out["name"] = v["name"]
    out["use_keyless"] = not jwt
    out["enable_jwt"] = jwt
    out["jwt_signing_method"] = v["jwt_signing_method"]
    # The Dashboard stores the JWKS URI base64-encoded (tyk.md, Gateway step 3).
    out["jwt_source"] = base64.b64encode(v["jwt_source"].encode()).decode() if v["jwt_source"] else ""
    out["jwt_identity_base_field"] = v["jwt_identity_base_field"]
    out["jwt_policy_field_name"] = v["jwt_policy_field_name"]
    out["jwt_default_policies"] = [v["default_policy"]] if v["default_policy"] else []
    out["proxy"] = {**(apidef.get("proxy") or {}), "listen_path": v["listen_path"], "target_url": v["target_url"],
                    "strip_listen_path": v["strip_listen_path"]}
    out.setdefault("version_data", {"not_versioned": True, "versions": {"Default": {"name": "Default"}}})
    out.setdefault("active", True)
    return out


# ---- Policies (System Management → Policies) -------------------------------------------

#: "Key expire after" choices, in seconds (0 = "Do not expire key").
KEY_EXPIRY: list[tuple[int, str]] = [
    (0, "Do not expire key"), (3600, "1 hour"), (6 * 3600, "6 hours"), (12 * 3600, "12 hours"),
    (24 * 3600, "24 hours"), (7 * 24 * 3600, "1 week"), (14 * 24 * 3600, "2 weeks"),
]


def int_field(form: FormData, name: str, label: str, default: int) -> int:
    raw = str(form.get(name) or "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise PortalError(f"{label} must be a whole number") from None


# ---- what the developer reads when the IdP says no ---------------------------------------

def error_text(exc: PortalError, redactor: Redactor) -> str:
    """A portal error as sentences: the message, then the hint, both capitalised, and
    redacted with the run's ``redactor`` (it may quote the IdP)."""
    def sentence(s: str) -> str:
        s = s.strip()
        return (s[:1].upper() + s[1:]) + ("" if s.endswith((".", "!", "?")) else ".")
    text = sentence(exc.message)
    if exc.hint:
        text += " " + sentence(exc.hint)
    return redactor.text(text)


def idp_error_in_words(exc: PortalError, redactor: Redactor, explain: Explain | None = None) -> tuple[str, str | None]:
    """A registration failure as one plain sentence for the developer (no stack trace,
    no secrets), plus the likely cause and fix when ``explain`` (the portal's, the same
    rules as ``dcr-harness run`` uses) knows the misconfiguration."""
    cause = exc.cause
    if isinstance(cause, TransportError):
        text = f"The identity provider could not be reached: {cause}."
    elif isinstance(cause, OAuthError):
        reason = cause.description or "it gave no reason"
        text = (f"The identity provider refused to register the client: {reason} "
                f"(HTTP {cause.status}, error \"{cause.code}\").")
    elif isinstance(cause, MalformedResponse):
        text = f"The identity provider gave an answer the portal cannot use: {cause}."
    elif isinstance(cause, RegistrarError):
        text = f"The identity provider refused the request: {cause}."
    else:
        text = error_text(exc, redactor)
    text = redactor.text(text)
    diag = explain("oauth-client-wizard", f"{exc} {cause or ''}") if explain else None
    advice = f"Likely cause: {diag[0]}. The API owner can fix it: {diag[1]}." if diag else None
    return text, advice
