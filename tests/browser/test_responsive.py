"""Omløb on a phone (375 px) and the screenshot of the dashboard for the README."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from omlob.audit.record import Actor
from omlob.organisations import actions
from omlob.organisations.roles import Role

from .conftest import SCREENSHOTS, VIEWPORT

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 800}


def horizontal_overflow(ui) -> int:
    """How many pixels the page is wider than the viewport (0: no horizontal scroll)."""
    return ui.page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def test_dashboard_on_a_phone_has_no_horizontal_scroll(world, ui):
    ui.page.set_viewport_size(PHONE)
    ui.login("anne@nordby.dk")

    assert ui.page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1
    assert horizontal_overflow(ui) <= 1
    expect(ui.page.locator("h1")).to_be_in_viewport()
    assert ui.console_errors == []


@pytest.mark.parametrize(
    "path",
    [
        pytest.param("/konto/log-ind/", id="login"),
        pytest.param("/o/nordby/enheder/", id="units"),
        pytest.param("/o/nordby/enheder/import/", id="import"),
        pytest.param("/o/nordby/brugere/", id="members"),
        pytest.param("/o/nordby/historik/", id="audit-log"),
        pytest.param("/o/nordby/api-noegler/", id="tokens"),
        pytest.param("/o/nordby/modul/footprint/", id="module"),
    ],
)
def test_page_on_a_phone_has_no_horizontal_scroll(world, ui, path):
    actor = Actor.system("test")
    # an open invitation and an API key, so their tables are on the pages too
    actions.invite(actor=actor, organisation=world.nordby, email="ny@nordby.dk", role=Role.VIEWER)
    actions.create_token(actor=actor, membership=world.membership(world.admin), name="Power BI")
    ui.page.set_viewport_size(PHONE)
    if path != "/konto/log-ind/":
        ui.force_login(world.admin)
    ui.goto(path, "phone")
    assert ui.page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1


def test_unit_detail_on_a_phone_has_no_horizontal_scroll(world, ui):
    ui.page.set_viewport_size(PHONE)
    ui.force_login(world.admin)
    ui.goto(f"/o/nordby/enheder/{world.units['SOLK'].pk}/", "phone")
    assert ui.page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1


def test_readme_screenshot_of_the_dashboard(world, ui):
    """test-artifacts/screenshots/dashboard.png: Nordby's dashboard as Anne sees it, 1280x900."""
    ui.page.set_viewport_size(VIEWPORT)
    ui.force_login(world.admin)
    ui.goto("/o/nordby/", "dashboard")
    expect(ui.page.get_by_test_id("unit-count")).to_have_text("7")
    ui.page.evaluate("document.fonts.ready")
    path = SCREENSHOTS / "dashboard.png"
    ui.page.screenshot(path=str(path))
    assert path.stat().st_size > 10_000
