"""The guides' web steps in real headless Chromium: the admin sets up the API, policy,
catalogue entry and its DCR settings in the Dashboard pages; a developer registers in
the Developer Portal and runs the OAuth client wizard; the client id and secret from the
page get a token from the IdP that the gateway accepts. Plus the security behaviour a
browser sees: forged and tampered forms, another developer's client, an IdP refusal.
Screenshots of each step go to reports/browser/<test>/."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import requests
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route

pytest.importorskip("selenium", reason="the selenium package is not installed (pip install selenium)")

from harness.core.serving import BackgroundServer  # noqa: E402
from harness.products.base import IdpLauncher  # noqa: E402
from harness.registrar import discovery  # noqa: E402
from harness.registrar.options import DcrOptions  # noqa: E402
from harness.registrar.token import client_credentials  # noqa: E402
from harness.scenario.world import World  # noqa: E402
from harness.tyk.portal.models import CatalogueConfig, CatalogueEntry  # noqa: E402
from harness.tyk.portal.web.session import CSRF_REJECTED  # noqa: E402
from tests.browser.flows import PASSWORD, developer_logs_in, developer_runs_the_wizard, developer_signs_up  # noqa: E402
from tests.browser.pages import Browser, _settled  # noqa: E402

pytestmark = pytest.mark.browser


@dataclass(frozen=True)
class Guide:
    """What each guide types into the screens (shared/seeds/000_*.txt, 003_*.txt)."""

    profile: str
    api: str
    policy: str
    identity_source: str
    provider_label: str
    client_name: str
    #: Gluu registers a client with response type "token" only with a redirect URI.
    redirect_url: str = ""
    #: The guides' "Developers → Add developer" (else the developer signs up in the portal).
    admin_adds_developer: bool = False


GUIDES = {
    "keycloak": Guide("keycloak", "Keycloak API", "Keycloak Policy", "sub", "Keycloak", "Keycloak Client"),
    "gluu": Guide("gluu", "Gluu API", "Gluu Policy", "client_id", "Gluu", "GluuClient",
                  redirect_url="http://localhost:3000/callback", admin_adds_developer=True),
}


def initial_access_token(idp: IdpLauncher, count: int = 5) -> str:
    """Keycloak: Clients → Initial access token → Create (the guide's older console: Realm
    settings → Client Registration). Gluu: open registration."""
    if idp.profile != "keycloak":
        return ""
    from harness.products.keycloak.admin import KeycloakAdmin

    return KeycloakAdmin(idp.base_url, idp.admin_user, idp.admin_password).create_initial_access_token(
        "master", 3600, count)["token"]


@pytest.fixture(params=sorted(GUIDES))
def guide_world(request: pytest.FixtureRequest) -> Iterator[tuple[World, Guide]]:
    """A fresh portal + gateway on the session's IdP when it speaks the guide's profile,
    otherwise on an embedded emulator of that profile."""
    guide = GUIDES[request.param]
    if request.config.getoption("--idp-profile") == guide.profile:
        idp, manage = request.getfixturevalue("idp"), False
    elif guide.profile == "gluu":
        from harness.products.gluu.emulator.launcher import GluuEmulatorLauncher

        idp, manage = GluuEmulatorLauncher(), True
    else:
        from harness.products.keycloak.emulator.launcher import KeycloakEmulatorLauncher

        idp, manage = KeycloakEmulatorLauncher(), True
    with World(idp, manage_idp=manage) as w:
        if guide.profile == "gluu":
            from harness.products.gluu.admin import GluuAdmin

            # Gluu guide, step 3: jwksAlgorithmsSupported restricted to RSA (the EC JWKS issue).
            GluuAdmin(idp.base_url, idp.admin_user, idp.admin_password).restrict_jwks_to_rsa()
        yield w, guide


def discover(idp: IdpLauncher) -> dict[str, Any]:
    return discovery.discover(requests.Session(), idp.issuer("master"))


# ---- the guide, screen by screen ---------------------------------------------------------------

def admin_sets_up_the_guide(b: Browser, w: World, g: Guide, doc: dict[str, Any], iat: str) -> None:
    b.go(w.portal_url + "/dashboard/")
    assert b.h1 == "Dashboard sign in"
    b.fill("#admin_key", w.admin_key)
    b.submit("#admin-login-submit")
    assert b.h1 == "APIs"

    # System Management → APIs → new API "… API" → Configure API → Authentication.
    b.submit("#add-api")
    b.fill("#api-name", g.api)
    b.fill("#target-url", w.upstream_url + "/")
    b.shot("admin create API")
    b.submit("#configure-api")
    b.choose("#auth-mode", text="JSON Web Token (JWT)")
    b.choose("#jwt-signing-method", text="RSA public key")
    b.fill("#jwt-source", doc["jwks_uri"])
    b.fill("#jwt-identity", g.identity_source)
    b.fill("#jwt-policy-field", "pol")
    b.shot("admin API authentication")
    b.submit("#save-api")
    assert f"API \u201c{g.api}\u201d created." in b.body

    # System Management → Policies → Create a Policy, access rights, key expiry.
    b.follow("Policies")
    b.submit("#create-policy")
    b.fill("#policy-name", g.policy)
    b.check(f'input[name="apis"][data-api-name="{g.api}"]')
    b.choose("#key-expires-in", text="1 hour")
    b.shot("admin create policy")
    b.submit("#create-policy-submit")
    assert f"Policy \u201c{g.policy}\u201d created." in b.body

    # Back to the API: it uses the policy.
    b.follow("APIs")
    b.follow(g.api)
    b.choose("#default-policy", text=g.policy)
    b.shot("admin API default policy")
    b.submit("#save-api")
    assert f"API \u201c{g.api}\u201d updated." in b.body

    # Portal Management → Catalog → Add New API, with the policy.
    b.follow("Catalog")
    b.submit("#add-catalogue")
    b.fill("#catalogue-name", g.api)
    b.choose("#catalogue-policy", text=g.policy)
    b.shot("admin catalogue add API")
    b.submit("#save-catalogue")

    # Open it again → Settings → Override global settings → DCR section.
    b.follow(g.api)
    b.submit("#tab-settings")
    b.check("#override-global")
    b.check("#enable-dcr")
    b.choose("#dcr-provider", text=g.provider_label)
    b.check("#grant-client_credentials")
    b.choose("#dcr-auth-method", text="Client Secret - Post")
    b.check("#response-token")
    b.fill("#dcr-idp-host", w.idp.base_url + "/")
    b.fill("#dcr-registration-endpoint", doc["registration_endpoint"])
    if iat:
        b.fill("#dcr-access-token", iat)
    b.shot("admin catalogue DCR settings")
    b.submit("#save-settings")
    assert "Settings saved." in b.body
    assert b.text("#access-token-status") == ("set" if iat else "not set")
    if iat:
        assert iat not in b.source
    b.shot("admin catalogue DCR saved")

    if g.admin_adds_developer:
        # Portal Management → Developers → Add developer.
        b.follow("Developers")
        b.submit("#add-developer")
        b.fill("#dev-email", "developer@example.com")
        b.fill("#dev-password", PASSWORD)
        b.shot("admin add developer")
        b.submit("#add-developer-submit")
        assert "Developer developer@example.com created." in b.body


def test_guide_in_the_browser(guide_world: tuple[World, Guide], browser: Browser) -> None:
    w, g = guide_world
    doc = discover(w.idp)
    iat = initial_access_token(w.idp)
    admin_sets_up_the_guide(browser, w, g, doc, iat)
    svc = w.portal
    assert svc is not None
    (entry,) = svc.list_catalogue()
    assert entry.config.override and entry.config.dcr_options.enable_dcr
    assert entry.config.dcr_options.access_token == iat
    assert entry.config.dcr_options.provider == g.profile

    if g.admin_adds_developer:
        developer_logs_in(browser, w, "developer@example.com")
    else:
        developer_signs_up(browser, w, "developer@example.com")
    assert browser.has("#create-first-client")
    developer_runs_the_wizard(browser, g.api, g.client_name, g.redirect_url)
    assert browser.h1 == g.client_name
    client_id = browser.text("#client-id")
    secret = browser.text("#client-secret")
    assert browser.has("#secret-once")
    browser.shot("wizard client created")
    (stored,) = svc.list_clients(svc.list_developers()[0].id)
    assert (client_id, secret) == (stored.client_id, stored.client_secret)

    # The copy button copies (or selects) the client id and says so.
    _settled(lambda: browser.el('button.copy[data-copy="client-id"]').click())
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(browser.driver, 10).until(
        lambda d: d.find_element("css selector", 'button.copy[data-copy="client-id"]').text == "Copied")

    # The guide's Postman request, then the call through the gateway.
    token = client_credentials(requests.Session(), doc["token_endpoint"], client_id, secret,
                               auth_method="client_secret_post")
    resp = requests.get(f"{w.gateway_url}/{g.api.lower().replace(' ', '-')}/get",
                        headers={"Authorization": f"Bearer {token.access_token}"}, timeout=30)
    assert resp.status_code == 200, resp.text

    # Shown once: the same page again masks the secret.
    browser.driver.refresh()
    browser._loaded()
    assert browser.has("#client-secret-masked") and not browser.has("#client-secret")
    assert secret not in browser.source
    browser.shot("client secret masked")

    # Delete: gone from the list and at the IdP.
    browser.submit("#delete-client")
    assert "deleted here and at the identity provider" in browser.body
    assert browser.has("#create-first-client")
    browser.shot("client deleted")
    gone = requests.post(doc["token_endpoint"], data={"grant_type": "client_credentials", "client_id": client_id,
                                                      "client_secret": secret}, timeout=30)
    assert (gone.status_code, gone.json().get("error")) == (401, "invalid_client"), gone.text


# ---- security, as a browser sees it --------------------------------------------------------------

def seed_dcr_api(w: World, iat: str) -> CatalogueEntry:
    """The admin's part through the service (the pages are covered above)."""
    svc = w.portal
    assert svc is not None
    doc = discover(w.idp)
    api = svc.create_api({
        "name": "Keycloak API", "enable_jwt": True, "jwt_signing_method": "rsa",
        "jwt_source": __import__("base64").b64encode(doc["jwks_uri"].encode()).decode(),
        "jwt_identity_base_field": "sub", "jwt_policy_field_name": "pol",
        "proxy": {"listen_path": "/keycloak-api/", "target_url": w.upstream_url, "strip_listen_path": True},
        "version_data": {"not_versioned": True, "versions": {"Default": {"name": "Default"}}},
    })
    pol = svc.create_policy({"name": "Keycloak Policy", "access_rights": {api["api_id"]: {}}, "key_expires_in": 3600})
    options = DcrOptions(enable_dcr=True, provider="keycloak", grant_types=["client_credentials"],
                         token_endpoint_auth_method="client_secret_post", response_types=["token"],
                         idp_host=w.idp.base_url + "/", registration_endpoint=doc["registration_endpoint"],
                         access_token=iat)
    return svc.create_catalogue_entry(CatalogueEntry(name="Keycloak API", policy_id=pol["id"],
                                                     config=CatalogueConfig(override=True, dcr_options=options)))


@pytest.fixture
def keycloak_world(world: World) -> World:
    if world.idp.profile != "keycloak":
        pytest.skip("this test uses Keycloak's initial access tokens; run with --idp-profile keycloak")
    return world


def test_forged_and_tampered_forms_are_refused(keycloak_world: World, browser: Browser) -> None:
    w = keycloak_world
    svc = w.portal
    assert svc is not None
    entry = seed_dcr_api(w, initial_access_token(w.idp))
    developer_signs_up(browser, w, "victim@example.com")
    dev = svc.list_developers()[0]
    victim_client = svc.create_oauth_client(dev.id, entry.id, "Victim Client")

    # A tampered CSRF token on the wizard's last step: 403, nothing registered.
    browser.go(f"{w.portal_url}/portal/oauth-clients/new/{entry.id}")
    browser.fill("#client_name", "Tampered")
    browser.set_value(f'form[action="/portal/oauth-clients/new/{entry.id}"] input[name="csrf_token"]',
                      "tampered-token")
    browser.submit("#create-client-submit")
    assert browser.body == CSRF_REJECTED
    browser.shot("tampered CSRF token refused")
    assert [c.client_name for c in svc.list_clients(dev.id)] == ["Victim Client"]

    # A page on another origin posts a delete form into the signed-in session.
    victim = victim_client.client_id

    async def attacker(request: Request) -> HTMLResponse:
        return HTMLResponse(
            f'<h1>Win a prize</h1><form method="post" action="{w.portal_url}/portal/oauth-clients/delete">'
            f'<input type="hidden" name="client_id" value="{victim}">'
            '<button id="claim" type="submit">Claim</button></form>')

    with BackgroundServer(Starlette(routes=[Route("/", attacker)]), name="attacker") as evil:
        browser.go(evil.url + "/")
        browser.submit("#claim")
    assert browser.body == CSRF_REJECTED
    browser.shot("cross-site form refused")
    assert [c.client_id for c in svc.list_clients(dev.id)] == [victim]


def test_another_developers_client_is_out_of_reach(keycloak_world: World, browser: Browser) -> None:
    w = keycloak_world
    svc = w.portal
    assert svc is not None
    entry = seed_dcr_api(w, initial_access_token(w.idp))
    alice = svc.create_developer("alice@example.com", PASSWORD)
    alices = svc.create_oauth_client(alice.id, entry.id, "Alice Client")

    developer_signs_up(browser, w, "mallory@example.com")
    browser.go(f"{w.portal_url}/portal/oauth-clients/{alices.client_id}")
    assert browser.text("#not-found") == "OAuth client not found."
    assert alices.client_id not in browser.source
    browser.shot("other developer's client not found")

    # Mallory's own client page, with its delete form pointed at Alice's client.
    developer_runs_the_wizard(browser, "Keycloak API", "Mallory Client", shots=False)
    assert alices.client_id not in browser.source
    browser.set_value('form[action="/portal/oauth-clients/delete"] input[name="client_id"]', alices.client_id)
    browser.submit("#delete-client")
    assert browser.text("#not-found") == "OAuth client not found."
    browser.follow("OAuth Clients")
    assert "Alice Client" not in browser.body and "Mallory Client" in browser.body
    browser.shot("only own clients listed")
    assert [c.client_id for c in svc.list_clients(alice.id)] == [alices.client_id]


def test_idp_refusal_is_shown_in_plain_words(keycloak_world: World, browser: Browser) -> None:
    w = keycloak_world
    svc = w.portal
    assert svc is not None
    entry = seed_dcr_api(w, initial_access_token(w.idp, count=1))
    developer_signs_up(browser, w, "developer@example.com")
    developer_runs_the_wizard(browser, entry.name, "First Client", shots=False)
    assert browser.has("#client-secret")
    developer_runs_the_wizard(browser, entry.name, "Second Client", shots=False)
    error = browser.text("#form-error")
    assert error.startswith("The identity provider refused to register the client: "
                            "No remaining count on initial access token (HTTP 401, error \"invalid_token\").")
    assert "Likely cause: the initial access token has no registrations left" in error
    assert "Traceback" not in browser.source
    assert _settled(lambda: browser.el("#client_name").get_attribute("value")) == "Second Client"
    browser.shot("IdP error shown")
    assert [c.client_name for c in svc.list_clients(svc.list_developers()[0].id)] == ["First Client"]
