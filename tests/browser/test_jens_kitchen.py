"""Jens (enhedsleder) manages one care-home kitchen: he sees only his kitchen, nothing else.

USER-STORIES.md: "He logs in and sees only his kitchen." The organic share is a later module;
until then its page says what will come.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_jens_sees_only_his_kitchen(world, ui):
    ui.login("jens@nordby.dk")
    assert ui.page.url == ui.url("/o/nordby/")
    expect(ui.page.locator(".portal-user")).to_contain_text("Enhedsleder")
    expect(ui.page.get_by_test_id("unit-count")).to_have_text("1")

    ui.page.get_by_role("navigation", name="Moduler").get_by_role(
        "link", name="Organisation", exact=True
    ).click()
    ui.page.wait_for_url("**/o/nordby/enheder/")
    ui.snap("units")

    rows = ui.page.locator("[data-testid=units] tbody tr")
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text("Plejecenter Solhaven, køkken")
    # he cannot change the structure
    expect(ui.page.get_by_role("link", name="Ny enhed")).to_have_count(0)
    expect(ui.page.get_by_role("link", name="Importér fra fil")).to_have_count(0)

    ui.page.get_by_role("link", name="Plejecenter Solhaven, køkken").click()
    ui.page.wait_for_url("**/enheder/*/")
    ui.snap("kitchen")
    assert ui.heading() == "Plejecenter Solhaven, køkken"
    expect(ui.page.get_by_role("link", name="Rediger")).to_have_count(0)
    # the breadcrumbs do not lead into units above his own
    crumbs = ui.page.get_by_role("navigation", name="Brødkrummesti")
    expect(crumbs).not_to_contain_text("Ældre og Sundhed")
    assert ui.console_errors == []


def test_search_does_not_reach_outside_his_kitchen(world, ui):
    ui.force_login(world.jens)
    ui.goto("/o/nordby/enheder/?q=Plejecenter", "search")
    rows = ui.page.locator("[data-testid=units] tbody tr")
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text("Plejecenter Solhaven, køkken")

    other_ean = world.units["LIN"].eans.get().ean
    ui.goto(f"/o/nordby/enheder/?q={other_ean}", "search-other-ean")
    expect(ui.page.get_by_text("Ingen enheder passer til søgningen.")).to_be_visible()


def test_no_members_or_history_in_his_menu(world, ui):
    ui.force_login(world.jens)
    ui.goto("/o/nordby/", "dashboard")

    menu = ui.side_menu()
    assert "Brugere" not in menu
    assert "Historik" not in menu
    assert "Overblik" in menu and "Organisation" in menu and "API-nøgler" in menu
    # the dashboard does not show the organisation's log either
    expect(ui.page.get_by_role("heading", name="Seneste ændringer")).to_have_count(0)

    # and typing the addresses does not help
    ui.goto("/o/nordby/brugere/", "members-forbidden", status=403)
    assert ui.heading() == "Ingen adgang"
    ui.goto("/o/nordby/historik/", "log-forbidden", status=403)
    ui.goto("/o/nordby/enheder/ny/", "create-forbidden", status=403)


def test_units_outside_his_kitchen_are_404(world, ui):
    ui.force_login(world.jens)
    for code in ["SOL", "LIN", "AS", "SKO"]:
        unit = world.units[code]
        ui.goto(f"/o/nordby/enheder/{unit.pk}/", f"outside-{code}", status=404)
        assert ui.heading() == "Siden findes ikke"
        expect(ui.page.locator("main")).not_to_contain_text(unit.name)
    ui.goto(f"/o/nordby/enheder/{world.units['SOL'].pk}/rediger/", "edit-outside", status=403)


def test_a_module_page_says_what_will_come(world, ui):
    ui.force_login(world.jens)
    ui.goto("/o/nordby/", "dashboard")
    ui.page.get_by_role("navigation", name="Moduler").get_by_role("link", name="Økologi").click()
    ui.page.wait_for_url("**/o/nordby/modul/organic/")
    ui.snap("organic")

    assert ui.heading() == "Økologi"
    expect(ui.page.locator(".font-lead")).to_contain_text("Det Økologiske Spisemærke")
    notice = ui.page.locator("main .alert-info")
    expect(notice).to_contain_text("Kommer i en senere version")
    expect(notice.locator("li")).to_have_text(
        ["Grossisternes kvartalsstatistik", "Hvilke skift hæver andelen billigst"]
    )
    current = ui.page.get_by_role("navigation", name="Moduler").locator("[aria-current=page]")
    expect(current).to_have_text("Økologi")

    ui.goto("/o/nordby/modul/findes-ikke/", "unknown-module", status=404)
    assert ui.heading() == "Siden findes ikke"
    # a module that has real pages has no status page
    ui.goto("/o/nordby/modul/structure/", "real-module", status=404)
