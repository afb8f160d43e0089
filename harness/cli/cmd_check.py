"""``dcr-harness check --issuer URL [--initial-access-token T | --admin-user U --admin-password P]
[--plan NAME ...] [--profile auto|keycloak|gluu|generic] [--idp-version V] [--report-dir DIR] [--insecure] [--gateway KIND|URL]``

Runs the conformance plans against any live IdP, prints one verdict per check, writes
``report.json``, ``junit.xml`` and ``report.html``, and exits 1 when a MUST failed
(0 otherwise; 2 for bad flags, and for an issuer that serves no discovery document:
every plan starts from it, see :func:`require_discovery`). Registers only throw-away clients and deletes them all.
The guide plan runs its guide on the ``--gateway`` chosen (default: the harness's own).
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from harness.cli.arg_types import output_folder
from harness.cli.gateway_options import add_gateway_options, gateway_choice
from harness.core.errors import ConfigError

if TYPE_CHECKING:
    from harness.core.redact import Redactor
    from harness.products.detect import ProductProfile

log = logging.getLogger(__name__)

_STYLE = {"PASS": "green", "FAIL": "bold red", "WARN": "yellow", "SKIP": "dim"}


#: ``--profile auto``: the product is detected (harness.products.detect.detect_issuer).
AUTO = "auto"

def register(sub: argparse._SubParsersAction) -> None:
    from harness.conformance.plans import DEFAULT_PLANS, PLANS
    from harness.products.detect import GENERIC, PRODUCTS, PROFILES

    p = sub.add_parser("check", help="run the conformance checks against a live IdP and report a verdict per check",
                       description="Run conformance plans (" + ", ".join(PLANS) + ") against an IdP's issuer.")
    p.add_argument("--issuer", default=None, help="issuer URL, e.g. http://127.0.0.1:8080/realms/master (required)")
    p.add_argument("--initial-access-token", default=os.environ.get("DCR_INITIAL_ACCESS_TOKEN"), metavar="T",
                   help="Bearer token for registrations (Keycloak: an initial access token with count >= 10; "
                        "default: $DCR_INITIAL_ACCESS_TOKEN)")
    p.add_argument("--admin-user", default=None, metavar="U",
                   help="IdP admin: on Keycloak the harness creates short-lived initial access tokens with it; "
                        "the guide plan uses it for the guide's admin steps")
    p.add_argument("--admin-password", default=os.environ.get("DCR_ADMIN_PASSWORD"), metavar="P",
                   help="password of --admin-user (default: $DCR_ADMIN_PASSWORD, which keeps it out of the process list)")
    p.add_argument("--registrar-client-id", default=None, metavar="ID",
                   help="a client allowed to get initial access tokens with client_credentials (e.g. Spring "
                        "Authorization Server's registrar with scope client.create): every registration gets a "
                        "fresh token")
    p.add_argument("--registrar-client-secret", default=os.environ.get("DCR_REGISTRAR_CLIENT_SECRET"), metavar="S",
                   help="secret of --registrar-client-id (default: $DCR_REGISTRAR_CLIENT_SECRET)")
    p.add_argument("--registrar-scope", default="client.create", metavar="SCOPE",
                   help="scope asked for with --registrar-client-id (default: client.create)")
    p.add_argument("--plan", action="append", default=None, metavar="NAME",
                   help=f"plan to run, repeatable or comma-separated: {', '.join(PLANS)}, all "
                        f"(default: {', '.join(DEFAULT_PLANS)})")
    p.add_argument("--profile", default=AUTO, metavar="NAME",
                   help=f"IdP profile whose known quirks apply: {AUTO} (default: detected from the issuer and its "
                        f"discovery document), {', '.join(PROFILES)} ({GENERIC}: the RFC text only, no product quirk)")
    p.add_argument("--idp-version", default=None, metavar="V",
                   help="release of the IdP product whose quirks apply, e.g. 26.4.7 (default: "
                        + ", ".join(f"{pr.title} {pr.default_version}" for pr in PRODUCTS) + ")")
    p.add_argument("--report-dir", type=Path, default=None, help="where the reports go (default reports/check-<timestamp>/)")
    p.add_argument("--insecure", action="store_true", help="do not verify the IdP's TLS certificate")
    add_gateway_options(p)  # the guide plan's gateway
    p.set_defaults(func=run)


def validate(args: argparse.Namespace) -> list[str]:
    """Check the flags; raise ConfigError (exit 2) with one line naming what to fix."""
    from harness.conformance.plans import UnknownPlan, resolve
    from harness.products.detect import PROFILES

    if not args.issuer:
        raise ConfigError("--issuer is required", hint="e.g. --issuer http://127.0.0.1:8080/realms/master")
    parts = urlsplit(args.issuer)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(f"--issuer {args.issuer!r} is not an http(s) URL")
    if parts.query or parts.fragment:
        raise ConfigError(f"--issuer {args.issuer!r} has a query or fragment; an issuer has neither (OIDC Discovery §3)")
    if args.initial_access_token and (args.admin_user or args.admin_password):
        raise ConfigError("give either --initial-access-token or --admin-user/--admin-password, not both")
    if args.admin_password and not args.admin_user and os.environ.get("DCR_ADMIN_PASSWORD") == args.admin_password:
        args.admin_password = None  # from the environment, and not asked for
    if args.initial_access_token and args.admin_user and os.environ.get("DCR_INITIAL_ACCESS_TOKEN") == args.initial_access_token:
        args.initial_access_token = None
    if args.registrar_client_id and not args.registrar_client_secret:
        raise ConfigError("--registrar-client-id needs --registrar-client-secret (or $DCR_REGISTRAR_CLIENT_SECRET)")
    if args.registrar_client_id and args.initial_access_token:
        raise ConfigError("give either --initial-access-token or --registrar-client-id, not both")
    if bool(args.admin_user) != bool(args.admin_password):
        raise ConfigError("--admin-user and --admin-password go together")
    if args.profile in (None, AUTO):
        args.profile = None
    elif args.profile not in PROFILES:
        raise ConfigError(f"--profile {args.profile!r} is unknown; use one of {AUTO}, {', '.join(PROFILES)}")
    if args.profile is not None:
        idp_profile_for(args.profile, args.idp_version)  # a version the product does not model: exit 2 now
    try:
        return resolve(args.plan)
    except UnknownPlan as exc:
        raise ConfigError(f"--plan: {exc}") from None


def idp_profile_for(profile: str, version: str | None) -> ProductProfile | None:
    """The profile instance whose quirks apply: ``profile`` at ``version`` (ConfigError,
    exit 2, for a version the product does not model, or a version of ``generic``)."""
    from harness.products.detect import GENERIC, PRODUCT_NAMES, profile_for

    if version is not None and profile == GENERIC:
        raise ConfigError(f"--idp-version applies to a product profile ({', '.join(PRODUCT_NAMES)}), not {GENERIC}")
    return profile_for(profile, version)


def require_discovery(issuer: str, verify: bool, redactor: Redactor) -> None:
    """ConfigError (exit 2, one line) when ``issuer`` serves no discovery document (no
    answer within the IdP deadline, another status than 200, a body that is not a JSON
    object: OIDC Discovery §4.2): every plan starts from that document, so without it
    each check would only SKIP; the issuer URL is what to fix."""
    import requests

    from harness.core.deadline import idp_deadline, mount_deadline
    from harness.registrar.discovery import discovery_document
    from harness.registrar.errors import RegistrarError

    with requests.Session() as session:
        session.verify = verify
        mount_deadline(session, idp_deadline())
        try:
            discovery_document(session, issuer)
        except RegistrarError as exc:
            raise ConfigError(f"--issuer {issuer}: no discovery document: {redactor.error(exc)}",
                              hint="--issuer is the URL whose /.well-known/openid-configuration serves the "
                                   "IdP's metadata, e.g. http://127.0.0.1:8080/realms/master") from None


def default_report_dir() -> Path:
    return Path("reports") / f"check-{dt.datetime.now().strftime('%Y%m%d-%H%M%S')}"


def run(args: argparse.Namespace, console: Console) -> int:
    from harness.conformance.context import CheckContext
    from harness.conformance.engine import run_checks
    from harness.conformance.plans import checks_for
    from harness.core.transcript import Transcript
    from harness.products.detect import detect_issuer
    from harness.report.html_report import write_check_html
    from harness.report.json_report import write_json
    from harness.report.junit import write_check_junit
    from harness.scenario.runner import ScenarioGuideRunner

    plans = validate(args)
    gateway, gateway_options = gateway_choice(args)
    verify = not args.insecure
    if args.insecure:
        import urllib3

        urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)
    if args.report_dir:  # a folder given that cannot be written: say so before any IdP call
        output_folder(args.report_dir)
    require_discovery(args.issuer, verify, args.redactor)
    profile = args.profile or detect_issuer(args.issuer, verify)
    idp_profile = idp_profile_for(profile, args.idp_version)
    report_dir = output_folder(args.report_dir or default_report_dir())
    ctx = CheckContext(issuer=args.issuer, profile=profile, idp_profile=idp_profile,
                       initial_access_token=args.initial_access_token,
                       admin_user=args.admin_user, admin_password=args.admin_password, verify=verify,
                       registrar_client_id=args.registrar_client_id,
                       registrar_client_secret=args.registrar_client_secret if args.registrar_client_id else None,
                       registrar_scope=args.registrar_scope,
                       report_dir=report_dir, guide_runner=ScenarioGuideRunner(gateway, gateway_options),
                       transcript=Transcript(args.redactor))  # the run's (harness.cli.main)
    checks = checks_for(plans)
    console.print(f"Checking {args.issuer} (profile {profile}; plans {', '.join(plans)}; {len(checks)} checks); "
                  f"reports in {report_dir}/", highlight=False)
    if console.is_terminal:
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                      console=console, transient=True) as progress:
            task = progress.add_task("starting", total=len(checks))
            result = run_checks(ctx, checks, plans=plans,
                                on_start=lambda c: progress.update(task, description=c.id),
                                on_result=lambda r: progress.advance(task))
    else:
        result = run_checks(ctx, checks, plans=plans)
    if console.is_terminal:
        console.print(result_table(result, width=console.width))
    else:  # CI logs: one line per check, never wrapped at 80 columns
        from harness.report.console import print_check_lines

        print_check_lines(console, result.results, result.redactor)
    report_dir.mkdir(parents=True, exist_ok=True)
    write_json(result.to_dict(), report_dir / "report.json", result.redactor)
    write_check_junit(result, report_dir / "junit.xml")
    write_check_html(result, report_dir / "report.html")
    counts = result.counts()
    console.print(summary_line(result), highlight=False)
    left = result.cleanup.get("not_deleted") or []
    if left:
        console.print(f"[yellow]warning:[/yellow] {len(left)} client(s) could not be deleted: "
                      + escape(result.redactor.text(", ".join(f"{c['client_id']} ({c['reason']})" for c in left))))
    console.print(f"Reports: {report_dir / 'report.html'}, {report_dir / 'junit.xml'}, {report_dir / 'report.json'}",
                  highlight=False)
    log.debug("counts %s", counts)
    return 0 if result.passed else 1


def result_table(result: object, width: int = 160) -> Table:
    """The rich per-check table (the spec column only on wide consoles)."""
    from harness.conformance.model import CheckRun

    assert isinstance(result, CheckRun)
    wide = width >= 140
    id_width = max((len(r.id) for r in result.results), default=10)
    table = Table(title=f"dcr-harness check — {result.issuer}", show_lines=False, expand=False)
    table.add_column("verdict", no_wrap=True, min_width=7)
    table.add_column("level", no_wrap=True, min_width=6)
    table.add_column("check", no_wrap=True, min_width=id_width)
    if wide:
        table.add_column("spec", no_wrap=True, max_width=28)
    table.add_column("message", overflow="fold", ratio=1)
    for r in result.results:
        style = _STYLE[r.verdict.value]
        cells = [f"[{style}]{r.verdict.value}[/{style}]", r.level.value, r.id]
        if wide:
            cells.append(r.spec_label)
        cells.append(escape(result.redactor.text(r.message if wide else r.message[:160])))
        table.add_row(*cells)
    return table


def summary_line(result: object) -> str:
    from harness.conformance.model import CheckRun

    assert isinstance(result, CheckRun)
    c = result.counts()
    text = (f"{len(result.results)} checks: {c['PASS']} PASS, {c['FAIL']} FAIL, {c['WARN']} WARN "
            f"({c['QUIRK']} QUIRK), {c['SKIP']} SKIP; cleanup deleted {len(result.cleanup.get('deleted', []))} client(s).")
    failed = result.failed_musts
    return text + (f" MUST failed: {', '.join(r.id for r in failed)}." if failed else " No MUST failed.")
