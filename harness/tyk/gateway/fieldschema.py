"""Unknown-field reports for Tyk JSON objects (API definitions, policies).

Tyk decodes its JSON with Go's ``encoding/json``, which drops keys no struct field
names: a typo such as ``jwt_signin_method`` loads silently and the setting it meant
keeps its default. The harness loads the same documents the same way (they still work
unchanged) and in addition reports every key Tyk would drop, with its dotted path and,
when a known field is close, a "did you mean" suggestion (difflib).

A schema is data (harness.tyk.gateway.tyk_fields): a ``dict`` for a Go struct (JSON key ->
schema of the value), :class:`MapOf` for a Go map (any key), :class:`ListOf` for a
slice, ``None`` for a value that is not checked further (scalars, free-form maps such
as ``config_data``, types with their own ``UnmarshalJSON``).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any

from harness.core.errors import ConfigError


@dataclass(frozen=True)
class MapOf:
    """A Go ``map[string]T``: any key, each value checked against ``values``."""

    values: Schema


@dataclass(frozen=True)
class ListOf:
    """A Go slice ``[]T``: each item checked against ``items``."""

    items: Schema


Schema = dict[str, Any] | MapOf | ListOf | None

#: How close (difflib ratio) a known field must be to be suggested.
SUGGEST_CUTOFF = 0.75


def _join(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name


def unknown_fields(value: Any, schema: Schema, where: str, prefix: str = "") -> list[str]:
    """One line per key of ``value`` that ``schema`` does not know, in document order:
    ``<where>: unknown field 'proxy.listen_pth' (did you mean 'proxy.listen_path'?)``.

    Values of the wrong JSON type are not reported here (the typed readers refuse them
    with their own error); ``null`` is skipped, as Go's decoder skips it."""
    out: list[str] = []
    _walk(value, schema, where, prefix, out)
    return out


def _walk(value: Any, schema: Schema, where: str, prefix: str, out: list[str]) -> None:
    if schema is None or value is None:
        return
    if isinstance(schema, MapOf):
        if isinstance(value, dict):
            for k, v in value.items():
                _walk(v, schema.values, where, _join(prefix, str(k)), out)
        return
    if isinstance(schema, ListOf):
        if isinstance(value, list):
            for i, item in enumerate(value):
                _walk(item, schema.items, where, f"{prefix}[{i}]", out)
        return
    if not isinstance(value, dict):
        return
    for key, v in value.items():
        if key in schema:
            _walk(v, schema[key], where, _join(prefix, key), out)
            continue
        out.append(_unknown_line(key, schema, where, prefix))


def _unknown_line(key: str, schema: dict[str, Any], where: str, prefix: str) -> str:
    path = _join(prefix, key)
    folded = [name for name in schema if name.lower() == key.lower()]
    if folded:
        # encoding/json matches names case-insensitively, so Tyk reads this key; the
        # harness reads exact names only: the spelling must be fixed either way.
        right = _join(prefix, folded[0])
        return (f"{where}: field {path!r} differs in case from {right!r} "
                f"(Tyk's Go decoder accepts it; write it as {right!r})")
    close = difflib.get_close_matches(key, list(schema), n=1, cutoff=SUGGEST_CUTOFF)
    hint = f" (did you mean {_join(prefix, close[0])!r}?)" if close else ""
    return f"{where}: unknown field {path!r}{hint}"


def refuse_unknown(warnings: list[str]) -> None:
    """``--strict``: the first unknown field becomes a one-line :class:`ConfigError`."""
    if warnings:
        more = f" (and {len(warnings) - 1} more unknown field(s))" if len(warnings) > 1 else ""
        raise ConfigError(warnings[0] + more, hint="fix the field name, or drop --strict to load it as Tyk does")
