"""How far the Keycloak emulator is measured, for the generated docs (docs/profiles.md)
and the README: the recorded differential runs and what the emulator does not model.

The numbers come from the recorded snapshots themselves
(``fixtures/keycloak/observed-<version>.json``), each compared with the emulator by
``tests/real_keycloak/test_snapshot.py`` (offline) and, for the release the live
server runs, by ``tests/real_keycloak/test_differential.py`` (``real_keycloak`` marker).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from harness.core.paths import FIXTURES_DIR

SNAPSHOT_DIR: Path = FIXTURES_DIR / "keycloak"

#: What the emulator does not model (answers differ from a real server, or the feature
#: is absent). Each line is a family of requests, not a single exchange.
NOT_MODELLED: tuple[str, ...] = (
    "browser flows: the authorization endpoint, login pages, authorization codes (every code is invalid)",
    "the standard token exchange itself: its validation is modelled (opt-in attribute, public client, "
    "subject token, audience), a valid exchange is answered unsupported_grant_type",
    "the Keycloak-representation registration provider (clients-registrations/default, install, "
    "saml2-entity-descriptor) and so the Allowed Protocol Mapper Types policy (listed, not enforced)",
    "Allowed Registration Web Origins (listed, not enforced); client policies and profiles (FAPI)",
    "Trusted Hosts matches exact host names and addresses only: no wildcard domains, no DNS resolution",
    "client scopes' protocol mappers and token claims they add (the scope list is compared by name)",
    "role mappings, groups, identity providers, user federation, events, sessions admin API",
    "realm settings other than the few the DCR flow reads (GET /admin/realms/{r} is a subset)",
    "signed JWT client authentication (private_key_jwt, client_secret_jwt) and mTLS",
)


@dataclass(frozen=True)
class MeasuredRun:
    """One recorded differential run of a real release."""

    version: str
    server: str
    http_exchanges: int
    observations: int


def measured_runs(directory: Path = SNAPSHOT_DIR) -> list[MeasuredRun]:
    """The recorded runs, oldest release first."""
    runs = []
    for path in sorted(directory.glob("observed-*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        exchanges = data.get("exchanges", [])
        runs.append(MeasuredRun(
            version=str(data.get("version")), server=str(data.get("server")),
            http_exchanges=sum(1 for o in exchanges if o.get("status") is not None),
            observations=len(exchanges),
        ))
    return sorted(runs, key=lambda r: tuple(int(x) for x in r.version.split(".")))
