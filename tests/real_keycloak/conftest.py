"""The real Keycloak server, started once per test session from its official
distribution (shared/DESIGN.md: "the real Keycloak server runs in CI").

Tests that use it carry the ``real_keycloak`` marker. The first run downloads the
distribution with Maven (~177 MB) into ``~/.cache/dcr-harness/keycloak``; boot takes
about a minute on two cores. The server log goes to ``reports/real-keycloak/``.

``DCR_REAL_KEYCLOAK_URL=http://127.0.0.1:8080`` reuses a Keycloak that is already
running (admin/admin) instead of booting one: handy while iterating locally.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REPORT_DIR = ROOT / "reports" / "real-keycloak"
#: Reuse a running server instead of booting one.
ENV_REUSE_URL = "DCR_REAL_KEYCLOAK_URL"

# The ``real_keycloak`` session fixture lives in tests/conftest.py, so that every test
# directory that needs the real server (this one, tests/notebooks/) shares ONE Keycloak
# JVM per session instead of booting one per directory.
