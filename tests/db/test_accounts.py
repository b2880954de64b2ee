"""Accounts: password reset by e-mail, password change, invitations through the pages."""

from __future__ import annotations

import re

from django.core import mail
from django.test import Client

from omlob.organisations.models import Membership


def test_password_reset_by_mail(world):
    client = Client()
    response = client.post("/konto/glemt/", {"email": "mette@nordby.dk"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["mette@nordby.dk"]
    link = re.search(r"https?://[^/]+(/konto/nulstil/\S+)", mail.outbox[0].body).group(1)
    form = client.get(link, follow=True)
    assert form.status_code == 200 and "Vælg ny adgangskode" in form.content.decode()
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "et-nyt-langt-kodeord-7", "new_password2": "et-nyt-langt-kodeord-7"},
    )
    assert done.status_code == 302
    login = Client().post(
        "/konto/log-ind/", {"username": "mette@nordby.dk", "password": "et-nyt-langt-kodeord-7"}
    )
    assert login.status_code == 302


def test_password_reset_for_an_unknown_address_sends_nothing_and_says_the_same(world):
    response = Client().post("/konto/glemt/", {"email": "ukendt@nordby.dk"})
    assert response.status_code == 302 and response["Location"] == "/konto/glemt/sendt/"
    assert mail.outbox == []


def test_invitation_through_the_pages(world, client):
    client.force_login(world.admin)
    response = client.post(
        "/o/nordby/brugere/", {"email": "ny@nordby.dk", "role": "viewer"}, follow=True
    )
    assert response.status_code == 200
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/invitation/\S+/)", mail.outbox[0].body).group(1)
    assert link in response.content.decode()  # shown once to the admin as well
    newcomer = Client()
    page = newcomer.get(link)
    assert "Invitation til Nordby Kommune" in page.content.decode()
    weak = newcomer.post(link, {"password1": "123", "password2": "123"})
    assert (
        weak.status_code == 200
        and not Membership.objects.filter(user__username="ny@nordby.dk").exists()
    )
    accepted = newcomer.post(
        link,
        {
            "first_name": "Ny",
            "last_name": "Kollega",
            "password1": "et-godt-langt-kodeord-9",
            "password2": "et-godt-langt-kodeord-9",
        },
    )
    assert accepted.status_code == 302 and accepted["Location"] == "/o/nordby/"
    membership = Membership.objects.get(user__username="ny@nordby.dk")
    assert membership.role == "viewer" and membership.user.get_full_name() == "Ny Kollega"
    assert newcomer.get("/o/nordby/").status_code == 200
    assert Client().get(link).status_code == 404  # used up


def test_password_change(world, client):
    client.force_login(world.lise)
    response = client.post(
        "/konto/adgangskode/",
        {
            "old_password": "korrekt-hest-batteri-42",
            "new_password1": "endnu-et-kodeord-55",
            "new_password2": "endnu-et-kodeord-55",
        },
    )
    assert response.status_code == 302
    world.lise.refresh_from_db()
    assert world.lise.check_password("endnu-et-kodeord-55")


def test_an_invitation_never_logs_in_as_an_existing_account(world, client):
    """Sydby's admin invites Nordby's Mette by address; the link must not open her account."""
    from omlob.audit.record import Actor
    from omlob.organisations import actions

    _invitation, token = actions.invite(
        actor=Actor.of_user(world.sven),
        organisation=world.sydby,
        email="mette@nordby.dk",
        role="admin",
    )
    stranger = Client()
    page = stranger.get(f"/invitation/{token}/")
    assert "Log ind" in page.content.decode() and "password1" not in page.content.decode()
    attempt = stranger.post(
        f"/invitation/{token}/",
        {"password1": "overtaget-konto-123", "password2": "overtaget-konto-123"},
    )
    assert attempt.status_code == 200
    assert "_auth_user_id" not in stranger.session
    world.mette.refresh_from_db()
    assert not world.mette.check_password("overtaget-konto-123")
    assert not Membership.objects.filter(user=world.mette, organisation=world.sydby).exists()
    # Mette herself logs in and accepts
    client.force_login(world.mette)
    assert client.post(f"/invitation/{token}/").status_code == 302
    assert Membership.objects.filter(user=world.mette, organisation=world.sydby).exists()


def test_organisation_settings_change_is_in_the_history(world, client):
    from omlob.audit.record import history_of

    client.force_login(world.admin)
    response = client.post(
        "/o/nordby/indstillinger/",
        {"name": "Nordby Kommune", "kind": "kommune", "cvr": "29189579", "inhabitants": "62000"},
    )
    assert response.status_code == 302
    latest = history_of(world.nordby).first()
    assert latest.action == "updated" and latest.changes == {"inhabitants": [61234, 62000]}
