"""``dcr-harness run`` on several scenarios: files and folders, ``-j N`` worker processes,
``--matrix`` (issue 19).

Each scenario runs exactly as a single ``run`` does (its own World, ports chosen by the
kernel, transcript and report folder), in a worker process of its own: runs share no
state, not even the process's, and two cores are used for the CPU-bound parts (JWT
signing, the emulators). ``-j 1`` runs them one after the other in this process. A
worker keeps one real Keycloak (or container) per set of launcher options for all the
scenarios it runs (:class:`harness.scenario.suite.LauncherPool`); the emulators start
per scenario.

Output: one line per scenario as it finishes (on a terminal, under a live progress line
naming what runs), then one table; ``<report-dir>/index.html`` links each scenario's
``report.html`` (``<report-dir>/<path of the file>/``), ``<report-dir>/junit.xml`` has
one test suite per scenario. Exit code: the worst scenario's (0 all passed; 1 a failure
or, with ``--check-expectation``, an unmet expectation; 2 a file that is bad input).
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing as mp
import os
import queue
import signal
import sys
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from urllib3.exceptions import InsecureRequestWarning

from harness.cli.arg_types import output_folder
from harness.core.errors import HarnessError
from harness.core.redact import Redactor
from harness.scenario.suite import (
    LauncherPool,
    RunOptions,
    ScenarioOutcome,
    find_scenarios,
    options_for,
    outcome_of,
    parse_matrix,
    worst_exit_code,
)

_STYLE = {"PASS": "green", "FAIL": "bold red", "ERROR": "bold magenta"}
#: Seconds a worker gets to stop its servers after SIGTERM (Ctrl-C, a dead parent).
STOP_GRACE_S = 30.0


@dataclass(frozen=True)
class Task:
    """One scenario file in one matrix cell."""

    index: int
    file: str
    options: RunOptions
    label: str
    report_dir: Path
    report_subdir: str
    check_expectation: bool


def run_task(task: Task, pool: LauncherPool) -> ScenarioOutcome:
    """Run one task as ``dcr-harness run FILE`` would and write its reports; never raises
    for bad input or a harness bug (they are the outcome's one-line error)."""
    from harness.report.suite import write_run_reports
    from harness.scenario.loader import load_scenario
    from harness.scenario.runner import run_scenario

    started = time.perf_counter()
    redactor = Redactor()  # this scenario's run: its secrets, its error text
    outcome = ScenarioOutcome(file=task.file, report_subdir=task.report_subdir, label=task.label)
    try:
        scenario = load_scenario(task.file)
        outcome.name = scenario.name
        kind = task.options.apply(scenario)
        names = task.options.names(scenario)
        launcher = pool.for_scenario(scenario, kind, task.report_dir, names=names)
        result = run_scenario(scenario, report_dir=task.report_dir, idp_kind=kind, scenario_file=task.file,
                              launcher=launcher, gateway=task.options.gateway,
                              names=names, redactor=redactor)
        write_run_reports(result, task.report_dir)
        return outcome_of(scenario, result, file=task.file, report_subdir=task.report_subdir, label=task.label,
                          check=task.check_expectation, seconds=time.perf_counter() - started)
    except HarnessError as exc:
        outcome.error, outcome.error_exit_code = redactor.text(str(exc)), exc.exit_code
    except Exception as exc:  # a harness bug: this scenario's row says so, the others still run
        outcome.error = redactor.text(f"internal error in the harness: {type(exc).__name__}: {exc}")
        outcome.error_exit_code = 1
    outcome.seconds = time.perf_counter() - started
    return outcome


def _exit_on_sigterm(signum: int, frame: Any) -> None:
    sys.exit(128 + signum)  # SystemExit runs the finally blocks that stop the servers


def _worker(tasks: Any, results: Any) -> None:
    """A worker process: run tasks until the ``None`` sentinel, reporting each start and
    outcome; its shared launchers stop when it ends (also on SIGTERM)."""
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    warnings.filterwarnings("ignore", category=InsecureRequestWarning)
    with LauncherPool() as pool:
        while (task := tasks.get()) is not None:
            results.put(("start", task.index, os.getpid()))
            results.put(("done", task.index, run_task(task, pool)))


OnEvent = Callable[[Task], None]
OnDone = Callable[[Task, ScenarioOutcome], None]


def execute(tasks: list[Task], jobs: int, *, on_start: OnEvent | None = None,
            on_done: OnDone | None = None) -> list[ScenarioOutcome]:
    """Run ``tasks`` with ``jobs`` worker processes (in this process for ``jobs == 1``);
    outcomes in task order. A worker that dies takes only its current task with it."""
    outcomes: dict[int, ScenarioOutcome] = {}

    def done(task: Task, outcome: ScenarioOutcome) -> None:
        outcomes[task.index] = outcome
        if on_done is not None:
            on_done(task, outcome)

    if jobs == 1 or len(tasks) == 1:
        with LauncherPool() as pool:
            for task in tasks:
                if on_start is not None:
                    on_start(task)
                done(task, run_task(task, pool))
        return [outcomes[t.index] for t in tasks]
    # forkserver: workers fork from a clean single-threaded server that has imported the
    # harness once, not from this process (threads: rich's live display) — POSIX only.
    method = "forkserver" if "forkserver" in mp.get_all_start_methods() else "spawn"
    ctx: Any = mp.get_context(method)
    if method == "forkserver":
        ctx.set_forkserver_preload(["harness.cli.run_suite"])
    task_q: Any = ctx.Queue()
    result_q: Any = ctx.Queue()
    for task in tasks:
        task_q.put(task)
    workers = [ctx.Process(target=_worker, args=(task_q, result_q), name=f"dcr-harness-run-{i}")
               for i in range(min(jobs, len(tasks)))]
    for w in workers:
        w.start()
    for _ in workers:
        task_q.put(None)
    by_index = {t.index: t for t in tasks}
    running: dict[int, int] = {}  # task index -> worker pid
    try:
        while len(outcomes) < len(tasks):
            try:
                kind, index, payload = result_q.get(timeout=1.0)
            except queue.Empty:
                _reap(workers, running, by_index, done, outcomes, tasks)
                continue
            if kind == "start":
                running[index] = payload
                if on_start is not None:
                    on_start(by_index[index])
            else:
                running.pop(index, None)
                done(by_index[index], payload)
    except BaseException:
        for w in workers:
            if w.is_alive():
                w.terminate()  # SIGTERM: the worker stops its servers (_exit_on_sigterm)
        for w in workers:
            w.join(STOP_GRACE_S)
            if w.is_alive():
                w.kill()
        raise
    for w in workers:
        w.join(STOP_GRACE_S)
    return [outcomes[t.index] for t in tasks]


def _reap(workers: list[Any], running: dict[int, int], by_index: dict[int, Task], done: OnDone,
          outcomes: dict[int, ScenarioOutcome], tasks: list[Task]) -> None:
    """Give an outcome to the tasks of workers that died (killed, out of memory), and to
    every task left when no worker is alive."""
    dead = {w.pid: w.exitcode for w in workers if not w.is_alive() and w.exitcode not in (0, None)}
    for index, pid in list(running.items()):
        if pid in dead:
            running.pop(index)
            task = by_index[index]
            done(task, ScenarioOutcome(file=task.file, report_subdir=task.report_subdir, label=task.label,
                                       error=f"the worker process running it died (exit code {dead[pid]})",
                                       error_exit_code=1))
    if not any(w.is_alive() for w in workers):
        # Every worker ended: a task still "running" lost its answer (e.g. the result could
        # not be sent back), so it ends here too instead of being waited for forever.
        for task in tasks:
            if task.index not in outcomes:
                lost = running.pop(task.index, None) is not None
                done(task, ScenarioOutcome(
                    file=task.file, report_subdir=task.report_subdir, label=task.label, error_exit_code=1,
                    error=("its worker process ended without sending the outcome" if lost
                           else "not run: every worker process ended")))


# ---- the face ------------------------------------------------------------------------

def _subdirs(files: list[Path]) -> list[str]:
    """Each file's report folder: its path relative to the files' common folder, without
    the suffix (``broken/keycloak-idp-down``)."""
    resolved = [f.resolve() for f in files]
    root = Path(os.path.commonpath([f.parent for f in resolved]))
    return [f.relative_to(root).with_suffix("").as_posix() for f in resolved]


def _cell_dir(cell: dict[str, str]) -> str:
    return "_".join(f"{k}-{v}" for k, v in cell.items()).replace("/", "-").replace(":", "-") or "default"


def plan(args: argparse.Namespace, options: RunOptions, report_dir: Path) -> list[Task]:
    """The tasks of a suite: every scenario file (in order) in every matrix cell."""
    files = find_scenarios(args.scenario)
    cells = parse_matrix(args.matrix) if args.matrix else [{}]
    subdirs = _subdirs(files)
    tasks: list[Task] = []
    for cell in cells:
        cell_options = options_for(options, cell)
        label = " ".join(f"{k}={v}" for k, v in cell.items())
        for file, sub in zip(files, subdirs, strict=True):
            subdir = f"{_cell_dir(cell)}/{sub}" if cell else sub
            tasks.append(Task(len(tasks), str(file), cell_options, label, report_dir / subdir, subdir,
                              bool(args.check_expectation)))
    return tasks


def outcome_line(o: ScenarioOutcome) -> str:
    """``PASS   scenarios/keycloak.yaml — all 14 steps passed (0.9 s)`` (plain text)."""
    cell = f" [{o.label}]" if o.label else ""
    # the outcome holds text its own run already redacted (run_task)
    return f"{o.status:<5}  {o.file}{cell} — {o.summary()} ({o.seconds:.1f} s)"


def result_table(outcomes: list[ScenarioOutcome]) -> Table:
    """One row per scenario run: outcome, file, (matrix cell), the step that failed, whether
    that was expected, time. The one-line summaries are in the lines printed above it."""
    matrix = any(o.label for o in outcomes)
    table = Table(title=f"dcr-harness run — {len(outcomes)} scenario runs", show_lines=False)
    table.add_column("outcome", no_wrap=True)
    table.add_column("scenario", overflow="fold", ratio=1)
    if matrix:
        table.add_column("matrix", overflow="fold")
    table.add_column("failed at", no_wrap=True)
    table.add_column("expected", no_wrap=True)
    table.add_column("time", justify="right", no_wrap=True)
    for o in outcomes:
        style = _STYLE[o.status]
        failed = o.result.failed_step if o.result is not None else None
        at = "(could not run)" if o.error is not None else (failed.id if failed else "-")
        expected = "-" if o.expectation is None else ("yes" if o.expectation[0] else "NO")
        cells = [f"[{style}]{o.status}[/{style}]", escape(o.file)]
        if matrix:
            cells.append(escape(o.label))
        cells += [at, expected, f"{o.seconds:.1f} s"]
        table.add_row(*cells)
    return table


def run_suite(args: argparse.Namespace, options: RunOptions, console: Console) -> int:
    from harness.report.suite import write_suite_reports
    from harness.scenario.runner import default_report_dir

    report_dir: Path = args.report_dir or default_report_dir()
    tasks = plan(args, options, report_dir)
    output_folder(report_dir)
    jobs = min(args.jobs, len(tasks))
    warnings.filterwarnings("ignore", category=InsecureRequestWarning)  # as a single run (cmd_run)
    started = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    files = len(dict.fromkeys(t.file for t in tasks))
    cells = len(tasks) // files if files else 0
    what = f"{files} scenario file(s)" + (f" x {cells} matrix cells" if args.matrix else "")
    console.print(f"Running {what} with {jobs} job(s)"
                  + (f" ({options.label()})" if options.label() else "") + f"; reports in {report_dir}/",
                  highlight=False, markup=False)
    t0 = time.perf_counter()

    def print_outcome(printer: Console, o: ScenarioOutcome) -> None:
        style = _STYLE[o.status]
        line = escape(outcome_line(o))
        printer.print(f"[{style}]{line[:5]}[/{style}]{line[5:]}", soft_wrap=True, highlight=False)

    if console.is_terminal:
        active: dict[int, str] = {}
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                      console=console, transient=True) as progress:
            bar = progress.add_task("starting", total=len(tasks))

            def on_start(task: Task) -> None:
                active[task.index] = Path(task.file).name
                progress.update(bar, description="running " + ", ".join(active.values()))

            def on_done(task: Task, o: ScenarioOutcome) -> None:
                active.pop(task.index, None)
                print_outcome(progress.console, o)
                progress.update(bar, advance=1, description="running " + ", ".join(active.values()))

            outcomes = execute(tasks, jobs, on_start=on_start, on_done=on_done)
    else:
        outcomes = execute(tasks, jobs, on_done=lambda _t, o: print_outcome(console, o))
    wall = time.perf_counter() - t0
    console.print(result_table(outcomes))
    counts = {s: sum(o.status == s for o in outcomes) for s in ("PASS", "FAIL", "ERROR")}
    judged = " (judged by their expectations)" if args.check_expectation else ""
    console.print(f"{len(outcomes)} scenario runs{judged}: {counts['PASS']} passed, {counts['FAIL']} failed, "
                  f"{counts['ERROR']} could not run, in {wall:.1f} s with {jobs} job(s).", highlight=False, markup=False)
    junit, index = write_suite_reports(outcomes, report_dir, started=started,
                                       meta=f"{jobs} job(s), {wall:.1f} s" + (f"; {options.label()}" if options.label() else ""))
    console.print(f"Reports: {index}, {junit} (each scenario's in its subfolder)", highlight=False, markup=False)
    return worst_exit_code(outcomes)
