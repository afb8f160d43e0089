"""Scenario files: a typo or a wrong type is one clear error naming file, line and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.cli.main import main
from harness.core.errors import ConfigError
from harness.scenario.loader import load_scenario, parse_scenario

ROOT = Path(__file__).resolve().parents[2]


def test_every_shipped_scenario_validates() -> None:
    files = sorted((ROOT / "scenarios").rglob("*.yaml"))
    assert files, "no scenarios found"
    for f in files:
        load_scenario(f)


def test_keycloak_scenario_is_the_guide() -> None:
    sc = load_scenario(ROOT / "scenarios" / "keycloak.yaml")
    assert sc.api.jwt.identity_base_field == "sub"
    assert sc.api.jwt.policy_field_name == "pol"
    assert sc.catalogue.override is True
    assert sc.catalogue.dcr.provider == "keycloak"
    assert sc.catalogue.dcr.grant_types == ["client_credentials"]
    assert sc.catalogue.dcr.token_endpoint_auth_method == "client_secret_post"
    assert sc.catalogue.dcr.response_types == ["token"]
    assert sc.dashboard.oauth_redirect_uri_separator == ";"
    assert sc.token_request.auth_method == "client_secret_post"


BASE = """\
name: t
api:
  name: A
policy:
  name: P
catalogue:
  name: C
"""


def test_typo_in_field_name_names_field_line_and_suggestion() -> None:
    text = BASE + "developer:\n  emial: x@example.com\n"
    with pytest.raises(ConfigError) as ei:
        parse_scenario(text, "s.yaml")
    msg = str(ei.value)
    assert msg.startswith("s.yaml:9: unknown field 'developer.emial'")
    assert "did you mean 'email'" in msg


def test_wrong_type_names_field_and_value() -> None:
    text = BASE.replace("name: P", "name: P\n  key_expires_in: soon")
    with pytest.raises(ConfigError) as ei:
        parse_scenario(text, "s.yaml")
    msg = str(ei.value)
    assert msg.startswith("s.yaml:6: field 'policy.key_expires_in'")
    assert "'soon'" in msg


def test_missing_required_section() -> None:
    with pytest.raises(ConfigError, match=r"missing required field 'catalogue'"):
        parse_scenario("name: t\napi: {name: A}\npolicy: {name: P}\n", "s.yaml")


def test_invalid_yaml_names_line() -> None:
    with pytest.raises(ConfigError, match=r"^s.yaml:3: not valid YAML: .*at line 2\)"):
        parse_scenario("name: t\napi: [unclosed\n", "s.yaml")


def test_cli_exit_code_2_and_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "bad.yaml"
    f.write_text(BASE + "catalogue_typo: 1\n")
    code = main(["run", str(f), "--report-dir", str(tmp_path / "r")])
    err = capsys.readouterr().err.strip()
    assert code == 2
    assert len(err.splitlines()) == 1
    assert "unknown field 'catalogue_typo'" in err
    assert not (tmp_path / "r").exists(), "nothing may be created for a scenario that does not validate"


def test_cli_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(tmp_path / "nope.yaml")]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_validate_checks_every_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad1 = tmp_path / "bad1.yaml"
    bad1.write_text(BASE + "typo: 1\n")
    bad2 = tmp_path / "bad2.yaml"
    bad2.write_text("name: [\n")
    good = ROOT / "scenarios" / "keycloak.yaml"
    assert main(["validate", str(bad1), str(good), str(bad2)]) == 2
    cap = capsys.readouterr()
    out = cap.out + cap.err
    assert "unknown field 'typo'" in cap.err and "not valid YAML" in out and "keycloak.yaml: OK" in out
    assert "2 of 3 scenario file(s) invalid" in out


def test_renamed_required_field_names_the_unknown_key_first() -> None:
    with pytest.raises(ConfigError) as ei:
        parse_scenario(BASE.replace("name: t", "name_typo: t"), "s.yaml")
    msg = str(ei.value)
    assert msg.startswith("s.yaml:1: unknown field 'name_typo' (in top level)"), msg
    assert "did you mean 'name'" in msg


def test_duplicate_yaml_key_is_an_error_naming_both_lines() -> None:
    with pytest.raises(ConfigError, match=r"^s.yaml:8: duplicate key 'name' \(first at line 7\)"):
        parse_scenario(BASE + "  name: again\n", "s.yaml")


def test_duplicate_top_level_section_is_an_error() -> None:
    with pytest.raises(ConfigError, match=r"duplicate key 'api'"):
        parse_scenario(BASE + "api:\n  name: B\n", "s.yaml")


def test_unknown_placeholder_fails_validation_with_a_suggestion() -> None:
    text = BASE + "token_request:\n  endpoint: ${discovery.token_endpiont}\n"
    with pytest.raises(ConfigError) as ei:
        parse_scenario(text, "s.yaml")
    assert str(ei.value).startswith("s.yaml:9: placeholder ${discovery.token_endpiont} is not a fact a run produces")
    assert ei.value.hint == "did you mean ${discovery.token_endpoint}?"


def test_placeholder_without_any_close_match_lists_the_known_ones() -> None:
    with pytest.raises(ConfigError) as ei:
        parse_scenario(BASE + "token_request:\n  endpoint: ${discovery.nonexistent_member_x}\n", "s.yaml")
    assert "${discovery.token_endpoint}" in (ei.value.hint or "")


@pytest.mark.parametrize("payload,expected", [
    (b"\x00\x01\x02binary\xff", "is binary, not text"),
    (b"name: t\napi:\n  name: \xe9t\xe9\n", "s.yaml:3: this scenario file is not UTF-8 text (byte 0xe9)"),
])
def test_binary_or_non_utf8_scenario_is_one_error_line(tmp_path: Path, payload: bytes, expected: str,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "s.yaml"
    f.write_bytes(payload)
    assert main(["validate", str(f)]) == 2
    err = capsys.readouterr().err
    assert expected.replace("s.yaml", str(f)) in err
    assert "Traceback" not in err
