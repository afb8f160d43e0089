"""Hooks: the ``dcr-harness`` option group, markers and the report header.

Fixtures live in :mod:`harness.pytest_plugin.fixtures` (loaded from here)."""

from __future__ import annotations

import pytest

from harness.launchers.registry import DEFAULT_GATEWAY, help_text, profiles

pytest_plugins = ["harness.pytest_plugin.fixtures", "harness.pytest_plugin.checks", "harness.pytest_plugin.scenarios"]


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("dcr-harness", "DCR conformance harness")
    group.addoption("--idp", action="store", default="emulator",
                    help="IdP launcher for the idp/world fixtures: " + help_text(default="emulator"))
    group.addoption("--idp-profile", action="store", default="keycloak", choices=profiles(),
                    help="wire profile of the IdP (default keycloak)")
    group.addoption("--gateway", action="store", default=DEFAULT_GATEWAY, metavar="KIND|URL",
                    help="gateway launcher for the world fixture, the guide checks and scenario files: "
                         + help_text("gateway", default=DEFAULT_GATEWAY))
    group.addoption("--gateway-secret", action="store", default=None, metavar="S",
                    help="with --gateway URL: the gateway's tyk.conf secret (default: $DCR_GATEWAY_SECRET)")
    group.addoption("--tyk-bin", action="store", default=None, metavar="PATH",
                    help="with --gateway tyk-oss: the Tyk gateway binary (default: $DCR_HARNESS_TYK_BIN, `tyk` on PATH, "
                         "or the cache)")
    group.addoption("--issuer", action="store", default=None,
                    help="issuer URL of an IdP for the conformance checks (any live IdP)")
    group.addoption("--harness-report-dir", action="store", default="reports/pytest",
                    help="where fixtures keep server logs and reports (scenario files: one folder per file)")
    group.addoption("--idp-version", action="store", default=None, metavar="V",
                    help="the IdP product's version for the idp fixture, the check items and scenario files (over "
                         "their idp.version): for keycloak-dist a release Maven Central serves, e.g. 26.5.6")
    group.addoption("--gluu-version", action="store", default=None, metavar="V",
                    help="Gluu release (4.2 or 4.4) for the gluu profile, over --idp-version")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "idp(profile): run the test against an IdP with this wire profile")


def pytest_report_header(config: pytest.Config) -> str:
    extra = [f"{name}={config.getoption('--' + name)}" for name in ("idp-version", "gluu-version")
             if config.getoption("--" + name)]
    gateway = config.getoption("--gateway")
    if gateway != DEFAULT_GATEWAY:
        extra.append(f"gateway={gateway}")
    return (f"dcr-harness: idp={config.getoption('--idp')} profile={config.getoption('--idp-profile')}"
            + (f" issuer={config.getoption('--issuer')}" if config.getoption("--issuer") else "")
            + "".join(f" {e}" for e in extra))
