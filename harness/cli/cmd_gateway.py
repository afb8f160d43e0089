"""``dcr-harness gateway serve --apps DIR --policies FILE [--port N] [--tyk-conf FILE] [--strict]``."""

from __future__ import annotations

import argparse
from pathlib import Path

from rich.console import Console

from harness.cli.arg_types import port_number
from harness.cli.foreground import wait_for_interrupt


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("gateway", help="Tyk-compatible gateway")
    gsub = p.add_subparsers(dest="gateway_command", required=True, metavar="ACTION")
    s = gsub.add_parser("serve", help="run the gateway from Tyk file-based configuration until interrupted")
    s.add_argument("--apps", type=Path, required=True, help="folder of API definition JSON files (Tyk app_path)")
    s.add_argument("--policies", type=Path, required=True, help="policies JSON object keyed by id (policies.policy_path)")
    s.add_argument("--tyk-conf", type=Path, default=None, help="tyk.conf (jwt_ssl_insecure_skip_verify, secret, ...)")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=port_number, default=0, help="0 picks a free port")
    s.add_argument("--strict", action="store_true",
                   help="refuse unknown fields (exit 2) instead of warning and ignoring them as Tyk does")
    s.set_defaults(func=serve)


def serve(args: argparse.Namespace, console: Console) -> int:
    from harness.core.serving import BackgroundServer
    from harness.tyk.gateway import Gateway
    from harness.tyk.gateway.files import load_file_config

    config = load_file_config(args.apps, args.policies, args.tyk_conf, strict=args.strict)
    err = Console(stderr=True, highlight=False, soft_wrap=True)
    for line in config.warnings:  # Tyk ignores these keys; so does the gateway below
        err.print(f"warning: {line}", highlight=False, markup=False)
    gw = Gateway.from_file_config(config, redactor=args.redactor)  # the run's (harness.cli.main)
    # httptools/uvloop when installed (they are dependencies): the fast path for load tests.
    with BackgroundServer(gw.app, host=args.host, port=args.port, name="gateway", http="auto", loop="auto") as srv:
        console.print(f"gateway ready at {srv.url} ({len(config.apis)} API(s), {len(config.policies)} policy(ies))",
                      highlight=False, markup=False)
        for api in config.apis:
            console.print(f"  {api.name}: {srv.url}{api.listen_path}", highlight=False, markup=False)
        console.print("Press Ctrl-C to stop.", highlight=False)
        wait_for_interrupt()
    return 0
