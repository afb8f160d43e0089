"""Gateway-JWT plan: every JWT case of shared/reference/checks.md ("JWT validation at the
gateway") run against :mod:`harness.tyk.gateway` over HTTP, each expecting exactly Tyk's
status and error message (shared/reference/tyk.md). The gateway's own validation is
what is checked — nothing here verifies a JWT; tokens are built with :mod:`harness.jose`.

The cases are the plan rows of the Tyk JWT case table,
:data:`harness.tyk.gateway.jwt_cases.CHECK_CASES` (the gateway tests read the same table);
this module registers one check per case and runs them.

The probe starts, on loopback, the gateway testing kit (:mod:`harness.tyk.gateway.testing`):
a JWK Set server (one set per fault), the echo upstream, and one gateway (real clock plus
an offset the rotation cases advance) configured through Tyk's REST API with one API per
JWK Set or setting (:data:`harness.tyk.gateway.jwt_cases.APIS`) and, when the token plan
got a JWT, an API on the IdP's ``jwks_uri`` for the IdP's own token. Every case gets a
unique identity, so no two cases share a gateway session. Everything is stopped before
the probe returns.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from typing import Any

from harness.conformance.checks.common import body_json, no_answer
from harness.conformance.context import CheckContext, Skip
from harness.conformance.model import Check, Level, Observation, Result
from harness.conformance.registry import add_check, probe
from harness.core.transcript import Exchange
from harness.tyk.gateway.jwt_cases import APIS, CHECK_CASES, COVERAGE, ApiSpec, Carry, JwtCase
from harness.tyk.gateway.jwt_cases.jwks import TYK_CONF, jwks_documents
from harness.tyk.gateway.jwt_cases.model import POLICY2_ID, POLICY_ID, bearer
from harness.tyk.gateway.testing import GatewayKit, HarnessGateway, closed_url, make_keys, policy

PLAN = "gateway-jwt"

#: Every case, in catalogue (and run) order; the rotation cases are last on purpose.
CASES: tuple[JwtCase, ...] = CHECK_CASES
#: The API on the IdP's own ``jwks_uri`` (loaded only when the IdP gave a JWT).
IDP_API = ApiSpec("dcr-harness-idp", "/jwt-idp/", "idp")

__all__ = ["CASES", "COVERAGE", "IDP_API", "PLAN"]


def _answer(ex: Exchange) -> str:
    data = body_json(ex)
    message = data.get("error", "") if isinstance(data, dict) and ex.status != 200 else ""
    return f"{ex.status} {message}".strip()


def _expectation(case: JwtCase) -> Callable[[Observation], Result]:
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
class _Run:
    """One probe run: sends each case's request and records exchange and decision (the
    :class:`harness.tyk.gateway.jwt_cases.Runner` of multi-step cases)."""

    def __init__(self, ctx: CheckContext, kit: GatewayKit, target: HarnessGateway, clock: _Clock) -> None:
        self.ctx, self.kit, self.target, self.clock = ctx, kit, target, clock
        self.ttl = float(target.gateway.profile.jwks_cache_ttl)
        self.exchanges: dict[str, Exchange] = {}
        self.decisions: dict[str, dict[str, Any]] = {}

    def send(self, name: str, tok: str | None, api: ApiSpec, *, in_process: bool = False,
             carry: Callable[[str | None], Carry] = bearer) -> Exchange:
        sent = carry(tok)
        if in_process:
            ex = self._in_process(api, sent, tok)
        else:
            extra: dict[str, Any] = {}
            if sent.query:
                extra["params"] = dict(sent.query)
            if sent.cookies:
                extra["cookies"] = dict(sent.cookies)
            _r, ex = self.ctx.call("GET", self.kit.base_url + api.listen + "get", actor="developer",
                                   target="gateway", headers=dict(sent.headers), **extra)
        self.exchanges[name] = ex
        last = self.target.gateway.last_decision
        self.decisions[name] = {"identity": getattr(last, "identity", None),
                                "policies": list(getattr(last, "policies", ()) or ()),
                                "reason": getattr(last, "reason", None),
                                "fetches": self.kit.jwks.count(api.jwks)}
        return ex

    def _in_process(self, api: ApiSpec, sent: Carry, tok: str | None) -> Exchange:
        """:meth:`Gateway.check` (routing and the JWT middleware, no HTTP), recorded as an
        exchange whose URL says so; the body is the one Tyk's error template would carry."""
        from harness.tyk.gateway.decisions import error_body

        d = self.target.gateway.check(api.listen + "get", headers=sent.headers, query=sent.query,
                                      cookies=sent.cookies)
        body = '{"in_process": "allowed; not proxied"}' if d.allowed else error_body(d.message).decode("utf-8")
        shown = {"Authorization": f"Bearer <a {len(tok)}-character token>"} if tok is not None else {}
        return self.ctx.transcript.add(Exchange(
            actor="developer", target="gateway", method="GET", url=f"in-process:Gateway.check {api.listen}get",
            request_headers=shown, request_body=None, status=d.status,
            response_headers={"Content-Type": "application/json"}, response_body=body))

    def set_jwks(self, name: str, body: bytes) -> None:
        self.kit.jwks.set(name, body)

    def advance(self, seconds: float) -> None:
        self.clock.offset += seconds


class _Clock:
    """The gateway's clock: real time plus an offset (advanced only by the rotation cases)."""

    def __init__(self) -> None:
        self.offset = 0.0

    def __call__(self) -> float:
        return time.time() + self.offset


@probe("gateway-jwt")
def probe_gateway_jwt(ctx: CheckContext) -> Observation:
    keys = make_keys()
    facts: dict[str, Any] = {}
    idp_token, idp_identity = _idp_token(ctx, facts)
    clock = _Clock()
    target = HarnessGateway(tyk_conf={**TYK_CONF, "jwt_ssl_insecure_skip_verify": ctx.verify is False},
                            transcript=ctx.transcript, clock=clock)
    with GatewayKit(gateway=target, jwks=jwks_documents(keys), keys=keys) as kit:
        closed = closed_url()

        def jwks_url(name: str) -> str:
            return closed if name == "unreachable" else kit.jwks_url(name)

        apis = [a.definition(jwks_url=jwks_url, upstream=kit.upstream_url, keys=keys) for a in APIS]
        if idp_token:
            idp_api = dataclasses.replace(IDP_API, identity=idp_identity or "sub")
            apis.append(idp_api.definition(jwks_url=lambda _name: ctx.endpoint("jwks_uri"),
                                           upstream=kit.upstream_url, keys=keys))
        ids = [a["api_id"] for a in apis]
        kit.load(apis, {POLICY_ID: policy(name="dcr-harness policy", api_ids=ids),
                        POLICY2_ID: policy(name="dcr-harness policy 2", api_ids=ids)})
        run = _Run(ctx, kit, target, clock)
        if idp_token:  # first: on the real clock, before any case moves it
            run.send("JWT-IDP-TOKEN", idp_token, IDP_API)
            last = target.gateway.last_decision
            if last is not None and not last.allowed:
                facts["idp_reason"] = last.reason
        for case in CASES:
            k = dataclasses.replace(keys, tag=case.id.lower(), now=int(clock()))
            if case.prepare is not None:
                case.prepare(run, k)
                k = dataclasses.replace(k, now=int(clock()))
            run.send(case.id, case.token(k), case.api, in_process=case.in_process, carry=case.carry)
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
