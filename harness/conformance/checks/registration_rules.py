"""Registration rules beyond the base registration (registration plan): redirect URIs
a web client using the implicit grant may not register (OpenID Connect Registration
1.0 §2), a software statement the server cannot verify (RFC 7591 §2.3, §3.1.1,
§3.2.2), and a revoked initial access token (RFC 7591 §3, RFC 6750 §3.1)."""

from __future__ import annotations

import secrets
from typing import Any

from harness.conformance.checks.common import body_json, error_description, no_answer, outcome
from harness.conformance.checks.registration import skip_token_refusal, spec_refusal
from harness.conformance.checks.shape import advertised, base_metadata
from harness.conformance.context import CheckContext, Skip
from harness.conformance.model import Level, Observation, Result
from harness.conformance.registry import check, probe
from harness.jose import generate_rsa, sign

PLAN = "registration"
#: A web redirect URI over plain http on a host that is not loopback (never dereferenced:
#: ``.test`` is reserved, RFC 6761 §6.2).
HTTP_WEB_REDIRECT = "http://client.dcr-harness.test/callback"
#: Issuer of the harness's software statements: no server knows its key.
STATEMENT_ISSUER = "https://publisher.dcr-harness.test"


# ---- redirect URI rules ------------------------------------------------------------------

@probe("register.implicit-http-redirect")
def probe_implicit_http(ctx: CheckContext) -> Observation:
    """A web client (``application_type`` omitted: web) using the implicit grant with an
    http redirect URI on a non-loopback host. Only where the server advertises the
    implicit grant and one of its response types."""
    adv = advertised(ctx)
    if not adv.supports_grant("implicit"):
        raise Skip(f"the server does not advertise the implicit grant ({adv.describe('grant_types_supported')})")
    response_type = adv.implicit_response_type()
    if response_type is None:
        raise Skip(f"the server advertises no implicit response type ({adv.describe('response_types_supported')})")
    metadata = {**base_metadata(ctx, "implicit-http"), "grant_types": ["implicit"],
                "response_types": [response_type], "redirect_uris": [HTTP_WEB_REDIRECT]}
    _resp, ex, client = ctx.register(metadata)
    return Observation({"implicit_http": ex}, {"accepted": client is not None, "response_type": response_type})


@check("REG-REDIRECT-URI-IMPLICIT-HTTPS", "A web client using the implicit grant cannot register an http redirect URI",
       spec="OIDC-REGISTRATION-2", level=Level.MUST, plan=PLAN, probe="register.implicit-http-redirect",
       see=("RFC7591-3.2.2",))
def reg_implicit_http(obs: Observation) -> Result:
    """OpenID Connect Registration 1.0 §2 (``application_type``): "Web Clients using the
    OAuth Implicit Grant Type MUST only register URLs using the https scheme as
    redirect_uris; they MUST NOT use localhost as the hostname. ... The Authorization
    Server MUST verify that all the registered redirect_uris conform to these
    constraints." The registration is refused (RFC 7591 §3.2.2 ``invalid_redirect_uri``
    or ``invalid_client_metadata``). For other grants an http redirect URI is only a
    "MAY reject", so only the implicit case is judged."""
    ex = obs.ex("implicit_http")
    msg = no_answer(ex, "the implicit registration with an http redirect URI")
    if msg:
        return Result.fail(msg, expected="400 invalid_redirect_uri", actual=None)
    assert ex is not None and ex.status is not None
    skip_token_refusal(ex, "the implicit registration")
    got = outcome(ex)
    if 200 <= ex.status < 300:
        data = body_json(ex)
        uris = data.get("redirect_uris") if isinstance(data, dict) else None
        return Result.fail(f"registered a web implicit client with redirect URI {HTTP_WEB_REDIRECT} "
                           f"(registered redirect_uris {uris}; the client was deleted again)",
                           expected="400 invalid_redirect_uri", actual=got)
    if spec_refusal(ex) and ex.status == 400:
        return Result.ok(f"refused: {got}{error_description(ex)}", expected="400 invalid_redirect_uri", actual=got)
    return Result.fail(f"answered {got}{error_description(ex)}, not an RFC 7591 §3.2.2 refusal",
                       expected="400 invalid_redirect_uri", actual=got)


# ---- software statements -------------------------------------------------------------------

@probe("register.software-statement")
def probe_software_statement(ctx: CheckContext) -> Observation:
    """The base request plus a ``software_statement`` signed by a key no server knows,
    whose ``client_name`` differs from the JSON member's."""
    base = ctx.observe("register.guide").ex("register")
    if base is None or base.status is None or not 200 <= base.status < 300:
        raise Skip(f"the base registration was refused ({outcome(base)}; see REG-STATUS-201)")
    metadata = base_metadata(ctx, "software-statement")
    claimed = metadata["client_name"] + "-from-statement"
    statement = sign({"iss": STATEMENT_ISSUER, "software_id": "dcr-harness-" + secrets.token_hex(4),
                      "client_name": claimed}, generate_rsa(kid="dcr-harness-unknown-publisher"))
    metadata["software_statement"] = statement
    _resp, ex, client = ctx.register(metadata)
    return Observation({"software_statement": ex}, {"json_name": metadata["client_name"], "statement_name": claimed,
                                                    "accepted": client is not None})


STATEMENT_ERRORS = ("invalid_software_statement", "unapproved_software_statement")


@check("REG-SOFTWARE-STATEMENT-UNVERIFIABLE", "A software statement the server cannot verify is refused or ignored",
       spec="RFC7591-3.1.1", level=Level.SHOULD, plan=PLAN, probe="register.software-statement",
       see=("RFC7591-2.3", "RFC7591-3.2.2"))
def reg_software_statement(obs: Observation) -> Result:
    """RFC 7591 §3.1.1: "The authorization server MAY ignore the software statement if it
    does not support this feature. If the server supports software statements, client
    metadata values conveyed in the software statement MUST take precedence over those
    conveyed using plain JSON elements." §3.2.2 defines ``invalid_software_statement``
    and ``unapproved_software_statement`` for a statement it refuses. A statement signed
    by a key the server cannot know is therefore refused with one of those codes (PASS)
    or ignored — registered with the JSON ``client_name`` (PASS). Registering the
    statement's own ``client_name`` means the server trusted claims it could not verify:
    no sentence forbids it outright (§2.3 leaves verification to the server's policy),
    so it is reported as a WARN, as is a refusal with another code."""
    ex = obs.ex("software_statement")
    msg = no_answer(ex, "the registration with a software statement")
    if msg:
        return Result.fail(msg, expected="refused or ignored", actual=None)
    assert ex is not None and ex.status is not None
    skip_token_refusal(ex, "the registration with a software statement")
    got = outcome(ex)
    if 200 <= ex.status < 300:
        data = body_json(ex)
        name = data.get("client_name") if isinstance(data, dict) else None
        if name == obs.facts.get("statement_name"):
            return Result.fail("the server registered the client_name from a software statement it could not verify",
                               expected="refused or ignored", actual="claims used")
        return Result.ok("ignored: registered with the JSON metadata (RFC 7591 §3.1.1 allows a server without "
                         "software statement support to ignore it)", expected="refused or ignored", actual="ignored")
    data = body_json(ex)
    code = data.get("error") if isinstance(data, dict) else None
    if ex.status == 400 and code in STATEMENT_ERRORS:
        return Result.ok(f"refused: {got}{error_description(ex)}", expected="refused or ignored", actual=got)
    return Result.fail(f"refused with {got}{error_description(ex)}, not invalid_software_statement/"
                       "unapproved_software_statement", expected="400 invalid_software_statement", actual=got)


# ---- revoked initial access tokens ------------------------------------------------------------

@probe("iat.revoked")
def probe_iat_revoked(ctx: CheckContext) -> Observation:
    """A fresh initial access token (count 2) registers once, is revoked with the IdP's
    admin API, then registers again. Keycloak only: other servers offer no revocation
    API the harness knows (SKIP)."""
    if not ctx.can_create_tokens:
        raise Skip("revoking an initial access token needs an IdP whose admin API the harness knows "
                   "(Keycloak, with --admin-user/--admin-password)")
    created: dict[str, Any] = ctx.new_initial_access(expiration=300, count=2)
    token = str(created["token"])
    _r1, before, _c1 = ctx.register(base_metadata(ctx, "iat-revoke-1"), token=token)
    ctx.revoke_initial_access_token(str(created.get("id")))
    _r2, after, _c2 = ctx.register(base_metadata(ctx, "iat-revoke-2"), token=token)
    return Observation({"before": before, "after": after}, {})


@check("REG-IAT-REVOKED", "A revoked initial access token is refused with 401 invalid_token",
       spec="RFC6750-3.1", level=Level.SHOULD, plan=PLAN, probe="iat.revoked", see=("RFC7591-3",))
def reg_iat_revoked(obs: Observation) -> Result:
    """RFC 6750 §3.1 ``invalid_token``: "The access token provided is expired, revoked,
    malformed, or invalid" — with 401. A token that registered a client and was then
    deleted by the admin is refused. RFC 7591 §3 leaves initial access tokens' life
    cycle to the server, hence SHOULD."""
    before, after = obs.ex("before"), obs.ex("after")
    if before is None or before.status is None or not 200 <= before.status < 300:
        return Result.fail(f"the fresh token was refused: {outcome(before)}{error_description(before)}",
                           expected="2xx then 401 invalid_token", actual=[outcome(before), outcome(after)])
    got = outcome(after)
    if got == "401 invalid_token":
        return Result.ok(f"after revocation: {got}{error_description(after)}", expected="2xx then 401 invalid_token",
                         actual=[outcome(before), got])
    return Result.fail(f"after revocation the IdP answered {got}{error_description(after)}",
                       expected="2xx then 401 invalid_token", actual=[outcome(before), got])
