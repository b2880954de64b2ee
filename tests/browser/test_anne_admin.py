"""Anne (administrator) runs Nordby's Omløb: members, invitations, roles, settings, the log."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from omlob.organisations.models import Membership
from omlob.organisations.roles import Role

from .conftest import UI

pytestmark = pytest.mark.browser

NEW_PASSWORD = "Grøn-omstilling-2030"


def member_row(ui: UI, username: str):
    return ui.page.get_by_test_id("members").get_by_role("row").filter(has_text=username)


def invite(ui: UI, email: str, role: str) -> str:
    """Invite ``email`` from the members page; returns the link from the success message."""
    ui.page.get_by_label("E-mail").fill(email)
    ui.page.get_by_label("Rolle").select_option(label=role)
    ui.submit("Send invitation", "invited")
    message = next(m for m in ui.messages() if m.startswith("Invitationen er sendt"))
    found = re.search(r"https?://\S+/invitation/[^/\s]+/", message)
    assert found, message
    return found.group(0)


def test_members_page_lists_the_organisation(world, ui):
    ui.login("anne@nordby.dk")
    ui.page.get_by_role("navigation", name="Moduler").get_by_role("link", name="Brugere").click()
    ui.page.wait_for_url("**/o/nordby/brugere/")
    ui.snap("members")

    assert ui.heading() == "Brugere"
    rows = ui.page.get_by_test_id("members").locator("tbody tr")
    expect(rows).to_have_count(4)
    expect(member_row(ui, "anne@nordby.dk")).to_contain_text("Administrator")
    expect(member_row(ui, "mette@nordby.dk")).to_contain_text("Indkøber")
    expect(member_row(ui, "jens@nordby.dk")).to_contain_text("Enhedsleder")
    expect(member_row(ui, "jens@nordby.dk")).to_contain_text("Plejecenter Solhaven, køkken")
    expect(member_row(ui, "lise@nordby.dk")).to_contain_text("Læser")
    # the other municipality's admin is not here
    expect(ui.page.get_by_test_id("members")).not_to_contain_text("sven@sydby.dk")


def test_invite_a_user_who_accepts_and_lands_in_the_organisation(
    world, ui, browser, browser_context_args, settings, live_server
):
    settings.OMLOB_BASE_URL = live_server.url
    ui.login("anne@nordby.dk")
    ui.goto("/o/nordby/brugere/", "members")

    link = invite(ui, "ahmed@nordby.dk", "Indkøber")

    assert link.startswith(live_server.url + "/invitation/")
    invitations = ui.page.get_by_test_id("invitations")
    expect(invitations).to_contain_text("ahmed@nordby.dk")
    expect(invitations).to_contain_text("Indkøber")

    # Ahmed opens the link in his own browser, not logged in
    context = browser.new_context(**browser_context_args)
    try:
        ahmed = UI(context.new_page(), live_server.url, f"{ui.name}-ahmed")
        ahmed.goto(link, "invitation")
        assert ahmed.heading() == "Invitation til Nordby Kommune"
        expect(ahmed.page.locator(".font-lead")).to_contain_text("ahmed@nordby.dk")
        expect(ahmed.page.locator(".font-lead")).to_contain_text("Indkøber")

        ahmed.page.get_by_label("Fornavn").fill("Ahmed")
        ahmed.page.get_by_label("Efternavn").fill("Hassan")
        ahmed.page.locator("#id_password1").fill(NEW_PASSWORD)
        ahmed.page.locator("#id_password2").fill(NEW_PASSWORD)
        ahmed.submit("Tag imod invitationen", "accepted")

        assert ahmed.page.url == ahmed.url("/o/nordby/")
        assert ahmed.heading() == "Nordby Kommune"
        assert "Velkommen til Omløb." in ahmed.messages()
        expect(ahmed.page.get_by_test_id("current-user")).to_have_text("Ahmed Hassan")
        expect(ahmed.page.locator(".portal-user")).to_contain_text("Indkøber")

        # the link is used up
        ahmed.goto(link, "link-used", status=404)
        assert ahmed.heading() == "Invitationen gælder ikke"

        # and he can come back with the password he chose
        ahmed.submit("Log af", "logged-out")
        ahmed.login("ahmed@nordby.dk", NEW_PASSWORD)
        assert ahmed.page.url == ahmed.url("/o/nordby/")
        assert ahmed.console_errors == []
    finally:
        context.close()

    ui.goto("/o/nordby/brugere/", "members-after")
    expect(member_row(ui, "ahmed@nordby.dk")).to_contain_text("Indkøber")
    expect(ui.page.get_by_test_id("invitations")).to_have_count(0)


def test_invitation_with_mismatched_passwords_explains(world, ui, settings, live_server):
    settings.OMLOB_BASE_URL = live_server.url
    ui.force_login(world.admin)
    ui.goto("/o/nordby/brugere/", "members")
    link = invite(ui, "bo@nordby.dk", "Læser")
    ui.submit("Log af", "logged-out")

    ui.goto(link, "invitation")
    ui.page.locator("#id_password1").fill(NEW_PASSWORD)
    ui.page.locator("#id_password2").fill(NEW_PASSWORD + "x")
    ui.submit("Tag imod invitationen", "mismatch")

    expect(ui.page.locator("#id_password2-error")).to_contain_text(
        "De to adgangskoder er ikke ens."
    )
    assert not get_user_model().objects.filter(username="bo@nordby.dk").exists()


def test_an_invitation_for_an_existing_user_does_not_log_in_without_their_password(
    world, ui, settings, live_server
):
    """Sven (Sydby's admin) invites Anne's address to Sydby and opens the link himself.

    (Found by this test: the link used to log the visitor in as Anne with any password.)
    """
    settings.OMLOB_BASE_URL = live_server.url
    ui.login("sven@sydby.dk")
    ui.goto("/o/sydby/brugere/", "members")
    link = invite(ui, "anne@nordby.dk", "Læser")
    ui.submit("Log af", "logged-out")

    ui.goto(link, "invitation")
    password = ui.page.locator("#id_password1")
    if password.count():
        password.fill("Svens-eget-kodeord-99")
        ui.page.locator("#id_password2").fill("Svens-eget-kodeord-99")
        ui.submit("Tag imod invitationen", "accept-as-someone-else")

    # whatever the page says, Sven must not now be Anne, and Nordby must stay closed to him
    current = ui.page.get_by_test_id("current-user")
    assert current.count() == 0 or "anne" not in current.inner_text().lower()
    ui.goto("/o/nordby/", "nordby-closed", status=None)
    assert ui.heading() != "Nordby Kommune"
    world.admin.refresh_from_db()
    assert world.admin.get_full_name() == "Anne Admin"
    assert not Membership.objects.filter(user=world.admin, organisation=world.sydby).exists()


def test_an_existing_user_logs_in_to_accept_an_invitation(world, ui, settings, live_server):
    """Anne is invited to Sydby too: she proves who she is, then joins."""
    settings.OMLOB_BASE_URL = live_server.url
    ui.login("sven@sydby.dk")
    ui.goto("/o/sydby/brugere/", "members")
    link = invite(ui, "anne@nordby.dk", "Læser")
    ui.submit("Log af", "logged-out")

    ui.goto(link, "invitation")
    expect(ui.page.locator("#id_password1")).to_have_count(0)
    with ui.page.expect_navigation():
        ui.page.get_by_role("main").get_by_role("link", name="Log ind").click()
    ui.snap("login-form")
    ui.login("anne@nordby.dk")

    assert ui.page.url == link  # back on the invitation, now as Anne
    ui.submit("Tag imod invitationen", "accepted")
    assert ui.page.url == ui.url("/o/sydby/")
    assert "Du har nu adgang til Sydby Kommune." in ui.messages()
    expect(ui.page.locator(".portal-user")).to_contain_text("Læser")
    # and she still is Nordby's administrator
    ui.goto("/o/nordby/", "nordby")
    expect(ui.page.locator(".portal-user")).to_contain_text("Administrator")


def test_change_a_members_role(world, ui):
    lise = world.membership(world.lise)
    ui.login("anne@nordby.dk")
    ui.goto("/o/nordby/brugere/", "members")
    member_row(ui, "lise@nordby.dk").get_by_role("link", name="Ret").click()
    ui.page.wait_for_url(f"**/brugere/{lise.pk}/")
    ui.snap("member")
    assert ui.heading() == "Lise Klimakoordinator"

    # a unit manager needs a unit
    ui.page.get_by_label("Rolle").select_option(label="Enhedsleder")
    ui.submit("Gem", "unit-missing")
    expect(ui.page.locator("#id_unit-error")).to_contain_text("Vælg den enhed")

    ui.page.get_by_label("Rolle").select_option(label="Indkøber")
    ui.submit("Gem", "saved")

    assert ui.page.url.endswith("/o/nordby/brugere/")
    assert "Brugerens rolle er gemt." in ui.messages()
    expect(member_row(ui, "lise@nordby.dk")).to_contain_text("Indkøber")
    lise.refresh_from_db()
    assert lise.role == Role.PROCUREMENT

    ui.goto(f"/o/nordby/brugere/{lise.pk}/", "history")
    latest = ui.page.get_by_test_id("history").locator("tbody tr").first
    expect(latest).to_contain_text("anne@nordby.dk")
    expect(latest).to_contain_text("Rolle: Læser → Indkøber")


def test_the_last_admin_cannot_step_down(world, ui):
    anne = world.membership(world.admin)
    ui.force_login(world.admin)
    ui.goto(f"/o/nordby/brugere/{anne.pk}/", "me")
    ui.page.get_by_label("Rolle").select_option(label="Læser")
    ui.submit("Gem", "refused")

    expect(ui.page.locator(".alert-error")).to_contain_text("mindst én administrator")
    anne.refresh_from_db()
    assert anne.role == Role.ADMIN


def test_remove_a_member(world, ui):
    lise = world.membership(world.lise)
    ui.force_login(world.admin)
    ui.goto(f"/o/nordby/brugere/{lise.pk}/", "member")
    ui.submit("Fjern adgang til organisationen", "removed")

    assert "lise@nordby.dk har ikke længere adgang til organisationen." in ui.messages()
    expect(member_row(ui, "lise@nordby.dk")).to_have_count(0)
    assert not Membership.objects.filter(pk=lise.pk).exists()


def test_edit_the_organisation_settings(world, ui):
    ui.login("anne@nordby.dk")
    ui.page.get_by_role("link", name="Ret organisationens oplysninger").click()
    ui.page.wait_for_url("**/o/nordby/indstillinger/")
    ui.snap("settings")
    assert ui.heading() == "Organisationens oplysninger"
    expect(ui.page.get_by_label("Navn")).to_have_value("Nordby Kommune")

    ui.page.get_by_label("Indbyggere").fill("62500")
    ui.submit("Gem", "saved")

    assert "Organisationens oplysninger er gemt." in ui.messages()
    expect(ui.page.get_by_label("Indbyggere")).to_have_value("62500")
    ui.goto("/o/nordby/", "dashboard")
    expect(ui.page.locator(".font-lead")).to_contain_text("62.500 indbyggere")


def test_a_settings_change_is_in_the_history(world, ui):
    ui.force_login(world.admin)
    ui.goto("/o/nordby/indstillinger/", "settings")
    ui.page.get_by_label("Indbyggere").fill("62500")
    ui.submit("Gem", "saved")

    latest = ui.page.get_by_test_id("history").locator("tbody tr").first
    expect(latest).to_contain_text("anne@nordby.dk")
    expect(latest).to_contain_text("ændret")
    expect(latest).to_contain_text("62.500")


def test_a_bad_cvr_is_refused_in_danish(world, ui):
    ui.force_login(world.admin)
    ui.goto("/o/nordby/indstillinger/", "settings")
    ui.page.get_by_label("CVR-nr.").fill("12345678")
    ui.submit("Gem", "refused")

    expect(ui.page.get_by_label("CVR-nr.")).to_have_attribute("aria-invalid", "true")
    expect(ui.page.locator("#id_cvr-error")).to_contain_text("CVR")
    world.nordby.refresh_from_db()
    assert world.nordby.cvr == "29189579"


def test_audit_log_shows_the_events(world, ui, settings, live_server):
    settings.OMLOB_BASE_URL = live_server.url
    lise = world.membership(world.lise)
    ui.force_login(world.admin)
    ui.goto(f"/o/nordby/brugere/{lise.pk}/", "member")
    ui.page.get_by_label("Rolle").select_option(label="Indkøber")
    ui.submit("Gem", "role-saved")
    invite(ui, "bo@nordby.dk", "Læser")
    ui.page.get_by_role("navigation", name="Moduler").get_by_role("link", name="Historik").click()
    ui.page.wait_for_url("**/o/nordby/historik/")
    ui.snap("log")

    assert ui.heading() == "Historik"
    log = ui.page.get_by_test_id("audit-log")
    newest, second = log.locator("tbody tr").nth(0), log.locator("tbody tr").nth(1)
    expect(newest).to_contain_text("anne@nordby.dk")
    expect(newest).to_contain_text("inviteret")
    expect(newest).to_contain_text("bo@nordby.dk")
    expect(second).to_contain_text("anne@nordby.dk")
    expect(second).to_contain_text("ændret")
    expect(second).to_contain_text("lise@nordby.dk")
    expect(second).to_contain_text("Rolle: Læser → Indkøber")
    # the setup of the world is there too: members and units were created
    expect(log).to_contain_text("oprettet")
    expect(log).to_contain_text("Plejecenter Solhaven, køkken")
    # and nothing from Sydby
    expect(log).not_to_contain_text("Sydby")
    assert ui.console_errors == []


def test_revoke_an_invitation(world, ui, settings, live_server):
    settings.OMLOB_BASE_URL = live_server.url
    ui.force_login(world.admin)
    ui.goto("/o/nordby/brugere/", "members")
    link = invite(ui, "fortrudt@nordby.dk", "Læser")

    invitations = ui.page.get_by_test_id("invitations")
    with ui.page.expect_navigation():
        invitations.get_by_role("row").filter(has_text="fortrudt@nordby.dk").get_by_role(
            "button", name="Annuller"
        ).click()
    ui.snap("revoked")
    assert "Invitationen til fortrudt@nordby.dk er annulleret." in ui.messages()
    expect(ui.page.get_by_test_id("invitations")).to_have_count(0)

    ui.submit("Log af", "logged-out")
    ui.goto(link, "link-revoked", status=404)
    assert ui.heading() == "Invitationen gælder ikke"
