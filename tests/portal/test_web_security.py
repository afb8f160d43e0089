"""Portal pages without an IdP: CSRF on every form, admin and developer sign-in,
session cookie properties, the write-only initial access token, security headers."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from harness.tyk.portal.app import create_app
from harness.tyk.portal.models import CatalogueEntry
from harness.tyk.portal.service import PortalService
from harness.tyk.portal.settings import DashboardSettings
from harness.tyk.portal.store import Store
from harness.tyk.portal.web.session import CSRF_REJECTED, SESSION_COOKIE

ADMIN_KEY = "test-admin-key-0123456789"
IAT = "eyJhbGciOiJIUzI1NiJ9.initial-access-token-value.sig"


@pytest.fixture
def svc() -> Iterator[PortalService]:
    s = PortalService(Store(), settings=DashboardSettings(admin_secret=ADMIN_KEY))
    yield s
    s.store.close()


@pytest.fixture
def client(svc: PortalService) -> TestClient:
    return TestClient(create_app(svc), follow_redirects=False)


def csrf_of(html: str) -> str:
    m = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert m, "the page has no CSRF field"
    return m.group(1)


def admin_login(client: TestClient) -> str:
    token = csrf_of(client.get("/dashboard/login").text)
    r = client.post("/dashboard/login", data={"csrf_token": token, "admin_key": ADMIN_KEY})
    assert r.status_code == 303 and r.headers["location"] == "/dashboard/apis"
    return csrf_of(client.get("/dashboard/apis").text)


def seed_catalogue(svc: PortalService) -> CatalogueEntry:
    api = svc.create_api({"name": "Keycloak API", "proxy": {"listen_path": "/k/", "target_url": "http://127.0.0.1:9/"}})
    pol = svc.create_policy({"name": "Keycloak Policy", "access_rights": {api["api_id"]: {}}})
    return svc.create_catalogue_entry(CatalogueEntry(name="Keycloak API", policy_id=pol["id"]))


# ---- CSRF --------------------------------------------------------------------------------

FORMS_WITHOUT_SIGN_IN = ["/portal/login", "/portal/register", "/dashboard/login"]


@pytest.mark.parametrize("path", FORMS_WITHOUT_SIGN_IN)
def test_sign_in_forms_carry_a_csrf_token(client: TestClient, path: str) -> None:
    r = client.get(path)
    assert r.status_code == 200
    assert len(csrf_of(r.text)) >= 32


@pytest.mark.parametrize("path", FORMS_WITHOUT_SIGN_IN)
@pytest.mark.parametrize("token", [None, "wrong-token"])
def test_post_without_the_right_csrf_token_is_refused(client: TestClient, path: str, token: str | None) -> None:
    client.get(path)  # a session exists, with its own token
    data = {"email": "dev@example.com", "password": "password-123", "password_confirm": "password-123",
            "admin_key": ADMIN_KEY}
    if token is not None:
        data["csrf_token"] = token
    r = client.post(path, data=data)
    assert r.status_code == 403
    assert r.text == CSRF_REJECTED
    assert r.headers["content-type"].startswith("text/plain")


def test_a_forged_admin_form_changes_nothing(client: TestClient, svc: PortalService) -> None:
    admin_login(client)
    r = client.post("/dashboard/developers/new", data={"email": "x@example.com", "password": "password-123",
                                                       "csrf_token": "forged"})
    assert r.status_code == 403
    assert svc.list_developers() == []


def test_a_token_from_another_session_is_refused(svc: PortalService) -> None:
    app = create_app(svc)
    a, b = TestClient(app, follow_redirects=False), TestClient(app, follow_redirects=False)
    token_a = csrf_of(a.get("/portal/register").text)
    b.get("/portal/register")
    r = b.post("/portal/register", data={"csrf_token": token_a, "email": "b@example.com",
                                         "password": "password-123", "password_confirm": "password-123"})
    assert r.status_code == 403
    assert svc.list_developers() == []


def test_signing_in_rotates_the_csrf_token(client: TestClient) -> None:
    before = csrf_of(client.get("/dashboard/login").text)
    after = admin_login(client)
    assert after != before


# ---- Dashboard sign-in ---------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/dashboard/apis", "/dashboard/apis/new", "/dashboard/policies",
                                  "/dashboard/catalogue", "/dashboard/portal-settings", "/dashboard/developers",
                                  "/dashboard/developers/new"])
def test_dashboard_pages_need_the_admin_key(client: TestClient, path: str) -> None:
    r = client.get(path)
    assert r.status_code == 303
    assert r.headers["location"] == f"/dashboard/login?next={path}"


def test_wrong_admin_key_is_refused(client: TestClient) -> None:
    token = csrf_of(client.get("/dashboard/login").text)
    r = client.post("/dashboard/login", data={"csrf_token": token, "admin_key": ADMIN_KEY + "x"})
    assert r.status_code == 400
    assert "Wrong admin key." in r.text
    assert client.get("/dashboard/apis").status_code == 303


def test_a_post_to_an_admin_page_without_sign_in_changes_nothing(client: TestClient, svc: PortalService) -> None:
    token = csrf_of(client.get("/portal/register").text)
    r = client.post("/dashboard/developers/new", data={"csrf_token": token, "email": "x@example.com",
                                                       "password": "password-123"})
    assert r.status_code == 303 and r.headers["location"].startswith("/dashboard/login")
    assert svc.list_developers() == []


def test_session_cookie_is_signed_httponly_and_holds_no_key(client: TestClient) -> None:
    token = csrf_of(client.get("/dashboard/login").text)
    r = client.post("/dashboard/login", data={"csrf_token": token, "admin_key": ADMIN_KEY})
    cookie = r.headers["set-cookie"]
    assert cookie.startswith(f"{SESSION_COOKIE}=")
    assert "httponly" in cookie.lower() and "samesite=lax" in cookie.lower()
    payload = cookie.split("=", 1)[1].split(";", 1)[0].split(".", 1)[0]
    data = json.loads(base64.b64decode(payload + "=" * (-len(payload) % 4)))
    assert set(data) == {"admin", "csrf"}
    assert ADMIN_KEY not in json.dumps(data)


def test_a_tampered_session_cookie_is_ignored(client: TestClient) -> None:
    admin_login(client)
    value = client.cookies[SESSION_COOKIE]
    client.cookies.set(SESSION_COOKIE, value[:-2] + ("AA" if not value.endswith("AA") else "BB"))
    assert client.get("/dashboard/apis").status_code == 303


def test_changing_the_admin_key_signs_admins_out(client: TestClient, svc: PortalService) -> None:
    admin_login(client)
    assert client.get("/dashboard/apis").status_code == 200
    svc.settings.admin_secret = "another-admin-key-987654321"
    assert client.get("/dashboard/apis").status_code == 303


def test_admin_sign_out(client: TestClient) -> None:
    token = admin_login(client)
    r = client.post("/dashboard/logout", data={"csrf_token": token})
    assert r.status_code == 303
    assert client.get("/dashboard/apis").status_code == 303


# ---- developer sign-up / sign-in ---------------------------------------------------------

def test_sign_up_stores_a_scrypt_hash_and_signs_in(client: TestClient, svc: PortalService) -> None:
    token = csrf_of(client.get("/portal/register").text)
    r = client.post("/portal/register", data={"csrf_token": token, "email": "Dev@Example.com",
                                              "password": "password-123", "password_confirm": "password-123",
                                              "first_name": "Ada"})
    assert r.status_code == 303 and r.headers["location"] == "/portal/oauth-clients"
    stored = svc.store.list("developer")
    assert len(stored) == 1 and stored[0]["email"] == "dev@example.com"
    assert stored[0]["password_hash"].startswith("scrypt$")
    assert "password-123" not in json.dumps(stored)
    page = client.get("/portal/oauth-clients")
    assert page.status_code == 200
    assert "Create first OAuth Client" in page.text


@pytest.mark.parametrize("password,confirm,message", [
    ("short", "short", "Developer password must have at least 8 characters."),
    ("password-123", "password-124", "The two passwords do not match."),
])
def test_sign_up_errors_are_shown(client: TestClient, password: str, confirm: str, message: str) -> None:
    token = csrf_of(client.get("/portal/register").text)
    r = client.post("/portal/register", data={"csrf_token": token, "email": "dev@example.com",
                                              "password": password, "password_confirm": confirm})
    assert r.status_code == 400
    assert message in r.text


def test_sign_in_with_a_wrong_password_is_refused(client: TestClient, svc: PortalService) -> None:
    svc.create_developer("dev@example.com", "password-123")
    token = csrf_of(client.get("/portal/login").text)
    r = client.post("/portal/login", data={"csrf_token": token, "email": "dev@example.com", "password": "nope-nope"})
    assert r.status_code == 400 and "Wrong email or password." in r.text
    assert client.get("/portal/oauth-clients").status_code == 303
    r = client.post("/portal/login", data={"csrf_token": token, "email": "dev@example.com",
                                           "password": "password-123", "next": "/portal/oauth-clients/new"})
    assert r.status_code == 303 and r.headers["location"] == "/portal/oauth-clients/new"


@pytest.mark.parametrize("nxt", ["//evil.example/x", "https://evil.example/", "/\\evil.example"])
def test_next_never_leaves_the_portal(client: TestClient, svc: PortalService, nxt: str) -> None:
    svc.create_developer("dev@example.com", "password-123")
    token = csrf_of(client.get("/portal/login").text)
    r = client.post("/portal/login", data={"csrf_token": token, "email": "dev@example.com",
                                           "password": "password-123", "next": nxt})
    assert r.status_code == 303 and r.headers["location"] == "/portal/oauth-clients"


def test_developer_pages_need_sign_in(client: TestClient) -> None:
    for path in ("/portal/oauth-clients", "/portal/oauth-clients/new", "/portal/oauth-clients/abc"):
        r = client.get(path)
        assert r.status_code == 303
        assert r.headers["location"].startswith("/portal/login?next=")


def test_developer_session_does_not_open_the_dashboard(client: TestClient, svc: PortalService) -> None:
    svc.create_developer("dev@example.com", "password-123")
    token = csrf_of(client.get("/portal/login").text)
    client.post("/portal/login", data={"csrf_token": token, "email": "dev@example.com", "password": "password-123"})
    assert client.get("/portal/oauth-clients").status_code == 200
    assert client.get("/dashboard/developers").status_code == 303


# ---- Dashboard forms ----------------------------------------------------------------------

def test_admin_adds_a_developer(client: TestClient, svc: PortalService) -> None:
    token = admin_login(client)
    r = client.post("/dashboard/developers/new", data={"csrf_token": token, "email": "new@example.com",
                                                       "password": "password-123"})
    assert r.status_code == 303 and r.headers["location"] == "/dashboard/developers"
    assert [d.email for d in svc.list_developers()] == ["new@example.com"]
    assert svc.authenticate_developer("new@example.com", "password-123") is not None
    assert "new@example.com" in client.get("/dashboard/developers").text


def test_initial_access_token_is_write_only(client: TestClient, svc: PortalService) -> None:
    entry = seed_catalogue(svc)
    token = admin_login(client)
    url = f"/dashboard/catalogue/{entry.id}/settings"
    form = {"csrf_token": token, "override": "1", "enable_dcr": "1", "provider": "keycloak",
            "grant_types": "client_credentials", "token_endpoint_auth_method": "client_secret_post",
            "response_types": "token", "idp_host": "http://127.0.0.1:1/",
            "registration_endpoint": "http://127.0.0.1:1/realms/master/clients-registrations/openid-connect",
            "access_token": IAT}
    r = client.post(url, data=form)
    assert r.status_code == 303
    saved = svc.get_catalogue_entry(entry.id)
    assert saved.config.override is True
    assert saved.config.dcr_options.access_token == IAT
    assert saved.config.dcr_options.provider == "keycloak"
    assert saved.config.dcr_options.response_types == ["token"]
    page = client.get(url).text
    assert IAT not in page
    assert '<strong id="access-token-status">set</strong>' in page
    # An empty field keeps the stored token ...
    r = client.post(url, data={**form, "access_token": ""})
    assert r.status_code == 303
    assert svc.get_catalogue_entry(entry.id).config.dcr_options.access_token == IAT
    # ... "Remove the token" clears it.
    r = client.post(url, data={**form, "access_token": "", "clear_access_token": "1"})
    assert svc.get_catalogue_entry(entry.id).config.dcr_options.access_token == ""
    assert '<strong id="access-token-status">not set</strong>' in client.get(url).text
    for page_path in ("/dashboard/catalogue", f"/dashboard/catalogue/{entry.id}"):
        assert IAT not in client.get(page_path).text


def test_global_settings_page_saves_dcr_and_hides_the_token(client: TestClient, svc: PortalService) -> None:
    token = admin_login(client)
    r = client.post("/dashboard/portal-settings", data={
        "csrf_token": token, "enable_dcr": "1", "provider": "gluu", "grant_types": "client_credentials",
        "token_endpoint_auth_method": "client_secret_post", "idp_host": "http://127.0.0.1:1/",
        "registration_endpoint": "http://127.0.0.1:1/oxauth/restv1/register", "access_token": IAT})
    assert r.status_code == 303
    dcr = svc.get_config().dcr_options
    assert (dcr.enable_dcr, dcr.provider, dcr.access_token) == (True, "gluu", IAT)
    assert IAT not in client.get("/dashboard/portal-settings").text


def test_an_invalid_provider_is_an_error_not_a_crash(client: TestClient, svc: PortalService) -> None:
    token = admin_login(client)
    r = client.post("/dashboard/portal-settings", data={"csrf_token": token, "provider": "acme"})
    assert r.status_code == 400
    assert "Invalid value for provider" in r.text
    assert svc.get_config().dcr_options.provider == "other"


def test_api_designer_stores_the_jwks_uri_base64_and_shows_it_decoded(client: TestClient, svc: PortalService) -> None:
    token = admin_login(client)
    r = client.post("/dashboard/apis/new", data={"csrf_token": token, "stage": "configure", "name": "Keycloak API",
                                                 "target_url": "http://127.0.0.1:9/"})
    assert r.status_code == 200 and "Identity Source" in r.text and "Policy Field Name" in r.text
    r = client.post("/dashboard/apis/new", data={
        "csrf_token": token, "stage": "save", "name": "Keycloak API", "target_url": "http://127.0.0.1:9/",
        "strip_listen_path": "1", "auth_mode": "jwt", "jwt_signing_method": "rsa",
        "jwt_source": "http://idp/realms/master/protocol/openid-connect/certs",
        "jwt_identity_base_field": "sub", "jwt_policy_field_name": "pol"})
    assert r.status_code == 303
    (api,) = svc.list_apis()
    assert api["jwt_source"] == base64.b64encode(b"http://idp/realms/master/protocol/openid-connect/certs").decode()
    assert api["proxy"] == {"listen_path": "/keycloak-api/", "target_url": "http://127.0.0.1:9/",
                            "strip_listen_path": True}
    assert (api["enable_jwt"], api["jwt_identity_base_field"], api["jwt_policy_field_name"]) == (True, "sub", "pol")
    pol = svc.create_policy({"name": "Keycloak Policy", "access_rights": {api["api_id"]: {}}})
    page = client.get(f"/dashboard/apis/{api['api_id']}").text
    assert 'value="http://idp/realms/master/protocol/openid-connect/certs"' in page
    r = client.post(f"/dashboard/apis/{api['api_id']}", data={
        "csrf_token": token, "name": "Keycloak API", "listen_path": "/keycloak-api/",
        "target_url": "http://127.0.0.1:9/", "strip_listen_path": "1", "auth_mode": "jwt",
        "jwt_signing_method": "rsa", "jwt_source": "http://idp/realms/master/protocol/openid-connect/certs",
        "jwt_identity_base_field": "sub", "jwt_policy_field_name": "pol", "default_policy": pol["id"]})
    assert r.status_code == 303
    assert svc.get_api(api["api_id"])["jwt_default_policies"] == [pol["id"]]


def test_policy_form_sets_access_rights_and_key_expiry(client: TestClient, svc: PortalService) -> None:
    api = svc.create_api({"name": "Keycloak API", "proxy": {"listen_path": "/k/", "target_url": "http://127.0.0.1:9/"}})
    token = admin_login(client)
    r = client.post("/dashboard/policies/new", data={"csrf_token": token, "name": "Keycloak Policy",
                                                     "apis": api["api_id"], "key_expires_in": "3600"})
    assert r.status_code == 303
    (pol,) = svc.list_policies()
    assert list(pol["access_rights"]) == [api["api_id"]]
    assert pol["key_expires_in"] == 3600
    assert "1 hour" in client.get("/dashboard/policies").text


def test_pages_send_security_headers(client: TestClient) -> None:
    r = client.get("/portal/login")
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert r.headers["x-frame-options"] == "DENY"
    assert r.headers["cache-control"] == "no-store"
    assert "<script>" not in r.text  # no inline script: the CSP forbids it


def test_json_api_still_answers_without_a_session(client: TestClient) -> None:
    r = client.get("/api/apis", headers={"Authorization": ADMIN_KEY})
    assert r.status_code == 200 and r.json() == {"apis": [], "pages": 1}
    assert "set-cookie" not in r.headers
