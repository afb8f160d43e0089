"""Build a scenario from a customer's real Tyk exports.

Inputs, each optional, in the shapes Tyk produces them (shared/reference/tyk.md):

* API definitions — a Dashboard export of one API (``{"api_definition": {...}, ...}``,
  GET /api/apis/{id}), a Dashboard list (``{"apis": [...], "pages": n}``, GET /api/apis),
  or plain gateway JSON (an ``apps/`` directory file, ``{"api_id": ..., "proxy": ...}``).
  ``jwt_source`` is base64 of the JWKS URL as the Dashboard stores it; a plain URL is read too.
* Policies — a Dashboard list (``{"Data": [...], "Pages": n}``), a gateway
  ``policies.json`` (an object keyed by policy id) or one policy object.
* Portal catalogue — GET /api/portal/catalogue (``{"apis": [entry, ...]}``), each entry
  with ``config.override``, ``config.enable_dcr`` and ``config.dcr_options``.
* Portal configuration — GET /api/portal/configuration: the global ``dcr_options``.
* ``tyk.conf`` (gateway) and ``tyk_analytics.conf`` (Dashboard).

The scenario rebuilds the customer's setup on the harness: the IdP becomes the emulator
(profile, realm, ``/auth`` prefix and HTTPS taken from the customer's URLs; the product from its URLs, the DCR provider kept as written even when
it contradicts them), every URL on the customer's IdP host keeps its whole path and only
its scheme and host become ``${idp.origin}`` (a wrong path stays wrong), the API's
``jwt_default_policies`` stay as written (a deleted policy stays named), the upstream
becomes the harness's echo service. The header lists every mapping made.

Secrets (``dcr_options.access_token``, tyk.conf ``secret``/``node_secret``, the
Dashboard's ``admin_secret``/``shared_node_secret``, database passwords, license keys)
never reach the scenario or a log: :meth:`TykExport.secret_values` hands them to the
caller's run redactor (``dcr-harness import`` registers them with its own), they are
named (never shown) in the header comment, and the initial access token is replaced by
``${initial_access_token}`` unless ``keep_secrets`` is set.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from harness.core.errors import ConfigError, HarnessError
from harness.core.redact import fingerprint
from harness.core.textfile import read_text_file
from harness.products.detect import DEFAULT_PRODUCT, PRODUCT_NAMES, detect_urls, product
from harness.registrar.options import PROVIDERS

# ---- reading the files ------------------------------------------------------------------

@dataclass
class TykExport:
    """Everything read from a customer's export, unwrapped to plain Tyk objects."""

    apis: list[dict[str, Any]] = field(default_factory=list)
    policies: list[dict[str, Any]] = field(default_factory=list)
    catalogue: list[dict[str, Any]] = field(default_factory=list)
    portal_config: dict[str, Any] | None = None
    tyk_conf: dict[str, Any] | None = None
    analytics_conf: dict[str, Any] | None = None
    sources: list[str] = field(default_factory=list)

    def secret_values(self) -> list[str]:
        """Every secret value in the export, for the caller's run redactor
        (harness.core.redact: ``redactor.add(*export.secret_values())``)."""
        return [value for _, value in _secret_fields(self)]


def _read_json(path: Path) -> Any:
    text = read_text_file(path, "JSON")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError(f"{path}:{exc.lineno}: not valid JSON: {exc.msg}") from None
    except RecursionError:
        raise ConfigError(f"{path}: JSON nested too deeply") from None


def _is_apidef(d: Any) -> bool:
    return isinstance(d, dict) and "api_id" in d and ("proxy" in d or "enable_jwt" in d)


def _is_policy(d: Any) -> bool:
    return isinstance(d, dict) and "access_rights" in d


def _is_catalogue_entry(d: Any) -> bool:
    return isinstance(d, dict) and "policy_id" in d and "proxy" not in d


def _unwrap_apis(doc: Any, path: Path) -> list[dict[str, Any]]:
    if isinstance(doc, dict) and isinstance(doc.get("api_definition"), dict):
        return [doc["api_definition"]]
    if _is_apidef(doc):
        return [doc]
    items = doc.get("apis") if isinstance(doc, dict) else doc
    if isinstance(items, list):
        out = [x["api_definition"] if isinstance(x, dict) and isinstance(x.get("api_definition"), dict) else x
               for x in items]
        if out and all(_is_apidef(x) for x in out):
            return out
    raise ConfigError(f"{path}: not a Tyk API definition (expected {{\"api_definition\": ...}}, "
                      "a Dashboard list {\"apis\": [...]}, or gateway JSON with api_id and proxy)")


def _unwrap_policies(doc: Any, path: Path) -> list[dict[str, Any]]:
    if _is_policy(doc):
        return [doc]
    if isinstance(doc, dict) and isinstance(doc.get("Data"), list):
        items = doc["Data"]
    elif isinstance(doc, list):
        items = doc
    elif isinstance(doc, dict) and doc and all(_is_policy(v) for v in doc.values()):
        # gateway policies.json: {"<policy id>": {...}}; the key is the id.
        items = [{**v, "id": v.get("id") or k} for k, v in doc.items()]
    else:
        items = None
    if items is None or not all(_is_policy(x) for x in items):
        raise ConfigError(f"{path}: not Tyk policies (expected a Dashboard list {{\"Data\": [...]}}, "
                          "a gateway policies.json keyed by id, or one policy with access_rights)")
    return list(items)


def _unwrap_catalogue(doc: Any, path: Path) -> list[dict[str, Any]]:
    items = doc.get("apis") if isinstance(doc, dict) else doc
    if isinstance(items, list) and all(_is_catalogue_entry(x) for x in items):
        return list(items)
    if _is_catalogue_entry(doc):
        return [doc]
    raise ConfigError(f"{path}: not a portal catalogue (expected {{\"apis\": [{{\"name\", \"policy_id\", "
                      "\"config\": ...}}]}} as GET /api/portal/catalogue returns it)")


def _kind_of(path: Path, doc: Any) -> str:
    """Classify one file of an export folder by name first, then by content."""
    name = path.name.lower()
    if name in ("tyk.conf", "tyk.json"):
        return "tyk_conf"
    if name.startswith("tyk_analytics") or name.startswith("tyk-analytics"):
        return "analytics_conf"
    if not isinstance(doc, (dict, list)):
        return "unknown"
    if isinstance(doc, dict):
        if "tyk_api_config" in doc or "mongo_url" in doc or "oauth_redirect_uri_separator" in doc \
                or "dcr_ssl_insecure_skip_verify" in doc:
            return "analytics_conf"
        if "dcr_options" in doc and "policy_id" not in doc:
            return "portal_config"
        if "listen_port" in doc and ("policies" in doc or "app_path" in doc or "use_db_app_configs" in doc):
            return "tyk_conf"
        if "api_definition" in doc or _is_apidef(doc):
            return "apis"
        apis = doc.get("apis")
        if isinstance(apis, list) and apis:
            first = apis[0]
            if isinstance(first, dict) and ("api_definition" in first or _is_apidef(first)):
                return "apis"
            if _is_catalogue_entry(first):
                return "catalogue"
    try:
        _unwrap_policies(doc, path)
        return "policies"
    except ConfigError:
        return "unknown"


def _add(export: TykExport, kind: str, path: Path, doc: Any) -> None:
    if kind == "apis":
        export.apis += _unwrap_apis(doc, path)
    elif kind == "policies":
        export.policies += _unwrap_policies(doc, path)
    elif kind == "catalogue":
        export.catalogue += _unwrap_catalogue(doc, path)
    elif kind in ("portal_config", "tyk_conf", "analytics_conf"):
        if not isinstance(doc, dict):
            raise ConfigError(f"{path}: expected a JSON object")
        if getattr(export, kind) is not None:
            raise ConfigError(f"{path}: a second {kind.replace('_', ' ')} file; pass one")
        setattr(export, kind, doc)
    else:
        return
    export.sources.append(str(path))


def load_export(
    folder: str | Path | None = None,
    *,
    apis: Sequence[str | Path] = (),
    apps_dir: str | Path | None = None,
    policies: str | Path | None = None,
    catalogue: str | Path | None = None,
    portal_config: str | Path | None = None,
    tyk_conf: str | Path | None = None,
    analytics_conf: str | Path | None = None,
) -> TykExport:
    """Read the given files (and every ``*.json``/``*.conf`` under ``folder``)."""
    export = TykExport()
    if folder is not None:
        root = Path(folder)
        if not root.is_dir():
            raise ConfigError(f"{root}: not a directory (pass a folder holding the customer's export)")
        files = sorted(p for p in root.rglob("*") if p.is_file() and p.suffix.lower() in (".json", ".conf"))
        if not files:
            raise ConfigError(f"{root}: no .json or .conf files in it")
        unknown: list[str] = []
        for p in files:
            doc = _read_json(p)
            kind = _kind_of(p, doc)
            if kind == "unknown":
                unknown.append(p.name)
            _add(export, kind, p, doc)
        if not export.sources:
            raise ConfigError(f"{root}: none of its files is a Tyk export file (not recognised: "
                              f"{', '.join(unknown)})", hint="pass the API definitions, policies and catalogue "
                              "as Tyk's Dashboard or gateway exports them")
    for p in map(Path, apis):
        _add(export, "apis", p, _read_json(p))
    if apps_dir is not None:
        d = Path(apps_dir)
        if not d.is_dir():
            raise ConfigError(f"{d}: not a directory (--apps takes the gateway's apps/ folder)")
        for p in sorted(d.glob("*.json")):
            _add(export, "apis", p, _read_json(p))
    for kind, value in (("policies", policies), ("catalogue", catalogue), ("portal_config", portal_config),
                        ("tyk_conf", tyk_conf), ("analytics_conf", analytics_conf)):
        if value is not None:
            p = Path(value)
            _add(export, kind, p, _read_json(p))
    return export


# ---- secrets ------------------------------------------------------------------------------

def _secret_fields(export: TykExport) -> list[tuple[str, str]]:
    """``(where, value)`` of every secret in the export, for redaction and the header note."""
    found: list[tuple[str, str]] = []

    def take(where: str, value: Any) -> None:
        if isinstance(value, str) and value:
            found.append((where, value))

    if export.tyk_conf:
        c = export.tyk_conf
        take("tyk.conf secret", c.get("secret"))
        take("tyk.conf node_secret", c.get("node_secret"))
        take("tyk.conf storage.password", (c.get("storage") or {}).get("password"))
    if export.analytics_conf:
        a = export.analytics_conf
        for key in ("admin_secret", "shared_node_secret", "redis_password", "license_key"):
            take(f"tyk_analytics.conf {key}", a.get(key))
        take("tyk_analytics.conf tyk_api_config.Secret", (a.get("tyk_api_config") or {}).get("Secret"))
        m = re.match(r"^[a-z+]+://[^:/@]+:([^@]+)@", str(a.get("mongo_url") or ""))
        if m:
            take("tyk_analytics.conf mongo_url password", m.group(1))
    for entry in export.catalogue:
        dcr = (entry.get("config") or {}).get("dcr_options") or {}
        take(f"catalogue {entry.get('name')!r} dcr_options.access_token", dcr.get("access_token"))
    if export.portal_config:
        take("portal configuration dcr_options.access_token",
             (export.portal_config.get("dcr_options") or {}).get("access_token"))
    return found


# ---- building the scenario ---------------------------------------------------------------

@dataclass
class ImportOptions:
    #: Catalogue entry to reproduce (by name); default: the first one with DCR enabled.
    entry: str | None = None
    #: The IdP's base URL as the customer's Tyk knows it (default: dcr_options.idp_host).
    idp_url: str | None = None
    #: Keep the customer's initial access token in the scenario (idp.initial_access_token.value).
    keep_secrets: bool = False
    #: What the developer typed into the wizard's redirect URL field.
    redirect_uris: str = ""


@dataclass
class ImportedScenario:
    """The scenario as plain data, plus the comments the YAML carries."""

    data: dict[str, Any]
    #: ``path -> comment`` shown at the end of that key's line.
    comments: dict[tuple[str, ...], str]
    #: Lines of the header comment.
    header: list[str]
    #: Names (never values) of the secrets left out.
    secrets_left_out: list[str]
    #: The values themselves, only to prove none reaches the YAML (never rendered).
    secret_values: list[str] = field(default_factory=list, repr=False)
    keep_secrets: bool = False

    def to_yaml(self) -> str:
        return render_yaml(self)


def _dcr_of(config: dict[str, Any] | None) -> tuple[bool, dict[str, Any]]:
    """``(enable_dcr, dcr_options)`` of a catalogue entry's config or the portal
    configuration. Tyk keeps ``enable_dcr`` beside ``dcr_options``; accept it inside too."""
    config = config or {}
    dcr = dict(config.get("dcr_options") or {})
    enabled = bool(config.get("enable_dcr")) or bool(dcr.pop("enable_dcr", False))
    return enabled, dcr


def _policy_id(p: dict[str, Any]) -> str:
    return str(p.get("id") or p.get("_id") or "")


def _decode_jwt_source(raw: str) -> tuple[str, str]:
    """``(kind, value)``: ``url`` (base64 or plain), ``pem``, ``secret`` or ``empty``."""
    raw = (raw or "").strip()
    if not raw:
        return "empty", ""
    if raw.startswith(("http://", "https://")):
        return "plain-url", raw
    try:
        decoded = base64.b64decode(raw + "=" * (-len(raw) % 4), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return "secret", raw
    if decoded.startswith(("http://", "https://")):
        return "url", decoded
    if "-----BEGIN" in decoded:
        return "pem", decoded
    return "secret", decoded


class _Rebaser:
    """Maps URLs on the customer's IdP host onto the local IdP: only the scheme and host
    become ``${idp.origin}``; the path (prefix, realm, a typo) and query stay exactly as
    the customer wrote them, so a URL that is wrong at the customer is wrong here too.
    Every mapping made is kept in :attr:`mapped` for the import summary."""

    def __init__(self, base_url: str) -> None:
        parts = urlsplit(base_url)
        self.origin = f"{parts.scheme}://{parts.netloc}".lower()
        self.mapped: list[tuple[str, str]] = []

    def __call__(self, url: str) -> tuple[str, bool]:
        if not url:
            return url, True
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}".lower() != self.origin:
            return url, False
        rebased = "${idp.origin}" + parts.path + (f"?{parts.query}" if parts.query else "")
        if (url, rebased) not in self.mapped:
            self.mapped.append((url, rebased))
        return rebased, True


def _guess_profile(provider: str, urls: Iterable[str]) -> tuple[str, str]:
    """The product of the customer's IdP and the evidence for it: the product its URLs
    show (harness.products.detect) — the server the customer's Tyk really talks to —,
    else the DCR provider when it names one, else Keycloak (the emulator needs one). A
    provider that contradicts the URLs is the customer's mistake: it stays in the
    portal's settings, and the IdP launched is the one the URLs name."""
    by_urls = detect_urls(urls)
    if by_urls:
        return by_urls, "its URLs"
    if provider in PRODUCT_NAMES:
        return provider, f"the DCR provider {provider!r}"
    return DEFAULT_PRODUCT, "nothing in the export (default)"


def build_scenario(export: TykExport, options: ImportOptions | None = None) -> ImportedScenario:
    """The scenario reproducing ``export`` (raises ConfigError when it cannot be built)."""
    opts = options or ImportOptions()
    comments: dict[tuple[str, ...], str] = {}
    notes: list[str] = []
    secrets = [where for where, _ in _secret_fields(export)]

    policies = {_policy_id(p): p for p in export.policies}
    apis = {str(a.get("api_id")): a for a in export.apis}
    global_enabled, global_dcr = _dcr_of(export.portal_config)

    # 1. The catalogue entry (Portal Management → Catalogue) the developer picks.
    entry = _pick_entry(export, opts, global_enabled, notes)
    cfg = (entry or {}).get("config") or {}
    override = bool(cfg.get("override"))
    entry_enabled, entry_dcr = _dcr_of(cfg)
    eff_enabled, eff_dcr = (entry_enabled, entry_dcr) if override else (global_enabled, global_dcr)

    # 2. Its policy and the JWT API the policy grants.
    policy = policies.get(str((entry or {}).get("policy_id") or ""))
    api, grant_api = _pick_api(export, policy, apis)
    if policy is None:
        if entry is not None:
            notes.append(f"policy {entry.get('policy_id')} of the catalogue entry is not in the export: "
                         "defaults used")
        policy = {"name": f"{api.get('name')} Policy", "key_expires_in": 3600}

    # 3. The IdP, from the customer's URLs.
    kind, jwks_url = _decode_jwt_source(str(api.get("jwt_source") or ""))
    if kind in ("pem", "secret"):
        raise ConfigError(f"API {api.get('name')!r}: jwt_source is a {'PEM public key' if kind == 'pem' else 'shared secret'}, "
                          "not a JWKS URL; the DCR flow validates IdP tokens through the IdP's JWKS URL")
    if kind == "plain-url":
        notes.append("jwt_source holds a plain URL, not base64: Tyk 5.9+ accepts it on the first request only "
                     "(the harness stores it base64-encoded, as the Dashboard does)")
    reg_endpoint = str(eff_dcr.get("registration_endpoint") or "")
    base_url = (opts.idp_url or str(eff_dcr.get("idp_host") or "") or _origin(reg_endpoint) or _origin(jwks_url)).rstrip("/")
    if not base_url:
        raise ConfigError("cannot tell the IdP's URL: no dcr_options.idp_host, registration endpoint or JWKS URL "
                          "in the export (pass --idp-url)")
    provider = str(eff_dcr.get("provider") or "")
    profile, evidence = _guess_profile(provider, (reg_endpoint, jwks_url, base_url))
    idp_product = product(profile)
    notes.append(f"IdP product: {idp_product.title} (from {evidence})")
    if provider in PRODUCT_NAMES and provider != profile:
        notes.append(f"the DCR provider is {provider!r} but the URLs are {idp_product.title}'s: the IdP launched "
                     f"is {idp_product.title}, the portal's provider stays {provider!r} as the customer set it")
    location = idp_product.import_location((reg_endpoint, jwks_url, base_url), endpoints=(reg_endpoint, jwks_url))
    rebase = _Rebaser(base_url)
    where_served = ", ".join(f"{k} {v!r}" for k, v in sorted(location.fields.items()))
    if where_served:
        notes.append(f"local {idp_product.title}: {where_served} (from the customer's URLs)")

    idp: dict[str, Any] = {"profile": profile, "launcher": "emulator"}
    comments[("idp", "profile")] = f"the customer's IdP: {base_url}/"
    idp.update(location.fields)
    comments.update({("idp", *path): text for path, text in location.comments.items()})
    an = export.analytics_conf or {}
    tc = export.tyk_conf or {}
    dcr_skip = bool(an.get("dcr_ssl_insecure_skip_verify", False))
    jwt_skip = bool(tc.get("jwt_ssl_insecure_skip_verify", False))
    https = base_url.lower().startswith("https://")
    # A skip flag means the customer's IdP certificate is self-signed (that is what the
    # guides set them for); with neither flag its certificate is trusted, which the
    # harness models as a CA-signed certificate whose CA bundle Tyk's clients are given.
    trusted_cert = https and not (dcr_skip or jwt_skip)
    if https:
        idp["tls"] = {"enabled": True, "certificate": "ca-signed" if trusted_cert else "self-signed"}
        comments[("idp", "tls", "enabled")] = "the customer's IdP is served over HTTPS"
        comments[("idp", "tls", "certificate")] = (
            "no skip-verify flag at the customer: their certificate is trusted (modelled by a CA bundle)"
            if trusted_cert else "a skip-verify flag is set at the customer: a self-signed certificate")

    # 4. The initial access token: never copied unless asked.
    def access_token(dcr: dict[str, Any], where: tuple[str, ...]) -> str:
        token = str(dcr.get("access_token") or "")
        if not token:
            return ""
        if opts.keep_secrets:
            comments[where] = "--keep-secrets: the customer's token is in idp.initial_access_token.value"
        else:
            comments[where] = (f"customer's initial access token (fingerprint {fingerprint(token)}) left out; "
                               "the run creates a fresh one (--keep-secrets keeps it)")
        return "${initial_access_token}"

    registration = idp_product.import_registration(str(eff_dcr.get("access_token") or ""),
                                                   keep_secrets=opts.keep_secrets)
    idp.update(registration.fields)
    comments.update({("idp", *path): text for path, text in registration.comments.items()})

    # 5. tyk_analytics.conf and tyk.conf.
    dashboard: dict[str, Any] = {
        "oauth_redirect_uri_separator": an.get("oauth_redirect_uri_separator", ";"),
        "dcr_ssl_insecure_skip_verify": dcr_skip,
    }
    if trusted_cert:
        dashboard["dcr_ca_bundle"] = "${idp.ca_bundle}"
        comments[("dashboard", "dcr_ca_bundle")] = "stands for the trust the customer's Dashboard has in the IdP"
    if "oauth_redirect_uri_separator" not in an:
        comments[("dashboard", "oauth_redirect_uri_separator")] = "not set in tyk_analytics.conf; the guides' value"
    gateway: dict[str, Any] = {"jwt_ssl_insecure_skip_verify": jwt_skip}
    if trusted_cert:
        gateway["jwks_ca_bundle"] = "${idp.ca_bundle}"
        comments[("gateway", "jwks_ca_bundle")] = "stands for the trust the customer's gateway has in the IdP"
    ttl = ((tc.get("jwks") or {}).get("cache") or {}).get("timeout")
    if isinstance(ttl, (int, float)) and ttl > 0:
        gateway["jwks_cache_ttl"] = int(ttl)

    # 6. The API (System Management → APIs).
    proxy = api.get("proxy") or {}
    method = str(api.get("jwt_signing_method") or "")
    jwt: dict[str, Any] = {"signing_method": method if method in ("rsa", "ecdsa", "hmac") else "hmac"}
    if method not in ("rsa", "ecdsa", "hmac"):
        comments[("api", "jwt", "signing_method")] = f"customer has {method!r}: Tyk treats it as hmac"
    src, on_idp = rebase(jwks_url)
    jwt["source"] = src
    if not on_idp:
        comments[("api", "jwt", "source")] = "not on the IdP's host: left as the customer has it"
    for key, name in (("identity_base_field", "jwt_identity_base_field"), ("policy_field_name", "jwt_policy_field_name")):
        jwt[key] = str(api.get(name) or "")
    for key in ("expires_at_validation_skew", "issued_at_validation_skew", "not_before_validation_skew"):
        value = api.get(f"jwt_{key}")
        if isinstance(value, int) and value:
            jwt[key] = value
    if api.get("jwt_skip_kid"):
        jwt["skip_kid"] = True
    api_spec: dict[str, Any] = {
        "name": str(api.get("name") or "API"),
        "listen_path": str(proxy.get("listen_path") or "/"),
        "strip_listen_path": bool(proxy.get("strip_listen_path", True)),
        "jwt": jwt,
    }
    if proxy.get("target_url"):
        comments[("api", "listen_path")] = (f"upstream {proxy['target_url']} is replaced by the harness's "
                                            "echo service")
    default_pols = [str(p) for p in api.get("jwt_default_policies") or []]
    as_written = ["${policy.id}" if pid == _policy_id(policy) else pid for pid in default_pols]
    if as_written != ["${policy.id}"]:
        # Kept as written: a default policy that no longer exists (deleted) or that the
        # run does not create makes Tyk refuse tokens, as at the customer.
        jwt["default_policies"] = as_written
        missing = [pid for pid in default_pols if pid != _policy_id(policy)]
        if missing:
            comments[("api", "jwt", "default_policies")] = (
                f"as the customer has it: {', '.join(missing)} "
                f"{'is' if len(missing) == 1 else 'are'} not the catalogue's policy "
                f"({'not in the export' if not any(m in policies for m in missing) else 'not created by the run'})")
        if _policy_id(policy) not in default_pols:
            notes.append(f"the API's jwt_default_policies {default_pols} do not include the catalogue policy: "
                         "kept as written (Tyk applies only the policies listed)")

    # 7. The policy (System Management → Policies).
    policy_spec: dict[str, Any] = {
        "name": str(policy.get("name") or "Policy"),
        "key_expires_in": int(policy.get("key_expires_in") or 0),
        "rate": int(policy.get("rate") or 0) or 1000,
        "per": int(policy.get("per") or 0) or 60,
        "quota_max": int(policy.get("quota_max", -1)),
    }
    if not grant_api:
        policy_spec["grant_api"] = False
        comments[("policy", "grant_api")] = "the policy's access rights do not include this API"

    # 8. The catalogue entry and its DCR settings.
    def dcr_spec(enabled: bool, dcr: dict[str, Any], where: tuple[str, ...]) -> dict[str, Any]:
        out: dict[str, Any] = {"enable_dcr": enabled}
        prov = str(dcr.get("provider") or "")
        if prov:
            out["provider"] = prov if prov in PROVIDERS else "other"
            if prov not in PROVIDERS:
                comments[where + ("provider",)] = f"customer has {prov!r}"
        for key in ("grant_types", "response_types"):
            if isinstance(dcr.get(key), list):
                out[key] = [str(x) for x in dcr[key]]
        if dcr.get("token_endpoint_auth_method"):
            out["token_endpoint_auth_method"] = str(dcr["token_endpoint_auth_method"])
        for key in ("idp_host", "registration_endpoint"):
            value, on = rebase(str(dcr.get(key) or ""))
            out[key] = value
            if not on:
                comments[where + (key,)] = "not on the IdP's host: left as the customer has it"
        out["access_token"] = access_token(dcr, where + ("access_token",))
        return out

    name = str((entry or {}).get("name") or api_spec["name"])
    catalogue: dict[str, Any] = {"name": name, "override": override}
    catalogue["dcr"] = dcr_spec(entry_enabled, entry_dcr, ("catalogue", "dcr"))
    comments[("catalogue", "override")] = ("per-API DCR settings (catalogue.dcr) apply" if override
                                           else "the global portal DCR settings (catalogue.global_dcr) apply")
    if export.portal_config is not None:
        catalogue["global_dcr"] = dcr_spec(global_enabled, global_dcr, ("catalogue", "global_dcr"))
    if not eff_enabled:
        notes.append(f"DCR is not enabled for {name!r} ({'override' if override else 'global settings'}): "
                     "the wizard will not list it, as at the customer")

    auth = str(eff_dcr.get("token_endpoint_auth_method") or "client_secret_post")
    data: dict[str, Any] = {
        "name": f"{name} (imported)",
        "description": "",
        "guide": profile,
        "idp": idp,
        "dashboard": dashboard,
        "gateway": gateway,
        "api": api_spec,
        "policy": policy_spec,
        "catalogue": catalogue,
        "client": {"name": f"{name} client", "redirect_uris": opts.redirect_uris},
        "token_request": {"endpoint": "${discovery.token_endpoint}",
                          "auth_method": auth if auth in ("client_secret_post", "client_secret_basic")
                          else "client_secret_post"},
    }
    others = [str(e.get("name")) for e in export.catalogue if e is not entry]
    data["description"] = (f"Imported from {len(export.sources)} Tyk export file(s): catalogue entry {name!r}, "
                           f"policy {policy_spec['name']!r}, API {api_spec['name']!r}"
                           + (f"; other catalogue entries not reproduced: {', '.join(others)}" if others else "")
                           + ".")
    notes += [f"mapped {url} -> {local}" for url, local in rebase.mapped]
    header = ["Imported by `dcr-harness import` from:"] + [f"  {s}" for s in export.sources]
    if secrets:
        header += ["Secrets left out (never copied): " + ", ".join(secrets)]
    header += [f"Note: {n}" for n in notes]
    header += ["Run it: dcr-harness run <this file>"]
    return ImportedScenario(data=data, comments=comments, header=header, secrets_left_out=secrets,
                            secret_values=export.secret_values(), keep_secrets=opts.keep_secrets)


def _origin(url: str) -> str:
    if not url:
        return ""
    p = urlsplit(url)
    return f"{p.scheme}://{p.netloc}" if p.scheme and p.netloc else ""


def _pick_entry(export: TykExport, opts: ImportOptions, global_enabled: bool, notes: list[str]) -> dict[str, Any] | None:
    entries = export.catalogue
    if opts.entry is not None:
        match = [e for e in entries if str(e.get("name", "")).lower() == opts.entry.lower()]
        if not match:
            names = ", ".join(repr(e.get("name")) for e in entries) or "none"
            raise ConfigError(f"no catalogue entry named {opts.entry!r} in the export (entries: {names})")
        return match[0]
    if not entries:
        notes.append("no portal catalogue in the export: the catalogue entry is named after the API")
        return None

    def enabled(e: dict[str, Any]) -> bool:
        cfg = e.get("config") or {}
        return _dcr_of(cfg)[0] if cfg.get("override") else global_enabled

    listed = [e for e in entries if e.get("show", True) and enabled(e)]
    if listed:
        return listed[0]
    notes.append("no catalogue entry has DCR enabled; reproducing the first one")
    return entries[0]


def _pick_api(export: TykExport, policy: dict[str, Any] | None,
              apis: dict[str, dict[str, Any]]) -> tuple[dict[str, Any], bool]:
    """The JWT API the policy grants (``grant_api`` True) or, failing that, one whose
    default policies name it (``grant_api`` False: the customer forgot the access right)."""
    jwt_apis = [a for a in export.apis if a.get("enable_jwt")]
    if not jwt_apis:
        raise ConfigError("no API with JWT authentication (enable_jwt) in the export; pass the API definition "
                          "with --api FILE")
    if policy is not None:
        granted = [apis[k] for k in (policy.get("access_rights") or {}) if k in apis and apis[k].get("enable_jwt")]
        if granted:
            return granted[0], True
        pid = _policy_id(policy)
        by_default = [a for a in jwt_apis if pid in (a.get("jwt_default_policies") or [])]
        if by_default:
            return by_default[0], False
        return jwt_apis[0], False
    return jwt_apis[0], True


# ---- YAML with comments -------------------------------------------------------------------

def _scalar(value: Any) -> str:
    if isinstance(value, str) and (not value or not (value[0].isalnum() or value[0] in "$/")):
        return json.dumps(value)  # "" and ";" read better quoted
    text = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=10_000).strip()
    return text[:-4].rstrip() if text.endswith("\n...") else text.removesuffix("...").rstrip()


def _emit(node: dict[str, Any], comments: dict[tuple[str, ...], str], path: tuple[str, ...], indent: int) -> list[str]:
    lines: list[str] = []
    pad = "  " * indent
    for key, value in node.items():
        here = path + (key,)
        note = comments.get(here)
        tail = f"  # {note}" if note else ""
        if isinstance(value, dict) and value:
            lines.append(f"{pad}{key}:{tail}")
            lines += _emit(value, comments, here, indent + 1)
        elif isinstance(value, list):
            items = ", ".join(_scalar(v) for v in value)
            lines.append(f"{pad}{key}: [{items}]{tail}")
        elif isinstance(value, dict):
            lines.append(f"{pad}{key}: {{}}{tail}")
        else:
            lines.append(f"{pad}{key}: {_scalar(value)}{tail}")
    return lines


def render_yaml(imported: ImportedScenario) -> str:
    """YAML text of the scenario with its header and per-field comments; checked to
    load back as a valid scenario."""
    from harness.scenario.loader import parse_scenario

    head = [f"# {line}".rstrip() for line in imported.header]
    text = "\n".join(head + _emit(imported.data, imported.comments, (), 0)) + "\n"
    try:
        parse_scenario(text, "<imported scenario>")
    except ConfigError as exc:  # a bug in the importer, not in the customer's files
        raise HarnessError(f"the imported scenario does not validate: {exc}") from None
    if not imported.keep_secrets:
        for value in imported.secret_values:
            if value in text:  # never reached: values are not copied; this proves it
                raise HarnessError("the imported scenario would contain a secret from the export; refusing to write it")
    return text
