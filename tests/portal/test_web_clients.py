"""The OAuth client wizard pages against the embedded Keycloak emulator: the secret is
shown once, developers reach only their own clients, deletion reaches the IdP, and an
IdP refusal is shown in plain words."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
import requests
from starlette.testclient import TestClient

from harness.products.keycloak.admin import KeycloakAdmin
from harness.products.keycloak.emulator.launcher import KeycloakEmulatorLauncher
from harness.registrar.options import DcrOptions
from harness.scenario.diagnosis import diagnose
from harness.tyk.portal.app import create_app
from harness.tyk.portal.models import CatalogueConfig, CatalogueEntry
from harness.tyk.portal.service import PortalService
from harness.tyk.portal.settings import DashboardSettings
from harness.tyk.portal.store import Store

PASSWORD = "password-123"


@pytest.fixture(scope="module")
def keycloak() -> Iterator[KeycloakEmulatorLauncher]:
    with KeycloakEmulatorLauncher() as kc:
        yield kc


def make_iat(kc: KeycloakEmulatorLauncher, count: int = 5) -> str:
    return KeycloakAdmin(kc.base_url, kc.admin_user, kc.admin_password).create_initial_access_token(
        "master", 3600, count)["token"]


@pytest.fixture
def svc(keycloak: KeycloakEmulatorLauncher) -> Iterator[PortalService]:
    s = PortalService(Store(), settings=DashboardSettings(admin_secret="admin-key-for-tests-123"), explain=diagnose)
    yield s
    s.store.close()


def dcr_entry(svc: PortalService, kc: KeycloakEmulatorLauncher, access_token: str) -> CatalogueEntry:
    api = svc.create_api({"name": "Keycloak API", "proxy": {"listen_path": "/k/", "target_url": "http://127.0.0.1:9/"}})
    pol = svc.create_policy({"name": "Keycloak Policy", "access_rights": {api["api_id"]: {}}})
    options = DcrOptions(
        enable_dcr=True, provider="keycloak", grant_types=["client_credentials"],
        token_endpoint_auth_method="client_secret_post", response_types=["token"], idp_host=kc.base_url + "/",
        registration_endpoint=f"{kc.issuer('master')}/clients-registrations/openid-connect",
        access_token=access_token)
    return svc.create_catalogue_entry(CatalogueEntry(name="Keycloak API", policy_id=pol["id"],
                                                     config=CatalogueConfig(override=True, dcr_options=options)))


def csrf_of(html: str) -> str:
    m = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert m, "the page has no CSRF field"
    return m.group(1)


def signed_in(svc: PortalService, email: str) -> TestClient:
    svc.create_developer(email, PASSWORD)
    c = TestClient(create_app(svc), follow_redirects=False)
    token = csrf_of(c.get("/portal/login").text)
    r = c.post("/portal/login", data={"csrf_token": token, "email": email, "password": PASSWORD})
    assert r.status_code == 303
    return c


def run_wizard(c: TestClient, entry: CatalogueEntry, name: str = "Keycloak Client") -> TestClient:
    """OAuth Clients → Create first OAuth Client → select → Save and continue → name → Create."""
    page = c.get("/portal/oauth-clients")
    assert "Create first OAuth Client" in page.text or "Create OAuth Client" in page.text
    step1 = c.get("/portal/oauth-clients/new")
    assert step1.status_code == 200 and f'value="{entry.id}"' in step1.text and "Save and continue" in step1.text
    token = csrf_of(step1.text)
    r = c.post("/portal/oauth-clients/new", data={"csrf_token": token, "catalogue_id": entry.id})
    assert r.status_code == 303 and r.headers["location"] == f"/portal/oauth-clients/new/{entry.id}"
    step2 = c.get(r.headers["location"])
    assert "Client name" in step2.text and "Redirect URLs" in step2.text
    return c


def create(c: TestClient, entry: CatalogueEntry, name: str = "Keycloak Client", uris: str = "") -> object:
    token = csrf_of(c.get(f"/portal/oauth-clients/new/{entry.id}").text)
    return c.post(f"/portal/oauth-clients/new/{entry.id}",
                  data={"csrf_token": token, "client_name": name, "redirect_uris": uris})


def test_secret_is_shown_once_then_masked(svc: PortalService, keycloak: KeycloakEmulatorLauncher) -> None:
    entry = dcr_entry(svc, keycloak, make_iat(keycloak))
    c = run_wizard(signed_in(svc, "ada@example.com"), entry)
    r = create(c, entry)
    assert r.status_code == 303
    (client,) = svc.list_clients(svc.list_developers()[0].id)
    assert client.client_secret
    assert r.headers["location"] == f"/portal/oauth-clients/{client.client_id}"
    first = c.get(r.headers["location"])
    assert first.status_code == 200
    assert f'<code id="client-id">{client.client_id}</code>' in first.text
    assert f'<code id="client-secret">{client.client_secret}</code>' in first.text
    assert first.headers["cache-control"] == "no-store"
    second = c.get(r.headers["location"])
    assert client.client_secret not in second.text
    assert 'id="client-secret-masked"' in second.text
    listing = c.get("/portal/oauth-clients")
    assert client.client_id in listing.text and client.client_secret not in listing.text
    # The registration went to the IdP: the client works at its token endpoint.
    tok = requests.post(f"{keycloak.issuer('master')}/protocol/openid-connect/token", data={
        "grant_type": "client_credentials", "client_id": client.client_id, "client_secret": client.client_secret})
    assert tok.status_code == 200 and tok.json()["token_type"].lower() == "bearer"


def test_redirect_urls_are_split_by_the_separator(svc: PortalService, keycloak: KeycloakEmulatorLauncher) -> None:
    entry = dcr_entry(svc, keycloak, make_iat(keycloak))
    c = signed_in(svc, "ada@example.com")
    r = create(c, entry, uris="https://a.example/cb; https://b.example/cb")
    assert r.status_code == 303
    (client,) = svc.list_clients(svc.list_developers()[0].id)
    assert client.redirect_uris == ["https://a.example/cb", "https://b.example/cb"]


def test_other_developers_clients_are_not_found(svc: PortalService, keycloak: KeycloakEmulatorLauncher) -> None:
    entry = dcr_entry(svc, keycloak, make_iat(keycloak))
    alice = signed_in(svc, "alice@example.com")
    assert create(alice, entry, name="Alice Client").status_code == 303
    (mine,) = svc.list_clients(svc.list_developers()[0].id)
    bob = signed_in(svc, "bob@example.com")
    assert mine.client_id not in bob.get("/portal/oauth-clients").text
    r = bob.get(f"/portal/oauth-clients/{mine.client_id}")
    assert r.status_code == 404 and "OAuth client not found" in r.text
    assert mine.client_secret not in r.text
    token = csrf_of(bob.get("/portal/oauth-clients").text)
    r = bob.post("/portal/oauth-clients/delete", data={"csrf_token": token, "client_id": mine.client_id})
    assert r.status_code == 404
    assert [c.client_id for c in svc.list_clients(mine.developer_id)] == [mine.client_id]


def test_delete_removes_the_client_at_the_idp(svc: PortalService, keycloak: KeycloakEmulatorLauncher) -> None:
    entry = dcr_entry(svc, keycloak, make_iat(keycloak))
    c = signed_in(svc, "ada@example.com")
    assert create(c, entry).status_code == 303
    dev_id = svc.list_developers()[0].id
    (client,) = svc.list_clients(dev_id)
    token_endpoint = f"{keycloak.issuer('master')}/protocol/openid-connect/token"
    form = {"grant_type": "client_credentials", "client_id": client.client_id, "client_secret": client.client_secret}
    assert requests.post(token_endpoint, data=form).status_code == 200
    token = csrf_of(c.get("/portal/oauth-clients").text)
    r = c.post("/portal/oauth-clients/delete", data={"csrf_token": token, "client_id": client.client_id})
    assert r.status_code == 303 and r.headers["location"] == "/portal/oauth-clients"
    assert "deleted here and at the identity provider" in c.get("/portal/oauth-clients").text
    assert svc.list_clients(dev_id) == []
    gone = requests.post(token_endpoint, data=form)
    assert (gone.status_code, gone.json()["error"]) == (401, "invalid_client")


def test_delete_without_csrf_token_keeps_the_client(svc: PortalService, keycloak: KeycloakEmulatorLauncher) -> None:
    entry = dcr_entry(svc, keycloak, make_iat(keycloak))
    c = signed_in(svc, "ada@example.com")
    assert create(c, entry).status_code == 303
    dev_id = svc.list_developers()[0].id
    (client,) = svc.list_clients(dev_id)
    r = c.post("/portal/oauth-clients/delete", data={"client_id": client.client_id})
    assert r.status_code == 403
    assert len(svc.list_clients(dev_id)) == 1


def test_exhausted_initial_access_token_is_explained(svc: PortalService, keycloak: KeycloakEmulatorLauncher) -> None:
    entry = dcr_entry(svc, keycloak, make_iat(keycloak, count=1))
    c = signed_in(svc, "ada@example.com")
    assert create(c, entry, name="First").status_code == 303
    r = create(c, entry, name="Second")
    assert r.status_code == 502
    assert ("The identity provider refused to register the client: No remaining count on initial access token "
            "(HTTP 401, error &#34;invalid_token&#34;).") in r.text
    assert "Likely cause: the initial access token has no registrations left" in r.text
    assert "Traceback" not in r.text and "RegistrarError" not in r.text
    assert 'value="Second"' in r.text  # the form keeps what the developer typed
    assert len(svc.list_clients(svc.list_developers()[0].id)) == 1


def test_wrong_initial_access_token_never_reaches_the_page(svc: PortalService,
                                                          keycloak: KeycloakEmulatorLauncher) -> None:
    bogus = "not-a-token-but-a-secret-value-1234567890"
    entry = dcr_entry(svc, keycloak, bogus)
    c = signed_in(svc, "ada@example.com")
    r = create(c, entry)
    assert r.status_code == 502
    assert ("The identity provider refused to register the client: Failed decode token "
            "(HTTP 401, error &#34;invalid_token&#34;).") in r.text
    assert bogus not in r.text


def test_unreachable_idp_is_explained(svc: PortalService, keycloak: KeycloakEmulatorLauncher) -> None:
    from harness.core.serving import free_port

    entry = dcr_entry(svc, keycloak, "")
    entry.config.dcr_options.registration_endpoint = f"http://127.0.0.1:{free_port()}/register"
    svc.update_catalogue_entry(entry)
    c = signed_in(svc, "ada@example.com")
    r = create(c, entry)
    assert r.status_code == 502
    assert "The identity provider could not be reached" in r.text
    assert "Likely cause: the IdP is not reachable at the configured URL" in r.text


def test_missing_client_name_is_refused_before_the_idp(svc: PortalService, keycloak: KeycloakEmulatorLauncher) -> None:
    entry = dcr_entry(svc, keycloak, make_iat(keycloak))
    c = signed_in(svc, "ada@example.com")
    r = create(c, entry, name="  ")
    assert r.status_code == 400 and "Client name is required." in r.text


def test_wizard_lists_only_dcr_apis(svc: PortalService, keycloak: KeycloakEmulatorLauncher) -> None:
    entry = dcr_entry(svc, keycloak, make_iat(keycloak))
    other = svc.create_catalogue_entry(CatalogueEntry(name="Plain API", policy_id=entry.policy_id))
    c = signed_in(svc, "ada@example.com")
    page = c.get("/portal/oauth-clients/new").text
    assert f'value="{entry.id}"' in page and f'value="{other.id}"' not in page
    assert c.get(f"/portal/oauth-clients/new/{other.id}").status_code == 404
    token = csrf_of(page)
    r = c.post("/portal/oauth-clients/new", data={"csrf_token": token, "catalogue_id": other.id})
    assert r.status_code == 400 and "Select one of the APIs to continue." in r.text


def test_without_an_explainer_the_developer_sees_only_the_idps_words() -> None:
    """The real Tyk portal gives no diagnosis: the advice comes only from the harness's
    explainer (harness.scenario.diagnosis), injected by whoever builds the portal."""
    from harness.core.redact import Redactor
    from harness.registrar.errors import TransportError
    from harness.tyk.portal.service import RegistrationFailed
    from harness.tyk.portal.web.forms import idp_error_in_words

    exc = RegistrationFailed("registration failed", cause=TransportError("connection refused", url="http://idp"))
    text, advice = idp_error_in_words(exc, Redactor())
    assert "could not be reached" in text and advice is None
    _, advice = idp_error_in_words(exc, Redactor(), diagnose)
    assert advice is not None and advice.startswith("Likely cause:")
