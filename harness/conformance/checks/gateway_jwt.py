"""Gateway-JWT plan: every JWT case of shared/reference/checks.md ("JWT validation at the
gateway") run against :mod:`harness.tyk.gateway` over HTTP, each expecting exactly Tyk's
status and error message (shared/reference/tyk.md). The gateway's own validation is
what is checked — nothing here verifies a JWT; tokens are built with :mod:`harness.jose`.

The cases live by topic: :mod:`.gateway_jwt_alg` (token, alg, header parameters),
:mod:`.gateway_jwt_kid_sig` (kid, signature), :mod:`.gateway_jwt_structure` (compact
serialization, JSON), :mod:`.gateway_jwt_time` (time claims, identity, policy) and
:mod:`.gateway_jwt_jwks` (the JWK Set and its cache).

The probe starts, on loopback: a JWK Set server (one set per fault), the echo
upstream, and one gateway (real clock plus an offset the rotation cases advance) with
one API per JWK Set or setting (:data:`.gateway_jwt_model.APIS`) and, when the token
plan got a JWT, an API on the IdP's ``jwks_uri`` for the IdP's own token. Every case
gets a unique identity, so no two cases share a gateway session. Everything is stopped
before the probe returns.
"""

from __future__ import annotations

import asyncio
import base64
import dataclasses
import secrets
import threading
import time
from collections.abc import Callable
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from harness.conformance.checks import (
    gateway_jwt_alg,
    gateway_jwt_jwks,
    gateway_jwt_kid_sig,
    gateway_jwt_structure,
    gateway_jwt_time,
)
from harness.conformance.checks.common import body_json, no_answer
from harness.conformance.checks.gateway_jwt_model import (
    APIS,
    IDP_API,
    ORG,
    POLICY2_ID,
    POLICY_ID,
    ApiSpec,
    GatewayCase,
    Keys,
)
from harness.conformance.context import CheckContext, Skip
from harness.conformance.model import Check, Level, Observation, Result
from harness.conformance.registry import add_check, probe
from harness.core.serving import BackgroundServer, free_port
from harness.core.transcript import Exchange
from harness.jose import generate_ec, generate_rsa

PLAN = "gateway-jwt"

#: Every case, in catalogue (and run) order; the rotation cases are last on purpose.
CASES: tuple[GatewayCase, ...] = (gateway_jwt_alg.CASES + gateway_jwt_kid_sig.CASES + gateway_jwt_structure.CASES
                                  + gateway_jwt_time.CASES + gateway_jwt_jwks.CASES)


def _answer(ex: Exchange) -> str:
    data = body_json(ex)
    message = data.get("error", "") if isinstance(data, dict) and ex.status != 200 else ""
    return f"{ex.status} {message}".strip()


def _expectation(case: GatewayCase) -> Callable[[Observation], Result]:
    expected = case.expected

    def condition(obs: Observation) -> Result:
        evidence = tuple(n for n in obs.exchanges if n.startswith(case.id + "/")) + (case.id,)
        ex = obs.ex(case.id)
        msg = no_answer(ex, "the gateway request")
        if msg:
            return Result.fail(msg, expected=expected, actual=None, evidence=evidence)
        assert ex is not None
        for name in evidence[:-1]:  # priming requests of a multi-step case
            prime = obs.exchanges[name]
            if prime.status != 200:
                return Result.fail(f"the priming request {name} answered {prime.status}, not 200: the case did "
                                   "not run as designed", expected=expected, actual=None, evidence=evidence)
        actual = _answer(ex)
        if actual != expected:
            return Result.fail(f"the gateway answered {actual!r}", expected=expected, actual=actual, evidence=evidence)
        decision = obs.facts.get("decisions", {}).get(case.id, {})
        if case.identity is not None and decision.get("identity") != case.identity:
            return Result.fail(f"{actual or 200} as expected, but the session identity is "
                               f"{decision.get('identity')!r}, not {case.identity!r}",
                               expected=expected, actual=f"{actual} identity={decision.get('identity')}",
                               evidence=evidence)
        if case.policies is not None and tuple(decision.get("policies") or ()) != case.policies:
            return Result.fail(f"{actual or 200} as expected, but the policies applied are "
                               f"{list(decision.get('policies') or [])}, not {list(case.policies)}",
                               expected=expected, actual=f"{actual} policies={list(decision.get('policies') or [])}",
                               evidence=evidence)
        if case.fetches is not None and decision.get("fetches") != case.fetches:
            return Result.fail(f"{actual or 200} as expected, but the gateway fetched the JWK Set "
                               f"{decision.get('fetches')} time(s), not {case.fetches}",
                               expected=expected, actual=f"{actual} fetches={decision.get('fetches')}",
                               evidence=evidence)
        extra = [f"identity {case.identity!r}" if case.identity is not None else "",
                 f"policies {list(case.policies)}" if case.policies is not None else "",
                 f"{case.fetches} JWK Set fetch(es)" if case.fetches is not None else ""]
        reason = decision.get("reason")
        if ex.status != 200:
            text = actual + (f" (gateway: {reason})" if reason else "")
        else:
            text = "200 allowed (in-process, not proxied)" if case.in_process else "200 from the upstream"
        text += "".join(f"; {e}" for e in extra if e)
        return Result.ok(text, expected=expected, actual=actual, evidence=evidence)

    condition.__doc__ = (f"{case.title}: the gateway answers exactly {case.status}"
                         + (f" {case.message!r}" if case.message else " (proxied to the upstream)")
                         + (f", with session identity {case.identity!r}" if case.identity else "")
                         + (f", applying {', '.join(case.policies)}" if case.policies else "")
                         + (f", after {case.fetches} JWK Set fetch(es)" if case.fetches else "")
                         + " (shared/reference/tyk.md)."
                         + (" Sent in-process through Gateway.check: the request head is larger than the "
                            "loopback HTTP server takes." if case.in_process else ""))
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
        return Result.fail(msg, expected="200", actual=None, evidence=("JWT-IDP-TOKEN",))
    assert ex is not None
    data = body_json(ex)
    if ex.status == 200:
        return Result.ok(f"200 from the upstream (identity claim {obs.facts.get('idp_identity')})", expected="200",
                         actual="200", evidence=("JWT-IDP-TOKEN",))
    message = data.get("error", "") if isinstance(data, dict) else ""
    reason = obs.facts.get("idp_reason")
    return Result.fail(f"the gateway answered {ex.status} {message!r}" + (f" — {reason}" if reason else ""),
                       expected="200", actual=f"{ex.status} {message}".strip(), evidence=("JWT-IDP-TOKEN",))


add_check(Check(id="JWT-IDP-TOKEN", title="The IdP's client_credentials token passes the gateway", spec="TYK-JWT",
                level=Level.MUST, plan=PLAN, probe="gateway-jwt", condition=_idp_condition,
                see=("RFC7515-5.2", "RFC9068-4")))


# --- the probe ------------------------------------------------------------------------------
def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def _api(api: ApiSpec, jwks_url: str, upstream: str, identity: str | None = None) -> dict[str, Any]:
    """A Tyk API definition with JWT auth, as the Dashboard exports it (guide settings)."""
    return {
        "name": api.api_id, "api_id": api.api_id, "org_id": ORG, "active": True, "use_keyless": False,
        "enable_jwt": True, "jwt_signing_method": api.signing_method, "jwt_source": _b64(jwks_url),
        "jwt_identity_base_field": identity or api.identity, "jwt_policy_field_name": "pol",
        "jwt_default_policies": [POLICY_ID], "jwt_skip_kid": False,
        "jwt_expires_at_validation_skew": api.exp_skew, "jwt_issued_at_validation_skew": api.iat_skew,
        "jwt_not_before_validation_skew": api.nbf_skew,
        "auth": {"auth_header_name": "Authorization"},
        "proxy": {"listen_path": api.listen, "target_url": upstream, "strip_listen_path": True},
        "version_data": {"not_versioned": True, "versions": {"Default": {"name": "Default"}}},
    }


def _policy(name: str, api_ids: list[str]) -> dict[str, Any]:
    return {
        "name": name, "org_id": ORG, "active": True, "rate": 0, "per": 0, "quota_max": -1,
        "quota_renewal_rate": 3600, "key_expires_in": 0,
        "access_rights": {a: {"api_id": a, "api_name": a, "versions": ["Default"]} for a in api_ids},
    }


class JwksServer:
    """Serves the named JWK Sets at ``/jwks/<name>``, counts requests per name; the
    ``slow`` set answers after :data:`.gateway_jwt_jwks.SLOW_DELAY` seconds."""

    def __init__(self, documents: dict[str, bytes]) -> None:
        self.documents = dict(documents)
        self.requests: dict[str, int] = {}
        self._lock = threading.Lock()
        self.app = Starlette(routes=[Route("/jwks/{name}", self._serve)])

    async def _serve(self, request: Request) -> Response:
        name = request.path_params["name"]
        with self._lock:
            self.requests[name] = self.requests.get(name, 0) + 1
            body = self.documents.get(name)
        if body is None:
            return Response(b"", status_code=404)
        if name == "slow":
            await asyncio.sleep(gateway_jwt_jwks.SLOW_DELAY)  # simulates a slow IdP, not a readiness wait
        return Response(body, media_type="application/json")

    def count(self, name: str) -> int:
        with self._lock:
            return self.requests.get(name, 0)


class _Run:
    """One probe run: sends each case's request and records exchange and decision (the
    :class:`.gateway_jwt_jwks.Runner` of multi-step cases)."""

    def __init__(self, ctx: CheckContext, gw: Any, gw_url: str, jwks: JwksServer, clock: _Clock) -> None:
        self.ctx, self.gw, self.gw_url, self.jwks, self.clock = ctx, gw, gw_url, jwks, clock
        self.ttl = float(gw.profile.jwks_cache_ttl)
        self.exchanges: dict[str, Exchange] = {}
        self.decisions: dict[str, dict[str, Any]] = {}

    def send(self, name: str, tok: str | None, api: ApiSpec, *, in_process: bool = False) -> Exchange:
        headers = {"Authorization": f"Bearer {tok}"} if tok is not None else {}
        if in_process:
            ex = self._in_process(api, headers, tok)
        else:
            _r, ex = self.ctx.call("GET", self.gw_url + api.listen + "get", actor="developer", target="gateway",
                                   headers=headers)
        self.exchanges[name] = ex
        last = self.gw.last_decision
        self.decisions[name] = {"identity": getattr(last, "identity", None),
                                "policies": list(getattr(last, "policies", ()) or ()),
                                "reason": getattr(last, "reason", None),
                                "fetches": self.jwks.count(api.jwks)}
        return ex

    def _in_process(self, api: ApiSpec, headers: dict[str, str], tok: str | None) -> Exchange:
        """:meth:`Gateway.check` (routing and the JWT middleware, no HTTP), recorded as an
        exchange whose URL says so; the body is the one Tyk's error template would carry."""
        from harness.tyk.gateway.decisions import error_body

        d = self.gw.check(api.listen + "get", headers=headers)
        body = '{"in_process": "allowed; not proxied"}' if d.allowed else error_body(d.message).decode("utf-8")
        shown = {"Authorization": f"Bearer <a {len(tok)}-character token>"} if tok is not None else {}
        return self.ctx.transcript.add(Exchange(
            actor="developer", target="gateway", method="GET", url=f"in-process:Gateway.check {api.listen}get",
            request_headers=shown, request_body=None, status=d.status,
            response_headers={"Content-Type": "application/json"}, response_body=body))

    def set_jwks(self, name: str, body: bytes) -> None:
        self.jwks.documents[name] = body

    def advance(self, seconds: float) -> None:
        self.clock.offset += seconds


class _Clock:
    """The gateway's clock: real time plus an offset (advanced only by the rotation cases)."""

    def __init__(self) -> None:
        self.offset = 0.0

    def __call__(self) -> float:
        return time.time() + self.offset


def make_keys() -> Keys:
    return Keys(rsa=generate_rsa(kid="dcr-harness-rsa-1"), rsa2=generate_rsa(kid="dcr-harness-rsa-2"),
                ec=generate_ec(kid="dcr-harness-ec-1"), ec384=generate_ec(kid="dcr-harness-ec-384", crv="P-384",
                                                                          alg="ES384"),
                ec521=generate_ec(kid="dcr-harness-ec-521", crv="P-521", alg="ES512"),
                attacker=generate_rsa(kid="dcr-harness-rsa-1"), now=int(time.time()))


@probe("gateway-jwt")
def probe_gateway_jwt(ctx: CheckContext) -> Observation:
    from harness.tyk.gateway import Gateway, create_echo_app

    keys = make_keys()
    jwks = JwksServer(gateway_jwt_jwks.jwks_documents(keys))
    facts: dict[str, Any] = {}
    idp_token, idp_identity = _idp_token(ctx, facts)
    clock = _Clock()
    with BackgroundServer(jwks.app, name="conformance-jwks") as jwks_srv, \
            BackgroundServer(create_echo_app(), name="conformance-upstream") as upstream:
        tyk_conf = {"secret": secrets.token_urlsafe(16), "jwt_ssl_insecure_skip_verify": ctx.verify is False,
                    "dcr_harness": {"jwks_fetch_timeout": gateway_jwt_jwks.FETCH_TIMEOUT}}
        gw = Gateway(tyk_conf=tyk_conf, transcript=ctx.transcript, clock=clock)
        closed = f"http://127.0.0.1:{free_port()}/jwks"
        apis = [_api(a, closed if a.jwks == "unreachable" else f"{jwks_srv.url}/jwks/{a.jwks}", upstream.url)
                for a in APIS]
        if idp_token:
            apis.append(_api(IDP_API, ctx.endpoint("jwks_uri"), upstream.url, idp_identity or "sub"))
        for a in apis:
            gw.load_api(a, source="<conformance>")
        ids = [a["api_id"] for a in apis]
        gw.load_policies({POLICY_ID: _policy("dcr-harness policy", ids),
                          POLICY2_ID: _policy("dcr-harness policy 2", ids)}, source="<conformance>")
        with BackgroundServer(gw.app, name="conformance-gateway") as gw_srv:
            run = _Run(ctx, gw, gw_srv.url, jwks, clock)
            if idp_token:  # first: on the real clock, before any case moves it
                run.send("JWT-IDP-TOKEN", idp_token, IDP_API)
                last = gw.last_decision
                if last is not None and not last.allowed:
                    facts["idp_reason"] = last.reason
            for case in CASES:
                k = dataclasses.replace(keys, tag=case.id.lower(), now=int(clock()))
                if case.prepare is not None:
                    case.prepare(run, k)
                    k = dataclasses.replace(k, now=int(clock()))
                run.send(case.id, case.token(k), case.api, in_process=case.in_process)
    facts["idp_identity"] = idp_identity
    facts["decisions"] = run.decisions
    return Observation(run.exchanges, facts)


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
