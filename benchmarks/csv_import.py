"""Time the purchase-line import of one big CSV export against DuckDB's own CSV → Parquet copy.

Usage: .venv/bin/python benchmarks/csv_import.py [--lines 1000000] [--dialect web-utf8]
       [--keep DIR] [--threads N] [--memory-limit 700MB] [--repeats 2]

Generates a realistic synthetic export (``omlob.synthetic``: one municipality's year of
invoices, written in a named CSV dialect; kept and reused with ``--keep DIR``, else written to
a temporary directory), then measures in the same run, each the best of ``--repeats``:

* the floor: DuckDB's ``COPY (SELECT * FROM read_csv(...)) TO '….parquet' (FORMAT parquet)``
  of the same file, with the delimiter, header row and encoding the file needs (cp1252 is
  read as ``latin-1``, which DuckDB reads natively; the default ``web-utf8`` dialect needs no
  such help, which keeps the comparison fair);
* Omløb's whole import: ``inspect`` + ``PurchaseImport.add`` + ``finish`` (parsing, checks,
  exchange rates, content keys, duplicates against no earlier batch, lines and rejects
  written as Parquet), with a per-stage breakdown from the progress callback;

and prints lines, seconds and lines per second for both and the ratio (goal: at most 2×).
The peak memory of the import is measured in a child process (``--child FILE`` runs one
import and exits; its peak resident set is read with ``getrusage(RUSAGE_CHILDREN)``), goal
below 1 GiB.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import duckdb

from omlob.core.codes import make_gln
from omlob.core.purchase_import import ImportOptions, ImportResult, Lookups, PurchaseImport
from omlob.core.purchase_sources import inspect, row_batches
from omlob.synthetic import CSV_DIALECTS, Buyer, generate_invoices, write_csv

YEAR = 2025
SEED = 2026
GIB = 1024**3
#: A municipality-sized set of receivers: 75 units with EAN and cost centre, 6 without EAN.
KINDS = ["kitchen"] * 25 + ["school"] * 10 + ["office"] * 15 + ["care_home"] * 10
KINDS += ["daycare"] * 10 + ["other"] * 5


def buyers() -> list[Buyer]:
    units = [
        Buyer(f"Enhed {n}", kind, make_gln(f"5798009{n:05d}"), str(10000 + n))
        for n, kind in enumerate(KINDS)
    ]
    units += [Buyer(f"Forvaltning {n}", "forvaltning", None, str(800 + n)) for n in range(6)]
    return units


def synthetic_csv(directory: Path, lines: int, dialect: str) -> tuple[Path, float | None]:
    """The export file (reused when already in ``directory``) and the seconds to write it."""
    path = directory / f"purchases-{dialect}-{lines}-seed{SEED}.csv"
    if path.exists():
        return path, None
    directory.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    partial = path.with_name(path.name + ".partial")
    write_csv(generate_invoices(buyers(), YEAR, lines, seed=SEED), partial, dialect)
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
        if stage.startswith("Læser"):
            stage = ADD_LABEL
        self.mark(stage)

    def rows(self) -> list[tuple[str, float]]:
        return [
            (label, later - start)
            for (start, label), (later, _) in zip(self.marks, self.marks[1:], strict=False)
        ]


ADD_LABEL = "add(): 'Læser …' = read the file + staging SQL, by chunk"


def omlob_import(
    path: Path, workdir: Path, options: ImportOptions, stages: Stages | None = None
) -> ImportResult:
    """One whole import as the application runs it, into a new work directory."""
    workdir.mkdir(parents=True)
    stages = stages or Stages()
    stages.mark("inspect(): dialect, header, mapping, sample")
    info = inspect(path, path.name)
    stages.mark("PurchaseImport(): DuckDB, unit aliases, rate table")
    with PurchaseImport(workdir / "work", options, stages.progress) as imp:
        stages.mark(ADD_LABEL)
        imp.add(path, path.name, info, info.suggested)
        result = imp.finish(
            Lookups(organisation_id=1), 1, workdir / "lines.parquet", workdir / "rejects.parquet"
        )
        stages.mark("close()")
    stages.mark("end")
    return result


def duckdb_options(path: Path) -> dict[str, Any]:
    """read_csv options for the file, from the same detection the import uses."""
    info = inspect(path, path.name)
    encoding = info.encoding or "utf-8"
    return {
        "delim": info.delimiter or ";",
        "header": True,
        "skip": max(info.header_row - 1, 0),
        "encoding": "latin-1" if encoding in ("cp1252", "latin-1") else "utf-8",
    }


def duckdb_copy(path: Path, target: Path, options: ImportOptions, csv: dict[str, Any]) -> int:
    """DuckDB's own CSV → Parquet copy of the file; returns the rows copied."""
    target.unlink(missing_ok=True)
    con = duckdb.connect()
    try:
        con.execute(f"SET threads = {int(options.threads)}")
        con.execute(f"SET memory_limit = '{options.memory_limit}'")
        arguments = ", ".join(f"{key} = ${key}" for key in csv)
        row = con.execute(
            f"COPY (SELECT * FROM read_csv($path, {arguments})) TO '{target}' (FORMAT parquet)",
            {"path": str(path), **csv},
        ).fetchone()
    finally:
        con.close()
    return int(row[0]) if row else 0


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


def own_kb(field: str) -> int:
    """A memory figure of this process from /proc (VmRSS now, VmHWM its peak), 0 elsewhere."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def child(path: Path, options: ImportOptions) -> None:
    """Run one import in this (fresh) process and report its memory and time."""
    loaded = own_kb("VmRSS")
    with tempfile.TemporaryDirectory(prefix="omlob-csv-child-") as tmp:
        start = time.perf_counter()
        omlob_import(path, Path(tmp) / "import", options)
        seconds = time.perf_counter() - start
    print(f"{loaded} {own_kb('VmHWM')} {seconds:.3f}")


def measure_memory(path: Path, options: ImportOptions) -> str:
    """Peak resident set of one import run by this script in a child process.

    Linux carries the parent's peak over into the child's ``ru_maxrss`` at fork/exec, so
    ``RUSAGE_CHILDREN`` can never read lower than this process's own peak at that moment:
    that is why this runs before the timed runs, and why the child also reports its own
    peak (VmHWM, which starts afresh at exec).
    """
    parent_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    completed = subprocess.run(  # noqa: S603 - this script, with our own arguments
        [
            sys.executable,
            str(Path(__file__).resolve()),
            "--child",
            str(path),
            "--threads",
            str(options.threads),
            "--memory-limit",
            options.memory_limit,
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    loaded_kb, hwm_kb, seconds = completed.stdout.split()
    return (
        f"peak memory of the import (child process, getrusage RUSAGE_CHILDREN ru_maxrss): "
        f"{peak_kb / 1024:,.0f} MiB = {peak_kb * 1024 / GIB:.2f} GiB (goal < 1 GiB)\n"
        f"  the child's own VmHWM {int(hwm_kb) / 1024:,.0f} MiB, of which "
        f"{int(loaded_kb) / 1024:,.0f} MiB is Python with DuckDB, Arrow and Omløb loaded; "
        f"floor set by this process at spawn {parent_kb / 1024:,.0f} MiB; "
        f"that import took {float(seconds):.2f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--dialect", choices=sorted(CSV_DIALECTS), default="web-utf8")
    parser.add_argument("--keep", type=Path, help="keep (and reuse) the generated file here")
    parser.add_argument("--threads", type=int, default=ImportOptions().threads)
    parser.add_argument("--memory-limit", default=ImportOptions().memory_limit)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    options = ImportOptions(threads=args.threads, memory_limit=args.memory_limit)
    if args.child:
        child(args.child, options)
        return

    with tempfile.TemporaryDirectory(prefix="omlob-csv-bench-") as tmp:
        scratch = Path(tmp)
        path, written = synthetic_csv(args.keep or scratch, args.lines, args.dialect)
        style = CSV_DIALECTS[args.dialect]
        made = f"generated in {written:.1f} s" if written is not None else "reused"
        print(
            f"file: {path} ({made}), {path.stat().st_size / 1e6:.1f} MB, dialect {args.dialect} "
            f"({style.encoding}{' with BOM' if style.bom else ''}, {style.delimiter!r}, "
            f"{len(style.title_rows)} title rows)"
        )
        csv = duckdb_options(path)
        print(
            f"DuckDB {duckdb.__version__}, threads={options.threads}, "
            f"memory_limit={options.memory_limit}; read_csv("
            + ", ".join(f"{key}={value!r}" for key, value in csv.items())
            + ") with type sniffing"
            + (" (cp1252 read as latin-1)" if style.encoding == "cp1252" else "")
        )

        memory = measure_memory(path, options)
        duck_seconds, duck_rows = best_of(
            args.repeats, lambda: duckdb_copy(path, scratch / "duckdb.parquet", options, csv)
        )
        runs: list[Stages] = []

        def run_import() -> tuple[ImportResult, Stages]:
            stages = Stages()
            runs.append(stages)
            workdir = scratch / f"import-{len(runs)}"
            return omlob_import(path, workdir, options, stages), stages

        omlob_seconds, (result, stages) = best_of(args.repeats, run_import)
        omlob_rows = sum(int(f.get("rows", 0)) for f in result.files)
        info = inspect(path, path.name)
        arrow_seconds, arrow_rows = best_of(
            args.repeats, lambda: sum(b.num_rows for b in row_batches(path, path.name, info))
        )

        print(f"\n{'best of ' + str(args.repeats):44} {'lines':>10} {'seconds':>8} {'lines/s':>10}")
        for label, rows, seconds in (
            ("DuckDB COPY read_csv → Parquet", duck_rows, duck_seconds),
            ("Omløb import (inspect + add + finish)", omlob_rows, omlob_seconds),
            ("  for reference: Arrow CSV stream alone", arrow_rows, arrow_seconds),
        ):
            print(f"{label:44} {rows:>10,} {seconds:8.2f} {rows / seconds:>10,.0f}")
        print(f"ratio Omløb / DuckDB: {omlob_seconds / duck_seconds:.2f}x the time (goal ≤ 2x)")
        summary = result.summary()
        print(
            f"import result: {summary['accepted']:,} accepted, {summary['rejected']:,} rejected, "
            f"{summary['duplicates']:,} duplicates, total {summary['total_dkk']} DKK, "
            f"{summary['first_date']} – {summary['last_date']}"
        )
        print(f"\nper stage (fastest run; all runs: {', '.join(_total(s) for s in runs)}):")
        for label, seconds in stages.rows():
            print(f"  {label:60} {seconds:6.2f} s {100 * seconds / omlob_seconds:5.1f} %")
        add_seconds = sum(seconds for label, seconds in stages.rows() if label == ADD_LABEL)
        print(
            f"  (add() less the Arrow stream read alone: ≈ {add_seconds - arrow_seconds:.2f} s "
            "of staging SQL, as the two run one after the other)"
        )
        print(f"\n{memory}")


def _total(stages: Stages) -> str:
    return f"{stages.marks[-1][0] - stages.marks[0][0]:.2f} s"


if __name__ == "__main__":
    main()
