"""Column mapping: every export we know of maps itself, and a bad mapping is explained.

The synthetic writers declare, for each layout, which field each column holds; the
importer must find exactly that from the header alone, or a municipality's first upload
starts with questions. The UK council files are real exports with their own wording.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from omlob.core.fieldmapping import (
    REQUIRED_GROUPS,
    SYNONYMS,
    MappingError,
    header_key,
    missing_required,
    suggest_mapping,
    validate_mapping,
)
from omlob.core.lineschema import FIELD_LABELS
from omlob.synthetic import CSV_DIALECTS, XLSX_LAYOUT
from omlob.synthetic.writers import SheetLayout

SHARED_DATA = Path(__file__).resolve().parents[3] / "shared" / "data"
UK_FILES = sorted(SHARED_DATA.glob("uk-*/*.csv"))
LAYOUTS: list[SheetLayout] = [*CSV_DIALECTS.values(), XLSX_LAYOUT]


@pytest.mark.parametrize("layout", LAYOUTS, ids=lambda layout: layout.name)
def test_every_synthetic_layout_maps_itself(layout: SheetLayout) -> None:
    suggested = suggest_mapping(layout.headers)
    expected = {}
    for index, (field, _header) in enumerate(layout.columns):
        # The Debet/Kredit column of a Prisme export is read as the document type.
        key = "document_type" if field == "debit_credit" else field
        assert key in FIELD_LABELS
        expected[key] = index
    assert suggested == expected
    assert missing_required(suggested) == []
    assert validate_mapping(suggested, len(layout.headers)) == expected


def test_layouts_cover_the_interesting_headers() -> None:
    # Guards the test above: the layouts really contain the awkward names it is about.
    headers = {header for layout in LAYOUTS for header in layout.headers}
    for name in ("Bogf.dato", "Bilagsart", "D/K", "GLN-nr.", "Lokationsnummer", "Nummer"):
        assert name in headers


def uk_header(path: Path) -> list[str]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return next(csv.reader(handle))


@pytest.mark.skipif(not UK_FILES, reason="the shared UK council files are not present")
@pytest.mark.parametrize("path", UK_FILES, ids=lambda path: path.name)
def test_uk_council_headers_map_amount_date_and_supplier(path: Path) -> None:
    header = uk_header(path)
    mapping = suggest_mapping(header)
    assert missing_required(mapping) == []
    names = {field: header[column].strip().lower() for field, column in mapping.items()}
    assert names["net_amount"] in ("net amount", "amount")
    date_field = "invoice_date" if "invoice_date" in mapping else "posting_date"
    assert "date" in names[date_field]
    assert "supplier" in names["supplier_name"]
    assert "name" in names["supplier_name"]
    # The supplier's id or VAT number is never taken for its name, nor VAT for the amount.
    assert all("vat" not in names[f] for f in ("net_amount", "supplier_name"))


@pytest.mark.skipif(not UK_FILES, reason="the shared UK council files are not present")
def test_uk_headers_seen() -> None:
    # Some of the real headers, with what they must become.
    calderdale = uk_header(SHARED_DATA / "uk-calderdale-spend-2022-08" / "calderdale-2022-08.csv")
    mapping = suggest_mapping(calderdale)
    assert calderdale[mapping["supplier_name"]] == "Supplier(Beneficiary) Name"
    assert calderdale[mapping["posting_date"]] == "Date"
    assert calderdale[mapping["invoice_number"]] == "Invoice Number"
    assert "Irrecoverable VAT" not in [calderdale[c] for c in mapping.values()]


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        # An exact synonym beats a column that merely starts with one.
        (["Beløb ekskl. moms DKK", "Beløb"], {"net_amount": 1}),
        (["Beløb ekskl. moms DKK", "Dato"], {"net_amount": 0, "posting_date": 1}),
        # A gross or VAT amount is never the net amount by accident.
        (["Beløb inkl. moms", "Dato"], {"posting_date": 1}),
        (["Amount incl VAT", "Date"], {"posting_date": 1}),
        (["Beløb moms", "Beløb brutto", "Amount VAT"], {}),
        (["Amount ex VAT"], {"net_amount": 0}),
        # "Bilagsart" is the document type, not a "Bilag" number.
        (["Bilagsart", "Reference"], {"document_type": 0, "invoice_number": 1}),
        # Synonyms earlier in the list win when two columns could be the same field.
        (["Service Area", "Expense Area"], {"cost_centre": 0}),
        (["Expense Area", "Service Area"], {"cost_centre": 1}),
        # Case, spacing and punctuation do not matter.
        (
            ["  beløb EKSKL moms ", "CVR nr", "faktura-dato"],
            {
                "net_amount": 0,
                "supplier_cvr": 1,
                "invoice_date": 2,
            },
        ),
        ([], {}),
        (["", "  ", "???"], {}),
    ],
)
def test_suggest_mapping_rules(header: list[str], expected: dict[str, int]) -> None:
    assert suggest_mapping(header) == expected


def test_each_column_and_field_is_used_once() -> None:
    header = ["Dato", "Dato 2", "Beløb", "Beløb DKK", "Leverandør", "Leverandørnavn"]
    mapping = suggest_mapping(header)
    assert len(set(mapping.values())) == len(mapping)
    assert mapping["net_amount"] == 2
    assert mapping["supplier_name"] == 4


def test_every_synonym_maps_to_its_own_field_alone() -> None:
    for field, names in SYNONYMS.items():
        for name in names:
            mapping = suggest_mapping([name])
            owner = next(iter(mapping)) if mapping else None
            # A name listed under two fields goes to the first; all others to their own.
            assert owner is not None, name
            first = next(
                f
                for f, ns in SYNONYMS.items()
                if any(header_key([n]) == header_key([name]) for n in ns)
            )
            assert owner == first, (name, field)


def test_header_key_is_stable_under_case_and_spacing() -> None:
    key = header_key(["Beløb ekskl. moms", "CVR-nr.", "Fakturadato"])
    assert key == header_key(["beløb  EKSKL moms", "cvr nr", " FAKTURA-DATO "])
    assert key == header_key(["Beløb ekskl. moms", "CVR-nr.", "Fakturadato"])
    assert len(key) == 32 and int(key, 16) >= 0
    # Reordered, renamed, added or removed columns give a new key.
    assert key != header_key(["CVR-nr.", "Beløb ekskl. moms", "Fakturadato"])
    assert key != header_key(["Beløb inkl. moms", "CVR-nr.", "Fakturadato"])
    assert key != header_key(["Beløb ekskl. moms", "CVR-nr.", "Fakturadato", "Tekst"])
    assert key != header_key(["Beløb ekskl. moms", "CVR-nr."])
    # Danish letters are letters: "Område" is not "Omrade".
    assert header_key(["Område"]) != header_key(["Omrade"])


def test_missing_required_names_each_group_in_danish() -> None:
    assert missing_required({}) == [
        "Beløb ekskl. moms",
        "Fakturadato eller Bogføringsdato",
        "Leverandør eller Leverandør-CVR",
    ]
    assert len(missing_required({})) == len(REQUIRED_GROUPS)
    assert missing_required({"net_amount": 0, "posting_date": 1, "supplier_cvr": 2}) == []
    assert missing_required({"net_amount": 0, "supplier_name": 1}) == [
        "Fakturadato eller Bogføringsdato"
    ]


GOOD = {"net_amount": 0, "invoice_date": 1, "supplier_name": 2}


def test_validate_mapping_accepts_and_copies() -> None:
    mapping = dict(GOOD, description=3)
    clean = validate_mapping(mapping, 4)
    assert clean == mapping
    assert clean is not mapping


@pytest.mark.parametrize(
    ("mapping", "width", "message"),
    [
        (dict(GOOD, colour=3), 4, "Feltet 'colour' findes ikke i linjeformatet."),
        (dict(GOOD, description=4), 4, "Varetekst peger på kolonne 4, men filen har 4 kolonner."),
        (dict(GOOD, description=-1), 4, "Varetekst peger på kolonne -1, men filen har 4 kolonner."),
        (dict(GOOD, description="3"), 4, "Varetekst peger på kolonne 3, men filen har 4 kolonner."),
        (dict(GOOD, description=True), 4, "Varetekst peger på kolonne True"),
        (dict(GOOD, description=2), 4, "Kolonne 3 er valgt til både Leverandør og Varetekst."),
        (
            {"net_amount": 0},
            4,
            "Vælg en kolonne til Fakturadato eller Bogføringsdato; "
            "Leverandør eller Leverandør-CVR.",
        ),
        (
            {},
            0,
            "Vælg en kolonne til Beløb ekskl. moms; Fakturadato eller Bogføringsdato; "
            "Leverandør eller Leverandør-CVR.",
        ),
    ],
)
def test_validate_mapping_errors(mapping: dict, width: int, message: str) -> None:
    with pytest.raises(MappingError) as caught:
        validate_mapping(mapping, width)
    assert caught.value.message.startswith(message)
    assert str(caught.value) == caught.value.message
