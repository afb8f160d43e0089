"""argparse ``type=`` callables shared by the commands: a bad value is argparse's one
error line (``dcr-harness idp serve: error: argument --port: ...``, exit 2) instead of a
traceback from the socket layer later."""

from __future__ import annotations

import argparse

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
