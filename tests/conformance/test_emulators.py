"""The catalogue run against the Keycloak and Gluu emulators, and the cleanup guarantee
(every throw-away client is deleted, also when a check fails or raises midway)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from harness.conformance.checks.guide import SCENARIO_DIR
from harness.conformance.context import CheckContext
from harness.conformance.engine import run_checks
from harness.conformance.model import CheckRun, Level, Verdict
from harness.conformance.plans import PLANS, checks_for
from harness.scenario.runner import ScenarioGuideRunner

from .conftest import gluu_clients, keycloak_clients

pytestmark = pytest.mark.slow


def _by_id(run: CheckRun) -> dict[str, Any]:
    return {r.id: r for r in run.results}


def _keycloak_ctx(launcher: Any, **kw: Any) -> CheckContext:
    return CheckContext(issuer=launcher.issuer("master"), profile="keycloak", admin_user=launcher.admin_user,
                        admin_password=launcher.admin_password, launcher=launcher,
                        guide_runner=ScenarioGuideRunner(), **kw)


def _registered_by_harness(ctx: CheckContext) -> set[str]:
    """client_id of every registration the checks made that created a client (RFC 7591 2xx)."""
    out: set[str] = set()
    for ex in ctx.transcript:
        if ex.actor == "harness" and ex.method == "POST" and ex.status is not None and 200 <= ex.status < 300:
            body = json.loads(ex.response_body or "null")
            if isinstance(body, dict) and isinstance(body.get("client_id"), str) and "registration" in ex.url:
                out.add(body["client_id"])
    return out


def test_keycloak_emulator_every_plan(keycloak_emulator: Any) -> None:
    before = keycloak_clients(keycloak_emulator)
    ctx = _keycloak_ctx(keycloak_emulator)
    run = run_checks(ctx, checks_for(list(PLANS)), plans=list(PLANS))
    r = _by_id(run)
    assert len(run.results) == len(checks_for(list(PLANS)))
    assert [x.id for x in run.failed_musts] == []
    quirked = {x.id for x in run.results if x.level is Level.QUIRK}
    assert {"REG-UNKNOWN-METADATA-IGNORED", "TOKEN-WRONG-SECRET-401", "MGMT-UPDATE-FULL-REPLACEMENT",
            "REG-CACHE-NO-STORE"} <= quirked
    assert all(r[i].verdict is Verdict.WARN for i in quirked)
    assert r["REG-STATUS-201"].verdict is Verdict.PASS
    assert r["REG-IAT-COUNT-ENFORCED"].verdict is Verdict.PASS
    assert r["MGMT-UPDATE-ROTATES-RAT"].actual == {"rotated": True, "read": 200}
    assert r["JWT-IDP-TOKEN"].verdict is Verdict.PASS
    assert r["GUIDE-GATEWAY-CALL"].verdict is Verdict.PASS
    assert r["GUIDE-IDP-CONFIGURATION"].verdict is Verdict.SKIP
    assert run.cleanup["not_deleted"] == [] and run.cleanup["still_tracked"] == []
    # Every client the checks registered (guide request, count, expiry, management, token
    # probes) was deleted, by a check or by the cleanup.
    created = _registered_by_harness(ctx)
    assert len(created) >= 4
    assert sorted(run.cleanup["deleted"]) == sorted(created)
    assert keycloak_clients(keycloak_emulator) == before
    assert run.guide_exchanges, "the guide flow's exchanges are kept for the sequence diagram"


def test_keycloak_without_admin_credentials_skips_token_creation(keycloak_emulator: Any) -> None:
    ctx = CheckContext(issuer=keycloak_emulator.issuer("master"), profile="keycloak")
    run = run_checks(ctx, checks_for(["registration"]))
    r = _by_id(run)
    assert r["REG-IAT-COUNT-ENFORCED"].verdict is Verdict.SKIP
    assert "admin credentials" in r["REG-IAT-COUNT-ENFORCED"].message
    # Anonymous registration is refused by Keycloak's Trusted Hosts policy with an RFC 6750
    # answer — the server's right (issue 16: the harness brought no token), so SKIP with the
    # IdP's own words, and the checks of the registered client SKIP naming it.
    assert r["REG-STATUS-201"].verdict is Verdict.SKIP
    assert "403 insufficient_scope" in r["REG-STATUS-201"].message
    assert r["REG-CLIENT-ID"].verdict is Verdict.SKIP and "REG-STATUS-201" in r["REG-CLIENT-ID"].message
    assert run.failed_musts == []


def test_gluu_emulator_default_configuration(gluu_emulator: Any) -> None:
    before = gluu_clients(gluu_emulator)
    plans = ["discovery", "registration", "management", "token", "gateway-jwt", "guide"]
    ctx = CheckContext(issuer=gluu_emulator.issuer(), profile="gluu", launcher=gluu_emulator,
                       admin_user=gluu_emulator.admin_user, admin_password=gluu_emulator.admin_password,
                       guide_runner=ScenarioGuideRunner())
    run = run_checks(ctx, checks_for(plans), plans=plans)
    r = _by_id(run)
    assert (r["REG-STATUS-201"].verdict, r["REG-STATUS-201"].level) == (Verdict.WARN, Level.QUIRK)
    assert "GluuProfile.registration_status" in r["REG-STATUS-201"].message
    assert (r["MGMT-READ-BAD-RAT-401"].level, r["MGMT-READ-BAD-RAT-401"].actual.split()[0]) == (Level.QUIRK, "400")
    assert r["REG-BAD-IAT-401"].verdict is Verdict.SKIP  # open registration
    assert r["DISC-JWKS-EC-COORDINATES"].level is Level.QUIRK
    # Default jwksAlgorithmsSupported publishes the broken EC key: Tyk refuses every token.
    assert r["JWT-IDP-TOKEN"].verdict is Verdict.FAIL
    assert "bytes" in r["JWT-IDP-TOKEN"].message
    assert r["TOKEN-JWT-GATEWAY-IDENTITY"].message.startswith("no sub, but client_id")
    if (SCENARIO_DIR / "gluu.yaml").is_file():
        # The guide restricts jwksAlgorithmsSupported to RSA first: then the gateway accepts the token.
        assert r["GUIDE-IDP-CONFIGURATION"].verdict is Verdict.PASS
        assert r["GUIDE-GATEWAY-CALL"].verdict is Verdict.PASS
        assert r["GUIDE-INITIAL-ACCESS-TOKEN"].verdict is Verdict.SKIP
    else:
        assert r["GUIDE-IDP-START"].verdict is Verdict.SKIP and "gluu.yaml" in r["GUIDE-IDP-START"].message
    assert [x.id for x in run.failed_musts] == ["JWT-IDP-TOKEN"]
    assert run.cleanup["not_deleted"] == []
    assert gluu_clients(gluu_emulator) == before


def test_gluu_with_the_guides_jwks_fix_passes_the_gateway() -> None:
    from harness.products.gluu.emulator.launcher import GluuEmulatorLauncher
    from harness.products.gluu.profile import GUIDE_RSA_ONLY_JWKS_ALGORITHMS

    with GluuEmulatorLauncher(jwks_algorithms_supported=GUIDE_RSA_ONLY_JWKS_ALGORITHMS) as gluu:
        run = run_checks(CheckContext(issuer=gluu.issuer(), profile="gluu"),
                         checks_for(["discovery", "gateway-jwt"]))
    r = _by_id(run)
    assert r["DISC-JWKS-EC-COORDINATES"].verdict is Verdict.PASS
    assert r["JWT-IDP-TOKEN"].verdict is Verdict.PASS
    assert run.failed_musts == []


def test_client_is_deleted_when_a_probe_raises_midway(keycloak_emulator: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from harness.conformance.checks import management

    def explode(*a: Any, **kw: Any) -> Any:
        raise RuntimeError("simulated crash after registering")

    monkeypatch.setattr(management, "token_request", explode)
    before = keycloak_clients(keycloak_emulator)
    run = run_checks(_keycloak_ctx(keycloak_emulator), checks_for(["management"]))
    assert all("internal error in the harness" in x.message and "simulated crash" in x.message for x in run.results)
    assert {x.verdict for x in run.results if x.declared_level is Level.MUST} == {Verdict.FAIL}
    # The management client, and the base client whose token MGMT-RAT-OTHER-CLIENT tries.
    assert len(run.cleanup["deleted"]) == 2
    assert keycloak_clients(keycloak_emulator) == before


def test_clients_are_deleted_when_the_run_is_interrupted(keycloak_emulator: Any) -> None:
    before = keycloak_clients(keycloak_emulator)
    ctx = _keycloak_ctx(keycloak_emulator)

    def interrupt(result: Any) -> None:
        if result.id == "REG-CLIENT-ID":
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_checks(ctx, checks_for(["registration"]), on_result=interrupt)
    assert ctx.created == [] and len(ctx.deleted) == 1
    assert keycloak_clients(keycloak_emulator) == before
