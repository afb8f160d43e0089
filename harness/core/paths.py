"""Where the repository's own folders are (docs/, scenarios/, fixtures/) when the harness runs
from a checkout (the editable install the README sets up)."""

from __future__ import annotations

from pathlib import Path

#: The checkout root: the folder that holds ``harness/``, ``docs/`` and ``scenarios/``.
REPO_ROOT: Path = Path(__file__).resolve().parents[2]
DOCS_DIR: Path = REPO_ROOT / "docs"
SCENARIOS_DIR: Path = REPO_ROOT / "scenarios"
FIXTURES_DIR: Path = REPO_ROOT / "fixtures"
