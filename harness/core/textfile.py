"""Read a user's input file as text: one :class:`~harness.core.errors.ConfigError` line
(exit 2) for a file that is missing, a folder, binary, or not UTF-8, instead of Python's
``UnicodeDecodeError``/``IsADirectoryError`` traceback (shared/DESIGN.md, Principles: bad
input gets a clear, single-line error naming what to fix).

Every reader of a user's file goes through here: scenario files
(:mod:`harness.scenario.loader`), Tyk exports (:mod:`harness.scenario.importer`) and the
gateway's file-based configuration (:mod:`harness.tyk.gateway.files`).
"""

from __future__ import annotations

from pathlib import Path

from harness.core.errors import ConfigError

#: A NUL byte in the first bytes means binary (git's and grep's test for binary files).
BINARY_PROBE_BYTES = 8192


def read_text_file(p: Path, what: str) -> str:
    """The UTF-8 text of ``p``; ``what`` names the kind of file in the error
    (``"scenario"`` gives "this scenario file is binary, not text")."""
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise ConfigError(f"{p}: file not found") from None
    except IsADirectoryError:
        raise ConfigError(f"{p}: is a folder, not a {what} file") from None
    except OSError as exc:
        raise ConfigError(f"{p}: cannot read: {exc.strerror}") from None
    if b"\x00" in data[:BINARY_PROBE_BYTES]:
        raise ConfigError(f"{p}: this {what} file is binary, not text", hint=f"pass the {what} file itself, as text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ConfigError(f"{p}:{line}: this {what} file is not UTF-8 text (byte 0x{data[exc.start]:02x})",
                          hint="save the file as UTF-8") from None

