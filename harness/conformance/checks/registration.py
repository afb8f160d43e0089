"""Registration plan: RFC 7591 §2-3 (and OpenID Connect Registration 1.0) — the base
registration (shaped by what the server advertises, :mod:`.shape`), the Tyk portal's own
request as one named check, the error answers, unknown metadata, and the initial access
token's limits.

A refusal the spec allows (a server MAY refuse metadata, RFC 7591 §2 and §3.2.2) is
never a FAIL: the check SKIPs with the server's answer and every check that needs the
registered client SKIPs naming the refusal."""

from __future__ import annotations

import threading
import time
from typing import Any

from harness.conformance.checks.common import (
    ABSENT,
    answered,
    body_json,
    challenge_params,
    error_description,
    header,
    is_json,
    media_type,
    no_answer,
    outcome,
    request_json,
)
from harness.conformance.checks.shape import base_metadata
from harness.conformance.checks.verdicts import answered_or_skip, answered_refused_with, auth_challenge, header_has
from harness.conformance.context import REDIRECT_URI, CheckContext, Skip
from harness.conformance.model import Level, Observation, Result
from harness.conformance.registry import check, probe
from harness.core.transcript import Exchange
from harness.products.detect import find_product
from harness.products.keycloak.initial_access import TokenStillValid, wait_until_expired
from harness.registrar.options import DcrOptions

PLAN = "registration"

#: RFC 7591 §3.2.2 error codes, plus the RFC 6750 §3.1 / RFC 6749 §5.2 codes a
#: registration endpoint may use for token or request problems.
REGISTRATION_ERRORS = frozenset({
    "invalid_redirect_uri", "invalid_client_metadata", "invalid_software_statement",
    "unapproved_software_statement", "invalid_token", "insufficient_scope", "invalid_request",
})
#: The status RFC 6750 §3.1 prescribes for its codes; the RFC 7591 codes are 400.
ERROR_STATUS = {"invalid_token": 401, "insufficient_scope": 403}
#: Confidential client authentication methods: a client_secret must be issued.
SECRET_METHODS = frozenset({"client_secret_post", "client_secret_basic", "client_secret_jwt"})


def guide_metadata(ctx: CheckContext, purpose: str) -> dict[str, Any]:
    """The request the Tyk portal sends for the guides' catalogue settings (grant
    client_credentials, auth method client_secret_post, response type token), shaped by
    the product's provider driver (``Product.dcr_provider``; the ``other`` driver, the
    options' default, for a generic IdP), with one loopback redirect URI."""
    from harness.registrar.drivers import get_driver

    found = find_product(ctx.profile)
    provider = {"provider": found.dcr_provider} if found is not None else {}
    options = DcrOptions.model_validate({"enable_dcr": True, **provider, "grant_types": ["client_credentials"],
                                         "token_endpoint_auth_method": ctx.auth_method, "response_types": ["token"]})
    try:
        driver = get_driver(options.provider)
    except ValueError:
        driver = get_driver("other")
    return driver.metadata(options, ctx.client_name(purpose), [REDIRECT_URI])


# ---- probes ----------------------------------------------------------------------------------

@probe("register.guide")
def probe_register_guide(ctx: CheckContext) -> Observation:
    """The base registration (:func:`.shape.base_metadata`): the client the token plan uses."""
    metadata = base_metadata(ctx, "base")
    resp, ex, client = ctx.register(metadata)
    from harness.conformance.checks.shape import registered_auth_method

    return Observation({"register": ex}, {"metadata": metadata, "client": client,
                                          "auth_method": registered_auth_method(metadata, body_json(ex))})


@probe("register.tyk")
def probe_register_tyk(ctx: CheckContext) -> Observation:
    """The Tyk portal's request for the guides' catalogue settings (:func:`guide_metadata`)."""
    metadata = guide_metadata(ctx, "tyk")
    _resp, ex, client = ctx.register(metadata)
    from harness.conformance.checks.shape import registered_auth_method

    return Observation({"tyk": ex}, {"metadata": metadata, "accepted": client is not None, "client": client,
                                     "auth_method": registered_auth_method(metadata, body_json(ex))})


@probe("register.anonymous")
def probe_register_anonymous(ctx: CheckContext) -> Observation:
    resp, ex, client = ctx.register(base_metadata(ctx, "anonymous"), token=None)
    return Observation({"anonymous": ex}, {"open_registration": client is not None})


@probe("register.bad-token")
def probe_register_bad_token(ctx: CheckContext) -> Observation:
    anonymous = ctx.observe("register.anonymous")
    facts = {"open_registration": anonymous.facts.get("open_registration", False)}
    _resp, ex, _client = ctx.register(base_metadata(ctx, "bad-token"), token=f"dcr-harness-invalid-{ctx.client_name('t')}")
    return Observation({"bad_token": ex}, facts)


@probe("register.invalid-redirect")
def probe_register_invalid_redirect(ctx: CheckContext) -> Observation:
    metadata = base_metadata(ctx, "bad-redirect")
    metadata["redirect_uris"] = [REDIRECT_URI + "#fragment"]  # RFC 6749 §3.1.2: MUST NOT include a fragment
    _resp, ex, client = ctx.register(metadata)
    return Observation({"invalid_redirect": ex}, {"accepted": client is not None})


@probe("register.unknown-metadata")
def probe_register_unknown(ctx: CheckContext) -> Observation:
    """The base request plus one member no spec defines; the base registration's own
    answer is kept so the check can tell the member's refusal from the request's."""
    base = ctx.observe("register.guide").ex("register")
    metadata = {**base_metadata(ctx, "unknown-member"), "x_dcr_harness_unknown_member": "ignore me"}
    _resp, ex, _client = ctx.register(metadata)
    exchanges = {"unknown_metadata": ex}
    if base is not None:
        exchanges["register"] = base
    return Observation(exchanges, {})


@probe("register.errors")
def probe_register_errors(ctx: CheckContext) -> Observation:
    """Every refusal the negative registration probes collected."""
    exchanges: dict[str, Exchange] = {}
    for name in ("register.anonymous", "register.bad-token", "register.invalid-redirect"):
        try:
            exchanges.update(ctx.observe(name).exchanges)
        except Skip:
            continue
    return Observation(exchanges, {})


@probe("iat.count")
def probe_iat_count(ctx: CheckContext) -> Observation:
    token = ctx.new_initial_access_token(expiration=300, count=1)
    _r1, first, _c1 = ctx.register(base_metadata(ctx, "iat-count-1"), token=token)
    _r2, second, _c2 = ctx.register(base_metadata(ctx, "iat-count-2"), token=token)
    return Observation({"first": first, "second": second}, {"count": 1})


#: Seconds of life given to the token of the expiry probe, and how long to poll after.
IAT_EXPIRY_S = 3
IAT_EXPIRY_DEADLINE_S = 15.0


@probe("iat.expiry")
def probe_iat_expiry(ctx: CheckContext) -> Observation:
    """Register with a fresh short-lived token, wait past its own ``exp`` without using
    it, then register again — polling while the IdP still accepts it (its clock may lag
    ours), to a deadline."""
    token = ctx.new_initial_access_token(expiration=IAT_EXPIRY_S, count=50)
    _r, fresh, _c = ctx.register(base_metadata(ctx, "iat-fresh"), token=token)
    exchanges = {"fresh": fresh}
    deadline = time.monotonic() + IAT_EXPIRY_S + IAT_EXPIRY_DEADLINE_S
    try:
        wait_until_expired(token, expiration=IAT_EXPIRY_S, deadline_s=IAT_EXPIRY_S + IAT_EXPIRY_DEADLINE_S)
    except TokenStillValid:
        pass  # its exp is far away: the registration below shows whether the IdP enforces it
    pause = threading.Event()
    while True:
        _r, later, client = ctx.register(base_metadata(ctx, "iat-expired"), token=token)
        exchanges["expired"] = later
        if client is None or time.monotonic() >= deadline:
            break
        pause.wait(0.5)  # poll the IdP's own clock until it refuses, to a deadline
    return Observation(exchanges, {"expiration": IAT_EXPIRY_S})


# ---- the guide's registration ------------------------------------------------------------

def spec_refusal(ex: Exchange) -> bool:
    """A refusal the specs define: 400 with an RFC 7591 §3.2.2 code (or RFC 6749's
    ``invalid_request``), or an RFC 6750 §3.1 answer to the token (401, 403
    ``insufficient_scope``). A server MAY refuse any registration this way (RFC 7591 §2:
    the server MAY reject metadata; §3.2.2)."""
    data = body_json(ex)
    code = data.get("error") if isinstance(data, dict) else None
    if ex.status == 400:
        return code in REGISTRATION_ERRORS
    return _is_rfc6750_refusal(ex)


def skip_token_refusal(ex: Exchange, what: str) -> None:
    """SKIP when ``ex`` refused the registration's token (RFC 6750 §3.1: 401, 403
    ``insufficient_scope``): the server said nothing about the metadata under test."""
    if ex.status in (401, 403) and _is_rfc6750_refusal(ex):
        raise Skip(f"{what} was refused for its token ({outcome(ex)}{error_description(ex)}), "
                   "not for its metadata: give an initial access token")


def _registered(obs: Observation, name: str = "register") -> tuple[Exchange, dict[str, Any]]:
    """The successful registration answer, else SKIP naming the refusal (REG-STATUS-201
    judges whether the refusal itself was well-formed)."""
    ex = answered_or_skip(obs, name, "the registration request")
    data = body_json(ex)
    if ex.status is None or not 200 <= ex.status < 300 or not isinstance(data, dict):
        raise Skip(f"the base registration was refused ({outcome(ex)}{error_description(ex)}; see REG-STATUS-201)")
    return ex, data


@check("REG-STATUS-201", "A successful registration answers 201 Created",
       spec="RFC7591-3.2.1", level=Level.MUST, plan=PLAN, probe="register.guide",
       see=("OIDC-REGISTRATION-3.2", "RFC7591-3.2.2"))
def reg_status_201(obs: Observation) -> Result:
    """The client information response uses HTTP 201 Created (RFC 7591 §3.2.1). The
    request is the base registration: only grant types, response types and an auth
    method the server advertises (:mod:`.shape`). A refusal in the shape RFC 7591 §3.2.2
    / RFC 6750 §3.1 define is the server's right (it MAY reject metadata): SKIP with its
    answer. A refusal in another shape (5xx, no error code) breaks §3.2.2: FAIL."""
    ex = obs.ex("register")
    msg = no_answer(ex, "the registration request")
    if msg:
        return Result.fail(msg, expected=201, actual=None)
    assert ex is not None and ex.status is not None
    if ex.status == 201:
        return Result.ok("201 Created", expected=201, actual=201)
    if ex.status >= 300 and spec_refusal(ex):
        raise Skip(f"the server refused the base registration, as RFC 7591 §3.2.2 allows: "
                   f"{outcome(ex)}{error_description(ex)}")
    if ex.status >= 300:
        return Result.fail(f"the registration was refused without an RFC 7591 §3.2.2 error answer: "
                           f"{outcome(ex)}{error_description(ex)}", expected=201, actual=ex.status)
    return Result.fail(f"success answered {ex.status}, not 201", expected=201, actual=ex.status)


@check("REG-CONTENT-TYPE-JSON", "The client information response is application/json",
       spec="RFC7591-3.2.1", level=Level.MUST, plan=PLAN, probe="register.guide")
def reg_content_type(obs: Observation) -> Result:
    """The body is a JSON document with ``Content-Type: application/json`` (RFC 7591 §3.2.1)."""
    ex, _ = _registered(obs)
    if is_json(ex):
        return Result.ok(f"Content-Type {header(ex, 'content-type')}", expected="application/json", actual=media_type(ex))
    return Result.fail(f"Content-Type {header(ex, 'content-type')!r}", expected="application/json",
                       actual=media_type(ex) or ABSENT)


@check("REG-CACHE-NO-STORE", "The client information response carries Cache-Control: no-store",
       spec="RFC7591-3.2.1", level=Level.MUST, plan=PLAN, probe="register.guide", see=("RFC6749-5.1",))
def reg_cache_no_store(obs: Observation) -> Result:
    """The response holds credentials (client secret, registration access token), so it
    carries ``Cache-Control: no-store`` (RFC 6749 §5.1 for any response with credentials;
    RFC 7591 §3.2.1's example response)."""
    ex, _ = _registered(obs)
    return header_has(ex, "Cache-Control", "no-store")


@check("REG-PRAGMA-NO-CACHE", "The client information response carries Pragma: no-cache",
       spec="RFC7591-3.2.1", level=Level.SHOULD, plan=PLAN, probe="register.guide", see=("RFC6749-5.1",))
def reg_pragma(obs: Observation) -> Result:
    """``Pragma: no-cache`` for HTTP/1.0 caches (RFC 6749 §5.1; RFC 7591 §3.2.1's example)."""
    ex, _ = _registered(obs)
    return header_has(ex, "Pragma", "no-cache")


@check("REG-CLIENT-ID", "The response has a client_id string",
       spec="RFC7591-3.2.1", level=Level.MUST, plan=PLAN, probe="register.guide")
def reg_client_id(obs: Observation) -> Result:
    """``client_id``: REQUIRED, a non-empty string (RFC 7591 §3.2.1)."""
    _ex, data = _registered(obs)
    cid = data.get("client_id")
    if isinstance(cid, str) and cid:
        return Result.ok(f"client_id {cid}", expected="non-empty string", actual=cid)
    return Result.fail("client_id is missing or not a string", expected="non-empty string", actual=cid)


@check("REG-CLIENT-SECRET", "A client_secret is issued for a confidential auth method",
       spec="RFC7591-3.2.1", level=Level.MUST, plan=PLAN, probe="register.guide")
def reg_client_secret(obs: Observation) -> Result:
    """The base registration asks for a client secret method the server advertises
    (``client_secret_post`` or ``client_secret_basic``); the client needs a
    ``client_secret`` to use it (RFC 7591 §3.2.1, RFC 6749 §2.3.1)."""
    ex, data = _registered(obs)
    method = data.get("token_endpoint_auth_method") or (request_json(ex) or {}).get("token_endpoint_auth_method")
    secret = data.get("client_secret")
    if method not in SECRET_METHODS:
        return Result.ok(f"auth method {method!r} needs no secret", expected="secret only for secret methods",
                         actual=method)
    if isinstance(secret, str) and secret:
        return Result.ok(f"client_secret issued for {method}", expected="client_secret", actual="(issued, redacted)")
    return Result.fail(f"no client_secret although the auth method is {method}", expected="client_secret",
                       actual=ABSENT)


@check("REG-SECRET-EXPIRES-AT", "client_secret_expires_at is present (a number, 0 = never) when a secret is issued",
       spec="RFC7591-3.2.1", level=Level.MUST, plan=PLAN, probe="register.guide")
def reg_secret_expires_at(obs: Observation) -> Result:
    """``client_secret_expires_at``: REQUIRED if ``client_secret`` is issued; seconds since
    the epoch, or 0 if it does not expire (RFC 7591 §3.2.1)."""
    _ex, data = _registered(obs)
    if not data.get("client_secret"):
        return Result.ok("no client_secret issued: not required", expected="n/a", actual=data.get("client_secret_expires_at"))
    value = data.get("client_secret_expires_at")
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return Result.fail("client_secret_expires_at is missing or not a number", expected="number (0 = never)",
                           actual=ABSENT if value is None else value)
    if value < 0:
        return Result.fail(f"client_secret_expires_at {value} is negative", expected="number >= 0", actual=value)
    return Result.ok("never expires (0)" if value == 0 else f"expires at {int(value)}", expected="number (0 = never)",
                     actual=value)


@check("REG-ISSUED-AT-NUMBER", "client_id_issued_at, when present, is a number",
       spec="RFC7591-3.2.1", level=Level.MUST, plan=PLAN, probe="register.guide")
def reg_issued_at(obs: Observation) -> Result:
    """``client_id_issued_at``: OPTIONAL, seconds since the epoch (RFC 7591 §3.2.1)."""
    _ex, data = _registered(obs)
    if "client_id_issued_at" not in data:
        return Result.ok("not present (OPTIONAL)", expected="number if present", actual=ABSENT)
    value = data["client_id_issued_at"]
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return Result.fail(f"client_id_issued_at is {type(value).__name__}", expected="number", actual=value)
    return Result.ok(f"client_id_issued_at {int(value)}", expected="number", actual=value)


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, list) and isinstance(b, list):
        return sorted(map(str, a)) == sorted(map(str, b))
    return bool(a == b)


@check("REG-METADATA-ECHOED", "The registered metadata is echoed; changed values are shown",
       spec="RFC7591-3.2.1", level=Level.SHOULD, plan=PLAN, probe="register.guide", see=("OIDC-REGISTRATION-3.2",))
def reg_metadata_echoed(obs: Observation) -> Result:
    """The response contains all registered metadata (RFC 7591 §3.2.1: "MUST return all
    registered metadata"). The server MAY replace requested values: each member it
    dropped or changed is reported (WARN) with the requested and registered values."""
    ex, data = _registered(obs)
    requested = request_json(ex)
    if not isinstance(requested, dict):
        raise Skip("the request body was not recorded as JSON")
    diff: dict[str, dict[str, Any]] = {}
    for name, asked in requested.items():
        got = data.get(name, ABSENT)
        if not _same(asked, got):
            diff[name] = {"requested": asked, "registered": got}
    if diff:
        text = "; ".join(f"{k}: asked {v['requested']!r}, got {v['registered']!r}" for k, v in diff.items())
        return Result.fail(f"the server changed the metadata: {text}", expected="requested values", actual=diff)
    return Result.ok(f"all {len(requested)} requested members echoed unchanged", expected="requested values", actual={})


@check("REG-MGMT-CREDENTIALS-PAIRED", "registration_access_token and registration_client_uri come together",
       spec="RFC7592-3", level=Level.MUST, plan=PLAN, probe="register.guide")
def reg_mgmt_paired(obs: Observation) -> Result:
    """A server supporting RFC 7592 returns both ``registration_access_token`` and
    ``registration_client_uri`` (RFC 7592 §3); one without the other is unusable. Neither
    means no management: the portal cannot delete the client at the IdP."""
    _ex, data = _registered(obs)
    has_rat = isinstance(data.get("registration_access_token"), str) and bool(data.get("registration_access_token"))
    has_uri = isinstance(data.get("registration_client_uri"), str) and bool(data.get("registration_client_uri"))
    actual = {"registration_access_token": has_rat, "registration_client_uri": has_uri}
    if has_rat and has_uri:
        return Result.ok("both present", expected="both or neither", actual=actual)
    if not has_rat and not has_uri:
        return Result.warn("neither present: the IdP offers no RFC 7592 management (clients cannot be deleted "
                           "through the portal)", expected="both", actual=actual)
    return Result.fail("only one of the two is present", expected="both or neither", actual=actual)


#: RFC 7591 §2.1: grant types and the response types they go with.
GRANT_FOR_RESPONSE = {"code": "authorization_code", "token": "implicit"}


@check("REG-GRANT-RESPONSE-CONSISTENT", "The Tyk portal's grant_types and response_types are consistent",
       spec="RFC7591-2.1", level=Level.SHOULD, plan=PLAN, probe="register.tyk", see=("TYK-GUIDE",))
def reg_grant_response(obs: Observation) -> Result:
    """RFC 7591 §2.1 pairs response type ``code`` with grant ``authorization_code`` and
    ``token`` with ``implicit``. The guides' catalogue settings ask for
    ``client_credentials`` with response type ``token`` — inconsistent by the letter of
    the spec. This judges the portal's request, not the server: reported (WARN) with what
    the server did with it."""
    ex = obs.ex("tyk")
    requested = request_json(ex)
    if not isinstance(requested, dict):
        raise Skip("the registration request was not recorded")
    # RFC 7591 §2: omitted means the defaults; an explicit [] means none.
    grants = list(requested["grant_types"]) if isinstance(requested.get("grant_types"), list) else ["authorization_code"]
    responses = list(requested["response_types"]) if isinstance(requested.get("response_types"), list) else ["code"]
    problems: list[str] = []
    for rt in responses:
        for part in str(rt).split():
            need = GRANT_FOR_RESPONSE.get(part)
            if need and need not in grants:
                problems.append(f"response type {part!r} needs grant {need!r}")
    for grant, rt in (("authorization_code", "code"), ("implicit", "token")):
        if grant in grants and not any(rt in str(r).split() for r in responses):
            problems.append(f"grant {grant!r} needs response type {rt!r}")
    if not problems:
        return Result.ok(f"grant_types {grants} and response_types {responses} are consistent",
                         expected="consistent", actual=[])
    data = body_json(ex)
    server = ""
    if isinstance(data, dict) and ex is not None and ex.status is not None and ex.status < 300:
        server = f"; the server registered grant_types {data.get('grant_types')} and response_types {data.get('response_types')}"
    elif ex is not None:
        server = f"; the server answered {outcome(ex)}"
    return Result.fail("the request is inconsistent: " + "; ".join(problems) + server,
                       expected="consistent", actual=problems)


#: The Tyk setting behind each member of the portal's request (the catalogue entry's DCR
#: settings, shared/reference/tyk.md), named when a server refuses the request.
TYK_SETTING = {
    "response_types": "the catalogue entry's DCR response types",
    "grant_types": "the catalogue entry's DCR grant types",
    "token_endpoint_auth_method": "the catalogue entry's DCR token endpoint auth method",
    "redirect_uris": "the catalogue entry's DCR redirect URI",
}


@check("REG-TYK-REQUEST-ACCEPTED", "The IdP accepts the Tyk portal's registration request",
       spec="TYK-GUIDE", level=Level.SHOULD, plan=PLAN, probe="register.tyk", see=("RFC7591-3.2.2",))
def reg_tyk_request(obs: Observation) -> Result:
    """The portal sends the guides' settings (grant ``client_credentials``, auth method
    ``client_secret_post``, response type ``token``). A server MAY refuse metadata it does
    not support (RFC 7591 §3.2.2), so a refusal is a compatibility WARN, never a FAIL: the
    message names the Tyk setting to change (a response type or grant the server does
    not advertise is the usual cause)."""
    ex = obs.ex("tyk")
    msg = no_answer(ex, "the Tyk portal's registration request")
    if msg:
        return Result.fail(msg, expected="2xx", actual=None)
    assert ex is not None and ex.status is not None
    got = outcome(ex)
    if 200 <= ex.status < 300:
        return Result.ok(f"registered ({got})", expected="2xx", actual=got)
    text = f"{got}{error_description(ex)}".lower()
    named = [setting for member, setting in TYK_SETTING.items() if member in text or member.rstrip("s") in text]
    if not named and "response" in text:
        named = [TYK_SETTING["response_types"]]
    fix = (f"change {' or '.join(named)}" if named else
           "change the catalogue entry's DCR settings (response types, grant types, auth method) "
           "to values the IdP advertises")
    return Result.fail(f"the IdP refused the portal's request: {got}{error_description(ex)} — in Tyk, {fix}",
                       expected="2xx", actual=got)


# ---- error answers -------------------------------------------------------------------------

def _is_rfc6750_refusal(ex: Exchange) -> bool:
    data = body_json(ex)
    code = data.get("error") if isinstance(data, dict) else None
    if ex.status == 401:
        return code in (None, "invalid_token", "invalid_request")
    if ex.status == 403:
        return code == "insufficient_scope"
    if ex.status == 400:
        return code == "invalid_request"
    return False


@check("REG-NO-TOKEN-ERROR", "A registration without a token is accepted (open) or refused per RFC 6750",
       spec="RFC6750-3.1", level=Level.MUST, plan=PLAN, probe="register.anonymous", see=("RFC7591-3",))
def reg_no_token(obs: Observation) -> Result:
    """Without an initial access token the server either allows open registration
    (RFC 7591 §3) — the client is deleted again — or refuses as a protected resource:
    401 (no error code needed), 403 ``insufficient_scope`` or 400 ``invalid_request``
    (RFC 6750 §3.1)."""
    ex = obs.ex("anonymous")
    msg = no_answer(ex, "the registration without a token")
    if msg:
        return Result.fail(msg, expected="2xx or RFC 6750 refusal", actual=None)
    assert ex is not None and ex.status is not None
    if 200 <= ex.status < 300:
        return Result.ok("open registration: the client was registered without a token (and deleted again)",
                         expected="2xx or RFC 6750 refusal", actual=outcome(ex))
    if _is_rfc6750_refusal(ex):
        return Result.ok(f"refused: {outcome(ex)}{error_description(ex)}", expected="2xx or RFC 6750 refusal",
                         actual=outcome(ex))
    return Result.fail(f"refused with {outcome(ex)}{error_description(ex)}, not an RFC 6750 answer",
                       expected="401 / 403 insufficient_scope / 400 invalid_request", actual=outcome(ex))


@check("REG-BAD-IAT-401", "An invalid initial access token is refused with 401 invalid_token",
       spec="RFC6750-3.1", level=Level.MUST, plan=PLAN, probe="register.bad-token", see=("RFC7591-3.2.2",))
def reg_bad_iat(obs: Observation) -> Result:
    """A registration with a garbage Bearer token gets 401 ``invalid_token`` (RFC 6750
    §3.1; RFC 7591 §3.2.2 "the client presenting an invalid initial access token").
    SKIP when registration is open (the server ignores tokens)."""
    if obs.facts.get("open_registration"):
        raise Skip("registration is open (no token needed): an invalid token is not an error there")
    return answered_refused_with(obs, "bad_token", "the registration with an invalid token", "401 invalid_token")


@check("REG-BAD-IAT-WWW-AUTHENTICATE", "The 401 for an invalid initial access token carries WWW-Authenticate: Bearer",
       spec="RFC6750-3", level=Level.MUST, plan=PLAN, probe="register.bad-token")
def reg_bad_iat_www(obs: Observation) -> Result:
    """"If the protected resource request included an access token and failed
    authentication, the resource server ... MUST include the WWW-Authenticate response
    header field" with the ``Bearer`` scheme (RFC 6750 §3)."""
    if obs.facts.get("open_registration"):
        raise Skip("registration is open: no 401 to inspect")
    ex = obs.ex("bad_token")
    if ex is None or ex.status != 401:
        raise Skip(f"the invalid token was not answered with 401 ({outcome(ex)}; see REG-BAD-IAT-401)")
    return auth_challenge(ex, "Bearer")


@check("REG-INVALID-REDIRECT-URI", "A redirect URI with a fragment is refused with invalid_redirect_uri",
       spec="RFC7591-3.2.2", level=Level.MUST, plan=PLAN, probe="register.invalid-redirect", see=("RFC6749-3.1.2",))
def reg_invalid_redirect(obs: Observation) -> Result:
    """RFC 7591 §2 registers ``redirect_uris`` as the redirection URIs of RFC 6749, whose
    §3.1.2 says "The endpoint URI MUST NOT include a fragment component": a URI with a
    fragment is not a redirection endpoint, so the server refuses it with 400
    ``invalid_redirect_uri`` — "The value of one or more redirection URIs is invalid"
    (RFC 7591 §3.2.2). Accepting it is a FAIL; refusing with another 400 code is reported
    (WARN); a refusal of the token (401/403) says nothing about the URI (SKIP)."""
    ex = obs.ex("invalid_redirect")
    msg = no_answer(ex, "the registration with a fragment redirect URI")
    if msg:
        return Result.fail(msg, expected="400 invalid_redirect_uri", actual=None)
    assert ex is not None and ex.status is not None
    skip_token_refusal(ex, "the registration with a fragment redirect URI")
    got = outcome(ex)
    if got == "400 invalid_redirect_uri":
        return Result.ok(f"refused: {got}{error_description(ex)}", expected="400 invalid_redirect_uri", actual=got)
    if 200 <= ex.status < 300:
        return Result.fail("accepted a redirect URI with a fragment (the client was deleted again)",
                           expected="400 invalid_redirect_uri", actual=got)
    if ex.status == 400:
        return Result.warn(f"refused, but with {got}{error_description(ex)}", expected="400 invalid_redirect_uri",
                           actual=got)
    return Result.fail(f"answered {got}{error_description(ex)}", expected="400 invalid_redirect_uri", actual=got)


@check("REG-ERROR-FORMAT", "Registration errors are JSON with an error code from RFC 7591 §3.2.2 / RFC 6750",
       spec="RFC7591-3.2.2", level=Level.MUST, plan=PLAN, probe="register.errors", see=("RFC6750-3.1",))
def reg_error_format(obs: Observation) -> Result:
    """Each refusal the negative probes met is ``application/json`` with a string ``error``
    from RFC 7591 §3.2.2 (``invalid_redirect_uri``, ``invalid_client_metadata``,
    ``invalid_software_statement``, ``unapproved_software_statement``) or RFC 6750 §3.1
    (``invalid_token`` 401, ``insufficient_scope`` 403, ``invalid_request``); an optional
    ``error_description`` is a string. A bare 401 to a request without any token is
    allowed (RFC 6750 §3.1), and a token error may come as a ``WWW-Authenticate: Bearer
    error="..."`` challenge without a body (RFC 6750 §3)."""
    refusals = {n: e for n, e in obs.exchanges.items() if answered(e) and (e.status or 0) >= 300}
    if not refusals:
        raise Skip("no registration was refused, so there is no error answer to inspect")
    problems: list[str] = []
    for name, ex in refusals.items():
        data = body_json(ex)
        if name == "anonymous" and ex.status == 401 and not ex.response_body:
            continue
        bearer_code = challenge_params(ex).get("error")
        if ex.status in (401, 403) and bearer_code and not isinstance(data, dict):
            # RFC 6750 §3: a Bearer token error lives in WWW-Authenticate; no body is needed.
            if bearer_code not in REGISTRATION_ERRORS:
                problems.append(f"{name}: Bearer error {bearer_code!r} is not an RFC 6750 code")
            continue
        if not is_json(ex) or not isinstance(data, dict):
            problems.append(f"{name}: {ex.status} is not a JSON object (Content-Type {header(ex, 'content-type')!r})")
            continue
        code = data.get("error")
        if not isinstance(code, str):
            problems.append(f"{name}: no string 'error' member")
        elif code not in REGISTRATION_ERRORS:
            problems.append(f"{name}: error {code!r} is not an RFC 7591/6750 code")
        elif ERROR_STATUS.get(code, ex.status) != ex.status and not (code == "invalid_request" and ex.status in (400, 401)):
            problems.append(f"{name}: {code} with {ex.status} (RFC 6750 §3.1 says {ERROR_STATUS.get(code, 400)})")
        if "error_description" in data and not isinstance(data["error_description"], str):
            problems.append(f"{name}: error_description is not a string")
    actual = {n: outcome(e) for n, e in refusals.items()}
    if problems:
        return Result.fail("; ".join(problems), expected="JSON {error: <RFC code>}", actual=actual)
    return Result.ok(f"{len(refusals)} refusal(s) well-formed: " + ", ".join(f"{n} {o}" for n, o in actual.items()),
                     expected="JSON {error: <RFC code>}", actual=actual)


@check("REG-UNKNOWN-METADATA-IGNORED", "Unknown client metadata is ignored, not refused",
       spec="RFC7591-2", level=Level.MUST, plan=PLAN, probe="register.unknown-metadata")
def reg_unknown_metadata(obs: Observation) -> Result:
    """"The authorization server MUST ignore any client metadata sent by the client that
    it does not understand" (RFC 7591 §2): the base registration plus one extra member
    succeeds. Judged only when the base registration alone succeeded (else SKIP naming
    its refusal): a refusal then is the extra member's."""
    base = obs.ex("register")
    if base is not None and (base.status is None or not 200 <= base.status < 300):
        raise Skip(f"the base registration was refused ({outcome(base)}; see REG-STATUS-201): "
                   "a refusal here would not be the unknown member's")
    ex = obs.ex("unknown_metadata")
    msg = no_answer(ex, "the registration with an unknown member")
    if msg:
        return Result.fail(msg, expected="2xx", actual=None, evidence=("unknown_metadata",))
    assert ex is not None and ex.status is not None
    got = outcome(ex)
    if 200 <= ex.status < 300:
        data = body_json(ex)
        kept = isinstance(data, dict) and "x_dcr_harness_unknown_member" in data
        return Result.ok("registered; the unknown member was " + ("echoed" if kept else "dropped"),
                         expected="2xx", actual=got, evidence=("unknown_metadata",))
    return Result.fail(f"the base request was accepted, but with one unknown member it was refused: "
                       f"{got}{error_description(ex)}", expected="2xx", actual=got,
                       evidence=("register", "unknown_metadata"))


# ---- initial access token limits -------------------------------------------------------------

@check("REG-IAT-COUNT-ENFORCED", "An initial access token with count 1 registers one client only",
       spec="RFC7591-3", level=Level.SHOULD, plan=PLAN, probe="iat.count")
def reg_iat_count(obs: Observation) -> Result:
    """An initial access token limited to one registration (Keycloak: ``count: 1``)
    works once, then is refused with 401 ``invalid_token`` (RFC 7591 §3 leaves the
    token's limits to the server; RFC 6750 §3.1 for the refusal). Needs admin credentials."""
    first, second = obs.ex("first"), obs.ex("second")
    if first is None or first.status is None or not 200 <= first.status < 300:
        return Result.fail(f"a fresh token was refused: {outcome(first)}{error_description(first)}",
                           expected="2xx then 401 invalid_token", actual=[outcome(first), outcome(second)])
    got = outcome(second)
    if got == "401 invalid_token":
        return Result.ok(f"second registration refused: {got}{error_description(second)}",
                         expected="2xx then 401 invalid_token", actual=[outcome(first), got])
    return Result.fail(f"second registration answered {got}{error_description(second)}",
                       expected="2xx then 401 invalid_token", actual=[outcome(first), got])


@check("REG-IAT-EXPIRY-ENFORCED", "An expired initial access token is refused with 401 invalid_token",
       spec="RFC7591-3", level=Level.SHOULD, plan=PLAN, probe="iat.expiry")
def reg_iat_expiry(obs: Observation) -> Result:
    """A token created with a short expiration registers while fresh and is refused with
    401 ``invalid_token`` once expired (RFC 6750 §3.1 "expired"). Needs admin credentials."""
    fresh, expired = obs.ex("fresh"), obs.ex("expired")
    if fresh is None or fresh.status is None or not 200 <= fresh.status < 300:
        return Result.fail(f"the fresh token was refused: {outcome(fresh)}{error_description(fresh)}",
                           expected="2xx then 401 invalid_token", actual=[outcome(fresh), outcome(expired)])
    got = outcome(expired)
    if got == "401 invalid_token":
        return Result.ok(f"after expiry: {got}{error_description(expired)}", expected="2xx then 401 invalid_token",
                         actual=[outcome(fresh), got])
    return Result.fail(f"after expiry the IdP answered {got}{error_description(expired)}",
                       expected="2xx then 401 invalid_token", actual=[outcome(fresh), got])
