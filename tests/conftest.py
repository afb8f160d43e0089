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

``real_tyk``: tests that run the real open-source Tyk gateway (``--gateway tyk-oss``) carry
this marker and SKIP with the registry's reason when this machine has no Tyk binary or no
redis-server (the harness cannot build Tyk where the Go module proxy refuses its module).
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


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Tests marked ``real_tyk`` need the real Tyk gateway (a Tyk binary: ``--tyk-bin``,
    ``$DCR_HARNESS_TYK_BIN``, ``tyk`` on PATH or the cache; and ``redis-server``): without
    them they SKIP with the exact reason (the registry's, e.g. the Go module proxy refusing
    Tyk's module so the harness cannot build it), never pass."""
    if item.get_closest_marker("real_tyk") is None:
        return
    from harness.launchers.registry import unavailable

    reason = unavailable("tyk-oss", "gateway", tyk_bin=item.config.getoption("--tyk-bin"))
    if reason is not None:
        pytest.skip(reason)
