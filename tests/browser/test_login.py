"""Logging in and out: the front door every persona walks through."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

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
