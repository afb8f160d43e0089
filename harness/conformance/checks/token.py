"""Token plan: the client_credentials grant with the guide's client (RFC 6749 §2.3,
§4.4, §5; RFC 6750) and the JWT access token it yields (RFC 9068 where applicable,
RFC 7515/7519)."""

from __future__ import annotations

import time
from typing import Any

from jwcrypto import jwk

from harness.conformance.checks.common import ABSENT, body_json, error_description, header, is_json, no_answer, outcome
from harness.conformance.checks.management import token_call, token_request
from harness.conformance.checks.shape import require_grant
from harness.conformance.checks.verdicts import answered_or_skip, answered_refused_with, auth_challenge, header_has
from harness.conformance.context import CheckContext, Skip, json_of
from harness.conformance.model import Level, Observation, Result
from harness.conformance.registry import check, probe
from harness.core.transcript import Exchange
from harness.jose import BadJwt, verify
from harness.jose.tokens import NotAJwt, decode_unverified

PLAN = "token"
TOKEN_ERRORS = frozenset({"invalid_request", "invalid_client", "invalid_grant", "unauthorized_client",
                          "unsupported_grant_type", "invalid_scope"})


def _other_method(method: str) -> str:
    return "client_secret_basic" if method == "client_secret_post" else "client_secret_post"


def _usable(obs: Observation, name: str) -> tuple[Any, str] | str:
    """The client of registration ``name`` and its auth method, or why it cannot be used
    for client_credentials with a secret."""
    client = obs.facts.get("client")
    ex = obs.ex(name)
    if client is None:
        return f"refused ({outcome(ex)})"
    if not client.client_secret:
        return "no client_secret issued"
    registered = body_json(ex)
    grants = registered.get("grant_types") if isinstance(registered, dict) else None
    if isinstance(grants, list) and "client_credentials" not in grants:
        return f"registered without the client_credentials grant (grant_types {grants}), as RFC 7591 §2 allows"
    method = str(obs.facts.get("auth_method") or "client_secret_basic")
    if method not in ("client_secret_post", "client_secret_basic"):
        return f"registered with {method}, not a client secret method"
    return client, method


def token_client(ctx: CheckContext) -> tuple[Any, str, str]:
    """The client whose tokens the token plan judges: the Tyk portal's (what the guides'
    developers use at the token endpoint) when the server registered it with
    client_credentials and a secret, else the base registration's (:mod:`.shape`).
    Returns ``(client, auth method, which)``; SKIP naming both reasons otherwise."""
    reasons: list[str] = []
    for probe_name, name, label in (("register.tyk", "tyk", "the Tyk portal's client"),
                                    ("register.guide", "register", "the base client")):
        try:
            got = _usable(ctx.observe(probe_name), name)
        except Skip as exc:
            got = str(exc)
        if isinstance(got, tuple):
            return got[0], got[1], label
        reasons.append(f"{label}: {got}")
    raise Skip("no registered client can use client_credentials with a secret (" + "; ".join(reasons) + ")")


@probe("token")
def probe_token(ctx: CheckContext) -> Observation:
    """The token request of :func:`token_client`'s client, then the refusals: wrong
    secret (form and Basic), the other auth method, an unknown client, no grant_type, an
    unknown grant_type."""
    require_grant(ctx, "client_credentials")
    client, method, source = token_client(ctx)
    wrong = "dcr-harness-wrong-secret-" + client.client_id[:6]
    ctx.redactor.add(wrong)
    ex: dict[str, Exchange] = {}
    resp, ex["token"] = token_call(ctx, client.client_id, client.client_secret, method=method, actor="developer")
    raw = json_of(resp).get("access_token") if isinstance(json_of(resp), dict) else None
    ex["wrong_secret_post"] = token_request(ctx, client.client_id, wrong, method="client_secret_post")
    ex["wrong_secret_basic"] = token_request(ctx, client.client_id, wrong, method="client_secret_basic")
    ex["wrong_method"] = token_request(ctx, client.client_id, client.client_secret, method=_other_method(method))
    ex["unknown_client"] = token_request(ctx, "dcr-harness-unknown-client", wrong, method="client_secret_post")
    ex["missing_grant"] = token_request(ctx, client.client_id, client.client_secret, method=method,
                                        form={"grant_type": None})
    ex["unsupported_grant"] = token_request(ctx, client.client_id, client.client_secret, method=method,
                                            form={"grant_type": "urn:dcr-harness:unknown-grant"})
    facts: dict[str, Any] = {"method": method, "other_method": _other_method(method), "issuer": ctx.issuer,
                             "client_id": client.client_id, "client": source}
    facts.update(_inspect_token(ctx, ex, raw if isinstance(raw, str) else None))
    return Observation(ex, facts)


def _inspect_token(ctx: CheckContext, ex: dict[str, Exchange], raw: str | None) -> dict[str, Any]:
    """Decode the access token (claims are not secrets; the token itself is) and verify
    its signature with the JWK Set (RFC 7515 §5.2) through harness.jose."""
    out: dict[str, Any] = {"jwt": False}
    if not raw:
        return out
    try:
        header_, claims = decode_unverified(raw)
    except NotAJwt:
        return out
    # The raw token stays in the observation for the gateway plan (JWT-IDP-TOKEN);
    # observations never reach a report — only redacted exchanges do.
    out.update(jwt=True, header=header_, claims=claims, raw_token=raw)
    try:
        jwks_uri = ctx.endpoint("jwks_uri")
    except Skip as exc:
        out["signature"] = f"not checked: {exc}"
        return out
    resp, jex = ctx.call("GET", jwks_uri, headers={"Accept": "application/json"})
    ex["jwks"] = jex
    try:
        keys = resp.json().get("keys", []) if resp is not None else []
    except ValueError:
        keys = []
    kid = header_.get("kid")
    candidates = [k for k in keys if isinstance(k, dict) and k.get("kid") == kid]
    if not candidates:
        out["signature"] = f"no key with kid {kid!r} in the JWK Set"
        return out
    try:
        key = jwk.JWK(**_public_members(candidates[0]))
        verify(raw, key, algs=[str(header_.get("alg"))])
        out["signature"] = "verified"
    except (BadJwt, ValueError, TypeError) as exc:
        out["signature"] = f"does not verify: {exc}"
    except Exception as exc:  # jwcrypto raises several unrelated types on bad keys
        out["signature"] = f"key unusable: {type(exc).__name__}"
    return out


#: JWK members per key type (RFC 7518 §6); others are ignored as RFC 7517 §4 requires
#: ("if not understood ... MUST be ignored"), e.g. Gluu's ``crv: ""`` on RSA keys.
_JWK_MEMBERS = {
    "RSA": ("kty", "n", "e"),
    "EC": ("kty", "crv", "x", "y"),
    "OKP": ("kty", "crv", "x"),
}


def _public_members(key: dict[str, Any]) -> dict[str, Any]:
    keep = _JWK_MEMBERS.get(str(key.get("kty")), ("kty",)) + ("kid", "alg", "use")
    return {k: v for k, v in key.items() if k in keep}


def _ok(obs: Observation) -> tuple[Exchange, dict[str, Any]]:
    ex = answered_or_skip(obs, "token", "the token request")
    data = body_json(ex)
    if ex.status != 200 or not isinstance(data, dict):
        raise Skip(f"the token request failed ({outcome(ex)}; see TOKEN-STATUS-200)")
    return ex, data


@check("TOKEN-STATUS-200", "client_credentials with the registered auth method answers 200",
       spec="RFC6749-4.4.3", level=Level.MUST, plan=PLAN, probe="token", see=("RFC6749-2.3.1",))
def token_status(obs: Observation) -> Result:
    """``grant_type=client_credentials`` with the client's id and secret (the Tyk portal's
    client, else the base client: :func:`token_client`), sent the way the client registered (``client_secret_post`` in the form, or HTTP Basic) — gets
    an access token response, 200 (RFC 6749 §4.4.3, §5.1)."""
    ex = obs.ex("token")
    msg = no_answer(ex, "the token request")
    if msg:
        return Result.fail(msg, expected=200, actual=None, evidence=("token",))
    assert ex is not None
    if ex.status == 200:
        return Result.ok("200", expected=200, actual=200, evidence=("token",))
    return Result.fail(f"answered {outcome(ex)}{error_description(ex)}", expected=200, actual=outcome(ex),
                       evidence=("token",))


@check("TOKEN-CONTENT-TYPE-JSON", "The token response is application/json",
       spec="RFC6749-5.1", level=Level.MUST, plan=PLAN, probe="token")
def token_content_type(obs: Observation) -> Result:
    """"The parameters are included in the entity-body of the HTTP response using the
    application/json media type" (RFC 6749 §5.1)."""
    ex, _ = _ok(obs)
    if is_json(ex):
        return Result.ok(f"Content-Type {header(ex, 'content-type')}", expected="application/json",
                         actual=header(ex, "content-type"), evidence=("token",))
    return Result.fail(f"Content-Type {header(ex, 'content-type')!r}", expected="application/json",
                       actual=header(ex, "content-type") or ABSENT, evidence=("token",))


@check("TOKEN-ACCESS-TOKEN", "The token response has an access_token string",
       spec="RFC6749-5.1", level=Level.MUST, plan=PLAN, probe="token")
def token_access_token(obs: Observation) -> Result:
    """``access_token``: REQUIRED (RFC 6749 §5.1)."""
    _ex, data = _ok(obs)
    value = data.get("access_token")
    if isinstance(value, str) and value:
        return Result.ok("access_token issued" + (" (a JWT)" if obs.facts.get("jwt") else " (opaque)"),
                         expected="string", actual="(issued, redacted)", evidence=("token",))
    return Result.fail("no access_token", expected="string", actual=ABSENT if value is None else type(value).__name__,
                       evidence=("token",))


@check("TOKEN-TYPE-BEARER", "token_type is Bearer (case-insensitive)",
       spec="RFC6749-5.1", level=Level.MUST, plan=PLAN, probe="token", see=("RFC6750-4",))
def token_type(obs: Observation) -> Result:
    """``token_type``: REQUIRED, case-insensitive (RFC 6749 §5.1, §7.1); the gateway
    expects Bearer tokens (RFC 6750)."""
    _ex, data = _ok(obs)
    value = data.get("token_type")
    if isinstance(value, str) and value.lower() == "bearer":
        note = "" if value == "Bearer" else f" (written {value!r}: token_type is case-insensitive)"
        return Result.ok(f"token_type {value}{note}", expected="Bearer", actual=value, evidence=("token",))
    return Result.fail(f"token_type is {value!r}", expected="Bearer", actual=value if value is not None else ABSENT,
                       evidence=("token",))


@check("TOKEN-EXPIRES-IN", "expires_in is given as a positive number",
       spec="RFC6749-5.1", level=Level.SHOULD, plan=PLAN, probe="token")
def token_expires_in(obs: Observation) -> Result:
    """``expires_in``: RECOMMENDED, the lifetime in seconds (RFC 6749 §5.1)."""
    _ex, data = _ok(obs)
    value = data.get("expires_in")
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0:
        return Result.ok(f"expires_in {value}", expected="positive number", actual=value, evidence=("token",))
    return Result.fail(f"expires_in is {value!r}", expected="positive number",
                       actual=ABSENT if value is None else value, evidence=("token",))


@check("TOKEN-CACHE-NO-STORE", "The token response carries Cache-Control: no-store",
       spec="RFC6749-5.1", level=Level.MUST, plan=PLAN, probe="token")
def token_cache(obs: Observation) -> Result:
    """"The authorization server MUST include the HTTP Cache-Control response header
    field with a value of no-store in any response containing tokens" (RFC 6749 §5.1)."""
    ex, _ = _ok(obs)
    return header_has(ex, "Cache-Control", "no-store", evidence=("token",))


@check("TOKEN-PRAGMA-NO-CACHE", "The token response carries Pragma: no-cache",
       spec="RFC6749-5.1", level=Level.MUST, plan=PLAN, probe="token")
def token_pragma(obs: Observation) -> Result:
    """"... as well as the Pragma response header field with a value of no-cache"
    (RFC 6749 §5.1)."""
    ex, _ = _ok(obs)
    return header_has(ex, "Pragma", "no-cache", evidence=("token",))


@check("TOKEN-NO-REFRESH-TOKEN", "No refresh token is issued for client_credentials",
       spec="RFC6749-4.4.3", level=Level.SHOULD, plan=PLAN, probe="token")
def token_no_refresh(obs: Observation) -> Result:
    """"A refresh token SHOULD NOT be included" in a client credentials answer
    (RFC 6749 §4.4.3)."""
    _ex, data = _ok(obs)
    if data.get("refresh_token"):
        return Result.fail("a refresh_token was issued", expected=ABSENT, actual="(issued, redacted)",
                           evidence=("token",))
    return Result.ok("no refresh_token", expected=ABSENT, actual=ABSENT, evidence=("token",))


def _client_error(obs: Observation, name: str, what: str, *, basic: bool) -> Result:
    """RFC 6749 §5.2 invalid_client: 401 when the client authenticated with Basic, 400 or
    401 when the credentials were in the form."""
    also = () if basic else ("400 invalid_client",)
    return answered_refused_with(obs, name, what, "401 invalid_client", also=also, evidence=(name,))


@check("TOKEN-WRONG-SECRET-401", "A wrong client secret (form) is refused with 401 invalid_client",
       spec="RFC6749-5.2", level=Level.MUST, plan=PLAN, probe="token", see=("RFC6749-2.3.1",))
def token_wrong_secret(obs: Observation) -> Result:
    """Client authentication failed → ``invalid_client`` (RFC 6749 §5.2); 401 (400 is
    allowed when the credentials were in the request body)."""
    return _client_error(obs, "wrong_secret_post", "the request with a wrong secret", basic=False)


@check("TOKEN-WRONG-SECRET-BASIC-401", "A wrong client secret (HTTP Basic) is refused with 401 invalid_client",
       spec="RFC6749-5.2", level=Level.MUST, plan=PLAN, probe="token", see=("RFC6749-2.3.1",))
def token_wrong_secret_basic(obs: Observation) -> Result:
    """"If the client attempted to authenticate via the Authorization request header
    field, the authorization server MUST respond with an HTTP 401" and ``invalid_client``
    (RFC 6749 §5.2)."""
    return _client_error(obs, "wrong_secret_basic", "the Basic request with a wrong secret", basic=True)


@check("TOKEN-BASIC-WWW-AUTHENTICATE", "The 401 to a failed Basic authentication carries WWW-Authenticate",
       spec="RFC6749-5.2", level=Level.MUST, plan=PLAN, probe="token")
def token_basic_www(obs: Observation) -> Result:
    """The 401 for a failed Basic authentication "MUST include the WWW-Authenticate
    response header field matching the authentication scheme used by the client"
    (RFC 6749 §5.2)."""
    ex = obs.ex("wrong_secret_basic")
    if ex is None or ex.status != 401:
        raise Skip(f"the Basic request with a wrong secret got {outcome(ex)}, not 401")
    return auth_challenge(ex, "Basic", evidence=("wrong_secret_basic",))


@check("TOKEN-WRONG-METHOD-401", "Authenticating with a method other than the registered one is refused",
       spec="OIDC-REGISTRATION-2", level=Level.SHOULD, plan=PLAN, probe="token", see=("RFC7591-2",))
def token_wrong_method(obs: Observation) -> Result:
    """The client registered ``token_endpoint_auth_method`` (RFC 7591 §2, OIDC
    Registration §2); a request with the other secret method is refused with
    ``invalid_client``. Servers that accept any secret method are reported (WARN)."""
    ex = obs.ex("wrong_method")
    msg = no_answer(ex, "the request with the other auth method")
    if msg:
        return Result.fail(msg, expected="401 invalid_client", actual=None, evidence=("wrong_method",))
    assert ex is not None
    got = outcome(ex)
    other = obs.facts.get("other_method")
    if got in ("401 invalid_client", "400 invalid_client"):
        return Result.ok(f"{other} refused: {got}", expected="401 invalid_client", actual=got, evidence=("wrong_method",))
    return Result.fail(f"{other} (not the registered method) answered {got}", expected="401 invalid_client",
                       actual=got, evidence=("wrong_method",))


@check("TOKEN-UNKNOWN-CLIENT-401", "An unknown client_id is refused with invalid_client",
       spec="RFC6749-5.2", level=Level.MUST, plan=PLAN, probe="token")
def token_unknown_client(obs: Observation) -> Result:
    """Client authentication failed (unknown client) → ``invalid_client`` (RFC 6749 §5.2)."""
    return _client_error(obs, "unknown_client", "the request for an unknown client", basic=False)


@check("TOKEN-MISSING-GRANT-400", "A request without grant_type is refused with 400 invalid_request",
       spec="RFC6749-5.2", level=Level.MUST, plan=PLAN, probe="token")
def token_missing_grant(obs: Observation) -> Result:
    """"The request is missing a required parameter" → 400 ``invalid_request``
    (RFC 6749 §5.2)."""
    return answered_refused_with(obs, "missing_grant", "the request without grant_type", "400 invalid_request",
                                 evidence=("missing_grant",))


@check("TOKEN-UNSUPPORTED-GRANT-400", "An unknown grant_type is refused with 400 unsupported_grant_type",
       spec="RFC6749-5.2", level=Level.MUST, plan=PLAN, probe="token")
def token_unsupported_grant(obs: Observation) -> Result:
    """"The authorization grant type is not supported by the authorization server" →
    400 ``unsupported_grant_type`` (RFC 6749 §5.2)."""
    return answered_refused_with(obs, "unsupported_grant", "the request with an unknown grant_type",
                                 "400 unsupported_grant_type", evidence=("unsupported_grant",))


ERROR_EXCHANGES = ("wrong_secret_post", "wrong_secret_basic", "unknown_client", "missing_grant", "unsupported_grant")


@check("TOKEN-ERROR-FORMAT", "Token errors are JSON with an RFC 6749 §5.2 error code",
       spec="RFC6749-5.2", level=Level.MUST, plan=PLAN, probe="token")
def token_error_format(obs: Observation) -> Result:
    """Each refusal is ``application/json`` with a string ``error`` from RFC 6749 §5.2
    (``invalid_request``, ``invalid_client``, ``invalid_grant``, ``unauthorized_client``,
    ``unsupported_grant_type``, ``invalid_scope``) and status 400 or 401."""
    refusals = {n: obs.ex(n) for n in ERROR_EXCHANGES if obs.ex(n) is not None and (obs.ex(n).status or 0) >= 300}  # type: ignore[union-attr]  # None filtered
    if not refusals:
        raise Skip("no token request was refused")
    problems = []
    for name, ex in refusals.items():
        assert ex is not None
        data = body_json(ex)
        if not is_json(ex) or not isinstance(data, dict):
            problems.append(f"{name}: {ex.status} is not JSON")
        elif data.get("error") not in TOKEN_ERRORS:
            problems.append(f"{name}: error {data.get('error')!r} is not an RFC 6749 §5.2 code")
        elif ex.status not in (400, 401):
            problems.append(f"{name}: status {ex.status} (400 or 401 expected)")
    actual = {n: outcome(e) for n, e in refusals.items()}
    if problems:
        return Result.fail("; ".join(problems), expected="400/401 JSON {error}", actual=problems,
                           evidence=tuple(refusals))
    return Result.ok(f"{len(refusals)} refusal(s) well-formed", expected="400/401 JSON {error}", actual=actual,
                     evidence=tuple(refusals))


# ---- JWT access tokens --------------------------------------------------------------------

def _jwt(obs: Observation) -> tuple[dict[str, Any], dict[str, Any]]:
    _ok(obs)
    if not obs.facts.get("jwt"):
        raise Skip("the access token is opaque (not a JWT): RFC 9068 does not apply")
    return obs.facts["header"], obs.facts["claims"]


@check("TOKEN-JWT-TYP-AT-JWT", "A JWT access token has typ at+jwt",
       spec="RFC9068-2.1", level=Level.SHOULD, plan=PLAN, probe="token")
def token_jwt_typ(obs: Observation) -> Result:
    """RFC 9068 §2.1: JWT access tokens "MUST include this media type in the typ header
    parameter" (``at+jwt``). Reported as SHOULD: RFC 9068 is optional for an IdP."""
    header_, _ = _jwt(obs)
    typ = header_.get("typ")
    if isinstance(typ, str) and typ.lower() in ("at+jwt", "application/at+jwt"):
        return Result.ok(f"typ {typ}", expected="at+jwt", actual=typ, evidence=("token",))
    return Result.fail(f"typ is {typ!r}", expected="at+jwt", actual=typ if typ is not None else ABSENT,
                       evidence=("token",))


RFC9068_CLAIMS = ("iss", "exp", "aud", "sub", "client_id", "iat", "jti")


@check("TOKEN-JWT-REQUIRED-CLAIMS", "A JWT access token has the RFC 9068 claims",
       spec="RFC9068-2.2", level=Level.SHOULD, plan=PLAN, probe="token")
def token_jwt_claims(obs: Observation) -> Result:
    """RFC 9068 §2.2 requires ``iss``, ``exp``, ``aud``, ``sub``, ``client_id``, ``iat``
    and ``jti``; each missing one is listed (the gateway's identity needs ``sub`` or the
    configured claim)."""
    _, claims = _jwt(obs)
    missing = [c for c in RFC9068_CLAIMS if c not in claims]
    present = sorted(claims)
    if missing:
        return Result.fail(f"missing {', '.join(missing)} (present: {', '.join(present)})", expected=list(RFC9068_CLAIMS),
                           actual=missing, evidence=("token",))
    return Result.ok(f"all of {', '.join(RFC9068_CLAIMS)} present", expected=list(RFC9068_CLAIMS), actual=[],
                     evidence=("token",))


@check("TOKEN-JWT-ISS-MATCHES", "A JWT access token's iss is the issuer",
       spec="RFC9068-2.2", level=Level.SHOULD, plan=PLAN, probe="token", see=("RFC7519-4.1.1",))
def token_jwt_iss(obs: Observation) -> Result:
    """``iss`` equals the issuer the resource server trusts (RFC 9068 §2.2, §4: "MUST
    exactly match")."""
    _, claims = _jwt(obs)
    want = obs.facts.get("issuer")
    if claims.get("iss") == want:
        return Result.ok(f"iss {want}", expected=want, actual=claims.get("iss"), evidence=("token",))
    return Result.fail(f"iss {claims.get('iss')!r} is not {want!r}", expected=want, actual=claims.get("iss"),
                       evidence=("token",))


@check("TOKEN-JWT-SIGNATURE", "A JWT access token verifies with the JWK Set key named by its kid",
       spec="RFC7515-5.2", level=Level.MUST, plan=PLAN, probe="token", see=("RFC9068-4", "TYK-JWT"))
def token_jwt_signature(obs: Observation) -> Result:
    """The JWS signature verifies (RFC 7515 §5.2) with the key of the ``jwks_uri`` set
    whose ``kid`` the header names — what the gateway does (Tyk selects by kid)."""
    header_, _ = _jwt(obs)
    sig = obs.facts.get("signature", "not checked")
    if sig == "verified":
        return Result.ok(f"{header_.get('alg')} signature verified with kid {header_.get('kid')}",
                         expected="verified", actual=sig, evidence=("token", "jwks"))
    return Result.fail(f"signature {sig}", expected="verified", actual=sig, evidence=("token", "jwks"))


@check("TOKEN-JWT-EXP", "A JWT access token has a numeric exp after its iat",
       spec="RFC7519-4.1.4", level=Level.MUST, plan=PLAN, probe="token", see=("TYK-JWT",))
def token_jwt_exp(obs: Observation) -> Result:
    """``exp`` is a NumericDate (RFC 7519 §4.1.4) later than ``iat`` and than the moment
    the token was issued; Tyk rejects non-numeric time claims."""
    _, claims = _jwt(obs)
    exp, iat = claims.get("exp"), claims.get("iat")
    if isinstance(exp, bool) or not isinstance(exp, (int, float)):
        return Result.fail(f"exp is {exp!r}", expected="NumericDate", actual=exp if exp is not None else ABSENT,
                           evidence=("token",))
    issued = obs.ex("token").started if obs.ex("token") else time.time()  # type: ignore[union-attr]  # guarded
    if isinstance(iat, (int, float)) and not isinstance(iat, bool) and exp <= iat:
        return Result.fail(f"exp {exp} is not after iat {iat}", expected="exp > iat", actual={"exp": exp, "iat": iat},
                           evidence=("token",))
    if exp <= issued - 5:
        return Result.fail(f"exp {exp} was already past when the token was issued", expected="future exp",
                           actual=exp, evidence=("token",))
    return Result.ok(f"exp {int(exp)} ({int(exp - issued)} s after issue)", expected="future exp", actual=exp,
                     evidence=("token",))


@check("TOKEN-JWT-GATEWAY-IDENTITY", "A JWT access token has a claim the gateway can use as identity",
       spec="TYK-JWT", level=Level.MUST, plan=PLAN, probe="token", see=("RFC9068-2.2",))
def token_jwt_identity(obs: Observation) -> Result:
    """Tyk takes the identity from the API's Identity Source claim, else ``sub``
    (shared/reference/tyk.md step 5). ``sub`` works with any setting; a token with only
    ``client_id`` needs Identity Source ``client_id`` (the Gluu guide's setting); neither
    → every call gets 403."""
    _, claims = _jwt(obs)
    if isinstance(claims.get("sub"), str) and claims["sub"]:
        return Result.ok("sub present (Identity Source sub works)", expected="sub or client_id", actual="sub",
                         evidence=("token",))
    if isinstance(claims.get("client_id"), str) and claims["client_id"]:
        return Result.ok("no sub, but client_id: set the API's Identity Source to client_id",
                         expected="sub or client_id", actual="client_id", evidence=("token",))
    return Result.fail("neither sub nor client_id: Tyk answers 403 'no suitable claims for user ID were found'",
                       expected="sub or client_id", actual=sorted(claims), evidence=("token",))

