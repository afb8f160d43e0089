"""Provider drivers (what the Tyk Dashboard sends for keycloak / okta / other), selected
per catalogue entry, and the precedence of per-API DCR settings over the global ones."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from harness.core.serving import BackgroundServer
from harness.registrar.drivers import get_driver
from harness.registrar.options import DcrOptions
from harness.tyk.portal.models import CatalogueConfig, CatalogueEntry, PortalConfig
from harness.tyk.portal.service import PortalError, PortalService
from harness.tyk.portal.store import Store

OPTS = DcrOptions(enable_dcr=True, provider="other", grant_types=["client_credentials"],
                  token_endpoint_auth_method="client_secret_post", response_types=["token"],
                  registration_endpoint="https://idp.example/register", access_token="iat-123456")


def test_other_is_plain_rfc7591() -> None:
    body = get_driver("other").metadata(OPTS, "My client", ["https://a.example/cb"])
    assert body == {
        "client_name": "My client",
        "grant_types": ["client_credentials"],
        "response_types": ["token"],
        "token_endpoint_auth_method": "client_secret_post",
        "redirect_uris": ["https://a.example/cb"],
    }
    assert "redirect_uris" not in get_driver("other").metadata(OPTS, "My client", [])


def test_okta_adds_application_type_web() -> None:
    okta = OPTS.model_copy(update={"provider": "okta"})
    body = get_driver("okta").metadata(okta, "My client", [])
    assert body == {**get_driver("other").metadata(okta, "My client", []), "application_type": "web"}
    assert get_driver("okta").headers(okta) == {
        "Content-Type": "application/json", "Accept": "application/json", "Authorization": "Bearer iat-123456"}


def test_keycloak_sends_only_standard_members() -> None:
    assert get_driver("keycloak").metadata(OPTS, "c", []) == get_driver("other").metadata(OPTS, "c", [])


def test_unknown_provider() -> None:
    with pytest.raises(ValueError, match="unknown DCR provider 'ping'; known: .*okta.*other"):
        get_driver("ping")


# ---- per catalogue entry, through the portal ----------------------------------------------

@dataclass
class FakeIdp:
    """Two registration endpoints that record what the portal sent."""

    calls: list[tuple[str, dict[str, Any], dict[str, str]]] = field(default_factory=list)
    url: str = ""

    def app(self) -> Starlette:
        async def register(request: Request) -> JSONResponse:
            body = json.loads(await request.body())
            self.calls.append((request.url.path, body, dict(request.headers)))
            return JSONResponse({**body, "client_id": f"c{len(self.calls)}", "client_secret": "s3cr3t-value"},
                                status_code=201)
        return Starlette(routes=[Route("/entry/register", register, methods=["POST"]),
                                 Route("/global/register", register, methods=["POST"])])


@pytest.fixture(scope="module")
def idp() -> Iterator[FakeIdp]:
    fake = FakeIdp()
    with BackgroundServer(fake.app(), name="fake-idp") as srv:
        fake.url = srv.url
        yield fake


@pytest.fixture()
def portal(idp: FakeIdp) -> Iterator[PortalService]:
    idp.calls.clear()
    svc = PortalService(Store(":memory:"))
    api = svc.create_api({"name": "Payments", "enable_jwt": True, "proxy": {"listen_path": "/p/"}})
    svc.create_policy({"id": "pol1", "name": "P", "access_rights": {api["api_id"]: {}}})
    yield svc
    svc.store.close()


def _dcr(idp: FakeIdp, where: str, provider: str, enabled: bool = True) -> DcrOptions:
    return DcrOptions(enable_dcr=enabled, provider=provider,  # type: ignore[arg-type]
                      registration_endpoint=f"{idp.url}/{where}/register", access_token=f"{where}-token-xyz")


def _entry(svc: PortalService, name: str, override: bool, dcr: DcrOptions) -> CatalogueEntry:
    return svc.create_catalogue_entry(CatalogueEntry(name=name, policy_id="pol1",
                                                     config=CatalogueConfig(override=override, dcr_options=dcr)))


def test_override_true_uses_the_entry_settings_and_its_driver(portal: PortalService, idp: FakeIdp) -> None:
    portal.set_config(PortalConfig(dcr_options=_dcr(idp, "global", "other")))
    entry = _entry(portal, "Okta API", True, _dcr(idp, "entry", "okta"))
    dev = portal.create_developer("dev@example.com", "password-123")
    client = portal.create_oauth_client(dev.id, entry.id, "c")
    path, body, headers = idp.calls[-1]
    assert (path, client.provider) == ("/entry/register", "okta")
    assert body["application_type"] == "web"
    assert headers["authorization"] == "Bearer entry-token-xyz"


def test_override_false_uses_the_global_settings(portal: PortalService, idp: FakeIdp) -> None:
    portal.set_config(PortalConfig(dcr_options=_dcr(idp, "global", "other")))
    entry = _entry(portal, "Global API", False, _dcr(idp, "entry", "okta"))
    dev = portal.create_developer("dev@example.com", "password-123")
    client = portal.create_oauth_client(dev.id, entry.id, "c")
    path, body, headers = idp.calls[-1]
    assert (path, client.provider) == ("/global/register", "other")
    assert "application_type" not in body
    assert headers["authorization"] == "Bearer global-token-xyz"


def test_each_entry_picks_its_own_driver(portal: PortalService, idp: FakeIdp) -> None:
    portal.set_config(PortalConfig(dcr_options=_dcr(idp, "global", "keycloak")))
    okta = _entry(portal, "A", True, _dcr(idp, "entry", "okta"))
    other = _entry(portal, "B", True, _dcr(idp, "entry", "other"))
    glob = _entry(portal, "C", False, DcrOptions())
    dev = portal.create_developer("dev@example.com", "password-123")
    providers = [portal.create_oauth_client(dev.id, e.id, "c").provider for e in (okta, other, glob)]
    assert providers == ["okta", "other", "keycloak"]
    assert ["application_type" in body for _, body, _ in idp.calls] == [True, False, False]


@pytest.mark.parametrize("override,entry_on,global_on,listed", [
    (True, True, False, True),
    (True, False, True, False),    # the override wins, even to switch DCR off
    (False, True, False, False),   # entry settings ignored without override
    (False, False, True, True),
    (False, False, False, False),  # DCR enabled nowhere
])
def test_the_wizard_lists_an_api_only_when_its_effective_settings_enable_dcr(
    portal: PortalService, idp: FakeIdp, override: bool, entry_on: bool, global_on: bool, listed: bool,
) -> None:
    portal.set_config(PortalConfig(dcr_options=_dcr(idp, "global", "other", global_on)))
    entry = _entry(portal, "X", override, _dcr(idp, "entry", "okta", entry_on))
    assert [e.id for e in portal.dcr_catalogue()] == ([entry.id] if listed else [])
    dev = portal.create_developer("dev@example.com", "password-123")
    if listed:
        portal.create_oauth_client(dev.id, entry.id, "c")
        assert len(idp.calls) == 1
    else:
        with pytest.raises(PortalError, match="catalogue API 'X' does not have DCR enabled"):
            portal.create_oauth_client(dev.id, entry.id, "c")
        assert idp.calls == []
