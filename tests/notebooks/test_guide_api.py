"""harness.notebook.guide.Guide: one step at a time, in order, on the same world and steps as
``dcr-harness run``; facts and exchanges safe to show; everything stopped on close."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import requests

from harness.conformance.model import Verdict
from harness.core.errors import ConfigError
from harness.notebook.guide import Guide, GuideError, StepOutcomeError, resolve_scenario_path
from harness.products.gluu.admin import GluuAdmin
from harness.products.gluu.emulator.launcher import GluuEmulatorLauncher
from tests.notebooks.conftest import ROOT

KEYCLOAK = ROOT / "scenarios" / "keycloak.yaml"
GLUU_EC_BUG = ROOT / "scenarios" / "gluu-ec-bug.yaml"

KEYCLOAK_PLAN = ["idp-start", "initial-access-token", "discovery", "dashboard-settings", "create-api",
                 "create-policy", "api-default-policy", "catalogue-entry", "catalogue-dcr-settings",
                 "create-developer", "oauth-client-wizard", "token-request", "gateway-call", "delete-client"]


@pytest.fixture
def guide(tmp_path: Path):
    with Guide.open(KEYCLOAK, idp="emulator", report_dir=tmp_path / "guide") as g:
        yield g


@pytest.fixture(scope="module")
def through_gateway(tmp_path_factory: pytest.TempPathFactory):
    """A Keycloak guide run up to (and including) the gateway call."""
    with Guide.open(KEYCLOAK, idp="emulator", report_dir=tmp_path_factory.mktemp("through")) as g:
        g.run_through("gateway-call")
        yield g


def test_steps_are_the_runners_plan(guide: Guide) -> None:
    assert [s.id for s in guide.steps] == KEYCLOAK_PLAN
    assert guide.next_step == "idp-start"
    assert guide.results == []


def test_a_later_step_first_is_refused_naming_the_next_one(guide: Guide) -> None:
    with pytest.raises(GuideError, match=r"step 'discovery' cannot run yet: run 'idp-start' first"):
        guide.run("discovery")
    assert guide.next_step == "idp-start"  # nothing ran


def test_unknown_step_lists_the_real_ones(guide: Guide) -> None:
    with pytest.raises(GuideError, match=r"this guide has no step 'idp-configuration'; its steps are: idp-start, "):
        guide.run("idp-configuration")


def test_a_passed_step_does_not_run_twice(guide: Guide) -> None:
    first = guide.run("idp-start")
    assert first.verdict is Verdict.PASS
    assert first.evidence.startswith("Keycloak 26.7.3 (emulator) at http://127.0.0.1:")
    with pytest.raises(GuideError, match="step 'idp-start' has already run"):
        guide.run("idp-start")
    assert guide.next_step == "initial-access-token"


def test_run_without_an_id_runs_the_next_step(guide: Guide) -> None:
    assert guide.run().id == "idp-start"
    assert guide.run().id == "initial-access-token"
    assert [r.id for r in guide.results] == ["idp-start", "initial-access-token"]


def test_each_step_keeps_its_own_exchanges(through_gateway: Guide) -> None:
    g = through_gateway
    wizard = g.exchanges("oauth-client-wizard")
    registration = [e for e in wizard if e.actor == "portal" and e.target == "idp"]
    assert len(registration) == 1
    assert registration[0].method == "POST"
    assert registration[0].url == g.facts["discovery.registration_endpoint"]
    assert registration[0].status == 201
    assert all(e.step == "oauth-client-wizard" for e in wizard)
    assert g.exchanges("dashboard-settings") == []
    assert len(g.exchanges()) == sum(len(r.exchanges) for r in g.results)


def test_facts_mask_secrets_and_secret_gives_the_raw_value(through_gateway: Guide) -> None:
    g = through_gateway
    facts = g.facts
    for name in ("initial_access_token", "client.secret", "access_token"):
        assert facts[name].startswith("***redacted:"), name
        raw = g.secret(name)
        assert raw and not raw.startswith("***") and raw not in json.dumps(facts, default=str)
    assert facts["client"]["client_secret"].startswith("***redacted:")
    assert facts["token_response"]["access_token"] == facts["access_token"]
    assert facts["idp.issuer"] == g.idp.issuer("master")
    with pytest.raises(GuideError, match="'idp.issuer' is not a secret fact"):
        g.secret("idp.issuer")


def test_no_exchange_holds_a_secret(through_gateway: Guide) -> None:
    g = through_gateway
    dump = json.dumps([e.to_dict() for e in g.exchanges()])
    for name in ("initial_access_token", "client.secret", "access_token"):
        assert g.secret(name) not in dump


def test_tokens_are_decoded_without_their_signature(through_gateway: Guide) -> None:
    tokens = through_gateway.tokens()
    assert sorted(tokens) == ["access_token", "initial_access_token"]
    access = tokens["access_token"]
    assert access.header["alg"] == "RS256" and access.header["typ"] == "JWT"
    assert access.claims["azp"] == through_gateway.facts["client.id"]
    assert access.claims["iss"] == through_gateway.facts["idp.issuer"]
    assert "pol" not in access.claims
    assert not hasattr(access, "signature")


def test_last_decision_is_the_gateways(through_gateway: Guide) -> None:
    d = through_gateway.last_decision
    assert d is through_gateway.gateway.last_decision
    assert (d.status, d.stage, d.allowed) == (200, "proxy", True)
    assert d.identity == through_gateway.tokens()["access_token"].claims["sub"]
    assert d.policies == (through_gateway.facts["policy.id"],)


def test_sequence_diagram_of_the_whole_flow(through_gateway: Guide) -> None:
    svg = through_gateway.sequence_svg()
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    for label in ("developer", "admin", "portal", "IdP", "gateway", "POST /realms/master/clients-registrations"):
        assert label in svg


def test_run_through_stops_at_the_step(guide: Guide) -> None:
    done = guide.run_through("discovery")
    assert [r.id for r in done] == ["idp-start", "initial-access-token", "discovery"]
    assert all(r.verdict is Verdict.PASS for r in done)
    assert guide.next_step == "dashboard-settings"


def test_a_failed_step_raises_with_cause_and_fix_then_blocks_until_rerun(tmp_path: Path) -> None:
    launcher = GluuEmulatorLauncher(version="4.2", key_seed=4)
    with Guide.open(GLUU_EC_BUG, launcher=launcher, report_dir=tmp_path) as g:
        g.run_through("token-request")
        with pytest.raises(StepOutcomeError) as info:
            g.run("gateway-call")
        message = str(info.value)
        assert "step gateway-call failed:" in message
        assert "has x of 33 bytes, expected 32 for P-256" in message
        assert "Fix: Gluu: restrict jwksAlgorithmsSupported" in message
        assert info.value.result.verdict is Verdict.FAIL
        # the next step (other than clean-up) waits for the failed one
        assert g.next_step == "delete-client"
        # apply the guide's fix, then re-run the failed step: only the new attempt's traffic
        GluuAdmin(launcher.base_url, launcher.admin_user, launcher.admin_password).restrict_jwks_to_rsa()
        fixed = g.run("gateway-call")
        assert fixed.verdict is Verdict.PASS
        jwks = [e for e in fixed.exchanges if e.actor == "gateway" and e.target == "idp"]
        assert len(jwks) == 1 and '"EC"' not in (jwks[0].response_body or "")
        assert g.result("gateway-call") is fixed
        with pytest.raises(GuideError, match="has already run"):
            g.run("gateway-call")


def test_after_a_failure_the_next_steps_wait_except_clean_up(tmp_path: Path) -> None:
    broken = ROOT / "scenarios" / "broken" / "keycloak-iat-exhausted.yaml"
    with Guide.open(broken, idp="emulator", report_dir=tmp_path) as g:
        g.run_through("create-developer")
        failed = g.run("oauth-client-wizard", expect="fail")
        assert "No remaining count on initial access token" in (failed.error or "")
        assert failed.fix and "initial access token" in failed.fix
        with pytest.raises(GuideError, match="step 'oauth-client-wizard' failed: fix the cause and re-run it "
                                             "before 'token-request'"):
            g.run("token-request")
        assert g.next_step == "token-request"
        cleanup = g.run("delete-client")  # clean-up may follow at once; nothing was registered
        assert (cleanup.verdict, cleanup.evidence) == (Verdict.SKIP, "no OAuth client was registered")
        assert [r.verdict for r in g.results[-4:]] == [Verdict.FAIL, Verdict.SKIP, Verdict.SKIP, Verdict.SKIP]
        assert g.next_step is None


def test_expect_fail_returns_the_failure(tmp_path: Path) -> None:
    with Guide.open(GLUU_EC_BUG, launcher=GluuEmulatorLauncher(key_seed=693), report_dir=tmp_path) as g:
        g.run_through("token-request")
        failed = g.run("gateway-call", expect="fail")
        assert failed.verdict is Verdict.FAIL
        assert "31 bytes, expected 32" in (failed.cause or "")
        assert g.last_decision.stage == "key"
        cleanup = g.run("delete-client")  # clean-up may follow a failure
        assert cleanup.verdict is Verdict.PASS


def test_expect_fail_on_a_passing_step_raises(guide: Guide) -> None:
    with pytest.raises(StepOutcomeError, match="step idp-start was expected to fail, but it passed"):
        guide.run("idp-start", expect="fail")


def test_close_deletes_the_client_at_the_idp_and_stops_every_server(tmp_path: Path) -> None:
    g = Guide.open(KEYCLOAK, idp="emulator", report_dir=tmp_path)
    g.run_through("oauth-client-wizard")
    urls = [g.world.portal_url, g.world.gateway_url, g.world.upstream_url, g.idp.base_url]
    g.close()
    deletes = [e for e in g.exchanges() if e.method == "DELETE" and e.target == "idp"]
    assert [e.status for e in deletes] == [204]
    assert deletes[0].url.endswith("/" + g.facts["client.id"])
    for url in urls:
        with pytest.raises(requests.ConnectionError):
            requests.get(url, timeout=2)
    with pytest.raises(GuideError, match="this guide is closed"):
        g.run()
    g.close()  # idempotent


def test_close_after_the_clean_up_step_deletes_nothing_twice(tmp_path: Path) -> None:
    g = Guide.open(KEYCLOAK, idp="emulator", report_dir=tmp_path)
    g.run_all()
    g.close()
    deletes = [e for e in g.exchanges() if e.method == "DELETE" and e.target == "idp"]
    assert [e.status for e in deletes] == [204]


def test_external_without_url_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="idp='external' needs idp_url"):
        Guide.open(KEYCLOAK, idp="external")


def test_a_url_means_an_external_idp(tmp_path: Path) -> None:
    g = Guide.open(KEYCLOAK, idp="http://127.0.0.1:9", report_dir=tmp_path)
    try:
        assert g.idp.kind == "external" and g.idp.base_url == "http://127.0.0.1:9"
        failed = g.run("idp-start", expect="fail")
        assert "http://127.0.0.1:9/realms/master is not reachable" in (failed.error or "")
    finally:
        g.close()


def test_relative_scenario_paths_work_from_the_notebooks_directory(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT / "notebooks")
    assert resolve_scenario_path("scenarios/keycloak.yaml") == ROOT / "scenarios" / "keycloak.yaml"
    assert resolve_scenario_path("no/such.yaml") == Path("no/such.yaml")


def test_a_missing_scenario_file_is_one_clear_error() -> None:
    with pytest.raises(ConfigError, match="scenario file no/such.yaml does not exist"):
        Guide.open("no/such.yaml")


def test_the_report_folder_keeps_no_secret_after_close(tmp_path: Path) -> None:
    """The Guide's report folder (the portal's SQLite database, the gateway log) is masked
    on close, as ``dcr-harness run``'s is: the database held the initial access token."""
    out = tmp_path / "guide"
    with Guide.open(KEYCLOAK, idp="emulator", report_dir=out) as g:
        g.run_through("token-request")
        secrets = [g.secret(name) for name in ("initial_access_token", "client.secret", "access_token")]
    stored = b"".join(p.read_bytes() for p in out.rglob("*") if p.is_file()).decode("latin-1")
    assert (out / "portal.sqlite").is_file()
    for secret in secrets:
        assert secret and secret not in stored
