"""The one Protocol every IdP launcher implements (shared/STYLE.md §2).

A launcher has one job: make an IdP reachable, wait until it is ready, and tear it
down again (context-manager lifetime; stopping on failure, no orphan processes).
Which class runs for which ``--idp`` kind and profile is decided in one place, the
launcher registry (:mod:`harness.launchers.registry`); this module only states the shape.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol, runtime_checkable


@runtime_checkable
class IdpLauncher(Protocol):
    #: The registry kind that built it (``harness.launchers.registry.IdpKind``).
    kind: str
    #: Wire profile the IdP speaks: ``keycloak`` or ``gluu``.
    profile: str
    #: Product version modelled or run, e.g. ``26.7.3`` (``None`` when unknown).
    version: str | None
    #: Admin credentials (Keycloak: master-realm user for the admin-cli password grant).
    admin_user: str
    admin_password: str
    #: Where the server log is kept, when there is one.
    log_path: Path | None
    #: The PEM file the harness's own clients trust for this IdP's TLS certificate: the
    #: CA bundle of a certificate the harness generated for it (``idp.tls``; the
    #: scenario's ``${idp.ca_bundle}``), or ``None`` for the system trust store.
    ca_bundle: str | None

    @property
    def base_url(self) -> str:
        """Server root including any relative path, without trailing slash
        (e.g. ``http://127.0.0.1:8123`` or ``http://127.0.0.1:8123/auth``)."""
        ...

    def issuer(self, realm: str = "master") -> str:
        """The issuer URL of ``realm`` (Keycloak: ``<base_url>/realms/<realm>``;
        Gluu: ``<base_url>``)."""
        ...

    def start(self) -> IdpLauncher:
        """Start (or connect) and block until ready; raise LaunchError otherwise."""
        ...

    def stop(self) -> None:
        """Stop what ``start`` started. Idempotent."""
        ...

    def __enter__(self) -> IdpLauncher: ...

    def __exit__(self, *exc: object) -> None: ...
