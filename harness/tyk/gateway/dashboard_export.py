"""Unknown-field reports for a customer's Tyk *exports*, envelopes included.

Tyk's gateway reads bare objects (an app_path file is one ``apidef.APIDefinition``, the
policies file maps ids to ``user.Policy``). Exports from the Dashboard API wrap them:

* ``GET /api/apis/{id}``: ``{"api_definition": {...}, "api_model": {}, "hook_references":
  [], "is_site": false, "sort_by": 0, "user_group_owners": [], "user_owners": []}``
  (plus ``created_at`` in list entries);
* ``GET /api/apis``: ``{"apis": [<that>, ...], "pages": n}``;
* ``GET /api/portal/policies``: ``{"Data": [<policy>, ...], "Pages": n}`` (each policy
  with its database ``_id``, a ``user.Policy`` field).

Sources: the Dashboard API reference (https://tyk.io/docs/tyk-apis/tyk-dashboard-api/
api-definitions/, sample responses) and Tyk's own client of it (tyk-sync's ``OrgAPIs``
struct). The wrapper keys are known; everything inside is checked against Tyk's
structs (harness.tyk.gateway.tyk_fields).
"""

from __future__ import annotations

from typing import Any

from harness.core.errors import ConfigError
from harness.tyk.gateway.fieldschema import ListOf, unknown_fields
from harness.tyk.gateway.tyk_fields import API_DEFINITION, POLICY

#: One API as the Dashboard exports it.
DASHBOARD_API: dict[str, Any] = {
    "api_definition": API_DEFINITION,
    "api_model": None,
    "created_at": None,
    "hook_references": None,
    "is_site": None,
    "sort_by": None,
    "user_group_owners": None,
    "user_owners": None,
}
#: The Dashboard's API list.
DASHBOARD_API_LIST: dict[str, Any] = {"apis": ListOf(DASHBOARD_API), "pages": None}
#: The Dashboard's policy list.
DASHBOARD_POLICY_LIST: dict[str, Any] = {"Data": ListOf(POLICY), "Pages": None}


def export_warnings(doc: Any, where: str) -> list[str]:
    """Unknown fields of one exported file: a bare API definition, a Dashboard export or
    list of APIs, a Dashboard policy list, one policy, or a gateway policies file."""
    if isinstance(doc, dict):
        if isinstance(doc.get("api_definition"), dict):
            return unknown_fields(doc, DASHBOARD_API, where)
        if isinstance(doc.get("apis"), list):
            return unknown_fields(doc, DASHBOARD_API_LIST, where)
        if isinstance(doc.get("Data"), list):
            return unknown_fields(doc, DASHBOARD_POLICY_LIST, where)
        if "api_id" in doc:
            return unknown_fields(doc, API_DEFINITION, where)
        if "access_rights" in doc:
            return unknown_fields(doc, POLICY, where)
        if doc and all(isinstance(v, dict) for v in doc.values()):  # policies file keyed by id
            out: list[str] = []
            for pid, pol in doc.items():
                out += unknown_fields(pol, POLICY, f"{where} (policy {pid!r})")
            return out
    raise ConfigError(f"{where}: not a Tyk API definition, policy or Dashboard export of them")
