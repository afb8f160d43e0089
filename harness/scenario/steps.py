"""The guide's steps, each one function performing it through the harness's public
pieces over HTTP (admin → Dashboard API, developer → Developer Portal API, developer
→ IdP token endpoint, developer → gateway). Each returns one line of evidence or
raises :class:`StepFailure`."""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests
import requests.auth

from harness.products.detect import find_product, product
from harness.registrar import discovery as disc
from harness.registrar import token as tok
from harness.registrar.errors import RegistrarError
from harness.scenario.context import RunContext, StepFailure
from harness.scenario.idp_view import stored_client_view
from harness.scenario.schema import Scenario

StepFn = Callable[[RunContext], str]


@dataclass(frozen=True)
class Step:
    id: str
    title: str
    run: StepFn


# ---- helpers -----------------------------------------------------------------------------

def _admin(ctx: RunContext, method: str, path: str, body: Any = None) -> Any:
    s = ctx.world.session("admin", "portal")
    resp = s.request(method, ctx.world.portal_url + path, json=body,
                     headers={"Authorization": ctx.world.admin_key})
    data = resp.json() if resp.content else None
    if resp.status_code >= 300:
        msg = data.get("Message") if isinstance(data, dict) else resp.text[:200]
        raise StepFailure(f"Dashboard API {method} {path} answered {resp.status_code}: {msg}")
    return data


def _developer_session(ctx: RunContext, target: str) -> requests.Session:
    s = ctx.world.session("developer", target)
    dev = ctx.scenario.developer
    s.auth = Utf8BasicAuth(dev.email, dev.password)
    return s


class Utf8BasicAuth(requests.auth.AuthBase):
    """HTTP Basic with the user-id and password encoded as UTF-8, as the portal's challenge
    asks (RFC 7617 §2.1, ``charset="UTF-8"``). requests' own ``(user, password)`` encodes
    them as Latin-1 (requests/auth.py ``_basic_auth_str``): a developer whose email or
    password has other characters could not sign in, and Latin-1 bytes are not UTF-8."""

    def __init__(self, user_id: str, password: str) -> None:
        self.user_id = user_id
        self.password = password

    def __call__(self, r: requests.PreparedRequest) -> requests.PreparedRequest:
        token = base64.b64encode(f"{self.user_id}:{self.password}".encode()).decode("ascii")
        r.headers["Authorization"] = f"Basic {token}"
        return r


def _registrar_failure(what: str, exc: RegistrarError) -> StepFailure:
    return StepFailure(f"{what}: {exc}", error=exc)


# ---- steps -------------------------------------------------------------------------------

def idp_start(ctx: RunContext) -> str:
    idp = ctx.world.idp
    ctx.facts["idp.base_url"] = idp.base_url
    origin = urlsplit(idp.base_url)
    ctx.facts["idp.origin"] = f"{origin.scheme}://{origin.netloc}"
    ctx.facts["idp.issuer"] = idp.issuer(ctx.scenario.idp.realm)
    found = find_product(idp.profile)
    name = found.title if found is not None else idp.profile
    faults = "; ".join(f"{f.fault} {f.method} {f.path}" for f in ctx.scenario.idp.network_faults)
    through = f" (through a fault proxy: {faults})" if faults else ""
    return f"{name} {idp.version or ''} ({idp.kind}) at {idp.base_url}{through}".replace("  ", " ")


def initial_access_token(ctx: RunContext) -> str:
    """Keycloak admin console: Clients → Initial access token → Create (the guide's older console: Realm settings → Client Registration)."""
    from harness.products.keycloak.admin import KeycloakAdmin

    spec = ctx.scenario.idp.initial_access_token
    realm = ctx.scenario.idp.realm
    admin = KeycloakAdmin(ctx.world.idp.base_url, ctx.world.idp.admin_user, ctx.world.idp.admin_password,
                          session=ctx.world.session("admin", "idp"))
    policies = _registration_policies(ctx, admin, realm)
    if spec is None:
        ctx.facts["initial_access_token"] = ""
        return "no initial access token configured (open or trusted-host registration)" + policies
    if spec.value is not None:
        ctx.redactor.add(spec.value)
        ctx.facts["initial_access_token"] = spec.value
        return "using the initial access token given in the scenario" + policies
    try:
        if realm != "master":
            admin.create_realm(realm)
        iat = admin.create_initial_access_token(realm, spec.expiration, spec.count)
    except Exception as exc:  # the admin client raises typed errors with one clear line
        raise StepFailure(f"creating the initial access token failed: {exc}", error=exc) from None
    token = iat["token"]
    ctx.redactor.add(token)
    ctx.facts["initial_access_token"] = token
    notes = []
    if spec.use_before:
        _use_up(ctx, token, spec.use_before)
        notes.append(f"{spec.use_before} registration(s) already made with it")
    if spec.wait_until_expired:
        _wait_expired(ctx, token, spec.expiration)
        notes.append("waited until it expired")
    extra = f"; {', '.join(notes)}" if notes else ""
    return f"realm {realm}: expiration {spec.expiration}s, count {spec.count}{extra}{policies}"


def _registration_policies(ctx: RunContext, admin: Any, realm: str) -> str:
    """``idp.registration_policies``: the realm's client-registration policies, set through
    Keycloak's admin REST API (Clients → Client registration → policies); "" when the
    scenario sets none, else "; <what was set>" for the step's evidence."""
    spec = ctx.scenario.idp.registration_policies
    if spec is None or spec.max_clients is None:
        return ""
    try:
        if realm != "master":
            admin.create_realm(realm)
        done = admin.set_max_clients(realm, spec.max_clients)
    except Exception as exc:  # the admin client raises typed errors with one clear line
        raise StepFailure(f"setting the realm's client-registration policies failed: {exc}", error=exc) from None
    return f"; client-registration policies: {', '.join(done)}"


def _use_up(ctx: RunContext, token: str, n: int) -> None:
    from harness.registrar import rfc7591, rfc7592

    endpoint = disc.discover(ctx.world.session("admin", "idp"), ctx.facts["idp.issuer"])["registration_endpoint"]
    for i in range(n):
        s = ctx.world.session("admin", "idp")
        c = rfc7591.register(s, endpoint, {"client_name": f"dcr-harness-preuse-{i}"}, initial_access_token=token)
        rfc7592.delete(s, c)


def _wait_expired(ctx: RunContext, token: str, expiration: int) -> None:
    """Wait until the initial access token's own ``exp`` (a JWT claim) has passed
    (harness.products.keycloak.initial_access: the IdP runs on this machine's clock)."""
    if expiration > 30:
        raise StepFailure("wait_until_expired needs an expiration of at most 30 seconds")
    from harness.products.keycloak.initial_access import TokenStillValid, wait_until_expired

    try:
        wait_until_expired(token, expiration=expiration, deadline_s=expiration + 10)
    except TokenStillValid:
        raise StepFailure("the initial access token did not expire in time") from None


def idp_configuration(ctx: RunContext) -> str:
    """Gluu oxTrust: Configuration → JSON Configuration → OxAuth (jwksAlgorithmsSupported)."""
    from harness.products.gluu.admin import GluuAdmin

    spec = ctx.scenario.idp
    ctx.facts.setdefault("initial_access_token", "")
    if spec.jwks_algorithms_supported is None and spec.dynamic_registration_enabled is None:
        return "server configuration left at its defaults"
    admin = GluuAdmin(ctx.world.idp.base_url, ctx.world.idp.admin_user, ctx.world.idp.admin_password,
                      session=ctx.world.session("admin", "idp"))
    admin.set_configuration(jwks_algorithms_supported=spec.jwks_algorithms_supported,
                            dynamic_registration_enabled=spec.dynamic_registration_enabled)
    parts = []
    if spec.jwks_algorithms_supported is not None:
        parts.append(f"jwksAlgorithmsSupported={','.join(spec.jwks_algorithms_supported)}")
    if spec.dynamic_registration_enabled is not None:
        parts.append(f"dynamicRegistrationEnabled={spec.dynamic_registration_enabled}")
    return "; ".join(parts)


def discovery(ctx: RunContext) -> str:
    issuer = ctx.facts["idp.issuer"]
    try:
        doc = disc.discover(ctx.world.session("harness", "idp"), issuer)
    except RegistrarError as exc:
        raise _registrar_failure("discovery failed", exc) from None
    for key in ("registration_endpoint", "token_endpoint", "jwks_uri"):
        if not doc.get(key):
            raise StepFailure(f"the discovery document at {issuer} has no {key}")
        ctx.facts[f"discovery.{key}"] = doc[key]
    ctx.facts["discovery"] = doc
    return f"jwks_uri {doc['jwks_uri']}, registration_endpoint {doc['registration_endpoint']}"


def dashboard_settings(ctx: RunContext) -> str:
    d = ctx.world.dashboard
    g = ctx.world.tyk_conf
    text = (f"tyk_analytics.conf oauth_redirect_uri_separator={d.oauth_redirect_uri_separator!r}, "
            f"dcr_ssl_insecure_skip_verify={d.dcr_ssl_insecure_skip_verify}; "
            f"tyk.conf jwt_ssl_insecure_skip_verify={g.get('jwt_ssl_insecure_skip_verify', False)}")
    if not ctx.world.gateway_launcher_takes("tyk_conf"):
        text += f" (not applied: the gateway at {ctx.world.gateway_url} keeps its own tyk.conf)"
    return text


def _api_definition(ctx: RunContext, default_policies: list[str]) -> dict[str, Any]:
    spec = ctx.scenario.api
    jwt = spec.jwt
    source = ctx.resolve(jwt.source, "api.jwt.source")
    ctx.facts["api.jwks_uri"] = source
    return {
        "name": spec.name,
        "api_id": ctx.facts.get("api.id", ""),
        "use_keyless": False,
        "enable_jwt": True,
        "jwt_signing_method": jwt.signing_method,
        # The Dashboard stores the JWKS URI base64-encoded (tyk.md).
        "jwt_source": base64.b64encode(source.encode()).decode(),
        "jwt_identity_base_field": jwt.identity_base_field,
        "jwt_policy_field_name": jwt.policy_field_name,
        "jwt_default_policies": default_policies,
        "jwt_skip_kid": jwt.skip_kid,
        "jwt_expires_at_validation_skew": jwt.expires_at_validation_skew,
        "jwt_issued_at_validation_skew": jwt.issued_at_validation_skew,
        "jwt_not_before_validation_skew": jwt.not_before_validation_skew,
        "active": True,
        "proxy": {
            "listen_path": spec.listen_path,
            "target_url": spec.target_url or ctx.world.upstream_url,
            "strip_listen_path": spec.strip_listen_path,
        },
        "version_data": {"not_versioned": True, "versions": {"Default": {"name": "Default"}}},
    }


def create_api(ctx: RunContext) -> str:
    apidef = _api_definition(ctx, [])
    apidef.pop("api_id")
    out = _admin(ctx, "POST", "/api/apis", {"api_definition": apidef})
    ctx.facts["api.id"] = out["Meta"]
    return (f"{ctx.scenario.api.name!r} id {out['Meta']}: JWT {apidef['jwt_signing_method']}, "
            f"identity {apidef['jwt_identity_base_field']}, policy field {apidef['jwt_policy_field_name']}")


def create_policy(ctx: RunContext) -> str:
    spec = ctx.scenario.policy
    if spec.grant_api:
        rights = {ctx.facts["api.id"]: {"api_name": ctx.scenario.api.name, "versions": ["Default"]}}
    else:
        # A policy that "forgot" the API still grants something in practice (an empty
        # access-rights list is a different failure in Tyk: "key has no valid policies").
        other = _admin(ctx, "POST", "/api/apis", {"api_definition": {
            "name": "Other API", "use_keyless": True, "active": True,
            "proxy": {"listen_path": "/other-api/", "target_url": ctx.world.upstream_url, "strip_listen_path": True},
            "version_data": {"not_versioned": True, "versions": {"Default": {"name": "Default"}}}}})
        rights = {other["Meta"]: {"api_name": "Other API", "versions": ["Default"]}}
    out = _admin(ctx, "POST", "/api/portal/policies", {
        "name": spec.name, "access_rights": rights, "key_expires_in": spec.key_expires_in,
        "rate": spec.rate, "per": spec.per, "quota_max": spec.quota_max,
    })
    ctx.facts["policy.id"] = out["Meta"]
    granted = "grants the API" if spec.grant_api else "grants only 'Other API', NOT this API"
    return f"{spec.name!r} id {out['Meta']}: {granted}, key expiry {spec.key_expires_in}s"


def api_default_policy(ctx: RunContext) -> str:
    policies = [str(p) for p in ctx.resolve(ctx.scenario.api.jwt.default_policies, "api.jwt.default_policies")]
    apidef = _api_definition(ctx, policies)
    _admin(ctx, "PUT", f"/api/apis/{ctx.facts['api.id']}", {"api_definition": apidef})
    return f"jwt_default_policies = [{', '.join(policies)}]"


def catalogue_entry(ctx: RunContext) -> str:
    spec = ctx.scenario.catalogue
    out = _admin(ctx, "POST", "/api/portal/catalogue", {
        "name": spec.name, "policy_id": ctx.facts["policy.id"], "show": True, "auth_type": "jwt",
    })
    ctx.facts["catalogue.id"] = out["Meta"]
    return f"{spec.name!r} id {out['Meta']} with policy {ctx.facts['policy.id']}"


def _dcr_options(ctx: RunContext, spec: Any, where: str) -> dict[str, Any]:
    opts = {k: ctx.resolve(v, f"{where}.{k}") for k, v in spec.model_dump().items()}
    ctx.redactor.add(opts.get("access_token"))
    return opts


def catalogue_dcr_settings(ctx: RunContext) -> str:
    spec = ctx.scenario.catalogue
    if spec.global_dcr is not None:
        _admin(ctx, "PUT", "/api/portal/configuration",
               {"dcr_options": _dcr_options(ctx, spec.global_dcr, "catalogue.global_dcr")})
    dcr = _dcr_options(ctx, spec.dcr, "catalogue.dcr")
    entry = _admin(ctx, "GET", f"/api/portal/catalogue/{ctx.facts['catalogue.id']}")
    entry["config"] = {"override": spec.override, "dcr_options": dcr}
    _admin(ctx, "PUT", f"/api/portal/catalogue/{ctx.facts['catalogue.id']}", entry)
    where = "override (per-API)" if spec.override else "global settings"
    eff = dcr if spec.override else _dcr_options(ctx, spec.global_dcr, "catalogue.global_dcr") if spec.global_dcr else {}
    return (f"{where}: provider {eff.get('provider')}, grant_types {eff.get('grant_types')}, "
            f"auth {eff.get('token_endpoint_auth_method')}, response_types {eff.get('response_types')}, "
            f"initial access token {'set' if eff.get('access_token') else 'empty'}")


def create_developer(ctx: RunContext) -> str:
    dev = ctx.scenario.developer
    ctx.redactor.add(dev.password)
    out = _admin(ctx, "POST", "/api/portal/developers", {"email": dev.email, "password": dev.password})
    ctx.facts["developer.id"] = out["Meta"]
    return f"{dev.email} id {out['Meta']}"


def oauth_client_wizard(ctx: RunContext) -> str:
    """Developer Portal → OAuth Clients → Create first OAuth Client → select API → Save and
    continue → client name (+ redirect URLs) → Create; then the guide's "you will see this
    client in the IdP" (harness.scenario.idp_view: ``ctx.idp_stored``)."""
    s = _developer_session(ctx, "portal")
    base = ctx.world.portal_url
    resp = s.get(base + "/portal/api/oauth-clients/apis")
    apis = resp.json() if resp.status_code == 200 else None
    if not isinstance(apis, list):
        raise StepFailure(f"the Developer Portal did not list the APIs for the developer "
                          f"{ctx.scenario.developer.email!r}: HTTP {resp.status_code} {resp.text[:200]}")
    name = ctx.scenario.catalogue.name
    match = [a for a in apis if a["name"] == name]
    if not match:
        raise StepFailure(f"the wizard does not list {name!r}: DCR is not enabled for it "
                          "(neither in its override settings nor globally)")
    body = {"catalogue_id": match[0]["id"], "client_name": ctx.client_name,
            "redirect_uris": ctx.scenario.client.redirect_uris}
    resp = s.post(base + "/portal/api/oauth-clients", json=body)
    data = resp.json() if resp.content else {}
    if resp.status_code != 201:
        error = str(data.get('error', resp.text[:200]))
        raise StepFailure(f"the portal could not create the client: {error}{_registration_context(ctx, error)}")
    ctx.redactor.add(data.get("client_secret"))
    ctx.facts["client.id"] = data["client_id"]
    ctx.facts["client.secret"] = data.get("client_secret") or ""
    ctx.facts["client"] = data
    # The guide's "you will see this client in the IdP": what the IdP stored, read through
    # its admin API (never fails the step; a note when it cannot be read).
    ctx.idp_stored = stored_client_view(ctx, str(data["client_id"]))
    uris = data.get("redirect_uris") or []
    meant = ctx.scenario.client.expect_redirect_uris
    if meant is not None and sorted(uris) != sorted(meant):
        sep = ctx.world.dashboard.oauth_redirect_uri_separator
        raise StepFailure(
            f"redirect URIs mismatch: the developer typed {ctx.scenario.client.redirect_uris!r} meaning {meant}, "
            f"the portal split it with oauth_redirect_uri_separator {sep!r} and the IdP registered {uris}")
    return f"client {data['client_id']} ({ctx.scenario.client.name!r}) registered at the IdP; redirect URIs {uris}"


def _registration_context(ctx: RunContext, error: str) -> str:
    """What the portal sent that explains a terse metadata refusal (Gluu's canned
    error_description names no field): response types that need a redirect URI
    (OpenID Connect Registration §2, redirect_uris REQUIRED for them) with none typed."""
    if "invalid_client_metadata" not in error and "invalid_redirect_uri" not in error:
        return ""
    cat = ctx.scenario.catalogue
    dcr = cat.dcr if cat.override or cat.global_dcr is None else cat.global_dcr
    needing = [t for t in dcr.response_types if t in ("code", "token", "id_token")]
    if needing and not ctx.scenario.client.redirect_uris.strip():
        return f" (response types {needing} were sent without a redirect URL)"
    return ""


def _client_credentials(ctx: RunContext, refused: str) -> tok.TokenResponse:
    """The developer's client_credentials request as the scenario's ``token_request``
    describes it; the access token becomes the fact ``access_token``."""
    spec = ctx.scenario.token_request
    endpoint = ctx.resolve(spec.endpoint, "token_request.endpoint")
    secret = spec.secret_override if spec.secret_override is not None else ctx.facts["client.secret"]
    try:
        t = tok.client_credentials(ctx.world.session("developer", "idp"), endpoint, ctx.facts["client.id"],
                                   secret, auth_method=spec.auth_method)
    except RegistrarError as exc:
        raise _registrar_failure(refused, exc) from None
    ctx.facts["access_token"] = t.access_token
    return t


def token_request(ctx: RunContext) -> str:
    t = _client_credentials(ctx, "the token request was refused")
    ctx.facts["token_response"] = t.body
    from harness.jose.tokens import NotAJwt, decode_unverified

    try:
        header, claims = decode_unverified(t.access_token)
    except NotAJwt:
        ctx.facts["token_claims"] = None
        return f"{t.token_type} token, expires_in {t.expires_in}, opaque (not a JWT)"
    ctx.facts["token_header"], ctx.facts["token_claims"] = header, claims
    return (f"{t.token_type} JWT {header.get('alg')} kid {header.get('kid')}, expires_in {t.expires_in}, "
            f"claims {', '.join(sorted(claims))}")


def gateway_call(ctx: RunContext) -> str:
    """The developer calls the API through the gateway. Any gateway other than the default
    is named (product, version, kind) in the step's evidence and failure.

    ``gateway_call.after_key_rotation``: a first call with the token (the gateway fetches
    and caches the IdP's JWKS: Tyk keeps it for jwks.cache.timeout and does not refetch for
    an unknown kid, jwt_cases JWT-JWKS-ROTATION-NEW-KID-CACHED), the IdP's signing key
    rotated through its admin API, a new token, and the judged call with it."""
    spec = ctx.scenario.gateway_call
    label = ctx.world.gateway_label()
    via = f" (gateway: {label})" if label else ""
    before = ""
    if spec.after_key_rotation:
        first, _ = _call_gateway(ctx, 200)
        old, new = _rotate_and_get_token(ctx)
        before = f"first call {first} with a token of key {old}; the IdP then rotated its signing key to {new}: "
    status, body = _call_gateway(ctx, spec.expect_status)
    if status == 200:
        return f"{before}200 from the upstream through {ctx.scenario.api.listen_path}{via}"
    return f"{before}{status} {body.get('error') if isinstance(body, dict) else body!r} as expected{via}"


def _call_gateway(ctx: RunContext, expect_status: int) -> tuple[int, Any]:
    """One call through the gateway with the developer's current token: (status, body), or
    StepFailure with why the gateway refused when the status is not ``expect_status``."""
    spec = ctx.scenario.gateway_call
    url = ctx.world.gateway_url + ctx.scenario.api.listen_path.rstrip("/") + "/" + spec.path.lstrip("/")
    headers = {}
    if spec.token_override != "none":
        headers["Authorization"] = f"Bearer {ctx.facts['access_token']}"
    label = ctx.world.gateway_label()
    mark = ctx.world.gateway_launcher.log_mark()
    resp = ctx.world.session("developer", "gateway").get(url, headers=headers)
    ctx.facts["gateway.status"] = resp.status_code
    body: Any
    try:
        body = resp.json()
    except ValueError:
        body = resp.text
    ctx.facts["gateway.body"] = body
    if resp.status_code != expect_status:
        msg = body.get("error") if isinstance(body, dict) else str(body)[:200]
        reason = _gateway_reason(ctx, mark, str(msg))
        who = f"the gateway ({label})" if label else "the gateway"
        raise StepFailure(f"{who} answered {resp.status_code} {msg!r}" + (f" ({reason})" if reason else ""))
    return resp.status_code, body


def _rotate_and_get_token(ctx: RunContext) -> tuple[str, str]:
    """The IdP rotates its signing key (its product's admin API), then the developer asks
    for a new token the way the token-request step did; returns the old and new kid."""
    idp = ctx.world.idp
    old, new = product(idp.profile).rotate_signing_key(
        idp.base_url, idp.admin_user, idp.admin_password, session=ctx.world.session("admin", "idp"),
        realm=ctx.scenario.idp.realm)
    _client_credentials(ctx, "the token request after the key rotation was refused")
    return old, new


def _gateway_reason(ctx: RunContext, mark: int, answer: str) -> str | None:
    reason = _gateway_detail(ctx, mark)
    if reason is not None and "no matching kid" in reason.lower():
        reason += _kid_published_now(ctx)
    if reason is not None and reason.strip().lower() == answer.strip().lower():
        reason = None  # it says no more than its answer
    if ctx.facts.get("token_claims", {}) is None:  # token-request saw an opaque token
        return "the access token is opaque, not a JWT" + (f": {reason}" if reason else "")
    return reason


def _kid_published_now(ctx: RunContext) -> str:
    """When a gateway found no key for the token's kid (ours and the real Tyk both say "No
    matching KID could be found"), read the API's JWKS URI once more: if it lists the kid
    now, the gateway holds an older copy of the key set (cached before the IdP rotated its
    key: Tyk refetches only when jwks.cache.timeout expires); "" otherwise (another realm's
    JWKS, an empty key set, or nothing to read)."""
    from harness.jose.tokens import NotAJwt, decode_unverified

    uri = ctx.facts.get("api.jwks_uri")
    try:
        kid = decode_unverified(ctx.facts.get("access_token") or "")[0].get("kid")
    except NotAJwt:
        return ""
    if not uri or not isinstance(kid, str):
        return ""
    try:
        keys = ctx.world.session("harness", "idp").get(uri).json().get("keys")
    except (requests.RequestException, ValueError, AttributeError):
        return ""
    if isinstance(keys, list) and any(isinstance(k, dict) and k.get("kid") == kid for k in keys):
        return f"; the JWKS at {uri} lists the token's kid now, so the gateway holds an older copy of it"
    return ""


def _gateway_detail(ctx: RunContext, mark: int) -> str | None:
    # Why the gateway refused, where it says so: the harness gateway's decision log, the
    # real Tyk's log lines (Tyk only logs it).
    reason = ctx.world.gateway_launcher.why_refused(mark)
    if reason:
        return reason
    # The gateway's own JWKS fetch in this step failed at the transport level (TLS,
    # connection): that is why it answered "Key not authorized".
    for ex in ctx.world.transcript.for_step("gateway-call"):
        if ex.actor == "gateway" and ex.target == "idp" and ex.error:
            return f"the gateway's JWKS fetch failed: {ex.error}"
    return None


def delete_client(ctx: RunContext) -> str:
    s = _developer_session(ctx, "portal")
    resp = s.delete(f"{ctx.world.portal_url}/portal/api/oauth-clients/{ctx.facts['client.id']}")
    if resp.status_code != 204:
        raise StepFailure(f"deleting the client failed: {resp.status_code} {resp.text[:200]}")
    return f"client {ctx.facts['client.id']} deleted in the portal and at the IdP (RFC 7592 §2.3)"


#: The guide's IdP admin steps, by the id a product names (``Product.guide_admin_step``).
ADMIN_STEPS: dict[str, StepFn] = {
    "initial-access-token": initial_access_token,
    "idp-configuration": idp_configuration,
}


def plan_for(ctx: RunContext) -> list[Step]:
    """The guide's steps for this scenario, in order."""
    return steps_for(ctx.scenario)


def steps_for(scenario: Scenario) -> list[Step]:
    """The guide's steps for ``scenario``, in order, known before any world exists (the
    pytest plugin names one item per step at collection time)."""
    idp = product(scenario.idp.profile)
    step_id, title = idp.guide_admin_step
    admin = Step(step_id, title, ADMIN_STEPS[step_id])
    read = Step("discovery", "Read the IdP's discovery document", discovery)
    steps = [Step("idp-start", "Start the identity provider", idp_start),
             *((read, admin) if idp.guide_discovery_before_admin_step else (admin, read))]
    steps += [
        Step("dashboard-settings", "Tyk settings (tyk_analytics.conf, tyk.conf)", dashboard_settings),
        Step("create-api", f"Create the API {scenario.api.name!r} with JWT auth", create_api),
        Step("create-policy", f"Create the policy {scenario.policy.name!r}", create_policy),
        Step("api-default-policy", "Make the API use the policy (default policy)", api_default_policy),
        Step("catalogue-entry", "Add the API to the portal catalogue", catalogue_entry),
        Step("catalogue-dcr-settings", "Catalogue settings: DCR", catalogue_dcr_settings),
        Step("create-developer", "Add a developer", create_developer),
        Step("oauth-client-wizard", "Developer portal: create an OAuth client", oauth_client_wizard),
        Step("token-request", "Get a token with client_credentials", token_request),
        Step("gateway-call", "Call the API through the gateway with the token", gateway_call),
    ]
    if scenario.cleanup:
        steps.append(Step("delete-client", "Clean up: delete the OAuth client (portal and IdP)", delete_client))
    return steps
