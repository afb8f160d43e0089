"""A thin Selenium wrapper for the portal pages: navigate, fill, submit and wait for the
next page, and save a screenshot of each step under the run's report directory."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

#: Seconds to wait for a page or an element (a deadline, never a fixed sleep).
WAIT = 20.0

T = TypeVar("T")


def _gone(element: WebElement) -> Callable[[WebDriver], bool]:
    """Like EC.staleness_of, but Chromium also reports a replaced page's node as
    "Node with given id does not belong to the document" (a plain WebDriverException)."""
    def predicate(_driver: WebDriver) -> bool:
        try:
            element.is_enabled()
            return False
        except StaleElementReferenceException:
            return True
        except WebDriverException as exc:
            if "does not belong to the document" in str(exc):
                return True
            raise
    return predicate


def _settled(action: Callable[[], T]) -> T:
    """Run ``action``, retrying while the element it touched was replaced by a page
    update (Chromium: stale element / "Node ... does not belong to the document"), up to
    the deadline."""
    deadline = time.monotonic() + WAIT
    while True:
        try:
            return action()
        except StaleElementReferenceException:
            pass
        except WebDriverException as exc:
            if "does not belong to the document" not in str(exc):
                raise
        if time.monotonic() > deadline:
            return action()
        time.sleep(0.05)


class Browser:
    def __init__(self, driver: WebDriver, shots_dir: Path) -> None:
        self.driver = driver
        self.shots_dir = shots_dir
        self.shots: list[Path] = []

    # ---- navigation -----------------------------------------------------------------
    def go(self, url: str) -> None:
        self.driver.get(url)
        self._loaded()

    def _loaded(self) -> None:
        WebDriverWait(self.driver, WAIT).until(
            lambda d: d.execute_script("return document.readyState") == "complete")

    def submit(self, css: str) -> None:
        """Click a submit button or link and wait until the next page has loaded."""
        old = _settled(lambda: self.driver.find_element(By.TAG_NAME, "html"))
        _settled(lambda: self.el(css).click())  # retried only when the node could not be resolved
        WebDriverWait(self.driver, WAIT).until(_gone(old))
        self._loaded()

    def follow(self, link_text: str) -> None:
        old = _settled(lambda: self.driver.find_element(By.TAG_NAME, "html"))
        _settled(lambda: self.driver.find_element(By.LINK_TEXT, link_text).click())
        WebDriverWait(self.driver, WAIT).until(_gone(old))
        self._loaded()

    # ---- reading and filling -----------------------------------------------------------
    def el(self, css: str) -> WebElement:
        return WebDriverWait(self.driver, WAIT).until(EC.presence_of_element_located((By.CSS_SELECTOR, css)))

    def has(self, css: str) -> bool:
        return _settled(lambda: bool(self.driver.find_elements(By.CSS_SELECTOR, css)))

    def text(self, css: str) -> str:
        return _settled(lambda: self.el(css).text.strip())

    @property
    def h1(self) -> str:
        return self.text("h1")

    @property
    def source(self) -> str:
        return _settled(lambda: self.driver.page_source)

    @property
    def body(self) -> str:
        return _settled(lambda: self.driver.find_element(By.TAG_NAME, "body").text)

    def fill(self, css: str, value: str) -> None:
        def do() -> None:
            e = self.el(css)
            e.clear()
            e.send_keys(value)
        _settled(do)

    def choose(self, css: str, *, value: str | None = None, text: str | None = None) -> None:
        def do() -> None:
            s = Select(self.el(css))
            if value is not None:
                s.select_by_value(value)
            else:
                s.select_by_visible_text(text or "")
        _settled(do)

    def check(self, css: str, on: bool = True) -> None:
        def do() -> None:
            e = self.el(css)
            if e.is_selected() != on:
                e.click()
        _settled(do)

    def set_value(self, css: str, value: str) -> None:
        """Change a (hidden) field's value the way a tampering user or script would."""
        _settled(lambda: self.driver.execute_script("arguments[0].value = arguments[1];", self.el(css), value))

    # ---- evidence -------------------------------------------------------------------------
    def shot(self, name: str) -> Path:
        """A screenshot of the whole page: ``NN-name.png``."""
        self.driver.set_window_size(1280, 800)
        height = int(self.driver.execute_script("return document.body.scrollHeight"))
        self.driver.set_window_size(1280, max(800, min(height + 140, 4000)))
        self.shots_dir.mkdir(parents=True, exist_ok=True)
        path = self.shots_dir / f"{len(self.shots) + 1:02d}-{re.sub(r'[^a-z0-9]+', '-', name.lower()).strip('-')}.png"
        assert self.driver.save_screenshot(str(path)), f"could not save {path}"
        self.shots.append(path)
        return path
