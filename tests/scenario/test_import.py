"""``dcr-harness import``: a customer's real Tyk exports become a scenario that validates,
runs, and never carries the customer's secrets."""

from __future__ import annotations

import base64
import json
import warnings
from pathlib import Path
from typing import Any

import pytest
import yaml
from urllib3.exceptions import InsecureRequestWarning

from harness.cli.main import main
from harness.conformance.model import Verdict
from harness.core.errors import ConfigError
from harness.scenario.importer import ImportOptions, build_scenario, load_export
from harness.scenario.loader import load_scenario
from harness.scenario.runner import run_scenario

ROOT = Path(__file__).resolve().parents[2]
EXPORTS = ROOT / "fixtures" / "tyk-export"
KC = EXPORTS / "keycloak-customer"
GLUU = EXPORTS / "gluu-customer"


def _secret_values(folder: Path) -> list[str]:
    """Every secret the sample export holds (read independently of the importer)."""
    tyk = json.loads((folder / "tyk.conf").read_text())
    an = json.loads((folder / "tyk_analytics.conf").read_text())
    cat = json.loads((folder / "catalogue.json").read_text())
    values = [tyk["secret"], tyk["node_secret"], tyk["storage"]["password"], an["admin_secret"],
              an["shared_node_secret"], an["redis_password"], an["license_key"], an["tyk_api_config"]["Secret"]]
    values += [e["config"]["dcr_options"]["access_token"] for e in cat["apis"]]
    if "@" in an["mongo_url"]:
        values.append(an["mongo_url"].split("://")[1].split("@")[0].split(":")[1])
    return [v for v in values if v]


def _import(tmp_path: Path, *args: str) -> tuple[Path, dict[str, Any]]:
    out = tmp_path / "imported.yaml"
    assert main(["import", *args, "-o", str(out)]) == 0
    return out, yaml.safe_load(out.read_text())


def _quiet_run(path: Path, report_dir: Path):  # type: ignore[no-untyped-def]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InsecureRequestWarning)
        return run_scenario(load_scenario(path), report_dir=report_dir, scenario_file=str(path))


def test_keycloak_customer_imports_validates_and_runs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out, data = _import(tmp_path, str(KC))
    assert "Secrets left out: 10." in capsys.readouterr().out
    assert main(["validate", str(out)]) == 0
    assert main(["run", str(out), "--report-dir", str(tmp_path / "run")]) == 0
    report = (tmp_path / "run" / "report.json").read_text()
    assert json.loads(report)["passed"] is True
    for secret in _secret_values(KC):
        assert secret not in out.read_text()
        assert secret not in report


def test_keycloak_customer_mapping(tmp_path: Path) -> None:
    out, d = _import(tmp_path, str(KC))
    assert d["idp"] == {"profile": "keycloak", "launcher": "emulator", "realm": "acme",
                        "tls": {"enabled": True, "certificate": "self-signed"},
                        "initial_access_token": {"expiration": 86400, "count": 5}}
    assert d["dashboard"] == {"oauth_redirect_uri_separator": ";", "dcr_ssl_insecure_skip_verify": True}
    assert d["gateway"] == {"jwt_ssl_insecure_skip_verify": True}
    assert d["api"] == {"name": "Payments API", "listen_path": "/payments/", "strip_listen_path": True, "jwt": {
        "signing_method": "rsa", "source": "${idp.origin}/realms/acme/protocol/openid-connect/certs",
        "identity_base_field": "sub", "policy_field_name": "pol",
        "expires_at_validation_skew": 5, "issued_at_validation_skew": 5}}
    assert d["policy"] == {"name": "Payments DCR Policy", "key_expires_in": 86400, "rate": 100, "per": 1,
                           "quota_max": -1}
    cat = d["catalogue"]
    assert (cat["name"], cat["override"]) == ("Payments API", True)
    assert cat["dcr"]["registration_endpoint"] == "${idp.origin}/realms/acme/clients-registrations/openid-connect"
    assert cat["dcr"]["access_token"] == "${initial_access_token}"
    assert cat["global_dcr"]["enable_dcr"] is False and cat["global_dcr"]["access_token"] == ""
    text = out.read_text()
    assert "access_token: ${initial_access_token}  # customer's initial access token (fingerprint " in text
    assert "# Secrets left out (never copied): tyk.conf secret, tyk.conf node_secret," in text
    assert "other catalogue entries not reproduced: Orders API" in d["description"]


def test_keep_secrets_keeps_only_the_initial_access_token(tmp_path: Path) -> None:
    iat = json.loads((KC / "catalogue.json").read_text())["apis"][0]["config"]["dcr_options"]["access_token"]
    out, d = _import(tmp_path, str(KC), "--keep-secrets")
    assert d["idp"]["initial_access_token"] == {"value": iat}
    text = out.read_text()
    for secret in _secret_values(KC):
        assert (secret in text) is (secret == iat)


def test_gluu_customer_uses_global_settings_and_reproduces_the_redirect_trap(tmp_path: Path) -> None:
    out, d = _import(tmp_path, str(GLUU))
    assert d["idp"]["profile"] == "gluu" and d["guide"] == "gluu"
    assert d["idp"]["tls"] == {"enabled": True, "certificate": "ca-signed"}
    assert d["dashboard"]["dcr_ca_bundle"] == d["gateway"]["jwks_ca_bundle"] == "${idp.ca_bundle}"
    assert d["catalogue"]["override"] is False
    assert d["catalogue"]["global_dcr"]["provider"] == "gluu"
    assert d["policy"]["name"] == "Gluu Policy" and d["policy"]["key_expires_in"] == 7200  # policies.json keyed by id
    assert d["api"]["jwt"]["identity_base_field"] == "client_id"
    # The guide's "Response Types: Token" with a blank redirect URL fails at Gluu...
    result = _quiet_run(out, tmp_path / "run1")
    failed = result.failed_step
    assert failed is not None and failed.id == "oauth-client-wizard"
    assert failed.cause.startswith("the IdP requires a redirect URL for the requested response types")
    # ...and passes once the developer types one.
    out2, _ = _import(tmp_path / "b", str(GLUU), "--redirect-uris", "https://inventory-client.globex.example/callback")
    result = _quiet_run(out2, tmp_path / "run2")
    assert result.passed, [(s.id, s.cause) for s in result.steps if s.verdict is Verdict.FAIL]


def test_files_one_by_one_equal_the_folder(tmp_path: Path) -> None:
    by_folder = build_scenario(load_export(KC)).data
    by_files = build_scenario(load_export(
        apis=sorted((KC / "apis").glob("*.json")), policies=KC / "policies.json", catalogue=KC / "catalogue.json",
        portal_config=KC / "portal-configuration.json", tyk_conf=KC / "tyk.conf",
        analytics_conf=KC / "tyk_analytics.conf")).data
    assert by_files == by_folder
    by_apps = build_scenario(load_export(apps_dir=KC / "apis", policies=KC / "policies.json",
                                         catalogue=KC / "catalogue.json")).data
    assert by_apps["api"] == by_folder["api"]


# ---- shapes and errors, on small synthetic exports -----------------------------------------

def _apidef(source: str, **extra: Any) -> dict[str, Any]:
    return {"api_id": "api1", "name": "Legacy API", "enable_jwt": True, "jwt_signing_method": "rsa",
            "jwt_source": source, "jwt_identity_base_field": "sub", "jwt_policy_field_name": "pol",
            "jwt_default_policies": ["p1"], "proxy": {"listen_path": "/legacy/", "target_url": "http://up/",
                                                      "strip_listen_path": True}, **extra}


def _write(tmp_path: Path, name: str, doc: Any) -> Path:
    p = tmp_path / name
    p.write_text(json.dumps(doc) if not isinstance(doc, str) else doc)
    return p


def _catalogue(registration: str, name: str = "Legacy", token: str = "") -> dict[str, Any]:
    return {"apis": [{"name": name, "policy_id": "p1", "show": True, "config": {
        "override": True, "enable_dcr": True, "dcr_options": {
            "provider": "keycloak", "grant_types": ["client_credentials"], "response_types": [],
            "token_endpoint_auth_method": "client_secret_basic", "idp_host": "http://kc:8080/auth/",
            "registration_endpoint": registration, "access_token": token}}}]}


def test_legacy_auth_prefix_plain_url_source_and_missing_access_right(tmp_path: Path) -> None:
    api = _write(tmp_path, "api.json", _apidef("http://kc:8080/auth/realms/demo/protocol/openid-connect/certs"))
    pol = _write(tmp_path, "pol.json", {"id": "p1", "name": "P", "access_rights": {}})
    cat = _write(tmp_path, "cat.json", _catalogue("http://kc:8080/auth/realms/demo/clients-registrations/openid-connect"))
    imported = build_scenario(load_export(apis=[api], policies=pol, catalogue=cat))
    d = imported.data
    assert d["idp"]["relative_path"] == "/auth" and d["idp"]["realm"] == "demo"
    assert "tls" not in d["idp"] and "initial_access_token" not in d["idp"]  # http, open registration
    assert d["api"]["jwt"]["source"] == "${idp.origin}/auth/realms/demo/protocol/openid-connect/certs"
    assert d["catalogue"]["dcr"]["idp_host"] == "${idp.origin}/auth/"
    assert d["policy"]["grant_api"] is False
    assert d["token_request"]["auth_method"] == "client_secret_basic"
    assert any("plain URL" in line for line in imported.header)


def test_entry_selection_and_unknown_entry(tmp_path: Path) -> None:
    api = _write(tmp_path, "api.json", _apidef(base64.b64encode(b"http://kc/realms/r/protocol/openid-connect/certs").decode()))
    pol = _write(tmp_path, "pol.json", {"Data": [{"id": "p1", "name": "P", "access_rights": {"api1": {}}}], "Pages": 1})
    two = _catalogue("http://kc/realms/r/clients-registrations/openid-connect", "First")
    two["apis"] += _catalogue("http://kc/realms/r/clients-registrations/openid-connect", "Second")["apis"]
    cat = _write(tmp_path, "cat.json", two)
    export = load_export(apis=[api], policies=pol, catalogue=cat)
    assert build_scenario(export).data["catalogue"]["name"] == "First"
    assert build_scenario(export, ImportOptions(entry="second")).data["catalogue"]["name"] == "Second"
    with pytest.raises(ConfigError, match=r"no catalogue entry named 'Third' in the export \(entries: 'First', 'Second'\)"):
        build_scenario(export, ImportOptions(entry="Third"))


def test_pem_jwt_source_is_refused(tmp_path: Path) -> None:
    pem = base64.b64encode(b"-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----\n").decode()
    api = _write(tmp_path, "api.json", {"api_definition": _apidef(pem)})
    with pytest.raises(ConfigError, match="API 'Legacy API': jwt_source is a PEM public key, not a JWKS URL"):
        build_scenario(load_export(apis=[api]))


def test_bad_input_exits_2_with_file_and_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = _write(tmp_path, "api.json", '{\n  "api_id": "x",\n  "name": oops\n}')
    assert main(["import", "--api", str(bad), "-o", str(tmp_path / "o.yaml")]) == 2
    assert f"{bad}:3: not valid JSON: Expecting value" in capsys.readouterr().err
    pol = _write(tmp_path, "pol.json", {"hello": "world"})
    assert main(["import", "--api", str(KC / "apis" / "payments-api.json"), "--policies", str(pol),
                 "-o", str(tmp_path / "o.yaml")]) == 2
    assert "not Tyk policies" in capsys.readouterr().err
    assert main(["import", "-o", str(tmp_path / "o.yaml")]) == 2
    assert "nothing to import" in capsys.readouterr().err
    assert not (tmp_path / "o.yaml").exists()


def test_idp_url_decides_what_is_rebased(tmp_path: Path) -> None:
    api = _write(tmp_path, "api.json", _apidef(base64.b64encode(b"http://kc:8080/realms/r/protocol/openid-connect/certs").decode()))
    pol = _write(tmp_path, "pol.json", {"id": "p1", "name": "P", "access_rights": {"api1": {}}})
    cat = _write(tmp_path, "cat.json", _catalogue("http://kc:8080/realms/r/clients-registrations/openid-connect"))
    export = load_export(apis=[api], policies=pol, catalogue=cat)
    imported = build_scenario(export, ImportOptions(idp_url="https://sso.example:8443/"))
    d = imported.data
    assert d["idp"]["tls"]["enabled"] is True
    assert d["api"]["jwt"]["source"] == "http://kc:8080/realms/r/protocol/openid-connect/certs"
    assert imported.comments[("api", "jwt", "source")] == "not on the IdP's host: left as the customer has it"
    assert d["catalogue"]["dcr"]["registration_endpoint"] == "http://kc:8080/realms/r/clients-registrations/openid-connect"
