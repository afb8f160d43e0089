"""``report.json``: steps, verdicts and HTTP exchanges, secrets redacted."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from harness.redact import REDACTOR


def write_json(data: dict[str, Any], path: Path) -> Path:
    """Write ``data`` through the redactor (a last safety net: exchanges are already
    redacted when recorded)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(REDACTOR.value(data), indent=2, default=str)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(text + "\n", encoding="utf-8")
    tmp.replace(path)
    return path
