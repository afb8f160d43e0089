"""The scenario fields that reproduce faults between the products (issue 18 item 2):
``gateway.clock_offset_seconds``, ``idp.registration_policies``, ``idp.network_faults`` and
``gateway_call.after_key_rotation``. Their broken scenarios (scenarios/broken/keycloak-clock-skew,
-max-clients, -idp-slow, -key-rotated) run in tests/scenario/test_broken.py; here: what they
refuse."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.core.errors import ConfigError
from harness.launchers.registry import make_launcher
from harness.scenario.loader import load_scenario, parse_scenario
from harness.scenario.runner import build_world, with_network_faults

ROOT = Path(__file__).resolve().parents[2]
BASE = "name: t\napi: {name: A}\npolicy: {name: P}\ncatalogue: {name: C}\n"


def test_a_gateway_without_a_clock_to_move_is_an_error_not_a_silent_pass(tmp_path: Path) -> None:
    """The real Tyk runs on this machine's clock: the clock-skew scenario cannot run on it,
    and says so before anything starts (no Tyk binary needed to refuse it)."""
    sc = load_scenario(ROOT / "scenarios" / "broken" / "keycloak-clock-skew.yaml")
    idp = make_launcher("emulator", profile="keycloak", report_dir=tmp_path)
    with pytest.raises(ConfigError) as info:
        build_world(sc, idp, tmp_path, gateway="tyk-oss")
    assert info.value.message.startswith("gateway.clock_offset_seconds: the tyk-oss gateway runs on this "
                                         "machine's clock")
    assert info.value.hint == "use --gateway harness to move the gateway's clock"


def test_the_harness_gateway_runs_offset(tmp_path: Path) -> None:
    sc = parse_scenario(BASE + "gateway: {clock_offset_seconds: -120}\n")
    idp = make_launcher("emulator", profile="keycloak", report_dir=tmp_path)
    world, _ = build_world(sc, idp, tmp_path)
    import time

    assert -121 < world.clock() - time.time() < -119


def test_registration_policies_are_keycloak_only() -> None:
    with pytest.raises(ConfigError) as info:
        parse_scenario(BASE + "idp: {profile: gluu, registration_policies: {max_clients: 1}}\n")
    assert "registration_policies are Keycloak's client-registration policies" in str(info.value)
    with pytest.raises(ConfigError):
        parse_scenario(BASE + "idp: {registration_policies: {max_clients: 0}}\n")


def test_network_faults_put_a_proxy_in_front_of_the_idp_for_this_run_only(tmp_path: Path) -> None:
    sc = load_scenario(ROOT / "scenarios" / "broken" / "keycloak-idp-slow.yaml")
    inner = make_launcher("emulator", profile="keycloak", report_dir=tmp_path)
    assert with_network_faults(parse_scenario(BASE), inner) is inner
    faulty = with_network_faults(sc, inner)
    with faulty:
        assert faulty.base_url != inner.base_url and faulty.issuer("r").endswith("/realms/r")
        assert faulty.issuer("r").startswith(faulty.base_url)
        import requests

        disc = requests.get(faulty.issuer("master") + "/.well-known/openid-configuration", timeout=10).json()
        assert disc["registration_endpoint"].startswith(faulty.base_url), "the IdP's URLs name the proxy"
    assert getattr(faulty, "proxy", "gone") is None
