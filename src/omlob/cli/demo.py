"""``omlob demo``: Demo Kommune with its structure and one user per role."""

from __future__ import annotations

import argparse
from typing import Any

from omlob.cli import emit


def register(sub: Any) -> None:
    p = sub.add_parser("demo", help="opret eller opdatér Demo Kommune med demobrugere")
    p.add_argument(
        "--lines", type=int, default=None, help="indkøbslinjer at lave (standard 30.000; 0 = ingen)"
    )
    p.add_argument("--year", type=int, default=None, help="år (standard: sidste hele kalenderår)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=demo)


def demo(args: argparse.Namespace) -> int:
    from omlob.organisations.demo import DEMO_PASSWORD, DEMO_USERS, create_demo
    from omlob.spend.demo import DEFAULT_LINES, last_full_year, load_demo_purchases

    org = create_demo()
    users = [{"username": u.username, "role": u.role} for u in DEMO_USERS]
    lines = DEFAULT_LINES if args.lines is None else args.lines
    year = args.year or last_full_year()
    purchases = load_demo_purchases(org, year=year, lines=lines) if lines > 0 else []
    emit(
        args,
        {
            "organisation": org.slug,
            "units": org.units.count(),
            "users": users,
            "password": DEMO_PASSWORD,
            "year": year,
            "purchases": purchases,
        },
        f"{org.name} ({org.slug}) har {org.units.count()} enheder. Demobrugere (adgangskode "
        f"{DEMO_PASSWORD}): " + ", ".join(f"{u.username} ({u.role})" for u in DEMO_USERS),
    )
    return 0
