"""``dcr-harness serve --guide keycloak`` as a person uses it: start it, read the URLs
and credentials it prints, click through the guide's portal steps in headless Chromium,
and use the client it shows against the IdP and the gateway; Ctrl-C stops everything."""

from __future__ import annotations

import queue
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

pytest.importorskip("selenium", reason="the selenium package is not installed (pip install selenium)")

from harness.registrar.token import client_credentials  # noqa: E402
from tests.browser.flows import developer_runs_the_wizard  # noqa: E402
from tests.browser.pages import Browser  # noqa: E402

pytestmark = pytest.mark.browser

READY = "Press Ctrl-C to stop."
START_DEADLINE = 120.0


class Served:
    def __init__(self, proc: subprocess.Popen[str]) -> None:
        self.proc = proc
        self.lines: list[str] = []
        self._q: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self._q.put(line.rstrip("\n"))
        self._q.put(None)

    def wait_for(self, text: str, deadline: float) -> None:
        end = time.monotonic() + deadline
        while time.monotonic() < end:
            try:
                line = self._q.get(timeout=max(0.1, end - time.monotonic()))
            except queue.Empty:
                break
            if line is None:
                raise AssertionError("dcr-harness serve exited early:\n" + "\n".join(self.lines))
            self.lines.append(line)
            if text in line:
                return
        raise AssertionError(f"no {text!r} within {deadline:.0f} s:\n" + "\n".join(self.lines))

    def value(self, label: str) -> str:
        for line in self.lines:
            m = re.match(rf"\s*{re.escape(label)}:\s+(\S.*)$", line)
            if m:
                return m.group(1).strip()
        raise AssertionError(f"serve did not print {label!r}:\n" + "\n".join(self.lines))


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "harness.cli.main", "serve", "--guide", "keycloak", "--idp", "emulator",
         "--report-dir", str(tmp_path / "serve")],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=Path(__file__).resolve().parents[2])
    s = Served(proc)
    try:
        s.wait_for(READY, START_DEADLINE)
        yield s
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def test_serve_guide_keycloak_lets_a_person_click_through(served: Served, browser: Browser) -> None:
    portal = served.value("Developer Portal").rstrip("/")
    dashboard = served.value("Dashboard")
    admin_key = served.value("admin key")
    email, password = [p.strip() for p in served.value("developer login").split(" / ")]
    token_endpoint = served.value("token endpoint")
    api_url = served.value("API on gateway")
    assert portal.endswith("/portal") and dashboard.endswith("/dashboard/")
    assert email == "developer@example.com"

    # The Dashboard shows what serve set up: the catalogue entry with DCR on, the token set.
    browser.go(dashboard)
    browser.fill("#admin_key", admin_key)
    browser.submit("#admin-login-submit")
    browser.follow("Catalog")
    assert "Keycloak API" in browser.body and "overrides global settings" in browser.body
    browser.follow("Keycloak API")
    browser.submit("#tab-settings")
    assert browser.text("#access-token-status") == "set"
    assert browser.el("#override-global").is_selected() and browser.el("#enable-dcr").is_selected()
    browser.shot("serve catalogue settings")

    # The developer logs in with the printed credentials and follows the guide's wizard.
    browser.driver.delete_all_cookies()
    browser.go(portal + "/")
    browser.follow("Log in")
    browser.fill("#email", email)
    browser.fill("#password", password)
    browser.submit("#login-submit")
    assert browser.has("#create-first-client")
    developer_runs_the_wizard(browser, "Keycloak API", "Keycloak Client")
    client_id = browser.text("#client-id")
    secret = browser.text("#client-secret")
    browser.shot("serve client created")

    token = client_credentials(requests.Session(), token_endpoint, client_id, secret)
    resp = requests.get(api_url + "get", headers={"Authorization": f"Bearer {token.access_token}"}, timeout=30)
    assert resp.status_code == 200, resp.text

    served.proc.send_signal(signal.SIGINT)
    assert served.proc.wait(timeout=30) == 0
    served.wait_for("Stopped.", 5)
