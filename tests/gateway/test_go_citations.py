"""Every public rule in harness/tyk/gateway/golang/ cites the Go source line it mirrors.

A citation is ``<module>@<version>/<file>.go:<line>`` (e.g.
``github.com/golang-jwt/jwt/v4@v4.5.2/ecdsa.go:76``; the standard library is cited as
``std@go1.26.8/...``). A rule block is a public function or method (its docstring or the
comment lines right above it) or a public module constant documented with ``#:``.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

GOLANG_DIR = Path(__file__).resolve().parents[2] / "harness" / "tyk" / "gateway" / "golang"
CITATION = re.compile(r"@(?:v|go)\d[\w.+-]*/[\w./-]+\.go:\d+")
MODULES = sorted(p for p in GOLANG_DIR.glob("*.py") if p.name != "__init__.py")


def _comment_above(lines: list[str], lineno: int) -> str:
    """The contiguous ``#`` comment lines right above 1-based line ``lineno``."""
    out: list[str] = []
    i = lineno - 2
    while i >= 0 and lines[i].lstrip().startswith("#"):
        out.append(lines[i])
        i -= 1
    return "\n".join(reversed(out))


def _rule_blocks(path: Path) -> list[tuple[str, str]]:
    """(name, text that must cite) for each public rule block of one module."""
    source = path.read_text()
    lines = source.splitlines()
    tree = ast.parse(source)
    blocks: list[tuple[str, str]] = []

    def visit(body: list[ast.stmt], prefix: str) -> None:
        for node in body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and not node.name.startswith("_"):
                first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
                blocks.append((prefix + node.name, (ast.get_docstring(node) or "") + "\n" + _comment_above(lines, first)))
            elif isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
                visit(node.body, prefix + node.name + ".")
            elif isinstance(node, (ast.Assign, ast.AnnAssign)) and not prefix:
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                names = [t.id for t in targets if isinstance(t, ast.Name)]
                above = _comment_above(lines, node.lineno)
                if names and not names[0].startswith("_") and "#:" in above:
                    blocks.append((names[0], above))

    visit(tree.body, "")
    return blocks


def test_the_golang_package_has_rule_blocks() -> None:
    names = {name for path in MODULES for name, _ in _rule_blocks(path)}
    # The check below must have something to check: the known public rules are found.
    assert {"b64url_decode_go", "go_json_loads", "verify_signature", "decode_jwks",
            "GoJwks.first", "public_key_from_pem_or_der", "GO_JWT_ALGS"} <= names


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_every_public_rule_cites_go_source(path: Path) -> None:
    missing = [name for name, text in _rule_blocks(path) if not CITATION.search(text)]
    assert not missing, f"{path.name}: no `<module>@<version>/<file>.go:<line>` citation for {missing}"


def test_citation_pattern_rejects_uncited_text() -> None:
    assert CITATION.search("github.com/golang-jwt/jwt/v4@v4.5.2/ecdsa.go:76 (Verify)")
    assert CITATION.search("std@go1.26.8/encoding/base64/base64.go:340 (decodeQuantum)")
    assert not CITATION.search("golang-jwt ecdsa.go KeySize")
    assert not CITATION.search("github.com/golang-jwt/jwt/v4@v4.5.2/ecdsa.go (no line)")
