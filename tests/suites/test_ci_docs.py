"""docs/ci.md stays true: its YAML examples parse, and every ``dcr-harness`` and
``pytest scenarios/`` command it shows is accepted by today's options."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
import yaml

from harness.cli.main import build_parser

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "ci.md").read_text()


def _strings(node: object) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [s for v in node.values() for s in _strings(v)]
    if isinstance(node, list):
        return [s for v in node for s in _strings(v)]
    return []


def _commands(prefix: str) -> list[str]:
    """Commands in inline code, in bash blocks (continuations joined) and in the YAML
    examples' strings (YAML folds ``>-`` scalars itself)."""
    lines = re.findall(rf"`({re.escape(prefix)} [^`]+)`", DOC)
    for block in re.findall(r"```bash\n(.*?)```", DOC, re.S):
        lines += block.replace("\\\n", " ").splitlines()
    for block in re.findall(r"```yaml\n(.*?)```", DOC, re.S):
        lines += _strings(yaml.safe_load(block))
    return [re.sub(r"\s+", " ", line.strip()) for line in lines if line.strip().startswith(prefix + " ")]


def test_yaml_examples_parse() -> None:
    blocks = re.findall(r"```yaml\n(.*?)```", DOC, re.S)
    assert len(blocks) == 2
    github, gitlab = (yaml.safe_load(b) for b in blocks)
    assert "scenarios" in github["jobs"] and "dcr-regression" in gitlab


def test_every_cli_command_parses() -> None:
    commands = _commands("dcr-harness")
    assert len(commands) >= 4
    parser = build_parser()
    for command in commands:
        argv = shlex.split(re.sub(r"\$\{\{ [^}]+ \}\}|\"?\$KEYCLOAK\"?", "26.7.3", command))[1:]
        args = parser.parse_args(argv)
        assert args.command == "run", command


def test_every_pytest_command_uses_plugin_options(pytestconfig: pytest.Config) -> None:
    commands = _commands("pytest")
    assert commands
    known = {"-n", "--junitxml", "--idp", "--idp-version"}
    for command in commands:
        options = {w.split("=")[0] for w in shlex.split(command) if w.startswith("-")}
        assert options <= known, command
    for option in ("--idp", "--idp-version", "--gluu-version", "--gateway"):
        pytestconfig.getoption(option)  # the plugin declares it
