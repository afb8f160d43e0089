"""Tyk's file-based mode: ``app_path`` (a folder of ``*.json`` API definitions),
``policies.policy_path`` (one JSON object keyed by policy id) and ``tyk.conf``.

Errors name the file and the field; a file that is not JSON names the line and column.
Keys Tyk's decoder would ignore load as in Tyk and are listed in ``config.warnings``
(one line each, naming the file and the field path); ``strict=True`` refuses them.
Usage (the CLI does this)::

    config = load_file_config(Path("apps"), Path("policies.json"), Path("tyk.conf"))
    for line in config.warnings: ...
    apis, policies, tyk_conf = config
    gw = Gateway.from_file_config(config)
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, NamedTuple

from harness.core.errors import ConfigError
from harness.core.textfile import read_text_file
from harness.tyk.gateway.apidef import ApiDefinition, parse_apidef
from harness.tyk.gateway.fieldschema import refuse_unknown
from harness.tyk.gateway.policies import Policy, parse_policies
from harness.tyk.gateway.profile import profile_from_tyk_conf


class FileConfig(NamedTuple):
    apis: list[ApiDefinition]
    policies: dict[str, Policy]
    tyk_conf: dict[str, Any]

    @property
    def warnings(self) -> list[str]:
        """Unknown fields, API definitions (file order) first, then policies:
        ``<file>: unknown field 'jwt_signin_method' (did you mean 'jwt_signing_method'?)``."""
        return [w for a in self.apis for w in a.warnings] + [w for p in self.policies.values() for w in p.warnings]


def read_json(path: Path) -> Any:
    """Parse a JSON file; a syntax error names the file, line and column."""
    text = read_text_file(path, "JSON")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError(f"{path}: invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") from None
    except RecursionError:
        raise ConfigError(f"{path}: JSON nested too deeply") from None


def load_file_config(
    apps_dir: Path, policies_file: Path, tyk_conf_file: Path | None = None, *, strict: bool = False
) -> FileConfig:
    """Load and validate everything; nothing half-loaded on error. With ``strict``, an
    unknown field is a :class:`ConfigError` (one line) instead of a warning."""
    apps_dir, policies_file = Path(apps_dir), Path(policies_file)
    if not apps_dir.is_dir():
        raise ConfigError(f"{apps_dir}: not a directory", hint="--apps must name Tyk's app_path folder")
    tyk_conf: dict[str, Any] = {}
    if tyk_conf_file is not None:
        doc = read_json(Path(tyk_conf_file))
        if not isinstance(doc, dict):
            raise ConfigError(f"{tyk_conf_file}: must be a JSON object")
        profile_from_tyk_conf(doc, str(tyk_conf_file))  # validate the keys the gateway reads
        tyk_conf = doc
    apis: list[ApiDefinition] = []
    seen: dict[str, Path] = {}
    for path in sorted(apps_dir.glob("*.json")):
        doc = read_json(path)
        if not isinstance(doc, dict):
            raise ConfigError(f"{path}: an API definition must be a JSON object, not a {type(doc).__name__}")
        api = parse_apidef(doc, str(path))
        if api.api_id in seen:
            raise ConfigError(f"{path}: field 'api_id' {api.api_id!r} is also used by {seen[api.api_id]}")
        seen[api.api_id] = path
        apis.append(api)
    if not apis:
        raise ConfigError(f"{apps_dir}: no *.json API definitions found")
    policies = parse_policies(read_json(policies_file), str(policies_file))
    config = FileConfig(apis, policies, tyk_conf)
    if strict:
        refuse_unknown(config.warnings)
    return config
