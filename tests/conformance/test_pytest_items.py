"""``pytest --dcr-checks``: one item per check, named by its id, so ``--junitxml`` has
one testcase per check; nothing is generated unless asked."""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from harness.conformance.plans import checks_for

pytestmark = pytest.mark.slow
pytest_plugins = ["pytester"]


def _pytest(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--harness-report-dir", str(tmp_path / "rep"), *args],
        cwd=tmp_path, capture_output=True, text=True, timeout=600,
    )


def test_one_testcase_per_check_id(tmp_path: Path) -> None:
    junit = tmp_path / "checks.xml"
    proc = _pytest(tmp_path, "--dcr-checks", "--dcr-plan", "discovery,registration,token", f"--junitxml={junit}", "-q")
    plans = ["discovery", "registration", "token"]
    root = ET.parse(junit).getroot()
    cases = list(root.iter("testcase"))
    assert [c.get("name") for c in cases] == [c.id for c in checks_for(plans)], proc.stdout[-2000:]
    assert {c.get("classname") for c in cases} == {f"dcr-checks.{p}" for p in plans}
    for case in cases:
        props = {p.get("name"): p.get("value") for p in case.iter("property")}
        verdict = props["verdict"]
        assert (case.find("failure") is not None) == (verdict == "FAIL"), case.get("name")
        assert (case.find("skipped") is not None) == (verdict == "SKIP"), case.get("name")
        if props["level"] == "QUIRK":
            assert verdict == "WARN" and props.get("quirk_source")
    # Keycloak emulator with its declared quirks: nothing fails, so pytest exits 0.
    assert proc.returncode == 0, proc.stdout[-3000:]
    assert (tmp_path / "rep" / "dcr-checks" / "report.html").is_file()


def test_keyword_selects_checks(tmp_path: Path) -> None:
    junit = tmp_path / "k.xml"
    _pytest(tmp_path, "--dcr-plan", "discovery", "-k", "DISC-ISSUER", f"--junitxml={junit}")
    names = [c.get("name") for c in ET.parse(junit).getroot().iter("testcase")]
    assert names == ["DISC-ISSUER-MATCH", "DISC-ISSUER-HTTPS", "DISC-ISSUER-NO-QUERY-FRAGMENT"]


def test_a_must_failure_fails_the_item(tmp_path: Path) -> None:
    proc = _pytest(tmp_path, "--dcr-plan", "registration", "--dcr-profile", "generic", "-q",
                   "-k", "REG-UNKNOWN-METADATA-IGNORED")
    assert proc.returncode == 1
    assert "REG-UNKNOWN-METADATA-IGNORED [MUST]" in proc.stdout
    assert "spec: RFC 7591 §2" in proc.stdout


def test_no_items_unless_asked(tmp_path: Path) -> None:
    proc = _pytest(tmp_path, "--collect-only", "-q")
    assert proc.returncode == 5, proc.stdout  # "no tests collected"
    assert "DISC-" not in proc.stdout


def test_warn_and_quirk_items_are_visible(pytester: pytest.Pytester) -> None:
    """A WARN (here a declared Keycloak QUIRK) passes the item but shows in the terminal
    summary with its source, in the warnings summary, and in the JUnit system-out."""
    from harness.products.detect import profile_for, quirks_for
    from harness.products.quirk import find

    source = find(quirks_for(profile_for("keycloak")), "TOKEN-WRONG-SECRET-401")[0].source
    junit = pytester.path / "checks.xml"
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--harness-report-dir", str(pytester.path / "rep"),
                                           "--dcr-plan", "token", f"--junitxml={junit}")
    assert result.ret == 0, result.stdout.str()[-3000:]
    result.stdout.fnmatch_lines([
        "*= dcr-harness checks: * WARN (* QUIRK) =*",
        "WARN [[]QUIRK[]] TOKEN-WRONG-SECRET-401 — RFC 6749 §5.2",
        "    quirk source: " + source.replace("[", "[[]"),
    ])
    result.stdout.fnmatch_lines(["*warnings summary*", "*DcrQuirkWarning: TOKEN-WRONG-SECRET-401: WARN [[]QUIRK[]]*"])
    case = next(c for c in ET.parse(junit).getroot().iter("testcase") if c.get("name") == "TOKEN-WRONG-SECRET-401")
    props = {p.get("name"): p.get("value") for p in case.iter("property")}
    assert (props["verdict"], props["level"], props["quirk_source"]) == ("WARN", "QUIRK", source)
    outs = [e.text or "" for e in case.iter("system-out")]
    assert len(outs) == 1, outs
    assert outs[0].startswith("dcr-harness verdict: TOKEN-WRONG-SECRET-401: WARN [QUIRK]") and source in outs[0]
    assert case.find("failure") is None and case.find("skipped") is None


def test_quirk_warnings_can_be_errors(pytester: pytest.Pytester) -> None:
    junit = pytester.path / "checks.xml"
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--harness-report-dir", str(pytester.path / "rep"),
                                           "--dcr-plan", "token", "-k", "TOKEN-WRONG-SECRET-401 or TOKEN-STATUS-200",
                                           "-W", "error::harness.pytest_plugin.checks.DcrQuirkWarning",
                                           "-o", "junit_logging=system-out", f"--junitxml={junit}")
    assert result.ret == 1, result.stdout.str()[-3000:]
    result.stdout.fnmatch_lines(["FAILED dcr-checks.token::TOKEN-WRONG-SECRET-401 - *DcrQuirkWarning*"])
    cases = {c.get("name"): c for c in ET.parse(junit).getroot().iter("testcase")}
    assert cases["TOKEN-WRONG-SECRET-401"].find("failure") is not None


def test_check_items_skip_when_the_idp_cannot_run_here(tmp_path: Path) -> None:
    from harness.core.containers import docker_available

    ok, _ = docker_available()
    if ok:
        pytest.skip("a Docker engine is available: the skip path cannot be shown here")
    proc = _pytest(tmp_path, "--dcr-plan", "discovery", "--idp", "container", "--idp-profile", "gluu", "-q", "-rs")
    assert proc.returncode == 0, proc.stdout[-2000:]
    n = len(checks_for(["discovery"]))
    assert f"{n} skipped" in proc.stdout
    assert "--idp container needs a Docker engine" in proc.stdout
