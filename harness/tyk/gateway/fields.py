"""Typed reads of Tyk JSON objects with one-line errors naming the file and the field.

Tyk decodes its API definitions, policies and tyk.conf with Go's ``encoding/json`` into
typed structs: a value of the wrong JSON type makes the whole object fail to load
(``cannot unmarshal string into Go struct field APIDefinition.enable_jwt of type bool``).
The harness refuses the same inputs, up front, with a :class:`ConfigError` that says
which file and which field to fix. Unknown fields are kept and ignored, as in Tyk, and
reported as warnings (harness.tyk.gateway.fieldschema).
"""

from __future__ import annotations

import math
from typing import Any

from harness.core.errors import ConfigError
from harness.tyk.gateway.golang.gocompat import go_type_name


class FieldReader:
    """Reads fields of one JSON object; ``where`` is e.g. ``apps/api.json`` and
    ``prefix`` the dotted path of the object inside it (``proxy``)."""

    def __init__(self, obj: Any, where: str, prefix: str = "") -> None:
        if not isinstance(obj, dict):
            raise ConfigError(f"{where}: {prefix or 'document'} must be a JSON object, got {go_type_name(obj)}")
        self.obj = obj
        self.where = where
        self.prefix = prefix

    def path(self, name: str) -> str:
        return f"{self.prefix}.{name}" if self.prefix else name

    def fail(self, name: str, problem: str, hint: str | None = None) -> ConfigError:
        return ConfigError(f"{self.where}: field {self.path(name)!r} {problem}", hint=hint)

    def _get(self, name: str) -> Any:
        return self.obj.get(name)

    def string(self, name: str, default: str = "") -> str:
        v = self._get(name)
        if v is None:
            return default
        if not isinstance(v, str):
            raise self.fail(name, f"must be a string, got {go_type_name(v)}")
        return v

    def boolean(self, name: str, default: bool = False) -> bool:
        v = self._get(name)
        if v is None:
            return default
        if not isinstance(v, bool):
            raise self.fail(name, f"must be true or false, got {go_type_name(v)}")
        return v

    def number(self, name: str, default: float = 0.0) -> float:
        v = self._get(name)
        if v is None:
            return default
        if isinstance(v, bool) or not isinstance(v, (int, float)) or math.isnan(v) or math.isinf(v):
            raise self.fail(name, f"must be a number, got {go_type_name(v)}")
        return float(v)

    def integer(self, name: str, default: int = 0, *, unsigned: bool = False) -> int:
        v = self._get(name)
        if v is None:
            return default
        if isinstance(v, bool) or not isinstance(v, (int, float)) or (isinstance(v, float) and not v.is_integer()):
            kind = "an unsigned integer" if unsigned else "an integer"
            raise self.fail(name, f"must be {kind}, got {v!r}")
        if unsigned and v < 0:
            raise self.fail(name, f"must be an unsigned integer (seconds), got {v!r}")
        return int(v)

    def string_list(self, name: str) -> list[str]:
        v = self._get(name)
        if v is None:
            return []
        if not isinstance(v, list) or not all(isinstance(i, str) for i in v):
            raise self.fail(name, "must be an array of strings")
        return list(v)

    def child(self, name: str) -> FieldReader:
        v = self._get(name)
        if v is None:
            v = {}
        if not isinstance(v, dict):
            raise self.fail(name, f"must be a JSON object, got {go_type_name(v)}")
        return FieldReader(v, self.where, self.path(name))

    def object_map(self, name: str) -> dict[str, Any]:
        v = self._get(name)
        if v is None:
            return {}
        if not isinstance(v, dict):
            raise self.fail(name, f"must be a JSON object, got {go_type_name(v)}")
        return v
