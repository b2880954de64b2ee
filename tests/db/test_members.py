"""Members, invitations and API tokens."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from omlob.audit.record import Actor
from omlob.organisations import actions
from omlob.organisations.models import ApiToken, Membership, hash_secret
from omlob.organisations.roles import Role

ACTOR = Actor.system("test")


def test_the_last_admin_cannot_be_demoted_or_removed(world):
    admin = world.membership(world.admin)
    with pytest.raises(ValidationError, match="administrator"):
        actions.change_membership(actor=ACTOR, membership=admin, role=Role.VIEWER, unit=None)
    with pytest.raises(ValidationError, match="administrator"):
        actions.remove_membership(actor=ACTOR, membership=admin)
    actions.change_membership(
        actor=ACTOR, membership=world.membership(world.lise), role=Role.ADMIN, unit=None
    )
    actions.remove_membership(actor=ACTOR, membership=admin)
    assert not Membership.objects.filter(user=world.admin, organisation=world.nordby).exists()


def test_a_unit_manager_needs_a_unit_of_the_same_organisation(world):
    with pytest.raises(ValidationError):
        actions.change_membership(
            actor=ACTOR, membership=world.membership(world.lise), role=Role.UNIT_MANAGER, unit=None
        )
    with pytest.raises(ValidationError):
        actions.change_membership(
            actor=ACTOR,
            membership=world.membership(world.lise),
            role=Role.UNIT_MANAGER,
            unit=world.sydby_units["SOLK"],
        )


def test_invitation_creates_user_and_membership_once(world):
    invitation, token = actions.invite(
        actor=Actor.of_user(world.admin),
        organisation=world.nordby,
        email="Ny.Kok@Nordby.dk",
        role=Role.UNIT_MANAGER,
        unit=world.units["SOLK"],
    )
    assert invitation.token_hash == hash_secret(token) and token not in invitation.token_hash
    assert actions.open_invitation(token) == invitation
    membership = actions.accept_invitation(invitation=invitation, password="et-langt-kodeord-1")
    assert membership.user.username == "ny.kok@nordby.dk"
    assert membership.role == Role.UNIT_MANAGER and membership.unit == world.units["SOLK"]
    assert actions.open_invitation(token) is None
    with pytest.raises(ValidationError):
        actions.accept_invitation(invitation=invitation, password="et-langt-kodeord-1")


def test_revoked_invitation_is_not_open(world):
    invitation, token = actions.invite(
        actor=ACTOR, organisation=world.nordby, email="x@nordby.dk", role=Role.VIEWER
    )
    actions.revoke_invitation(actor=ACTOR, invitation=invitation)
    assert actions.open_invitation(token) is None
    assert actions.open_invitation("not-a-token") is None


def test_tokens_are_stored_hashed_and_die_with_the_membership(world):
    token, secret = actions.create_token(
        actor=ACTOR, membership=world.membership(world.lise), name="Power BI"
    )
    assert secret.startswith("omlob_") and secret not in token.key_hash
    assert ApiToken.objects.active().filter(pk=token.pk).exists()
    actions.remove_membership(actor=ACTOR, membership=world.membership(world.lise))
    assert not ApiToken.objects.active().filter(pk=token.pk).exists()
