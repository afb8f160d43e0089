"""Suites of scenarios: a QA team's regression folder run as a whole (issue 19).

The faces share this module: ``dcr-harness run FILE|FOLDER ... -j N`` and the pytest
plugin's collection of scenario files (:mod:`harness.pytest_plugin.scenarios`).

* :func:`find_scenarios` turns files and folders into scenario files (a folder is searched
  for YAML files that :func:`looks_like_scenario`; a file named on purpose is always a
  scenario, so a broken one is an error naming it).
* :class:`RunOptions` are the command line's overrides of a scenario file (``--idp``,
  ``--idp-version``, ``--gluu-version``, ``--gateway``), also one cell of a ``--matrix``.
* :class:`LauncherPool` keeps one started launcher per set of options for the kinds the
  launcher registry marks ``shared`` (a real Keycloak, a container): a suite boots one per
  worker, not one per scenario. Cheap kinds (the emulators) start one per scenario, as a
  single run does.
* :func:`judge_steps` says, per step, whether a suite counts it passed, failed or skipped —
  by the verdicts, or by the scenario's ``expect:`` section (the same rules as
  :func:`harness.scenario.runner.check_expectation`).
"""

from __future__ import annotations

import itertools
import logging
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, cast

import yaml

from harness.conformance.model import Verdict
from harness.core.errors import ConfigError
from harness.launchers.registry import make_launcher, resolve, spec
from harness.products.base import IdpLauncher
from harness.scenario.results import RunResult
from harness.scenario.runner import check_expectation, has_expectation, make_idp
from harness.scenario.schema import Scenario

log = logging.getLogger(__name__)

#: File name endings of scenario files.
SCENARIO_SUFFIXES: tuple[str, ...] = (".yaml", ".yml")
#: Top-level keys every scenario has (both required by the schema) and no other YAML of a
#: repository is likely to have together (CI files, Helm charts, Tyk exports are JSON).
SCENARIO_KEYS: frozenset[str] = frozenset({"name", "api"})


def looks_like_scenario(path: Path) -> bool:
    """A ``.yaml``/``.yml`` file whose top level is a mapping with ``name:`` and ``api:``.
    A file that is not YAML at all is not a scenario (a folder may hold other YAML)."""
    if path.suffix not in SCENARIO_SUFFIXES or not path.is_file():
        return False
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return False
    return isinstance(data, dict) and SCENARIO_KEYS <= set(data)


def find_scenarios(paths: Iterable[str | Path]) -> list[Path]:
    """The scenario files named by ``paths``, in order, each once: a file as given, a
    folder's scenario files (recursively, sorted). ConfigError (one line) for a path that
    does not exist or a folder without any scenario."""
    found: dict[Path, None] = {}
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            inside = sorted(f for f in p.rglob("*") if looks_like_scenario(f))
            if not inside:
                raise ConfigError(f"{p}: no scenario file in this folder (YAML files with name: and api:)",
                                  hint="pass a folder of scenarios, e.g. scenarios/broken/")
            found.update(dict.fromkeys(inside))
        elif p.is_file():
            found[p] = None
        else:
            raise ConfigError(f"scenario file or folder {p} does not exist",
                              hint="pass YAML scenario files or folders, e.g. scenarios/ or scenarios/keycloak.yaml")
    return list(found)


# ---- options --------------------------------------------------------------------------

@dataclass(frozen=True)
class RunOptions:
    """Overrides of the scenario files' settings for one run of a suite.

    ``idp``: a launcher kind or a URL (``--idp``); ``idp_version``: the IdP product's
    version (``--idp-version``, e.g. a served Keycloak 26.5.6); ``versions``: a version per
    IdP profile that wins over ``idp_version`` for scenarios of that profile
    (``--gluu-version 4.4`` is ``{"gluu": "4.4"}``); ``gateway``: the gateway launcher's kind."""

    idp: str | None = None
    idp_version: str | None = None
    versions: Mapping[str, str] = field(default_factory=dict)
    gateway: str = "harness"

    def __post_init__(self) -> None:
        if self.idp:
            resolve(self.idp, option="--idp")  # one line naming the kinds
        resolve(self.gateway, role="gateway", option="--gateway")

    def apply(self, scenario: Scenario) -> str | None:
        """Set the overridden fields on ``scenario`` (its URL, version) and return the
        launcher kind to use instead of the file's (``None``: the file's)."""
        kind: str | None = None
        if self.idp:
            kind, url = resolve(self.idp, option="--idp")
            if url:
                scenario.idp.url = url
        version = self.versions.get(scenario.idp.profile) or self.idp_version
        if version:
            scenario.idp.version = version
        return kind

    def names(self, scenario: Scenario) -> dict[str, str]:
        """How the launcher options this run overrides are called in errors ("--idp-version
        does not apply to the emulator launcher of ..."); the file's own keep their
        ``idp.*`` names."""
        if scenario.idp.profile in self.versions:
            return {"version": f"--{scenario.idp.profile}-version"}
        return {"version": "--idp-version"} if self.idp_version else {}

    def label(self) -> str:
        """``idp=keycloak-dist idp-version=26.5.6`` (the overrides given), or ``""``."""
        parts = [f"idp={self.idp}" if self.idp else "", f"idp-version={self.idp_version}" if self.idp_version else ""]
        parts += [f"{profile}-version={v}" for profile, v in sorted(self.versions.items())]
        parts.append(f"gateway={self.gateway}" if self.gateway != "harness" else "")
        return " ".join(p for p in parts if p)


#: ``--matrix`` keys and the :class:`RunOptions` field each sets.
MATRIX_KEYS: dict[str, str] = {"idp": "idp", "idp-version": "idp_version", "gluu-version": "gluu", "gateway": "gateway"}


def parse_matrix(axes: Sequence[str]) -> list[dict[str, str]]:
    """``["idp-version=26.4.7,26.7.3", "gluu-version=4.2,4.4"]`` → one dict per cell of the
    cartesian product, axes in the order given. ConfigError for a malformed axis."""
    parsed: list[tuple[str, list[str]]] = []
    for axis in axes:
        key, sep, values = axis.partition("=")
        key = key.strip()
        if not sep or key not in MATRIX_KEYS:
            raise ConfigError(f"--matrix {axis!r} is not KEY=V1,V2,...", hint=f"KEY is one of {', '.join(MATRIX_KEYS)}")
        if any(k == key for k, _ in parsed):
            raise ConfigError(f"--matrix names {key} twice", hint="give each key once, its values comma-separated")
        vals = list(dict.fromkeys(v.strip() for v in values.split(",") if v.strip()))
        if not vals:
            raise ConfigError(f"--matrix {axis!r} has no values", hint=f"e.g. --matrix {key}=V1,V2")
        parsed.append((key, vals))
    keys = [k for k, _ in parsed]
    return [dict(zip(keys, combo, strict=True)) for combo in itertools.product(*(v for _, v in parsed))]


def options_for(base: RunOptions, cell: Mapping[str, str]) -> RunOptions:
    """``base`` with one matrix cell's values (a cell's value wins over the flag's)."""
    versions = dict(base.versions)
    values: dict[str, Any] = {"idp": base.idp, "idp_version": base.idp_version, "gateway": base.gateway}
    for key, value in cell.items():
        target = MATRIX_KEYS[key]
        if target == "gluu":
            versions["gluu"] = value
        else:
            values[target] = value
    return RunOptions(versions=versions, **values)


# ---- shared launchers -----------------------------------------------------------------

class SharedLauncher:
    """A launcher several runs use in turn: :meth:`start` starts it once (later calls find
    it running; after a failed start the next call tries again), :meth:`stop` leaves it
    running — its :class:`LauncherPool` stops it (:meth:`close`). Every other attribute
    is the launcher's (the :class:`~harness.products.base.IdpLauncher` Protocol)."""

    def __init__(self, launcher: IdpLauncher) -> None:
        self.launcher = launcher
        self._started = False
        self._lock = threading.Lock()

    def start(self) -> SharedLauncher:
        with self._lock:
            if not self._started:
                self.launcher.start()
                self._started = True
        return self

    def stop(self) -> None:
        """Nothing: the pool that shares it stops it."""

    def close(self) -> None:
        with self._lock:
            if self._started:
                self._started = False
                self.launcher.stop()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.launcher, name)

    def __enter__(self) -> SharedLauncher:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class LauncherPool:
    """Launchers shared by the scenarios one worker runs, for the kinds the registry marks
    ``shared`` (``keycloak-dist``, ``container``): one per set of launcher options (kind,
    profile, URL, version, relative path, admin credentials, key seed, TLS), handed out
    as a :class:`SharedLauncher`. Not started here: the first scenario's ``idp-start``
    step starts it (so a boot failure is that step's failure), later ones find it
    running. :meth:`close` stops them all."""

    def __init__(self, report_dir: Path | None = None) -> None:
        self.report_dir = report_dir
        self._launchers: dict[tuple[Any, ...], SharedLauncher] = {}

    def for_scenario(self, scenario: Scenario, kind: str | None, report_dir: Path,
                     names: Mapping[str, str] | None = None) -> IdpLauncher | None:
        """The shared launcher for ``scenario`` (with ``kind`` from ``--idp``, else the
        file's), or ``None`` when its kind is cheap and the run should make its own.
        ``names``: as for :func:`harness.scenario.runner.make_idp`."""
        resolved, url = resolve(kind or scenario.idp.launcher, option="--idp")
        if not spec(resolved).shared:
            return None
        idp = scenario.idp
        key = _key(resolved, idp.profile, url or idp.url, idp.version, idp.relative_path, idp.admin_user,
                   idp.admin_password, idp.key_seed, idp.tls.certificate if idp.tls.enabled else None)
        if key not in self._launchers:
            self._launchers[key] = SharedLauncher(make_idp(scenario, kind, self.report_dir or report_dir, names=names))
        return cast(IdpLauncher, self._launchers[key])

    def get(self, kind: str, *, profile: str, report_dir: Path, url: str | None = None,
            version: str | None = None) -> IdpLauncher:
        """The shared launcher of ``kind`` with these options and the defaults of every
        other (the pytest ``idp`` fixture's: the same real Keycloak as the scenario items
        whose files set nothing else), for any kind, not started."""
        key = _key(resolve(kind, option="--idp")[0], profile, url, version, "", "admin", "admin", None, None)
        if key not in self._launchers:
            self._launchers[key] = SharedLauncher(make_launcher(
                kind, profile=profile, report_dir=self.report_dir or report_dir, url=url, version=version,
                names={"version": "--idp-version"}))
        return cast(IdpLauncher, self._launchers[key])

    def close(self) -> None:
        """Stop every launcher it started; one failing does not keep the others up."""
        launchers, self._launchers = list(self._launchers.values()), {}
        for launcher in launchers:
            try:
                launcher.close()
            except Exception as exc:  # noqa: BLE001 - stop the rest, say what failed
                log.warning("stopping %s failed: %s", launcher, exc)

    def __enter__(self) -> LauncherPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _key(kind: str, profile: str, url: str | None, version: str | None, relative_path: str, admin_user: str,
         admin_password: str, key_seed: int | None, tls: str | None) -> tuple[Any, ...]:
    """What makes two launchers the same server (the options the registry passes on)."""
    return (kind, profile, url, version, relative_path.rstrip("/"), admin_user, admin_password, key_seed, tls)


# ---- judging a run --------------------------------------------------------------------

Outcome = Literal["passed", "failed", "skipped"]


@dataclass(frozen=True)
class StepJudgement:
    """How a suite reports one step: a pytest item's outcome, a JUnit test case."""

    id: str
    title: str
    outcome: Outcome
    #: One line: the evidence, the failure's cause and fix, or why the step was skipped.
    message: str


def judge_steps(scenario: Scenario, result: RunResult, *, by_expectation: bool) -> list[StepJudgement]:
    """Every step of ``result``, judged by its verdict, or — with ``by_expectation`` and a
    scenario that has an ``expect:`` section — by what the section says of it:

    * the step expected to fail (``expect.fail_at``, or ``FAIL`` in ``expect.outcomes``)
      passes when it failed (with the expected diagnosis), and fails when it passed;
    * a step named in ``expect.outcomes`` passes when it ended with that verdict;
    * a step named in ``expect.evidence`` fails when its evidence (or cause) lacks the text;
    * any other step: PASS/WARN pass, FAIL fails.

    A step the runner skipped after a failure is skipped, naming the failed step (and
    saying whether that failure was expected), unless the expectation says SKIP.
    When the expectation is not met but no step above failed (e.g. ``fail_at`` names a step
    this scenario's plan does not have), the last step fails with the expectation's line,
    so that a suite never reports an unmet expectation as green."""
    judge = by_expectation and has_expectation(scenario)
    exp = scenario.expect
    failed = result.failed_step
    outcomes: dict[str, str] = {str(k): str(v) for k, v in exp.outcomes.items()}
    evidence: dict[str, str] = {str(k): v for k, v in exp.evidence.items()}
    out: list[StepJudgement] = []
    for sr in result.steps:
        expected = outcomes.get(sr.id) if judge else None
        if judge and expected is None and exp.fail_at == sr.id:
            expected = "FAIL"
        text = (f"{sr.cause or sr.error or ''}" + (f" Fix: {sr.fix}" if sr.fix else "")) if sr.verdict is Verdict.FAIL \
            else sr.evidence
        outcome: Outcome
        met = expected is not None and (sr.verdict.value == expected or (expected == "PASS" and sr.verdict is Verdict.WARN))
        if met:
            outcome, message = "passed", f"{sr.verdict.value} as expected: {text}".rstrip(": ")
        elif sr.verdict is Verdict.SKIP:
            why = ""
            if failed is not None:
                as_expected = judge and exp.fail_at == failed.id
                why = f"step {failed.id} failed" + (" (as expected)" if as_expected else "")
            outcome, message = "skipped", f"not run: {why or sr.evidence or 'skipped'}"
        elif expected is not None:
            outcome, message = "failed", f"expected {expected}, but it ended {sr.verdict.value}: {text}".rstrip(": ")
        elif sr.verdict is Verdict.FAIL:
            outcome, message = "failed", text
        else:
            outcome, message = "passed", text
        if judge and outcome == "passed" and sr.id in evidence:
            seen = sr.evidence if sr.verdict is Verdict.PASS else f"{sr.cause or ''} {sr.error or ''}"
            if evidence[sr.id].lower() not in seen.lower():
                outcome, message = "failed", f"expected to mention {evidence[sr.id]!r}: {text}"
        out.append(StepJudgement(sr.id, sr.title, outcome, message))
    if judge:
        ok, line = check_expectation(scenario, result)
        if ok:
            return out
        if out and not any(j.outcome == "failed" for j in out):
            at = next((i for i, j in enumerate(out) if j.id == exp.fail_at), len(out) - 1)
            out[at] = StepJudgement(out[at].id, out[at].title, "failed", f"NOT as expected: {line}")
        elif failed is not None and exp.fail_at == failed.id and exp.diagnosis:
            at = next(i for i, j in enumerate(out) if j.id == failed.id)
            out[at] = StepJudgement(out[at].id, out[at].title, "failed", f"NOT as expected: {line}")
    return out


# ---- one scenario of a suite ----------------------------------------------------------

@dataclass
class ScenarioOutcome:
    """What running one scenario file (in one matrix cell) came to, for a suite's live
    line, final table, combined JUnit and index page. Crosses process boundaries
    (pickled): every text in it is already redacted by the worker that ran it."""

    #: The file as the user named it (or as found in a folder).
    file: str
    #: Its report folder (report.json, report.html, junit.xml), relative to the suite's.
    report_subdir: str
    #: The matrix cell (``idp-version=26.5.6``), ``""`` without a matrix.
    label: str = ""
    #: The scenario's ``name:`` (``None`` when the file could not be loaded).
    name: str | None = None
    result: RunResult | None = None
    judgements: list[StepJudgement] = field(default_factory=list)
    #: ``(ok, line)`` of :func:`check_expectation` when the scenario declares one.
    expectation: tuple[bool, str] | None = None
    #: Judged by its expectation (``--check-expectation`` and an ``expect:`` section).
    by_expectation: bool = False
    #: One line when the run could not happen: bad input (exit 2) or a harness crash (1).
    error: str | None = None
    error_exit_code: int = 0
    seconds: float = 0.0

    @property
    def passed(self) -> bool:
        if self.error is not None or self.result is None:
            return False
        if self.by_expectation and self.expectation is not None:
            return self.expectation[0]
        return self.result.passed

    @property
    def exit_code(self) -> int:
        """0 passed; 1 a failure (or an unmet expectation); 2 bad input."""
        if self.error is not None:
            return self.error_exit_code or 1
        return 0 if self.passed else 1

    @property
    def status(self) -> str:
        """``PASS`` / ``FAIL`` / ``ERROR`` (bad input, crash)."""
        if self.error is not None:
            return "ERROR"
        return "PASS" if self.passed else "FAIL"

    def summary(self) -> str:
        """One line: what happened (``14 steps passed``, ``failed at X as expected ...``)."""
        if self.error is not None:
            return self.error
        assert self.result is not None
        if self.by_expectation and self.expectation is not None:
            return ("as expected: " if self.expectation[0] else "NOT as expected: ") + self.expectation[1]
        failed = self.result.failed_step
        if failed is None:
            return f"all {sum(1 for s in self.result.steps if s.verdict is Verdict.PASS)} steps passed"
        return f"failed at {failed.id}: {failed.cause or failed.error or ''}"


def outcome_of(scenario: Scenario, result: RunResult, *, file: str, report_subdir: str, label: str,
               check: bool, seconds: float) -> ScenarioOutcome:
    """The :class:`ScenarioOutcome` of a finished run (``check``: ``--check-expectation``)."""
    expectation = check_expectation(scenario, result) if has_expectation(scenario) else None
    by_expectation = check and expectation is not None
    return ScenarioOutcome(file=file, report_subdir=report_subdir, label=label, name=scenario.name, result=result,
                           judgements=judge_steps(scenario, result, by_expectation=by_expectation),
                           expectation=expectation, by_expectation=by_expectation, seconds=seconds)


def worst_exit_code(outcomes: Iterable[ScenarioOutcome]) -> int:
    """The suite's exit code: the worst of its scenarios' (2 bad input > 1 failure > 0)."""
    return max((o.exit_code for o in outcomes), default=0)
