"""Logging in and out: the front door every persona walks through."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_login_lands_on_the_organisation_dashboard(world, ui):
    ui.goto("/", "front-door")
    assert "/konto/log-ind/" in ui.page.url
    assert ui.heading() == "Log ind på Omløb"

    ui.login("anne@nordby.dk")

    assert ui.page.url == ui.url("/o/nordby/")
    assert ui.heading() == "Nordby Kommune"
    expect(ui.page.get_by_test_id("current-user")).to_have_text("Anne Admin")
    expect(ui.page.get_by_test_id("current-org")).to_have_text("Nordby Kommune")
    assert ui.console_errors == []


def test_wrong_password_shows_a_danish_error(world, ui):
    ui.goto("/konto/log-ind/", "login-form")
    ui.login("mette@nordby.dk", "forkert-adgangskode", step="wrong-password")

    assert "/konto/log-ind/" in ui.page.url
    error = ui.page.locator(".alert-error")
    expect(error).to_be_visible()
    expect(error).to_contain_text("Indtast venligst korrekt")
    expect(error).to_contain_text("adgangskode")
    # the user name is kept, the password is not
    expect(ui.page.locator("#id_username")).to_have_value("mette@nordby.dk")
    expect(ui.page.locator("#id_password")).to_have_value("")
    expect(ui.page.get_by_test_id("current-user")).to_have_count(0)


def test_logout_ends_the_session(world, ui):
    ui.login("lise@nordby.dk")
    assert ui.heading() == "Nordby Kommune"

    ui.submit("Log af", "logged-out")

    assert "/konto/log-ind/" in ui.page.url
    expect(ui.page.get_by_test_id("current-user")).to_have_count(0)
    # the organisation is closed again
    ui.goto("/o/nordby/", "after-logout")
    assert "/konto/log-ind/" in ui.page.url


def test_anonymous_visit_goes_to_login_and_back(world, ui):
    ui.goto("/o/nordby/enheder/?q=Solhaven", "anonymous")
    assert re.search(r"/konto/log-ind/\?next=", ui.page.url)
    assert ui.heading() == "Log ind på Omløb"

    ui.login("mette@nordby.dk")

    assert ui.page.url == ui.url("/o/nordby/enheder/?q=Solhaven")
    assert ui.heading() == "Organisationsstruktur"
    expect(ui.page.locator("[data-testid=units] tbody tr")).to_have_count(2)


def test_an_outsider_gets_404_not_the_other_organisation(world, ui):
    ui.login("sven@sydby.dk")
    assert ui.page.url == ui.url("/o/sydby/")

    ui.goto("/o/nordby/", "other-tenant", status=404)

    assert ui.heading() == "Siden findes ikke"
    expect(ui.page.locator("body")).not_to_contain_text("Nordby Kommune")


def test_change_password_and_log_in_with_the_new_one(world, ui):
    new_password = "Ny-og-bedre-adgangskode-7"
    ui.login("lise@nordby.dk")
    ui.page.get_by_role("link", name="Skift adgangskode").first.click()
    ui.page.wait_for_url("**/konto/adgangskode/")
    ui.snap("form")
    assert ui.heading() == "Skift adgangskode"

    ui.page.get_by_label("Gammel adgangskode").fill(PASSWORD)
    ui.page.get_by_label("Ny adgangskode", exact=True).fill(new_password)
    ui.page.get_by_label("Bekræftelse af ny adgangskode").fill(new_password)
    ui.submit("Skift adgangskode", "changed")

    assert ui.heading() == "Adgangskoden er skiftet"
    ui.submit("Log af", "logged-out")
    ui.login("lise@nordby.dk", PASSWORD, step="old-password")
    expect(ui.page.locator(".alert-error")).to_be_visible()
    ui.login("lise@nordby.dk", new_password, step="new-password")
    assert ui.page.url == ui.url("/o/nordby/")


def test_too_many_wrong_passwords_lock_the_account(world, ui):
    ui.goto("/konto/log-ind/", "login-form")
    for attempt in range(1, 6):
        ui.login("mette@nordby.dk", f"gæt-nummer-{attempt}", step=f"attempt-{attempt}")
    ui.expect_error_page()

    assert ui.heading() == "For mange mislykkede forsøg"
    expect(ui.page.get_by_role("alert")).to_contain_text("midlertidigt spærret")
    # not even the right password gets in now
    ui.login("mette@nordby.dk", step="right-password-locked")
    ui.expect_error_page()
    assert ui.heading() == "For mange mislykkede forsøg"
    expect(ui.page.get_by_test_id("current-user")).to_have_count(0)
