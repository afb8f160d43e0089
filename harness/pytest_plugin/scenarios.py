"""Scenario files as pytest tests: ``pytest scenarios/`` makes every YAML scenario a test
file with one item per guide step (node id ``scenarios/keycloak.yaml::gateway-call``), so
``--junitxml`` has one ``<testcase>`` per step and ``-k gateway-call`` selects steps.

Collected: ``.yaml``/``.yml`` files whose top level has ``name:`` and ``api:``
(:func:`harness.scenario.suite.looks_like_scenario`); ``scenarios/scenario.schema.json``
and other YAML are not. A file that looks like a scenario but does not load is a
collection error naming the file, line and field.

Running: the first item of a file that runs performs the whole scenario once (as
``dcr-harness run FILE`` does, with ``--idp``, ``--idp-version``, ``--gluu-version`` and
``--gateway`` over the file's settings) and writes its reports to
``<--harness-report-dir>/[<xdist worker>/]<path of the file>/``; every item then reports its
step, judged as :func:`harness.scenario.suite.judge_steps` says: a file with an
``expect:`` section by its expectation (the expected failure's item passes), any other by
the verdicts. A step skipped after a failure is skipped naming the failed step.

pytest-xdist: every worker is a process with its own servers (ports chosen by the kernel),
report folder and launcher pool — one real Keycloak per worker (``--idp keycloak-dist``),
shared by its scenario items and the ``idp`` fixture, not one per test. Under the default
``--dist load`` the items of one scenario file are scheduled to one worker (a
``LoadScopeScheduling`` whose scope is the scenario file, every other test its own scope),
so no scenario runs twice; other ``--dist`` modes are left alone (``loadfile`` groups files
too; elsewhere a file split across workers runs on each of them, with the same verdicts).
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from harness.core.redact import Redactor
from harness.scenario.suite import SCENARIO_SUFFIXES, LauncherPool, RunOptions, StepJudgement, looks_like_scenario


class ScenarioSession:
    """The scenario items' state for one pytest process (an xdist worker or the only one):
    the run options from the command line, the shared launchers, the report folder."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.pool = LauncherPool()
        self._options: RunOptions | None = None

    @property
    def options(self) -> RunOptions:
        """``--idp``, ``--idp-version``, ``--gluu-version``, ``--gateway`` (``--idp`` only when
        given: a scenario's own ``idp.launcher`` is kept otherwise)."""
        if self._options is None:
            cfg = self.config
            gluu = cfg.getoption("--gluu-version")
            self._options = RunOptions(idp=_given_idp(cfg), idp_version=cfg.getoption("--idp-version"),
                                       versions={"gluu": gluu} if gluu else {}, gateway=cfg.getoption("--gateway"))
        return self._options

    def report_dir(self, path: Path) -> Path:
        """``<--harness-report-dir>/[<worker>/]<path relative to the rootdir, no suffix>``."""
        base = Path(self.config.getoption("--harness-report-dir"))
        base = base if base.is_absolute() else self.config.rootpath / base
        # this process's own worker id (an env var would be inherited by a pytest it starts)
        worker = getattr(self.config, "workerinput", {}).get("workerid")
        if worker:
            base = base / worker
        try:
            rel = path.resolve().relative_to(self.config.rootpath.resolve())
        except ValueError:
            rel = Path(path.name)
        return base / rel.with_suffix("")

    def close(self) -> None:
        self.pool.close()


_SESSION = pytest.StashKey[ScenarioSession]()


def _given_idp(config: pytest.Config) -> str | None:
    """``--idp`` when it was given on the command line (the option has a default for the
    ``idp`` fixture; a scenario keeps its own ``idp.launcher`` unless asked otherwise)."""
    value = config.getoption("--idp")
    given = any(a == "--idp" or a.startswith("--idp=") for a in config.invocation_params.args)
    return str(value) if given or value != "emulator" else None


def session_of(config: pytest.Config) -> ScenarioSession:
    """This process's :class:`ScenarioSession` (made on first use)."""
    state = config.stash.get(_SESSION, None)
    if state is None:
        state = config.stash[_SESSION] = ScenarioSession(config)
    return state


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> ScenarioFile | None:
    if file_path.suffix in SCENARIO_SUFFIXES and looks_like_scenario(file_path):
        return ScenarioFile.from_parent(parent, path=file_path)
    return None


class StepFailed(Exception):
    """A step's judgement is ``failed``; carries it for the failure report."""

    def __init__(self, judgement: StepJudgement, exchanges: list[str]) -> None:
        super().__init__(judgement.message)
        self.judgement = judgement
        self.exchanges = exchanges


class ScenarioFile(pytest.File):
    """One scenario file; runs its scenario once, on its first item that runs."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._judged: dict[str, StepJudgement] | None = None
        self._result: Any = None
        self._error: BaseException | None = None
        #: This file's run: its secrets, its failure texts (harness.core.redact).
        self.redactor = Redactor()

    def collect(self) -> Iterator[ScenarioStep]:
        from harness.core.errors import ConfigError
        from harness.scenario.loader import load_scenario
        from harness.scenario.steps import steps_for

        try:
            scenario = load_scenario(self.path)
        except ConfigError as exc:
            raise self.CollectError(str(exc)) from None
        self.scenario_name = scenario.name
        for step in steps_for(scenario):
            yield ScenarioStep.from_parent(self, name=step.id, title=step.title)

    def judgements(self) -> dict[str, StepJudgement]:
        """Every step's judgement; the first call runs the scenario (a run that could not
        happen — bad options, an IdP this machine cannot run — raises on every call)."""
        if self._error is not None:
            raise self._error
        if self._judged is None:
            try:
                self._judged = self._run()
            except BaseException as exc:
                self._error = exc
                raise
        return self._judged

    def _run(self) -> dict[str, StepJudgement]:
        from urllib3.exceptions import InsecureRequestWarning

        from harness.launchers.registry import resolve, unavailable
        from harness.report.suite import write_run_reports
        from harness.scenario.loader import load_scenario
        from harness.scenario.runner import run_scenario
        from harness.scenario.suite import judge_steps

        state = session_of(self.config)
        scenario = load_scenario(self.path)
        options = state.options
        kind = options.apply(scenario)
        reason = unavailable(resolve(kind or scenario.idp.launcher, option="--idp")[0])
        if reason is not None:
            pytest.skip(reason)
        report_dir = state.report_dir(self.path)
        names = options.names(scenario)
        launcher = state.pool.for_scenario(scenario, kind, report_dir, names=names)
        with warnings.catch_warnings():
            # deliberate skip-verify settings (reported by the dashboard-settings step), as `run`
            warnings.simplefilter("ignore", InsecureRequestWarning)
            result = run_scenario(scenario, report_dir=report_dir, idp_kind=kind, scenario_file=str(self.path),
                                  launcher=launcher, gateway=options.gateway,
                                  names=names, redactor=self.redactor)
        write_run_reports(result, report_dir)
        self._result = result
        self.report_path = report_dir / "report.html"
        return {j.id: j for j in judge_steps(scenario, result, by_expectation=True)}

    def step_result(self, step_id: str) -> Any:
        return next((s for s in self._result.steps if s.id == step_id), None) if self._result else None


class ScenarioStep(pytest.Item):
    """One guide step of a scenario file, judged from the file's one run."""

    parent: ScenarioFile

    def __init__(self, *, title: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.title = title
        self.add_marker(pytest.mark.dcr_scenario)

    def runtest(self) -> None:
        t0 = time.perf_counter()
        judged = self.parent.judgements()
        j = judged.get(self.name)
        if j is None:
            raise StepFailed(StepJudgement(self.name, self.title, "failed", "the run did not reach this step"), [])
        sr = self.parent.step_result(self.name)
        self.user_properties += [("title", j.title), ("outcome", j.outcome),
                                 ("report", str(getattr(self.parent, "report_path", "")))]
        if sr is not None:
            self.user_properties += [("verdict", sr.verdict.value), ("step_ms", f"{sr.duration_ms:.1f}")]
        if time.perf_counter() - t0 > 0.5:
            self.user_properties.append(("ran_scenario", "yes"))  # this item's time is the whole run's
        if j.outcome == "failed":
            raise StepFailed(j, [e.summary() for e in (sr.exchanges if sr else [])])
        if j.outcome == "skipped":
            pytest.skip(j.message)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        from harness.core.errors import HarnessError

        exc = excinfo.value
        redactor = self.parent.redactor
        if isinstance(exc, StepFailed):
            lines = [f"{exc.judgement.id}: {exc.judgement.title}", exc.judgement.message, *exc.exchanges]
            report = getattr(self.parent, "report_path", None)
            if report is not None:
                lines.append(f"report: {report}")
            return redactor.text("\n".join(lines))
        if isinstance(exc, HarnessError):
            return redactor.text(f"{self.parent.path.name}: {exc}")
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.parent.path, None, f"{self.parent.scenario_name}: {self.title}"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[Any]:
    """A skipped step's location is its scenario file, not this module's ``pytest.skip``."""
    outcome: Any = yield
    if isinstance(item, ScenarioStep):
        report = outcome.get_result()
        if report.skipped and isinstance(report.longrepr, tuple):
            report.longrepr = (item.location[0], 1, report.longrepr[2])


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "dcr_scenario: a guide step of a collected scenario file")
    if config.pluginmanager.hasplugin("xdist"):
        config.pluginmanager.register(ScenarioScheduling(), "dcr-harness-scenario-scheduling")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    state = session.config.stash.get(_SESSION, None)
    if state is not None:
        state.close()


def _names_scenarios(config: pytest.Config) -> bool:
    """Does the command line name a scenario file, or a folder holding one?"""
    for arg in config.args:
        p = Path(arg.split("::")[0])
        if not p.is_absolute():
            p = config.invocation_params.dir / p
        if p.is_file() and looks_like_scenario(p):
            return True
        if p.is_dir() and any(looks_like_scenario(f) for suffix in SCENARIO_SUFFIXES for f in p.rglob(f"*{suffix}")):
            return True
    return False


class ScenarioScheduling:
    """pytest-xdist hook: under ``--dist load`` (what ``-n N`` means by default) keep the
    items of one scenario file on one worker, so that its scenario runs once."""

    @pytest.hookimpl(tryfirst=True)
    def pytest_xdist_make_scheduler(self, config: pytest.Config, log: Any) -> Any:
        if config.getvalue("dist") != "load" or not _names_scenarios(config):
            return None
        from xdist.scheduler import LoadScopeScheduling

        class ByScenarioFile(LoadScopeScheduling):
            def _split_scope(self, nodeid: str) -> str:
                path, sep, _ = nodeid.partition("::")
                return path if sep and path.endswith(SCENARIO_SUFFIXES) else nodeid

        return ByScenarioFile(config, log)
