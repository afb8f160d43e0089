"""Session-wide fixtures shared by several test directories.

``real_keycloak``: the real Keycloak server, started ONCE per test session from its
official distribution (shared/DESIGN.md: "the real Keycloak server runs in CI"), for
every test that asks for it — tests/real_keycloak/ (differential tests) and
tests/notebooks/ (the Keycloak notebook against the real server) share one JVM, since
booting one costs a minute or two on two cores. Tests that use it carry the
``real_keycloak`` marker. The first run downloads the distribution with Maven
(~177 MB) into ``~/.cache/dcr-harness/keycloak``; the server log goes to
``reports/real-keycloak/``.

``DCR_REAL_KEYCLOAK_URL=http://127.0.0.1:8080`` reuses a Keycloak that is already
running (admin/admin) instead of booting one: handy while iterating locally.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.products.base import IdpLauncher

ROOT = Path(__file__).resolve().parents[1]
REAL_KEYCLOAK_REPORT_DIR = ROOT / "reports" / "real-keycloak"
#: Reuse a running server instead of booting one.
ENV_REUSE_URL = "DCR_REAL_KEYCLOAK_URL"


@pytest.fixture(scope="session")
def real_keycloak() -> Iterator[IdpLauncher]:
    """A started real Keycloak (``keycloak-dist``), stopped at the end of the session."""
    from harness.products.keycloak.dist import KeycloakDistLauncher
    from harness.products.keycloak.external import ExternalKeycloakLauncher

    url = os.environ.get(ENV_REUSE_URL)
    if url:
        with ExternalKeycloakLauncher(url) as external:
            external.version = os.environ.get("DCR_KEYCLOAK_VERSION")
            yield external
        return
    # one server per pytest-xdist worker: each keeps its own log
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    log_dir = REAL_KEYCLOAK_REPORT_DIR / worker if worker else REAL_KEYCLOAK_REPORT_DIR
    with KeycloakDistLauncher(log_dir=log_dir) as launcher:
        yield launcher
