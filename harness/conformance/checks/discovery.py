"""Discovery plan: the provider metadata document and its JWK Set
(OpenID Connect Discovery 1.0 §3-4, RFC 8414 §2-3, RFC 7517 §5, RFC 7518 §6.2)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import requests
from jwcrypto.common import base64url_decode

from harness.conformance.checks.common import (
    body_json,
    header,
    https_or_loopback,
    is_absolute_url,
    is_json,
    media_type,
    no_answer,
)
from harness.conformance.checks.verdicts import answered_or_skip
from harness.conformance.context import CheckContext, Skip, json_of
from harness.conformance.model import Level, Observation, Result
from harness.conformance.registry import check, probe
from harness.core.transcript import Exchange

PLAN = "discovery"

#: Metadata members and their JSON types (OIDC Discovery §3, RFC 8414 §2).
STRING_MEMBERS = (
    "issuer", "authorization_endpoint", "token_endpoint", "userinfo_endpoint", "jwks_uri",
    "registration_endpoint", "service_documentation", "op_policy_uri", "op_tos_uri",
    "end_session_endpoint", "revocation_endpoint", "introspection_endpoint", "check_session_iframe",
)
ARRAY_MEMBERS = (
    "scopes_supported", "response_types_supported", "response_modes_supported", "grant_types_supported",
    "acr_values_supported", "subject_types_supported", "id_token_signing_alg_values_supported",
    "id_token_encryption_alg_values_supported", "id_token_encryption_enc_values_supported",
    "userinfo_signing_alg_values_supported", "userinfo_encryption_alg_values_supported",
    "userinfo_encryption_enc_values_supported", "request_object_signing_alg_values_supported",
    "request_object_encryption_alg_values_supported", "request_object_encryption_enc_values_supported",
    "token_endpoint_auth_methods_supported", "token_endpoint_auth_signing_alg_values_supported",
    "display_values_supported", "claim_types_supported", "claims_supported", "claims_locales_supported",
    "ui_locales_supported", "code_challenge_methods_supported", "revocation_endpoint_auth_methods_supported",
    "introspection_endpoint_auth_methods_supported",
)
BOOLEAN_MEMBERS = (
    "claims_parameter_supported", "request_parameter_supported", "request_uri_parameter_supported",
    "require_request_uri_registration", "frontchannel_logout_supported", "backchannel_logout_supported",
    "frontchannel_logout_session_supported", "backchannel_logout_session_supported",
)
#: Coordinate length in bytes per curve (RFC 7518 §6.2.1.2-3: "MUST be the full size").
EC_COORDINATE_BYTES = {"P-256": 32, "P-384": 48, "P-521": 66}


def fetch_discovery(ctx: CheckContext) -> tuple[requests.Response | None, Exchange]:
    """GET ``<issuer>/.well-known/openid-configuration`` (OIDC Discovery §4.1)."""
    resp, ex = ctx.call("GET", ctx.well_known_url, headers={"Accept": "application/json"})
    doc = json_of(resp)
    if resp is not None and resp.status_code == 200 and isinstance(doc, dict):
        ctx.set_discovery(doc)
    return resp, ex


@probe("discovery")
def probe_discovery(ctx: CheckContext) -> Observation:
    _resp, ex = fetch_discovery(ctx)
    return Observation({"discovery": ex}, {"configured_issuer": ctx.issuer, "url": ctx.well_known_url,
                                           "auth_method": ctx.auth_method})


@probe("jwks")
def probe_jwks(ctx: CheckContext) -> Observation:
    uri = ctx.endpoint("jwks_uri")
    if not uri.startswith(("http://", "https://")):
        raise Skip(f"jwks_uri {uri!r} is not an http(s) URL")
    _resp, ex = ctx.call("GET", uri, headers={"Accept": "application/json"})
    return Observation({"jwks": ex}, {"jwks_uri": uri})


def _doc(obs: Observation) -> dict[str, Any]:
    ex = answered_or_skip(obs, "discovery", "the discovery request")
    data = body_json(ex)
    if ex.status != 200 or not isinstance(data, dict):
        raise Skip("no discovery document (see DISC-FETCH-200)")
    return data


# ---- the document itself ----------------------------------------------------------------

@check("DISC-FETCH-200", "The discovery document is served with 200 and a JSON object",
       spec="OIDC-DISCOVERY-4.2", level=Level.MUST, plan=PLAN, probe="discovery", see=("RFC8414-3.2",))
def disc_fetch_200(obs: Observation) -> Result:
    """GET of the well-known URL answers 200 with a JSON object (OIDC Discovery §4.2)."""
    ex = obs.ex("discovery")
    msg = no_answer(ex, "the discovery request")
    if msg:
        return Result.fail(msg, expected=200, actual=None)
    assert ex is not None
    data = body_json(ex)
    if ex.status != 200:
        return Result.fail(f"{obs.facts.get('url')} answered {ex.status}", expected=200, actual=ex.status)
    if not isinstance(data, dict):
        return Result.fail("the body is not a JSON object", expected="JSON object", actual=(ex.response_body or "")[:120])
    return Result.ok(f"200 with {len(data)} members", expected=200, actual=200)


@check("DISC-CONTENT-TYPE-JSON", "The discovery document is served as application/json",
       spec="OIDC-DISCOVERY-4.2", level=Level.MUST, plan=PLAN, probe="discovery", see=("RFC8414-3.2",))
def disc_content_type(obs: Observation) -> Result:
    """The response uses the ``application/json`` content type (OIDC Discovery §4.2)."""
    _doc(obs)
    ex = obs.ex("discovery")
    if is_json(ex):
        return Result.ok(f"Content-Type {header(ex, 'content-type')}", expected="application/json",
                         actual=media_type(ex))
    return Result.fail(f"Content-Type is {header(ex, 'content-type')!r}", expected="application/json",
                       actual=media_type(ex) or "(absent)")


@check("DISC-ISSUER-MATCH", "issuer equals the configured issuer URL exactly",
       spec="OIDC-DISCOVERY-4.3", level=Level.MUST, plan=PLAN, probe="discovery", see=("RFC8414-3.3",))
def disc_issuer_match(obs: Observation) -> Result:
    """The ``issuer`` member is identical to the issuer URL used as the prefix of the
    well-known URL — character for character, trailing slash included (OIDC Discovery
    §4.3, RFC 8414 §3.3). Gateways and clients compare it exactly."""
    doc = _doc(obs)
    expected = obs.facts.get("configured_issuer")
    actual = doc.get("issuer")
    if actual == expected:
        return Result.ok(f"issuer {actual}", expected=expected, actual=actual)
    hint = ""
    if isinstance(actual, str) and isinstance(expected, str) and actual.rstrip("/") == expected.rstrip("/"):
        hint = " (they differ only by a trailing slash)"
    return Result.fail(f"issuer {actual!r} is not the configured {expected!r}{hint}", expected=expected, actual=actual)


@check("DISC-ISSUER-HTTPS", "issuer uses https (http accepted on loopback)",
       spec="OIDC-DISCOVERY-3", level=Level.MUST, plan=PLAN, probe="discovery", see=("RFC8414-2",))
def disc_issuer_https(obs: Observation) -> Result:
    """``issuer`` is a URL using the https scheme (OIDC Discovery §3, RFC 8414 §2);
    plain http is accepted only for a loopback development server."""
    doc = _doc(obs)
    issuer = doc.get("issuer")
    if not isinstance(issuer, str):
        return Result.fail("issuer is missing or not a string", expected="https URL", actual=issuer)
    ok, why = https_or_loopback(issuer)
    if ok:
        return Result.ok(f"issuer uses {why}", expected="https", actual=urlsplit(issuer).scheme)
    return Result.fail(f"issuer {issuer!r} uses {why}", expected="https", actual=urlsplit(issuer).scheme)


@check("DISC-ISSUER-NO-QUERY-FRAGMENT", "issuer has no query or fragment",
       spec="OIDC-DISCOVERY-3", level=Level.MUST, plan=PLAN, probe="discovery", see=("RFC8414-2",))
def disc_issuer_no_query(obs: Observation) -> Result:
    """``issuer`` has no query or fragment component (OIDC Discovery §3, RFC 8414 §2)."""
    doc = _doc(obs)
    issuer = doc.get("issuer")
    if not isinstance(issuer, str):
        return Result.fail("issuer is missing or not a string", expected="URL", actual=issuer)
    parts = urlsplit(issuer)
    extra = [n for n, v in (("query", parts.query or ("?" in issuer)), ("fragment", parts.fragment or ("#" in issuer))) if v]
    if extra:
        return Result.fail(f"issuer has a {' and a '.join(extra)}", expected="no query/fragment", actual=issuer)
    return Result.ok("no query or fragment", expected="no query/fragment", actual=issuer)


def _absolute_member(obs: Observation, name: str, why: str) -> Result:
    doc = _doc(obs)
    value = doc.get(name)
    if value is None:
        return Result.fail(f"{name} is missing ({why})", expected="absolute URL", actual="(absent)")
    if not is_absolute_url(value):
        return Result.fail(f"{name} {value!r} is not an absolute http(s) URL", expected="absolute URL", actual=value)
    ok, scheme = https_or_loopback(value)
    if not ok:
        return Result.fail(f"{name} {value!r} uses {scheme}", expected="https URL", actual=value)
    return Result.ok(f"{name} {value}", expected="absolute URL", actual=value)


@check("DISC-JWKS-URI", "jwks_uri is present and absolute",
       spec="OIDC-DISCOVERY-3", level=Level.MUST, plan=PLAN, probe="discovery", see=("RFC8414-2",))
def disc_jwks_uri(obs: Observation) -> Result:
    """``jwks_uri`` is REQUIRED and an absolute https URL (OIDC Discovery §3); the
    gateway's JWT source points at it."""
    return _absolute_member(obs, "jwks_uri", "REQUIRED; the gateway fetches its keys there")


@check("DISC-TOKEN-ENDPOINT", "token_endpoint is present and absolute",
       spec="OIDC-DISCOVERY-3", level=Level.MUST, plan=PLAN, probe="discovery", see=("RFC8414-2",))
def disc_token_endpoint(obs: Observation) -> Result:
    """``token_endpoint`` is present and absolute (OIDC Discovery §3: REQUIRED unless only
    the implicit flow is used; the guide's client_credentials grant needs it)."""
    return _absolute_member(obs, "token_endpoint", "the client_credentials grant needs it")


@check("DISC-REGISTRATION-ENDPOINT", "registration_endpoint is present and absolute",
       spec="OIDC-DISCOVERY-3", level=Level.SHOULD, plan=PLAN, probe="discovery", see=("RFC8414-2", "RFC7591-3"))
def disc_registration_endpoint(obs: Observation) -> Result:
    """``registration_endpoint`` is present and absolute: Dynamic Client Registration is
    what the portal uses. OIDC Discovery §3 makes it RECOMMENDED (RFC 8414 §2: OPTIONAL),
    so a missing one is a WARN — the registration plans then SKIP."""
    return _absolute_member(obs, "registration_endpoint", "the portal registers clients there")


def _array_member(obs: Observation, name: str, must_include: str | None = None) -> Result:
    doc = _doc(obs)
    value = doc.get(name)
    if value is None:
        return Result.fail(f"{name} is missing (REQUIRED)", expected="non-empty array", actual="(absent)")
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        return Result.fail(f"{name} is not a non-empty array of strings", expected="non-empty array", actual=value)
    if must_include and must_include not in value:
        return Result.fail(f"{name} does not include {must_include}", expected=f"includes {must_include}", actual=value)
    return Result.ok(f"{name} {value}", expected="non-empty array" + (f" with {must_include}" if must_include else ""),
                     actual=value)


@check("DISC-RESPONSE-TYPES", "response_types_supported is present",
       spec="OIDC-DISCOVERY-3", level=Level.MUST, plan=PLAN, probe="discovery", see=("RFC8414-2",))
def disc_response_types(obs: Observation) -> Result:
    """``response_types_supported`` is a REQUIRED JSON array (OIDC Discovery §3)."""
    return _array_member(obs, "response_types_supported")


@check("DISC-SUBJECT-TYPES", "subject_types_supported is present",
       spec="OIDC-DISCOVERY-3", level=Level.MUST, plan=PLAN, probe="discovery")
def disc_subject_types(obs: Observation) -> Result:
    """``subject_types_supported`` is a REQUIRED JSON array (OIDC Discovery §3)."""
    return _array_member(obs, "subject_types_supported")


@check("DISC-ID-TOKEN-ALGS", "id_token_signing_alg_values_supported is present and includes RS256",
       spec="OIDC-DISCOVERY-3", level=Level.MUST, plan=PLAN, probe="discovery")
def disc_id_token_algs(obs: Observation) -> Result:
    """``id_token_signing_alg_values_supported`` is REQUIRED and "MUST include RS256"
    (OIDC Discovery §3)."""
    return _array_member(obs, "id_token_signing_alg_values_supported", "RS256")


@check("DISC-AUTH-METHOD", "token_endpoint_auth_methods_supported includes the portal's method",
       spec="RFC8414-2", level=Level.SHOULD, plan=PLAN, probe="discovery", see=("OIDC-DISCOVERY-3", "TYK-GUIDE"))
def disc_auth_method(obs: Observation) -> Result:
    """The client authentication method the portal will request (the guides:
    ``client_secret_post``) is listed; when the member is omitted the default is
    ``client_secret_basic`` only (RFC 8414 §2, OIDC Discovery §3). No spec makes a server
    support the portal's method, so a missing one is a compatibility WARN naming the Tyk
    setting (the catalogue entry's DCR token endpoint auth method)."""
    doc = _doc(obs)
    wanted = obs.facts.get("auth_method", "client_secret_post")
    value = doc.get("token_endpoint_auth_methods_supported")
    if value is None:
        if wanted == "client_secret_basic":
            return Result.ok("omitted: the default client_secret_basic applies", expected=wanted, actual="(absent)")
        return Result.fail(f"omitted, so only client_secret_basic is supported, not {wanted} — in Tyk, set the "
                           "catalogue entry's DCR token endpoint auth method to client_secret_basic",
                           expected=f"includes {wanted}", actual="(absent)")
    if isinstance(value, list) and wanted in value:
        return Result.ok(f"{wanted} is listed", expected=f"includes {wanted}", actual=value)
    return Result.fail(f"{wanted} is not listed — in Tyk, set the catalogue entry's DCR token endpoint auth method "
                       "to one the IdP lists", expected=f"includes {wanted}", actual=value)


@check("DISC-GRANT-CLIENT-CREDENTIALS", "grant_types_supported includes client_credentials",
       spec="RFC8414-2", level=Level.SHOULD, plan=PLAN, probe="discovery", see=("OIDC-DISCOVERY-3",))
def disc_grant_cc(obs: Observation) -> Result:
    """The guide's grant, ``client_credentials``, is advertised; an omitted member means
    ``["authorization_code", "implicit"]`` (RFC 8414 §2)."""
    doc = _doc(obs)
    value = doc.get("grant_types_supported")
    if value is None:
        return Result.fail("omitted: the default is authorization_code and implicit only",
                           expected="includes client_credentials", actual="(absent)")
    if isinstance(value, list) and "client_credentials" in value:
        return Result.ok("client_credentials is listed", expected="includes client_credentials", actual=value)
    return Result.fail("client_credentials is not listed", expected="includes client_credentials", actual=value)


@check("DISC-MEMBER-TYPES", "Known members have their specified JSON types; unknown members are ignored",
       spec="RFC8414-2", level=Level.MUST, plan=PLAN, probe="discovery", see=("OIDC-DISCOVERY-3",))
def disc_member_types(obs: Observation) -> Result:
    """Each metadata member defined by RFC 8414 §2 / OIDC Discovery §3 has its JSON type
    (string, array of strings, boolean). Members the specs do not define are ignored
    ("Claims that return ... are not understood MUST be ignored"), and listed in the message."""
    doc = _doc(obs)
    wrong: list[str] = []
    for name in STRING_MEMBERS:
        if name in doc and not isinstance(doc[name], str):
            wrong.append(f"{name} should be a string")
    for name in ARRAY_MEMBERS:
        if name in doc and not (isinstance(doc[name], list) and all(isinstance(v, str) for v in doc[name])):
            wrong.append(f"{name} should be an array of strings")
    for name in BOOLEAN_MEMBERS:
        if name in doc and not isinstance(doc[name], bool):
            wrong.append(f"{name} should be a boolean")
    known = set(STRING_MEMBERS) | set(ARRAY_MEMBERS) | set(BOOLEAN_MEMBERS)
    unknown = sorted(k for k in doc if k not in known)
    note = f"; {len(unknown)} extension member(s) ignored" if unknown else ""
    if wrong:
        return Result.fail("; ".join(wrong) + note, expected="specified JSON types", actual=wrong)
    return Result.ok(f"{len(doc) - len(unknown)} known members well-typed{note}", expected="specified JSON types",
                     actual={"extension_members": unknown})


# ---- the JWK Set ---------------------------------------------------------------------------

def _keys(obs: Observation) -> list[dict[str, Any]]:
    ex = answered_or_skip(obs, "jwks", "the JWKS request")
    data = body_json(ex)
    if ex.status != 200 or not isinstance(data, dict) or not isinstance(data.get("keys"), list):
        raise Skip("no JWK Set (see DISC-JWKS-JSON)")
    return [k for k in data["keys"] if isinstance(k, dict)]


@check("DISC-JWKS-JSON", "jwks_uri serves a JSON JWK Set",
       spec="RFC7517-5", level=Level.MUST, plan=PLAN, probe="jwks", see=("OIDC-DISCOVERY-3",))
def disc_jwks_json(obs: Observation) -> Result:
    """``jwks_uri`` answers 200 with a JWK Set: a JSON object whose ``keys`` member is an
    array of JWK objects (RFC 7517 §5)."""
    ex = obs.ex("jwks")
    msg = no_answer(ex, "the JWKS request")
    if msg:
        return Result.fail(msg, expected="200 JWK Set", actual=None)
    assert ex is not None
    data = body_json(ex)
    if ex.status != 200:
        return Result.fail(f"jwks_uri answered {ex.status}", expected="200 JWK Set", actual=ex.status)
    if not isinstance(data, dict) or not isinstance(data.get("keys"), list):
        return Result.fail("the body is not a JWK Set ({\"keys\": [...]})", expected="JWK Set",
                           actual=(ex.response_body or "")[:120])
    if not all(isinstance(k, dict) and isinstance(k.get("kty"), str) for k in data["keys"]):
        return Result.fail("a key is not an object with kty (RFC 7517 §4.1)", expected="JWK objects",
                           actual=data["keys"][:3])
    return Result.ok(f"{len(data['keys'])} key(s)", expected="JWK Set", actual=len(data["keys"]))


@check("DISC-JWKS-SIGNING-KEY", "The JWK Set has a signature verification key",
       spec="RFC7517-4.2", level=Level.MUST, plan=PLAN, probe="jwks", see=("RFC9068-4",))
def disc_jwks_signing_key(obs: Observation) -> Result:
    """At least one RSA or EC key usable for signatures (``use`` ``sig`` or absent,
    RFC 7517 §4.2): the gateway verifies access tokens with it."""
    keys = _keys(obs)
    sig = [k for k in keys if k.get("kty") in ("RSA", "EC") and k.get("use", "sig") == "sig"]
    if not sig:
        return Result.fail("no RSA/EC signing key", expected=">= 1 signing key", actual=[k.get("kty") for k in keys])
    return Result.ok(f"{len(sig)} signing key(s): " + ", ".join(f"{k.get('kty')} {k.get('alg', '?')}" for k in sig),
                     expected=">= 1 signing key", actual=len(sig))


@check("DISC-JWKS-KIDS", "Every signing key has a unique kid",
       spec="RFC7517-4.5", level=Level.SHOULD, plan=PLAN, probe="jwks", see=("TYK-JWT",))
def disc_jwks_kids(obs: Observation) -> Result:
    """Each key has a ``kid`` and no two signing keys share one (RFC 7517 §4.5: "different
    keys within a JWK Set SHOULD use distinct kid values"); Tyk selects the first key with
    the token's kid and never tries the others."""
    keys = [k for k in _keys(obs) if k.get("use", "sig") == "sig"]
    missing = [i for i, k in enumerate(keys) if not isinstance(k.get("kid"), str) or not k.get("kid")]
    kids: list[str] = [k["kid"] for k in keys if isinstance(k.get("kid"), str)]
    dupes = sorted({k for k in kids if kids.count(k) > 1})
    if missing or dupes:
        problems = ([f"{len(missing)} key(s) without kid"] if missing else []) + (
            [f"duplicated kid(s) {dupes}"] if dupes else [])
        return Result.fail("; ".join(problems), expected="unique kids", actual={"missing": missing, "duplicates": dupes})
    return Result.ok(f"{len(kids)} distinct kid(s)", expected="unique kids", actual=kids)


@check("DISC-JWKS-EC-COORDINATES", "EC keys have full-length x/y coordinates",
       spec="RFC7518-6.2.1.2", level=Level.MUST, plan=PLAN, probe="jwks", see=("TYK-JWT",))
def disc_jwks_ec(obs: Observation) -> Result:
    """Each EC key's ``x`` and ``y`` are exactly the curve's coordinate size (32 bytes for
    P-256; RFC 7518 §6.2.1.2-3 "MUST be the full size"). Tyk rejects the *whole* JWK Set
    when one key is off ("invalid EC public key, wrong length"), so every token fails."""
    bad: list[str] = []
    ec = [k for k in _keys(obs) if k.get("kty") == "EC"]
    for k in ec:
        size = EC_COORDINATE_BYTES.get(str(k.get("crv")))
        if size is None:
            bad.append(f"{k.get('kid')}: unknown curve {k.get('crv')!r}")
            continue
        for coord in ("x", "y"):
            try:
                n = len(base64url_decode(str(k.get(coord, ""))))
            except ValueError:
                bad.append(f"{k.get('kid')}: {coord} is not base64url")
                continue
            if n != size:
                bad.append(f"{k.get('kid')}: {coord} is {n} bytes, {k.get('crv')} needs {size}")
    if not ec:
        return Result.ok("no EC keys published", expected="full-length coordinates", actual=[])
    if bad:
        return Result.fail("; ".join(bad), expected="full-length coordinates", actual=bad)
    return Result.ok(f"{len(ec)} EC key(s) with full-length coordinates", expected="full-length coordinates", actual=[])
