"""The gateway differential: the Tyk JWT case table run over HTTP against any
:class:`~harness.tyk.gateway.testing.GatewayUnderTest` — the harness's gateway or the real
Tyk (:class:`~harness.tyk.gateway.testing.TykProcessGateway`) — on the same API
definitions, policies, JWK Sets and tokens, each answer normalised to status and error
message so two gateways (or a gateway and a recorded snapshot) compare case by case.

Recording the real gateway's answers (data measured here, committed under fixtures/tyk/)::

    python -m harness.tyk.gateway.differential --record fixtures/tyk/differential/jwt-cases.json

Every distinct API of the table gets its own api_id and listen path (so a case's fields
never leak into another's, and each has its own JWK Set cache); cases that change the
default policy run in a phase of their own after the policy is PUT and the gateway
reloaded. Cases that move the gateway's clock (JWK Set cache expiry) cannot run against a
gateway whose clock we do not own: they are answered ``None`` (not measured), and the
tests name them.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from harness.tyk.gateway.jwt_cases import CASES, ApiSpec, JwtCase
from harness.tyk.gateway.jwt_cases.jwks import TYK_CONF, jwks_documents
from harness.tyk.gateway.jwt_cases.model import POLICY2_ID, POLICY_ID, SRC_TIME, Keys
from harness.tyk.gateway.testing import GatewayKit, GatewayUnderTest, closed_url, make_keys, policy

__all__ = ["SNAPSHOT", "DISCONNECTED", "Answer", "ClockNeeded", "normalise", "run_differential", "load_snapshot", "needs_clock"]

#: The committed snapshot of the real gateway's answers.
SNAPSHOT = Path(__file__).resolve().parents[3] / "fixtures" / "tyk" / "differential" / "jwt-cases.json"


@dataclass(frozen=True)
class Answer:
    """A gateway's answer, normalised: the status and Tyk's error message (``""`` when the
    request was proxied or the body carries no ``error``)."""

    status: int
    message: str

    def __str__(self) -> str:
        return f"{self.status} {self.message}".strip()


def normalise(status: int, body: bytes | str) -> Answer:
    """Tyk's error template is ``{"error": "<message>"}`` pretty-printed (gateway/handler_error.go);
    an upstream answer is reduced to its status."""
    if status == 200:
        return Answer(200, "")
    try:
        doc = json.loads(body)
    except ValueError:
        return Answer(status, str(body if isinstance(body, str) else body.decode("utf-8", "replace")).strip()[:200])
    return Answer(status, str(doc.get("error", "")) if isinstance(doc, dict) else "")


#: The answer "the gateway closed the connection without a response" (status 0).
DISCONNECTED = "connection closed without a response"


class ClockNeeded(Exception):
    """A case asked to move the gateway's clock."""


def needs_clock(case: JwtCase) -> bool:
    """Whether ``case`` (or a case it runs after) moves the gateway's clock (known by
    running its ``prepare`` against a recorder)."""
    return case.id in _CLOCK_CASES


_CLOCK_CASES = {"JWT-JWKS-ROTATION-AFTER-TTL"}


def _spec_key(spec: ApiSpec) -> str:
    return json.dumps([spec.api_id, spec.listen, spec.jwks, spec.signing_method, spec.identity, spec.exp_skew,
                       spec.iat_skew, spec.nbf_skew, id(spec.source), dict(spec.fields), spec.oas], sort_keys=True, default=str)


class _Runner:
    """The :class:`~harness.tyk.gateway.jwt_cases.Runner` of multi-step cases, over HTTP."""

    def __init__(self, kit: GatewayKit, clones: Mapping[str, ApiSpec]) -> None:
        self.kit, self.clones = kit, clones
        self.ttl = 240.0

    def api(self, spec: ApiSpec) -> ApiSpec:
        return self.clones[_spec_key(spec)]

    def request(self, spec: ApiSpec, carry: Any) -> httpx.Response:
        return httpx.get(self.kit.base_url + self.api(spec).listen + "get", headers=dict(carry.headers),
                         params=dict(carry.query), cookies=dict(carry.cookies), timeout=30)

    def send(self, name: str, tok: str, api: ApiSpec) -> Answer:
        r = httpx.get(self.kit.base_url + self.api(api).listen + "get", headers={"Authorization": f"Bearer {tok}"},
                      timeout=30)
        return normalise(r.status_code, r.content)

    def set_jwks(self, name: str, body: bytes) -> None:
        self.kit.jwks.set(name, body)

    def advance(self, seconds: float) -> None:
        raise ClockNeeded(seconds)


def _start_of_second(margin: float = 0.2) -> None:
    """Wait (at most a second) until the wall clock is early in a second: the time-claim
    cases put claims one second from "now" and both gateways compare whole seconds
    (mw_jwt.go timeValidateJWTClaims), so the token and its request must fall in the same
    second. A wait for a clock boundary, not a readiness poll."""
    frac = time.time() % 1
    if frac > margin:
        time.sleep(1 - frac)


def run_differential(gateway: GatewayUnderTest, cases: Sequence[JwtCase] = CASES,
                     keys: Keys | None = None) -> dict[str, Answer | None]:
    """Each case's answer from ``gateway`` (started and stopped here), in table order;
    ``None`` for a case that needs the gateway's clock moved."""
    keys = keys or make_keys()
    out: dict[str, Answer | None] = {}
    with GatewayKit(gateway=gateway, jwks=jwks_documents(keys), keys=keys) as kit:
        closed = closed_url()

        def jwks_url(name: str) -> str:
            return closed if name == "unreachable" else kit.jwks_url(name)

        clones: dict[str, ApiSpec] = {}
        for c in cases:
            key = _spec_key(c.api)
            if key not in clones:
                n = len(clones)
                clones[key] = dataclasses.replace(c.api, api_id=f"d{n}-{c.api.api_id}",
                                                  listen=f"/d{n}{c.api.listen}")
        apis = [s.definition(jwks_url=jwks_url, upstream=kit.upstream_url, keys=keys) for s in clones.values()]
        ids = [s.api_id for s in clones.values()]
        phases: dict[str, list[JwtCase]] = {}
        for c in cases:
            phases.setdefault(json.dumps(dict(c.policy), sort_keys=True), []).append(c)
        runner = _Runner(kit, clones)
        kit.load(apis, {})
        for changes, group in phases.items():
            kit.load([], {POLICY_ID: policy(name="dcr-harness policy", api_ids=ids, **json.loads(changes)),
                          POLICY2_ID: policy(name="dcr-harness policy 2", api_ids=ids)})
            for c in group:
                if SRC_TIME in c.source:
                    _start_of_second()
                k = dataclasses.replace(keys, tag=c.id.lower(), now=int(time.time()))
                try:
                    if c.prepare is not None:
                        c.prepare(runner, k)
                except ClockNeeded:
                    out[c.id] = None
                    continue
                try:
                    r = runner.request(c.api, c.carry(c.token(k)))
                except httpx.RemoteProtocolError:
                    # a Go panic in a handler: net/http recovers it and closes the connection
                    out[c.id] = Answer(0, DISCONNECTED)
                    continue
                out[c.id] = normalise(r.status_code, r.content)
    return {c.id: out[c.id] for c in cases}


def harness_gateway() -> GatewayUnderTest:
    """The harness's gateway as the differential runs it (the table's tyk.conf)."""
    from harness.tyk.gateway.testing import HarnessGateway

    return HarnessGateway(tyk_conf=dict(TYK_CONF))


def load_snapshot(path: Path = SNAPSHOT) -> dict[str, Any]:
    """The recorded snapshot: ``{"gateway": version, "cases": {id: {"status", "message"} | null}}``."""
    return dict(json.loads(path.read_text()))


def dump_snapshot(doc: Mapping[str, Any]) -> str:
    """The snapshot as reviewable JSON: one line per case."""
    head = {k: v for k, v in doc.items() if k != "cases"}
    lines = [json.dumps(head)[:-1] + ', "cases": {']
    items = list(doc["cases"].items())
    for i, (cid, answer) in enumerate(items):
        lines.append(f"  {json.dumps(cid)}: {json.dumps(answer)}" + ("," if i < len(items) - 1 else ""))
    lines.append("}}")
    return "\n".join(lines) + "\n"


#: Differences between the real gateway and ours that stay, each with its reason
#: (docs/gateway-vs-tyk.md says more); the snapshot tests expect them to differ.
KNOWN_DIFFERENCES: dict[str, str] = {
    "JWT-JWKS-SLOW": "the harness bounds a JWK Set fetch (dcr_harness.jwks_fetch_timeout); Tyk's JWKS client "
                     "has no timeout and waits for the slow IdP",
    "JWT-IDENTITY-CLIENT_ID-FIELD-NUMBER": "Tyk panics in getOAuthClientIDFromClaim (val.(string) on a number "
                                           "client_id) and net/http closes the connection; the harness answers",
}


def main(argv: Sequence[str] | None = None) -> int:
    """Record the real gateway's answers to every case into the snapshot."""
    from harness.tyk.gateway.testing import TykProcessGateway

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--record", type=Path, default=SNAPSHOT, help="where to write the snapshot")
    args = parser.parse_args(argv)
    tyk = TykProcessGateway()
    answers = run_differential(tyk, CASES)
    with tyk:
        version = tyk.version()
    doc = {"gateway": version,
           "recorded": time.strftime("%Y-%m-%d", time.gmtime()),
           "note": "answers of the real Tyk gateway to harness.tyk.gateway.jwt_cases, normalised "
                   "(harness.tyk.gateway.differential.normalise); null: not measurable (needs the gateway's clock)",
           "cases": {cid: (None if a is None else {"status": a.status, "message": a.message})
                     for cid, a in answers.items()}}
    args.record.write_text(dump_snapshot(doc))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
