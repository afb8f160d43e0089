"""The HTML report in headless Chromium (Debian chromium + chromium-driver, Selenium):
no console errors, the verdict filter works, the sequence diagram renders."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .conftest import ReportRun

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
FLAGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run", "--window-size=1400,1000")


@pytest.fixture
def driver(tmp_path: Path) -> Iterator[Any]:
    if not (shutil.which("chromium") or Path(CHROMIUM).exists()) or not Path(CHROMEDRIVER).exists():
        pytest.skip("Debian's chromium and chromium-driver are not installed "
                    "(apt-get install -y chromium chromium-driver)")
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (pip install selenium)")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path / 'profile'}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    drv = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER, log_output=str(tmp_path / "driver.log")),
                           options=options)
    try:
        drv.set_page_load_timeout(60)
        yield drv
    finally:
        drv.quit()


def _visible(driver: Any) -> list[tuple[str, str, str]]:
    from selenium.webdriver.common.by import By

    return [(el.get_attribute("id"), el.get_attribute("data-verdict"), el.get_attribute("data-level"))
            for el in driver.find_elements(By.CSS_SELECTOR, "#items .item") if el.is_displayed()]


def _click(driver: Any, name: str) -> None:
    from selenium.webdriver.common.by import By

    driver.find_element(By.CSS_SELECTOR, f'.filters button[data-filter="{name}"]').click()


def test_report_opens_without_errors_and_filters(report_run: ReportRun, driver: Any) -> None:
    from selenium.webdriver.common.by import By

    run = report_run.run
    driver.get(report_run.paths["html"].resolve().as_uri())
    assert driver.title.startswith("dcr-harness check")
    errors = [e for e in driver.get_log("browser") if e.get("level") == "SEVERE"]
    assert errors == []

    results = {r.id: r for r in run.results}
    assert len(_visible(driver)) == len(results)
    want = {"FAIL": {i for i, r in results.items() if r.verdict.value == "FAIL"},
            "WARN": {i for i, r in results.items() if r.verdict.value == "WARN"},
            "SKIP": {i for i, r in results.items() if r.verdict.value == "SKIP"},
            "QUIRK": {i for i, r in results.items() if r.level.value == "QUIRK"}}
    assert all(want.values()), "the run should hold every kind of result"
    for name, ids in want.items():
        _click(driver, name)
        assert {v[0] for v in _visible(driver)} == ids, name
        shown = driver.find_element(By.ID, "shown").text
        assert shown == f"{len(ids)} of {len(results)} shown"
        pressed = driver.find_element(By.CSS_SELECTOR, f'.filters button[data-filter="{name}"]')
        assert pressed.get_attribute("aria-pressed") == "true"
    _click(driver, "ALL")
    assert len(_visible(driver)) == len(results)

    svg = driver.find_element(By.CSS_SELECTOR, ".seqwrap svg")
    assert svg.size["width"] > 300 and svg.size["height"] > 300
    assert "REG-STATUS-201" in {v[0] for v in _visible(driver) if v[1] == "FAIL"}
    assert [e for e in driver.get_log("browser") if e.get("level") == "SEVERE"] == []
