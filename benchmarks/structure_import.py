"""Time the org-structure import for a large municipality (hundreds of units), first and again.

Usage: OMLOB_VAR_DIR=/tmp/omlob-bench .venv/bin/python benchmarks/structure_import.py [UNITS]
Prints the seconds for parsing + validating and for importing, new and re-imported (no changes).
"""

from __future__ import annotations

import os
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "omlob.settings")
os.environ.setdefault("OMLOB_VAR_DIR", "/tmp/omlob-bench")  # noqa: S108 - a benchmark

import django

django.setup()

from django.core.management import call_command  # noqa: E402

from omlob.audit.record import Actor  # noqa: E402
from omlob.core.codes import make_gln  # noqa: E402
from omlob.core.orgstructure import EXPECTED_HEADERS, parse_structure  # noqa: E402
from omlob.core.tabular import read_table  # noqa: E402
from omlob.organisations import actions  # noqa: E402
from omlob.organisations.models import Organisation  # noqa: E402


def structure_csv(units: int) -> bytes:
    lines = ["Enhedskode;Navn;Type;Overordnet;EAN;Omkostningssted"]
    per_area = 10
    n = 0
    for f in range(6):
        lines.append(f"F{f};Forvaltning {f};forvaltning;;;8{f:02d}")
        for a in range(max(1, units // (6 * per_area))):
            lines.append(f"F{f}-A{a};Område {f}.{a};omraade;F{f};;7{f:02d}{a:03d}")
            for i in range(per_area):
                n += 1
                ean = make_gln(f"5798{n:08d}")
                lines.append(
                    f"F{f}-A{a}-{i};Institution {n} æøå;institution;F{f}-A{a};{ean};9{n:05d}"
                )
    return ("\n".join(lines) + "\n").encode("cp1252")


def main() -> None:
    units = int(sys.argv[1]) if len(sys.argv) > 1 else 600
    call_command("migrate", verbosity=0)
    slug = f"bench-{Organisation.objects.count() + 1}"
    org = actions.create_organisation(actor=Actor.system("bench"), slug=slug, name="Bench")
    data = structure_csv(units)
    for label in ("new", "again"):
        start = time.perf_counter()
        table = read_table(data, "bench.csv", expected_headers=EXPECTED_HEADERS)
        plan = parse_structure(table, **actions.existing_structure(org))
        parsed = time.perf_counter() - start
        if not plan.ok:
            sys.exit("\n".join(str(e) for e in plan.errors[:5]))
        start = time.perf_counter()
        result = actions.import_structure(actor=Actor.system("bench"), organisation=org, plan=plan)
        imported = time.perf_counter() - start
        print(
            f"{label:>5}: {len(plan.units)} units, parse+validate {parsed:.2f} s, "
            f"import {imported:.2f} s (created {len(result.created)}, "
            f"unchanged {len(result.unchanged)})"
        )


if __name__ == "__main__":
    main()
