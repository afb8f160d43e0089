"""Product decisions the scenario layer asks the products for (harness.products.detect)
instead of testing product names: the guide's admin step, the IdP's title, the profile
an import guesses; and the scenario's version reaching the Keycloak emulator."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from harness.products.keycloak.profile import KeycloakProfile
from harness.scenario.importer import _guess_profile
from harness.scenario.loader import load_scenario
from harness.scenario.runner import make_idp
from harness.scenario.steps import idp_start, plan_for

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


@pytest.mark.parametrize(("guide", "admin_step", "order"), [
    # Keycloak guide: the initial access token first; discovery is only a note further on.
    ("keycloak.yaml", ("initial-access-token", "Keycloak: create an initial access token"),
     ["idp-start", "initial-access-token", "discovery"]),
    # Gluu guide: registration endpoint and well-known URL first, then jwksAlgorithmsSupported.
    ("gluu.yaml", ("idp-configuration", "Gluu: OxAuth configuration (jwksAlgorithmsSupported)"),
     ["idp-start", "discovery", "idp-configuration"]),
])
def test_each_guide_has_its_products_admin_step_in_the_guides_order(guide: str, admin_step: tuple[str, str],
                                                                      order: list[str]) -> None:
    ctx = SimpleNamespace(scenario=load_scenario(SCENARIOS / guide))
    steps = plan_for(ctx)  # type: ignore[arg-type]  # plan_for reads only ctx.scenario
    assert [s.id for s in steps[:3]] == order
    assert next(s for s in steps if s.id == admin_step[0]).title == admin_step[1]


@pytest.mark.parametrize(("profile", "title"), [("keycloak", "Keycloak"), ("gluu", "Gluu")])
def test_idp_start_names_the_product(profile: str, title: str) -> None:
    idp = SimpleNamespace(profile=profile, version="9.9", kind="emulator", base_url="http://idp",
                          issuer=lambda realm="master": "http://idp/i")
    ctx = SimpleNamespace(world=SimpleNamespace(idp=idp), scenario=SimpleNamespace(idp=SimpleNamespace(realm="m", network_faults=[])),
                          facts={})
    assert idp_start(ctx) == f"{title} 9.9 (emulator) at http://idp"  # type: ignore[arg-type]


def test_scenario_version_reaches_the_keycloak_emulator(tmp_path: Path) -> None:
    scenario = load_scenario(SCENARIOS / "keycloak.yaml")
    scenario.idp.version = "26.4.7"
    launcher = make_idp(scenario, "emulator", tmp_path)
    assert launcher.version == "26.4.7"
    assert launcher.wire_profile == KeycloakProfile.for_version("26.4.7")  # type: ignore[attr-defined]


@pytest.mark.parametrize(("provider", "urls", "profile"), [
    ("gluu", ("https://kc.example/realms/a/x",), "keycloak"),  # the URLs win: a wrong provider is the customer's
    ("gluu", ("https://idp.example/register",), "gluu"),  # nothing in the URLs: the DCR provider names it
    ("other", ("https://idp.example/oxauth/restv1/register",), "gluu"),
    ("okta", ("https://idp.example/jans-auth/restv1/jwks",), "gluu"),
    ("", ("https://kc.example/realms/demo/clients-registrations/openid-connect",), "keycloak"),
    ("other", ("https://idp.example/register", "https://idp.example"), "keycloak"),  # nothing tells: Keycloak
])
def test_import_guesses_the_product(provider: str, urls: tuple[str, ...], profile: str) -> None:
    assert _guess_profile(provider, urls)[0] == profile
