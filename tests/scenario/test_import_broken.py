"""Import as written (issue 18): each export under fixtures/tyk-export-broken/ carries one
customer mistake; imported and run, it fails at the step the real products fail at, with
the right diagnosis. The correct export (fixtures/tyk-export/keycloak-customer) passes
(tests/scenario/test_import.py)."""

from __future__ import annotations

import filecmp
import warnings
from pathlib import Path

import pytest
import yaml
from urllib3.exceptions import InsecureRequestWarning

from harness.cli.main import main
from harness.scenario.importer import build_scenario, load_export
from harness.scenario.loader import load_scenario
from harness.scenario.runner import run_scenario

ROOT = Path(__file__).resolve().parents[2]
BROKEN = ROOT / "fixtures" / "tyk-export-broken"

#: folder -> (step it fails at, words of the diagnosis, a line the import summary has)
CASES = {
    "registration-missing-auth-prefix": (
        "oauth-client-wizard", "does not point at the IdP's registration endpoint",
        "mapped https://sso.acme-corp.example:8443/realms/acme/clients-registrations/openid-connect -> "
        "${idp.origin}/realms/acme/clients-registrations/openid-connect"),
    "jwks-missing-auth-prefix": (
        "gateway-call", "could not verify the token with the API's JWT source",
        "local Keycloak: realm 'acme', relative_path '/auth' (from the customer's URLs)"),
    "deleted-default-policy": (
        "gateway-call", "does not exist at the gateway",
        "the API's jwt_default_policies ['62a1f0c3e5b4c20001a1bdead'] do not include the catalogue policy: "
        "kept as written"),
    "provider-gluu-on-keycloak": (
        "oauth-client-wizard", "names another product than the IdP",
        "the DCR provider is 'gluu' but the URLs are Keycloak's: the IdP launched is Keycloak, the portal's "
        "provider stays 'gluu' as the customer set it"),
    "registration-is-token-endpoint": (
        "oauth-client-wizard", "not a registration endpoint",
        "mapped https://sso.acme-corp.example:8443/realms/acme/protocol/openid-connect/token -> "
        "${idp.origin}/realms/acme/protocol/openid-connect/token"),
}


def test_fixtures_are_current(tmp_path: Path) -> None:
    """The folders are what tools/make_broken_exports.py writes."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_broken_exports", ROOT / "tools" / "make_broken_exports.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    mod.build(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(CASES)
    for name in CASES:
        cmp = filecmp.dircmp(tmp_path / name, BROKEN / name)
        assert not (cmp.diff_files or cmp.left_only or cmp.right_only), name


@pytest.mark.parametrize("name", sorted(CASES))
def test_broken_export_fails_where_the_products_would(name: str, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    step, diagnosis, summary = CASES[name]
    out = tmp_path / "imported.yaml"
    assert main(["import", str(BROKEN / name), "-o", str(out)]) == 0
    printed = capsys.readouterr().out
    assert f"Note: {summary}" in printed, printed
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InsecureRequestWarning)
        result = run_scenario(load_scenario(out), report_dir=tmp_path / "run", scenario_file=str(out))
    failed = result.failed_step
    assert failed is not None, f"{name}: every step passed (the import corrected the customer's mistake)"
    assert failed.id == step, f"{name}: failed at {failed.id}: {failed.cause}"
    assert diagnosis in f"{failed.cause} {failed.fix}", failed.cause
    assert result.leftovers == []


def test_paths_are_kept_exactly() -> None:
    d = build_scenario(load_export(BROKEN / "registration-missing-auth-prefix")).data
    assert d["idp"]["relative_path"] == "/auth"
    assert d["catalogue"]["dcr"]["registration_endpoint"] == \
        "${idp.origin}/realms/acme/clients-registrations/openid-connect"
    assert d["api"]["jwt"]["source"] == "${idp.origin}/auth/realms/acme/protocol/openid-connect/certs"
    d = build_scenario(load_export(BROKEN / "provider-gluu-on-keycloak")).data
    assert (d["idp"]["profile"], d["catalogue"]["dcr"]["provider"]) == ("keycloak", "gluu")
    d = build_scenario(load_export(BROKEN / "deleted-default-policy")).data
    assert d["api"]["jwt"]["default_policies"] == ["62a1f0c3e5b4c20001a1bdead"]
    assert yaml.safe_load(yaml.safe_dump(d)) == d
