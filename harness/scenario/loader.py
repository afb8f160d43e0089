"""Load a scenario file with errors that name the file, the line and the field.

One error, the most useful first: a file that is not UTF-8 text, YAML syntax, a duplicate
key (YAML 1.2 §3.2.1.1 says mapping keys are unique; PyYAML would silently keep the last),
an unknown key (before any missing one: a renamed field shows up as both, and the unknown
key is the one the user typed), a missing or mistyped field, then a ``${...}`` placeholder
no run can fill (``PLACEHOLDERS`` in :mod:`harness.scenario.schema`).
"""

from __future__ import annotations

import re
import reprlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from harness.core.errors import ConfigError
from harness.core.redact import SECRET_FIELDS
from harness.core.textfile import read_text_file
from harness.scenario.schema import PLACEHOLDERS, Scenario

__all__ = ["load_scenario", "parse_scenario", "read_text_file"]

_PLACEHOLDER = re.compile(r"\$\{([^}]*)\}")
#: The wrong value in an error, bounded: an alias bomb's value would print for ever.
_REPR = reprlib.Repr()
_REPR.maxstring = 120
_REPR.maxother = 120
_REPR.maxlevel = 2


def load_scenario(path: str | Path) -> Scenario:
    p = Path(path)
    if not p.is_file():
        raise ConfigError(f"scenario file {p} does not exist", hint="pass the path of a YAML scenario, e.g. scenarios/keycloak.yaml")
    return parse_scenario(read_text_file(p, "scenario"), str(p))


def parse_scenario(text: str, source: str = "<scenario>") -> Scenario:
    try:
        node = yaml.compose(text)
        data = yaml.safe_load(text)
    except RecursionError:  # PyYAML's composer recurses once per level of nesting
        raise ConfigError(f"{source}: YAML nested too deeply") from None
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
    _no_duplicate_keys(node, source)
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(_first_error(exc, node, source)) from None
    _known_placeholders(node, source)
    return scenario


def _nodes(root: Any) -> Iterator[Any]:
    """Every node of the document once, in document order, without recursion. A node an
    alias (``*name``) repeats is visited once: "billion laughs" aliases of aliases would
    otherwise make the walk exponential (nine levels of nine: 387 million visits)."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        yield node
        if isinstance(node, yaml.MappingNode):
            stack.extend(v for _k, v in reversed(node.value))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(reversed(node.value))


def _no_duplicate_keys(root: Any, source: str) -> None:
    """YAML 1.2 §3.2.1.1: the keys of a mapping are unique."""
    for node in _nodes(root):
        if not isinstance(node, yaml.MappingNode):
            continue
        seen: dict[str, int] = {}
        for k, _v in node.value:
            key = str(k.value)
            if key in seen:
                raise ConfigError(f"{source}:{k.start_mark.line + 1}: duplicate key {key!r} "
                                  f"(first at line {seen[key]}); a YAML mapping takes each key once")
            seen[key] = k.start_mark.line + 1


def _known_placeholders(root: Any, source: str) -> None:
    """Every ``${name}`` must be a fact some run produces (``PLACEHOLDERS``)."""
    for node in _nodes(root):
        if not (isinstance(node, yaml.ScalarNode) and isinstance(node.value, str)):
            continue
        for m in _PLACEHOLDER.finditer(node.value):
            name = m.group(1)
            if name not in PLACEHOLDERS:
                msg = f"{source}:{node.start_mark.line + 1}: placeholder ${{{name}}} is not a fact a run produces"
                close = _close_names(name, list(PLACEHOLDERS))
                hint = f"did you mean ${{{close}}}?" if close else "known: " + ", ".join(f"${{{k}}}" for k in PLACEHOLDERS)
                raise ConfigError(msg, hint=hint)


def _first_error(exc: ValidationError, root: Any, source: str) -> str:
    # An unknown key first: a renamed required field (name -> name_typo) is reported as both,
    # and the key the user typed is the one to point at.
    errors = sorted(exc.errors(), key=lambda err: 0 if err["type"] == "extra_forbidden" else 1)
    e = errors[0]
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
    if _holds_secret([str(part) for part in loc]):
        # A secret (a password, a token) is never echoed: the field and its type say enough.
        return f"{where}: field {field!r}: {e['msg']} (got a {type(value).__name__})"
    return f"{where}: field {field!r}: {e['msg']} (got {_REPR.repr(value)})"


def _holds_secret(loc: list[str]) -> bool:
    """Whether the field at ``loc`` holds a secret (a password, a token, a client secret)."""
    last = loc[-1] if loc else ""
    return (last.lower() in SECRET_FIELDS or last == "secret_override"
            or (last == "value" and "initial_access_token" in loc))


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
