"""Browser fixtures: Debian's headless Chromium driven by Selenium (chromedriver), a
fresh profile per test, and screenshots under ``<report dir>/../browser/<test>/``
(default ``reports/browser/``)."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
CHROME_FLAGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--no-first-run", "--disable-sync", "--window-size=1280,800")


@pytest.fixture
def shots_dir(request: pytest.FixtureRequest) -> Path:
    base = Path(request.config.getoption("--harness-report-dir"))
    if not base.is_absolute():
        base = request.config.rootpath / base
    d = base.parent / "browser" / re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
    shutil.rmtree(d, ignore_errors=True)
    return d


@pytest.fixture
def browser(shots_dir: Path, tmp_path: Path) -> Iterator[object]:
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.exists()]
    if missing:
        pytest.skip(f"headless Chromium is not installed ({', '.join(missing)} missing); "
                    "install Debian's chromium and chromium-driver (./harness.sh setup does)")
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        pytest.skip("the selenium package is not installed in this environment (pip install selenium)")
    from tests.browser.pages import Browser

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in CHROME_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path / 'chromium-profile'}")
    shots_dir.mkdir(parents=True, exist_ok=True)
    service = Service(executable_path=str(CHROMEDRIVER), log_output=str(tmp_path / "chromedriver.log"))
    driver = webdriver.Chrome(service=service, options=options)  # a broken install fails the test: no skip
    try:
        driver.set_page_load_timeout(30)
        yield Browser(driver, shots_dir)
    finally:
        driver.quit()
