"""``dcr-harness idp serve --profile keycloak|gluu [--host H] [--port N] ...``."""

from __future__ import annotations

import argparse
from typing import Any

from rich.console import Console

from harness.cli.arg_types import port_number
from harness.cli.foreground import wait_for_interrupt


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("idp", help="identity provider emulator")
    isub = p.add_subparsers(dest="idp_command", required=True, metavar="ACTION")
    s = isub.add_parser("serve", help="run the IdP emulator in the foreground until interrupted")
    s.add_argument("--profile", choices=("keycloak", "gluu"), default="keycloak")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=port_number, default=0, help="0 picks a free port")
    s.add_argument("--admin-user", default="admin")
    s.add_argument("--admin-password", default="admin")
    s.add_argument("--relative-path", default="", help="Keycloak: serve under a prefix such as /auth")
    s.add_argument("--gluu-version", choices=("4.2", "4.4"), default="4.2", help="Gluu profile version")
    s.set_defaults(func=serve)


def serve(args: argparse.Namespace, console: Console) -> int:
    from harness.launchers.registry import make_launcher

    options: dict[str, Any] = {"host": args.host, "port": args.port,
                                  "admin_user": args.admin_user, "admin_password": args.admin_password}
    if args.profile == "keycloak":
        if args.relative_path:
            options["relative_path"] = args.relative_path
    else:
        options["version"] = args.gluu_version
    args.redactor.add(args.admin_password)  # the run's (harness.cli.main): errors and logs never show it
    launcher = make_launcher("emulator", profile=args.profile, **options)
    with launcher:
        console.print(f"{args.profile} emulator ready at {launcher.base_url}", highlight=False, markup=False)
        if args.profile == "keycloak":
            console.print(f"issuer (realm master): {launcher.issuer('master')}", highlight=False, markup=False)
            console.print(f"admin: {args.admin_user} / {args.admin_password} (admin-cli password grant on realm master)",
                          highlight=False, markup=False)
        else:
            console.print(f"issuer: {launcher.issuer()}", highlight=False, markup=False)
            console.print(f"admin: {args.admin_user} / {args.admin_password} (HTTP Basic on "
                          f"{launcher.base_url}/dcr-harness/admin/configuration)", highlight=False, markup=False)
        console.print("Press Ctrl-C to stop.", highlight=False, markup=False)
        wait_for_interrupt()
    return 0
