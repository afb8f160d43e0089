"""Generator of fixtures/tyk-export-broken/: each folder is fixtures/tyk-export/keycloak-customer
with one customer mistake (the README there says which). Run from the repository root:
``python tools/make_broken_exports.py``; tests/scenario/test_import_broken.py checks the
folders are current."""

from __future__ import annotations

import base64
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "fixtures" / "tyk-export" / "keycloak-customer"
TARGET = ROOT / "fixtures" / "tyk-export-broken"
HOST = "https://sso.acme-corp.example:8443"


def _load(folder: Path, name: str) -> Any:
    return json.loads((folder / name).read_text(encoding="utf-8"))


def _save(folder: Path, name: str, doc: Any) -> None:
    (folder / name).write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")


def _payments(folder: Path, change: Callable[[dict[str, Any]], None]) -> None:
    doc = _load(folder, "apis/payments-api.json")
    change(doc["api_definition"])
    _save(folder, "apis/payments-api.json", doc)


def _entry(folder: Path, change: Callable[[dict[str, Any]], None]) -> None:
    doc = _load(folder, "catalogue.json")
    change(doc["apis"][0]["config"]["dcr_options"])
    _save(folder, "catalogue.json", doc)


def _jwks(url: str) -> Callable[[dict[str, Any]], None]:
    def change(api: dict[str, Any]) -> None:
        api["jwt_source"] = base64.b64encode(url.encode()).decode()
    return change


def legacy_auth(folder: Path, *, registration_prefix: str = "/auth", jwks_prefix: str = "/auth") -> None:
    """A Keycloak serving under /auth (idp_host says so)."""
    _payments(folder, _jwks(f"{HOST}{jwks_prefix}/realms/acme/protocol/openid-connect/certs"))

    def dcr(d: dict[str, Any]) -> None:
        d["idp_host"] = f"{HOST}/auth/"
        d["registration_endpoint"] = f"{HOST}{registration_prefix}/realms/acme/clients-registrations/openid-connect"
    _entry(folder, dcr)


CASES: dict[str, Callable[[Path], None]] = {
    "registration-missing-auth-prefix": lambda f: legacy_auth(f, registration_prefix=""),
    "jwks-missing-auth-prefix": lambda f: legacy_auth(f, jwks_prefix=""),
    "deleted-default-policy": lambda f: _payments(f, lambda a: a.__setitem__(
        "jwt_default_policies", ["62a1f0c3e5b4c20001a1bdead"])),
    "provider-gluu-on-keycloak": lambda f: _entry(f, lambda d: d.__setitem__("provider", "gluu")),
    "registration-is-token-endpoint": lambda f: _entry(f, lambda d: d.__setitem__(
        "registration_endpoint", f"{HOST}/realms/acme/protocol/openid-connect/token")),
}


def build(target: Path = TARGET) -> None:
    for name, mistake in CASES.items():
        folder = target / name
        if folder.exists():
            shutil.rmtree(folder)
        shutil.copytree(SOURCE, folder)
        mistake(folder)


if __name__ == "__main__":
    build()
