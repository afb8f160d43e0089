"""Load a scenario file with errors that name the file, the line and the field."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from harness.core.errors import ConfigError
from harness.scenario.schema import Scenario


def load_scenario(path: str | Path) -> Scenario:
    p = Path(path)
    if not p.is_file():
        raise ConfigError(f"scenario file {p} does not exist", hint="pass the path of a YAML scenario, e.g. scenarios/keycloak.yaml")
    text = p.read_text(encoding="utf-8")
    return parse_scenario(text, str(p))


def parse_scenario(text: str, source: str = "<scenario>") -> Scenario:
    try:
        node = yaml.compose(text)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{source}:{mark.line + 1}" if mark else source
        problem = getattr(exc, "problem", None) or str(exc)
        ctx_mark = getattr(exc, "context_mark", None)
        context = getattr(exc, "context", None)
        if ctx_mark is not None and context and (mark is None or ctx_mark.line != mark.line):
            problem += f" ({context} at line {ctx_mark.line + 1})"
        raise ConfigError(f"{where}: not valid YAML: {problem}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{source}: a scenario must be a YAML mapping (name:, api:, policy:, catalogue:, ...)")
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(_first_error(exc, node, source)) from None


def _first_error(exc: ValidationError, root: Any, source: str) -> str:
    e = exc.errors()[0]
    loc = [p for p in e["loc"]]
    field = ".".join(str(p) for p in loc)
    line = _line_of(root, loc)
    where = f"{source}:{line}" if line else source
    kind = e["type"]
    if kind == "extra_forbidden":
        parent = ".".join(str(p) for p in loc[:-1]) or "top level"
        msg = f"unknown field {field!r} (in {parent})"
        close = _close_names(str(loc[-1]), _known_fields(loc[:-1]))
        if close:
            msg += f"; did you mean {close!r}?"
        return f"{where}: {msg}"
    if kind == "missing":
        return f"{where}: missing required field {field!r}"
    value = e.get("input")
    return f"{where}: field {field!r}: {e['msg']} (got {value!r})"


def _line_of(node: Any, loc: list[Any]) -> int | None:
    cur = node
    best = getattr(node, "start_mark", None)
    for part in loc:
        nxt = None
        if isinstance(cur, yaml.MappingNode):
            for k, v in cur.value:
                if k.value == str(part):
                    nxt = v if part != loc[-1] else k
                    break
        elif isinstance(cur, yaml.SequenceNode) and isinstance(part, int) and part < len(cur.value):
            nxt = cur.value[part]
        if nxt is None:
            break
        cur = nxt
        best = cur.start_mark
    return best.line + 1 if best is not None else None


def _known_fields(parent_loc: list[Any]) -> list[str]:
    model: Any = Scenario
    for part in parent_loc:
        fld = getattr(model, "model_fields", {}).get(str(part))
        if fld is None:
            return []
        ann = fld.annotation
        model = next((a for a in getattr(ann, "__args__", (ann,)) if hasattr(a, "model_fields")), ann)
    return list(getattr(model, "model_fields", {}).keys())


def _close_names(name: str, known: list[str]) -> str | None:
    import difflib

    m = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    return m[0] if m else None
