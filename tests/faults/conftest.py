"""Fault-injection suite: every IdP call of the Keycloak guide, each fault of
harness.core.faultproxy, and the clients at the IdP counted before and after through
its admin API (issue 18: "zero orphans")."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.conformance.model import Verdict
from harness.core import deadline
from harness.core.faultproxy import Fault, FaultProxy
from harness.products.base import IdpLauncher
from harness.products.keycloak.admin import KeycloakAdmin
from harness.products.keycloak.external import ExternalKeycloakLauncher
from harness.scenario.loader import load_scenario
from harness.scenario.results import RunResult
from harness.scenario.runner import run_scenario

ROOT = Path(__file__).resolve().parents[2]

#: Every IdP call of the Keycloak guide (realm master): (id, method, path regex, skip).
GUIDE_CALLS = [
    ("admin-login", "POST", r"/realms/master/protocol/openid-connect/token$", 0),
    ("initial-access-token", "POST", r"/clients-initial-access$", 0),
    ("discovery", "GET", r"/\.well-known/openid-configuration$", 0),
    ("registration", "POST", r"/clients-registrations/openid-connect$", 0),
    # the wizard's "check the client in the IdP" (harness.scenario.idp_view): its admin
    # login, then the read; a fault there is a note, never a failure
    ("idp-view-login", "POST", r"/realms/master/protocol/openid-connect/token$", 1),
    ("idp-view", "GET", r"/admin/realms/master/clients$", 0),
    ("token-request", "POST", r"/realms/master/protocol/openid-connect/token$", 2),
    ("jwks", "GET", r"/protocol/openid-connect/certs$", 0),
    ("delete", "DELETE", r"/clients-registrations/openid-connect/.+", 0),
]
#: Seconds per fault: hang/drip outlast the shortened deadline; a pause does not.
FAULTS = [(Fault.DROP, 0.0), (Fault.ERROR, 0.0), (Fault.HANG, 4.0), (Fault.DRIP, 0.3),
          (Fault.LOST, 0.0), (Fault.PAUSE, 0.2)]


@pytest.fixture
def short_deadline(monkeypatch: pytest.MonkeyPatch) -> float:
    """IdP calls get 1.5 s in all (the portal, longer, derived from it)."""
    monkeypatch.setattr(deadline, "IDP_DEADLINE_S", 1.5)
    return 1.5


def client_ids(idp: IdpLauncher) -> set[str]:
    """The realm's clients, straight from the IdP (not through the proxy)."""
    admin = KeycloakAdmin(idp.base_url, idp.admin_user, idp.admin_password, timeout=30.0)
    return {str(c["clientId"]) for c in admin.clients("master")}


def run_through(idp: IdpLauncher, call: tuple[str, str, str, int], fault: Fault, seconds: float,
                report_dir: Path) -> tuple[RunResult, FaultProxy]:
    _, method, path, skip = call
    root = idp.base_url[: len(idp.base_url) - len(idp.base_url.split("/", 3)[3])] if idp.base_url.count("/") > 2 else idp.base_url
    with FaultProxy(root.rstrip("/")) as proxy:
        proxy.add(method, path, fault, seconds=seconds, skip=skip)
        rel = idp.base_url[len(root.rstrip("/")):]
        through = ExternalKeycloakLauncher(proxy.url + rel, idp.admin_user, idp.admin_password)
        through.version = idp.version
        result = run_scenario(load_scenario(ROOT / "scenarios" / "keycloak.yaml"), report_dir=report_dir,
                              launcher=through)
    return result, proxy


def assert_nothing_left(before: set[str], idp: IdpLauncher, result: RunResult, proxy: FaultProxy) -> None:
    assert proxy.applied, "the fault was never injected: the call list no longer matches the guide"
    for s in result.steps:
        assert "internal error" not in (s.error or ""), s.to_dict()
    after = client_ids(idp)
    assert after == before, f"orphans at the IdP: {sorted(after - before)}; leftovers {result.leftovers}"
    assert result.leftovers == []
    assert any(s.verdict is Verdict.PASS for s in result.steps)


@pytest.fixture(scope="module")
def emulated_keycloak(tmp_path_factory: pytest.TempPathFactory) -> Iterator[IdpLauncher]:
    from harness.launchers.registry import make_launcher

    launcher = make_launcher("emulator", profile="keycloak", report_dir=tmp_path_factory.mktemp("kc"))
    with launcher:
        yield launcher
