"""Rules of shared/STYLE.md that no linter checks for us."""

from __future__ import annotations

import re
from pathlib import Path

HARNESS = Path(__file__).resolve().parents[1] / "harness"
IGNORE = re.compile(r"#\s*type:\s*ignore(\[[^\]]*\])?(?P<rest>.*)$")


def _ignores_without_reason() -> list[str]:
    bad = []
    for path in sorted(HARNESS.rglob("*.py")):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            m = IGNORE.search(line)
            if m and not m.group(1):
                bad.append(f"{path.relative_to(HARNESS.parent)}:{n}: bare type: ignore (name the error code)")
            elif m and not m.group("rest").strip().startswith("#"):
                bad.append(f"{path.relative_to(HARNESS.parent)}:{n}: type: ignore without a reason after it")
    return bad


def test_every_type_ignore_names_its_code_and_reason() -> None:
    assert _ignores_without_reason() == []


def test_the_rule_catches_a_bare_ignore(tmp_path: Path) -> None:
    assert IGNORE.search("x = 1  # type: ignore").group(1) is None  # type: ignore[union-attr]  # a match is certain
    m = IGNORE.search("x = 1  # type: ignore[assignment]")
    assert m is not None and not m.group("rest").strip().startswith("#")
    m = IGNORE.search("x = 1  # type: ignore[assignment]  # the reason")
    assert m is not None and m.group("rest").strip().startswith("#")
