"""``dcr-harness`` — entry point and sub-command table.

Exit codes: 0 success; 1 a scenario step or check failed; 2 bad input (scenario,
flags, config files); 3 a server could not be started; 130 interrupted.

SIGTERM is handled like Ctrl-C (``KeyboardInterrupt``): the run unwinds, deletes the
client it registered, and stops every server and child process it started (the real
Tyk gateway and its Redis, Keycloak), instead of dying with them left running.

Secrets: one invocation is one run with one :class:`~harness.core.redact.Redactor`,
created here and handed to the command as ``args.redactor``; the command gives it to
the world, check context or launcher it starts. The error line of a failed command, a
crash's traceback and every log record (a :class:`~harness.core.redact.RedactingFilter`
on the log handlers, for the harness's and third-party libraries' logs) are redacted
with that same redactor.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from collections.abc import Callable

from rich.console import Console

from harness import __version__
from harness.core.errors import HarnessError
from harness.core.redact import Redactor, redacting_logs
from harness.launchers.registry import PROGRESS_LOGGERS

Command = Callable[[argparse.Namespace, Console], int]


def build_parser() -> argparse.ArgumentParser:
    from harness.cli import cmd_gateway, cmd_idp, cmd_run, cmd_validate

    p = argparse.ArgumentParser(
        prog="dcr-harness",
        description="Conformance harness for OAuth 2.0 Dynamic Client Registration between a Tyk-style "
        "portal/gateway and an identity provider (Keycloak, Gluu).",
    )
    p.add_argument("-v", "--verbose", action="store_true", help="log what the harness does (to stderr)")
    p.add_argument("--version", action="version", version=f"dcr-harness {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    cmd_run.register(sub)
    cmd_validate.register(sub)
    cmd_idp.register(sub)
    cmd_gateway.register(sub)
    for optional in ("cmd_check", "cmd_serve", "cmd_import", "cmd_export"):
        try:
            mod = __import__(f"harness.cli.{optional}", fromlist=["register"])
        except ImportError:
            continue
        mod.register(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    redactor = Redactor()  # this invocation's run (module docstring)
    args = parser.parse_args(argv, namespace=argparse.Namespace(redactor=redactor))
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    # Progress of long work (downloading and booting Keycloak) is always shown.
    for name in PROGRESS_LOGGERS:
        logging.getLogger(name).setLevel(logging.INFO)
    console = Console(highlight=False, soft_wrap=True)
    err = Console(stderr=True, highlight=False, soft_wrap=True)
    with redacting_logs(redactor), _sigterm_interrupts():
        try:
            return int(args.func(args, console))
        except HarnessError as exc:
            from rich.markup import escape

            err.print(f"[bold red]error:[/bold red] {escape(redactor.error(exc))}", markup=True)
            return exc.exit_code
        except KeyboardInterrupt:
            err.print("interrupted")
            return 130
        except Exception as exc:  # a harness bug: Python's own report, redacted, and its exit code
            sys.stderr.write(redactor.traceback(exc))
            return 1


class _sigterm_interrupts:
    """While active, SIGTERM raises KeyboardInterrupt in the main thread (module docstring);
    the previous handler comes back afterwards (``main`` also runs inside test processes)."""

    def __enter__(self) -> None:
        self._previous = None
        if threading.current_thread() is threading.main_thread():
            self._previous = signal.signal(signal.SIGTERM, _interrupt)

    def __exit__(self, *exc: object) -> None:
        if self._previous is not None:
            signal.signal(signal.SIGTERM, self._previous)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


if __name__ == "__main__":
    sys.exit(main())
