"""``report.json``: steps, verdicts and HTTP exchanges, secrets redacted."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from harness.core.redact import Redactor
from harness.report.files import write_text_atomic


def write_json(data: dict[str, Any], path: Path, redactor: Redactor | None = None) -> Path:
    """Write ``data`` through the run's ``redactor`` (a last safety net: exchanges are
    already redacted when recorded, results by ``to_dict``). Without one, only the rules
    that need no run apply (secret field names, JWT-shaped strings)."""
    r = redactor if redactor is not None else Redactor()
    text = json.dumps(r.value(data), indent=2, default=str)
    return write_text_atomic(text + "\n", path)
