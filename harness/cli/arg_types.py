"""argparse ``type=`` callables shared by the commands: a bad value is argparse's one
error line (``dcr-harness idp serve: error: argument --port: ...``, exit 2) instead of a
traceback from the socket layer later; and the checks of an output folder that every
command writing reports makes before it starts."""

from __future__ import annotations

import argparse
from pathlib import Path

from harness.core.errors import ConfigError

#: TCP ports are 16-bit (RFC 793 §3.1, "Source Port: 16 bits"); 0 asks the OS for a free one.
MAX_PORT = 65535


def port_number(text: str) -> int:
    """A TCP port to listen on: an integer 0-65535 (0 picks a free port)."""
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid port {text!r}: a number 0-{MAX_PORT} (0 picks a free port)") from None
    if not 0 <= port <= MAX_PORT:
        raise argparse.ArgumentTypeError(f"port {port} is out of range: a number 0-{MAX_PORT} (0 picks a free port)")
    return port


def output_folder(path: Path, flag: str = "--report-dir") -> Path:
    """``path`` created (with its parents) before any work starts, so a folder that cannot
    be written is one ConfigError line (exit 2) naming ``flag``, not a traceback after the
    run (or all the checks) finished."""
    try:
        path.mkdir(parents=True, exist_ok=True)
    except FileExistsError as exc:  # mkdir(exist_ok=True) on a file
        where = "" if exc.filename == str(path) else f"{exc.filename} "
        raise ConfigError(f"{flag} {path}: {where}is a file, not a folder") from None
    except OSError as exc:
        raise ConfigError(f"{flag} {path}: cannot create the folder: {exc.strerror}") from None
    return path
