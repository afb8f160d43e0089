"""``dcr-harness run SCENARIO... [--idp KIND] [--idp-version V] [--gluu-version V]
[--gateway KIND|URL] [-j N] [--matrix KEY=V1,V2] [--report-dir DIR] [--check-expectation]``.

One scenario file runs as it always has: one line per step, a summary line, and its
reports in ``--report-dir``. Several files, a folder, ``-j N`` or ``--matrix`` make a suite
(:mod:`harness.cli.run_suite`): a line per scenario as it finishes, one table at the end,
each scenario's reports in its own subfolder, plus a combined ``junit.xml`` and an
``index.html``; the exit code is the worst scenario's.
"""

from __future__ import annotations

import argparse
import warnings
from pathlib import Path

from rich.console import Console
from urllib3.exceptions import InsecureRequestWarning

from harness.cli.arg_types import output_folder
from harness.cli.gateway_options import add_gateway_options, gateway_choice
from harness.core.errors import ConfigError
from harness.launchers.registry import help_text
from harness.report.console import cleanup_lines, print_step, summary_line
from harness.report.suite import write_run_reports
from harness.scenario.loader import load_scenario
from harness.scenario.runner import check_expectation, default_report_dir, has_expectation, run_scenario
from harness.scenario.suite import RunOptions
from harness.scenario.world import World


def register(sub: argparse._SubParsersAction) -> None:
    from harness.products.keycloak.dist import SERVED_VERSIONS
    from harness.scenario.suite import MATRIX_KEYS

    p = sub.add_parser("run", help="run a scenario's guide steps in order and report each one")
    p.add_argument("scenario", nargs="+", metavar="SCENARIO",
                   help="YAML scenario file(s) or folder(s) of them, e.g. scenarios/keycloak.yaml or scenarios/broken/")
    p.add_argument("--idp", default=None,
                   help="IdP launcher: " + help_text(default="emulator", note="default from the scenario"))
    p.add_argument("--idp-version", default=None, metavar="V",
                   help="the IdP product's version, over the scenario's idp.version: for keycloak-dist a Keycloak "
                        f"release Maven Central serves ({SERVED_VERSIONS[0]} ... {SERVED_VERSIONS[-1]}: "
                        f"{', '.join(SERVED_VERSIONS)})")
    p.add_argument("--gluu-version", default=None, metavar="V",
                   help="Gluu release for scenarios with idp.profile gluu (4.2 or 4.4), over --idp-version")
    add_gateway_options(p)
    p.add_argument("--report-dir", type=Path, default=None, help="where report.json goes (default reports/<timestamp>/)")
    p.add_argument("--check-expectation", action="store_true",
                   help="exit 0 when the run did what the scenario's expect: section says (e.g. a broken scenario "
                        "failing at its expected step with its expected diagnosis); without it, exit 0 only if "
                        "every step passed")
    p.add_argument("-j", "--jobs", type=int, default=1, metavar="N",
                   help="run N scenarios at once, each in its own worker process (default 1)")
    p.add_argument("--matrix", action="append", default=None, metavar="KEY=V1,V2",
                   help=f"run every scenario once per combination of values; KEY is one of {', '.join(MATRIX_KEYS)}; "
                        "repeatable (the cartesian product), e.g. --matrix idp-version=26.4.7,26.7.3")
    p.set_defaults(func=run)


def run_options(args: argparse.Namespace) -> RunOptions:
    """The command line's overrides of the scenario files (one line for a bad --idp/--gateway)."""
    return RunOptions(idp=args.idp, idp_version=args.idp_version, gateway=args.gateway,
                      versions={"gluu": args.gluu_version} if args.gluu_version else {})


def run(args: argparse.Namespace, console: Console) -> int:
    if args.jobs < 1:
        raise ConfigError(f"-j {args.jobs}: the number of jobs is at least 1")
    options = run_options(args)
    paths = [Path(p) for p in args.scenario]
    if len(paths) > 1 or paths[0].is_dir() or args.jobs > 1 or args.matrix:
        from harness.cli.run_suite import run_suite

        return run_suite(args, options, console)
    args.scenario = paths[0]
    scenario = load_scenario(args.scenario)
    kind = options.apply(scenario)
    gateway, gateway_options = gateway_choice(args)
    report_dir = output_folder(args.report_dir or default_report_dir())
    # dcr_ssl_insecure_skip_verify / jwt_ssl_insecure_skip_verify are deliberate settings
    # (the dashboard-settings step reports them): no urllib3 warning per request.
    warnings.filterwarnings("ignore", category=InsecureRequestWarning)
    def header(world: World) -> None:
        # Printed once the gateway runs, so a real gateway's version can be named.
        label = world.gateway_label()
        console.print(f"Scenario {scenario.name!r} ({args.scenario}) on IdP {kind or scenario.idp.launcher}"
                      + (f" and gateway {label}" if label else "") + f"; report in {report_dir}/", highlight=False)

    redactor = args.redactor  # this invocation's run (harness.cli.main)
    result = run_scenario(scenario, report_dir=report_dir, idp_kind=kind, scenario_file=str(args.scenario),
                          on_step=lambda s: print_step(console, s, redactor), redactor=redactor,
                          gateway=gateway, gateway_options=gateway_options, world_hook=header,
                          names=options.names(scenario))
    path = write_run_reports(result, report_dir)
    console.print(summary_line(result), highlight=False, markup=False)
    for line in cleanup_lines(result):
        console.print(line, highlight=False, markup=False)
    console.print(f"Report: {path} (also report.html, junit.xml)", highlight=False, markup=False)
    if result.interrupted:
        return 130
    if not has_expectation(scenario):
        return 0 if result.passed else 1
    # The scenario declares its expected outcome (scenarios/broken/): say whether the run
    # did exactly that. The exit code keeps its meaning (0 only if every step passed)
    # unless --check-expectation asks for the expectation's verdict instead.
    ok, line = check_expectation(scenario, result)
    console.print(f"{'As expected' if ok else 'NOT as expected'}: {line}", highlight=False, markup=False)
    if args.check_expectation:
        return 0 if ok else 1
    return 0 if result.passed else 1
