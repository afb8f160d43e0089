"""The quirks that apply are those of the product version under test: a Gluu 4.4
emulator is judged with 4.4's quirks, a Keycloak 26.4.7 emulator with 26.4's — through
the engine, the CLI (``check --idp-version``) and a context built from a launcher."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from harness.cli.main import main
from harness.conformance.context import CheckContext
from harness.conformance.engine import run_checks
from harness.conformance.model import CheckRun, Level, Verdict
from harness.conformance.plans import checks_for
from harness.products.gluu.emulator.launcher import GluuEmulatorLauncher
from harness.products.gluu.profile import GluuProfile
from harness.products.keycloak.emulator.launcher import KeycloakEmulatorLauncher
from harness.products.keycloak.profile import KeycloakProfile

pytestmark = pytest.mark.slow

PLANS = ["discovery", "registration", "management", "token"]


def _by_id(run: CheckRun) -> dict[str, Any]:
    return {r.id: r for r in run.results}


@pytest.fixture(scope="module", params=["4.2", "4.4"])
def gluu_run(request: pytest.FixtureRequest) -> Iterator[tuple[str, dict[str, Any]]]:
    """The default plans against a Gluu emulator of each release (context from the launcher)."""
    with GluuEmulatorLauncher(version=request.param) as gluu:
        ctx = CheckContext(issuer=gluu.issuer(), profile="gluu", launcher=gluu)
        assert ctx.idp_profile == GluuProfile.for_version(request.param)
        yield request.param, _by_id(run_checks(ctx, checks_for(PLANS), plans=PLANS))


def test_gluu_grant_autofix_quirk_only_on_4_2(gluu_run: tuple[str, dict[str, Any]]) -> None:
    version, r = gluu_run
    echoed = r["REG-METADATA-ECHOED"]
    if version == "4.2":  # autofix adds implicit: a declared quirk
        assert (echoed.verdict, echoed.level) == (Verdict.WARN, Level.QUIRK)
        assert "GluuProfile.grant_type_autofix" in echoed.message
    else:  # 4.4 echoes the grants as asked
        assert (echoed.verdict, echoed.level) == (Verdict.PASS, Level.SHOULD), echoed.message


def test_gluu_ec_quirk_names_the_release_serialisation(gluu_run: tuple[str, dict[str, Any]]) -> None:
    version, r = gluu_run
    ec = r["DISC-JWKS-EC-COORDINATES"]
    assert (ec.verdict, ec.level) == (Verdict.WARN, Level.QUIRK)  # the default key seed is short in both
    assert f"Gluu {version} " in ec.message
    assert ("toByteArray" in ec.message) is (version == "4.2")
    assert ("does not left-pad" in ec.message) is (version == "4.4")


def test_gluu_4_4_judged_with_4_2_quirks_differs() -> None:
    """The same 4.4 server, judged with the 4.2 profile: the autofix quirk is declared
    but not observed (noted on the PASS)."""
    with GluuEmulatorLauncher(version="4.4") as gluu:
        ctx = CheckContext(issuer=gluu.issuer(), idp_profile=GluuProfile.for_version("4.2"))
        r = _by_id(run_checks(ctx, checks_for(["registration"])))
    assert ctx.profile == "gluu"
    echoed = r["REG-METADATA-ECHOED"]
    assert echoed.verdict is Verdict.PASS and "declared" in echoed.message and "not observed" in echoed.message


@pytest.fixture(scope="module")
def keycloak_26_4() -> Iterator[KeycloakEmulatorLauncher]:
    with KeycloakEmulatorLauncher(version="26.4.7") as kc:
        yield kc


def _check(kc: KeycloakEmulatorLauncher, tmp_path: Path, *extra: str) -> dict[str, Any]:
    out = tmp_path / "r"
    rc = main(["check", "--issuer", kc.issuer("master"), "--admin-user", "admin", "--admin-password", "admin",
               "--plan", "registration,token", "--report-dir", str(out), *extra])
    data = json.loads((out / "report.json").read_text())
    return {"rc": rc, **{r["id"]: r for r in data["results"]}}


def test_check_with_the_version_applies_26_4_quirks(keycloak_26_4: KeycloakEmulatorLauncher, tmp_path: Path) -> None:
    r = _check(keycloak_26_4, tmp_path, "--idp-version", "26.4.7")
    assert r["rc"] == 0
    method = r["TOKEN-WRONG-METHOD-401"]
    assert (method["verdict"], method["level"], method["actual"]) == ("WARN", "QUIRK", "200")
    assert "accepts client_secret_basic and client_secret_post" in method["message"]
    echoed = r["REG-METADATA-ECHOED"]
    assert (echoed["verdict"], echoed["level"]) == ("WARN", "QUIRK")
    assert "token_endpoint_auth_method" in echoed["actual"]


def test_check_without_the_version_judges_26_4_with_26_7_quirks(keycloak_26_4: KeycloakEmulatorLauncher,
                                                                 tmp_path: Path) -> None:
    r = _check(keycloak_26_4, tmp_path)
    method = r["TOKEN-WRONG-METHOD-401"]
    # 26.7's quirk expects 401 unauthorized_client: 26.4's 200 is a plain SHOULD failure
    assert (method["verdict"], method["level"], method["actual"]) == ("WARN", "SHOULD", "200")
    echoed = r["REG-METADATA-ECHOED"]
    assert (echoed["verdict"], echoed["level"]) == ("WARN", "SHOULD")


def test_check_of_26_7_keeps_26_7_verdicts(tmp_path: Path) -> None:
    with KeycloakEmulatorLauncher(version="26.7.3") as kc:
        r = _check(kc, tmp_path, "--idp-version", "26.7.3")
    method = r["TOKEN-WRONG-METHOD-401"]
    assert (method["verdict"], method["level"], method["actual"]) == ("WARN", "QUIRK", "401 unauthorized_client")
    # The base registration is shaped by discovery (issue 16): Keycloak rewrites its response
    # types (the implicit/hybrid mapping of DescriptionConverter), and 26.7's quirk explains it.
    echoed = r["REG-METADATA-ECHOED"]
    assert (echoed["verdict"], echoed["level"]) == ("WARN", "QUIRK"), echoed["message"]
    assert echoed["actual"] and set(echoed["actual"]) <= {"grant_types", "response_types"}


def test_context_from_a_launcher_takes_its_version(keycloak_26_4: KeycloakEmulatorLauncher) -> None:
    ctx = CheckContext(issuer=keycloak_26_4.issuer("master"), profile="keycloak", launcher=keycloak_26_4)
    assert ctx.idp_profile == KeycloakProfile.for_version("26.4.7")
    # another product's name ignores the launcher's version; generic has no profile
    assert CheckContext(issuer="http://x/", profile="gluu", launcher=keycloak_26_4).idp_profile == GluuProfile()
    assert CheckContext(issuer="http://x/", profile="generic", launcher=keycloak_26_4).idp_profile is None
