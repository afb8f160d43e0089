"""``dcr-harness run SCENARIO [--idp KIND] [--report-dir DIR]``."""

from __future__ import annotations

import argparse
import warnings
from pathlib import Path

from rich.console import Console
from urllib3.exceptions import InsecureRequestWarning

from harness.launchers.registry import help_text, resolve
from harness.report.console import cleanup_lines, print_step, summary_line
from harness.report.json_report import write_json
from harness.scenario.loader import load_scenario
from harness.scenario.results import RunResult
from harness.scenario.runner import check_expectation, default_report_dir, run_scenario


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("run", help="run a scenario's guide steps in order and report each one")
    p.add_argument("scenario", help="YAML scenario file, e.g. scenarios/keycloak.yaml")
    p.add_argument("--idp", default=None,
                   help="IdP launcher: " + help_text(default="emulator", note="default from the scenario"))
    p.add_argument("--report-dir", type=Path, default=None, help="where report.json goes (default reports/<timestamp>/)")
    p.add_argument("--check-expectation", action="store_true",
                   help="exit 0 when the run did what the scenario's expect: section says (e.g. a broken scenario "
                        "failing at its expected step with its expected diagnosis); without it, exit 0 only if "
                        "every step passed")
    p.set_defaults(func=run)


def run(args: argparse.Namespace, console: Console) -> int:
    scenario = load_scenario(args.scenario)
    kind: str | None = None
    if args.idp:
        kind, url = resolve(args.idp, option="--idp")
        if url:
            scenario.idp.url = url
    report_dir = args.report_dir or default_report_dir()
    # dcr_ssl_insecure_skip_verify / jwt_ssl_insecure_skip_verify are deliberate settings
    # (the dashboard-settings step reports them): no urllib3 warning per request.
    warnings.filterwarnings("ignore", category=InsecureRequestWarning)
    console.print(f"Scenario {scenario.name!r} ({args.scenario}) on IdP {kind or scenario.idp.launcher}; "
                  f"report in {report_dir}/", highlight=False)
    redactor = args.redactor  # this invocation's run (harness.cli.main)
    result = run_scenario(scenario, report_dir=report_dir, idp_kind=kind, scenario_file=str(args.scenario),
                          on_step=lambda s: print_step(console, s, redactor), redactor=redactor)
    path = write_json(result.to_dict(), report_dir / "report.json", result.redactor)
    _write_extra_reports(result, report_dir)
    console.print(summary_line(result), highlight=False, markup=False)
    for line in cleanup_lines(result):
        console.print(line, highlight=False, markup=False)
    console.print(f"Report: {path} (also report.html, junit.xml)", highlight=False, markup=False)
    if result.interrupted:
        return 130
    if scenario.expect.fail_at is None and not scenario.expect.evidence and not scenario.expect.outcomes:
        return 0 if result.passed else 1
    # The scenario declares its expected outcome (scenarios/broken/): say whether the run
    # did exactly that. The exit code keeps its meaning (0 only if every step passed)
    # unless --check-expectation asks for the expectation's verdict instead.
    ok, line = check_expectation(scenario, result)
    console.print(f"{'As expected' if ok else 'NOT as expected'}: {line}", highlight=False, markup=False)
    if args.check_expectation:
        return 0 if ok else 1
    return 0 if result.passed else 1


def _write_extra_reports(result: RunResult, report_dir: Path) -> None:
    """report.html (self-contained, with the sequence diagram) and junit.xml beside report.json."""
    from harness.report.html_report import write_run_html
    from harness.report.junit import write_run_junit

    write_run_html(result, report_dir / "report.html")
    write_run_junit(result, report_dir / "junit.xml")
