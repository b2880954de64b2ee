"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

Every test gets a :class:`UI` (fixture ``ui``): a Playwright page on the live server that logs
in through the real login form, collects console errors, and saves a full-page screenshot of
every page it visits to ``test-artifacts/screenshots/<test-name>-<nn>-<step>.png``.

The ``world`` fixture of ``tests/conftest.py`` is reused on a transactional database so the live
server thread (its own connection) sees the personas and units the test created.
"""

from __future__ import annotations

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


def test_name(node: Any) -> str:
    """The test's name for artefacts: its function name and its own parameters (not the
    browser, which is always Chromium)."""
    callspec = getattr(node, "callspec", None)
    ids = [str(v) for k, v in (callspec.params.items() if callspec else []) if k != "browser_name"]
    return "-".join([node.originalname, *ids])


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-")


class UI:
    """One browser tab on the live server, as one test's user sees it."""

    def __init__(self, page: Any, base_url: str, name: str) -> None:
        self.page = page
        self.base_url = base_url.rstrip("/")
        self.name = _slug(name)
        self.step = 0
        self._errors: list[tuple[str, str]] = []
        self._error_pages: set[str] = set()  # pages the test expected to answer 4xx
        self.watch(page)

    # --- observation ---------------------------------------------------------------------

    def watch(self, page: Any) -> None:
        """Collect console errors and uncaught exceptions of ``page``."""

        def on_console(msg: Any) -> None:
            if msg.type == "error":
                self._errors.append((msg.location.get("url", "") or page.url, msg.text))

        page.on("console", on_console)
        page.on("pageerror", lambda exc: self._errors.append((page.url, f"uncaught: {exc}")))

    @property
    def console_errors(self) -> list[str]:
        """Console errors and uncaught exceptions so far, except the browser's own
        "Failed to load resource" note for a page the test deliberately opened as a 4xx."""
        return [
            f"{url}: {text}"
            for url, text in self._errors
            if not (url in self._error_pages and text.startswith("Failed to load resource"))
        ]

    def expect_error_page(self, url: str | None = None) -> None:
        self._error_pages.add(url or self.page.url)

    def snap(self, step: str, *, full_page: bool = True) -> Path:
        """A screenshot of the current page (by default all of it) as the test's next step."""
        self.step += 1
        path = SCREENSHOTS / f"{self.name}-{self.step:02d}-{_slug(step)}.png"
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
        """Log in through the real form, from wherever the browser is now."""
        page = self.page
        if "/konto/log-ind/" not in page.url:
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
    (the first load of a page costs ~0.4 s; later ones ~0.07 s). Each test gets its own tab
    and starts with no cookies, i.e. logged out and in Danish."""
    context = browser.new_context(**browser_context_args)
    yield context
    context.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Any:
    report = yield
    if report.when == "call":
        item.stash[_FAILED] = report.failed
    return report


_FAILED = pytest.StashKey[bool]()


@pytest.fixture
def ui(shared_context: Any, live_server: Any, request: pytest.FixtureRequest) -> Iterator[UI]:
    shared_context.clear_cookies()
    page = shared_context.new_page()
    page.set_default_timeout(10_000)
    browser_ui = UI(page, live_server.url, test_name(request.node))
    yield browser_ui
    if request.node.stash.get(_FAILED, False) and not page.is_closed():
        browser_ui.snap("failure")
    page.close()
