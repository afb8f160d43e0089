"""``dcr-harness validate SCENARIO`` and ``dcr-harness schema``."""

from __future__ import annotations

import argparse
import json

from rich.console import Console

from harness.core.errors import ConfigError
from harness.scenario.loader import load_scenario
from harness.scenario.schema import Scenario


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("validate", help="check a scenario file against the schema")
    p.add_argument("scenario", nargs="+")
    p.set_defaults(func=validate)
    s = sub.add_parser("schema", help="print the scenario JSON Schema (for editors)")
    s.add_argument("--output", "-o", default=None, metavar="FILE",
                   help="write it to FILE instead (the repository ships scenarios/scenario.schema.json)")
    s.set_defaults(func=schema)


def validate(args: argparse.Namespace, console: Console) -> int:
    """Check every file; one line each; exit 2 if any is invalid (all are checked)."""
    bad = 0
    err = Console(stderr=True, highlight=False, soft_wrap=True)
    for path in args.scenario:
        try:
            sc = load_scenario(path)
        except ConfigError as exc:
            bad += 1
            err.print(f"error: {args.redactor.error(exc)}", markup=False)
            continue
        console.print(f"{path}: OK ({sc.name!r}, IdP profile {sc.idp.profile})", highlight=False, markup=False)
    if bad:
        if len(args.scenario) > 1:  # one file: its error line says it all
            err.print(f"{bad} of {len(args.scenario)} scenario file(s) invalid", markup=False)
        return 2
    return 0


def schema_text() -> str:
    """The scenario JSON Schema as written to scenarios/scenario.schema.json."""
    doc = {"$schema": "https://json-schema.org/draft/2020-12/schema", **Scenario.model_json_schema()}
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def schema(args: argparse.Namespace, console: Console) -> int:
    output = getattr(args, "output", None)
    if output:
        from pathlib import Path

        try:
            Path(output).write_text(schema_text(), encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"-o {output}: cannot write: {exc.strerror}") from None
        console.print(f"Wrote {output}", highlight=False, markup=False)
        return 0
    console.print_json(json.dumps(Scenario.model_json_schema()))
    return 0
