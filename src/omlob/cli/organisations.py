"""``omlob org …`` and ``omlob user add``: organisations, their units and members."""

from __future__ import annotations

import argparse
import secrets
from pathlib import Path
from typing import Any

from omlob.cli import CliError, emit, organisation, system_actor


def register(sub: Any) -> None:
    org = sub.add_parser("org", help="organisationer og deres enheder")
    org_sub = org.add_subparsers(dest="org_command", metavar="KOMMANDO", required=True)

    p = org_sub.add_parser("create", help="opret en organisation")
    p.add_argument("--slug", required=True, help="kort navn til adresser, fx 'aalborg'")
    p.add_argument("--name", required=True)
    p.add_argument("--kind", default="kommune", choices=["kommune", "region", "faellesskab"])
    p.add_argument("--cvr", default="")
    p.add_argument("--inhabitants", type=int)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=create)

    p = org_sub.add_parser("list", help="organisationer med antal enheder")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=list_)

    p = org_sub.add_parser("units", help="en organisations enheder")
    p.add_argument("--org", required=True, metavar="SLUG")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=units)

    p = org_sub.add_parser("import-units", help="importér organisationsstrukturen fra CSV/XLSX")
    p.add_argument("--org", required=True, metavar="SLUG")
    p.add_argument("file", metavar="FILE", type=Path)
    p.add_argument("--sheet", help="arkets navn i en Excel-fil (standard: det første)")
    p.add_argument("--dry-run", action="store_true", help="kontrollér kun, importér ikke")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=import_units)

    user = sub.add_parser("user", help="brugere")
    user_sub = user.add_subparsers(dest="user_command", metavar="KOMMANDO", required=True)
    p = user_sub.add_parser("add", help="opret en bruger (eller giv en eksisterende adgang)")
    p.add_argument("--org", required=True, metavar="SLUG")
    p.add_argument("--email", required=True)
    p.add_argument(
        "--role", required=True, choices=["admin", "procurement", "unit_manager", "viewer"]
    )
    p.add_argument("--unit", metavar="KODE", help="enhedens kode (for enhedsledere)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=user_add)


def create(args: argparse.Namespace) -> int:
    from django.core.validators import validate_slug

    from omlob.core.codes import CodeError
    from omlob.organisations import actions

    try:
        validate_slug(args.slug)
    except Exception as exc:
        raise CliError(f"--slug '{args.slug}' må kun indeholde bogstaver a-z, tal, - og _") from exc
    try:
        org = actions.create_organisation(
            actor=system_actor(),
            slug=args.slug,
            name=args.name,
            kind=args.kind,
            cvr=args.cvr,
            inhabitants=args.inhabitants,
        )
    except CodeError as exc:
        raise CliError(str(exc)) from exc
    emit(
        args,
        {"slug": org.slug, "name": org.name, "id": org.pk},
        f"Organisationen {org.name} ({org.slug}) er oprettet.",
    )
    return 0


def list_(args: argparse.Namespace) -> int:
    from django.db.models import Count

    from omlob.organisations.models import Organisation

    orgs = Organisation.objects.annotate(unit_count=Count("units")).order_by("slug")
    data = [
        {
            "slug": o.slug,
            "name": o.name,
            "kind": o.kind,
            "cvr": o.cvr,
            "inhabitants": o.inhabitants,
            "units": o.unit_count,
        }
        for o in orgs
    ]
    text = "\n".join(f"{o['slug']:<20} {o['name']:<40} {o['units']:>6} enheder" for o in data)
    emit(args, data, text or "Ingen organisationer endnu (opret med 'omlob org create').")
    return 0


def units(args: argparse.Namespace) -> int:
    from omlob.organisations.models import OrgUnit

    org = organisation(args.org)
    qs = (
        OrgUnit.objects.filter(organisation=org)
        .select_related("parent")
        .prefetch_related("eans", "cost_centres")
    )
    data = [
        {
            "code": u.code,
            "name": u.name,
            "kind": u.kind,
            "parent": u.parent.code if u.parent_id else None,
            "active": u.active,
            "eans": [e.ean for e in u.eans.all()],
            "cost_centres": [c.code for c in u.cost_centres.all()],
        }
        for u in qs
    ]
    text = "\n".join(
        f"{'  ' * u.depth}{u.name} [{u.code}, {u.get_kind_display()}]"
        + (f" EAN {', '.join(e.ean for e in u.eans.all())}" if u.eans.all() else "")
        for u in qs
    )
    emit(args, data, text or f"{org.name} har ingen enheder endnu.")
    return 0


def import_units(args: argparse.Namespace) -> int:
    from omlob.core.tabular import TableError
    from omlob.organisations import actions

    org = organisation(args.org)
    if not args.file.is_file():
        raise CliError(f"filen {args.file} findes ikke")
    try:
        plan = actions.plan_structure_import(
            org, args.file.read_bytes(), args.file.name, args.sheet
        )
    except TableError as exc:
        raise CliError(f"{args.file.name}: {exc}") from exc
    if not plan.ok:
        errors = [
            {"row": e.row, "column": e.column, "value": e.value, "message": e.message}
            for e in plan.errors
        ]
        if args.json:
            emit(args, {"imported": False, "errors": errors}, "")
        else:
            for e in plan.errors:
                print(f"{args.file.name}: {e}")
        raise CliError(f"{args.file.name} har {len(plan.errors)} fejl; intet er importeret")
    if args.dry_run:
        emit(
            args,
            {"imported": False, "units": len(plan.units), "errors": []},
            f"{args.file.name} er i orden: {len(plan.units)} enheder kan importeres.",
        )
        return 0
    result = actions.import_structure(
        actor=system_actor(), organisation=org, plan=plan, filename=args.file.name
    )
    emit(
        args,
        {
            "imported": True,
            "created": len(result.created),
            "updated": len(result.updated),
            "unchanged": len(result.unchanged),
        },
        f"{args.file.name}: {len(result.created)} nye, {len(result.updated)} ændrede, "
        f"{len(result.unchanged)} uændrede enheder.",
    )
    return 0


def user_add(args: argparse.Namespace) -> int:
    from django.contrib.auth import get_user_model
    from django.core.validators import validate_email

    from omlob.organisations import actions
    from omlob.organisations.models import OrgUnit

    org = organisation(args.org)
    try:
        validate_email(args.email)
    except Exception as exc:
        raise CliError(f"'{args.email}' er ikke en gyldig e-mailadresse") from exc
    unit = None
    if args.unit:
        unit = OrgUnit.objects.filter(organisation=org, code=args.unit).first()
        if unit is None:
            raise CliError(f"enheden med koden '{args.unit}' findes ikke i {org.slug}")
    model = get_user_model()
    user = model.objects.filter(username__iexact=args.email).first()
    password = None
    if user is None:
        password = secrets.token_urlsafe(12)
        user = model.objects.create_user(
            username=args.email.lower(), email=args.email.lower(), password=password
        )
    actions.add_member(actor=system_actor(), organisation=org, user=user, role=args.role, unit=unit)
    emit(
        args,
        {
            "username": user.get_username(),
            "organisation": org.slug,
            "role": args.role,
            "password": password,
        },
        f"{user.get_username()} er {args.role} i {org.slug}."
        + (f" Midlertidig adgangskode: {password}" if password else ""),
    )
    return 0
