"""Portal domain logic against the Keycloak emulator: the OAuth client wizard stores
nothing when registration fails, undoes the IdP registration when storing fails,
deletes at the IdP, splits redirect URLs, and keeps developers apart."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from harness.products.keycloak.admin import KeycloakAdmin
from harness.products.keycloak.emulator import KeycloakEmulatorLauncher
from harness.registrar.options import DcrOptions
from harness.tyk.portal.models import CatalogueEntry
from harness.tyk.portal.service import NotFound, PortalError, PortalService, RegistrationFailed, split_redirect_uris
from harness.tyk.portal.settings import DashboardSettings
from harness.tyk.portal.store import Store, StoreError


@pytest.fixture(scope="module")
def kc() -> Iterator[KeycloakEmulatorLauncher]:
    with KeycloakEmulatorLauncher() as launcher:
        yield launcher


def _clients(kc: KeycloakEmulatorLauncher) -> set[str]:
    return set(kc.state.realm("master").clients)


@pytest.fixture
def svc(kc: KeycloakEmulatorLauncher) -> Iterator[PortalService]:
    s = PortalService(Store(":memory:"), settings=DashboardSettings(oauth_redirect_uri_separator=";"))
    yield s
    s.store.close()


def _setup(svc: PortalService, kc: KeycloakEmulatorLauncher, *, count: int = 5, token: str | None = None) -> tuple[str, str]:
    admin = KeycloakAdmin(kc.base_url, "admin", "admin")
    iat = token if token is not None else admin.create_initial_access_token("master", 3600, count)["token"]
    api = svc.create_api({"name": "Keycloak API", "enable_jwt": True})
    pol = svc.create_policy({"name": "Keycloak Policy", "access_rights": {api["api_id"]: {}}, "key_expires_in": 3600})
    entry = svc.create_catalogue_entry(CatalogueEntry(name="Keycloak API", policy_id=pol["id"]))
    entry.config.override = True
    entry.config.dcr_options = DcrOptions(
        enable_dcr=True, provider="keycloak", grant_types=["client_credentials"],
        token_endpoint_auth_method="client_secret_post", response_types=["token"],
        idp_host=kc.base_url + "/",
        registration_endpoint=kc.issuer("master") + "/clients-registrations/openid-connect",
        access_token=iat,
    )
    svc.update_catalogue_entry(entry)
    dev = svc.create_developer("dev@example.com", "developer-password")
    return dev.id, entry.id


def test_wizard_registers_and_stores(svc: PortalService, kc: KeycloakEmulatorLauncher) -> None:
    dev, entry = _setup(svc, kc)
    client = svc.create_oauth_client(dev, entry, "My client", "https://a.example/cb; https://b.example/cb")
    assert client.redirect_uris == ["https://a.example/cb", "https://b.example/cb"]
    assert client.client_id in _clients(kc)
    assert client.client_secret and client.registration_access_token
    assert [c.client_id for c in svc.list_clients(dev)] == [client.client_id]
    assert client.metadata["redirect_uris"] == ["https://a.example/cb", "https://b.example/cb"]


def test_failed_registration_stores_nothing(svc: PortalService, kc: KeycloakEmulatorLauncher) -> None:
    dev, entry = _setup(svc, kc, token="not-a-token")
    before = _clients(kc)
    with pytest.raises(RegistrationFailed) as ei:
        svc.create_oauth_client(dev, entry, "My client")
    assert "HTTP 401 invalid_token: Failed decode token" in str(ei.value)
    assert svc.list_clients(dev) == []
    assert svc.store.list("client") == []
    assert _clients(kc) == before


def test_store_failure_deletes_the_client_at_the_idp(svc: PortalService, kc: KeycloakEmulatorLauncher,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    dev, entry = _setup(svc, kc)
    before = _clients(kc)
    real_put = svc.store.put

    def failing_put(kind: str, id: str, body: dict[str, Any], owner: str | None = None) -> None:
        if kind == "client":
            raise StoreError("disk full")
        real_put(kind, id, body, owner)

    monkeypatch.setattr(svc.store, "put", failing_put)
    with pytest.raises(PortalError) as ei:
        svc.create_oauth_client(dev, entry, "My client")
    assert "could not store it (disk full); deleted again at the IdP" in str(ei.value)
    assert _clients(kc) == before, "the client must not be left registered at the IdP"
    assert svc.store.list("client") == []


def test_delete_removes_the_client_at_the_idp(svc: PortalService, kc: KeycloakEmulatorLauncher) -> None:
    dev, entry = _setup(svc, kc)
    client = svc.create_oauth_client(dev, entry, "My client")
    svc.delete_client(dev, client.client_id)
    assert client.client_id not in _clients(kc)
    assert svc.list_clients(dev) == []


def test_developers_only_see_their_own_clients(svc: PortalService, kc: KeycloakEmulatorLauncher) -> None:
    dev, entry = _setup(svc, kc)
    other = svc.create_developer("other@example.com", "other-password").id
    client = svc.create_oauth_client(dev, entry, "Mine")
    assert svc.list_clients(other) == []
    with pytest.raises(NotFound):
        svc.get_client(other, client.client_id)
    with pytest.raises(NotFound):
        svc.delete_client(other, client.client_id)
    assert client.client_id in _clients(kc)


def test_override_versus_global_settings(svc: PortalService, kc: KeycloakEmulatorLauncher) -> None:
    dev, entry_id = _setup(svc, kc)
    entry = svc.get_catalogue_entry(entry_id)
    entry.config.override = False
    svc.update_catalogue_entry(entry)
    assert svc.dcr_catalogue() == []  # global settings have DCR off
    with pytest.raises(PortalError, match="does not have DCR enabled"):
        svc.create_oauth_client(dev, entry_id, "x")


@pytest.mark.parametrize(("text", "sep", "expected"), [
    ("", ";", []),
    ("https://a/cb", ";", ["https://a/cb"]),
    ("https://a/cb;https://b/cb", ";", ["https://a/cb", "https://b/cb"]),
    (" https://a/cb ; ; https://b/cb ", ";", ["https://a/cb", "https://b/cb"]),
    ("https://a/cb;https://b/cb", ",", ["https://a/cb;https://b/cb"]),
])
def test_split_redirect_uris(text: str, sep: str, expected: list[str]) -> None:
    assert split_redirect_uris(text, sep) == expected


def test_developer_validation(svc: PortalService) -> None:
    with pytest.raises(PortalError, match="not an email"):
        svc.create_developer("nobody", "long-enough-pw")
    svc.create_developer("a@example.com", "long-enough-pw")
    with pytest.raises(PortalError, match="already exists"):
        svc.create_developer("A@example.com", "long-enough-pw")
    assert svc.authenticate_developer("a@example.com", "long-enough-pw") is not None
    assert svc.authenticate_developer("a@example.com", "wrong-password") is None
    raw = svc.store.list("developer")[0]
    assert "long-enough-pw" not in str(raw) and raw["password_hash"].startswith("scrypt$")


def test_password_cost_is_recorded_in_the_hash_and_the_throwaway_cost_is_lower() -> None:
    """A scenario run's portal hashes with THROWAWAY_COST (harness/tyk/portal/passwords.py
    says why); a hash always verifies with the cost it names, whichever the portal uses."""
    from harness.tyk.portal.passwords import DEFAULT_COST, THROWAWAY_COST, PasswordCost, hash_password, verify_password

    assert (DEFAULT_COST.n, DEFAULT_COST.r, DEFAULT_COST.p) == (2**14, 8, 1)
    assert THROWAWAY_COST.n < DEFAULT_COST.n
    cheap, strong = hash_password("long-enough-pw", THROWAWAY_COST), hash_password("long-enough-pw")
    assert cheap.startswith(f"scrypt${THROWAWAY_COST.n}$8$1$") and strong.startswith("scrypt$16384$8$1$")
    assert verify_password("long-enough-pw", cheap) and verify_password("long-enough-pw", strong)
    assert not verify_password("long-enough-px", cheap)
    with pytest.raises(ValueError, match="power of 2"):
        PasswordCost(1000)


def test_a_scenario_runs_portal_uses_the_throwaway_cost(tmp_path: Path) -> None:
    from harness.launchers.registry import make_launcher
    from harness.scenario.loader import load_scenario
    from harness.scenario.runner import build_world
    from harness.tyk.portal.passwords import THROWAWAY_COST

    root = Path(__file__).resolve().parents[2]
    world, _ = build_world(load_scenario(root / "scenarios" / "keycloak.yaml"), make_launcher("emulator"), tmp_path)
    assert world.password_cost == THROWAWAY_COST
