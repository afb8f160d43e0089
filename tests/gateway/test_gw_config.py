"""File-based configuration (app_path, policy_path, tyk.conf) and its errors, plus the
Gateway REST API under /tyk/."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from harness.core.errors import ConfigError
from harness.tyk.gateway import Gateway, load_file_config, parse_apidef
from harness.tyk.gateway.testing import HarnessGateway

from .conftest import POLICY_ID, make_api, make_policy

SAMPLE = Path(__file__).resolve().parents[2] / "fixtures" / "tyk" / "file-config"


@pytest.fixture
def config_dir(tmp_path: Path) -> Path:
    target = tmp_path / "cfg"
    shutil.copytree(SAMPLE, target)
    return target


def test_sample_config_loads_unchanged(config_dir: Path) -> None:
    apis, policies, tyk_conf = load_file_config(config_dir / "apps", config_dir / "policies.json", config_dir / "tyk.conf")
    assert [a.api_id for a in apis] == ["keycloak-api"]
    api = apis[0]
    assert (api.jwt_signing_method, api.jwt_identity_base_field, api.jwt_default_policies) == ("rsa", "sub", ("keycloak-policy",))
    assert api.raw["cache_options"] == {"cache_timeout": 60, "enable_cache": True}  # unknown fields kept
    assert policies["keycloak-policy"].access_rights["keycloak-api"].versions == ("Default",)
    gw = Gateway.from_file_config((apis, policies, tyk_conf))
    assert gw.profile.secret == "352d20ee67be67f6340b4c0605b044b7"
    assert gw.route("/keycloak-api/x") is api


def edit(path: Path, change: dict) -> None:
    doc = json.loads(path.read_text())
    doc.update(change)
    path.write_text(json.dumps(doc, indent=2))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"enable_jwt": "true"}, "field 'enable_jwt' must be true or false, got string"),
        ({"jwt_default_policies": "keycloak-policy"}, "field 'jwt_default_policies' must be an array of strings"),
        ({"jwt_expires_at_validation_skew": -5}, "field 'jwt_expires_at_validation_skew' must be an unsigned integer"),
        ({"jwt_issued_at_validation_skew": 1.5}, "field 'jwt_issued_at_validation_skew' must be an unsigned integer"),
        ({"proxy": {"listen_path": "", "target_url": "http://x"}}, "field 'proxy.listen_path' is empty"),
        ({"proxy": {"listen_path": "/a b/", "target_url": "http://x"}}, "field 'proxy.listen_path' contains a space"),
        ({"proxy": {"listen_path": "/a/", "target_url": "localhost:8000"}}, "field 'proxy.target_url' must be an absolute http(s) URL"),
        ({"proxy": "x"}, "field 'proxy' must be a JSON object, got string"),
        ({"auth_configs": {"jwt": {"use_param": 1}}}, "field 'auth_configs.jwt.use_param' must be true or false, got number"),
        ({"version_data": {"not_versioned": "yes"}}, "field 'version_data.not_versioned' must be true or false"),
        ({"api_id": ""}, "field 'api_id' is empty"),
    ],
)
def test_apidef_errors_name_file_and_field(config_dir: Path, change: dict, message: str) -> None:
    path = config_dir / "apps" / "keycloak-api.json"
    edit(path, change)
    with pytest.raises(ConfigError) as err:
        load_file_config(config_dir / "apps", config_dir / "policies.json")
    assert str(err.value).startswith(f"{path}: ")
    assert message in str(err.value)


def test_bad_json_names_line_and_column(config_dir: Path) -> None:
    path = config_dir / "policies.json"
    path.write_text('{\n  "p": {\n    "rate": 10,\n  }\n}\n')
    with pytest.raises(ConfigError) as err:
        load_file_config(config_dir / "apps", path)
    assert str(err.value).startswith(f"{path}: invalid JSON at line 4, column 3")


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ([], "must be a JSON object keyed by policy id, got array"),
        ({"p": {"rate": "fast"}}, "(policy 'p'): field 'rate' must be a number, got string"),
        ({"p": {"access_rights": {"a": {"versions": "Default"}}}}, "field 'access_rights.a.versions' must be an array of strings"),
        ({"p": {"quota_max": 1.5}}, "field 'quota_max' must be an integer"),
        ({"p": []}, "(policy 'p'): document must be a JSON object, got array"),
    ],
)
def test_policy_errors_name_file_and_field(config_dir: Path, doc: object, message: str) -> None:
    path = config_dir / "policies.json"
    path.write_text(json.dumps(doc))
    with pytest.raises(ConfigError) as err:
        load_file_config(config_dir / "apps", path)
    assert str(err.value).startswith(str(path))
    assert message in str(err.value)


def test_tyk_conf_errors(config_dir: Path) -> None:
    conf = config_dir / "tyk.conf"
    edit(conf, {"jwt_ssl_insecure_skip_verify": "false"})
    with pytest.raises(ConfigError, match=r"tyk.conf: field 'jwt_ssl_insecure_skip_verify' must be true or false"):
        load_file_config(config_dir / "apps", config_dir / "policies.json", conf)
    edit(conf, {"jwt_ssl_insecure_skip_verify": True, "jwks": {"cache": {"timeout": "240"}}})
    with pytest.raises(ConfigError, match=r"field 'jwks.cache.timeout' must be a number"):
        load_file_config(config_dir / "apps", config_dir / "policies.json", conf)


def test_missing_inputs(config_dir: Path) -> None:
    with pytest.raises(ConfigError, match="not a directory"):
        load_file_config(config_dir / "nope", config_dir / "policies.json")
    with pytest.raises(ConfigError, match="file not found"):
        load_file_config(config_dir / "apps", config_dir / "missing.json")
    (config_dir / "apps" / "keycloak-api.json").unlink()
    with pytest.raises(ConfigError, match=r"no \*\.json API definitions"):
        load_file_config(config_dir / "apps", config_dir / "policies.json")


def test_duplicate_api_ids_across_files(config_dir: Path) -> None:
    shutil.copy(config_dir / "apps" / "keycloak-api.json", config_dir / "apps" / "copy.json")
    with pytest.raises(ConfigError, match="'keycloak-api' is also used by"):
        load_file_config(config_dir / "apps", config_dir / "policies.json")


def test_policy_key_overrides_inner_id() -> None:
    gw = Gateway()
    loaded = gw.load_policies({"outer": make_policy(id="inner")})
    assert list(loaded) == ["outer"] and loaded["outer"].id == "outer"


def test_parse_apidef_source_name() -> None:
    with pytest.raises(ConfigError, match=r"^<POST body>: field 'name' must be a string"):
        parse_apidef({**make_api("x"), "name": 5}, "<POST body>")


# --- Gateway REST API -------------------------------------------------------------------
SECRET = {"x-tyk-authorization": "s3cret"}


@pytest.fixture
def admin() -> Iterator[tuple[Gateway, str]]:
    with HarnessGateway(tyk_conf={"secret": "s3cret"}) as target:
        yield target.gateway, target.base_url + "/tyk"


def test_admin_requires_secret(admin: tuple[Gateway, str]) -> None:
    _, url = admin
    for headers in ({}, {"x-tyk-authorization": "wrong"}):
        r = requests.get(url + "/apis", headers=headers, timeout=10)
        assert r.status_code == 403
        assert r.content == b'{"status":"error","message":"Attempted administrative access with invalid or missing key!"}\n'


def test_admin_api_lifecycle_needs_reload(admin: tuple[Gateway, str]) -> None:
    gw, url = admin
    api = make_api("aHR0cDovL3g=")
    r = requests.post(url + "/apis", json=api, headers=SECRET, timeout=10)
    assert (r.status_code, r.json()) == (200, {"key": "keycloak-api", "status": "ok", "action": "added"})
    assert requests.get(url + "/apis", headers=SECRET, timeout=10).json() == []  # not live before a reload
    r = requests.post(url + "/policies", json={**make_policy(), "id": POLICY_ID}, headers=SECRET, timeout=10)
    assert r.json() == {"key": POLICY_ID, "status": "ok", "action": "added"}
    r = requests.get(url + "/reload", headers=SECRET, timeout=10)
    assert (r.status_code, r.json()) == (200, {"status": "ok", "message": ""})
    assert [a["api_id"] for a in requests.get(url + "/apis", headers=SECRET, timeout=10).json()] == ["keycloak-api"]
    assert requests.get(url + "/apis/keycloak-api", headers=SECRET, timeout=10).json()["name"] == "Keycloak API"
    assert requests.get(url + f"/policies/{POLICY_ID}", headers=SECRET, timeout=10).json()["name"] == "Keycloak Policy"
    assert gw.route("/keycloak-api/") is not None and POLICY_ID in gw.policies

    r = requests.put(url + "/apis/keycloak-api", json={**api, "name": "Renamed"}, headers=SECRET, timeout=10)
    assert r.json() == {"key": "keycloak-api", "status": "ok", "action": "modified"}
    r = requests.put(url + "/apis/keycloak-api", json={**api, "api_id": "other"}, headers=SECRET, timeout=10)
    assert (r.status_code, r.json()["message"]) == (
        400, "Request APIID does not match that in Definition! For Update operations these must match.")
    r = requests.put(url + "/policies/" + POLICY_ID, json={**make_policy(), "id": "x"}, headers=SECRET, timeout=10)
    assert (r.status_code, r.json()["message"]) == (
        400, "Request ID does not match that in policy! For Update operations these must match.")
    requests.get(url + "/reload/group", headers=SECRET, timeout=10)
    assert gw.apis["keycloak-api"].name == "Renamed"

    r = requests.delete(url + "/apis/keycloak-api", headers=SECRET, timeout=10)
    assert r.json() == {"key": "keycloak-api", "status": "ok", "action": "deleted"}
    r = requests.delete(url + f"/policies/{POLICY_ID}", headers=SECRET, timeout=10)
    assert r.json() == {"key": POLICY_ID, "status": "ok", "action": "deleted"}
    requests.get(url + "/reload", headers=SECRET, timeout=10)
    assert gw.apis == {} and gw.policies == {}


def test_admin_errors(admin: tuple[Gateway, str]) -> None:
    gw, url = admin
    r = requests.get(url + "/apis/nope", headers=SECRET, timeout=10)
    assert (r.status_code, r.json()) == (404, {"status": "error", "message": "API not found"})
    r = requests.put(url + "/apis/nope", json=make_api("x", api_id="nope"), headers=SECRET, timeout=10)
    assert (r.status_code, r.json()) == (404, {"status": "error", "message": "API not found"})
    r = requests.delete(url + "/apis/nope", headers=SECRET, timeout=10)
    assert r.status_code == 404
    r = requests.post(url + "/apis", data=b"{not json", headers=SECRET, timeout=10)
    assert (r.status_code, r.json()) == (400, {"status": "error", "message": "Request malformed"})
    r = requests.post(url + "/apis", json={**make_api("x"), "enable_jwt": "yes"}, headers=SECRET, timeout=10)
    assert (r.status_code, r.json()) == (400, {"status": "error", "message": "Request malformed"})
    assert "field 'enable_jwt' must be true or false" in gw.admin_errors[-1]
    r = requests.get(url + "/policies/nope", headers=SECRET, timeout=10)
    assert (r.status_code, r.json()) == (404, {"status": "error", "message": "Policy not found"})
    r = requests.post(url + "/policies", json=make_policy(), headers=SECRET, timeout=10)
    assert (r.status_code, r.json()["message"]) == (400, "Unable to create policy without id.")
    r = requests.delete(url + "/policies/nope", headers=SECRET, timeout=10)
    assert (r.status_code, r.json()) == (500, {"status": "error", "message": "Delete failed"})


def test_post_without_api_id_generates_one(admin: tuple[Gateway, str]) -> None:
    gw, url = admin
    api = make_api("x")
    del api["api_id"]
    key = requests.post(url + "/apis", json=api, headers=SECRET, timeout=10).json()["key"]
    assert len(key) == 32 and key in gw.stored_apis


def test_hello_and_jwks_cache_endpoints(admin: tuple[Gateway, str]) -> None:
    gw, url = admin
    base = url[: -len("/tyk")]
    assert requests.get(base + "/hello", timeout=10).json()["status"] == "pass"
    gw.state.jwks_cache("a").set("u", 1)
    r = requests.delete(url + "/cache/jwks/a", headers=SECRET, timeout=10)
    assert (r.status_code, r.json()) == (200, {"status": "ok", "message": "cache invalidated"})
    assert "a" not in gw.state.jwks_caches


# --- unknown fields: loaded as Tyk does, reported with file, path and suggestion ----------
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def test_typo_is_a_warning_naming_file_field_and_suggestion(config_dir: Path) -> None:
    path = config_dir / "apps" / "keycloak-api.json"
    doc = json.loads(path.read_text())
    doc["jwt_signin_method"] = doc.pop("jwt_signing_method")
    doc["proxy"]["listen_pth"] = "/other/"
    doc["auth_configs"]["jwt"]["use_params"] = True
    doc["zzz_custom"] = 1
    path.write_text(json.dumps(doc))
    config = load_file_config(config_dir / "apps", config_dir / "policies.json", config_dir / "tyk.conf")
    assert config.warnings == [  # in document order
        f"{path}: unknown field 'auth_configs.jwt.use_params' (did you mean 'auth_configs.jwt.use_param'?)",
        f"{path}: unknown field 'proxy.listen_pth' (did you mean 'proxy.listen_path'?)",
        f"{path}: unknown field 'jwt_signin_method' (did you mean 'jwt_signing_method'?)",
        f"{path}: unknown field 'zzz_custom'",
    ]
    apis, policies, tyk_conf = config  # still the 3-tuple
    # Loaded as Tyk loads it: the misspelt key is ignored, so the method is the default ("" = hmac).
    assert apis[0].jwt_signing_method == "" and apis[0].signing_family == "hmac"
    assert apis[0].raw["jwt_signin_method"] == "rsa" and apis[0].listen_path == "/keycloak-api/"
    gw = Gateway.from_file_config(config)
    assert gw.warnings == config.warnings


def test_policy_and_case_warnings(config_dir: Path) -> None:
    path = config_dir / "policies.json"
    doc = json.loads(path.read_text())
    pol = doc["keycloak-policy"]
    pol["quota_renewal"] = 60
    pol["access_rights"]["keycloak-api"]["version"] = ["Default"]
    pol["Rate"] = pol.pop("rate")
    path.write_text(json.dumps(doc))
    config = load_file_config(config_dir / "apps", path)
    where = f"{path} (policy 'keycloak-policy')"
    assert config.warnings == [
        f"{where}: unknown field 'access_rights.keycloak-api.version' (did you mean 'access_rights.keycloak-api.versions'?)",
        f"{where}: unknown field 'quota_renewal' (did you mean 'quota_renewal_rate'?)",
        f"{where}: field 'Rate' differs in case from 'rate' (Tyk's Go decoder accepts it; write it as 'rate')",
    ]


def test_strict_refuses_unknown_fields(config_dir: Path) -> None:
    path = config_dir / "apps" / "keycloak-api.json"
    edit(path, {"jwt_signin_method": "rsa", "enable_jtw": True})
    with pytest.raises(ConfigError) as err:
        load_file_config(config_dir / "apps", config_dir / "policies.json", strict=True)
    assert str(err.value).startswith(
        f"{path}: unknown field 'jwt_signin_method' (did you mean 'jwt_signing_method'?) (and 1 more unknown field(s))")
    assert load_file_config(config_dir / "apps", config_dir / "policies.json").apis[0].api_id == "keycloak-api"


def test_cli_serve_prints_warnings_and_strict_exits_2(config_dir: Path, capsys: pytest.CaptureFixture[str],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from harness.cli import cmd_gateway
    from harness.cli.main import main

    path = config_dir / "apps" / "keycloak-api.json"
    edit(path, {"jwt_signin_method": "rsa"})
    argv = ["gateway", "serve", "--apps", str(config_dir / "apps"), "--policies", str(config_dir / "policies.json")]
    monkeypatch.setattr(cmd_gateway, "wait_for_interrupt", lambda: None)
    assert main(argv) == 0
    captured = capsys.readouterr()
    assert captured.err.splitlines() == [
        f"warning: {path}: unknown field 'jwt_signin_method' (did you mean 'jwt_signing_method'?)"]
    assert "gateway ready at http://127.0.0.1:" in captured.out

    assert main(argv + ["--strict"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"error: {path}: unknown field 'jwt_signin_method' (did you mean 'jwt_signing_method'?)")


def test_rest_api_loads_report_warnings(admin: tuple[Gateway, str]) -> None:
    gw, url = admin
    r = requests.post(url + "/apis", json={**make_api("x"), "jwt_skip_kidd": True}, headers=SECRET, timeout=10)
    assert (r.status_code, r.json()["status"]) == (200, "ok")  # stored, as Tyk stores it
    r = requests.post(url + "/policies", json={**make_policy(), "id": POLICY_ID, "quota_maxx": 1}, headers=SECRET, timeout=10)
    assert (r.status_code, r.json()["status"]) == (200, "ok")
    assert gw.warnings == [
        "<POST /tyk/apis keycloak-api>: unknown field 'jwt_skip_kidd' (did you mean 'jwt_skip_kid'?)",
        f"<POST /tyk/policies {POLICY_ID}> (policy {POLICY_ID!r}): unknown field 'quota_maxx' (did you mean 'quota_max'?)",
    ]


EXPORT_FILES = sorted(
    p for p in FIXTURES.rglob("*.json")
    if p.parts[len(FIXTURES.parts)] in ("tyk", "tyk-export")
    and p.name not in ("catalogue.json", "portal-configuration.json")
    and "differential" not in p.parts  # measured answers of the real gateway, not configuration
)


@pytest.mark.parametrize("path", EXPORT_FILES, ids=lambda p: str(p.relative_to(FIXTURES)))
def test_every_fixture_export_loads_without_warnings(path: Path) -> None:
    from harness.tyk.gateway.dashboard_export import export_warnings

    doc = json.loads(path.read_text())
    assert export_warnings(doc, str(path)) == []


def test_fixture_file_configs_load_without_warnings() -> None:
    assert len(EXPORT_FILES) >= 8  # the parametrized export test above really ran on the fixtures
    config = load_file_config(SAMPLE / "apps", SAMPLE / "policies.json", SAMPLE / "tyk.conf")
    assert config.warnings == []
    gw = Gateway.from_file_config(config)
    assert gw.warnings == []


def test_export_warnings_cover_wrappers_and_contents() -> None:
    from harness.tyk.gateway.dashboard_export import export_warnings

    api = {**make_api("x"), "enable_jwtt": True}
    assert export_warnings({"api_definition": api, "api_model": {}, "is_sit": False}, "e.json") == [
        "e.json: unknown field 'api_definition.enable_jwtt' (did you mean 'api_definition.enable_jwt'?)",
        "e.json: unknown field 'is_sit' (did you mean 'is_site'?)",
    ]
    assert export_warnings({"apis": [{"api_definition": api}], "pages": 1}, "l.json") == [
        "l.json: unknown field 'apis[0].api_definition.enable_jwtt' (did you mean 'apis[0].api_definition.enable_jwt'?)",
    ]
    assert export_warnings({"Data": [{**make_policy(), "_id": "1", "ratee": 1}], "Pages": 1}, "p.json") == [
        "p.json: unknown field 'Data[0].ratee' (did you mean 'Data[0].rate'?)",
    ]
    assert export_warnings({"pol": {**make_policy(), "tagz": []}}, "g.json") == [
        "g.json (policy 'pol'): unknown field 'tagz' (did you mean 'tags'?)",
    ]
