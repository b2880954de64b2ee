"""The purchase-line import, end to end: files in, lines and quarantine out.

The same synthetic invoices are written in every format a municipality uploads (five CSV
dialects, an Excel workbook, OIOUBL and PEPPOL archives) and must come out as the same lines
with the same DKK total. Deliberately spoiled rows must land in the quarantine with the
right Danish reason and their cells, overlapping exports must not double anything, and
real files (UK council spend, official e-invoice examples) and hostile input must be
handled without a crash. Everything runs :class:`PurchaseImport` directly, without Django.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import zipfile
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from omlob.core import ubl
from omlob.core.archives import ArchiveError
from omlob.core.codes import is_valid_cvr, make_gln
from omlob.core.currency import RATE_MAX_AGE_DAYS, rate_to_dkk, rates_coverage
from omlob.core.fieldmapping import MappingError, missing_required
from omlob.core.lineschema import LINE_SCHEMA
from omlob.core.purchase_import import ImportOptions, ImportResult, Lookups, PurchaseImport
from omlob.core.purchase_sources import CSV, UBL, XLSX, SourceInfo, inspect
from omlob.core.tabular import TableError, column_letter, read_table
from omlob.synthetic import (
    CSV_DIALECTS,
    XLSX_LAYOUT,
    Buyer,
    SynthInvoice,
    count_lines,
    generate_invoices,
    repeat_share,
    second_export,
    write_csv,
    write_ubl_zip,
    write_xlsx,
)

SHARED_DATA = Path(__file__).resolve().parents[3] / "shared" / "data"
UK_FILES = sorted(SHARED_DATA.glob("uk-*/*.csv"))
UBL_FOLDERS = (
    "oioubl-2.1-official-examples",
    "oioubl-2.02-scenario-examples",
    "gobl-dk-oioubl-fixtures",
    "peppol-bis3-examples",
    "en16931-ubl-examples",
)
UBL_FILES = sorted(p for folder in UBL_FOLDERS for p in (SHARED_DATA / folder).glob("*.xml"))
YEAR = 2025
CENT = Decimal("0.01")
NS = {
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
}
FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

#: Demo-Kommune-like units, built by hand so no database is needed.
BUYERS = [
    Buyer("Køkkenet Solsikken", "kitchen", make_gln("579800100011"), "5011"),
    Buyer("Centralkøkkenet", "kitchen", make_gln("579800100028"), "5012"),
    Buyer("Nordskolen", "school", make_gln("579800100035"), "4021"),
    Buyer("Børnehuset Mælkebøtten", "daycare", make_gln("579800100042"), "4031"),
    Buyer("Plejecenter Lyngbo", "care_home", make_gln("579800100059"), "3041"),
    Buyer("Rådhuset", "office", make_gln("579800100066"), "1001"),
    Buyer("Børn og Unge", "forvaltning", None, "4000"),
]


# --- helpers ---------------------------------------------------------------------------------


@dataclass
class Imported:
    """What one finished import produced: the result and both files, read back."""

    result: ImportResult
    lines: list[dict[str, Any]]
    rejects: list[dict[str, Any]]
    infos: list[SourceInfo]
    lines_path: Path

    @property
    def invalid(self) -> list[dict[str, Any]]:
        return [row for row in self.rejects if row["kind"] == "invalid"]

    @property
    def duplicates(self) -> list[dict[str, Any]]:
        return [row for row in self.rejects if row["kind"] == "duplicate"]

    def messages(self) -> list[str]:
        return [error["message"] for row in self.rejects for error in row["errors"]]


def import_files(
    workdir: Path,
    files: Sequence[Path | tuple[Path, dict[str, int] | None]],
    *,
    lookups: Lookups | None = None,
    options: ImportOptions | None = None,
    batch_id: int = 1,
    progress: Callable[[str, float], None] | None = None,
) -> Imported:
    """Inspect and add each file (with its suggested mapping unless one is given), finish."""
    lines_path = workdir / f"lines-{batch_id}.parquet"
    rejects_path = workdir / f"rejects-{batch_id}.parquet"
    infos = []
    with PurchaseImport(workdir / f"work-{batch_id}", options or ImportOptions(), progress) as imp:
        for entry in files:
            path, mapping = entry if isinstance(entry, tuple) else (entry, None)
            info = inspect(path, path.name)
            infos.append(info)
            chosen = None if info.kind == UBL else (info.suggested if mapping is None else mapping)
            imp.add(path, path.name, info, chosen)
        result = imp.finish(
            lookups or Lookups(organisation_id=7), batch_id, lines_path, rejects_path
        )
    return Imported(
        result=result,
        lines=pq.read_table(lines_path).to_pylist(),
        rejects=pq.read_table(rejects_path).to_pylist(),
        infos=infos,
        lines_path=lines_path,
    )


def dkk(amount: Decimal, currency: str, day: dt.date) -> Decimal:
    """DKK as the pipeline computes it: the ECB rate of the day, rounded to øre."""
    if currency == "DKK":
        return amount
    rate = rate_to_dkk(currency, day)
    assert rate is not None
    return Decimal(repr(float(amount) * rate)).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Expected:
    """The truth about a list of synthetic invoices, computed straight from them."""

    lines: int
    credit_lines: int
    charges: int
    total_dkk: Decimal
    charges_dkk: Decimal
    foreign_lines: int
    by_currency: dict[str, Decimal]
    first_date: dt.date
    last_date: dt.date


def expected_for(invoices: Sequence[SynthInvoice]) -> Expected:
    total = charges_dkk = Decimal(0)
    by_currency: Counter[str] = Counter()
    lines = credit = charges = foreign = 0
    for invoice in invoices:
        sign = -1 if invoice.document_type == "credit_note" else 1
        for line in invoice.lines:
            lines += 1
            credit += sign < 0
            foreign += invoice.currency != "DKK"
            by_currency[invoice.currency] += sign * line.net_amount
            total += dkk(sign * line.net_amount, invoice.currency, invoice.issue_date)
        if invoice.charge:
            charges += 1
            charges_dkk += dkk(invoice.charge, invoice.currency, invoice.issue_date)
    return Expected(
        lines=lines,
        credit_lines=credit,
        charges=charges,
        total_dkk=total,
        charges_dkk=charges_dkk,
        foreign_lines=foreign,
        by_currency=dict(by_currency),
        first_date=min(i.issue_date for i in invoices),
        last_date=max(i.issue_date for i in invoices),
    )


def assert_total(actual: Decimal, expected: Decimal, foreign_lines: int) -> None:
    # A foreign line's øre can differ by rounding of a binary float product; DKK is exact.
    assert abs(actual - expected) <= CENT * max(foreign_lines, 0), (actual, expected)


def csv_records(path: Path, encoding: str, delimiter: str) -> list[list[str]]:
    with path.open(encoding=encoding, newline="") as handle:
        return list(csv.reader(handle, delimiter=delimiter))


@pytest.fixture(scope="module")
def invoices() -> list[SynthInvoice]:
    return list(generate_invoices(BUYERS, YEAR, 1500, seed=3))


@pytest.fixture(scope="module")
def expected(invoices: list[SynthInvoice]) -> Expected:
    truth = expected_for(invoices)
    # The sample must contain what the tests below are about.
    assert truth.credit_lines > 0
    assert truth.charges > 0
    assert {"EUR", "SEK"} <= set(truth.by_currency)
    return truth


# --- one set of invoices, every format -------------------------------------------------------

DIALECT_FEATURES: dict[str, Callable[[bytes, SourceInfo], bool]] = {
    # Danish Excel: Windows-1252, title rows above the header, "1.234,50-".
    "excel-da": lambda raw, info: (
        info.encoding == "cp1252"
        and info.header_row == 3
        and "ø".encode("cp1252") in raw
        and re.search(rb";\d{1,3}(\.\d{3})*,\d\d-;", raw) is not None
    ),
    # A web system: UTF-8 with a byte order mark, quoted text, ISO dates.
    "web-utf8": lambda raw, info: (
        raw.startswith(codecs.BOM_UTF8)
        and info.encoding == "utf-8-sig"
        and info.delimiter == ","
        and re.search(rb',"\d{4}-\d\d-\d\d",|,\d{4}-\d\d-\d\d,', raw) is not None
    ),
    # Navision: tabs, Latin-1, negatives in parentheses.
    "tab-latin1": lambda raw, info: (
        info.delimiter == "\t" and re.search(rb"\t\(\d+,\d\d\)\t", raw) is not None
    ),
    # A data warehouse: pipes and Excel serial dates.
    "pipe": lambda raw, info: (
        info.delimiter == "|" and re.search(rb"\n4\d{4}\|4\d{4}\|", raw) is not None
    ),
    # Prisme: amounts unsigned, the sign in a D/K column.
    "prisme-dk": lambda raw, info: (
        b";K;" in raw and b";D;" in raw and re.search(rb";-\d", raw) is None
    ),
}


@pytest.mark.parametrize("dialect", list(DIALECT_FEATURES))
def test_each_csv_dialect_gives_the_same_lines(
    tmp_path: Path, invoices: list[SynthInvoice], expected: Expected, dialect: str
) -> None:
    path = tmp_path / f"{dialect}.csv"
    rows = write_csv(invoices, path, dialect)
    imported = import_files(tmp_path, [path])
    info = imported.infos[0]
    assert DIALECT_FEATURES[dialect](path.read_bytes(), info)
    assert missing_required(info.suggested) == []
    result = imported.result
    assert rows == expected.lines
    assert (result.accepted, result.rejected, result.duplicates) == (expected.lines, 0, 0)
    assert_total(result.total_dkk, expected.total_dkk, expected.foreign_lines)
    assert (result.first_date, result.last_date) == (expected.first_date, expected.last_date)
    by_currency: Counter[str] = Counter()
    for line in imported.lines:
        by_currency[line["currency"]] += line["amount_original"]
    assert dict(by_currency) == expected.by_currency
    # Credit notes are negative, and so are their quantities, whatever the sign convention.
    credits = [line for line in imported.lines if line["net_amount_dkk"] < 0]
    assert len(credits) == expected.credit_lines
    assert all(line["quantity"] < 0 for line in credits)
    if "document_type" in info.suggested:
        assert sum(line["credit_note"] for line in imported.lines) == expected.credit_lines
    # Row numbers are the spreadsheet's: the first data row follows the header (and titles).
    refs = sorted(int(line["source_ref"].removeprefix("række ")) for line in imported.lines)
    assert refs == list(range(info.header_row + 1, info.header_row + 1 + rows))


def test_xlsx_gives_the_same_lines(
    tmp_path: Path, invoices: list[SynthInvoice], expected: Expected
) -> None:
    path = tmp_path / "kreditorposter.xlsx"
    rows = write_xlsx(invoices, path)
    imported = import_files(tmp_path, [path])
    info = imported.infos[0]
    assert (info.kind, info.header_row, info.sheet) == (XLSX, 3, "Kreditorposter")
    result = imported.result
    assert (result.accepted, result.rejected) == (rows, 0) == (expected.lines, 0)
    assert_total(result.total_dkk, expected.total_dkk, expected.foreign_lines)
    credits = [line for line in imported.lines if line["net_amount_dkk"] < 0]
    assert len(credits) == expected.credit_lines
    # Labels and EAN numbers stored as numbers survive the round trip.
    assert any(line["labels"] for line in imported.lines)
    eans = {b.ean for b in BUYERS if b.ean}
    assert {line["buyer_ean"] for line in imported.lines} - {None} <= eans


@pytest.mark.parametrize("flavour", ["oioubl", "peppol"])
def test_ubl_archive_gives_the_same_lines_plus_charges(
    tmp_path: Path, invoices: list[SynthInvoice], expected: Expected, flavour: str
) -> None:
    path = tmp_path / f"{flavour}.zip"
    documents = write_ubl_zip(invoices, path, flavour)
    imported = import_files(tmp_path, [path])
    result = imported.result
    assert documents == len(invoices)
    assert imported.infos[0].kind == UBL
    assert result.rejected == 0
    assert result.accepted == expected.lines + expected.charges
    assert_total(
        result.total_dkk, expected.total_dkk + expected.charges_dkk, expected.foreign_lines * 2
    )
    charges = [line for line in imported.lines if (line["line_number"] or "").startswith("AC")]
    assert len(charges) == expected.charges
    assert all(line["description"].startswith("Gebyr") for line in charges)
    credits = [line for line in imported.lines if line["credit_note"]]
    assert len(credits) == expected.credit_lines
    assert all(line["net_amount_dkk"] < 0 and line["quantity"] < 0 for line in credits)
    assert all(line["net_amount_dkk"] >= 0 for line in imported.lines if not line["credit_note"])
    for line in imported.lines:
        assert re.match(
            r"(faktura|kreditnota)-\d+-[\w-]+\.xml: (Faktura|Kreditnota) ", line["source_ref"]
        )
        if line["currency"] != "DKK":
            assert line["exchange_rate"] == rate_to_dkk(line["currency"], line["invoice_date"])


def test_lines_file_follows_the_line_schema(tmp_path: Path, invoices: list[SynthInvoice]) -> None:
    path = tmp_path / "web.csv"
    write_csv(invoices[:20], path, "web-utf8")
    imported = import_files(tmp_path, [path], batch_id=42)
    schema = pq.read_schema(imported.lines_path)
    assert schema.names == LINE_SCHEMA.names
    assert [f.type for f in schema] == [f.type for f in LINE_SCHEMA]
    assert {line["batch_id"] for line in imported.lines} == {42}
    assert {line["organisation_id"] for line in imported.lines} == {7}
    assert len({line["line_key"] for line in imported.lines}) == len(imported.lines)
    summary = imported.result.summary()
    assert summary["accepted"] == len(imported.lines)
    assert Decimal(summary["total_dkk"]) == imported.result.total_dkk
    assert imported.result.files[0]["rows"] == len(imported.lines)
    assert imported.result.files[0]["header"] == CSV_DIALECTS["web-utf8"].headers


def test_progress_is_reported_up_to_done(tmp_path: Path, invoices: list[SynthInvoice]) -> None:
    path = tmp_path / "data.csv"
    write_csv(invoices[:50], path, "excel-da")
    seen: list[tuple[str, float]] = []
    import_files(tmp_path, [path], progress=lambda stage, done: seen.append((stage, done)))
    assert seen[-1] == ("Færdig", 1.0)
    assert all(0.0 <= done <= 1.0 for _stage, done in seen)
    assert any(stage == "Skriver linjer" for stage, _ in seen)


# --- spoiled rows ----------------------------------------------------------------------------

MESS_REASONS = {
    "supplier_cvr": "CVR-nummeret er ugyldigt (kontrollen efter modulus 11 passer ikke).",
    "buyer_ean": "EAN-nummeret skal have 13 cifre med korrekt kontrolciffer.",
    "net_amount": "Beløbet kan ikke læses som et tal (forventet fx ",
    "invoice_date": "Datoen kan ikke læses (brug fx 31-12-2025, 31.12.2025 eller 2025-12-31).",
    "unit": "Ukendt enhed: brug en UN/ECE-enhedskode",
}
ENCODINGS = {
    "excel-da": "cp1252",
    "web-utf8": "utf-8-sig",
    "tab-latin1": "latin-1",
    "pipe": "utf-8",
}


def assert_spoiled_rows_rejected(
    imported: Imported,
    header: list[str],
    fields: list[str],
    clean: dict[int, list[str]],
    messy: dict[int, list[str]],
) -> set[str]:
    """Every spoiled row (and only those) is rejected with its reason and its cells."""
    spoiled: dict[int, tuple[str, int]] = {}
    for number, cells in messy.items():
        changed = [i for i, (a, b) in enumerate(zip(cells, clean[number], strict=True)) if a != b]
        if changed:
            assert len(changed) == 1
            spoiled[number] = (fields[changed[0]], changed[0])
    result = imported.result
    assert result.accepted + result.rejected == len(messy)
    assert result.duplicates == 0
    rejected = {row["rn"]: row for row in imported.invalid}
    assert set(rejected) == set(spoiled)
    for number, (field, column) in spoiled.items():
        row = rejected[number]
        assert [error["field"] for error in row["errors"]] == [field]
        error = row["errors"][0]
        assert error["message"].startswith(MESS_REASONS[field])
        assert error["column"] == f"kolonne {column_letter(column)} ({header[column]})"
        assert error["value"] == messy[number][column].strip()
        assert row["original"] == [cell.strip() or None for cell in messy[number]]
        assert row["ref"] == f"række {number}"
    return {field for field, _ in spoiled.values()}


@pytest.mark.parametrize("dialect", ["excel-da", "web-utf8", "tab-latin1", "pipe"])
def test_mess_rows_are_rejected_with_reasons_and_cells(
    tmp_path: Path, invoices: list[SynthInvoice], dialect: str
) -> None:
    sample = invoices[:150]
    clean_path, messy_path = tmp_path / "clean.csv", tmp_path / "messy.csv"
    write_csv(sample, clean_path, dialect)
    rows = write_csv(sample, messy_path, dialect, mess=0.06, seed=3)
    imported = import_files(tmp_path, [messy_path])
    info = imported.infos[0]
    style = CSV_DIALECTS[dialect]
    records = {
        name: csv_records(path, ENCODINGS[dialect], style.delimiter)
        for name, path in (("clean", clean_path), ("messy", messy_path))
    }
    start = info.header_row  # records after the header, numbered as the spreadsheet does
    clean = {n + 1: r for n, r in enumerate(records["clean"]) if n >= start}
    messy = {n + 1: r for n, r in enumerate(records["messy"]) if n >= start}
    assert len(messy) == rows
    kinds = assert_spoiled_rows_rejected(imported, info.header, style.fields, clean, messy)
    assert kinds == set(MESS_REASONS) - (
        {"buyer_ean"} if "buyer_ean" not in style.fields else set()
    )


def test_xlsx_mess_rows_are_rejected(tmp_path: Path, invoices: list[SynthInvoice]) -> None:
    sample = invoices[:150]
    clean_path, messy_path = tmp_path / "clean.xlsx", tmp_path / "messy.xlsx"
    write_xlsx(sample, clean_path)
    rows = write_xlsx(sample, messy_path, mess=0.06, seed=4)
    imported = import_files(tmp_path, [messy_path])
    tables = [read_table(p.read_bytes(), p.name) for p in (clean_path, messy_path)]
    clean = {tables[0].row_number(i): row for i, row in enumerate(tables[0].rows)}
    messy = {tables[1].row_number(i): row for i, row in enumerate(tables[1].rows)}
    assert len(messy) == rows
    kinds = assert_spoiled_rows_rejected(
        imported, XLSX_LAYOUT.headers, XLSX_LAYOUT.fields, clean, messy
    )
    assert kinds == set(MESS_REASONS)


# --- nothing doubled -------------------------------------------------------------------------


def test_second_overlapping_export_reports_exactly_the_repeated_lines(tmp_path: Path) -> None:
    def first() -> Any:
        return generate_invoices(BUYERS, YEAR, 300, seed=11)

    def fresh() -> Any:
        return generate_invoices(BUYERS, YEAR, 200, seed=12)

    repeated = count_lines(repeat_share(first(), 0.3, seed=5))
    assert 0 < repeated < 300
    path_a, path_b = tmp_path / "a.csv", tmp_path / "b.csv"
    write_csv(first(), path_a, "excel-da")
    rows_b = write_csv(second_export(first(), fresh(), 0.3, seed=5), path_b, "excel-da")
    batch_1 = import_files(tmp_path, [path_a], batch_id=1)
    assert batch_1.result.accepted == 300
    batch_2 = import_files(
        tmp_path,
        [path_b],
        batch_id=2,
        lookups=Lookups(organisation_id=7, line_files=[batch_1.lines_path]),
    )
    result = batch_2.result
    assert rows_b == repeated + 200
    assert (result.accepted, result.duplicates, result.rejected) == (200, repeated, 0)
    header_row = batch_2.infos[0].header_row
    # The overlap comes first in the second export: exactly its rows are the duplicates.
    assert sorted(row["rn"] for row in batch_2.duplicates) == list(
        range(header_row + 1, header_row + 1 + repeated)
    )
    for row in batch_2.duplicates:
        assert row["duplicate_of"] == 1
        assert [e["message"] for e in row["errors"]] == ["Linjen er allerede importeret (batch 1)."]
    keys_1 = {line["line_key"] for line in batch_1.lines}
    assert keys_1.isdisjoint(line["line_key"] for line in batch_2.lines)
    # A missing earlier file is ignored, not an error: then nothing is a duplicate.
    batch_3 = import_files(
        tmp_path,
        [path_b],
        batch_id=3,
        lookups=Lookups(organisation_id=7, line_files=[tmp_path / "gone.parquet"]),
    )
    assert (batch_3.result.accepted, batch_3.result.duplicates) == (rows_b, 0)


HAND_HEADER = "Fakturadato;Fakturanr;Leverandør;Varetekst;Beløb;Valuta;EAN;Omkostningssted\n"


def write_rows(path: Path, rows: Sequence[str], header: str = HAND_HEADER) -> Path:
    path.write_text(header + "".join(row + "\n" for row in rows), encoding="utf-8")
    return path


def test_identical_lines_in_one_file_are_both_kept_and_recognised_later(tmp_path: Path) -> None:
    same = "03-03-2025;F-1;Grønt ApS;Gulerødder 1 kg;12,50;;;"
    once = write_rows(tmp_path / "once.csv", [same, same, "03-03-2025;F-1;Grønt ApS;Løg;9,00;;;"])
    first = import_files(tmp_path, [once], batch_id=1)
    assert (first.result.accepted, first.result.duplicates) == (3, 0)
    assert len({line["line_key"] for line in first.lines}) == 3
    later = Lookups(organisation_id=7, line_files=[first.lines_path])
    again = import_files(tmp_path, [once], batch_id=2, lookups=later)
    assert (again.result.accepted, again.result.duplicates) == (0, 3)
    # A later export with the line three times: the third is new.
    thrice = write_rows(tmp_path / "thrice.csv", [same, same, same])
    third = import_files(tmp_path, [thrice], batch_id=3, lookups=later)
    assert (third.result.accepted, third.result.duplicates) == (1, 2)


def test_the_same_file_twice_in_one_import_keeps_each_line_once(
    tmp_path: Path, invoices: list[SynthInvoice]
) -> None:
    path = tmp_path / "data.csv"
    rows = write_csv(invoices[:40], path, "tab-latin1")
    imported = import_files(tmp_path, [path, path])
    assert (imported.result.accepted, imported.result.duplicates) == (rows, rows)
    assert {row["file_idx"] for row in imported.duplicates} == {1}
    assert {row["duplicate_of"] for row in imported.duplicates} == {None}
    assert set(imported.messages()) == {"Linjen står allerede tidligere i denne import."}
    assert {line["source_file"] for line in imported.lines} == {"data.csv"}
    assert [f["rows"] for f in imported.result.files] == [rows, rows]


# --- units, currencies ----------------------------------------------------------------------

KNOWN_1, KNOWN_2 = make_gln("579800200001"), make_gln("579800200002")
UNKNOWN_1, UNKNOWN_2 = make_gln("579800299991"), make_gln("579800299992")


def test_ean_and_cost_centre_resolution(tmp_path: Path) -> None:
    rows = [
        f"01-03-2025;1;A;x;1,00;;{KNOWN_1};",  # EAN known
        f"01-03-2025;2;A;x;1,00;;{KNOWN_2};9999",  # EAN known, cost centre not
        f"01-03-2025;3;A;x;1,00;;{UNKNOWN_1};4000",  # EAN unknown, cost centre known
        f"01-03-2025;4;A;x;1,00;;{UNKNOWN_1};",  # unknown EAN
        f"01-03-2025;5;A;x;1,00;;{UNKNOWN_1};",  # the same unknown EAN again
        f"01-03-2025;6;A;x;1,00;;{UNKNOWN_2};",  # another unknown EAN
        "01-03-2025;7;A;x;1,00;;;4000",  # cost centre known
        "01-03-2025;8;A;x;1,00;;;9999",  # unknown cost centre
        "01-03-2025;9;A;x;1,00;;;",  # nothing to resolve
    ]
    path = write_rows(tmp_path / "units.csv", rows)
    lookups = Lookups(
        organisation_id=7,
        ean_units={KNOWN_1: 11, KNOWN_2: 12},
        cost_centre_units={"4000": 40},
    )
    imported = import_files(tmp_path, [path], lookups=lookups)
    units = {line["invoice_number"]: line["org_unit_id"] for line in imported.lines}
    assert units == {
        "1": 11,
        "2": 12,
        "3": 40,
        "4": None,
        "5": None,
        "6": None,
        "7": 40,
        "8": None,
        "9": None,
    }
    assert imported.result.accepted == 9
    assert imported.result.unmapped_units == 3  # UNKNOWN_1, UNKNOWN_2, "9999"
    assert imported.result.unmapped_lines == 4  # lines 4, 5, 6 and 8


def test_foreign_currencies_convert_with_the_rate_of_the_day(tmp_path: Path) -> None:
    _first, last = rates_coverage()
    in_reach = last + dt.timedelta(days=RATE_MAX_AGE_DAYS)
    too_late = last + dt.timedelta(days=RATE_MAX_AGE_DAYS + 1)
    rows = [
        "14-03-2025;1;A;x;100,00;EUR;;",
        "15-03-2025;2;A;x;100,00;eur;;",  # a Saturday: Friday's fixing, lower case
        "14-03-2025;3;A;x;1.000,00;SEK;;",
        "14-03-2025;4;A;x;-250,00;GBP;;",
        f"{in_reach:%d-%m-%Y};5;A;x;10,00;USD;;",
        "01-01-2099;6;A;x;10,00;DKK;;",  # DKK needs no rate, whatever the date
        "14-03-2025;7;A;x;10,00;;;",  # no currency: the import's default
        "14-03-2025;8;A;x;10,00;XYZ;;",
        f"{too_late:%d-%m-%Y};9;A;x;10,00;USD;;",
        "01-01-2099;10;A;x;10,00;EUR;;",
        "14-03-2025;11;A;x;10,00;euro;;",
        "14-03-2025;12;A;x;10,00;kr;;",
    ]
    path = write_rows(tmp_path / "currency.csv", rows)
    imported = import_files(tmp_path, [path])
    lines = {line["invoice_number"]: line for line in imported.lines}
    assert set(lines) == {"1", "2", "3", "4", "5", "6", "7"}
    for number, line in lines.items():
        rate = rate_to_dkk(line["currency"], line["invoice_date"])
        assert line["exchange_rate"] == rate, number
        assert line["net_amount_dkk"] == dkk(
            line["amount_original"], line["currency"], line["invoice_date"]
        )
    assert lines["2"]["exchange_rate"] == lines["1"]["exchange_rate"]
    assert lines["2"]["currency"] == "EUR"
    assert lines["4"]["net_amount_dkk"] < 0
    assert (lines["6"]["currency"], lines["6"]["exchange_rate"]) == ("DKK", 1.0)
    assert (lines["7"]["currency"], lines["7"]["net_amount_dkk"]) == ("DKK", Decimal("10.00"))
    assert len(imported.invalid) == 5
    by_rn = {row["rn"]: [e["message"] for e in row["errors"]] for row in imported.invalid}
    no_rate = (
        "Der findes ingen valutakurs for {} den {}. Indlæs nyere kurser eller angiv beløbet i DKK."
    )
    assert by_rn[9] == [no_rate.format("XYZ", "14.03.2025")]
    assert by_rn[10] == [no_rate.format("USD", f"{too_late:%d.%m.%Y}")]
    assert by_rn[11] == [no_rate.format("EUR", "01.01.2099")]
    unknown = "Ukendt valutakode (brug ISO 4217, fx DKK, EUR, SEK)."
    assert by_rn[12] == by_rn[13] == [unknown]
    assert all(e["field"] == "currency" for row in imported.invalid for e in row["errors"])


def test_default_currency_of_the_import(tmp_path: Path) -> None:
    header = "Dato;Leverandør;Beløb\n"
    path = write_rows(
        tmp_path / "eur.csv", ["14-03-2025;A;100,00", "14-03-2025;B;1.000,50"], header
    )
    imported = import_files(tmp_path, [path], options=ImportOptions(currency="eur"))
    rate = rate_to_dkk("EUR", dt.date(2025, 3, 14))
    assert [line["currency"] for line in imported.lines] == ["EUR", "EUR"]
    assert imported.result.total_dkk == dkk(Decimal("100"), "EUR", dt.date(2025, 3, 14)) + dkk(
        Decimal("1000.50"), "EUR", dt.date(2025, 3, 14)
    )
    assert {line["exchange_rate"] for line in imported.lines} == {rate}


def test_decimal_style_from_the_column_or_the_options(tmp_path: Path) -> None:
    header = "Dato;Leverandør;Beløb;Antal\n"
    # Only "1.500"-style amounts: thousands, so comma decimals; "1,500" kg stays 1.5.
    path = write_rows(
        tmp_path / "a.csv", ["01-03-2025;A;1.500;1,500", "01-03-2025;B;2.000;27,75"], header
    )
    lines = import_files(tmp_path, [path], batch_id=1).lines
    assert [(line["amount_original"], line["quantity"]) for line in lines] == [
        (Decimal("1500.00"), 1.5),
        (Decimal("2000.00"), 27.75),
    ]
    uk = write_rows(tmp_path / "b.csv", ["01-03-2025;A;1,500;2", "01-03-2025;B;2,000;3"], header)
    assert [line["amount_original"] for line in import_files(tmp_path, [uk], batch_id=2).lines] == [
        Decimal("1500.00"),
        Decimal("2000.00"),
    ]
    forced = import_files(tmp_path, [uk], batch_id=3, options=ImportOptions(decimal=","))
    assert [line["amount_original"] for line in forced.lines] == [Decimal("1.50"), Decimal("2.00")]


# --- real files ------------------------------------------------------------------------------


def nonempty_records(path: Path, header_row: int, encoding: str = "utf-8-sig") -> list[list[str]]:
    records = csv_records(path, encoding, ",")
    return [r for r in records[header_row:] if any(cell.strip() for cell in r)]


@pytest.mark.skipif(not UK_FILES, reason="the shared UK council files are not present")
def test_uk_council_spend_files(tmp_path: Path) -> None:
    imported = import_files(tmp_path, UK_FILES, options=ImportOptions(currency="GBP"))
    result = imported.result
    total_rows = 0
    for path, info, summary in zip(UK_FILES, imported.infos, result.files, strict=True):
        rows = nonempty_records(path, info.header_row)
        total_rows += len(rows)
        assert summary["rows"] == len(rows), path.name
        date_column = info.suggested.get("posting_date", info.suggested.get("invoice_date"))
        unreadable = [r for r in rows if r[date_column].strip() == "00:00:00"]
        if path.name == "expenditure-over-500-apr-jun-2014.csv":
            assert len(unreadable) == len(rows)  # this file's Paid Date is a bare time
        file_idx = UK_FILES.index(path)
        rejected = [r for r in imported.invalid if r["file_idx"] == file_idx]
        assert summary["rejected"] == len(rejected)
        dated = [
            r
            for r in rejected
            if any(e["message"].startswith("Datoen kan ikke læses") for e in r["errors"])
        ]
        assert len(dated) == len(unreadable), path.name
        for row in dated:
            error = next(e for e in row["errors"] if e["field"] == "posting_date")
            assert error["value"] == "00:00:00"
            assert error["message"].startswith("Datoen kan ikke læses")
        # Anything else rejected is a row without an amount (a stray note at the end).
        for row in rejected:
            if row not in dated:
                assert "Beløbet mangler." in [e["message"] for e in row["errors"]]
    assert result.accepted + result.rejected + result.duplicates == total_rows
    assert result.accepted > 25_000
    for line in imported.lines[::500]:
        assert line["currency"] == "GBP"
        rate = rate_to_dkk("GBP", line["posting_date"])
        assert line["exchange_rate"] == rate
        assert line["net_amount_dkk"] == dkk(line["amount_original"], "GBP", line["posting_date"])


def ubl_expectations(path: Path, name: str) -> list[dict[str, Any]] | str:
    try:
        return ubl.parse_ubl(path.read_bytes(), name)
    except ubl.UblError as exc:
        return exc.message


def etree_amounts(path: Path) -> list[Decimal]:
    """LineExtensionAmount of each line and Amount of each document-level charge, as written."""
    root = etree.fromstring(path.read_bytes())
    lines = root.xpath("./cac:CreditNoteLine/cbc:LineExtensionAmount", namespaces=NS)
    charges = root.xpath("./cac:AllowanceCharge", namespaces=NS)
    amounts = [Decimal(e.text) for e in lines]
    for charge in charges:
        amount = Decimal(charge.findtext("cbc:Amount", namespaces=NS))
        is_charge = charge.findtext("cbc:ChargeIndicator", namespaces=NS).strip() == "true"
        amounts.append(amount if is_charge else -amount)
    return amounts


@pytest.mark.skipif(not UBL_FILES, reason="the shared e-invoice examples are not present")
def test_real_e_invoices_in_one_archive(tmp_path: Path) -> None:
    archive = tmp_path / "indbakke.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as handle:
        for path in UBL_FILES:
            handle.writestr(f"{path.parent.name}/{path.name}", path.read_bytes())
    imported = import_files(tmp_path, [archive])
    result = imported.result
    members = {f"{p.parent.name}/{p.name}": p for p in UBL_FILES}
    expected = {member: ubl_expectations(path, member) for member, path in members.items()}
    total = sum(1 if isinstance(rows, str) else len(rows) for rows in expected.values())
    assert result.accepted + result.rejected == total
    assert result.duplicates == 0
    by_member: dict[str, list[dict[str, Any]]] = {}
    for row in imported.lines + imported.invalid:
        member = (row.get("source_ref") or row.get("ref")).split(": ")[0]
        by_member.setdefault(member, []).append(row)
    for member, rows in expected.items():
        got = by_member[member]
        if isinstance(rows, str):
            # Reminder, UtilityStatement, Catalogue: one rejected row saying what it is.
            assert len(got) == 1 and got[0] in imported.invalid
            assert [e["message"] for e in got[0]["errors"]] == [rows]
            assert "dokumenttypen er" in rows
            continue
        assert len(got) == len(rows), member
        parsed = Counter(Decimal(r["net_amount"]) if r["net_amount"] else None for r in rows)
        assert Counter(r["amount_original"] for r in got) == parsed, member
        if rows[0]["document_type"] == "credit_note":
            # Credit notes count against spend: their amounts are negated.
            assert sum(r["amount_original"] for r in got) < 0, member
            raw = etree_amounts(members[member])
            assert Counter(r["amount_original"] for r in got) == Counter(-a for a in raw)
        for row in got:
            if row in imported.invalid:
                # The official examples use made-up CVR numbers: refused, with the reason.
                fields = {e["field"] for e in row["errors"]}
                assert "supplier_cvr" in fields, (member, row["errors"])
    refused = {m.split("/")[1] for m, rows in expected.items() if isinstance(rows, str)}
    assert refused == {
        "OIOUBL_Catalogue_v2p2.xml",
        "OIOUBL_Reminder_v2p2.xml",
        "OIOUBL_UtilityStatement_v2p2.xml",
    }
    currencies = {line["currency"] for line in imported.lines}
    assert {"DKK", "EUR", "NOK", "SEK", "GBP"} <= currencies
    for line in imported.lines:
        if line["currency"] != "DKK":
            assert line["exchange_rate"] == rate_to_dkk(line["currency"], line["invoice_date"])
            assert line["net_amount_dkk"] == dkk(
                line["amount_original"], line["currency"], line["invoice_date"]
            )
    credit = [line for line in imported.lines if line["credit_note"]]
    assert sum(line["amount_original"] for line in credit) < 0
    assert {line["credit_note"] for line in imported.lines} == {True, False}
    for row in imported.invalid:
        for error in row["errors"]:
            if error["field"] == "supplier_cvr":
                assert not is_valid_cvr(re.sub(r"^DK|\D", "", error["value"]))


@pytest.mark.skipif(not UBL_FILES, reason="the shared e-invoice examples are not present")
def test_single_real_e_invoice_files(tmp_path: Path) -> None:
    picks = [
        p
        for p in UBL_FILES
        if p.name in ("base-creditnote-correction.xml", "OIOUBL_Reminder_v2p2.xml")
    ]
    imported = import_files(tmp_path, picks)
    lines, invalid = imported.lines, imported.invalid
    # Two credited lines (one of them a negative line, so a debit) and a charge.
    assert sorted((line["amount_original"], line["quantity"]) for line in lines) == [
        (Decimal("-2800.00"), -7.0),
        (Decimal("-25.00"), None),
        (Decimal("1500.00"), 3.0),
    ]
    assert all(line["credit_note"] for line in lines)
    assert sum(line["net_amount_dkk"] for line in lines) < 0
    assert {line["currency"] for line in lines} == {"EUR"}
    assert len(invalid) == 1
    assert invalid[0]["ref"] == "OIOUBL_Reminder_v2p2.xml"
    assert invalid[0]["errors"][0]["message"].endswith("dokumenttypen er Reminder.")


# --- bad input --------------------------------------------------------------------------------

PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000") + bytes(
    range(256)
)
GOOD_UBL = SHARED_DATA / "peppol-bis3-examples" / "base-example.xml"
BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2">&lol3;</Invoice>
"""


def test_empty_and_binary_files_are_refused_clearly(tmp_path: Path) -> None:
    for name, data, text in [
        ("empty.csv", b"", "Filen er tom."),
        ("blank.csv", b"\r\n \n", "Filen er tom."),
        ("bom.csv", codecs.BOM_UTF8, "Filen er tom."),
        ("picture.csv", PNG, "binær fil"),
    ]:
        path = tmp_path / name
        path.write_bytes(data)
        with pytest.raises(TableError) as caught:
            inspect(path, name)
        assert text in caught.value.message


def test_header_only_file_imports_nothing(tmp_path: Path) -> None:
    path = write_rows(tmp_path / "header.csv", [])
    imported = import_files(tmp_path, [path])
    assert (imported.result.accepted, imported.result.rejected) == (0, 0)
    assert imported.result.total_dkk == 0


def test_rows_with_too_many_or_too_few_cells_are_kept_as_rejected(tmp_path: Path) -> None:
    rows = [
        "01-03-2025;1;A;x;1,00;;;",
        "01-03-2025;2;A;x;2,00",  # too few
        "",
        "01-03-2025;3;A;x;3,00;;;;;extra",  # too many
        ";;;;;;;;;;;",  # nothing but separators: as empty as a blank line
        "01-03-2025;4;A;x;4,00;;;",
    ]
    path = write_rows(tmp_path / "ragged.csv", rows)
    imported = import_files(tmp_path, [path])
    assert [line["source_ref"] for line in imported.lines] == ["række 2", "række 7"]
    by_rn = {row["rn"]: row for row in imported.invalid}
    assert set(by_rn) == {3, 5}
    assert by_rn[3]["original"] == ["01-03-2025", "2", "A", "x", "2,00"]
    assert by_rn[3]["errors"] == [
        {
            "field": None,
            "column": None,
            "value": None,
            "message": "Rækken har 5 felter, men overskriftsrækken har 8. "
            'Kontrollér skilletegn og anførselstegn (").',
        }
    ]
    assert by_rn[5]["original"][-1] == "extra"
    assert by_rn[5]["errors"][0]["message"].startswith("Rækken har 10 felter")


def test_unterminated_quote_is_one_rejected_row(tmp_path: Path) -> None:
    rows = [
        "01-03-2025;1;A;x;1,00;;;",
        '01-03-2025;2;A;"Ekstra levering;2,00;;;',
        "01-03-2025;3;A;x;3,00;;;",
    ]
    path = write_rows(tmp_path / "quote.csv", rows)
    imported = import_files(tmp_path, [path])
    assert [line["invoice_number"] for line in imported.lines] == ["1"]
    assert len(imported.invalid) == 1
    row = imported.invalid[0]
    assert row["rn"] == 3
    assert row["errors"][0]["message"].startswith('Et anførselstegn (") i rækken lukkes aldrig')
    assert "01-03-2025;3;A;x;3,00" in row["original"][-1]
    # The same when the runaway row happens to have the header's number of cells.
    rows[1] = '01-03-2025;2;A;x;2,00;;;"Bemærkning'
    imported = import_files(tmp_path, [write_rows(tmp_path / "quote2.csv", rows)], batch_id=2)
    assert [line["invoice_number"] for line in imported.lines] == ["1"]
    assert [row["rn"] for row in imported.invalid] == [3]


def test_multiline_cells_keep_the_row_numbers(tmp_path: Path) -> None:
    rows = [
        '01-03-2025;1;A;"to\nlinjer";1,00;;;',
        "01-03-2025;2;A;x;2,00",
        '01-03-2025;3;A;"tre\nlinjer\nher";3,00;;;',
        "01-03-2025;4;A;x;4,00;;;",
    ]
    path = write_rows(tmp_path / "multi.csv", rows)
    imported = import_files(tmp_path, [path])
    refs = {line["invoice_number"]: line["source_ref"] for line in imported.lines}
    assert refs == {"1": "række 2", "3": "række 4", "4": "række 5"}
    assert [row["rn"] for row in imported.invalid] == [3]
    assert imported.lines[0]["description"] == "to\nlinjer"


def test_encodings_the_sample_did_not_show(tmp_path: Path) -> None:
    header = "Dato;Leverandør;Beløb;Tekst\n"
    filler = "01-03-2025;Leverandør A/S;1,00;" + "x" * 80 + "\n"
    # 300 KB of UTF-8, then a row saved by a Windows program: read as Windows-1252.
    body = (header + filler * 3500).encode("utf-8")
    body += "02-03-2025;Søren Ærø;2,00;Æbler\n".encode("cp1252")
    path = tmp_path / "mixed.csv"
    path.write_bytes(body)
    imported = import_files(tmp_path, [path])
    assert imported.result.accepted == 3501
    last = max(imported.lines, key=lambda line: int(line["source_ref"].split()[1]))
    assert (last["supplier_name"], last["description"]) == ("Søren Ærø", "Æbler")
    # Windows-1252 with a byte it leaves undefined (0x81): read, not refused.
    odd = tmp_path / "odd.csv"
    odd.write_bytes(
        (header + "01-03-2025;Bjørn;1,00;x\n").encode("cp1252") + b"01-03-2025;\x81B;2,00;y\n"
    )
    imported = import_files(tmp_path, [odd], batch_id=2)
    assert [line["supplier_name"] for line in imported.lines] == ["Bjørn", "\x81B"]


def test_excel_unicode_text_utf16(tmp_path: Path) -> None:
    # Excel's "Unicode-tekst": UTF-16 with a byte order mark, tab-separated.
    text = "Dato\tLeverandør\tBeløb\r\n01-02-2025\tBjørn\t1.234,50\r\n02-02-2025\tÆble\t(2,00)\r\n"
    path = tmp_path / "unicode.txt"
    path.write_bytes(text.encode("utf-16"))
    imported = import_files(tmp_path, [path])
    assert imported.infos[0].encoding == "utf-16"
    assert [(line["supplier_name"], line["amount_original"]) for line in imported.lines] == [
        ("Bjørn", Decimal("1234.50")),
        ("Æble", Decimal("-2.00")),
    ]


def test_header_spanning_two_lines_keeps_the_rows(tmp_path: Path) -> None:
    path = tmp_path / "wrapped.csv"
    path.write_text(
        'Rapport\nDato;"Beløb\nekskl. moms";Leverandør\n01-02-2025;10,00;A\n02-02-2025;20,00;B\n',
        encoding="utf-8",
    )
    info = inspect(path, path.name)
    assert info.header == ["Dato", "Beløb\nekskl. moms", "Leverandør"]
    mapping = {"posting_date": 0, "net_amount": 1, "supplier_name": 2}
    imported = import_files(tmp_path, [(path, mapping)])
    assert [(line["source_ref"], line["supplier_name"]) for line in imported.lines] == [
        ("række 3", "A"),
        ("række 4", "B"),
    ]
    assert imported.rejects == []


def test_text_only_in_unmapped_columns_is_reported_not_dropped(tmp_path: Path) -> None:
    header = "Dato;Leverandør;Beløb;Note\n"
    path = write_rows(
        tmp_path / "note.csv", ["01-03-2025;A;1,00;", ";;;Udskrevet af Mette"], header
    )
    imported = import_files(tmp_path, [path])
    assert imported.result.accepted == 1
    (row,) = imported.invalid
    assert row["rn"] == 3
    assert row["original"] == [None, None, None, "Udskrevet af Mette"]
    assert [e["message"] for e in row["errors"]] == [
        "Beløbet mangler.",
        "Linjen har ingen dato.",
        "Leverandøren mangler (hverken navn eller CVR-nummer).",
    ]


def test_a_file_failing_half_way_leaves_nothing_staged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, invoices: list[SynthInvoice]
) -> None:
    import omlob.core.purchase_import as module
    import omlob.core.purchase_sources as sources

    good = write_rows(tmp_path / "good.csv", ["01-03-2025;1;A;x;1,00;;;"])
    archive = tmp_path / "inbox.zip"
    write_ubl_zip(invoices[:5], archive, "peppol")
    # One chunk per document, and the third chunk fails.
    monkeypatch.setattr(module, "CHUNK_ROWS", 1)
    monkeypatch.setattr(sources, "BATCH_ROWS", 1)
    calls = {"n": 0}
    stage = module.PurchaseImport._stage_chunk

    def failing(self: PurchaseImport, *args: Any) -> None:
        calls["n"] += 1
        if calls["n"] == 3:
            raise ArchiveError("Zip-filen er beskadiget.")
        stage(self, *args)

    monkeypatch.setattr(module.PurchaseImport, "_stage_chunk", failing)
    with PurchaseImport(tmp_path / "work") as imp:
        info = inspect(good, good.name)
        imp.add(good, good.name, info, info.suggested)
        with pytest.raises(ArchiveError):
            imp.add(archive, archive.name, inspect(archive, archive.name))
        assert calls["n"] == 3
        assert imp.con.execute("SELECT count(*) FROM staged").fetchone() == (1,)
        result = imp.finish(
            Lookups(organisation_id=7), 1, tmp_path / "l.parquet", tmp_path / "r.parquet"
        )
    assert (result.accepted, result.rejected, len(result.files)) == (1, 0, 1)


def test_mapping_that_misses_a_required_field(tmp_path: Path) -> None:
    path = write_rows(tmp_path / "x.csv", ["01-03-2025;1;A;x;1,00;;;"])
    info = inspect(path, path.name)
    with PurchaseImport(tmp_path / "work") as imp, pytest.raises(MappingError) as caught:
        imp.add(path, path.name, info, {"net_amount": 4})
    assert caught.value.message.startswith("Vælg en kolonne til")


def zip_of(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


@pytest.mark.skipif(not GOOD_UBL.exists(), reason="the shared e-invoice examples are not present")
def test_hostile_members_of_an_invoice_archive_are_rejected_rows(tmp_path: Path) -> None:
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as nested:
        nested.writestr("a.xml", GOOD_UBL.read_bytes())
    archive = zip_of(
        tmp_path / "inbox.zip",
        {
            "good.xml": GOOD_UBL.read_bytes(),
            "bomb.xml": BOMB,
            "nested.zip": inner.getvalue(),
            "scan.pdf": b"%PDF-1.7\n...",
            "broken.xml": b"<Invoice><unclosed>",
            "__MACOSX/._good.xml": b"junk",
        },
    )
    imported = import_files(tmp_path, [archive])
    assert imported.result.accepted == 3
    reasons = {row["ref"]: row["errors"][0]["message"] for row in imported.invalid}
    assert set(reasons) == {"bomb.xml", "nested.zip", "scan.pdf", "broken.xml"}
    assert "DOCTYPE" in reasons["bomb.xml"]
    assert reasons["nested.zip"] == "Zip-filer inde i zip-filen læses ikke; pak dem ud først."
    assert reasons["scan.pdf"] == "Filen i arkivet er ikke en XML-faktura."
    assert "ikke gyldig XML" in reasons["broken.xml"]
    assert all(len(row["errors"]) == 1 for row in imported.invalid)


def test_doctype_in_a_single_xml_file(tmp_path: Path) -> None:
    path = tmp_path / "bomb.xml"
    path.write_bytes(BOMB)
    imported = import_files(tmp_path, [path])
    assert imported.result.accepted == 0
    assert len(imported.invalid) == 1
    assert "DOCTYPE" in imported.invalid[0]["errors"][0]["message"]


def test_zip_bomb_is_a_clear_error_and_leaves_nothing_behind(tmp_path: Path) -> None:
    good = write_rows(tmp_path / "good.csv", ["01-03-2025;1;A;x;1,00;;;"])
    bomb = zip_of(tmp_path / "bomb.zip", {"invoice.xml": b"<" + b" " * (8 * 1024 * 1024)})
    lines, rejects = tmp_path / "lines.parquet", tmp_path / "rejects.parquet"
    with PurchaseImport(tmp_path / "work") as imp:
        info = inspect(good, good.name)
        imp.add(good, good.name, info, info.suggested)
        bomb_info = inspect(bomb, bomb.name)
        assert bomb_info.kind == UBL
        with pytest.raises(ArchiveError) as caught:
            imp.add(bomb, bomb.name, bomb_info)
        assert "zip-bombe" in caught.value.message
        result = imp.finish(Lookups(organisation_id=7), 1, lines, rejects)
    assert (result.accepted, result.rejected) == (1, 0)


def test_archive_refused_before_anything_is_read(tmp_path: Path) -> None:
    archive = zip_of(tmp_path / "evil.zip", {"../../etc/cron.d/x.xml": b"<Invoice/>"})
    with PurchaseImport(tmp_path / "work") as imp, pytest.raises(ArchiveError) as caught:
        imp.add(archive, archive.name, inspect(archive, archive.name))
    assert "uden for arkivet" in caught.value.message
    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"PK\x03\x04" + bytes(200))
    with pytest.raises(TableError):
        inspect(broken, broken.name)


# --- fuzzing ---------------------------------------------------------------------------------

DANISH = re.compile(r"[æøåÆØÅ]|ikke|Filen|filen|kolonne|Rækken|række|Zip|zip|tom", re.UNICODE)
ALLOWED = (TableError, ubl.UblError, ArchiveError, MappingError)


def expected_rows(path: Path, info: SourceInfo) -> int:
    """Non-empty data rows, counted independently of the pipeline."""
    data = path.read_bytes()
    if info.kind == UBL:
        try:
            return len(ubl.parse_ubl(data, path.name))
        except ubl.UblError:
            return 1
    encoding = info.encoding or "utf-8"
    if encoding == "cp1252":
        text = "".join(bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in data)
    else:
        text = data.decode(encoding)
    records = list(csv.reader(io.StringIO(text, newline=""), delimiter=info.delimiter or ";"))
    return sum(1 for r in records[info.header_row :] if any(cell.strip() for cell in r))


def fuzz_import(tmp_path: Path, data: bytes, counter: list[int]) -> None:
    """inspect + add + finish either account for every row or raise a Danish error."""
    counter[0] += 1
    folder = tmp_path / f"case-{counter[0]}"
    folder.mkdir()
    path = folder / "upload.csv"
    path.write_bytes(data)
    try:
        info = inspect(path, path.name)
        mapping = info.suggested
        if info.kind != UBL and missing_required(mapping) and len(info.header) >= 3:
            mapping = {"posting_date": 0, "supplier_name": 1, "net_amount": 2}
        with PurchaseImport(folder / "work", ImportOptions(threads=1)) as imp:
            imp.add(path, path.name, info, None if info.kind == UBL else mapping)
            result = imp.finish(
                Lookups(organisation_id=1), 1, folder / "l.parquet", folder / "r.parquet"
            )
    except ALLOWED as exc:
        assert isinstance(exc.message, str) and DANISH.search(exc.message), exc.message
        return
    assert info.kind in (CSV, UBL, XLSX)
    assert result.duplicates + result.accepted + result.rejected == expected_rows(path, info)


#: Pieces that make random bytes look like a purchase file often enough to get far.
TOKENS = [
    b";",
    b",",
    b"\t",
    b"|",
    b'"',
    b"\n",
    b"\r",
    b"\r\n",
    b" ",
    b"a",
    b"1",
    b"-",
    b".",
    b"\xf8",
    b"\xc3\xb8",
    b"\x00",
    b"<",
    b"PK\x03\x04",
    b"\xef\xbb\xbf",
    b"\xff\xfe",
    b"Dato",
    b"Bel\xc3\xb8b",
    b"Leverand\xc3\xb8r",
    b"01-02-2025",
    b"12,50",
    b"45658",
]


@FUZZ
@given(
    data=st.one_of(
        st.binary(max_size=600), st.lists(st.sampled_from(TOKENS), max_size=80).map(b"".join)
    )
)
def test_fuzz_arbitrary_bytes(tmp_path: Path, data: bytes) -> None:
    fuzz_import(tmp_path, data, COUNTER)


COUNTER = [0]
SEED_CSV = (
    "Kreditorposter 2025\n"
    "Bogføringsdato;Fakturanr.;Leverandørnavn;CVR-nr.;Beløb ekskl. moms;Antal;Enhed;Varetekst\n"
    '03-01-2025;F-1;Grønt ApS;;1.234,50;2;stk;"Gulerødder; 1 kg"\n'
    "03-01-2025;F-1;Grønt ApS;;12,50-;1,5;kg;Løg\n"
    "04-01-2025;F-2;Mejeriet;;(99,95);;;Mælk\n"
    "45660;F-3;Kontor A/S;;0,5;1;;Papir\n"
)
PIECES = [
    '"',
    ";",
    ",",
    "\n",
    "\r\n",
    "\t",
    "",
    "ø",
    "-",
    "(",
    "1.234",
    "31-02-2025",
    '""',
    "\x00",
    "|",
]


@FUZZ
@given(
    edits=st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=len(SEED_CSV)),
            st.integers(0, 3),
            st.sampled_from(PIECES),
        ),
        max_size=6,
    ),
    encoding=st.sampled_from(["utf-8", "cp1252", "utf-8-sig"]),
)
def test_fuzz_mutated_csv(tmp_path: Path, edits: list[tuple[int, int, str]], encoding: str) -> None:
    text = SEED_CSV
    for position, cut, piece in edits:
        position = min(position, len(text))
        text = text[:position] + piece + text[position + cut :]
    fuzz_import(tmp_path, text.encode(encoding), COUNTER)
