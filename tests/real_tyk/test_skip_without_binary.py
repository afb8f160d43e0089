"""Where there is no Tyk binary (CI here: the Go module proxy refuses Tyk's module, so
nothing can build one), every ``real_tyk`` test SKIPs with the exact reason, never passes.
Not marked ``real_tyk`` itself: it runs everywhere, with the binary hidden."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REASON = ("--gateway tyk-oss needs a Tyk gateway binary and redis-server: no Tyk gateway binary: the Go module proxy "
          "here refuses github.com/TykTechnologies/tyk (403 \"This module version is not available\"), so the harness "
          "cannot build it")


def test_real_tyk_tests_skip_with_the_reason_without_a_binary(tmp_path: Path) -> None:
    empty = tmp_path / "bin"
    empty.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "DCR_HARNESS_TYK_BIN"}
    env.update(PATH=str(empty), DCR_HARNESS_CACHE=str(tmp_path / "cache"), PYTHONPATH=str(ROOT))
    run = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-rs", "-p", "no:xdist",
                          str(ROOT / "tests" / "real_tyk" / "test_guides_real_tyk.py")],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    out = run.stdout
    assert run.returncode == 0, out + run.stderr
    assert "4 skipped" in out and "passed" not in out and "failed" not in out, out
    assert re.search(r"SKIPPED \[4\] tests/conftest\.py:\d+: " + re.escape(REASON) + "\n", out), out
