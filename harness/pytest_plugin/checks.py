"""Conformance checks as pytest items: one item per check, named by its id, so that
``pytest --junitxml`` yields one ``<testcase>`` per check.

Items are generated only when asked: ``--dcr-checks``, ``--dcr-plan NAME`` or
``--issuer URL``. Without ``--issuer`` the checks run against the IdP chosen with
``--idp``/``--idp-profile`` (the embedded emulator by default), started on first use.

Outcomes: FAIL (only a MUST can fail) fails the item; SKIP skips it; WARN — including
QUIRK — passes the item but is never silent (issue 7: "shown as QUIRK with their
source"): each WARN item emits a :class:`DcrQuirkWarning` (warnings summary; ``-W
error::harness.pytest_plugin.checks.DcrQuirkWarning`` turns them into failures), the
terminal summary gets a section "dcr-harness checks: N WARN (M QUIRK)" listing id,
level, message and quirk source, and in JUnit XML the test case carries the verdict as
``<properties>`` plus the note in ``<system-out>``.
Every client the checks registered is deleted at the end of the session (RFC 7592).
Reports of the checks (JSON, JUnit, HTML) go to ``<--harness-report-dir>/dcr-checks/``.
The check items of one session are one run with one redactor (``CheckSession.redactor``,
harness.core.redact): failure reports, notes, the terminal summary and the reports
redact with it.
"""

from __future__ import annotations

import datetime as dt
import logging
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from harness.conformance.model import Check, CheckResult, CheckRun, Verdict
from harness.core.redact import Redactor
from harness.products.base import IdpLauncher
from harness.products.detect import PROFILES

log = logging.getLogger(__name__)


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("dcr-harness", "DCR conformance harness")
    group.addoption("--dcr-checks", action="store_true", default=False,
                    help="add one test item per conformance check (against --issuer, else the --idp IdP)")
    group.addoption("--dcr-plan", action="append", default=None, metavar="NAME",
                    help="conformance plan(s) to turn into items (implies --dcr-checks); default: "
                         "discovery, registration, management, token")
    group.addoption("--dcr-profile", action="store", default=None, choices=PROFILES,
                    help="IdP profile whose known quirks apply (default: detected / the --idp-profile)")
    group.addoption("--dcr-initial-access-token", action="store", default=None,
                    help="Bearer token for registrations at --issuer")
    group.addoption("--dcr-admin-user", action="store", default=None, help="Keycloak admin user at --issuer")
    group.addoption("--dcr-admin-password", action="store", default=None, help="Keycloak admin password at --issuer")
    group.addoption("--dcr-insecure", action="store_true", default=False, help="do not verify the IdP's TLS certificate")


def enabled(config: pytest.Config) -> bool:
    return bool(config.getoption("--dcr-checks") or config.getoption("--dcr-plan") or config.getoption("--issuer"))


class CheckSession:
    """The lazily started state of the checks for one pytest session."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.ctx: Any = None
        self.launcher: IdpLauncher | None = None
        self.results: list[CheckResult] = []
        self.started = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        self.plans: list[str] = []
        self._error: BaseException | None = None
        #: This session's check run's redactor (its CheckContext's transcript carries it).
        self.redactor = Redactor()

    def context(self) -> Any:
        if self._error is not None:
            raise self._error
        if self.ctx is None:
            try:
                self.ctx = self._build()
            except BaseException as exc:
                self._error = exc
                raise
        return self.ctx

    def _build(self) -> Any:
        from harness.conformance.context import CheckContext
        from harness.core.transcript import Transcript
        from harness.products.detect import detect_issuer, find_product

        cfg = self.config
        report_dir = _report_dir(cfg)
        issuer = cfg.getoption("--issuer")
        verify = not cfg.getoption("--dcr-insecure")
        if issuer:
            profile = cfg.getoption("--dcr-profile") or detect_issuer(issuer, verify)
            return CheckContext(issuer=issuer, profile=profile, verify=verify, report_dir=report_dir,
                                guide_runner=self._guide_runner(), transcript=Transcript(self.redactor),
                                initial_access_token=cfg.getoption("--dcr-initial-access-token"),
                                admin_user=cfg.getoption("--dcr-admin-user"),
                                admin_password=cfg.getoption("--dcr-admin-password"))
        from harness.launchers.registry import make_launcher, resolve, unavailable

        kind, url = resolve(cfg.getoption("--idp"), option="--idp")
        reason = unavailable(kind)
        if reason is not None:
            pytest.skip(reason)  # every check item: the IdP cannot run on this machine
        idp_profile = cfg.getoption("--idp-profile")
        version = cfg.getoption(f"--{idp_profile}-version", None) or cfg.getoption("--idp-version")
        self.launcher = launcher = make_launcher(kind, profile=idp_profile, report_dir=report_dir, url=url,
                                                 version=version, names={"version": "--idp-version"})
        launcher.start()
        # The checks create initial access tokens with the admin credentials where the
        # product's admin API does that (Keycloak). The quirks are those of the release the
        # launcher runs (CheckContext derives the profile instance from launcher.version).
        product = find_product(idp_profile)
        with_admin = product is not None and product.admin_creates_initial_access_tokens
        return CheckContext(issuer=launcher.issuer("master"), profile=cfg.getoption("--dcr-profile") or idp_profile,
                            verify=verify, report_dir=report_dir, launcher=launcher, guide_runner=self._guide_runner(),
                            transcript=Transcript(self.redactor),
                            admin_user=launcher.admin_user if with_admin else None,
                            admin_password=launcher.admin_password if with_admin else None)

    def _guide_runner(self) -> Any:
        """The scenario runner for the guide plan, on the ``--gateway`` chosen."""
        from harness.scenario.runner import ScenarioGuideRunner

        cfg = self.config
        return ScenarioGuideRunner(cfg.getoption("--gateway"), {"secret": cfg.getoption("--gateway-secret"),
                                                                "tyk_bin": cfg.getoption("--tyk-bin")})

    def close(self) -> None:
        """Delete every client the checks created, write the reports, stop the IdP."""
        try:
            if self.ctx is not None:
                cleanup = self.ctx.cleanup()
                self._write_reports(cleanup)
        finally:
            if self.launcher is not None:
                self.launcher.stop()
                self.launcher = None

    def _write_reports(self, cleanup: dict[str, Any]) -> None:
        from harness.report.html_report import write_check_html
        from harness.report.json_report import write_json
        from harness.report.junit import write_check_junit

        if not self.results:
            return
        run = CheckRun(issuer=self.ctx.issuer, profile=self.ctx.profile, plans=self.plans, started=self.started,
                       finished=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                       results=list(self.results), cleanup=cleanup, redactor=self.redactor)
        from harness.conformance.engine import guide_exchanges

        run.guide_exchanges = guide_exchanges(self.ctx)
        out = _report_dir(self.config) / "dcr-checks"
        try:
            write_json(run.to_dict(), out / "report.json", run.redactor)
            write_check_junit(run, out / "junit.xml")
            write_check_html(run, out / "report.html")
        except OSError as exc:  # a report directory problem must not fail the session
            log.warning("could not write the conformance reports to %s: %s", out, exc)


def _report_dir(config: pytest.Config) -> Path:
    base = Path(config.getoption("--harness-report-dir"))
    return base if base.is_absolute() else config.rootpath / base


_SESSION = pytest.StashKey[CheckSession]()


class DcrQuirkWarning(pytest.PytestWarning):
    """A conformance check ended WARN: a SHOULD not met, or a known deviation of the IdP
    profile (level QUIRK, with its source). The item passes; this warning keeps it visible."""


#: Report section (and JUnit ``<system-out>``) title of a WARN item's note.
NOTE_SECTION = "dcr-harness verdict"


def warn_note(r: CheckResult, redactor: Redactor) -> str:
    """One line for a WARN result: id, verdict, level, message and the quirk's source,
    redacted with the run's ``redactor``."""
    text = f"{r.id}: {r.verdict.value} [{r.level.value}] {r.message}"
    if r.quirk and r.quirk.get("source") and r.quirk["source"] not in r.message:
        text += f" (source: {r.quirk['source']})"
    return redactor.text(text)


class CheckFailed(Exception):
    """A MUST check failed; carries its result for the failure report."""

    def __init__(self, result: CheckResult) -> None:
        super().__init__(result.message)
        self.result = result


class DcrChecks(pytest.Collector):
    """The checks of one plan (node id ``dcr-checks.<plan>``)."""

    def __init__(self, *, checks: list[Check], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.checks = checks

    def collect(self) -> list[pytest.Item]:
        return [DcrCheckItem.from_parent(self, name=c.id, check=c) for c in self.checks]


class DcrCheckItem(pytest.Item):
    """One conformance check."""

    def __init__(self, *, check: Check, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.check = check
        self.result: CheckResult | None = None
        self.add_marker(pytest.mark.dcr_check)

    def runtest(self) -> None:
        from harness.conformance.engine import run_check

        session = self.config.stash[_SESSION]
        ctx = session.context()
        self.result = r = run_check(self.check, ctx)
        session.results.append(r)
        self.user_properties += [("verdict", r.verdict.value), ("level", r.level.value), ("spec", r.spec_label),
                                 ("spec_url", r.spec_url), ("message", r.message)]
        if r.quirk:
            self.user_properties.append(("quirk_source", r.quirk.get("source", "")))
        if r.verdict is Verdict.WARN:
            note = warn_note(r, session.redactor)
            # "Captured stdout call": shown by -rP, and written to <system-out> by junitxml
            # when junit_logging includes it (pytest_runtest_logreport below covers the rest).
            self.add_report_section("call", "stdout", f"{NOTE_SECTION}: {note}\n")
            self.user_properties.append(("note", note))
            warnings.warn_explicit(DcrQuirkWarning(note), DcrQuirkWarning,
                                   filename=f"dcr-checks.{self.check.plan}", lineno=0)
        if r.verdict is Verdict.FAIL:
            raise CheckFailed(r)
        if r.verdict is Verdict.SKIP:
            pytest.skip(r.message)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, CheckFailed):
            r = excinfo.value.result
            lines = [f"{r.id} [{r.level.value}] {r.title}", f"spec: {r.spec_label} — {r.spec_url}",
                     f"message: {r.message}", f"expected: {r.expected!r}", f"actual:   {r.actual!r}"]
            lines += [f"  {e.summary()}" for e in r.exchanges]
            return self.config.stash[_SESSION].redactor.text("\n".join(lines))
        if isinstance(excinfo.value, DcrQuirkWarning):  # -W error::...DcrQuirkWarning
            return f"DcrQuirkWarning: {excinfo.value}"
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[str, int | None, str]:
        return f"dcr-checks.{self.check.plan}", None, f"{self.check.id} ({self.check.spec})"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "dcr_check: a conformance check item generated by --dcr-checks")
    if enabled(config):
        config.stash[_SESSION] = CheckSession(config)
        config.pluginmanager.register(JunitNotes(config), "dcr-harness-junit-notes")


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    """Append the check items (before -k/-m deselection runs, so those select checks too)."""
    if not enabled(config):
        return
    from harness.conformance.plans import UnknownPlan, checks_for, resolve

    try:
        plans = resolve(config.getoption("--dcr-plan"))
    except UnknownPlan as exc:
        raise pytest.UsageError(f"--dcr-plan: {exc}") from None
    config.stash[_SESSION].plans = plans
    by_plan: dict[str, list[Check]] = {}
    for c in checks_for(plans):
        by_plan.setdefault(c.plan, []).append(c)
    for plan, checks in by_plan.items():
        collector = DcrChecks.from_parent(session, name=f"dcr-checks.{plan}", nodeid=f"dcr-checks.{plan}",
                                          checks=checks)
        items.extend(collector.collect())


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    state = session.config.stash.get(_SESSION, None)
    if state is not None:
        state.close()


class JunitNotes:
    """Puts a WARN item's note into its JUnit ``<system-out>`` (registered with the
    plugin manager when the check items are enabled).

    pytest's junitxml writes captured stdout (where the note also is) only when
    ``junit_logging`` includes it; otherwise the note is appended to the test case here,
    through junitxml's node reporter (``_pytest.junitxml.xml_key``)."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.when != "call" or not report.nodeid.startswith("dcr-checks."):
            return
        note = dict(report.user_properties).get("note")
        if not note:
            return
        try:
            from _pytest.junitxml import bin_xml_escape, xml_key
        except ImportError:  # pragma: no cover - the properties still carry the note
            return
        xml = self.config.stash.get(xml_key, None)
        if xml is None:
            return
        if xml.logging in ("system-out", "out-err", "all") and (xml.log_passing_tests or not report.passed):
            return  # junitxml writes the captured stdout, which holds the note
        import xml.etree.ElementTree as ET

        tag = ET.Element("system-out")
        tag.text = bin_xml_escape(f"{NOTE_SECTION}: {note}\n")
        xml.node_reporter(report).append(tag)


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    """Section "dcr-harness checks: N WARN (M QUIRK)": every WARN check with its level,
    message and (for a QUIRK) the source of the declared deviation."""
    state = config.stash.get(_SESSION, None)
    if state is None:
        return
    warned = [r for r in state.results if r.verdict is Verdict.WARN]
    if not warned:
        return
    from harness.conformance.model import Level

    quirks = sum(1 for r in warned if r.level is Level.QUIRK)
    terminalreporter.write_sep("=", f"dcr-harness checks: {len(warned)} WARN ({quirks} QUIRK)", yellow=True)
    for r in warned:
        terminalreporter.write_line(f"WARN [{r.level.value}] {r.id} — {r.spec_label}")
        terminalreporter.write_line(f"    {state.redactor.text(r.message)}")
        if r.quirk:
            terminalreporter.write_line(f"    quirk source: {r.quirk.get('source', '')}")


def pytest_report_header(config: pytest.Config) -> str | None:
    if not enabled(config):
        return None
    plans = config.getoption("--dcr-plan") or ["default plans"]
    target = config.getoption("--issuer") or f"--idp {config.getoption('--idp')} ({config.getoption('--idp-profile')})"
    return f"dcr-harness checks: {', '.join(plans)} against {target}"


def iter_results(config: pytest.Config) -> Iterator[CheckResult]:
    """The results of the check items run so far (for plugins and tests)."""
    state = config.stash.get(_SESSION, None)
    yield from (state.results if state else [])
