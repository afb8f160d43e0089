"""Root conftest: makes the repository importable for the tests and keeps test
reports under reports/. Fixtures live in harness/pytest_plugin (loaded through the
``pytest11`` entry point) and in tests/**/conftest.py."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
