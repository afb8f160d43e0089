"""The World runs its gateway through a gateway launcher, and trusts the IdP's CA by
a constructor option (no session replaced from outside)."""

from __future__ import annotations

from pathlib import Path

import requests

from harness.launchers.registry import make_launcher
from harness.scenario.world import World
from harness.tyk.gateway import Gateway
from harness.tyk.gateway.launcher import HarnessGatewayLauncher


def test_the_world_gateway_comes_from_a_launcher() -> None:
    idp = make_launcher("emulator", profile="keycloak")
    world = World(idp, tyk_conf={"secret": "world-secret-1"})
    assert isinstance(world.gateway_launcher, HarnessGatewayLauncher)
    assert world.gateway is None  # not started
    with world:
        assert isinstance(world.gateway, Gateway)
        assert world.gateway_url == world.gateway_launcher.base_url
        r = requests.get(world.gateway_url + "/tyk/apis", headers={"x-tyk-authorization": "world-secret-1"}, timeout=10)
        assert r.status_code == 200
    assert not idp._server  # noqa: SLF001 - the world started the IdP and stopped it again


def test_the_idp_ca_bundle_is_trusted_only_by_the_harness_idp_clients(tmp_path: Path) -> None:
    idp = make_launcher("emulator", profile="keycloak", report_dir=tmp_path, tls="self-signed")
    assert idp.ca_bundle
    world = World(idp, idp_ca_bundle=idp.ca_bundle, manage_idp=False)
    assert world.session("admin", "idp").verify == idp.ca_bundle
    assert world.session("portal", "gateway").verify is True
    assert World(idp, manage_idp=False).session("admin", "idp").verify is True
    with idp:
        doc = world.session("harness", "idp").get(idp.issuer("master") + "/.well-known/openid-configuration").json()
        assert doc["issuer"].startswith("https://")
