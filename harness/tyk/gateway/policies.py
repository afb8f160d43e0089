"""Tyk security policies (``user.Policy``) and the policies file format.

The file named by tyk.conf ``policies.policy_path`` (``policy_source: file``) is a JSON
object keyed by policy id; the key wins over an ``id`` inside the object
(gateway/policy.go LoadPoliciesFromFile). Policies are looked up by (org id, policy id):
a policy of another organisation is "not found" for an API (internal/model/policies.go).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from harness.core.errors import ConfigError
from harness.tyk.gateway.fields import FieldReader
from harness.tyk.gateway.fieldschema import POLICY, unknown_fields
from harness.tyk.gateway.golang.gocompat import go_type_name


@dataclass(frozen=True)
class AccessRight:
    api_id: str
    api_name: str = ""
    versions: tuple[str, ...] = ()


@dataclass(frozen=True)
class Policy:
    id: str
    name: str
    org_id: str
    rate: float
    per: float
    quota_max: int
    quota_renewal_rate: int
    access_rights: dict[str, AccessRight]
    #: Dashboard flag; the open-source gateway applies a policy whatever it says.
    active: bool
    is_inactive: bool
    key_expires_in: int
    tags: tuple[str, ...] = ()
    source: str = "<policies>"
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    #: One line per key Tyk's decoder would ignore (harness.tyk.gateway.fieldschema).
    warnings: tuple[str, ...] = field(default=(), compare=False, repr=False)


def parse_policy(raw: dict[str, Any], source: str = "<policies>", policy_id: str = "") -> Policy:
    """Validate one policy object; ``policy_id`` (the file's key) overrides ``id``."""
    where = f"{source} (policy {policy_id!r})" if policy_id else source
    r = FieldReader(raw, where)
    pid = policy_id or r.string("id")
    if not pid:
        raise ConfigError(f"{where}: policy has no id", hint='give it an "id" or key it by id in the policies file')
    rights: dict[str, AccessRight] = {}
    ar = r.object_map("access_rights")
    for api_id, value in ar.items():
        a = FieldReader(value, where, f"access_rights.{api_id}")
        rights[api_id] = AccessRight(
            api_id=a.string("api_id") or api_id,
            api_name=a.string("api_name"),
            versions=tuple(a.string_list("versions")),
        )
    merged = copy.deepcopy(raw)
    merged["id"] = pid
    return Policy(
        id=pid,
        name=r.string("name"),
        org_id=r.string("org_id"),
        rate=r.number("rate"),
        per=r.number("per"),
        quota_max=r.integer("quota_max"),
        quota_renewal_rate=r.integer("quota_renewal_rate"),
        access_rights=rights,
        active=r.boolean("active"),
        is_inactive=r.boolean("is_inactive"),
        key_expires_in=r.integer("key_expires_in"),
        tags=tuple(r.string_list("tags")),
        source=source,
        raw=merged,
        warnings=tuple(unknown_fields(raw, POLICY, where)),
    )


def parse_policies(doc: Any, source: str = "<policies>") -> dict[str, Policy]:
    """A policies document: JSON object keyed by policy id."""
    if not isinstance(doc, dict):
        raise ConfigError(
            f"{source}: must be a JSON object keyed by policy id, got {go_type_name(doc)}",
            hint='{"<policy id>": {"name": ..., "access_rights": {...}}}',
        )
    return {pid: parse_policy(value, source, pid) for pid, value in doc.items()}
