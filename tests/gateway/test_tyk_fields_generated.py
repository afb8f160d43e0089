"""The Tyk field schema (harness/tyk/gateway/tyk_fields.json) is what its generator
(tools/tykfields) makes of Tyk's Go structs at the pinned commit, and it reports the same
unknown fields as the hand-kept schema it replaced.

Offline: the JSON loads, holds the fields the gateway relies on and the header of what was
read; the golden fixture (fixtures/tyk-fields) yields the recorded warnings; a stale schema
is reported field by field; with no source of Tyk the command fails in one line.
With Go: the generator's own tests (``go test``: one case per rule, and encoding/json as an
oracle, on a synthetic module of ours) and its output on that module (``expected.json``),
end to end through ``fields_gen``.
With Go and Tyk's source (``DCR_HARNESS_TYK_SRC`` = a checkout at the pinned commit, or the
Go module proxy): the staleness test. No copy of Tyk's code is kept in this repository, so
without one it skips, saying why and how to run it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from harness.tyk.gateway import fields_gen, load_file_config
from harness.tyk.gateway.dashboard_export import export_warnings
from harness.tyk.gateway.fieldschema import API_DEFINITION, POLICY, SOURCE, STRUCTS, ListOf, MapOf, load_structs, unknown_fields

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "fixtures" / "tyk-fields"
#: Our own Tyk-shaped module (tools/tykfields/testdata/synthetic/README.md).
SYNTHETIC = fields_gen.GENERATOR_DIR / "testdata" / "synthetic"


def committed() -> dict:
    return json.loads(fields_gen.JSON_PATH.read_text(encoding="utf-8"))


def need_go() -> str:
    go = shutil.which("go")
    if go is None:
        pytest.skip("the Go toolchain ('go') is not on PATH: the generator tools/tykfields cannot run")
    return go


# --- offline --------------------------------------------------------------------------------

def test_schema_loads_with_the_fields_the_gateway_reads() -> None:
    for key in ("enable_jwt", "jwt_source", "jwt_signing_method", "jwt_identity_base_field", "jwt_policy_field_name",
                "jwt_default_policies", "jwt_scope_claim_name", "api_id", "org_id", "auth_configs", "proxy"):
        assert key in API_DEFINITION, key
    assert API_DEFINITION["jwt_scope_to_policy_mapping"] == MapOf(None)
    assert API_DEFINITION["jwt_jwks_uris"] == ListOf(STRUCTS["apidef.JWK"])
    assert API_DEFINITION["proxy"] is STRUCTS["apidef.ProxyConfig"] and "listen_path" in API_DEFINITION["proxy"]
    assert API_DEFINITION["auth_configs"] == MapOf(STRUCTS["apidef.AuthConfig"])
    assert "ExpirationTs" not in API_DEFINITION and "expiration_ts" not in API_DEFINITION  # json:"-"
    assert API_DEFINITION["id"] is None  # model.ObjectID: another module's type
    assert API_DEFINITION["basic_auth"] == {"body_password_regexp": None, "body_user_regexp": None, "cache_ttl": None,
                                            "disable_caching": None, "extract_from_body": None}  # anonymous struct
    assert POLICY["access_rights"] == MapOf(STRUCTS["user.AccessDefinition"])
    assert {"rate", "per", "quota_max", "partitions", "_id"} <= set(POLICY)
    assert "versions" in STRUCTS["user.AccessDefinition"]


def test_header_names_the_pin_and_each_file_read() -> None:
    assert SOURCE["module"] == fields_gen.TYK_MODULE
    assert SOURCE["commit"] == fields_gen.TYK_COMMIT and SOURCE["version"] == fields_gen.TYK_VERSION
    assert fields_gen.TYK_VERSION.endswith("-" + fields_gen.TYK_COMMIT[:12])
    files = SOURCE["files"]
    assert {"apidef/api_definitions.go", "user/policy.go", "user/session.go"} <= set(files)
    for name, digest in files.items():
        assert re.fullmatch(r"(apidef|user)/[a-z0-9_]+\.go", name) and not name.endswith("_test.go"), name
        assert re.fullmatch(r"sha256:[0-9a-f]{64}", digest), (name, digest)


def test_loader_shares_one_dict_per_struct_and_refuses_unknown_nodes() -> None:
    doc = {"structs": {"p.A": {"b": {"ref": "p.B"}, "bs": {"list": {"ref": "p.B"}}, "self": {"map": {"ref": "p.A"}}},
                       "p.B": {"x": None, "anon": {"struct": {"y": None}}}}}
    structs = load_structs(doc)
    a, b = structs["p.A"], structs["p.B"]
    assert a["b"] is b and a["bs"] == ListOf(b) and a["self"].values is a
    assert b == {"x": None, "anon": {"y": None}}
    assert unknown_fields({"b": {"x": 1, "z": 2}, "self": {"k": {"bs": [{"anon": {"w": 1}}]}}}, a, "f") == [
        "f: unknown field 'b.z'", "f: unknown field 'self.k.bs[0].anon.w'"]
    with pytest.raises(ValueError, match="unknown schema node"):
        load_structs({"structs": {"p.A": {"b": {"tuple": None}}}})


def golden_lines() -> list[str]:
    return (GOLDEN / "expected-warnings.txt").read_text(encoding="utf-8").splitlines()


def relative(lines: list[str] | tuple[str, ...]) -> list[str]:
    return [line.replace(f"{ROOT}/", "") for line in lines]


def test_golden_fixture_yields_the_recorded_warnings() -> None:
    config = load_file_config(GOLDEN / "apps", GOLDEN / "policies.json")
    assert relative(config.warnings) == golden_lines()
    assert len(golden_lines()) == 30


def test_golden_fixture_through_the_export_checker() -> None:
    api, pols = GOLDEN / "apps" / "typos-api.json", GOLDEN / "policies.json"
    lines = export_warnings(json.loads(api.read_text()), str(api)) + export_warnings(json.loads(pols.read_text()), str(pols))
    assert relative(lines) == golden_lines()


def test_stale_report_names_each_changed_field() -> None:
    old = committed()
    new = json.loads(json.dumps(old))
    new["structs"]["apidef.JWK"]["kid"] = None
    del new["structs"]["user.Policy"]["rate"]
    new["structs"]["apidef.APIDefinition"]["enable_jwt"] = {"list": None}
    new["source"]["commit"] = "0" * 40
    new["source"]["files"]["apidef/api_definitions.go"] = "sha256:" + "0" * 64
    assert fields_gen.changes(old, new) == [
        f"~ source.commit: {fields_gen.TYK_COMMIT} -> {'0' * 40}",
        "~ source file apidef/api_definitions.go",
        '~ apidef.APIDefinition.enable_jwt: null -> {"list": null}',
        "+ apidef.JWK.kid: null",
        "- user.Policy.rate",
    ]
    assert fields_gen.changes(old, old) == []


def test_compare_prints_the_stale_report(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    """``main`` on a tree whose generated JSON differs by one field (the generator's output
    stood in for by an edit of the committed JSON): exit 1, the field named."""
    (tmp_path / "apidef").mkdir()
    (tmp_path / "user").mkdir()
    edited = committed()
    del edited["structs"]["apidef.JWK"]["url"]
    monkeypatch.setattr(fields_gen, "generate", lambda src: json.dumps(edited, indent=2) + "\n")
    assert fields_gen.main(["--tyk-src", str(tmp_path)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out == [f"tyk_fields.json is stale against {tmp_path} (--tyk-src) (run with --write):", "  - apidef.JWK.url"]


def refused_by_the_proxy(version: str = fields_gen.TYK_VERSION, timeout_s: float = 0) -> fields_gen.TykSource:
    """What ``download_module`` raises here (the proxy's answer, measured 2026-12-04)."""
    raise fields_gen.SourceUnavailable(
        f"go mod download {fields_gen.TYK_MODULE}@{version}: reading https://proxy.golang.org/...: "
        "403 Forbidden server response: This module version is not available.")


@pytest.mark.parametrize("argv", [[], ["--write"]])
def test_without_a_source_of_tyk_the_command_says_what_to_provide(
        argv: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv(fields_gen.ENV_TYK_SRC, raising=False)
    monkeypatch.setattr(fields_gen, "go_binary", lambda: "go")
    monkeypatch.setattr(fields_gen, "download_module", refused_by_the_proxy)
    before = fields_gen.JSON_PATH.read_bytes()
    assert fields_gen.main(argv) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1, err
    assert err.startswith(f"error: no source of Tyk {fields_gen.TYK_COMMIT[:8]} to read: go mod download "), err
    assert "403 Forbidden server response: This module version is not available." in err
    assert (f"(fix: pass --tyk-src DIR or set DCR_HARNESS_TYK_SRC=DIR, DIR a checkout of TykTechnologies/tyk at "
            f"{fields_gen.TYK_COMMIT})") in err
    assert fields_gen.JSON_PATH.read_bytes() == before


def test_a_tree_that_is_not_tyk_is_refused_in_one_line(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    assert fields_gen.main(["--tyk-src", str(tmp_path)]) == 2
    assert capsys.readouterr().err == (f"error: --tyk-src {tmp_path}: not a TykTechnologies/tyk source tree "
                                       "(no apidef/ and user/)\n")
    monkeypatch.setenv(fields_gen.ENV_TYK_SRC, str(tmp_path))
    assert fields_gen.main([]) == 2
    assert capsys.readouterr().err == (f"error: DCR_HARNESS_TYK_SRC {tmp_path}: not a TykTechnologies/tyk source tree "
                                       "(no apidef/ and user/)\n")


def test_the_command_without_go_fails_in_one_line_without_a_traceback(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != fields_gen.ENV_TYK_SRC}
    env.update(PATH=str(tmp_path), PYTHONPATH=str(ROOT))
    proc = subprocess.run([sys.executable, "-m", "harness.tyk.gateway.fields_gen"], capture_output=True, text=True,
                          env=env, cwd=tmp_path, timeout=60)
    assert (proc.returncode, proc.stdout) == (2, "")
    assert proc.stderr == "error: the Go toolchain ('go') is not on PATH (fix: install Go 1.22 or newer)\n"


# --- with Go ---------------------------------------------------------------------------------

def test_generator_rules() -> None:
    """tools/tykfields/main_test.go: one case per encoding/json rule the generator follows,
    and the synthetic module's schema checked against encoding/json itself."""
    go = need_go()
    proc = subprocess.run([go, "test", "-count=1", "."], cwd=fields_gen.GENERATOR_DIR, capture_output=True, text=True,
                          env=fields_gen.go_env(), timeout=fields_gen.GO_TIMEOUT_S)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_generator_output_on_the_synthetic_module() -> None:
    """End to end through ``fields_gen.generate`` (``go run``): the committed expected.json."""
    need_go()
    text = fields_gen.generate(fields_gen.TykSource(SYNTHETIC, "the synthetic module"),
                               commit="synthetic", version="v0.0.0-synthetic")
    expected = (SYNTHETIC / "expected.json").read_text(encoding="utf-8")
    assert text == expected, ("tools/tykfields/testdata/synthetic/expected.json differs (its README says how to "
                              "regenerate it):\n" + "\n".join(fields_gen.changes(json.loads(expected), json.loads(text))))


def test_committed_json_is_what_the_generator_makes_of_tyk_at_the_pinned_commit() -> None:
    """The staleness test: regenerate from Tyk's source (``DCR_HARNESS_TYK_SRC``, else the
    Go module proxy) and compare byte for byte; a tree at another commit, or patched, shows
    up as changed source files."""
    need_go()
    checkout = os.environ.get(fields_gen.ENV_TYK_SRC)
    if checkout:
        src = fields_gen.tree(Path(checkout), fields_gen.ENV_TYK_SRC)
    else:
        try:
            src = fields_gen.download_module(timeout_s=180)
        except fields_gen.SourceUnavailable as exc:
            pytest.skip(f"no source of Tyk {fields_gen.TYK_COMMIT[:8]}: {exc.message}; run this test with "
                        f"DCR_HARNESS_TYK_SRC=<a checkout of TykTechnologies/tyk at {fields_gen.TYK_COMMIT}>")
    text = fields_gen.generate(src)
    current = fields_gen.JSON_PATH.read_text(encoding="utf-8")
    assert text == current, (f"tyk_fields.json is stale against {src.origin} "
                             "(python -m harness.tyk.gateway.fields_gen --write):\n"
                             + "\n".join(fields_gen.changes(json.loads(current), json.loads(text))))
