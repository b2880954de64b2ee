"""The business operations on organisations, units, members and tokens.

Views, the API and the CLI call these and never change the models directly. Each operation runs in
one transaction and writes its audit event in it (see :mod:`omlob.audit.record`).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from omlob.audit.record import Actor, diff, event, record_event, record_events
from omlob.core.codes import CodeError, normalise_cvr, normalise_gln
from omlob.core.orgstructure import EXPECTED_HEADERS, StructurePlan, parse_structure
from omlob.core.tabular import read_table
from omlob.organisations.models import (
    ApiToken,
    CostCentre,
    Invitation,
    Membership,
    Organisation,
    OrgUnit,
    UnitEAN,
    hash_secret,
)
from omlob.organisations.roles import Role

INVITATION_DAYS = 14


# --- organisations -------------------------------------------------------------------------


def _organisation_state(org: Organisation) -> dict[str, Any]:
    return {
        "name": org.name,
        "slug": org.slug,
        "kind": org.kind,
        "cvr": org.cvr,
        "inhabitants": org.inhabitants,
    }


@transaction.atomic
def create_organisation(
    *,
    actor: Actor,
    slug: str,
    name: str,
    kind: str = Organisation.Kind.MUNICIPALITY,
    cvr: str = "",
    inhabitants: int | None = None,
) -> Organisation:
    if Organisation.objects.filter(slug=slug).exists():
        raise ValidationError(
            _("Der findes allerede en organisation med det korte navn %(slug)s.") % {"slug": slug}
        )
    try:
        cvr = normalise_cvr(cvr) if cvr else ""
    except CodeError as exc:
        raise ValidationError({"cvr": str(exc)}) from exc
    org = Organisation(slug=slug, name=name, kind=kind, cvr=cvr, inhabitants=inhabitants)
    org.full_clean()
    org.save()
    record_event(
        organisation=org,
        actor=actor,
        action="created",
        obj=org,
        changes=diff({}, _organisation_state(org)),
    )
    return org


@transaction.atomic
def update_organisation(*, actor: Actor, org: Organisation, **values: Any) -> Organisation:
    before = _organisation_state(org)
    for key, value in values.items():
        setattr(org, key, value)
    org.full_clean()
    org.save()
    changes = diff(before, _organisation_state(org))
    if changes:
        record_event(organisation=org, actor=actor, action="updated", obj=org, changes=changes)
    return org


# --- units ---------------------------------------------------------------------------------


def _unit_state(
    unit: OrgUnit,
    *,
    parent_code: str | None = None,
    eans: Iterable[str] | None = None,
    cost_centres: Iterable[str] | None = None,
) -> dict[str, Any]:
    """What the history compares; related values are read from the database unless given."""
    if parent_code is None and unit.parent_id:
        parent_code = unit.parent.code
    if eans is None:
        eans = unit.eans.values_list("ean", flat=True) if unit.pk else ()
    if cost_centres is None:
        cost_centres = unit.cost_centres.values_list("code", flat=True) if unit.pk else ()
    return {
        "code": unit.code,
        "name": unit.name,
        "kind": unit.kind,
        "parent": parent_code,
        "active": unit.active,
        "eans": sorted(eans),
        "cost_centres": sorted(cost_centres),
    }


def _set_path(unit: OrgUnit) -> None:
    """Recompute the materialised paths after ``unit`` was created or moved (its subtree too)."""
    by_pk = {u.pk: u for u in OrgUnit.objects.filter(organisation_id=unit.organisation_id)}
    by_pk[unit.pk] = unit
    fields = ("path", "depth")
    loaded = {pk: (u.path, u.depth) for pk, u in by_pk.items()}
    _recompute_paths(by_pk)
    _write_tree_fields([u for pk, u in by_pk.items() if (u.path, u.depth) != loaded[pk]], fields)


def _check_code_free(unit: OrgUnit) -> None:
    """A unit's code is the organisation's key for it: no two units may share one."""
    clash = OrgUnit.objects.filter(organisation_id=unit.organisation_id, code=unit.code)
    if unit.pk:
        clash = clash.exclude(pk=unit.pk)
    if clash.exists():
        raise ValidationError(
            {"code": _("Koden %(code)s bruges allerede af en anden enhed.") % {"code": unit.code}}
        )


def _check_parent(unit: OrgUnit, parent: OrgUnit | None) -> None:
    if parent is None:
        return
    if parent.organisation_id != unit.organisation_id:
        raise ValidationError(
            {"parent": _("Den overordnede enhed hører til en anden organisation.")}
        )
    if unit.pk and (parent.pk == unit.pk or parent.path.startswith(unit.path)):
        raise ValidationError(
            {"parent": _("En enhed kan ikke placeres under sig selv eller sine underenheder.")}
        )


def _replace_codes(
    unit: OrgUnit,
    eans: Iterable[str] | None,
    cost_centres: Iterable[str] | None,
) -> None:
    org = unit.organisation
    if eans is not None:
        try:
            wanted = {normalise_gln(e) for e in eans}
        except CodeError as exc:
            raise ValidationError({"eans": str(exc)}) from exc
        taken = UnitEAN.objects.filter(organisation=org, ean__in=wanted).exclude(unit=unit)
        if taken.exists():
            other = taken.select_related("unit").first()
            raise ValidationError(
                {
                    "eans": _("EAN-nummeret %(ean)s tilhører allerede %(unit)s.")
                    % {"ean": other.ean, "unit": other.unit.name}
                }
            )
        unit.eans.exclude(ean__in=wanted).delete()
        have = set(unit.eans.values_list("ean", flat=True))
        UnitEAN.objects.bulk_create(
            [UnitEAN(organisation=org, unit=unit, ean=e) for e in sorted(wanted - have)]
        )
    if cost_centres is not None:
        wanted_cc = {c.strip() for c in cost_centres if c.strip()}
        taken_cc = CostCentre.objects.filter(organisation=org, code__in=wanted_cc).exclude(
            unit=unit
        )
        if taken_cc.exists():
            other_cc = taken_cc.select_related("unit").first()
            raise ValidationError(
                {
                    "cost_centres": _("Omkostningssted %(code)s tilhører allerede %(unit)s.")
                    % {"code": other_cc.code, "unit": other_cc.unit.name}
                }
            )
        unit.cost_centres.exclude(code__in=wanted_cc).delete()
        have_cc = set(unit.cost_centres.values_list("code", flat=True))
        CostCentre.objects.bulk_create(
            [CostCentre(organisation=org, unit=unit, code=c) for c in sorted(wanted_cc - have_cc)]
        )


@transaction.atomic
def create_unit(
    *,
    actor: Actor,
    organisation: Organisation,
    code: str,
    name: str,
    kind: str = "institution",
    parent: OrgUnit | None = None,
    eans: Sequence[str] = (),
    cost_centres: Sequence[str] = (),
    active: bool = True,
) -> OrgUnit:
    unit = OrgUnit(
        organisation=organisation,
        code=code.strip(),
        name=name.strip(),
        kind=kind,
        parent=parent,
        active=active,
    )
    _check_parent(unit, parent)
    _check_code_free(unit)
    unit.full_clean()
    unit.save()
    _set_path(unit)
    _replace_codes(unit, eans, cost_centres)
    record_event(
        organisation=organisation,
        actor=actor,
        action="created",
        obj=unit,
        changes=diff({}, _unit_state(unit)),
    )
    return unit


@transaction.atomic
def update_unit(
    *,
    actor: Actor,
    unit: OrgUnit,
    eans: Sequence[str] | None = None,
    cost_centres: Sequence[str] | None = None,
    note: str = "",
    **values: Any,
) -> OrgUnit:
    """Change a unit's fields (code, name, kind, parent, active), its EANs and cost centres."""
    unit = OrgUnit.objects.select_for_update().get(pk=unit.pk)
    before = _unit_state(unit)
    parent_changed = "parent" in values and (
        (values["parent"].pk if values["parent"] else None) != unit.parent_id
    )
    if parent_changed:
        _check_parent(unit, values["parent"])
    for key, value in values.items():
        setattr(unit, key, value)
    _check_code_free(unit)
    unit.full_clean()
    unit.save()
    if parent_changed:
        _set_path(unit)
    _replace_codes(unit, eans, cost_centres)
    changes = diff(before, _unit_state(unit))
    if changes:
        record_event(
            organisation=unit.organisation,
            actor=actor,
            action="updated",
            obj=unit,
            changes=changes,
            note=note,
        )
    return unit


@dataclass
class StructureImportResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.created) + len(self.updated) + len(self.unchanged)


def existing_structure(organisation: Organisation) -> dict[str, dict[str, Any]]:
    """What :func:`omlob.core.orgstructure.parse_structure` needs to know of the database."""
    units = OrgUnit.objects.filter(organisation=organisation).select_related("parent")
    codes = {u.code: (u.parent.code if u.parent_id else None) for u in units}
    eans = dict(UnitEAN.objects.filter(organisation=organisation).values_list("ean", "unit__code"))
    ccs = dict(
        CostCentre.objects.filter(organisation=organisation).values_list("code", "unit__code")
    )
    return {"existing_codes": codes, "existing_eans": eans, "existing_cost_centres": ccs}


def plan_structure_import(
    organisation: Organisation, data: bytes, filename: str, sheet: str | None = None
) -> StructurePlan:
    """Read and validate an uploaded structure file against the organisation's units.

    Raises :class:`omlob.core.tabular.TableError` when the file cannot be read as a table.
    """
    table = read_table(data, filename, sheet=sheet, expected_headers=EXPECTED_HEADERS)
    return parse_structure(table, **existing_structure(organisation))


@transaction.atomic
def import_structure(
    *,
    actor: Actor,
    organisation: Organisation,
    plan: StructurePlan,
    filename: str = "",
) -> StructureImportResult:
    """Apply a validated plan: create new units, update changed ones, never duplicate.

    The whole file lands or nothing does (one transaction). A column the file does not have
    leaves that field of existing units alone (a file of codes and names renames, it does not
    flatten the tree); EANs and cost centres of the units in the file become exactly those of
    the file when it has that column. Works in bulk (a constant number of queries per import,
    not per unit), since a large municipality has thousands of units.
    """
    if not plan.ok:
        raise ValidationError(_("Filen har fejl og er ikke importeret."))

    def has(column: str) -> bool:
        return not plan.columns or column in plan.columns

    note = _("Import af %(file)s") % {"file": filename}
    units = {
        u.code: u
        for u in OrgUnit.objects.select_for_update(of=("self",)).filter(organisation=organisation)
    }
    by_pk = {u.pk: u for u in units.values()}
    eans: dict[int, set[str]] = {}
    for unit_id, ean in UnitEAN.objects.filter(organisation=organisation).values_list(
        "unit_id", "ean"
    ):
        eans.setdefault(unit_id, set()).add(ean)
    ccs: dict[int, set[str]] = {}
    for unit_id, code in CostCentre.objects.filter(organisation=organisation).values_list(
        "unit_id", "code"
    ):
        ccs.setdefault(unit_id, set()).add(code)

    def state(unit: OrgUnit) -> dict[str, Any]:
        parent = by_pk.get(unit.parent_id) if unit.parent_id else None
        return _unit_state(
            unit,
            parent_code=parent.code if parent else None,
            eans=eans.get(unit.pk, ()),
            cost_centres=ccs.get(unit.pk, ()),
        )

    befores = {row.code: state(units[row.code]) for row in plan.units if row.code in units}
    new_units = [
        OrgUnit(organisation=organisation, code=row.code, name=row.name, kind=row.kind)
        for row in plan.units
        if row.code not in units
    ]
    for unit in new_units:  # the parser checked the rows; this guards the model's own rules
        unit.full_clean(
            exclude=["organisation", "parent"], validate_unique=False, validate_constraints=False
        )
    for unit in OrgUnit.objects.bulk_create(new_units):
        if unit.pk is None:  # databases without RETURNING: read the keys back
            unit.pk = OrgUnit.objects.get(organisation=organisation, code=unit.code).pk
        units[unit.code] = by_pk[unit.pk] = unit

    # fields, then the materialised paths of the whole tree from the parent links
    tree_fields = ("name", "kind", "parent_id", "path", "depth")
    loaded = {pk: tuple(getattr(u, f) for f in tree_fields) for pk, u in by_pk.items()}
    for row in plan.units:
        unit = units[row.code]
        unit.name = row.name
        if has("kind"):
            unit.kind = row.kind
        if has("parent_code") or row.code not in befores:
            unit.parent_id = units[row.parent_code].pk if row.parent_code else None
    _recompute_paths(by_pk)
    _write_tree_fields(
        [
            u
            for pk, u in by_pk.items()
            if tuple(getattr(u, f) for f in tree_fields) != loaded.get(pk)
        ],
        tree_fields,
    )

    # EANs and cost centres: remove what moves or goes first, then add
    wanted_eans = {units[r.code].pk: set(r.eans) for r in plan.units} if has("eans") else {}
    wanted_ccs = (
        {units[r.code].pk: set(r.cost_centres) for r in plan.units} if has("cost_centres") else {}
    )
    for model, field_name, have, wanted in (
        (UnitEAN, "ean", eans, wanted_eans),
        (CostCentre, "code", ccs, wanted_ccs),
    ):
        removed = [(pk, v) for pk, values in wanted.items() for v in have.get(pk, set()) - values]
        for pk, value in removed:
            model.objects.filter(
                organisation=organisation, unit_id=pk, **{field_name: value}
            ).delete()
            have[pk].discard(value)
        added = [(pk, v) for pk, values in wanted.items() for v in values - have.get(pk, set())]
        model.objects.bulk_create(
            [
                model(organisation=organisation, unit_id=pk, **{field_name: value})
                for pk, value in added
            ]
        )
        for pk, value in added:
            have.setdefault(pk, set()).add(value)

    result = StructureImportResult()
    events = []
    for row in plan.units:
        unit = units[row.code]
        before = befores.get(row.code, {})
        changes = diff(before, state(unit))
        action = "updated" if before else "created"
        if before and not changes:
            result.unchanged.append(row.code)
            continue
        (result.updated if before else result.created).append(row.code)
        events.append(
            event(
                organisation=organisation,
                actor=actor,
                action=action,
                obj=unit,
                changes=changes,
                note=note,
            )
        )
    events.append(
        event(
            organisation=organisation,
            actor=actor,
            action="imported",
            obj=organisation,
            changes={
                "created": [None, len(result.created)],
                "updated": [None, len(result.updated)],
                "unchanged": [None, len(result.unchanged)],
            },
            note=_("Organisationsstruktur fra %(file)s") % {"file": filename or "?"},
        )
    )
    record_events(events)
    return result


def _write_tree_fields(changed: list[OrgUnit], fields: tuple[str, ...]) -> None:
    """One prepared UPDATE for many units (Django's bulk_update builds slow CASE expressions)."""
    if not changed:
        return
    qn = connection.ops.quote_name
    columns = [OrgUnit._meta.get_field(f.removesuffix("_id")).column for f in fields]
    # identifiers come from the model's metadata, values are parameters
    sql = (
        f"UPDATE {qn(OrgUnit._meta.db_table)} SET "  # noqa: S608
        + ", ".join(f"{qn(c)} = %s" for c in [*columns, "updated_at"])
        + f" WHERE {qn('id')} = %s"
    )
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.executemany(sql, [(*(getattr(u, f) for f in fields), now, u.pk) for u in changed])


def _recompute_paths(by_pk: dict[int, OrgUnit]) -> None:
    """Set path and depth of every unit from its parent links."""
    done: dict[int, str] = {}

    def path_of(unit: OrgUnit) -> str:
        if unit.pk in done:
            return done[unit.pk]
        chain = [unit]
        while chain[-1].parent_id and chain[-1].parent_id not in done:
            chain.append(by_pk[chain[-1].parent_id])
            if len(chain) > len(by_pk):
                raise ValidationError(_("Cyklus i organisationsstrukturen."))
        prefix = done.get(chain[-1].parent_id, "") if chain[-1].parent_id else ""
        for node in reversed(chain):
            prefix = f"{prefix}{node.pk:010d}/"
            done[node.pk] = prefix
            node.path, node.depth = prefix, prefix.count("/") - 1
        return done[unit.pk]

    for unit in by_pk.values():
        path_of(unit)


# --- members and invitations ---------------------------------------------------------------


def _membership_state(m: Membership) -> dict[str, Any]:
    return {
        "user": m.user.get_username(),
        "role": m.role,
        "unit": m.unit.code if m.unit_id else None,
    }


def _check_membership(organisation: Organisation, role: str, unit: OrgUnit | None) -> None:
    if role == Role.UNIT_MANAGER and unit is None:
        raise ValidationError({"unit": _("En enhedsleder skal have en enhed.")})
    if unit is not None and unit.organisation_id != organisation.pk:
        raise ValidationError({"unit": _("Enheden hører til en anden organisation.")})


@transaction.atomic
def add_member(
    *, actor: Actor, organisation: Organisation, user: Any, role: str, unit: OrgUnit | None = None
) -> Membership:
    _check_membership(organisation, role, unit)
    membership, created = Membership.objects.get_or_create(
        user=user, organisation=organisation, defaults={"role": role, "unit": unit}
    )
    if not created:
        return change_membership(actor=actor, membership=membership, role=role, unit=unit)
    record_event(
        organisation=organisation,
        actor=actor,
        action="created",
        obj=membership,
        changes=diff({}, _membership_state(membership)),
    )
    return membership


def _last_admin(membership: Membership) -> bool:
    return (
        membership.role == Role.ADMIN
        and not Membership.objects.filter(organisation=membership.organisation, role=Role.ADMIN)
        .exclude(pk=membership.pk)
        .exists()
    )


@transaction.atomic
def change_membership(
    *, actor: Actor, membership: Membership, role: str, unit: OrgUnit | None
) -> Membership:
    _check_membership(membership.organisation, role, unit)
    if role != Role.ADMIN and _last_admin(membership):
        raise ValidationError(_("Organisationen skal have mindst én administrator."))
    before = _membership_state(membership)
    membership.role = role
    membership.unit = unit if role == Role.UNIT_MANAGER else None
    membership.save()
    changes = diff(before, _membership_state(membership))
    if changes:
        record_event(
            organisation=membership.organisation,
            actor=actor,
            action="updated",
            obj=membership,
            changes=changes,
        )
    return membership


@transaction.atomic
def remove_membership(*, actor: Actor, membership: Membership) -> None:
    if _last_admin(membership):
        raise ValidationError(_("Organisationen skal have mindst én administrator."))
    record_event(
        organisation=membership.organisation,
        actor=actor,
        action="deleted",
        obj=membership,
        changes=diff(_membership_state(membership), {}),
    )
    ApiToken.objects.filter(
        user=membership.user, organisation=membership.organisation, revoked_at__isnull=True
    ).update(revoked_at=timezone.now())
    membership.delete()


@transaction.atomic
def invite(
    *, actor: Actor, organisation: Organisation, email: str, role: str, unit: OrgUnit | None = None
) -> tuple[Invitation, str]:
    """Create an invitation; returns it with the secret token for the link (shown/sent once)."""
    _check_membership(organisation, role, unit)
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        organisation=organisation,
        email=email.strip().lower(),
        role=role,
        unit=unit if role == Role.UNIT_MANAGER else None,
        token_hash=hash_secret(token),
        invited_by=actor.user,
        expires_at=timezone.now() + timedelta(days=INVITATION_DAYS),
    )
    record_event(
        organisation=organisation,
        actor=actor,
        action="invited",
        obj=invitation,
        changes={"email": [None, invitation.email], "role": [None, role]},
    )
    return invitation, token


def open_invitation(token: str) -> Invitation | None:
    invitation = (
        Invitation.objects.select_related("organisation", "unit")
        .filter(token_hash=hash_secret(token))
        .first()
    )
    return invitation if invitation is not None and invitation.is_open else None


@transaction.atomic
def revoke_invitation(*, actor: Actor, invitation: Invitation) -> None:
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    record_event(
        organisation=invitation.organisation, actor=actor, action="revoked", obj=invitation
    )


def existing_user_for(invitation: Invitation) -> Any | None:
    """The account already registered with the invited address, if any."""
    return get_user_model().objects.filter(username__iexact=invitation.email).first()


@transaction.atomic
def accept_invitation(
    *, invitation: Invitation, user: Any | None = None, password: str | None = None
) -> Membership:
    """Join the organisation: as the logged-in ``user``, or as a new user with ``password``.

    An invitation never logs anyone in as an existing account: when a user with the invited
    address exists, they must log in first (the link alone proves nothing about the account).
    """
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_open:
        raise ValidationError(_("Invitationen er udløbet eller allerede brugt."))
    if user is None:
        if existing_user_for(invitation) is not None:
            raise ValidationError(
                _("Der findes allerede en bruger med denne e-mail. Log ind for at tage imod.")
            )
        user = get_user_model().objects.create_user(
            username=invitation.email, email=invitation.email, password=password
        )
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    actor = Actor.of_user(user)
    return add_member(
        actor=actor,
        organisation=invitation.organisation,
        user=user,
        role=invitation.role,
        unit=invitation.unit,
    )


# --- API tokens ----------------------------------------------------------------------------

TOKEN_PREFIX = "omlob_"  # noqa: S105 - a marker, not a secret


@transaction.atomic
def create_token(
    *, actor: Actor, membership: Membership, name: str, expires_at: Any = None
) -> tuple[ApiToken, str]:
    """A new personal API key for ``membership``; the key itself is returned only here."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=membership.user,
        organisation=membership.organisation,
        name=name.strip(),
        prefix=secret[: len(TOKEN_PREFIX) + 6],
        key_hash=hash_secret(secret),
        expires_at=expires_at,
    )
    record_event(
        organisation=membership.organisation,
        actor=actor,
        action="created",
        obj=token,
        changes={"name": [None, token.name]},
    )
    return token, secret


@transaction.atomic
def revoke_token(*, actor: Actor, token: ApiToken) -> None:
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    record_event(organisation=token.organisation, actor=actor, action="revoked", obj=token)
