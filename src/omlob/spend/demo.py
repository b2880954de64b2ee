"""Demo purchase data: a year of Demo Kommune's purchases in the formats municipalities have.

``omlob demo`` (and so ``make run``) writes the synthetic year as the files a municipality
would really receive — the financial system's creditor export as Danish-Excel CSV, a web
system's UTF-8 CSV, a spreadsheet, and e-invoices from NemHandel (OIOUBL) and PEPPOL in a
zip — and imports each through the normal import, so the demo shows the real path,
quarantine and all. Files are deterministic, so running it again finds them already
imported and changes nothing.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError

from omlob.audit.record import Actor
from omlob.classification.masterdata import store_trades
from omlob.organisations.demo import demo_rows
from omlob.organisations.models import Organisation
from omlob.spend import actions, storage
from omlob.spend.models import ImportJob
from omlob.synthetic.catalogue import SUPPLIERS
from omlob.synthetic.generate import SynthInvoice, buyers_from_units, generate_invoices
from omlob.synthetic.writers import write_csv, write_ubl_zip, write_xlsx

#: Lines per demo year when nothing else is asked for: enough for every page to have data,
#: small enough for ``make run`` to start in seconds.
DEFAULT_LINES = 30_000


def last_full_year(today: datetime.date | None = None) -> int:
    return (today or datetime.date.today()).year - 1


@dataclass(frozen=True)
class DemoFile:
    """One demo file: its name, which invoices (by position modulo 10) and how to write it."""

    name: str
    shares: frozenset[int]
    write: Callable[[Iterator[SynthInvoice], Path], int]


def _files(year: int) -> list[DemoFile]:
    return [
        DemoFile(
            f"kreditorposter-{year}.csv",
            frozenset({0, 1, 2, 3, 4}),
            lambda inv, path: write_csv(inv, path, "excel-da", mess=0.003, seed=year),
        ),
        DemoFile(
            f"indkobssystem-{year}.csv",
            frozenset({5}),
            lambda inv, path: write_csv(inv, path, "web-utf8", seed=year),
        ),
        DemoFile(
            f"institutionsindkob-{year}.xlsx",
            frozenset({6}),
            lambda inv, path: write_xlsx(inv, path, seed=year),
        ),
        DemoFile(
            f"nemhandel-fakturaer-{year}.zip",
            frozenset({7, 8}),
            lambda inv, path: write_ubl_zip(inv, path, "oioubl"),
        ),
        DemoFile(
            f"peppol-fakturaer-{year}.zip",
            frozenset({9}),
            lambda inv, path: write_ubl_zip(inv, path, "peppol"),
        ),
    ]


def _select(invoices: Iterator[SynthInvoice], shares: frozenset[int]) -> Iterator[SynthInvoice]:
    for position, invoice in enumerate(invoices):
        if position % 10 in shares:
            yield invoice


def write_demo_files(folder: Path, year: int, lines: int) -> list[Path]:
    """Write the demo year's files (each invoice goes to exactly one file)."""
    folder.mkdir(parents=True, exist_ok=True)
    buyers = buyers_from_units(demo_rows())
    paths = []
    for spec in _files(year):
        path = folder / spec.name
        invoices = generate_invoices(buyers, year, lines)
        spec.write(_select(invoices, spec.shares), path)
        paths.append(path)
    return paths


def load_demo_purchases(
    org: Organisation, *, year: int | None = None, lines: int = DEFAULT_LINES
) -> list[dict[str, Any]]:
    """Write and import the demo year; files imported before are skipped."""
    year = year or last_full_year()
    folder = storage.data_dir() / "demo" / f"{year}-{lines}"
    if not folder.exists() or not any(folder.iterdir()):
        write_demo_files(folder, year, lines)
    actor = Actor.system("demodata")
    store_trades(org, {s.cvr: (s.name, s.nace) for s in SUPPLIERS if s.cvr and s.nace})
    results = []
    for spec in _files(year):
        path = folder / spec.name
        try:
            with path.open("rb") as handle:
                job = actions.create_job(
                    actor=actor, org=org, uploads=[actions.Upload(spec.name, handle)]
                )
        except ValidationError as exc:
            results.append({"file": spec.name, "skipped": " ".join(exc.messages)})
            continue
        if job.status == ImportJob.Status.DRAFT:
            job.delete()
            results.append({"file": spec.name, "skipped": "kolonnerne blev ikke genkendt"})
            continue
        job = actions.run_job(job.pk)
        results.append({"file": spec.name, "status": job.status, **job.result})
    return results
