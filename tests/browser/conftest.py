"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

Every test gets a :class:`UI` (fixture ``ui``): a Playwright page on the live server that logs
in through the real login form, collects console errors, and saves a full-page screenshot of
every page it visits to ``test-artifacts/screenshots/<test-name>-<nn>-<step>.png``.

The ``world`` fixture of ``tests/conftest.py`` is reused on a transactional database so the live
server thread (its own connection) sees the personas and units the test created.

For speed all tests share one browser context and one tab (cookies and permissions are cleared
between tests), so pytest-playwright's own ``page``/``context`` fixtures and its --screenshot and
--tracing options are not used; the step screenshots (and a ``-failure`` one) replace them.
"""

from __future__ import annotations

import base64
import contextlib
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ARTIFACTS, PASSWORD

# Playwright's sync API runs an event loop in the test thread; Django's ORM refuses to run
# there unless told that this is deliberate.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

SCREENSHOTS = ARTIFACTS / "screenshots"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
VIEWPORT = {"width": 1280, "height": 900}
PAGE_SIZE = """() => [
  Math.max(document.documentElement.scrollWidth, document.documentElement.clientWidth),
  Math.max(document.documentElement.scrollHeight, document.documentElement.clientHeight),
]"""


def chromium_path() -> str:
    path = os.environ.get("OMLOB_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).exists():
        pytest.exit(
            f"Chromium not found at {path}: install Debian's chromium or set OMLOB_CHROMIUM",
            returncode=4,
        )
    return path


@pytest.fixture(scope="session")
def browser_type_launch_args() -> dict[str, Any]:
    """Debian's Chromium, never a downloaded browser."""
    return {"executable_path": chromium_path(), "headless": True, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args() -> dict[str, Any]:
    return {
        "viewport": VIEWPORT,
        "locale": "da-DK",
        "timezone_id": "Europe/Copenhagen",
        "accept_downloads": True,
    }


@pytest.fixture(scope="session", autouse=True)
def _screenshot_dir() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


@pytest.fixture
def world(transactional_db: None, live_server: Any, world: Any) -> Any:
    """The personas of tests/conftest.py, committed so the live server thread sees them."""
    return world


def artefact_name(node: Any) -> str:
    """The test's name for artefacts: its function name and its own parameters (not the
    browser, which is always Chromium)."""
    callspec = getattr(node, "callspec", None)
    ids = [str(v) for k, v in (callspec.params.items() if callspec else []) if k != "browser_name"]
    return "-".join([node.originalname, *ids])


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-")


class UI:
    """One browser tab on the live server, as one test's user sees it."""

    def __init__(self, page: Any, base_url: str, name: str, cdp: Any = None) -> None:
        self.page = page
        self.cdp = cdp  # a CDP session of ``page`` for fast full-page screenshots, if any
        self.base_url = base_url.rstrip("/")
        self.name = _slug(name)
        self.step = 0
        self._errors: list[tuple[str, str]] = []
        self._error_pages: set[str] = set()  # pages the test expected to answer 4xx
        self._listeners: list[tuple[Any, Any, Any]] = []
        self.watch(page)

    # --- observation ---------------------------------------------------------------------

    def watch(self, page: Any) -> None:
        """Collect console errors and uncaught exceptions of ``page``."""

        def on_console(msg: Any) -> None:
            if msg.type == "error":
                self._errors.append((msg.location.get("url", "") or page.url, msg.text))

        def on_page_error(exc: Any) -> None:
            self._errors.append((page.url, f"uncaught: {exc}"))

        page.on("console", on_console)
        page.on("pageerror", on_page_error)
        self._listeners.append((page, on_console, on_page_error))

    def unwatch(self) -> None:
        for page, on_console, on_page_error in self._listeners:
            page.remove_listener("console", on_console)
            page.remove_listener("pageerror", on_page_error)
        self._listeners.clear()

    @property
    def console_errors(self) -> list[str]:
        """Console errors and uncaught exceptions so far, except the browser's own
        "Failed to load resource" note for a page the test deliberately opened as a 4xx."""
        return [
            f"{url}: {text}"
            for url, text in self._errors
            if not (url in self._error_pages and text.startswith("Failed to load resource"))
        ]

    def clear_errors(self) -> None:
        self._errors.clear()

    def expect_error_page(self, url: str | None = None) -> None:
        self._error_pages.add(url or self.page.url)

    def snap(self, step: str, *, full_page: bool = True) -> Path:
        """A screenshot of the current page (by default all of it) as the test's next step."""
        self.step += 1
        path = SCREENSHOTS / f"{self.name}-{self.step:02d}-{_slug(step)}.png"
        if full_page and self.cdp is not None:
            # Chromium's own capture with optimizeForSpeed: ~0.10 s instead of ~0.17 s for a
            # long page (the PNG is less compressed); the suite takes some 300 of them.
            width, height = self.page.evaluate(PAGE_SIZE)
            shot = self.cdp.send(
                "Page.captureScreenshot",
                {
                    "format": "png",
                    "optimizeForSpeed": True,
                    "captureBeyondViewport": True,
                    "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": 1},
                },
            )
            path.write_bytes(base64.b64decode(shot["data"]))
        else:
            self.page.screenshot(path=str(path), full_page=full_page)
        return path

    # --- navigation ----------------------------------------------------------------------

    def url(self, path: str) -> str:
        return path if path.startswith("http") else self.base_url + path

    def goto(self, path: str, step: str, *, status: int | None = 200) -> Any:
        response = self.page.goto(self.url(path))
        assert response is not None
        if status is not None:
            assert response.status == status, f"{path}: HTTP {response.status}"
        if response.status >= 400:
            self.expect_error_page(response.url)
        self.snap(step)
        return response

    def force_login(self, user: Any) -> None:
        """A session cookie without the login form: only for tests about something else
        that visit one page each (test_every_page), where the form would double the time."""
        from django.conf import settings
        from django.test import Client

        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        self.page.context.add_cookies(
            [{"name": cookie.key, "value": cookie.value, "url": self.base_url}]
        )

    def login(self, username: str, password: str = PASSWORD, *, step: str = "login") -> None:
        """Log in through the real form: the one on screen if this test was sent there (e.g.
        by a redirect), else a freshly loaded one."""
        page = self.page
        if (
            self.step == 0
            or "/konto/log-ind/" not in page.url
            or page.locator("#id_username").count() == 0
        ):
            page.goto(self.url("/konto/log-ind/"))
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        self.snap(step)
        with page.expect_navigation():
            page.get_by_role("button", name="Log ind").click()
        self.snap(f"{step}-done")

    def submit(self, button: str, step: str) -> None:
        """Click a submit button by its name and wait for the page it leads to."""
        with self.page.expect_navigation():
            self.page.get_by_role("button", name=button, exact=True).click()
        self.snap(step)

    def heading(self) -> str:
        return self.page.locator("h1").inner_text().strip()

    def messages(self) -> list[str]:
        return [t.strip() for t in self.page.locator(".alert .alert-text").all_inner_texts()]

    def side_menu(self) -> list[str]:
        return [t.strip() for t in self.page.locator(".sidemenu a").all_inner_texts()]


@pytest.fixture(scope="session")
def shared_context(browser: Any, browser_context_args: dict[str, Any]) -> Iterator[Any]:
    """One browser context for the whole run, so Chromium's cache keeps the DKFDS assets
    (a cold page load costs ~0.4 s, a warm one ~0.07 s). Each test starts with no cookies,
    i.e. logged out and in Danish."""
    context = browser.new_context(**browser_context_args)
    yield context
    context.close()


class _Tab:
    """The one tab the tests share: a new tab costs ~0.2 s (a renderer process) per test."""

    page: Any = None
    cdp: Any = None


@pytest.fixture(scope="session")
def _tab() -> Iterator[_Tab]:
    tab = _Tab()
    yield tab
    if tab.cdp is not None and tab.page is not None and not tab.page.is_closed():
        tab.cdp.detach()


_FAILED = pytest.StashKey[bool]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Any:
    report = yield
    if report.when == "call":
        item.stash[_FAILED] = report.failed
    return report


@pytest.fixture
def ui(
    shared_context: Any, _tab: _Tab, live_server: Any, request: pytest.FixtureRequest
) -> Iterator[UI]:
    """The browser, logged out, at 1280x900, for this test. The tab may still show the last
    test's page: every test starts with ``goto`` or ``login`` (which loads the form afresh)."""
    shared_context.clear_cookies()
    if _tab.page is None or _tab.page.is_closed():
        _tab.page = shared_context.new_page()
        _tab.page.set_default_timeout(10_000)
        _tab.cdp = shared_context.new_cdp_session(_tab.page)
    page = _tab.page
    page.set_viewport_size(VIEWPORT)
    page.set_extra_http_headers({})
    browser_ui = UI(page, live_server.url, artefact_name(request.node), cdp=_tab.cdp)
    for stale in SCREENSHOTS.glob(f"{browser_ui.name}-[0-9][0-9]-*.png"):
        stale.unlink()  # a previous run's steps, which may no longer exist
    yield browser_ui
    try:
        if request.node.stash.get(_FAILED, False) and not page.is_closed():
            with contextlib.suppress(Exception):  # the failure itself is what matters
                browser_ui.snap("failure")
    finally:
        browser_ui.unwatch()
        shared_context.clear_permissions()
