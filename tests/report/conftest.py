"""One real conformance run (every plan) against a Keycloak emulator that answers
registrations with 200, so the reports hold PASS, FAIL, WARN, QUIRK and SKIP results and
the guide flow; the raw secrets seen during the run are collected for the redaction test."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from harness.conformance.context import CheckContext, json_of
from harness.conformance.model import CheckRun


@dataclass
class ReportRun:
    run: CheckRun
    secrets: set[str] = field(default_factory=set)
    paths: dict[str, Path] = field(default_factory=dict)


@pytest.fixture(scope="session")
def report_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ReportRun]:
    from harness.conformance.engine import run_checks
    from harness.conformance.plans import PLANS, checks_for
    from harness.products.keycloak.emulator.launcher import KeycloakEmulatorLauncher
    from harness.products.keycloak.profile import KeycloakProfile
    from harness.report.html_report import write_check_html
    from harness.report.json_report import write_json
    from harness.report.junit import write_check_junit
    from harness.scenario.runner import ScenarioGuideRunner

    seen: set[str] = set()
    mp = pytest.MonkeyPatch()
    orig_track, orig_absorb, orig_iat = CheckContext.track, CheckContext.absorb, CheckContext.new_initial_access_token

    def track(self: CheckContext, resp: Any) -> Any:
        data = json_of(resp)
        if isinstance(data, dict):
            seen.update(v for k, v in data.items() if k in ("client_secret", "registration_access_token") and v)
        return orig_track(self, resp)

    def absorb(self: CheckContext, client: Any, resp: Any) -> bool:
        data = json_of(resp)
        if isinstance(data, dict) and data.get("registration_access_token"):
            seen.add(data["registration_access_token"])
        return orig_absorb(self, client, resp)

    def new_iat(self: CheckContext, **kw: Any) -> str:
        token = orig_iat(self, **kw)
        seen.add(token)
        return token

    mp.setattr(CheckContext, "track", track)
    mp.setattr(CheckContext, "absorb", absorb)
    mp.setattr(CheckContext, "new_initial_access_token", new_iat)
    out = tmp_path_factory.mktemp("check-report")
    try:
        profile = dataclasses.replace(KeycloakProfile(), registration_status=200)
        with KeycloakEmulatorLauncher(profile=profile) as kc:
            ctx = CheckContext(issuer=kc.issuer("master"), profile="keycloak", admin_user="admin",
                               admin_password="admin", launcher=kc, report_dir=out, guide_runner=ScenarioGuideRunner())
            run = run_checks(ctx, checks_for(list(PLANS)), plans=list(PLANS))
            token_obs = ctx._observations.get("token")  # noqa: SLF001 - the test inspects the raw token
            if token_obs is not None and not isinstance(token_obs, BaseException):
                seen.add(token_obs.facts["raw_token"])
    finally:
        mp.undo()
    seen.add("developer-password-1")  # the guide developer's password (scenarios/keycloak.yaml)
    paths = {"json": write_json(run.to_dict(), out / "report.json"),
             "junit": write_check_junit(run, out / "junit.xml"),
             "html": write_check_html(run, out / "report.html")}
    yield ReportRun(run, {s for s in seen if isinstance(s, str) and len(s) >= 6}, paths)
