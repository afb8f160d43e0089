"""The shipped JSON Schema (scenarios/scenario.schema.json, for editors) matches the
pydantic schema; ``dcr-harness schema --output`` regenerates it."""

from __future__ import annotations

import json
from pathlib import Path

from harness.cli.cmd_validate import schema_text
from harness.cli.main import main

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "scenarios" / "scenario.schema.json"


def test_shipped_schema_is_current() -> None:
    assert SHIPPED.read_text(encoding="utf-8") == schema_text(), (
        "scenarios/scenario.schema.json is stale: run `dcr-harness schema --output scenarios/scenario.schema.json`")


def test_schema_output_option(tmp_path: Path) -> None:
    out = tmp_path / "s.json"
    assert main(["schema", "--output", str(out)]) == 0
    doc = json.loads(out.read_text())
    assert doc["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert doc["title"] == "Scenario"
    assert doc["additionalProperties"] is False
    tls = doc["$defs"]["TlsSpec"]["properties"]
    assert tls["certificate"]["enum"] == ["self-signed", "ca-signed"]
    assert "jwks_ca_bundle" in doc["$defs"]["GatewaySpec"]["properties"]
    assert "expect_redirect_uris" in doc["$defs"]["ClientSpec"]["properties"]
