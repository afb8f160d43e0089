"""Unknown-field reports for Tyk JSON objects (API definitions, policies).

Tyk decodes its JSON with Go's ``encoding/json``, which drops keys no struct field
names: a typo such as ``jwt_signin_method`` loads silently and the setting it meant
keeps its default. The harness loads the same documents the same way (they still work
unchanged) and in addition reports every key Tyk would drop, with its dotted path and,
when a known field is close, a "did you mean" suggestion (difflib).

The schema is data: ``tyk_fields.json`` beside this module, generated from Tyk's Go
structs by ``tools/tykfields`` (``python -m harness.tyk.gateway.fields_gen``; its header
names the Tyk commit and pseudo-version, and the sha256 of every Go file read). It is
loaded once, at import, into :data:`API_DEFINITION` (``apidef.APIDefinition``) and
:data:`POLICY` (``user.Policy``): a ``dict`` for a Go struct (JSON key -> schema of the
value), :class:`MapOf` for a Go map (any key), :class:`ListOf` for a slice, ``None`` for
a value that is not checked further (scalars, free-form maps such as ``config_data``,
types with their own ``UnmarshalJSON``, types of other modules).
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass
from pathlib import Path
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

#: The generated schema file (package data, installed beside this module). Read with
#: pathlib, not importlib.resources: that import alone (tempfile, zipfile) costs more
#: (~5 ms) than loading the file (~1 ms).
SCHEMA_FILE = Path(__file__).with_name("tyk_fields.json")


def load_structs(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The structs of a generated document (``{"structs": {"pkg.Name": {key: node}}}``) as
    schemas, one shared ``dict`` per Go struct (so a struct nested in several places, or
    in itself, is one object). A node is ``null``, ``{"ref": "pkg.Name"}``,
    ``{"map": node}``, ``{"list": node}`` or ``{"struct": {key: node}}`` (an anonymous struct)."""
    structs: dict[str, dict[str, Any]] = {name: {} for name in doc["structs"]}

    def node(value: Any) -> Schema:
        if value is None:
            return None
        if "ref" in value:
            return structs[value["ref"]]
        if "map" in value:
            return MapOf(node(value["map"]))
        if "list" in value:
            return ListOf(node(value["list"]))
        if "struct" in value:
            return {key: node(v) for key, v in value["struct"].items()}
        raise ValueError(f"{SCHEMA_FILE.name}: unknown schema node {value!r}")

    for name, fields in doc["structs"].items():
        structs[name].update((key, node(v)) for key, v in fields.items())
    return structs


def _read_schema_file() -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    return doc


_DOC = _read_schema_file()
#: Which Tyk the schema was generated from: ``module``, ``commit``, ``version`` (its Go
#: pseudo-version) and ``files`` (each Go file read -> its sha256).
SOURCE: dict[str, Any] = _DOC["source"]
#: Every Go struct of the schema by its Go name (``"apidef.JWK"``, ``"user.AccessDefinition"``).
STRUCTS: dict[str, dict[str, Any]] = load_structs(_DOC)
#: ``apidef.APIDefinition``: one classic API definition (an app_path file, POST /tyk/apis).
API_DEFINITION: dict[str, Any] = STRUCTS[_DOC["roots"]["API_DEFINITION"]]
#: ``user.Policy``: one security policy (a value of the policies file, POST /tyk/policies).
POLICY: dict[str, Any] = STRUCTS[_DOC["roots"]["POLICY"]]

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
