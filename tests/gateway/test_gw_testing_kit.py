"""The gateway testing kit (harness.tyk.gateway.testing): the gateway is configured only
through Tyk's REST API and called over HTTP; the JWK Set server serves named sets."""

from __future__ import annotations

import httpx
import pytest

from harness.core.errors import ConfigError
from harness.jose import sign
from harness.tyk.gateway.testing import (
    GatewayKit,
    GatewayUnderTest,
    HarnessGateway,
    JwksDocument,
    JwksServer,
    TykRestApi,
    make_keys,
    policy,
)


def test_kit_serves_a_jwt_api_configured_through_the_rest_api() -> None:
    keys = make_keys()
    target = HarnessGateway()
    with GatewayKit(gateway=target, jwks={"good": JwksDocument.of(keys.rsa)}, keys=keys) as kit:
        assert isinstance(target, GatewayUnderTest)
        api = kit.api(api_id="kit-api", listen_path="/kit/", jwks="good", default_policies=["kit-policy"])
        kit.load([api], {"kit-policy": policy(name="kit policy", api_ids=["kit-api"])})
        token = sign({"sub": "alice", "exp": keys.now + 300}, keys.rsa)
        r = httpx.get(kit.base_url + "/kit/echo", headers={"Authorization": "Bearer " + token}, timeout=10)
        assert (r.status_code, r.json()["path"]) == (200, "/echo")
        assert kit.jwks.count("good") == 1
        # The same ids again: PUT, not POST; the change is live after the reload.
        kit.load([{**api, "jwt_signing_method": "ecdsa"}], {"kit-policy": policy(name="kit policy", api_ids=[])})
        r = httpx.get(kit.base_url + "/kit/echo", headers={"Authorization": "Bearer " + token}, timeout=10)
        assert (r.status_code, r.json()) == (403, {"error": "Key not authorized: Unexpected signing method"})
        assert target.gateway.policies["kit-policy"].raw["id"] == "kit-policy"
    with pytest.raises(ConfigError, match="not started"):
        _ = target.base_url


def test_rest_api_refusals_are_errors() -> None:
    with HarnessGateway() as target:
        with pytest.raises(ConfigError, match="refused API 'bad'.*400"):
            target.load([{"api_id": "bad", "enable_jwt": "yes"}], {})
        with pytest.raises(ConfigError, match="403"):
            TykRestApi(target.base_url, "not-the-secret").load([], {})


def test_kit_without_gateway_and_before_start() -> None:
    kit = GatewayKit()
    with pytest.raises(ConfigError, match="not started"):
        kit.jwks_url()
    with kit:
        assert kit.jwks_url().endswith("/jwks") and kit.jwks_url("x").endswith("/jwks/x")
        with pytest.raises(ConfigError, match="runs no gateway"):
            _ = kit.base_url


def test_jwks_server_names_counts_and_resets() -> None:
    server = JwksServer({"a": b'{"keys": [1]}', "b": JwksDocument(b"<html>", status=502)})
    with GatewayKit() as kit:
        kit.jwks.reset(server.documents)
        assert httpx.get(kit.jwks_url("a"), timeout=10).content == b'{"keys": [1]}'
        assert httpx.get(kit.jwks_url("b"), timeout=10).status_code == 502
        assert httpx.get(kit.jwks_url("c"), timeout=10).status_code == 404
        assert httpx.get(kit.jwks_url(), timeout=10).json() == {"keys": []}
        kit.jwks.set("a", b'{"keys": []}')
        assert httpx.get(kit.jwks_url("a"), timeout=10).json() == {"keys": []}
        assert (kit.jwks.count("a"), kit.jwks.count("b"), kit.jwks.count("c")) == (2, 1, 0)
        kit.jwks.reset()
        assert kit.jwks.count("a") == 0 and httpx.get(kit.jwks_url("a"), timeout=10).status_code == 404
