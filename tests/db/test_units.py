"""Org units: tree paths, moves, codes, and the audit trail every change leaves."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from omlob.audit.models import AuditEvent
from omlob.audit.record import Actor, history_of
from omlob.core.codes import make_gln
from omlob.organisations import actions
from omlob.organisations.models import OrgUnit, UnitEAN

ACTOR = Actor.system("test")


def test_paths_follow_the_tree(world):
    units = world.units
    assert units["SOLK"].path.startswith(units["SOL"].path)
    assert units["SOL"].path.startswith(units["PLE"].path)
    assert units["SOLK"].depth == 3
    assert [a.code for a in units["SOLK"].ancestors()] == ["N-AS", "N-PLE", "N-SOL"]


def test_moving_a_unit_moves_its_subtree(world):
    units = world.units
    actions.update_unit(actor=ACTOR, unit=units["SOL"], parent=units["BU"])
    kitchen = OrgUnit.objects.get(pk=units["SOLK"].pk)
    assert kitchen.path.startswith(OrgUnit.objects.get(pk=units["BU"].pk).path)
    assert kitchen.depth == 2
    assert set(
        OrgUnit.objects.filter(path__startswith=units["BU"].path).values_list("code", flat=True)
    ) == {"N-BU", "N-SKO", "N-SOL", "N-SOLK"}


def test_a_unit_cannot_move_below_itself(world):
    units = world.units
    with pytest.raises(ValidationError):
        actions.update_unit(actor=ACTOR, unit=units["PLE"], parent=units["SOLK"])
    with pytest.raises(ValidationError):
        actions.update_unit(actor=ACTOR, unit=units["PLE"], parent=units["PLE"])


def test_a_parent_from_another_organisation_is_refused(world):
    with pytest.raises(ValidationError):
        actions.update_unit(actor=ACTOR, unit=world.units["SKO"], parent=world.sydby_units["BU"])


def test_an_ean_belongs_to_one_unit_per_organisation(world):
    taken = world.units["SOL"].eans.get().ean
    with pytest.raises(ValidationError, match=taken):
        actions.update_unit(actor=ACTOR, unit=world.units["LIN"], eans=[taken])
    # the same number in another organisation is that organisation's business
    actions.update_unit(actor=ACTOR, unit=world.sydby_units["SKO"], eans=[taken])
    assert UnitEAN.objects.filter(ean=taken).count() == 2


def test_an_invalid_ean_is_refused_with_a_danish_message(world):
    body = make_gln("579800177777")
    wrong = body[:-1] + str((int(body[-1]) + 1) % 10)
    with pytest.raises(Exception, match="kontrolciffer"):
        actions.update_unit(actor=ACTOR, unit=world.units["LIN"], eans=[wrong])


def test_every_change_is_in_the_history_with_who_and_what(world):
    unit = world.units["LIN"]
    actions.update_unit(
        actor=Actor.of_user(world.mette),
        unit=unit,
        name="Plejecenter Lindehøjen",
        cost_centres=["19999"],
    )
    events = list(history_of(unit))
    assert [e.action for e in events] == ["updated", "created"]
    latest = events[0]
    assert latest.actor == world.mette
    assert latest.actor_label == "mette@nordby.dk"
    assert latest.changes["name"] == ["Plejecenter Lindehøj", "Plejecenter Lindehøjen"]
    assert latest.changes["cost_centres"] == [["10005"], ["19999"]]
    assert latest.organisation == world.nordby


def test_saving_without_changes_writes_no_event(world):
    unit = world.units["LIN"]
    before = AuditEvent.objects.count()
    actions.update_unit(actor=ACTOR, unit=unit, name=unit.name)
    assert AuditEvent.objects.count() == before
