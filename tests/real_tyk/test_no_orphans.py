"""No Tyk or Redis process outlives a run: ``dcr-harness run ... --gateway tyk-oss`` in a
subprocess, interrupted mid-run (SIGINT, SIGTERM: the run unwinds and stops them; SIGKILL:
the kernel's parent-death signal kills them), leaves none of its children behind.

Marked ``real_tyk``: SKIP with the reason where there is no Tyk binary (tests/conftest.py)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.real_tyk

psutil = pytest.importorskip("psutil")

ROOT = Path(__file__).resolve().parents[2]


def _alive(proc: object) -> bool:
    try:
        return proc.is_running() and proc.status() != psutil.STATUS_ZOMBIE  # type: ignore[attr-defined]
    except psutil.NoSuchProcess:
        return False


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM, signal.SIGKILL], ids=lambda s: s.name)
def test_an_interrupted_run_leaves_no_tyk_or_redis(sig: signal.Signals, tmp_path: Path) -> None:
    run = subprocess.Popen(
        [sys.executable, "-m", "harness.cli.main", "run", str(ROOT / "scenarios" / "keycloak.yaml"),
         "--gateway", "tyk-oss", "--report-dir", str(tmp_path)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert run.stdout is not None
    seen: list[str] = []
    try:
        for line in run.stdout:  # the header comes once the gateway runs, before the first step
            seen.append(line)
            if line.startswith("Scenario "):
                break
        children = psutil.Process(run.pid).children(recursive=True)
        names = sorted(c.name() for c in children)
        assert names == ["redis-server", "tyk"], (names, seen)
        run.send_signal(sig)
        rest = run.stdout.read()
        code = run.wait(60)
    finally:
        if run.poll() is None:
            run.kill()
    deadline = time.monotonic() + 15
    while any(_alive(c) for c in children) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = [(c.pid, c.name()) for c in children if _alive(c)]
    assert left == [], (code, rest)
    if sig is signal.SIGKILL:
        assert code == -signal.SIGKILL
    else:
        assert code == 130 and "interrupted" in rest, (code, rest)
