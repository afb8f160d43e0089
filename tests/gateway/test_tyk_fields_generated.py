"""The Tyk field schema (harness/tyk/gateway/tyk_fields.json) is what its generator
(tools/tykfields) makes of Tyk's Go structs at the pinned commit, and it reports the same
unknown fields as the hand-kept schema it replaced.

Offline tests: the JSON loads, holds the fields the gateway relies on, pins the snapshot's
bytes, and the golden fixture (fixtures/tyk-fields) yields the recorded warnings.
With Go: the generator's own rules (``go test``) and the staleness check (regenerate from the
snapshot of Tyk's source, compare byte for byte). With Go and a source of Tyk (the module
proxy, or ``DCR_HARNESS_TYK_SRC`` = a checkout at the pinned commit): the snapshot is Tyk's.
Each needs-something test skips naming what is missing; none passes without checking.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from harness.tyk.gateway import fields_gen, load_file_config
from harness.tyk.gateway.dashboard_export import export_warnings
from harness.tyk.gateway.fieldschema import API_DEFINITION, POLICY, SOURCE, STRUCTS, ListOf, MapOf, load_structs, unknown_fields

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "fixtures" / "tyk-fields"


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
    assert SOURCE["commit"] == fields_gen.TYK_COMMIT and SOURCE["version"] == fields_gen.TYK_VERSION


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


def test_snapshot_is_what_the_json_says_was_read() -> None:
    files = committed()["source"]["files"]
    on_disk = {p.relative_to(fields_gen.SNAPSHOT_DIR).as_posix() for p in fields_gen.SNAPSHOT_DIR.glob("*/*.go")}
    assert on_disk == set(files)
    for name, digest in files.items():
        assert "sha256:" + hashlib.sha256((fields_gen.SNAPSHOT_DIR / name).read_bytes()).hexdigest() == digest, name
    assert (fields_gen.SNAPSHOT_DIR / "LICENSE.md").read_text().count("Mozilla Public License Version 2.0") >= 1


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
    assert fields_gen.changes(old, new) == [
        f"~ source.commit: {fields_gen.TYK_COMMIT} -> {'0' * 40}",
        '~ apidef.APIDefinition.enable_jwt: null -> {"list": null}',
        "+ apidef.JWK.kid: null",
        "- user.Policy.rate",
    ]
    assert fields_gen.changes(old, old) == []


# --- with Go ---------------------------------------------------------------------------------

def test_generator_rules() -> None:
    """tools/tykfields/main_test.go: one case per encoding/json rule the generator follows."""
    go = need_go()
    proc = subprocess.run([go, "test", "."], cwd=fields_gen.GENERATOR_DIR, capture_output=True, text=True,
                          env=fields_gen.go_env(), timeout=fields_gen.GO_TIMEOUT_S)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_committed_json_is_what_the_generator_makes_of_the_pinned_source() -> None:
    """The staleness test: regenerate from the snapshot of Tyk at the pinned commit."""
    need_go()
    text = fields_gen.generate(fields_gen.snapshot_source())
    current = fields_gen.JSON_PATH.read_text(encoding="utf-8")
    assert text == current, ("tyk_fields.json is stale (python -m harness.tyk.gateway.fields_gen --write):\n"
                             + "\n".join(fields_gen.changes(json.loads(current), json.loads(text))))


def test_snapshot_is_tyk_at_the_pinned_commit() -> None:
    """The snapshot's files are byte for byte those of Tyk's module at TYK_VERSION (from
    the Go module proxy), or of the checkout named by DCR_HARNESS_TYK_SRC."""
    need_go()
    checkout = os.environ.get("DCR_HARNESS_TYK_SRC")
    if checkout:
        src = fields_gen.resolve_source(Path(checkout))
    else:
        try:
            src = fields_gen.download_module(timeout_s=180)
        except fields_gen.SourceUnavailable as exc:
            pytest.skip(f"{exc} (set DCR_HARNESS_TYK_SRC to a checkout of TykTechnologies/tyk at {fields_gen.TYK_COMMIT[:8]})")
    assert fields_gen.snapshot_drift(src, committed()) == []
    assert fields_gen.generate(src) == fields_gen.JSON_PATH.read_text(encoding="utf-8")
