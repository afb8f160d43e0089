"""``dcr-harness check``: flag errors (exit 2, one line), a run writing the three
reports, exit 1 when a MUST fails, and profile detection."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from harness.cli.main import main
from harness.conformance.plans import checks_for
from harness.products.detect import detect_issuer

from .conftest import keycloak_clients


@pytest.mark.parametrize(("argv", "text"), [
    (["check"], "--issuer is required"),
    (["check", "--issuer", "ftp://idp.example/realms/a"], "is not an http(s) URL"),
    (["check", "--issuer", "http://idp.example/realms/a?x=1"], "has a query or fragment"),
    (["check", "--issuer", "http://i.example/realms/a", "--initial-access-token", "t0ken-value",
      "--admin-user", "admin", "--admin-password", "admin"], "not both"),
    (["check", "--issuer", "http://i.example/realms/a", "--admin-user", "admin"], "go together"),
    (["check", "--issuer", "http://i.example/realms/a", "--plan", "nope"], "unknown plan 'nope'"),
    (["check", "--issuer", "http://i.example/realms/a", "--profile", "okta"], "--profile 'okta' is unknown"),
    (["check", "--issuer", "http://i.example/realms/a", "--profile", "keycloak", "--idp-version", "26.6.0"],
     "known: 26.4.x, 26.5.x, 26.7.x"),
    (["check", "--issuer", "http://i.example/", "--profile", "gluu", "--idp-version", "5.0"], "not a Gluu 4.x release"),
    (["check", "--issuer", "http://i.example/", "--profile", "generic", "--idp-version", "4.4"],
     "--idp-version applies to a product profile (keycloak, gluu), not generic"),
])
def test_bad_flags_exit_2_with_one_line(argv: list[str], text: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert text in err
    assert len(err.splitlines()) == 1


@pytest.mark.slow
def test_check_writes_three_reports_and_exits_0(keycloak_emulator: Any, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    before = keycloak_clients(keycloak_emulator)
    out = tmp_path / "r"
    rc = main(["check", "--issuer", keycloak_emulator.issuer("master"), "--admin-user", "admin",
               "--admin-password", "admin", "--plan", "discovery,registration", "--report-dir", str(out)])
    stdout = capsys.readouterr().out
    assert rc == 0, stdout
    assert "profile keycloak" in stdout
    assert "REG-STATUS-201" in stdout and "No MUST failed." in stdout
    # Not a terminal (CI logs): one line per check, no table, none wrapped.
    lines = [ln for ln in stdout.splitlines() if ln[:4] in ("PASS", "FAIL", "WARN", "SKIP")]
    assert [ln.split()[2] for ln in lines] == [c.id for c in checks_for(["discovery", "registration"])]
    assert "│" not in stdout and "┃" not in stdout
    data = json.loads((out / "report.json").read_text())
    ids = [c.id for c in checks_for(["discovery", "registration"])]
    assert [r["id"] for r in data["results"]] == ids
    assert data["passed"] is True and data["profile"] == "keycloak"
    junit = ET.parse(out / "junit.xml").getroot()
    assert [tc.get("name") for tc in junit.iter("testcase")] == ids
    html = (out / "report.html").read_text()
    assert "REG-UNKNOWN-METADATA-IGNORED" in html and "<svg" not in html.split("<main>")[0]
    assert keycloak_clients(keycloak_emulator) == before


@pytest.mark.slow
def test_a_failed_must_exits_1(keycloak_emulator: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # With the generic profile no Keycloak quirk is declared: its 400 on unknown metadata fails.
    rc = main(["check", "--issuer", keycloak_emulator.issuer("master"), "--admin-user", "admin", "--admin-password",
               "admin", "--plan", "registration", "--profile", "generic", "--report-dir", str(tmp_path)])
    out = capsys.readouterr().out
    assert rc == 1
    assert "MUST failed:" in out and "REG-UNKNOWN-METADATA-IGNORED" in out.split("MUST failed:")[1]


@pytest.mark.slow
def test_profile_detection(keycloak_emulator: Any, gluu_emulator: Any) -> None:
    assert detect_issuer(keycloak_emulator.issuer("master"), True) == "keycloak"
    assert detect_issuer(gluu_emulator.issuer(), True) == "gluu"
    assert detect_issuer("http://127.0.0.1:9", True) == "generic"  # nothing listens on the discard port


@pytest.mark.slow
def test_gluu_guide_without_admin_credentials_skips(gluu_emulator: Any, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    """The Gluu guide changes oxAuth's configuration with the admin API: without
    --admin-user/--admin-password the guide plan is SKIP (naming the flags), not a 401 FAIL."""
    rc = main(["check", "--issuer", gluu_emulator.issuer(), "--plan", "guide", "--report-dir", str(tmp_path)])
    out = capsys.readouterr().out
    assert rc == 0, out
    data = json.loads((tmp_path / "report.json").read_text())
    verdicts = {r["id"]: (r["verdict"], r["message"]) for r in data["results"]}
    verdict, message = verdicts["GUIDE-IDP-CONFIGURATION"]
    assert verdict == "SKIP"
    assert "--admin-user/--admin-password" in message
    assert {v for v, _ in verdicts.values()} == {"SKIP"}


@pytest.mark.slow
def test_gluu_guide_with_admin_credentials_runs(gluu_emulator: Any, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    rc = main(["check", "--issuer", gluu_emulator.issuer(), "--plan", "guide", "--admin-user",
               gluu_emulator.admin_user, "--admin-password", gluu_emulator.admin_password, "--report-dir", str(tmp_path)])
    out = capsys.readouterr().out
    data = json.loads((tmp_path / "report.json").read_text())
    verdicts = {r["id"]: r["verdict"] for r in data["results"]}
    assert verdicts["GUIDE-IDP-CONFIGURATION"] == "PASS", out
    assert rc == 0, out


@pytest.mark.slow
def test_profile_auto_detects_the_product(gluu_emulator: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``--profile auto`` (the default) detects the product from the issuer and discovery
    (issue 16 item 2); the header line names what was detected."""
    rc = main(["check", "--issuer", gluu_emulator.issuer(), "--profile", "auto", "--plan", "discovery",
               "--report-dir", str(tmp_path)])
    out = capsys.readouterr().out
    assert rc == 0, out
    assert "(profile gluu;" in out
    assert json.loads((tmp_path / "report.json").read_text())["profile"] == "gluu"
