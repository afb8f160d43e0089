"""Pick an IdP launcher by kind (the ``--idp`` option, a scenario's ``idp.kind``).

Launcher modules are imported lazily so that choosing the emulator never imports
testcontainers or Docker, and choosing a real server never imports the emulator.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from harness.core.errors import ConfigError
from harness.products.base import IdpLauncher

#: Loggers of the launchers whose progress (download, build, boot) is always shown.
PROGRESS_LOGGERS: tuple[str, ...] = (
    "harness.products.keycloak.dist", "harness.products.keycloak.container", "harness.products.keycloak.external",
    "harness.products.gluu.container",
)
#: Kinds ``make_launcher`` knows, in the order shown to users.
KINDS: tuple[str, ...] = ("emulator", "keycloak-dist", "container", "external")
#: Profiles the emulator speaks.
EMULATOR_PROFILES: tuple[str, ...] = ("keycloak", "gluu")
#: Real-server kinds run Keycloak, so only the ``keycloak`` profile fits them.
REAL_KEYCLOAK_KINDS: frozenset[str] = frozenset({"keycloak-dist", "container", "external"})


def _emulator(profile: str, report_dir: Path | None, options: dict[str, Any]) -> IdpLauncher:
    if profile == "keycloak":
        from harness.products.keycloak.emulator.launcher import KeycloakEmulatorLauncher

        return KeycloakEmulatorLauncher(**options)
    if profile == "gluu":
        from harness.products.gluu.emulator.launcher import GluuEmulatorLauncher

        return GluuEmulatorLauncher(**options)
    raise ConfigError(
        f"unknown emulator profile {profile!r}",
        hint=f"use one of: {', '.join(EMULATOR_PROFILES)}",
    )


def _keycloak_dist(profile: str, report_dir: Path | None, options: dict[str, Any]) -> IdpLauncher:
    from harness.products.keycloak.dist import KeycloakDistLauncher

    if report_dir is not None:
        options.setdefault("log_dir", report_dir)
    return KeycloakDistLauncher(**options)


def _container(profile: str, report_dir: Path | None, options: dict[str, Any]) -> IdpLauncher:
    from harness.products.keycloak.container import KeycloakContainerLauncher

    if report_dir is not None:
        options.setdefault("log_dir", report_dir)
    return KeycloakContainerLauncher(**options)


def _external(profile: str, report_dir: Path | None, options: dict[str, Any]) -> IdpLauncher:
    from harness.products.keycloak.external import ExternalKeycloakLauncher

    url = options.pop("url", None) or options.pop("base_url", None)
    if not url:
        raise ConfigError(
            "the external IdP launcher needs a URL",
            hint="pass --idp http://host:port (or url=... in the scenario's idp section)",
        )
    return ExternalKeycloakLauncher(url, **options)


_BUILDERS: dict[str, Callable[[str, Path | None, dict[str, Any]], IdpLauncher]] = {
    "emulator": _emulator,
    "keycloak-dist": _keycloak_dist,
    "container": _container,
    "external": _external,
}


def make_launcher(
    kind: str, *, profile: str = "keycloak", report_dir: Path | None = None, **options: Any
) -> IdpLauncher:
    """A launcher of ``kind`` for ``profile``; ``options`` go to its constructor
    (``external`` takes the server address as ``url``). Nothing is started yet.

    Raises ConfigError for an unknown kind, or a real-server kind asked for a
    profile other than ``keycloak``.
    """
    builder = _BUILDERS.get(kind)
    if builder is None:
        raise ConfigError(
            f"unknown IdP launcher kind {kind!r}",
            hint=f"use one of: {', '.join(KINDS)}",
        )
    if kind in REAL_KEYCLOAK_KINDS and profile != "keycloak":
        raise ConfigError(
            f"the {kind} launcher runs Keycloak, not {profile!r}",
            hint=f"use --idp emulator for the {profile} profile, or --idp-profile keycloak",
        )
    return builder(profile, Path(report_dir) if report_dir is not None else None, dict(options))
