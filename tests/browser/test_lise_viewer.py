"""Lise (læser) reads everything and changes nothing; her API key feeds the BI tool.

USER-STORIES.md (Ahmed, Lise): the same figures through the API "with a personal token". The key
is shown once, works at once, and stops working the moment it is revoked.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

UNITS = "/api/v1/organisations/nordby/units"


@pytest.fixture
def api(playwright, live_server):
    """An HTTP client without the browser's cookies: only the Bearer key can authenticate."""
    context = playwright.request.new_context(base_url=live_server.url)
    yield context
    context.dispose()


def test_lise_reads_but_cannot_change(world, ui):
    ui.login("lise@nordby.dk")
    expect(ui.page.locator(".portal-user")).to_contain_text("Læser")
    expect(ui.page.get_by_role("link", name="Ret organisationens oplysninger")).to_have_count(0)
    menu = ui.side_menu()
    assert "Brugere" not in menu and "Historik" not in menu

    ui.goto("/o/nordby/enheder/", "units")
    expect(ui.page.locator("[data-testid=units] tbody tr")).to_have_count(7)
    expect(ui.page.get_by_role("link", name="Ny enhed")).to_have_count(0)
    expect(ui.page.get_by_role("link", name="Hent som CSV")).to_be_visible()

    ui.goto(f"/o/nordby/enheder/{world.units['SKO'].pk}/rediger/", "edit-forbidden", status=403)
    ui.goto("/o/nordby/indstillinger/", "settings-forbidden", status=403)


def test_create_use_and_revoke_an_api_key(world, ui, api):
    ui.login("lise@nordby.dk")
    ui.page.get_by_role("navigation", name="Moduler").get_by_role("link", name="API-nøgler").click()
    ui.page.wait_for_url("**/o/nordby/api-noegler/")
    ui.snap("tokens")
    assert ui.heading() == "API-nøgler"

    ui.page.get_by_label("Navn på nøglen").fill("Power BI klimarapport")
    ui.submit("Opret nøgle", "created")

    key = ui.page.get_by_test_id("new-key").inner_text().strip()
    assert key.startswith("omlob_") and len(key) > 30
    row = (
        ui.page.get_by_test_id("tokens").get_by_role("row").filter(has_text="Power BI klimarapport")
    )
    expect(row).to_contain_text(key[:12])
    expect(row).to_contain_text("aktiv")
    expect(row).not_to_contain_text(key[12:])  # only the prefix is shown in the table

    # the key works, as Lise, for Nordby only
    response = api.get(UNITS, headers={"Authorization": f"Bearer {key}"})
    assert response.status == 200
    assert response.headers["content-type"].startswith("application/json")
    data = response.json()
    assert data["count"] == 7
    assert {u["code"] for u in data["items"]} == {u.code for u in world.units.values()}
    other = api.get("/api/v1/organisations/sydby/units", headers={"Authorization": f"Bearer {key}"})
    assert other.status == 404

    # shown once: a reload does not show it again
    ui.goto("/o/nordby/api-noegler/", "reloaded")
    expect(ui.page.get_by_test_id("new-key")).to_have_count(0)

    with ui.page.expect_navigation():
        ui.page.get_by_test_id("tokens").get_by_role("button", name="Tilbagekald").click()
    ui.snap("revoked")
    assert "Nøglen Power BI klimarapport er tilbagekaldt." in ui.messages()
    expect(row).to_contain_text("tilbagekaldt")

    revoked = api.get(UNITS, headers={"Authorization": f"Bearer {key}"})
    assert revoked.status == 401
    assert api.get(UNITS).status == 401
    assert ui.console_errors == []


def test_the_copy_button_copies_the_key(world, ui, shared_context):
    # (the ui fixture clears the permissions again after the test)
    shared_context.grant_permissions(["clipboard-read", "clipboard-write"], origin=ui.base_url)
    ui.force_login(world.lise)
    ui.goto("/o/nordby/api-noegler/", "tokens")
    ui.page.get_by_label("Navn på nøglen").fill("Kopi")
    ui.submit("Opret nøgle", "created")
    key = ui.page.get_by_test_id("new-key").inner_text().strip()

    ui.page.get_by_role("button", name="Kopiér").click()
    expect(ui.page.get_by_role("button", name="Kopieret")).to_be_visible()
    ui.snap("copied")
    assert ui.page.evaluate("navigator.clipboard.readText()") == key


def test_an_expiry_date_must_be_in_the_future(world, ui):
    ui.force_login(world.lise)
    ui.goto("/o/nordby/api-noegler/", "tokens")
    ui.page.get_by_label("Navn på nøglen").fill("Gammel")
    ui.page.locator("#id_expires").fill("2020-01-01")
    ui.submit("Opret nøgle", "refused")

    expect(ui.page.locator("#id_expires-error")).to_contain_text(
        "Udløbsdatoen skal ligge i fremtiden."
    )
    expect(ui.page.get_by_test_id("new-key")).to_have_count(0)

    ui.page.get_by_label("Navn på nøglen").fill("Kvartal")
    ui.page.locator("#id_expires").fill("2099-12-31")
    ui.submit("Opret nøgle", "created")

    expect(ui.page.get_by_test_id("new-key")).to_be_visible()
    row = ui.page.get_by_test_id("tokens").get_by_role("row").filter(has_text="Kvartal")
    expect(row).to_contain_text("udløber 31.12.2099")


def test_the_expiry_label_says_optional_once(world, ui):
    ui.force_login(world.lise)
    ui.goto("/o/nordby/api-noegler/", "tokens")
    label = ui.page.locator("label[for=id_expires]").inner_text()
    assert label.count("valgfri") == 1, label
