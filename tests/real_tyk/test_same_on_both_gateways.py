"""Every scenario whose failing step is the gateway's (``expect.fail_at: gateway-call``:
scenarios/broken/ and gluu-ec-bug.yaml) fails the same way on the harness's gateway and on
the real Tyk gateway: the same failed step, the same HTTP status and error message from
the gateway (Tyk's JSON ``error``), and the same diagnosis rule.

A scenario the real Tyk cannot express (keycloak-clock-skew: only our gateway has a clock to
move) is not compared: the test checks instead that the real gateway refuses it with one clear
error before anything starts.

What is not compared, because it differs by nature: the explanation in parentheses (the
harness gateway's decision log vs. the line Tyk logged: e.g. "JWKS key 3 ... has x of 31
bytes, expected 32 for P-256" vs. go-jose's "invalid EC public key, wrong length for x").

Marked ``real_tyk``: SKIP with the reason where there is no Tyk binary (tests/conftest.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from harness.conformance.model import Verdict
from harness.core.errors import ConfigError
from harness.scenario.diagnosis import RULES
from harness.scenario.loader import load_scenario
from harness.scenario.results import RunResult
from harness.scenario.runner import run_scenario

pytestmark = [pytest.mark.real_tyk,
              # keycloak-tls-jwks-no-skip sets dcr_ssl_insecure_skip_verify on purpose
              pytest.mark.filterwarnings("ignore::urllib3.exceptions.InsecureRequestWarning")]

ROOT = Path(__file__).resolve().parents[2]
AT_THE_GATEWAY = sorted(p for p in [*(ROOT / "scenarios" / "broken").glob("*.yaml"), ROOT / "scenarios" / "gluu-ec-bug.yaml"]
                        if load_scenario(p).expect.fail_at == "gateway-call")


def test_the_gateway_scenarios_are_found() -> None:
    assert len(AT_THE_GATEWAY) >= 8, [p.name for p in AT_THE_GATEWAY]


def outcome(result: RunResult) -> dict[str, Any]:
    """What the two gateways must agree on."""
    failed = result.failed_step
    assert failed is not None, "every step passed"
    call = next(s for s in result.steps if s.id == "gateway-call")
    answer = [e for e in call.exchanges if e.actor == "developer" and e.target == "gateway"]
    status = answer[-1].status if answer else None
    try:
        body = json.loads(answer[-1].response_body or "") if answer else None
    except ValueError:
        body = answer[-1].response_body
    return {
        "failed_step": failed.id,
        "steps_before": [(s.id, s.verdict) for s in result.steps[:result.steps.index(failed)]],
        "status": status,
        "message": body.get("error") if isinstance(body, dict) else body,
        "rule": next((r.id for r in RULES if (failed.cause or "").startswith(r.cause)), None),
    }


def not_on_the_real_tyk(path: Path) -> str | None:
    """Why the real Tyk cannot reproduce this scenario at all, or None."""
    if load_scenario(path).gateway.clock_offset_seconds:
        return ("it moves the gateway's clock (gateway.clock_offset_seconds): the real Tyk runs on this "
                "machine's clock in its own process")
    return None


@pytest.mark.parametrize("path", AT_THE_GATEWAY, ids=[p.stem for p in AT_THE_GATEWAY])
def test_fails_the_same_way_on_both_gateways(path: Path, tmp_path: Path) -> None:
    ours = run_scenario(load_scenario(path), report_dir=tmp_path / "harness", scenario_file=str(path))
    if not_on_the_real_tyk(path):
        # Not comparable: the real Tyk refuses the scenario with one clear error before
        # anything starts (never a run that quietly ignores the field and passes).
        assert ours.failed_step is not None and ours.failed_step.id == "gateway-call"
        with pytest.raises(ConfigError, match="gateway.clock_offset_seconds: the tyk-oss gateway"):
            run_scenario(load_scenario(path), report_dir=tmp_path / "tyk", scenario_file=str(path), gateway="tyk-oss")
        return
    tyk = run_scenario(load_scenario(path), report_dir=tmp_path / "tyk", scenario_file=str(path), gateway="tyk-oss")
    assert tyk.gateway["kind"] == "tyk-oss" and ours.gateway["kind"] == "harness"
    mine, theirs = outcome(ours), outcome(tyk)
    assert mine == theirs
    assert mine["failed_step"] == "gateway-call" and mine["status"] is not None and mine["rule"] is not None
    assert all(v is Verdict.PASS for _, v in mine["steps_before"])
