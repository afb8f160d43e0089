"""Gateway-JWT plan: a representative set of the JWT cases of shared/reference/checks.md
run against :mod:`harness.gateway` over HTTP, each expecting exactly Tyk's status and
error message (shared/reference/tyk.md). The gateway's own validation is what is
checked — nothing here verifies a JWT; tokens are built with :mod:`harness.jose`.

The probe starts, on loopback: a JWK Set server (good keys, and a set with one
malformed EC key), the echo upstream, and a gateway with three APIs (RSA keys from the
local JWK Set; the same with the malformed set; RSA keys from the IdP's ``jwks_uri``
for the IdP's own token). Everything is stopped before the probe returns.
"""

from __future__ import annotations

import base64
import json
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from jwcrypto import jwk
from jwcrypto.common import base64url_decode, base64url_encode
from starlette.applications import Starlette
from starlette.responses import Response
from starlette.routing import Route

from harness.conformance.checks.common import body_json, no_answer
from harness.conformance.context import CheckContext, Skip
from harness.conformance.model import Check, Level, Observation, Result
from harness.conformance.registry import add_check, probe
from harness.jose import generate_ec, generate_rsa, public_jwks, sign
from harness.jose.rawtokens import segment, sign_segments
from harness.serving import BackgroundServer

PLAN = "gateway-jwt"
KNA = "Key not authorized"
UNEXPECTED = "Key not authorized: Unexpected signing method"
EXPIRED = "Key not authorized: token has expired"
NOT_YET = "Key not authorized: token is not valid yet"
BEFORE_ISSUED = "Key not authorized: token used before issued"
NO_AUTH = "Authorization field missing"
NO_IDENTITY = "no suitable claims for user ID were found"
NO_POLICY = "key not authorized: no matching policy"

ORG = "dcr-harness"
POLICY_ID = "dcr-harness-policy"
RSA_API = ("dcr-harness-rsa", "/jwt-rsa/")
BAD_EC_API = ("dcr-harness-bad-ec", "/jwt-bad-ec/")
IDP_API = ("dcr-harness-idp", "/jwt-idp/")


@dataclass
class Keys:
    """The keys a case may sign with; ``rsa`` and ``rsa2`` are published, ``attacker``
    carries ``rsa``'s kid but is not published."""

    rsa: jwk.JWK
    rsa2: jwk.JWK
    ec: jwk.JWK
    attacker: jwk.JWK
    now: int

    def claims(self, **extra: Any) -> dict[str, Any]:
        c: dict[str, Any] = {"sub": "dcr-harness-user", "client_id": "dcr-harness-client",
                             "iat": self.now, "exp": self.now + 300}
        c.update(extra)
        return {k: v for k, v in c.items() if v is not None}


TokenFn = Callable[[Keys], "str | None"]


@dataclass(frozen=True)
class GatewayCase:
    id: str
    title: str
    spec: str
    status: int
    message: str
    token: TokenFn
    api: tuple[str, str] = RSA_API
    see: tuple[str, ...] = ("TYK-JWT",)


def _flip_first_sig_bit(token: str) -> str:
    h, p, s = token.split(".")
    raw = bytearray(base64url_decode(s))
    raw[0] ^= 1
    return f"{h}.{p}.{base64url_encode(bytes(raw))}"


def _hs256_with_rsa_public_pem(k: Keys) -> str:
    """Key confusion: HS256 keyed with the RSA public key's PEM (RFC 8725 §2.1)."""
    pem = k.rsa.export_to_pem()
    return sign_segments(segment({"alg": "HS256", "typ": "JWT", "kid": k.rsa.get("kid")}), segment(k.claims()), pem, "HS256")


CASES: tuple[GatewayCase, ...] = (
    GatewayCase("JWT-VALID-RS256", "A valid RS256 token from the JWK Set is accepted", "RFC7515-5.2", 200, "",
                lambda k: sign(k.claims(), k.rsa, alg="RS256")),
    GatewayCase("JWT-NO-TOKEN", "A request without a token answers 400 Authorization field missing", "TYK-JWT",
                400, NO_AUTH, lambda k: None, see=("RFC6750-3",)),
    GatewayCase("JWT-ALG-NONE", "alg none is refused before any key lookup", "RFC8725-3.1", 403, UNEXPECTED,
                lambda k: segment({"alg": "none", "typ": "JWT", "kid": k.rsa.get("kid")}) + "." + segment(k.claims()) + "."),
    GatewayCase("JWT-ALG-MISSING", "A token without alg is refused", "RFC7515-4.1.1", 403, KNA,
                lambda k: sign_segments(segment({"typ": "JWT", "kid": k.rsa.get("kid")}), segment(k.claims()), k.rsa, "RS256")),
    GatewayCase("JWT-ALG-OTHER-FAMILY", "An ES256 token on an RSA API is refused as an unexpected signing method",
                "RFC8725-3.1", 403, UNEXPECTED, lambda k: sign(k.claims(), k.ec, alg="ES256")),
    GatewayCase("JWT-ALG-HS256-KEY-CONFUSION", "HS256 signed with the RSA public key is refused (key confusion)",
                "RFC8725-3.1", 403, UNEXPECTED, _hs256_with_rsa_public_pem, see=("RFC8725-2.1", "TYK-JWT")),
    GatewayCase("JWT-EMBEDDED-JWK", "An embedded jwk header is never trusted", "RFC8725-3.10", 403, KNA,
                lambda k: sign(k.claims(), k.attacker, alg="RS256", headers={"jwk": k.attacker.export_public(as_dict=True)})),
    GatewayCase("JWT-JKU-HEADER", "A jku header is never followed", "RFC8725-3.10", 403, KNA,
                lambda k: sign(k.claims(), k.attacker, alg="RS256", headers={"jku": "http://127.0.0.1:9/attacker-jwks"})),
    GatewayCase("JWT-KID-MISSING", "A token without kid is refused (JWK Set source)", "RFC7515-4.1.4", 403, KNA,
                lambda k: sign_segments(segment({"alg": "RS256", "typ": "JWT"}), segment(k.claims()), k.rsa, "RS256")),
    GatewayCase("JWT-KID-UNKNOWN", "A kid not in the JWK Set is refused", "RFC7515-4.1.4", 403, KNA,
                lambda k: sign(k.claims(), k.rsa, alg="RS256", headers={"kid": "dcr-harness-unknown-kid"})),
    GatewayCase("JWT-SIG-FLIPPED-BIT", "A signature with one flipped bit is refused", "RFC7515-5.2", 403, KNA,
                lambda k: _flip_first_sig_bit(sign(k.claims(), k.rsa, alg="RS256"))),
    GatewayCase("JWT-SIG-OTHER-KEY-OF-JWKS", "A signature by another key of the same JWK Set is refused (kid selects)",
                "RFC7515-5.2", 403, KNA,
                lambda k: sign(k.claims(), k.rsa2, alg="RS256", headers={"kid": k.rsa.get("kid")})),
    GatewayCase("JWT-TWO-SEGMENTS", "A token with two segments is refused", "RFC7515-7.1", 403, KNA,
                lambda k: ".".join(sign(k.claims(), k.rsa, alg="RS256").split(".")[:2])),
    GatewayCase("JWT-PAYLOAD-NOT-JSON", "A payload that is not JSON is refused", "RFC7519-7.2", 403, KNA,
                lambda k: sign_segments(segment({"alg": "RS256", "typ": "JWT", "kid": k.rsa.get("kid")}),
                                        segment(b"not json"), k.rsa, "RS256")),
    GatewayCase("JWT-EXP-PAST", "An expired token answers 401 token has expired", "RFC7519-4.1.4", 401, EXPIRED,
                lambda k: sign(k.claims(exp=k.now - 60), k.rsa, alg="RS256")),
    GatewayCase("JWT-NBF-FUTURE", "A token not valid yet answers 401 token is not valid yet", "RFC7519-4.1.5", 401,
                NOT_YET, lambda k: sign(k.claims(nbf=k.now + 600), k.rsa, alg="RS256")),
    GatewayCase("JWT-IAT-FUTURE", "A token issued in the future answers 401 token used before issued", "TYK-JWT", 401,
                BEFORE_ISSUED, lambda k: sign(k.claims(iat=k.now + 600), k.rsa, alg="RS256"), see=("RFC7519-4.1.6",)),
    GatewayCase("JWT-IDENTITY-FALLBACK-SUB", "Without the identity claim the gateway falls back to sub", "TYK-JWT", 200, "",
                lambda k: sign({k2: v for k2, v in k.claims().items() if k2 != "client_id"}, k.rsa, alg="RS256")),
    GatewayCase("JWT-NO-IDENTITY", "Without identity claim and sub the gateway answers 403", "TYK-JWT", 403, NO_IDENTITY,
                lambda k: sign({c: v for c, v in k.claims().items() if c not in ("client_id", "sub")}, k.rsa, alg="RS256")),
    GatewayCase("JWT-POL-UNKNOWN", "An unknown policy claim answers 403 no matching policy", "TYK-JWT", 403, NO_POLICY,
                lambda k: sign(k.claims(pol="dcr-harness-no-such-policy"), k.rsa, alg="RS256")),
    GatewayCase("JWT-JWKS-MALFORMED-EC-KEY", "One malformed EC key makes the whole JWK Set unusable (403)",
                "RFC7518-6.2.1.2", 403, KNA, lambda k: sign(k.claims(), k.rsa, alg="RS256"), api=BAD_EC_API),
)


def _expectation(case: GatewayCase) -> Callable[[Observation], Result]:
    expected = f"{case.status} {case.message}".strip()

    def condition(obs: Observation) -> Result:
        ex = obs.ex(case.id)
        msg = no_answer(ex, "the gateway request")
        if msg:
            return Result.fail(msg, expected=expected, actual=None)
        assert ex is not None
        data = body_json(ex)
        message = data.get("error", "") if isinstance(data, dict) and ex.status != 200 else ""
        actual = f"{ex.status} {message}".strip()
        if actual == expected:
            return Result.ok(f"{actual}" if message else f"{ex.status} from the upstream", expected=expected, actual=actual)
        return Result.fail(f"the gateway answered {actual!r}", expected=expected, actual=actual)

    condition.__doc__ = (f"{case.title}: the gateway answers exactly {case.status}"
                         + (f" {case.message!r}" if case.message else " (proxied to the upstream)")
                         + " (shared/reference/tyk.md).")
    condition.__name__ = "gateway_" + case.id.lower().replace("-", "_")
    return condition


for _case in CASES:
    add_check(Check(id=_case.id, title=_case.title, spec=_case.spec, level=Level.MUST, plan=PLAN,
                    probe="gateway-jwt", condition=_expectation(_case), see=_case.see))


def _idp_condition(obs: Observation) -> Result:
    """The IdP's own access token, verified by the gateway against the IdP's ``jwks_uri``
    (RSA signing method; identity ``sub``, else ``client_id`` as the Gluu guide sets),
    is accepted: 200 from the upstream — the guide's last step without the portal."""
    if obs.facts.get("idp_skip"):
        raise Skip(obs.facts["idp_skip"])
    ex = obs.ex("JWT-IDP-TOKEN")
    msg = no_answer(ex, "the gateway request")
    if msg:
        return Result.fail(msg, expected="200", actual=None)
    assert ex is not None
    data = body_json(ex)
    if ex.status == 200:
        return Result.ok(f"200 from the upstream (identity claim {obs.facts.get('idp_identity')})", expected="200",
                         actual="200")
    message = data.get("error", "") if isinstance(data, dict) else ""
    reason = obs.facts.get("idp_reason")
    return Result.fail(f"the gateway answered {ex.status} {message!r}" + (f" — {reason}" if reason else ""),
                       expected="200", actual=f"{ex.status} {message}".strip())


add_check(Check(id="JWT-IDP-TOKEN", title="The IdP's client_credentials token passes the gateway", spec="TYK-JWT",
                level=Level.MUST, plan=PLAN, probe="gateway-jwt", condition=_idp_condition,
                see=("RFC7515-5.2", "RFC9068-4")))


def _malformed_ec_jwk() -> dict[str, Any]:
    """An EC P-256 public key whose x has a leading 0x00 (33 bytes) — Gluu ≤ 4.3's
    ``BigInteger.toByteArray()`` serialisation (shared/reference/gluu.md)."""
    key = generate_ec(kid="dcr-harness-bad-ec")
    pub = dict(key.export_public(as_dict=True))
    pub["x"] = base64url_encode(b"\x00" + base64url_decode(pub["x"]))
    return pub


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def _api(api: tuple[str, str], jwks_url: str, upstream: str, identity: str) -> dict[str, Any]:
    api_id, listen = api
    return {
        "name": api_id, "api_id": api_id, "org_id": ORG, "active": True, "use_keyless": False,
        "enable_jwt": True, "jwt_signing_method": "rsa", "jwt_source": _b64(jwks_url),
        "jwt_identity_base_field": identity, "jwt_policy_field_name": "pol",
        "jwt_default_policies": [POLICY_ID], "jwt_skip_kid": False,
        "jwt_expires_at_validation_skew": 0, "jwt_issued_at_validation_skew": 0, "jwt_not_before_validation_skew": 0,
        "auth": {"auth_header_name": "Authorization"},
        "proxy": {"listen_path": listen, "target_url": upstream, "strip_listen_path": True},
        "version_data": {"not_versioned": True, "versions": {"Default": {"name": "Default"}}},
    }


def _policy(api_ids: list[str]) -> dict[str, Any]:
    return {
        "name": "dcr-harness policy", "org_id": ORG, "active": True, "rate": 0, "per": 0, "quota_max": -1,
        "quota_renewal_rate": 3600, "key_expires_in": 0,
        "access_rights": {a: {"api_id": a, "api_name": a, "versions": ["Default"]} for a in api_ids},
    }


@probe("gateway-jwt")
def probe_gateway_jwt(ctx: CheckContext) -> Observation:
    from harness.gateway import Gateway, create_echo_app

    keys = Keys(rsa=generate_rsa(kid="dcr-harness-rsa-1"), rsa2=generate_rsa(kid="dcr-harness-rsa-2"),
                ec=generate_ec(kid="dcr-harness-ec-1"), attacker=generate_rsa(kid="dcr-harness-rsa-1"),
                now=int(time.time()))
    good = json.dumps(public_jwks([keys.rsa, keys.rsa2])).encode()
    bad = json.dumps({"keys": [*public_jwks([keys.rsa])["keys"], _malformed_ec_jwk()]}).encode()

    def serve(body: bytes) -> Callable[..., Any]:
        async def endpoint(request: Any) -> Response:
            return Response(body, media_type="application/json")
        return endpoint

    jwks_app = Starlette(routes=[Route("/jwks", serve(good)), Route("/jwks-bad-ec", serve(bad))])
    exchanges = {}
    facts: dict[str, Any] = {}
    idp_token, idp_identity = _idp_token(ctx, facts)
    with BackgroundServer(jwks_app, name="conformance-jwks") as jwks_srv, \
            BackgroundServer(create_echo_app(), name="conformance-upstream") as upstream:
        gw = Gateway(tyk_conf={"secret": secrets.token_urlsafe(16), "jwt_ssl_insecure_skip_verify": ctx.verify is False},
                     transcript=ctx.transcript)
        apis = [_api(RSA_API, jwks_srv.url + "/jwks", upstream.url, "client_id"),
                _api(BAD_EC_API, jwks_srv.url + "/jwks-bad-ec", upstream.url, "client_id")]
        if idp_token:
            apis.append(_api(IDP_API, ctx.endpoint("jwks_uri"), upstream.url, idp_identity or "sub"))
        for a in apis:
            gw.load_api(a, source="<conformance>")
        gw.load_policies({POLICY_ID: _policy([a["api_id"] for a in apis])}, source="<conformance>")
        with BackgroundServer(gw.app, name="conformance-gateway") as gw_srv:
            for case in CASES:
                token = case.token(keys)
                headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
                _r, exchanges[case.id] = ctx.call("GET", gw_srv.url + case.api[1] + "get", actor="developer",
                                                  target="gateway", headers=headers)
            if idp_token:
                _r, exchanges["JWT-IDP-TOKEN"] = ctx.call("GET", gw_srv.url + IDP_API[1] + "get", actor="developer",
                                                          target="gateway",
                                                          headers={"Authorization": f"Bearer {idp_token}"})
                last = gw.last_decision
                if last is not None and not last.allowed:
                    facts["idp_reason"] = last.reason
    facts["idp_identity"] = idp_identity
    return Observation(exchanges, facts)


def _idp_token(ctx: CheckContext, facts: dict[str, Any]) -> tuple[str | None, str | None]:
    """The access token the token plan got from the IdP (raw, kept out of every report)."""
    try:
        obs = ctx.observe("token")
    except Skip as exc:
        facts["idp_skip"] = f"no access token from the IdP ({exc})"
        return None, None
    except Exception as exc:
        facts["idp_skip"] = f"no access token from the IdP ({type(exc).__name__})"
        return None, None
    if not obs.facts.get("jwt"):
        facts["idp_skip"] = "the IdP's access token is opaque: the gateway needs a JWT"
        return None, None
    claims = obs.facts.get("claims") or {}
    identity = "sub" if claims.get("sub") else ("client_id" if claims.get("client_id") else "sub")
    return obs.facts.get("raw_token"), identity
