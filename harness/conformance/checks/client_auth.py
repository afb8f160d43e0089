"""``private_key_jwt`` end to end (token plan): a client registers its public keys —
by value (``jwks``) or by reference (``jwks_uri``, a JWK Set the harness serves on
loopback) — and authenticates at the token endpoint with a signed client assertion
(RFC 7523 §2.2, §3; RFC 7521 §4.2; OIDC Core §9). The Tyk portal's form offers this
method, so the harness must be able to use it.

A server that does not advertise ``private_key_jwt`` (or ``client_credentials``) gets
SKIP; a registration refused in RFC 7591 §3.2.2's shape (a server need not accept keys
by value, nor by reference) gets SKIP with the answer. Once the server registered the
client with its keys, a correct assertion must be accepted and a forged one refused.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from jwcrypto import jwk
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from harness.conformance.checks.common import body_json, error_description, is_loopback, no_answer, outcome
from harness.conformance.checks.registration import spec_refusal
from harness.conformance.checks.shape import base_metadata, require_auth_method, require_grant
from harness.conformance.context import CheckContext, Skip
from harness.conformance.model import Level, Observation, Result
from harness.conformance.registry import check, probe
from harness.core.serving import BackgroundServer
from harness.core.transcript import Exchange
from harness.jose import generate_ec, generate_rsa, public_jwks
from harness.jose.assertion import assertion_form

PLAN = "token"
#: Signing algorithms the harness can sign assertions with, in the order it prefers them.
ALGS: tuple[str, ...] = ("RS256", "ES256", "PS256")


def _key(ctx: CheckContext) -> tuple[jwk.JWK, str]:
    """A fresh signing key in an algorithm the server advertises for client assertions
    (``token_endpoint_auth_signing_alg_values_supported``; absent: RS256, the algorithm
    OIDC Discovery §3 says servers SHOULD support)."""
    advertised = ctx.discovery().get("token_endpoint_auth_signing_alg_values_supported")
    algs = [a for a in ALGS if not isinstance(advertised, list) or a in advertised]
    if not algs:
        raise Skip(f"the server advertises no assertion signing algorithm the harness has "
                   f"(token_endpoint_auth_signing_alg_values_supported {advertised})")
    alg = algs[0]
    kid = "dcr-harness-" + secrets.token_hex(4)
    key = generate_ec(kid=kid) if alg == "ES256" else generate_rsa(kid=kid, alg=alg)
    return key, alg


class _JwksApp:
    """Serves one JWK Set at ``/jwks.json`` and counts the fetches."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        self.fetches = 0
        self._lock = threading.Lock()
        self.app = Starlette(routes=[Route("/jwks.json", self._serve)])

    async def _serve(self, request: Request) -> Response:
        import json

        with self._lock:
            self.fetches += 1
        return Response(json.dumps(self.document), media_type="application/json")


@contextmanager
def serve_jwks(document: dict[str, Any]) -> Iterator[tuple[str, _JwksApp]]:
    """A JWK Set on a free loopback port for the life of the block: ``(url, app)``."""
    served = _JwksApp(document)
    with BackgroundServer(served.app, name="client-jwks") as server:
        yield f"{server.url}/jwks.json", served


def _flow(ctx: CheckContext, purpose: str, by_reference: bool) -> Observation:
    require_auth_method(ctx, "private_key_jwt")
    require_grant(ctx, "client_credentials")
    key, alg = _key(ctx)
    forged_key, _ = _key(ctx)
    token_endpoint = ctx.endpoint("token_endpoint")
    document = public_jwks([key])
    metadata = {**base_metadata(ctx, purpose, secret=False), "token_endpoint_auth_method": "private_key_jwt"}
    facts: dict[str, Any] = {"alg": alg, "by_reference": by_reference}
    ex: dict[str, Exchange] = {}

    def token(name: str, client_id: str, signer: jwk.JWK) -> None:
        # The forged key carries the real key's kid: only the signature differs (RFC 7523 §3 item 9).
        signing = signer if signer is key else _with_kid(signer, key.export_public(as_dict=True).get("kid"))
        form = {"grant_type": "client_credentials", **assertion_form(client_id, token_endpoint, signing, alg=alg)}
        _resp, ex[name] = ctx.call("POST", token_endpoint, data=form, headers={"Accept": "application/json"})

    def run() -> None:
        _resp, ex["register"], client = ctx.register(metadata)
        if client is None:
            return
        facts["client_id"] = client.client_id
        token("token", client.client_id, key)
        token("token_forged", client.client_id, forged_key)

    if by_reference:
        if not is_loopback(token_endpoint):
            raise Skip("the IdP is not on this machine: it cannot fetch a JWK Set the harness serves on loopback")
        with serve_jwks(document) as (url, served):
            metadata["jwks_uri"] = url
            run()
            facts["jwks_fetches"] = served.fetches
    else:
        metadata["jwks"] = document
        run()
    facts["metadata"] = metadata
    return Observation(ex, facts)


def _with_kid(key: jwk.JWK, kid: str | None) -> jwk.JWK:
    data = key.export(as_dict=True)
    data["kid"] = kid
    return jwk.JWK(**data)


@probe("private-key-jwt.jwks")
def probe_pkjwt_jwks(ctx: CheckContext) -> Observation:
    """Register ``private_key_jwt`` with ``jwks``, then a token request with an assertion
    signed by that key and one signed by another key with the same ``kid``."""
    return _flow(ctx, "pkjwt-jwks", by_reference=False)


@probe("private-key-jwt.jwks-uri")
def probe_pkjwt_jwks_uri(ctx: CheckContext) -> Observation:
    """The same with ``jwks_uri`` pointing at a JWK Set served on loopback."""
    return _flow(ctx, "pkjwt-jwks-uri", by_reference=True)


def _registered_or_skip(obs: Observation, how: str) -> None:
    ex = obs.ex("register")
    msg = no_answer(ex, "the private_key_jwt registration")
    if msg:
        raise Skip(msg)
    assert ex is not None and ex.status is not None
    if 200 <= ex.status < 300:
        return
    if spec_refusal(ex):
        raise Skip(f"the server refused a private_key_jwt client with {how} ({outcome(ex)}{error_description(ex)}), "
                   "as RFC 7591 §3.2.2 allows")
    raise Skip(f"the private_key_jwt registration with {how} failed ({outcome(ex)}{error_description(ex)}; "
               "REG-STATUS-201 judges registration answers)")


def _assertion_accepted(obs: Observation, how: str) -> Result:
    _registered_or_skip(obs, how)
    ex = obs.ex("token")
    msg = no_answer(ex, "the token request with a client assertion")
    if msg:
        return Result.fail(msg, expected=200, actual=None, evidence=("register", "token"))
    assert ex is not None
    data = body_json(ex)
    if ex.status == 200 and isinstance(data, dict) and isinstance(data.get("access_token"), str):
        return Result.ok(f"200 with an access token for an assertion signed {obs.facts.get('alg')}",
                         expected=200, actual=200, evidence=("register", "token"))
    return Result.fail(f"the server registered the client's keys ({how}) but refused a valid assertion "
                       f"(aud = token endpoint URL): {outcome(ex)}{error_description(ex)}",
                       expected=200, actual=outcome(ex), evidence=("register", "token"))


@check("TOKEN-PRIVATE-KEY-JWT-JWKS", "A private_key_jwt client registered with jwks gets a token with a signed assertion",
       spec="RFC7523-2.2", level=Level.MUST, plan=PLAN, probe="private-key-jwt.jwks",
       see=("RFC7523-3", "RFC7521-4.2", "RFC7591-2"))
def token_pkjwt_jwks(obs: Observation) -> Result:
    """A client registered with ``token_endpoint_auth_method: private_key_jwt`` and its
    public key in ``jwks`` (RFC 7591 §2) authenticates with ``client_assertion_type``
    ``urn:ietf:params:oauth:client-assertion-type:jwt-bearer`` and a JWT with
    ``iss``=``sub``=client_id, ``aud`` = the token endpoint URL ("MAY be used", RFC 7523
    §3), ``exp``, ``jti``: the server answers 200 (RFC 7523 §2.2, RFC 6749 §4.4.3)."""
    return _assertion_accepted(obs, "jwks")


@check("TOKEN-PRIVATE-KEY-JWT-JWKS-URI", "A private_key_jwt client registered with jwks_uri gets a token with a signed assertion",
       spec="RFC7523-2.2", level=Level.MUST, plan=PLAN, probe="private-key-jwt.jwks-uri",
       see=("RFC7523-3", "RFC7591-2"))
def token_pkjwt_jwks_uri(obs: Observation) -> Result:
    """The same with ``jwks_uri`` (RFC 7591 §2) naming a JWK Set the harness serves on
    loopback: the server fetches it and accepts the assertion (RFC 7523 §2.2)."""
    return _assertion_accepted(obs, "jwks_uri")


@check("TOKEN-PRIVATE-KEY-JWT-BAD-SIGNATURE", "A client assertion signed with another key is refused",
       spec="RFC7523-3", level=Level.MUST, plan=PLAN, probe="private-key-jwt.jwks",
       see=("RFC6749-5.2",))
def token_pkjwt_forged(obs: Observation) -> Result:
    """"The JWT MUST be digitally signed or have a Message Authentication Code applied by
    the issuer. The authorization server MUST reject JWTs with an invalid signature"
    (RFC 7523 §3 item 9): an assertion with the registered key's ``kid`` but signed by
    another key is refused, ``invalid_client`` (RFC 6749 §5.2, 400 or 401)."""
    _registered_or_skip(obs, "jwks")
    ex = obs.ex("token_forged")
    msg = no_answer(ex, "the token request with a forged assertion")
    if msg:
        return Result.fail(msg, expected="400/401 invalid_client", actual=None, evidence=("token_forged",))
    assert ex is not None and ex.status is not None
    got = outcome(ex)
    if 200 <= ex.status < 300:
        return Result.fail("an assertion signed with a key the client never registered got a token",
                           expected="400/401 invalid_client", actual=got, evidence=("register", "token_forged"))
    if ex.status in (400, 401):
        return Result.ok(f"refused: {got}{error_description(ex)}", expected="400/401 invalid_client", actual=got,
                         evidence=("token_forged",))
    return Result.fail(f"answered {got}{error_description(ex)}", expected="400/401 invalid_client", actual=got,
                       evidence=("token_forged",))
