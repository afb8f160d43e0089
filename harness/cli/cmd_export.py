"""``dcr-harness export REPORT_DIR --format postman|curl|har [-o PATH]``: a run's calls as a
reproducer to share (issue 18, item 5; :mod:`harness.report.export`)."""

from __future__ import annotations

import argparse
from pathlib import Path

from rich.console import Console

from harness.core.errors import ConfigError
from harness.report.export import FORMATS, export


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("export", help="turn a run's report into a Postman collection, a curl script or a HAR file "
                                      "(secrets stay redacted: they become variables)")
    p.add_argument("report_dir", metavar="REPORT_DIR", help="a folder written by dcr-harness run (or check)")
    p.add_argument("--format", "-f", dest="fmt", choices=tuple(FORMATS), default="postman",
                   help="postman (Collection v2.1, default), curl (a bash script) or har (HAR 1.2)")
    p.add_argument("--output", "-o", default=None, metavar="PATH",
                   help=f"where to write it (default REPORT_DIR/{FORMATS['postman']}, .../{FORMATS['curl']}, "
                        f".../{FORMATS['har']}; '-' for stdout)")
    p.set_defaults(func=run_export)


def run_export(args: argparse.Namespace, console: Console) -> int:
    report_dir = Path(args.report_dir)
    text, count = export(report_dir, args.fmt)
    if args.output == "-":
        console.file.write(text)
        return 0
    out = Path(args.output) if args.output else report_dir / FORMATS[args.fmt]
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"-o {out}: cannot write: {exc.strerror}", hint="give a writable file path") from None
    if args.fmt == "curl":
        out.chmod(0o755)
    console.print(f"Wrote {out} ({args.fmt}, {count} calls)", highlight=False, markup=False)
    return 0
