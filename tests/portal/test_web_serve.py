"""``dcr-harness serve`` without a browser: the guide's objects are set up through the
scenario steps, the pages see them, and the summary names the URLs and credentials."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest
from rich.console import Console
from starlette.testclient import TestClient

from harness.cli.cmd_serve import build_world, find_guide_scenario, print_summary, seed
from harness.core.errors import ConfigError
from harness.core.redact import Redactor
from harness.tyk.portal.app import create_app


def args(tmp_path: Path, **kw: object) -> argparse.Namespace:
    base = {"idp": "emulator", "idp_version": None, "guide": "keycloak", "scenario": None, "until": "create-developer",
            "host": "127.0.0.1", "portal_port": 0,
            "gateway_port": 0, "admin_key": "serve-admin-key-0123456789", "report_dir": tmp_path}
    return argparse.Namespace(**{**base, **kw})


def test_serve_seeds_the_keycloak_guide_up_to_the_developer(tmp_path: Path) -> None:
    served = build_world(args(tmp_path), Redactor())
    with served.world as w:
        seed(served)
        svc = w.portal
        assert svc is not None
        assert [a["name"] for a in svc.list_apis()] == ["Keycloak API"]
        assert [p["name"] for p in svc.list_policies()] == ["Keycloak Policy"]
        (entry,) = svc.dcr_catalogue()
        assert entry.name == "Keycloak API" and entry.config.override
        assert entry.config.dcr_options.access_token  # the guide's initial access token
        assert [d.email for d in svc.list_developers()] == ["developer@example.com"]
        assert svc.authenticate_developer("developer@example.com", "developer-password-1") is not None
        for dev in svc.list_developers():
            assert svc.list_clients(dev.id) == []  # the wizard is left to the person
        assert served.evidence[-1][0] == "Add a developer"

        console = Console(record=True, width=400, soft_wrap=True)
        print_summary(console, served)
        out = console.export_text()
        assert f"Dashboard:         {w.portal_url}/dashboard/" in out
        assert "admin key:       serve-admin-key-0123456789" in out
        assert f"Developer Portal:  {w.portal_url}/portal/" in out
        assert "developer login:   developer@example.com / developer-password-1" in out
        assert f"API on gateway:    {w.gateway_url}/keycloak-api/" in out
        assert entry.config.dcr_options.access_token not in out

        page = TestClient(create_app(svc))
        m = re.search(r'name="csrf_token" value="([^"]+)"', page.get("/dashboard/login").text)
        assert m is not None
        token = m.group(1)
        r = page.post("/dashboard/login", data={"csrf_token": token, "admin_key": "serve-admin-key-0123456789"})
        assert r.status_code == 200 and "Keycloak API" in r.text


def test_serve_without_guide_starts_empty(tmp_path: Path) -> None:
    served = build_world(args(tmp_path, guide=None), Redactor())
    assert served.scenario is None
    with served.world as w:
        assert w.portal is not None and w.portal.list_apis() == []
        console = Console(record=True, width=400, soft_wrap=True)
        print_summary(console, served)
        assert "No guide objects were created" in console.export_text()


def test_serve_rejects_an_unknown_idp_kind(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="--idp 'keycloak' is not a launcher"):
        build_world(args(tmp_path, idp="keycloak"), Redactor())


def test_guide_scenarios_are_found() -> None:
    assert find_guide_scenario("keycloak").name == "keycloak.yaml"
    with pytest.raises(ConfigError, match=r"scenarios/nope.yaml"):
        find_guide_scenario("nope")


def test_serve_until_discovery_leaves_the_dashboard_to_the_person(tmp_path: Path) -> None:
    served = build_world(args(tmp_path), Redactor())
    with served.world as w:
        seed(served, "discovery")
        svc = w.portal
        assert svc is not None
        assert svc.list_apis() == [] and svc.list_developers() == []
        iat = served.facts["initial_access_token"]
        assert iat
        console = Console(record=True, width=400, soft_wrap=True)
        print_summary(console, served)
        out = console.export_text()
        assert f"Client Registration Endpoint: {served.facts['discovery.registration_endpoint']}" in out
        assert f"JWKS URI:                     {served.facts['discovery.jwks_uri']}" in out
        assert f"Initial Registration Access Token: {iat}" in out
        assert "developer (Add developer):    developer@example.com / developer-password-1" in out


def test_serve_until_must_be_a_setup_step(tmp_path: Path) -> None:
    served = build_world(args(tmp_path), Redactor())
    with served.world:
        with pytest.raises(ConfigError, match="--until 'oauth-client-wizard' is not one of this guide's setup steps"):
            seed(served, "oauth-client-wizard")


def test_serve_seeds_the_gluu_guide_and_names_its_redirect_url(tmp_path: Path) -> None:
    served = build_world(args(tmp_path, guide="gluu"), Redactor())
    with served.world as w:
        seed(served)
        svc = w.portal
        assert svc is not None
        (entry,) = svc.dcr_catalogue()
        assert (entry.name, entry.config.dcr_options.provider) == ("Gluu API", "gluu")
        console = Console(record=True, width=400, soft_wrap=True)
        print_summary(console, served)
        out = console.export_text()
        assert "client name 'GluuClient' and Redirect URLs 'https://client.example.com/callback'" in out


def test_serve_applies_the_scenarios_gateway_clock_and_network_faults(tmp_path: Path) -> None:
    """``serve --scenario`` builds the same world as ``run``: the gateway's clock offset
    (clock skew) and the fault proxy in front of the IdP are not silently dropped."""
    import time

    from harness.scenario.faulty_idp import FaultyIdp

    root = Path(__file__).resolve().parents[2] / "scenarios" / "broken"
    skew = build_world(args(tmp_path / "a", guide=None, scenario=str(root / "keycloak-clock-skew.yaml")), Redactor())
    assert -121 < skew.world.clock() - time.time() < -119
    slow = build_world(args(tmp_path / "b", guide=None, scenario=str(root / "keycloak-idp-slow.yaml")), Redactor())
    assert isinstance(slow.world.idp, FaultyIdp)
