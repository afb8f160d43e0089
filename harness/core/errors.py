"""Harness-level errors: each one is a single clear line naming what to fix."""

from __future__ import annotations


class HarnessError(Exception):
    """Base for errors the CLI prints as one line (exit code 2 for input errors)."""

    exit_code: int = 1

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message} (fix: {self.hint})"


class ConfigError(HarnessError):
    """Bad input from the user: a scenario, a config file, a flag. Exit code 2."""

    exit_code = 2


class LaunchError(HarnessError):
    """A server (IdP, portal, gateway) could not be started or did not become ready."""

    exit_code = 3
