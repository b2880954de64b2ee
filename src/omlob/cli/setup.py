"""``omlob setup`` and ``omlob check``: database, reference data, deployment checks."""

from __future__ import annotations

import argparse
from typing import Any

from omlob.cli import CliError, emit


def register(sub: Any) -> None:
    p = sub.add_parser("setup", help="migrér databasen og indlæs referencedata (sikker at gentage)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=setup)
    c = sub.add_parser("check", help="kontrollér installationen (Djangos system checks)")
    c.add_argument("--deploy", action="store_true", help="også produktionsindstillinger")
    c.add_argument(
        "--worker",
        action="store_true",
        help="kontrollér også, at en baggrundsarbejder tager imod opgaver",
    )
    c.add_argument("--timeout", type=float, default=30.0, help="sekunder at vente på arbejderen")
    c.set_defaults(handler=check)
    m = sub.add_parser("manage", help="kør en Django-administrationskommando", add_help=False)
    m.add_argument("rest", nargs=argparse.REMAINDER)
    m.set_defaults(handler=manage)


def setup(args: argparse.Namespace) -> int:
    from django.conf import settings
    from django.core.management import call_command

    from omlob.reference import load_reference_data

    settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
    call_command("migrate", interactive=False, verbosity=0)
    loaded = load_reference_data()
    database = settings.DATABASES["default"]
    emit(
        args,
        {
            "database": database["ENGINE"].rsplit(".", 1)[-1],
            "name": str(database["NAME"]),
            "data_dir": str(settings.DATA_DIR),
            "reference_data": loaded,
        },
        f"Databasen er klar ({database['ENGINE'].rsplit('.', 1)[-1]}: {database['NAME']}). "
        "Referencedata: "
        + (", ".join(f"{k} ({v})" for k, v in loaded.items()) or "intet at indlæse")
        + ".",
    )
    return 0


def check(args: argparse.Namespace) -> int:
    from django.core.management import call_command

    call_command("check", deploy=args.deploy, fail_level="WARNING")
    if args.worker:
        from omlob.health import worker_alive

        if not worker_alive(args.timeout):
            raise CliError(
                f"ingen baggrundsarbejder svarede inden for {args.timeout:g} sekunder "
                "(start den med 'omlob worker')"
            )
        print("Baggrundsarbejderen svarer.")
    return 0


def manage(args: argparse.Namespace) -> int:
    from django.core.management import execute_from_command_line

    execute_from_command_line(["omlob manage", *args.rest])
    return 0
