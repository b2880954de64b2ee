"""Time the whole import of a zip of e-invoices on one core against bare lxml parsing.

Usage: .venv/bin/python benchmarks/ubl_import.py [--invoices 10000] [--keep DIR] [--repeats 3]

Writes a zip of N synthetic e-invoices (``omlob.synthetic``: one municipality's invoices,
alternately in OIOUBL 2.1 and PEPPOL BIS 3 dress, credit notes and foreign currencies
included; kept and reused with ``--keep DIR``), pins the process to one core where the OS
allows it and runs DuckDB on one thread (``ImportOptions(threads=1)``), then reports, each
the best of ``--repeats``:

* Omløb's whole import: ``inspect`` + ``PurchaseImport.add`` + ``finish`` (safe zip reading,
  UBL parsing, the staging SQL, duplicates, lines and rejects written as Parquet), in
  invoices and lines per second, with a per-stage breakdown; the goal is 2,000 invoices/s;
* the floor: ``zipfile.ZipFile.read`` + ``lxml.etree.fromstring`` of every member;

and the ratio of the two; for reference also the source stream alone (``row_batches``: zip
reading, UBL parsing and Arrow batches, no SQL), which tells the Python side of ``add()`` from
the staging SQL.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from lxml import etree

from omlob.core.codes import make_gln
from omlob.core.purchase_import import ImportOptions, ImportResult, Lookups, PurchaseImport
from omlob.core.purchase_sources import inspect, row_batches
from omlob.synthetic import Buyer, SynthInvoice, generate_invoices, write_ubl_zip

YEAR = 2025
SEED = 2026
FLAVOURS = ("oioubl", "peppol")
KINDS = ["kitchen"] * 25 + ["school"] * 10 + ["office"] * 15 + ["care_home"] * 10
KINDS += ["daycare"] * 10 + ["other"] * 5


def buyers() -> list[Buyer]:
    return [
        Buyer(f"Enhed {n}", kind, make_gln(f"5798009{n:05d}"), str(10000 + n))
        for n, kind in enumerate(KINDS)
    ]


def invoices(count: int) -> Iterator[SynthInvoice]:
    """``count`` invoices spread over the year, each other one in the other UBL flavour."""
    units = buyers()
    per_invoice = 20_000 / max(sum(1 for _ in generate_invoices(units, YEAR, 20_000, SEED)), 1)
    budget = int(count * per_invoice * 1.1) + 100
    while True:
        year = list(generate_invoices(units, YEAR, budget, SEED))
        if len(year) >= count:
            break
        budget *= 2
    picked = [year[index * len(year) // count] for index in range(count)]
    for number, invoice in enumerate(picked):
        # write_ubl_zip writes each invoice in its supplier's flavour: alternate it.
        flavour = FLAVOURS[number % 2]
        invoice.supplier = dataclasses.replace(invoice.supplier, flavour=flavour)
        yield invoice


def synthetic_zip(directory: Path, count: int) -> tuple[Path, float | None]:
    """The archive (reused when already in ``directory``) and the seconds to write it."""
    path = directory / f"einvoices-{count}-seed{SEED}.zip"
    if path.exists():
        return path, None
    directory.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    partial = path.with_name(path.name + ".partial")
    write_ubl_zip(invoices(count), partial)
    partial.replace(path)
    return path, time.perf_counter() - start


class Stages:
    """Timestamps of stage changes: our own marks plus the import's progress callback."""

    def __init__(self) -> None:
        self.marks: list[tuple[float, str]] = []

    def mark(self, label: str) -> None:
        if not self.marks or self.marks[-1][1] != label:
            self.marks.append((time.perf_counter(), label))

    def progress(self, stage: str, fraction: float) -> None:
        self.mark(ADD_LABEL if stage.startswith("Læser") else stage)

    def rows(self) -> list[tuple[str, float]]:
        return [
            (label, later - start)
            for (start, label), (later, _) in zip(self.marks, self.marks[1:], strict=False)
        ]


ADD_LABEL = "add(): 'Læser …' = zip + UBL parsing + staging SQL"


def omlob_import(path: Path, workdir: Path, options: ImportOptions, stages: Stages) -> ImportResult:
    """One whole import as the application runs it, into a new work directory."""
    workdir.mkdir(parents=True)
    stages.mark("inspect()")
    info = inspect(path, path.name)
    stages.mark("PurchaseImport(): DuckDB, unit aliases, rate table")
    with PurchaseImport(workdir / "work", options, stages.progress) as imp:
        stages.mark(ADD_LABEL)
        imp.add(path, path.name, info, None)
        result = imp.finish(
            Lookups(organisation_id=1), 1, workdir / "lines.parquet", workdir / "rejects.parquet"
        )
        stages.mark("close()")
    stages.mark("end")
    return result


def bare_parse(path: Path) -> int:
    """zipfile + lxml and nothing else: read and parse every member."""
    elements = 0
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            elements += len(etree.fromstring(archive.read(info)))
    return elements


def best_of(repeats: int, run: Callable[[], Any]) -> tuple[float, Any]:
    """Fastest of ``repeats`` runs (seconds) and what that run returned."""
    best, result = float("inf"), None
    for _ in range(repeats):
        start = time.perf_counter()
        value = run()
        seconds = time.perf_counter() - start
        if seconds < best:
            best, result = seconds, value
    return best, result


def pin_to_one_core() -> str:
    """Pin this process (and the DuckDB threads it starts later) to one core if possible."""
    if not hasattr(os, "sched_setaffinity"):
        return "not pinned (no sched_setaffinity here)"
    try:
        core = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {core})
    except OSError as exc:
        return f"not pinned ({exc})"
    return f"pinned to core {core} of {os.cpu_count()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--invoices", type=int, default=10_000)
    parser.add_argument("--keep", type=Path, help="keep (and reuse) the generated zip here")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    pinned = pin_to_one_core()
    options = ImportOptions(threads=1)

    with tempfile.TemporaryDirectory(prefix="omlob-ubl-bench-") as tmp:
        scratch = Path(tmp)
        path, written = synthetic_zip(args.keep or scratch, args.invoices)
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            xml_bytes = sum(info.file_size for info in members)
            peppol = sum(b"peppol.eu" in archive.read(info)[:3000] for info in members)
        made = f"written in {written:.1f} s" if written is not None else "reused"
        print(
            f"file: {path} ({made}), {len(members):,} documents, zip "
            f"{path.stat().st_size / 1e6:.1f} MB, XML {xml_bytes / 1e6:.1f} MB "
            f"({xml_bytes / max(len(members), 1) / 1024:.1f} kB each; "
            f"{peppol:,} PEPPOL, {len(members) - peppol:,} OIOUBL)"
        )
        print(f"process {pinned}; DuckDB threads={options.threads}")

        runs: list[Stages] = []

        def run_import() -> tuple[ImportResult, Stages]:
            stages = Stages()
            runs.append(stages)
            return omlob_import(path, scratch / f"import-{len(runs)}", options, stages), stages

        import_seconds, (result, stages) = best_of(args.repeats, run_import)
        bare_seconds, _ = best_of(args.repeats, lambda: bare_parse(path))
        info = inspect(path, path.name)
        stream_seconds, _ = best_of(
            args.repeats, lambda: sum(b.num_rows for b in row_batches(path, path.name, info))
        )
        lines = sum(int(f.get("rows", 0)) for f in result.files)
        documents = len(members)

        header = f"best of {args.repeats}"
        print(f"\n{header:40} {'seconds':>8} {'invoices/s':>11} {'lines/s':>10}")
        print(
            f"{'Omløb import (inspect + add + finish)':40} {import_seconds:8.2f} "
            f"{documents / import_seconds:11,.0f} {lines / import_seconds:10,.0f}"
        )
        print(
            f"{'zipfile.read + etree.fromstring':40} {bare_seconds:8.2f} "
            f"{documents / bare_seconds:11,.0f}"
        )
        print(
            f"{'  for reference: row_batches alone':40} {stream_seconds:8.2f} "
            f"{documents / stream_seconds:11,.0f} {lines / stream_seconds:10,.0f}"
            "  (zip + parse_ubl + Arrow, no SQL)"
        )
        print(f"ratio import / bare parse: {import_seconds / bare_seconds:.2f}x the time")
        print(f"goal ≥ 2,000 invoices/s on one core: {documents / import_seconds:,.0f} invoices/s")
        summary = result.summary()
        print(
            f"import result: {lines:,} lines, {summary['accepted']:,} accepted, "
            f"{summary['rejected']:,} rejected, {summary['duplicates']:,} duplicates, "
            f"total {summary['total_dkk']} DKK, {summary['first_date']} – {summary['last_date']}"
        )
        print(f"\nper stage (fastest run; all runs: {', '.join(_total(s) for s in runs)}):")
        for label, seconds in stages.rows():
            print(f"  {label:60} {seconds:6.2f} s {100 * seconds / import_seconds:5.1f} %")


def _total(stages: Stages) -> str:
    return f"{stages.marks[-1][0] - stages.marks[0][0]:.2f} s"


if __name__ == "__main__":
    main()
