"""The synthetic Demo Kommune data: deterministic, exact, realistic and in the right formats.

Demos, benchmarks and importer tests all stand on this generator, so its promises are
checked here: the same arguments give the same bytes, exactly the requested number of lines,
valid CVR/EAN numbers (except the rows spoiled on purpose, at the requested rate), the
credit-note and organic shares, every CSV dialect readable with its declared conventions,
UBL totals that add up, and constant memory while streaming.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import subprocess
import sys
import time
import tracemalloc
import zipfile
from collections import Counter
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pytest
from lxml import etree
from python_calamine import CalamineWorkbook

from omlob.core.codes import is_valid_cvr, is_valid_gln
from omlob.core.lineschema import RAW_FIELDS
from omlob.synthetic import (
    CSV_DIALECTS,
    ITEMS,
    PRODUCT_GROUPS,
    SUPPLIERS,
    XLSX_LAYOUT,
    Buyer,
    SynthInvoice,
    buyers_from_units,
    count_lines,
    generate_invoices,
    repeat_share,
    second_export,
    ubl_document,
    write_csv,
    write_ubl_zip,
    write_xlsx,
)
from omlob.synthetic.catalogue import FOOD_GROUPS, ITEMS_BY_KEY, UNIT_CODES
from omlob.synthetic.generate import DKK_PER

YEAR = 2025
NS = {
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
}


@pytest.fixture(scope="module")
def buyers() -> list[Buyer]:
    """Demo Kommune's real structure (forvaltninger, institutions, 25 kitchens)."""
    from omlob.organisations.demo import demo_rows

    return buyers_from_units(demo_rows())


@pytest.fixture(scope="module")
def year_of_invoices(buyers: list[Buyer]) -> list[SynthInvoice]:
    """A mid-sized sample year, shared by the statistical tests."""
    return list(generate_invoices(buyers, YEAR, 120_000))


def dkk(invoice: SynthInvoice, amount: Decimal) -> Decimal:
    return amount * Decimal(str(DKK_PER[invoice.currency]))


# --- the generator ---------------------------------------------------------------------


def test_package_does_not_import_django() -> None:
    code = (
        "import sys, omlob.synthetic\n"
        "bad = [m for m in sys.modules if m == 'django' or m.startswith('django.')]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.parametrize("lines", [0, 1, 7, 1000, 23_457])
def test_exactly_the_requested_number_of_lines(buyers: list[Buyer], lines: int) -> None:
    assert count_lines(generate_invoices(buyers, YEAR, lines)) == lines


def test_same_arguments_same_invoices_other_seed_other_invoices(buyers: list[Buyer]) -> None:
    first = list(generate_invoices(buyers, YEAR, 3000))
    again = list(generate_invoices(buyers, YEAR, 3000))
    other = list(generate_invoices(buyers, YEAR, 3000, seed=7))
    assert first == again
    assert first != other


def test_invoices_come_in_date_order_within_the_year(year_of_invoices: list) -> None:
    dates = [invoice.issue_date for invoice in year_of_invoices]
    assert dates == sorted(dates)
    assert dates[0].year == YEAR == dates[-1].year
    for invoice in year_of_invoices[:2000]:
        assert invoice.issue_date < invoice.posting_date <= invoice.issue_date + dt.timedelta(22)
        assert [line.line_number for line in invoice.lines] == list(
            range(1, len(invoice.lines) + 1)
        )


def test_identifiers_are_valid_and_unique_per_supplier(year_of_invoices: list) -> None:
    numbers = Counter((i.supplier.key, i.number) for i in year_of_invoices)
    assert max(numbers.values()) == 1
    for invoice in year_of_invoices:
        supplier = invoice.supplier
        if supplier.country == "DK":
            assert supplier.cvr and is_valid_cvr(supplier.cvr)
            assert invoice.currency == "DKK"
        else:
            assert supplier.cvr is None and invoice.currency != "DKK"
        assert is_valid_gln(supplier.gln)
        assert invoice.buyer.ean is None or is_valid_gln(invoice.buyer.ean)


def test_amounts_are_consistent(year_of_invoices: list) -> None:
    for invoice in year_of_invoices[:5000]:
        for line in invoice.lines:
            assert line.net_amount > 0
            assert line.net_amount.as_tuple().exponent == -2
            assert line.net_amount == (line.unit_price * line.quantity).quantize(
                Decimal("0.01"), rounding="ROUND_HALF_UP"
            )


def test_credit_notes_are_about_two_percent(year_of_invoices: list) -> None:
    credit = [i for i in year_of_invoices if i.document_type == "credit_note"]
    assert 0.012 < len(credit) / len(year_of_invoices) < 0.03
    assert all(i.billing_reference and i.charge is None for i in credit)
    assert all(line.net_amount > 0 for i in credit for line in i.lines)


def test_organic_share_of_food_spend_is_about_a_third(year_of_invoices: list) -> None:
    food = organic = Decimal(0)
    by_kitchen: dict[str, list[Decimal]] = {}
    for invoice in year_of_invoices:
        for line in invoice.lines:
            if line.item.group in FOOD_GROUPS:
                amount = dkk(invoice, line.net_amount)
                food += amount
                organic += amount if line.item.organic else 0
                if invoice.buyer.kind == "kitchen":
                    share = by_kitchen.setdefault(invoice.buyer.name, [Decimal(0), Decimal(0)])
                    share[0] += amount
                    share[1] += amount if line.item.organic else 0
    assert 0.30 <= organic / food <= 0.40
    kitchen_shares = sorted(o / f for f, o in by_kitchen.values())
    assert len(kitchen_shares) == 25
    assert kitchen_shares[0] < Decimal("0.25") < Decimal("0.45") < kitchen_shares[-1]


def test_about_half_the_lines_carry_a_unspsc_code(year_of_invoices: list) -> None:
    lines = [line for invoice in year_of_invoices for line in invoice.lines]
    coded = [line for line in lines if line.unspsc]
    assert 0.4 < len(coded) / len(lines) < 0.6
    assert all(line.unspsc == line.item.unspsc for line in coded)


def test_units_buy_what_they_buy(year_of_invoices: list) -> None:
    groups_by_kind: dict[str, Counter] = {}
    for invoice in year_of_invoices:
        counter = groups_by_kind.setdefault(invoice.buyer.kind, Counter())
        for line in invoice.lines:
            counter[line.item.group] += 1
    kitchen = groups_by_kind["kitchen"]
    assert sum(kitchen[g] for g in FOOD_GROUPS) / kitchen.total() > 0.85
    assert not any(groups_by_kind["forvaltning"][g] for g in FOOD_GROUPS)
    assert groups_by_kind["forvaltning"]["consultancy"] > 0
    assert groups_by_kind["school"]["toys_teaching"] > 0
    assert groups_by_kind["school"]["it_hardware"] > 0
    assert groups_by_kind["care_home"]["hygiene"] > groups_by_kind["care_home"]["office"]


def test_seasons(year_of_invoices: list) -> None:
    food, it, heat = Counter(), Counter(), Counter()
    for invoice in year_of_invoices:
        month = invoice.issue_date.month
        for line in invoice.lines:
            if line.item.group in FOOD_GROUPS:
                food[month] += 1
            elif line.item.group == "it_hardware":
                it[month] += 1
            elif line.item.seasonal == "heating":
                heat[month] += float(line.quantity)
    assert food[7] < 0.6 * food.total() / 12
    assert it[8] > 1.5 * it.total() / 12 and it[12] > 1.5 * it.total() / 12
    assert heat[1] > 3 * heat[7]


def test_a_few_foreign_currencies_and_organic_and_refurbished_items(
    year_of_invoices: list,
) -> None:
    currencies = Counter(i.currency for i in year_of_invoices)
    foreign = sum(n for c, n in currencies.items() if c != "DKK")
    assert set(currencies) == {"DKK", "EUR", "SEK", "GBP", "USD"}
    assert 0.002 < foreign / len(year_of_invoices) < 0.05
    items = {line.item.key for invoice in year_of_invoices for line in invoice.lines}
    assert any(key.endswith(".oko") for key in items)
    assert any(ITEMS_BY_KEY[key].refurbished for key in items)


def test_repeated_share_and_second_export_for_deduplication(buyers: list[Buyer]) -> None:
    first = list(generate_invoices(buyers, YEAR, 20_000))
    repeated = list(repeat_share(first, 0.1, seed=3))
    keys = {
        (i.supplier.key, i.number, line.line_number, line.net_amount)
        for i in first
        for line in i.lines
    }
    again = [
        (i.supplier.key, i.number, ln.line_number, ln.net_amount)
        for i in repeated
        for ln in i.lines
    ]
    assert 0.08 < len(again) / 20_000 < 0.12
    assert set(again) <= keys
    export = list(
        second_export(
            generate_invoices(buyers, YEAR, 20_000),
            generate_invoices(buyers, YEAR, 5000, seed=9),
            0.1,
            seed=3,
        )
    )
    assert count_lines(export) == len(again) + 5000


# --- the catalogue -----------------------------------------------------------------------

# UNSPSC segments each product group's codes must be in.
SEGMENTS = {
    **{group: {"50"} for group in FOOD_GROUPS},
    "it_hardware": {"43", "44", "45"},
    "it_services": {"43", "81"},
    "furniture": {"56"},
    "office": {"14", "26", "31", "44"},
    "cleaning": {"14", "47", "52"},
    "hygiene": {"42", "46", "53"},
    "toys_teaching": {"43", "44", "49", "55", "60"},
    "fuel": {"15"},
    "electricity": {"83"},
    "heating": {"83"},
    "transport": {"78"},
    "fleet": {"78"},
    "construction": {"30", "31", "39", "70", "72"},
    "consultancy": {"77", "80", "81", "82", "84", "86"},
    "cleaning_services": {"76", "91"},
}


def test_catalogue_is_big_varied_and_well_formed() -> None:
    assert len(ITEMS) >= 300
    assert len({item.group for item in ITEMS}) >= 12
    for item in ITEMS:
        assert re.fullmatch(r"\d{8}", item.unspsc), item.key
        assert item.unspsc[:2] in SEGMENTS[item.group], item.key
        assert UNIT_CODES[item.unit] == item.unit_code
        assert 0 < item.price_low <= item.price_high
        assert 0 < item.qty_low <= item.qty_high
        assert item.variants[0] == item.name and len(set(item.variants)) == len(item.variants)
        assert item.net_unit in {None, "kg", "l"}
    organic = [item for item in ITEMS if item.organic]
    assert len(organic) > 100
    assert all(any(w in item.name for w in ("Øko", "økologisk")) for item in organic)
    assert any(item.refurbished for item in ITEMS if item.group == "it_hardware")


def test_suppliers_have_valid_numbers_and_nace_codes() -> None:
    assert 75 <= len(SUPPLIERS) <= 100
    for supplier in SUPPLIERS:
        assert re.fullmatch(r"\d{2}\.\d{2}", supplier.nace)
        assert is_valid_gln(supplier.gln)
        assert supplier.cvr is None or is_valid_cvr(supplier.cvr)
        assert set(supplier.groups) <= set(PRODUCT_GROUPS)
        assert supplier.flavour in {"oioubl", "peppol"}


# --- CSV ---------------------------------------------------------------------------------

AMOUNT_PATTERNS = {
    "excel-da": r"\d{1,3}(\.\d{3})*,\d{2}-?",
    "web-utf8": r"-?\d+\.\d{2}",
    "tab-latin1": r"\(?\d+,\d{2}\)?",
    "pipe": r"-?\d+\.\d{2}",
    "prisme-dk": r"\d{1,3}(\.\d{3})*,\d{2}",
}


def parse_amount(text: str, dialect: str) -> Decimal:
    """Read an amount back in the dialect's declared convention (raises when unreadable)."""
    style = CSV_DIALECTS[dialect]
    if not re.fullmatch(AMOUNT_PATTERNS[dialect], text):
        raise InvalidOperation(text)
    negative = text.endswith("-") or text.startswith(("-", "("))
    body = text.strip("-()")
    if style.thousands:
        body = body.replace(style.thousands, "")
    value = Decimal(body.replace(style.decimal, "."))
    return -value if negative else value


def parse_date(text: str, dialect: str) -> dt.date:
    style = CSV_DIALECTS[dialect]
    if style.date_format == "excel-serial":
        return dt.date(1899, 12, 30) + dt.timedelta(days=int(text))
    return dt.datetime.strptime(text, style.date_format).date()


def read_back(path: Path, dialect: str) -> tuple[list[str], list[dict[str, str]]]:
    """Decode with the declared encoding and split with the declared delimiter."""
    style = CSV_DIALECTS[dialect]
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") == style.bom
    text = data.decode("utf-8-sig" if style.bom else style.encoding)
    if style.line_terminator == "\r\n":
        assert text.count("\r\n") == text.count("\n")
    else:
        assert "\r" not in text
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=style.delimiter))
    titles = len(style.title_rows)
    header = rows[titles]
    assert header == style.headers
    for row in rows[:titles]:
        assert row[0] and not any(row[1:])
    return header, [dict(zip(header, row, strict=True)) for row in rows[titles + 1 :]]


@pytest.mark.parametrize("dialect", sorted(CSV_DIALECTS))
def test_every_dialect_reads_back_with_its_declared_conventions(
    buyers: list[Buyer], tmp_path: Path, dialect: str
) -> None:
    style = CSV_DIALECTS[dialect]
    invoices = list(generate_invoices(buyers, YEAR, 6000))
    path = tmp_path / f"{dialect}.csv"
    assert write_csv(invoices, path, dialect) == 6000
    _, rows = read_back(path, dialect)
    assert len(rows) == 6000
    column = style.field_headers
    expected_lines = [(i, line) for i in invoices for line in i.lines]
    negatives = 0
    for row, (invoice, line) in zip(rows, expected_lines, strict=True):
        amount = parse_amount(row[column["net_amount"]], dialect)
        credit = invoice.document_type == "credit_note"
        if style.negative == "column":
            assert row[column["debit_credit"]] == ("K" if credit else "D")
            assert amount == line.net_amount
        else:
            assert amount == (-line.net_amount if credit else line.net_amount)
            negatives += amount < 0
        assert parse_date(row[column["invoice_date"]], dialect) == invoice.issue_date
        assert parse_date(row[column["posting_date"]], dialect) == invoice.posting_date
        assert row[column["invoice_number"]] == invoice.number
        assert row[column["supplier_cvr"]] == (invoice.supplier.cvr or "")
        cvr = row[column["supplier_cvr"]]
        assert not cvr or is_valid_cvr(cvr)
        ean = row[column["buyer_ean"]]
        assert not ean or is_valid_gln(ean)
        if "classification_code" in column:
            assert row[column["classification_code"]] == (line.unspsc or "")
    if style.negative != "column":
        assert negatives == sum(len(i.lines) for i in invoices if i.document_type == "credit_note")


def test_dialects_expose_headers_mapped_to_line_fields() -> None:
    known = {field.key for field in RAW_FIELDS} | {"debit_credit"}
    for layout in [*CSV_DIALECTS.values(), XLSX_LAYOUT]:
        assert layout.headers == [header for _, header in layout.columns]
        assert set(layout.field_headers) <= known
        assert {"invoice_number", "net_amount", "description", "supplier_name"} <= set(
            layout.field_headers
        )
        assert len(set(layout.headers)) == len(layout.headers)
    assert any(layout.title_rows for layout in CSV_DIALECTS.values())
    assert {"excel-da", "web-utf8", "tab-latin1", "pipe"} <= set(CSV_DIALECTS)


def test_csv_and_zip_are_byte_for_byte_deterministic(buyers: list[Buyer], tmp_path: Path) -> None:
    for n in (1, 2):
        write_csv(generate_invoices(buyers, YEAR, 4000), tmp_path / f"{n}.csv", "excel-da", 0.02)
        write_ubl_zip(generate_invoices(buyers, YEAR, 1500), tmp_path / f"{n}.zip")
    assert (tmp_path / "1.csv").read_bytes() == (tmp_path / "2.csv").read_bytes()
    assert (tmp_path / "1.zip").read_bytes() == (tmp_path / "2.zip").read_bytes()


def bad_row_kinds(row: dict[str, str], dialect: str) -> set[str]:
    """Which of the deliberate defects a read-back row has."""
    column = CSV_DIALECTS[dialect].field_headers
    kinds = set()
    if row[column["supplier_cvr"]] and not is_valid_cvr(row[column["supplier_cvr"]]):
        kinds.add("cvr")
    if row[column["buyer_ean"]] and not is_valid_gln(row[column["buyer_ean"]]):
        kinds.add("ean")
    try:
        parse_amount(row[column["net_amount"]], dialect)
    except InvalidOperation:
        kinds.add("amount")
    try:
        parse_date(row[column["invoice_date"]], dialect)
    except ValueError:
        kinds.add("date")
    if row[column["unit"]] == "xyz":
        kinds.add("unit")
    return kinds


@pytest.mark.parametrize("dialect", sorted(CSV_DIALECTS))
def test_mess_spoils_rows_at_the_requested_rate(
    buyers: list[Buyer], tmp_path: Path, dialect: str
) -> None:
    path = tmp_path / "mess.csv"
    write_csv(generate_invoices(buyers, YEAR, 20_000), path, dialect, mess=0.05, seed=11)
    _, rows = read_back(path, dialect)
    kinds = Counter()
    bad = 0
    for row in rows:
        found = bad_row_kinds(row, dialect)
        assert len(found) <= 1
        bad += bool(found)
        kinds.update(found)
    assert 0.04 < bad / len(rows) < 0.06
    assert set(kinds) == {"cvr", "ean", "amount", "date", "unit"}

    clean = tmp_path / "clean.csv"
    write_csv(generate_invoices(buyers, YEAR, 5000), clean, dialect)
    assert not any(bad_row_kinds(row, dialect) for row in read_back(clean, dialect)[1])


# --- XLSX --------------------------------------------------------------------------------


def test_xlsx_has_title_rows_real_dates_and_signed_numbers(
    buyers: list[Buyer], tmp_path: Path
) -> None:
    invoices = list(generate_invoices(buyers, YEAR, 3000))
    path = tmp_path / "kreditorposter.xlsx"
    assert write_xlsx(invoices, path, mess=0.02) == 3000
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    assert rows[0][0] == f"Kreditorposter {YEAR}"
    assert rows[1][0] == f"Udtrukket 03-01-{YEAR + 1}"
    assert [str(v) for v in rows[2]] == XLSX_LAYOUT.headers
    data = rows[3:]
    assert len(data) == 3000
    fields = XLSX_LAYOUT.fields
    amount, date = fields.index("net_amount"), fields.index("invoice_date")
    lines = [(i, line) for i in invoices for line in i.lines]
    spoiled = 0
    for row, (invoice, line) in zip(data, lines, strict=True):
        if not isinstance(row[amount], float) or not isinstance(row[date], dt.date):
            spoiled += 1
            continue
        sign = -1 if invoice.document_type == "credit_note" else 1
        assert Decimal(str(row[amount])) == sign * line.net_amount
        assert row[date] == invoice.issue_date
    assert 0 < spoiled < 0.05 * len(data)

    plain = tmp_path / "plain.xlsx"
    write_xlsx(invoices[:10], plain, title_rows=False)
    first = CalamineWorkbook.from_path(str(plain)).get_sheet_by_index(0).to_python()[0]
    assert [str(v) for v in first] == XLSX_LAYOUT.headers


# --- UBL ---------------------------------------------------------------------------------


def amount_of(root: etree._Element, path: str) -> Decimal:
    return Decimal(root.findtext(path, namespaces=NS))


@pytest.mark.parametrize("flavour", ["oioubl", "peppol"])
def test_ubl_documents_parse_and_add_up(year_of_invoices: list, flavour: str) -> None:
    sample = (
        year_of_invoices[:1500]
        + [i for i in year_of_invoices if i.document_type == "credit_note" or i.currency != "DKK"][
            :200
        ]
    )
    certificates = properties = charges = 0
    for invoice in sample:
        root = etree.fromstring(ubl_document(invoice, flavour))
        credit = invoice.document_type == "credit_note"
        assert etree.QName(root).localname == ("CreditNote" if credit else "Invoice")
        line_tag = "cac:CreditNoteLine" if credit else "cac:InvoiceLine"
        qty_tag = "cbc:CreditedQuantity" if credit else "cbc:InvoicedQuantity"
        lines = root.findall(line_tag, NS)
        assert len(lines) == len(invoice.lines)
        line_sum = sum(amount_of(line, "cbc:LineExtensionAmount") for line in lines)
        assert line_sum == amount_of(root, "cac:LegalMonetaryTotal/cbc:LineExtensionAmount")
        assert line_sum == invoice.line_total
        charge = invoice.charge or Decimal(0)
        charges += bool(invoice.charge)
        tax = amount_of(root, "cac:TaxTotal/cbc:TaxAmount")
        exclusive = amount_of(root, "cac:LegalMonetaryTotal/cbc:TaxExclusiveAmount")
        inclusive = amount_of(root, "cac:LegalMonetaryTotal/cbc:TaxInclusiveAmount")
        # PEPPOL: TaxExclusiveAmount is lines + charges. OIOUBL: it is the total VAT.
        assert exclusive == (tax if flavour == "oioubl" else line_sum + charge)
        assert inclusive == line_sum + charge + tax
        assert amount_of(root, "cac:LegalMonetaryTotal/cbc:PayableAmount") == inclusive
        taxable = sum(
            amount_of(sub, "cbc:TaxableAmount")
            for sub in root.findall("cac:TaxTotal/cac:TaxSubtotal", NS)
        )
        assert taxable == line_sum + charge
        for subtotal in root.findall("cac:TaxTotal/cac:TaxSubtotal", NS):
            percent = Decimal(subtotal.findtext("cac:TaxCategory/cbc:Percent", namespaces=NS))
            expected = (amount_of(subtotal, "cbc:TaxableAmount") * percent / 100).quantize(
                Decimal("0.01"), rounding="ROUND_HALF_UP"
            )
            assert amount_of(subtotal, "cbc:TaxAmount") == expected
        for line, element in zip(invoice.lines, lines, strict=True):
            quantity = element.find(qty_tag, NS)
            assert Decimal(quantity.text) == line.quantity and quantity.get("unitCode")
            assert element.findtext("cbc:AccountingCost", namespaces=NS) == line.account
            code = element.find(
                "cac:Item/cac:CommodityClassification/cbc:ItemClassificationCode", NS
            )
            if line.unspsc:
                assert code.text == line.unspsc
                assert code.get("listID") == ("UNSPSC" if flavour == "oioubl" else "TST")
            else:
                assert code is None
            certificates += len(element.findall("cac:Item/cac:Certificate", NS))
            properties += len(element.findall("cac:Item/cac:AdditionalItemProperty", NS))
        supplier_endpoint = root.find("cac:AccountingSupplierParty/cac:Party/cbc:EndpointID", NS)
        buyer_endpoint = root.find("cac:AccountingCustomerParty/cac:Party/cbc:EndpointID", NS)
        if flavour == "oioubl":
            assert root.findtext("cbc:CustomizationID", namespaces=NS) == "OIOUBL-2.1"
            assert root.findtext("cbc:ProfileID", namespaces=NS) == (
                "urn:www.nesubl.eu:profiles:profile5:ver2.0"
            )
            assert buyer_endpoint.get("schemeID") == "GLN"
            if invoice.supplier.cvr:
                assert supplier_endpoint.get("schemeID") == "DK:CVR"
                assert supplier_endpoint.text == f"DK{invoice.supplier.cvr}"
        else:
            assert root.findtext("cbc:CustomizationID", namespaces=NS) == (
                "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
            )
            assert root.findtext("cbc:ProfileID", namespaces=NS) == (
                "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"
            )
            assert buyer_endpoint.get("schemeID") == "0088"
            if invoice.supplier.cvr:
                assert supplier_endpoint.get("schemeID") == "0184"
                assert supplier_endpoint.text == invoice.supplier.cvr
        assert is_valid_gln(buyer_endpoint.text)
        if credit:
            assert root.findtext(
                "cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID", namespaces=NS
            ) == (invoice.billing_reference)
    assert charges > 10
    assert properties > 0
    assert (certificates > 0) == (flavour == "oioubl")


def test_ubl_zip_has_one_named_document_per_invoice(buyers: list[Buyer], tmp_path: Path) -> None:
    invoices = list(generate_invoices(buyers, YEAR, 2000))
    path = tmp_path / "inbox.zip"
    assert write_ubl_zip(invoices, path) == len(invoices)
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        assert len(set(names)) == len(invoices)
        assert all(re.fullmatch(r"(faktura|kreditnota)-\d+-[\w-]+\.xml", n) for n in names)
        flavours = Counter(
            etree.fromstring(archive.read(name)).findtext("cbc:CustomizationID", namespaces=NS)
            for name in names
        )
    assert len(flavours) == 2
    assert write_ubl_zip(invoices[:5], tmp_path / "peppol.zip", flavour="peppol") == 5


# --- speed and memory --------------------------------------------------------------------


STREAMING_PROBE = """
import resource, sys
from omlob.synthetic import Buyer, count_lines, generate_invoices, write_csv
from omlob.core.codes import make_gln
kinds = ["kitchen"] * 25 + ["school"] * 10 + ["office"] * 15 + ["care_home"] * 10 + ["other"] * 15
buyers = [Buyer(f"Enhed {n}", kind, make_gln(f"5798009{n:05d}"), str(10000 + n))
          for n, kind in enumerate(kinds)]
count_lines(generate_invoices(buyers, 2025, 1000))  # build the offer tables first
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
assert count_lines(generate_invoices(buyers, 2025, 200_000)) == 200_000
generated = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
write_csv(generate_invoices(buyers, 2025, 200_000), sys.argv[1], "excel-da")
written = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(generated - before, written - before)
"""


def test_generation_and_writing_stream_in_constant_memory(tmp_path: Path) -> None:
    """200,000 lines generated and written without the peak memory growing by 50 MB.

    Measured as the growth of the peak resident set of a fresh process (kilobytes on
    Linux): holding the lines would take several hundred megabytes. tracemalloc would say
    the same but makes the run twenty times slower.
    """
    result = subprocess.run(
        [sys.executable, "-c", STREAMING_PROBE, str(tmp_path / "big.csv")],
        check=True,
        capture_output=True,
        text=True,
    )
    generated_kb, written_kb = map(int, result.stdout.split())
    assert generated_kb < 50 * 1024
    assert written_kb < 50 * 1024


def test_tracemalloc_peak_of_generation_stays_small(buyers: list[Buyer]) -> None:
    """The same promise through tracemalloc on a smaller run (tracemalloc is slow)."""
    count_lines(generate_invoices(buyers, YEAR, 10))  # offer tables are process-wide
    tracemalloc.start()
    try:
        assert count_lines(generate_invoices(buyers, YEAR, 10_000)) == 10_000
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 5 * 2**20


def test_fast_enough_for_benchmarks(buyers: list[Buyer]) -> None:
    """Loose floors (a third of what a laptop does) so a slowdown is noticed, not noise."""
    start = time.perf_counter()
    invoices = list(generate_invoices(buyers, YEAR, 100_000))
    lines_per_second = 100_000 / (time.perf_counter() - start)
    start = time.perf_counter()
    for invoice in invoices[:3000]:
        ubl_document(invoice, invoice.supplier.flavour)
    documents_per_second = 3000 / (time.perf_counter() - start)
    assert lines_per_second > 50_000
    assert documents_per_second > 1000
