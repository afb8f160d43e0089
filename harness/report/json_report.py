"""``report.json``: steps, verdicts and HTTP exchanges, secrets redacted."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from harness.core.redact import REDACTOR
from harness.report.files import write_text_atomic


def write_json(data: dict[str, Any], path: Path) -> Path:
    """Write ``data`` through the redactor (a last safety net: exchanges are already
    redacted when recorded)."""
    text = json.dumps(REDACTOR.value(data), indent=2, default=str)
    return write_text_atomic(text + "\n", path)
