"""The developer's steps in the Developer Portal, shared by the browser tests."""

from __future__ import annotations

from harness.scenario.world import World
from tests.browser.pages import Browser

PASSWORD = "developer-password-1"


def developer_logs_in(b: Browser, w: World, email: str) -> None:
    b.driver.delete_all_cookies()
    b.go(w.portal_url + "/portal/")
    b.follow("Log in")
    b.fill("#email", email)
    b.fill("#password", PASSWORD)
    b.submit("#login-submit")
    assert b.h1 == "OAuth Clients"


def developer_signs_up(b: Browser, w: World, email: str) -> None:
    b.driver.delete_all_cookies()  # another person, another browser session
    b.go(w.portal_url + "/portal/")
    b.follow("Register")
    b.fill("#email", email)
    b.fill("#first_name", "Ada")
    b.fill("#password", PASSWORD)
    b.fill("#password_confirm", PASSWORD)
    b.submit("#register-submit")
    assert b.h1 == "OAuth Clients"


def developer_runs_the_wizard(b: Browser, api: str, client_name: str, redirect_url: str = "",
                              *, shots: bool = True) -> None:
    b.follow("OAuth Clients")
    first = b.has("#create-first-client")
    if shots:
        b.shot("wizard OAuth Clients")
    b.submit("#create-first-client" if first else "#create-client")
    b.check(f'input[name="catalogue_id"][data-api-name="{api}"]')
    if shots:
        b.shot("wizard select API")
    b.submit("#save-and-continue")
    assert b.text("#selected-api") == api
    b.fill("#client_name", client_name)
    if redirect_url:
        b.fill("#redirect_uris", redirect_url)
    if shots:
        b.shot("wizard client name")
    b.submit("#create-client-submit")


