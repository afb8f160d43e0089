"""``dcr-harness import [FOLDER] [--api FILE ...] [--apps DIR] [--policies FILE]
[--catalogue FILE] [--portal-config FILE] [--tyk-conf FILE] [--tyk-analytics-conf FILE]
[--idp-url URL] [--entry NAME] [--redirect-uris TEXT] [--keep-secrets] -o scenario.yaml``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rich.console import Console

from harness.cli.arg_types import output_folder
from harness.core.errors import ConfigError
from harness.scenario.importer import ImportOptions, build_scenario, load_export


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "import",
        help="build a scenario from a customer's Tyk exports (API definitions, policies, catalogue, "
             "portal configuration, tyk.conf, tyk_analytics.conf)",
        description="Build a scenario that rebuilds a customer's setup from their real Tyk exports. "
                    "Secrets in the files (initial access token, node secrets, dashboard keys) are never "
                    "copied into the scenario.",
    )
    p.add_argument("folder", nargs="?", default=None,
                   help="a folder holding the customer's export (every .json/.conf file in it is read)")
    p.add_argument("--api", action="append", default=[], metavar="FILE",
                   help="API definition JSON: Dashboard export or gateway JSON (repeatable)")
    p.add_argument("--apps", metavar="DIR", help="the gateway's apps/ folder of API definitions")
    p.add_argument("--policies", metavar="FILE", help="policies: Dashboard list or gateway policies.json")
    p.add_argument("--catalogue", metavar="FILE", help="portal catalogue JSON (GET /api/portal/catalogue)")
    p.add_argument("--portal-config", metavar="FILE", help="portal configuration JSON (global dcr_options)")
    p.add_argument("--tyk-conf", metavar="FILE", help="the gateway's tyk.conf")
    p.add_argument("--tyk-analytics-conf", metavar="FILE", help="the Dashboard's tyk_analytics.conf")
    p.add_argument("--idp-url", metavar="URL",
                   help="the IdP's base URL as the customer's Tyk knows it (default: dcr_options.idp_host)")
    p.add_argument("--entry", metavar="NAME",
                   help="catalogue entry to reproduce (default: the first one with DCR enabled)")
    p.add_argument("--redirect-uris", default="", metavar="TEXT",
                   help="what the developer typed into the wizard's redirect URL field")
    p.add_argument("--keep-secrets", action="store_true",
                   help="keep the customer's initial access token in the scenario (for a run against their IdP)")
    p.add_argument("-o", "--output", required=True, metavar="FILE", help="scenario file to write ('-' = stdout)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace, console: Console) -> int:
    if not (args.folder or args.api or args.apps):
        raise ConfigError("nothing to import: pass a folder with the customer's export, or --api FILE / --apps DIR")
    export = load_export(
        args.folder, apis=args.api, apps_dir=args.apps, policies=args.policies, catalogue=args.catalogue,
        portal_config=args.portal_config, tyk_conf=args.tyk_conf, analytics_conf=args.tyk_analytics_conf,
    )
    args.redactor.add(*export.secret_values())  # the command's run redactor (harness.cli.main)
    imported = build_scenario(export, ImportOptions(entry=args.entry, idp_url=args.idp_url,
                                                    keep_secrets=args.keep_secrets,
                                                    redirect_uris=args.redirect_uris))
    text = imported.to_yaml()
    if args.output == "-":
        sys.stdout.write(text)
        return 0
    out = Path(args.output)
    try:
        output_folder(out.parent, flag="-o")
        out.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"-o {out}: cannot write: {exc.strerror}") from None
    d = imported.data
    console.print(f"Wrote {out}: scenario {d['name']!r} — IdP {d['idp']['profile']} (emulator), "
                  f"API {d['api']['name']!r}, policy {d['policy']['name']!r}, catalogue entry "
                  f"{d['catalogue']['name']!r} from {len(export.sources)} file(s).", highlight=False)
    for line in imported.header:  # every mapping the import made, and what it kept as written
        if line.startswith("Note: "):
            console.print(line, highlight=False, markup=False)
    if imported.secrets_left_out:
        kept = " (initial access token kept: --keep-secrets)" if args.keep_secrets else ""
        console.print(f"Secrets left out: {len(imported.secrets_left_out)}{kept}.", highlight=False)
    console.print(f"Run it: dcr-harness run {out}", highlight=False)
    return 0
