"""Another served Keycloak release end to end (issue 19: ``--idp-version``): the pytest
plugin collects two Keycloak scenario files and runs them on keycloak-dist 26.5.6, one
server for both (booted once per worker, not per scenario)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from harness.products.keycloak.dist import DEFAULT_VERSION, SERVED_VERSIONS

pytestmark = pytest.mark.real_keycloak
pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parents[2]
#: A served release other than the default (the 26.5 line).
VERSION = "26.5.6"


def test_scenarios_on_a_served_non_default_release_share_one_server(pytester: pytest.Pytester) -> None:
    assert VERSION in SERVED_VERSIONS and VERSION != DEFAULT_VERSION
    suite = pytester.path / "scenarios"
    suite.mkdir()
    shutil.copy(ROOT / "scenarios" / "keycloak.yaml", suite / "keycloak.yaml")
    text = (ROOT / "scenarios" / "keycloak.yaml").read_text()
    (suite / "keycloak-again.yaml").write_text(text.replace('\nname: ', '\nname: again '))
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "scenarios", "--idp", "keycloak-dist",
                                           "--idp-version", VERSION, "--harness-report-dir=reports", "-rf")
    result.assert_outcomes(passed=28)
    result.stdout.fnmatch_lines([f"*idp=keycloak-dist*idp-version={VERSION}*"])
    reports = pytester.path / "reports"
    for name in ("keycloak", "keycloak-again"):
        report = json.loads((reports / "scenarios" / name / "report.json").read_text())
        assert report["idp"]["kind"] == "keycloak-dist" and report["idp"]["version"] == VERSION
    logs = list(reports.rglob("keycloak.log"))
    assert len(logs) == 1, logs  # one boot for both scenarios
    assert VERSION in logs[0].read_text(errors="replace")
