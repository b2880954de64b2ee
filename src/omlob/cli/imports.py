"""``omlob import`` and ``omlob batch …``: purchase data from the command line.

The same code as the web import (:mod:`omlob.spend.actions`) runs here in the foreground with
a progress bar on the terminal, so a scheduled nightly import and a user's upload give the
same batch, the same quarantine and the same refusal of a file imported before.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from omlob.cli import CliError, ProgressBar, emit, organisation, system_actor


def register(sub: Any) -> None:
    p = sub.add_parser(
        "import",
        help="importér indkøbsdata (CSV, XLSX, OIOUBL/PEPPOL-XML eller zip med fakturaer)",
    )
    p.add_argument("--org", required=True, metavar="SLUG")
    p.add_argument("--profile", metavar="NAME", help="gemt kolonnekortlægning at bruge")
    p.add_argument("--save-profile", metavar="NAME", help="gem den automatiske kortlægning")
    p.add_argument("--currency", default="", help="valuta for beløb uden valuta (standard DKK)")
    p.add_argument("--decimal", choices=[",", "."], help="decimaltegn (standard: genkendes)")
    p.add_argument("--sheet", default="", help="arkets navn i en Excel-fil")
    p.add_argument("--replace", type=int, metavar="BATCH", help="erstat en tidligere batch")
    p.add_argument("--json", action="store_true")
    p.add_argument("files", metavar="FILE", nargs="+", type=Path)
    p.set_defaults(handler=import_)

    batch = sub.add_parser("batch", help="importerede batcher")
    batch_sub = batch.add_subparsers(dest="batch_command", metavar="KOMMANDO", required=True)
    p = batch_sub.add_parser("list", help="en organisations batcher")
    p.add_argument("--org", required=True, metavar="SLUG")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=batch_list)
    p = batch_sub.add_parser("delete", help="slet en batch og alle dens linjer")
    p.add_argument("--org", required=True, metavar="SLUG")
    p.add_argument("batch", type=int)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=batch_delete)


def import_(args: argparse.Namespace) -> int:
    from django.core.exceptions import ValidationError

    from omlob.spend import actions
    from omlob.spend.models import Batch, ImportJob, MappingProfile

    org = organisation(args.org)
    profile = None
    if args.profile:
        profile = MappingProfile.objects.filter(organisation=org, name=args.profile).first()
        if profile is None:
            names = ", ".join(
                MappingProfile.objects.filter(organisation=org).values_list("name", flat=True)
            )
            raise CliError(
                f"kortlægningen {args.profile!r} findes ikke i {org.slug}"
                + (f" (gemte: {names})" if names else " (der er ingen gemte kortlægninger)")
            )
    replaces = None
    if args.replace is not None:
        replaces = Batch.objects.filter(organisation=org, pk=args.replace).first()
        if replaces is None:
            raise CliError(f"batch {args.replace} findes ikke i {org.slug}")
    for path in args.files:
        if not path.is_file():
            raise CliError(f"filen {str(path)!r} findes ikke")
    handles = [path.open("rb") for path in args.files]
    try:
        job = actions.create_job(
            actor=system_actor(),
            org=org,
            uploads=[actions.Upload(p.name, h) for p, h in zip(args.files, handles, strict=True)],
            currency=args.currency,
            decimal=args.decimal or "",
            sheet=args.sheet,
            profile=profile,
            replaces=replaces,
        )
    except ValidationError as exc:
        raise CliError(" ".join(exc.messages)) from exc
    finally:
        for handle in handles:
            handle.close()
    if job.status == ImportJob.Status.DRAFT:
        problems = []
        for entry in job.files:
            if entry.get("kind") == "ubl":
                continue
            header = entry.get("header", [])
            mapped = set((entry.get("mapping") or {}).values())
            unmapped = [name for index, name in enumerate(header) if index not in mapped]
            missing = entry.get("missing") or []
            problems.append(
                f"{entry['name']}: mangler kolonne til {'; '.join(missing) or '?'}; "
                f"kolonner der ikke blev genkendt: {', '.join(unmapped) or '(ingen)'}"
            )
        job.delete()
        raise CliError(
            "kolonnerne kunne ikke kortlægges automatisk. "
            + " | ".join(problems)
            + ". Gem en kortlægning i webben (Indkøbsdata → Importér) og brug "
            "--profile NAVN, eller omdøb kolonnerne."
        )
    if args.save_profile:
        for index, entry in enumerate(job.files):
            if entry.get("kind") != "ubl":
                actions.confirm_mapping(
                    actor=system_actor(),
                    job=job,
                    index=index,
                    mapping={k: int(v) for k, v in entry["mapping"].items()},
                    profile_name=args.save_profile,
                )
    bar = ProgressBar(enabled=sys.stderr.isatty())
    try:
        job = actions.run_job(job.pk, progress=bar)
    finally:
        bar.close()
    if job.status != ImportJob.Status.DONE:
        raise CliError(job.message or "importen mislykkedes")
    result = job.result
    data = {
        "batch": result["batch"],
        "accepted": result["accepted"],
        "rejected": result["rejected"],
        "duplicates": result["duplicates"],
        "unmapped_units": result["unmapped_units"],
        "unmapped_lines": result["unmapped_lines"],
        "total_dkk": result["total_dkk"],
        "first_date": result["first_date"],
        "last_date": result["last_date"],
        "seconds": result.get("seconds"),
        "files": [
            {k: f.get(k) for k in ("name", "kind", "rows", "rejected", "profile", "mapping")}
            for f in job.files
        ],
    }
    emit(
        args,
        data,
        f"Batch {data['batch']}: {data['accepted']} linjer importeret, {data['rejected']} "
        f"afvist, {data['duplicates']} dubletter, {data['unmapped_units']} ukendte "
        f"enhedskoder ({data['unmapped_lines']} linjer). I alt {data['total_dkk']} kr.",
    )
    return 0


def batch_list(args: argparse.Namespace) -> int:
    from omlob.spend.models import Batch

    org = organisation(args.org)
    rows = [
        {
            "batch": b.pk,
            "created_at": b.created_at.isoformat(),
            "files": b.file_names,
            "accepted": b.accepted,
            "rejected": b.rejected,
            "duplicates": b.duplicates,
            "total_dkk": str(b.total_dkk),
        }
        for b in Batch.objects.filter(organisation=org)
    ]
    text = "\n".join(
        f"{r['batch']:>6}  {r['accepted']:>9} linjer  {r['rejected']:>6} afvist  {r['files']}"
        for r in rows
    )
    emit(args, rows, text or "Ingen batcher.")
    return 0


def batch_delete(args: argparse.Namespace) -> int:
    from omlob.spend import actions
    from omlob.spend.models import Batch

    org = organisation(args.org)
    batch = Batch.objects.filter(organisation=org, pk=args.batch).first()
    if batch is None:
        raise CliError(f"batch {args.batch} findes ikke i {org.slug}")
    actions.delete_batch(actor=system_actor(), batch=batch)
    emit(args, {"deleted": args.batch}, f"Batch {args.batch} er slettet.")
    return 0
