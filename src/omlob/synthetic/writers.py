"""Write synthetic invoices the way real systems write them: CSV, XLSX, OIOUBL and PEPPOL.

The import pipeline must read what municipalities actually upload, so each writer copies a
real habit: Opus-style semicolon CSV in Windows-1252 with ``1.234,50-`` and title rows, a
web system's quoted UTF-8 CSV with a BOM, a Navision tab export in Latin-1 with
``(1234,50)``, a data-warehouse pipe extract with Excel serial dates, a Prisme export with
the sign in a Debet/Kredit column, an Excel workbook with title rows above the header, and
e-invoices in OIOUBL 2.1 and PEPPOL BIS 3 as the NemHandel and PEPPOL networks deliver
them. Financial exports post credit notes negative; UBL writes them positive on a
CreditNote document.

Every writer streams: one invoice in, its rows or document out, nothing kept. ``mess``
makes a share of tabular rows deliberately bad (invalid CVR check digit, an unreadable
amount, an impossible date, an unknown unit, an EAN with a wrong check digit) so the
importer's rejection path is exercised at a known rate.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import itertools
import random
import uuid
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from xml.sax.saxutils import escape

from omlob.core.codes import make_gln
from omlob.synthetic.catalogue import PRODUCT_GROUPS, Supplier
from omlob.synthetic.generate import CREDIT_NOTE, Buyer, SynthInvoice, SynthLine

__all__ = [
    "CSV_DIALECTS",
    "DEMO_CENTRAL_EAN",
    "DEMO_KOMMUNE_CVR",
    "DEMO_KOMMUNE_NAME",
    "MESS_KINDS",
    "XLSX_LAYOUT",
    "CsvDialect",
    "SheetLayout",
    "ubl_document",
    "write_csv",
    "write_ubl_zip",
    "write_xlsx",
]

DEMO_KOMMUNE_NAME = "Demo Kommune"
DEMO_KOMMUNE_CVR = "29189579"
#: EAN used on e-invoices to units that have none of their own (forvaltninger, områder).
DEMO_CENTRAL_EAN = make_gln("579800900000")

#: The kinds of deliberately bad rows ``mess`` produces.
MESS_KINDS = ("cvr", "amount", "date", "unit", "ean")
_MESS_FIELD = {
    "cvr": "supplier_cvr",
    "amount": "net_amount",
    "date": "invoice_date",
    "unit": "unit",
    "ean": "buyer_ean",
}
_NUMERIC_FIELDS = frozenset({"line_number", "quantity", "net_amount"})
_EXCEL_EPOCH = dt.date(1899, 12, 30)


@dataclass(frozen=True)
class SheetLayout:
    """Columns of an export: (field, header) pairs, plus title rows above the header.

    Field keys are those of :data:`omlob.core.lineschema.RAW_FIELDS` (plus
    ``debit_credit`` for a Debet/Kredit sign column), so a test can check that the
    importer maps every header of every layout to the right field automatically.
    """

    name: str
    description: str
    columns: tuple[tuple[str, str], ...]
    title_rows: tuple[str, ...] = ()

    @property
    def headers(self) -> list[str]:
        """The header row, in column order."""
        return [header for _, header in self.columns]

    @property
    def fields(self) -> list[str]:
        """The field key of each column, in column order."""
        return [name for name, _ in self.columns]

    @property
    def field_headers(self) -> dict[str, str]:
        """Field key → header."""
        return dict(self.columns)


@dataclass(frozen=True)
class CsvDialect(SheetLayout):
    """A CSV export style: separators, encoding, number/date/sign conventions and columns.

    ``negative`` is ``minus`` (``-1234.50``), ``trailing`` (``1.234,50-``), ``parentheses``
    (``(1234,50)``) or ``column`` (amount unsigned, sign in the ``debit_credit`` column as
    ``D``/``K``). ``date_format`` is a ``strftime`` pattern or ``excel-serial``.
    ``document_labels`` is what the ``document_type`` column says for an invoice and a
    credit note.
    """

    delimiter: str = ";"
    encoding: str = "utf-8"
    bom: bool = False
    line_terminator: str = "\r\n"
    quote_text: bool = False
    decimal: str = ","
    thousands: str = ""
    negative: str = "minus"
    date_format: str = "%d-%m-%Y"
    document_labels: tuple[str, str] = ("Faktura", "Kreditnota")

    def format_amount(self, cents: int) -> str:
        """An amount in this dialect's style (cents as an int, sign included)."""
        negative = cents < 0
        whole, fraction = divmod(abs(cents), 100)
        body = f"{whole:,}".replace(",", self.thousands) if self.thousands else str(whole)
        return self._signed(f"{body}{self.decimal}{fraction:02d}", negative)

    def format_quantity(self, quantity: Decimal, negative: bool) -> str:
        """A quantity: no thousands separator, the dialect's decimal mark and sign style."""
        text = str(quantity)
        if self.decimal != ".":
            text = text.replace(".", self.decimal)
        return self._signed(text, negative)

    def format_date(self, day: dt.date) -> str:
        """A date in this dialect's style (Excel serial numbers as integers)."""
        if self.date_format == "excel-serial":
            return str((day - _EXCEL_EPOCH).days)
        return day.strftime(self.date_format)

    def impossible_date(self, year: int) -> str:
        """31 February in this dialect's pattern (serial dialects get the Danish text)."""
        pattern = "%d-%m-%Y" if self.date_format == "excel-serial" else self.date_format
        return pattern.replace("%d", "31").replace("%m", "02").replace("%Y", str(year))

    def _signed(self, text: str, negative: bool) -> str:
        if not negative or self.negative == "column":
            return text
        if self.negative == "trailing":
            return f"{text}-"
        if self.negative == "parentheses":
            return f"({text})"
        return f"-{text}"


CSV_DIALECTS: dict[str, CsvDialect] = {
    "excel-da": CsvDialect(
        name="excel-da",
        description="KMD Opus-style creditor postings saved by Danish Excel",
        delimiter=";",
        encoding="cp1252",
        line_terminator="\r\n",
        decimal=",",
        thousands=".",
        negative="trailing",
        date_format="%d-%m-%Y",
        title_rows=("Kreditorposter {year}", "Udtrukket {extracted}"),
        columns=(
            ("posting_date", "Bogføringsdato"),
            ("invoice_date", "Fakturadato"),
            ("invoice_number", "Fakturanr."),
            ("line_number", "Linjenr."),
            ("supplier_name", "Leverandørnavn"),
            ("supplier_cvr", "CVR-nr."),
            ("buyer_ean", "EAN-nr."),
            ("cost_centre", "Omkostningssted"),
            ("account", "Art"),
            ("item_number", "Varenr."),
            ("description", "Varetekst"),
            ("classification_code", "UNSPSC"),
            ("quantity", "Antal"),
            ("unit", "Enhed"),
            ("net_amount", "Beløb ekskl. moms"),
            ("currency", "Valuta"),
        ),
    ),
    "web-utf8": CsvDialect(
        name="web-utf8",
        description="A web procurement system's export: quoted UTF-8 with BOM, ISO dates",
        delimiter=",",
        encoding="utf-8",
        bom=True,
        line_terminator="\r\n",
        quote_text=True,
        decimal=".",
        negative="minus",
        date_format="%Y-%m-%d",
        document_labels=("Invoice", "Credit note"),
        columns=(
            ("posting_date", "Posting date"),
            ("invoice_date", "Invoice date"),
            ("invoice_number", "Invoice no"),
            ("line_number", "Line no"),
            ("supplier_name", "Supplier"),
            ("supplier_cvr", "Supplier CVR"),
            ("supplier_id", "Supplier ID"),
            ("buyer_ean", "EAN"),
            ("cost_centre", "Cost centre"),
            ("account", "Account"),
            ("item_number", "Item no"),
            ("description", "Description"),
            ("classification_code", "UNSPSC"),
            ("quantity", "Quantity"),
            ("unit", "Unit"),
            ("net_amount", "Net amount"),
            ("currency", "Currency"),
            ("document_type", "Document type"),
            ("labels", "Labels"),
        ),
    ),
    "tab-latin1": CsvDialect(
        name="tab-latin1",
        description="Navision-style tab export in Latin-1, negatives in parentheses",
        delimiter="\t",
        encoding="latin-1",
        line_terminator="\r\n",
        decimal=",",
        negative="parentheses",
        date_format="%d.%m.%Y",
        columns=(
            ("posting_date", "Bogf.dato"),
            ("invoice_date", "Bilagsdato"),
            ("invoice_number", "Eksternt bilagsnr."),
            ("line_number", "Linjenr."),
            ("supplier_name", "Kreditornavn"),
            ("supplier_cvr", "Kreditor CVR"),
            ("buyer_ean", "GLN-nr."),
            ("cost_centre", "Afdelingskode"),
            ("account", "Finanskonto"),
            ("item_number", "Nummer"),
            ("description", "Beskrivelse"),
            ("quantity", "Antal"),
            ("unit", "Enhedskode"),
            ("net_amount", "Beløb"),
            ("currency", "Valutakode"),
        ),
    ),
    "pipe": CsvDialect(
        name="pipe",
        description="SAP-based data-warehouse extract: pipes, UTF-8, Excel serial dates",
        delimiter="|",
        encoding="utf-8",
        line_terminator="\n",
        decimal=".",
        negative="minus",
        date_format="excel-serial",
        document_labels=("KR", "KG"),
        columns=(
            ("posting_date", "Bogføringsdato"),
            ("invoice_date", "Bilagsdato"),
            ("invoice_number", "Reference"),
            ("line_number", "Position"),
            ("supplier_name", "Kreditornavn"),
            ("supplier_cvr", "CVR-nummer"),
            ("buyer_ean", "Lokationsnummer"),
            ("cost_centre", "Omkostningssted"),
            ("account", "Artskonto"),
            ("item_number", "Materiale"),
            ("description", "Tekst"),
            ("classification_code", "UNSPSC-kode"),
            ("quantity", "Mængde"),
            ("unit", "Måleenhed"),
            ("net_amount", "Beløb i transaktionsvaluta"),
            ("currency", "Transaktionsvaluta"),
            ("document_type", "Bilagsart"),
        ),
    ),
    "prisme-dk": CsvDialect(
        name="prisme-dk",
        description="Prisme-style export: unsigned amounts with a Debet/Kredit column",
        delimiter=";",
        encoding="cp1252",
        line_terminator="\r\n",
        decimal=",",
        thousands=".",
        negative="column",
        date_format="%d-%m-%Y",
        columns=(
            ("invoice_date", "Bilagsdato"),
            ("posting_date", "Bogført"),
            ("invoice_number", "Fakturanummer"),
            ("line_number", "Linje"),
            ("supplier_name", "Leverandør"),
            ("supplier_cvr", "CVR"),
            ("buyer_ean", "Modtager-EAN"),
            ("cost_centre", "Omk.sted"),
            ("account", "Artskonto"),
            ("item_number", "Varenummer"),
            ("description", "Tekst"),
            ("quantity", "Mængde"),
            ("unit", "Enhed"),
            ("net_amount", "Beløb"),
            ("debit_credit", "D/K"),
            ("currency", "Valuta"),
        ),
    ),
}

#: The workbook layout of :func:`write_xlsx` (an Opus report saved as Excel).
XLSX_LAYOUT = SheetLayout(
    name="xlsx-opus",
    description="Creditor postings report saved as an Excel workbook, title rows on top",
    title_rows=("Kreditorposter {year}", "Udtrukket {extracted}"),
    columns=(
        ("posting_date", "Bogføringsdato"),
        ("invoice_date", "Bilagsdato"),
        ("invoice_number", "Fakturanummer"),
        ("line_number", "Linje"),
        ("supplier_name", "Kreditor"),
        ("supplier_cvr", "Kreditor CVR"),
        ("buyer_ean", "EAN-lokationsnummer"),
        ("cost_centre", "Omkostningssted"),
        ("account", "Art"),
        ("item_number", "Varenummer"),
        ("description", "Varebeskrivelse"),
        ("classification_code", "UNSPSC-kode"),
        ("quantity", "Antal"),
        ("unit", "Enhed"),
        ("net_amount", "Nettobeløb"),
        ("currency", "Valuta"),
        ("labels", "Mærker"),
    ),
)


# --------------------------------------------------------------------------------------
# Tabular writers
# --------------------------------------------------------------------------------------


def _cents(amount: Decimal) -> int:
    """Whole cents of a two-decimal amount."""
    return int(amount.scaleb(2))


def _wrong_check_digit(code: str) -> str:
    """The same number with its last (check) digit changed, so the check fails."""
    return f"{code[:-1]}{(int(code[-1]) + 1) % 10}"


def _peek_year(invoices: Iterable[SynthInvoice]) -> tuple[int | None, Iterator[SynthInvoice]]:
    """The first invoice's year (for title rows) and the full stream, nothing consumed."""
    stream = iter(invoices)
    first = next(stream, None)
    if first is None:
        return None, iter(())
    return first.issue_date.year, itertools.chain((first,), stream)


def _titles(layout: SheetLayout, year: int | None) -> list[str]:
    """The layout's title rows for an export of ``year`` made on 3 January the next year."""
    year = year or dt.date.today().year
    extracted = dt.date(year + 1, 1, 3).strftime("%d-%m-%Y")
    return [row.format(year=year, extracted=extracted) for row in layout.title_rows]


class _Messer:
    """Decides, seeded, which rows go bad and how."""

    def __init__(self, rate: float, seed: int, fields: Iterable[str]) -> None:
        if not 0.0 <= rate <= 1.0:
            raise ValueError("mess must be between 0 and 1")
        self.rate = rate
        self.rnd = random.Random(seed).random  # noqa: S311 - reproducible on purpose
        present = set(fields)
        self.kinds = tuple(k for k in MESS_KINDS if _MESS_FIELD[k] in present)

    def pick(self, supplier_cvr: str | None, buyer_ean: str | None) -> str | None:
        """The kind of damage for the next row, or None for a clean row."""
        if not self.rate or not self.kinds or self.rnd() >= self.rate:
            return None
        kind = self.kinds[int(self.rnd() * len(self.kinds))]
        if (kind == "cvr" and not supplier_cvr) or (kind == "ean" and not buyer_ean):
            kind = "amount" if "amount" in self.kinds else self.kinds[0]
        return kind


def _invoice_values(
    invoice: SynthInvoice, dialect: CsvDialect, dates: dict[dt.date, str]
) -> dict[str, str]:
    """The invoice-level fields of a text row (the same on every line of the invoice)."""
    credit = invoice.document_type == CREDIT_NOTE
    supplier = invoice.supplier
    posting = dates.get(invoice.posting_date)
    if posting is None:
        posting = dates[invoice.posting_date] = dialect.format_date(invoice.posting_date)
    issued = dates.get(invoice.issue_date)
    if issued is None:
        issued = dates[invoice.issue_date] = dialect.format_date(invoice.issue_date)
    return {
        "posting_date": posting,
        "invoice_date": issued,
        "invoice_number": invoice.number,
        "supplier_name": supplier.name,
        "supplier_cvr": supplier.cvr or "",
        "supplier_id": supplier.vat_id if supplier.cvr is None else supplier.gln,
        "buyer_ean": invoice.buyer.ean or "",
        "cost_centre": invoice.buyer.cost_centre or "",
        "currency": invoice.currency,
        "document_type": dialect.document_labels[1 if credit else 0],
        "debit_credit": "K" if credit else "D",
    }


def _line_values(line: SynthLine, dialect: CsvDialect, credit: bool) -> dict[str, str]:
    """The line-level fields of a text row, amounts signed as financial systems post them."""
    cents = _cents(line.net_amount)
    return {
        "line_number": str(line.line_number),
        "account": line.account,
        "item_number": line.item_number,
        "description": line.description,
        "classification_code": line.unspsc or "",
        "classification_scheme": "UNSPSC" if line.unspsc else "",
        "quantity": dialect.format_quantity(line.quantity, credit),
        "unit": line.unit,
        "net_amount": dialect.format_amount(-cents if credit else cents),
        "labels": line.labels or "",
    }


def _spoil(values: dict[str, str], kind: str, year: int, dialect: CsvDialect) -> None:
    """Damage one field of a text row in the way ``kind`` names."""
    if kind == "cvr":
        values["supplier_cvr"] = _wrong_check_digit(values["supplier_cvr"])
    elif kind == "ean":
        values["buyer_ean"] = _wrong_check_digit(values["buyer_ean"])
    elif kind == "amount":
        # "12,3,4": two decimal marks, unreadable in every convention.
        digits = values["net_amount"].strip("-()").replace(".", "").replace(",", "")
        values["net_amount"] = f"{digits[:-2] or '0'},{digits[-2:-1] or '0'},{digits[-1:]}"
    elif kind == "date":
        values["invoice_date"] = dialect.impossible_date(year)
    elif kind == "unit":
        values["unit"] = "xyz"


def _quoted(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


def write_csv(
    invoices: Iterable[SynthInvoice],
    path: str | Path,
    dialect: str,
    mess: float = 0.0,
    seed: int = 0,
) -> int:
    """Write the invoices' lines as one CSV export in a named dialect; return data rows.

    Title rows (if the dialect has them) and the header are not counted. Streams: the file
    is written invoice by invoice. ``mess`` is the share of rows damaged on purpose (see
    :data:`MESS_KINDS`), chosen by ``random.Random(seed)``.
    """
    style = CSV_DIALECTS[dialect]
    fields = style.fields
    numeric = [name in _NUMERIC_FIELDS for name in fields]
    messer = _Messer(mess, seed, fields)
    year, stream = _peek_year(invoices)
    dates: dict[dt.date, str] = {}
    rows = 0
    with open(path, "w", encoding=style.encoding, errors="replace", newline="") as handle:
        if style.bom:
            handle.write(codecs.BOM_UTF8.decode("utf-8"))
        if style.quote_text:

            def emit(values: list[str], numeric_flags: list[bool] = numeric) -> None:
                handle.write(
                    style.delimiter.join(
                        value if flag and style.delimiter not in value else _quoted(value)
                        for value, flag in zip(values, numeric_flags, strict=True)
                    )
                    + style.line_terminator
                )

        else:
            writer = csv.writer(
                handle,
                delimiter=style.delimiter,
                lineterminator=style.line_terminator,
                quoting=csv.QUOTE_MINIMAL,
            )
            emit = writer.writerow  # type: ignore[assignment]
        padding = [""] * (len(fields) - 1)
        for title in _titles(style, year):
            if style.quote_text:
                emit([title, *padding], [False] * len(fields))
            else:
                emit([title, *padding])
        if style.quote_text:
            emit(style.headers, [False] * len(fields))
        else:
            emit(style.headers)
        for invoice in stream:
            base = _invoice_values(invoice, style, dates)
            credit = invoice.document_type == CREDIT_NOTE
            for line in invoice.lines:
                values = base.copy()
                values.update(_line_values(line, style, credit))
                kind = messer.pick(values["supplier_cvr"], values["buyer_ean"])
                if kind:
                    _spoil(values, kind, invoice.issue_date.year, style)
                emit([values[name] for name in fields])
                rows += 1
    return rows


def write_xlsx(
    invoices: Iterable[SynthInvoice],
    path: str | Path,
    *,
    title_rows: bool = True,
    mess: float = 0.0,
    seed: int = 0,
) -> int:
    """Write the lines as an Excel workbook (openpyxl write-only); return data rows.

    Dates are real Excel dates and amounts real numbers (credit notes negative), with two
    title rows above the header as Opus reports have them. Bad rows (``mess``) carry text
    where a number or date belongs, as a hand-edited workbook does.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    layout = XLSX_LAYOUT
    fields = layout.fields
    messer = _Messer(mess, seed, fields)
    year, stream = _peek_year(invoices)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Kreditorposter")
    if title_rows:
        for title in _titles(layout, year):
            sheet.append([title])
    sheet.append(layout.headers)
    date_columns = {fields.index("posting_date"), fields.index("invoice_date")}
    amount_column = fields.index("net_amount")

    def typed(value: object, column: int) -> object:
        if column in date_columns and isinstance(value, dt.date):
            cell = WriteOnlyCell(sheet, value=value)
            cell.number_format = "dd-mm-yyyy"
            return cell
        if column == amount_column and isinstance(value, Decimal):
            cell = WriteOnlyCell(sheet, value=value)
            cell.number_format = "#,##0.00"
            return cell
        return value

    rows = 0
    for invoice in stream:
        credit = invoice.document_type == CREDIT_NOTE
        supplier = invoice.supplier
        for line in invoice.lines:
            values: dict[str, object] = {
                "posting_date": invoice.posting_date,
                "invoice_date": invoice.issue_date,
                "invoice_number": invoice.number,
                "line_number": line.line_number,
                "supplier_name": supplier.name,
                "supplier_cvr": supplier.cvr,
                "buyer_ean": invoice.buyer.ean,
                "cost_centre": invoice.buyer.cost_centre,
                "account": line.account,
                "item_number": line.item_number,
                "description": line.description,
                "classification_code": line.unspsc,
                "quantity": -line.quantity if credit else line.quantity,
                "unit": line.unit,
                "net_amount": -line.net_amount if credit else line.net_amount,
                "currency": invoice.currency,
                "labels": line.labels,
            }
            kind = messer.pick(supplier.cvr, invoice.buyer.ean)
            if kind == "cvr":
                values["supplier_cvr"] = _wrong_check_digit(str(supplier.cvr))
            elif kind == "ean":
                values["buyer_ean"] = _wrong_check_digit(str(invoice.buyer.ean))
            elif kind == "amount":
                values["net_amount"] = "12,3,4"
            elif kind == "date":
                values["invoice_date"] = f"31-02-{invoice.issue_date.year}"
            elif kind == "unit":
                values["unit"] = "xyz"
            sheet.append([typed(values[name], n) for n, name in enumerate(fields)])
            rows += 1
    workbook.save(str(path))
    return rows


# --------------------------------------------------------------------------------------
# UBL e-invoices
# --------------------------------------------------------------------------------------

_NS = (
    'xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2" '
    'xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"'
)
_OIO_TAX_SCHEME = (
    '<cac:TaxScheme><cbc:ID schemeAgencyID="320" schemeID="urn:oioubl:id:taxschemeid-1.1">63'
    "</cbc:ID><cbc:Name>Moms</cbc:Name></cac:TaxScheme>"
)
_PEPPOL_TAX_SCHEME = "<cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme>"
# EN 16931 VAT category → (OIOUBL tax category, percent, PEPPOL exemption text/code).
_CATEGORIES: dict[str, tuple[str, int, str]] = {
    "S": ("StandardRated", 25, ""),
    "E": (
        "ZeroRated",
        0,
        "<cbc:TaxExemptionReason>Momsfri personbefordring</cbc:TaxExemptionReason>",
    ),
    "K": (
        "ReverseCharge",
        0,
        "<cbc:TaxExemptionReasonCode>VATEX-EU-IC</cbc:TaxExemptionReasonCode>",
    ),
    "AE": (
        "ReverseCharge",
        0,
        "<cbc:TaxExemptionReasonCode>VATEX-EU-AE</cbc:TaxExemptionReasonCode>",
    ),
}
_SERVICE_GROUPS = frozenset(
    {"it_services", "transport", "fleet", "construction", "consultancy", "cleaning_services"}
)
# Packaging codes that moved from Rec 20 to Rec 21 (PEPPOL's list has only the X form).
_PEPPOL_UNITS = {"CS": "XCS", "PK": "XPK", "RO": "XRO", "BX": "XBX"}
_ISSUERS = {
    "Svanemærket": "Miljømærkning Danmark",
    "EU Ecolabel": "Europa-Kommissionen",
    "TCO Certified": "TCO Development",
    "Møbelfakta": "Møbelfakta",
    "FSC": "Forest Stewardship Council",
}
_CENT = Decimal("0.01")


def _money(amount: Decimal) -> str:
    return f"{amount:.2f}"


def _category(supplier: Supplier, group: str) -> str:
    """EN 16931 VAT category of a line: S, E (exempt transport) or K/AE for foreign."""
    if supplier.country != "DK":
        return "AE" if group in _SERVICE_GROUPS else "K"
    return "S" if PRODUCT_GROUPS[group].vat_rate else "E"


def _iban(supplier: Supplier) -> tuple[str, str, str]:
    """(IBAN, Danish reg. no., account no.) for a supplier, with valid IBAN check digits."""
    seed = int(supplier.gln[-8:])
    reg = f"{1000 + seed % 8999:04d}"
    account = f"{(seed * 7919) % 10**10:010d}"
    country = supplier.country if supplier.country != "US" else "DK"
    bban = f"{reg}{account}"
    numeric = "".join(str(int(c, 36)) for c in f"{bban}{country}00")
    check = 98 - int(numeric) % 97
    return f"{country}{check:02d}{bban}", reg, account


def _supplier_party(supplier: Supplier, flavour: str) -> str:
    name = escape(supplier.name)
    street, _, number = supplier.street.rpartition(" ")
    if not street:
        street, number = supplier.street, ""
    if flavour == "oioubl":
        if supplier.cvr:
            endpoint = f'<cbc:EndpointID schemeID="DK:CVR">DK{supplier.cvr}</cbc:EndpointID>'
            ident = f'<cbc:ID schemeID="DK:CVR">DK{supplier.cvr}</cbc:ID>'
            tax_id = f'<cbc:CompanyID schemeID="DK:SE">DK{supplier.cvr}</cbc:CompanyID>'
            legal_id = f'<cbc:CompanyID schemeID="DK:CVR">DK{supplier.cvr}</cbc:CompanyID>'
        else:
            endpoint = (
                f'<cbc:EndpointID schemeAgencyID="9" schemeID="GLN">{supplier.gln}</cbc:EndpointID>'
            )
            ident = f'<cbc:ID schemeAgencyID="9" schemeID="GLN">{supplier.gln}</cbc:ID>'
            tax_id = f'<cbc:CompanyID schemeID="ZZZ">{escape(supplier.vat_id)}</cbc:CompanyID>'
            legal_id = tax_id
        return (
            f"<cac:Party>{endpoint}<cac:PartyIdentification>{ident}</cac:PartyIdentification>"
            f"<cac:PartyName><cbc:Name>{name}</cbc:Name></cac:PartyName>"
            "<cac:PostalAddress>"
            '<cbc:AddressFormatCode listAgencyID="320" '
            'listID="urn:oioubl:codelist:addressformatcode-1.1">StructuredDK</cbc:AddressFormatCode>'
            f"<cbc:StreetName>{escape(street)}</cbc:StreetName>"
            f"<cbc:BuildingNumber>{escape(number)}</cbc:BuildingNumber>"
            f"<cbc:CityName>{escape(supplier.city)}</cbc:CityName>"
            f"<cbc:PostalZone>{escape(supplier.postcode)}</cbc:PostalZone>"
            f"<cac:Country><cbc:IdentificationCode>{supplier.country}</cbc:IdentificationCode>"
            "</cac:Country></cac:PostalAddress>"
            f"<cac:PartyTaxScheme>{tax_id}{_OIO_TAX_SCHEME}</cac:PartyTaxScheme>"
            f"<cac:PartyLegalEntity><cbc:RegistrationName>{name}</cbc:RegistrationName>"
            f"{legal_id}</cac:PartyLegalEntity></cac:Party>"
        )
    if supplier.cvr:
        endpoint = f'<cbc:EndpointID schemeID="0184">{supplier.cvr}</cbc:EndpointID>'
        ident = f'<cbc:ID schemeID="0184">{supplier.cvr}</cbc:ID>'
        legal_id = f'<cbc:CompanyID schemeID="0184">{supplier.cvr}</cbc:CompanyID>'
    else:
        endpoint = f'<cbc:EndpointID schemeID="0088">{supplier.gln}</cbc:EndpointID>'
        ident = f'<cbc:ID schemeID="0088">{supplier.gln}</cbc:ID>'
        legal_id = ""
    return (
        f"<cac:Party>{endpoint}<cac:PartyIdentification>{ident}</cac:PartyIdentification>"
        f"<cac:PartyName><cbc:Name>{name}</cbc:Name></cac:PartyName>"
        f"<cac:PostalAddress><cbc:StreetName>{escape(supplier.street)}</cbc:StreetName>"
        f"<cbc:CityName>{escape(supplier.city)}</cbc:CityName>"
        f"<cbc:PostalZone>{escape(supplier.postcode)}</cbc:PostalZone>"
        f"<cac:Country><cbc:IdentificationCode>{supplier.country}</cbc:IdentificationCode>"
        "</cac:Country></cac:PostalAddress>"
        f"<cac:PartyTaxScheme><cbc:CompanyID>{escape(supplier.vat_id)}</cbc:CompanyID>"
        f"{_PEPPOL_TAX_SCHEME}</cac:PartyTaxScheme>"
        f"<cac:PartyLegalEntity><cbc:RegistrationName>{name}</cbc:RegistrationName>"
        f"{legal_id}</cac:PartyLegalEntity></cac:Party>"
    )


def _customer_party(buyer: Buyer, flavour: str, org_name: str, org_cvr: str, ean: str) -> str:
    name = escape(buyer.name)
    street = f"Rådhusvej {1 + int(ean[-4:-1]) % 90}"
    reference = escape(buyer.cost_centre or "n/a")
    if flavour == "oioubl":
        return (
            f'<cac:Party><cbc:EndpointID schemeAgencyID="9" schemeID="GLN">{ean}</cbc:EndpointID>'
            f'<cac:PartyIdentification><cbc:ID schemeAgencyID="9" schemeID="GLN">{ean}</cbc:ID>'
            f"</cac:PartyIdentification><cac:PartyName><cbc:Name>{name}</cbc:Name>"
            "</cac:PartyName><cac:PostalAddress>"
            '<cbc:AddressFormatCode listAgencyID="320" '
            'listID="urn:oioubl:codelist:addressformatcode-1.1">StructuredDK</cbc:AddressFormatCode>'
            f"<cbc:StreetName>{street.rsplit(' ', 1)[0]}</cbc:StreetName>"
            f"<cbc:BuildingNumber>{street.rsplit(' ', 1)[1]}</cbc:BuildingNumber>"
            "<cbc:CityName>Demoby</cbc:CityName><cbc:PostalZone>4999</cbc:PostalZone>"
            "<cac:Country><cbc:IdentificationCode>DK</cbc:IdentificationCode></cac:Country>"
            "</cac:PostalAddress><cac:PartyLegalEntity>"
            f"<cbc:RegistrationName>{escape(org_name)}</cbc:RegistrationName>"
            f'<cbc:CompanyID schemeID="DK:CVR">DK{org_cvr}</cbc:CompanyID>'
            f"</cac:PartyLegalEntity><cac:Contact><cbc:ID>{reference}</cbc:ID>"
            f"<cbc:Name>{name}</cbc:Name></cac:Contact></cac:Party>"
        )
    return (
        f'<cac:Party><cbc:EndpointID schemeID="0088">{ean}</cbc:EndpointID>'
        f'<cac:PartyIdentification><cbc:ID schemeID="0088">{ean}</cbc:ID>'
        f"</cac:PartyIdentification><cac:PartyName><cbc:Name>{name}</cbc:Name></cac:PartyName>"
        f"<cac:PostalAddress><cbc:StreetName>{street}</cbc:StreetName>"
        "<cbc:CityName>Demoby</cbc:CityName><cbc:PostalZone>4999</cbc:PostalZone>"
        "<cac:Country><cbc:IdentificationCode>DK</cbc:IdentificationCode></cac:Country>"
        "</cac:PostalAddress><cac:PartyTaxScheme>"
        f"<cbc:CompanyID>DK{org_cvr}</cbc:CompanyID>{_PEPPOL_TAX_SCHEME}</cac:PartyTaxScheme>"
        f"<cac:PartyLegalEntity><cbc:RegistrationName>{escape(org_name)}</cbc:RegistrationName>"
        f'<cbc:CompanyID schemeID="0184">{org_cvr}</cbc:CompanyID></cac:PartyLegalEntity>'
        f"<cac:Contact><cbc:Name>{name}</cbc:Name></cac:Contact></cac:Party>"
    )


def _tax_category(category: str, flavour: str, tag: str = "TaxCategory") -> str:
    oio_id, percent, exemption = _CATEGORIES[category]
    if flavour == "oioubl":
        return (
            f'<cac:{tag}><cbc:ID schemeAgencyID="320" '
            f'schemeID="urn:oioubl:id:taxcategoryid-1.1">{oio_id}</cbc:ID>'
            f"<cbc:Percent>{percent}</cbc:Percent>{_OIO_TAX_SCHEME}</cac:{tag}>"
        )
    reason = exemption if tag == "TaxCategory" else ""
    return (
        f"<cac:{tag}><cbc:ID>{category}</cbc:ID><cbc:Percent>{percent}</cbc:Percent>"
        f"{reason}{_PEPPOL_TAX_SCHEME}</cac:{tag}>"
    )


def _tax(amount: Decimal, category: str) -> Decimal:
    rate = _CATEGORIES[category][1]
    if not rate:
        return Decimal("0.00")
    return (amount * rate / 100).quantize(_CENT, rounding=ROUND_HALF_UP)


def _item_extras(line: SynthLine, flavour: str) -> tuple[str, str]:
    """(AdditionalItemProperty, Certificate) XML for a labelled line, either may be empty."""
    if not line.labels:
        return "", ""
    item = line.item
    if item.organic:
        name, value, cert_id, issuer = "Økologi", "Ja", "Ø-mærket", "Fødevarestyrelsen"
    elif item.refurbished:
        name, value, cert_id, issuer = "Stand", "Refurbished", "", ""
    else:
        name, value = "Miljømærke", escape(line.labels)
        cert_id, issuer = escape(line.labels), escape(_ISSUERS.get(line.labels, line.labels))
    prop = (
        f"<cac:AdditionalItemProperty><cbc:Name>{name}</cbc:Name><cbc:Value>{value}</cbc:Value>"
        "</cac:AdditionalItemProperty>"
    )
    # OIOUBL carries labels as a Certificate on every other labelled line (the form the
    # official certificate example uses); PEPPOL BIS 3 has no Certificate element.
    if flavour == "oioubl" and cert_id and line.line_number % 2 == 0:
        certificate = (
            f"<cac:Certificate><cbc:ID>{cert_id}</cbc:ID>"
            f"<cbc:CertificateTypeCode>{name}</cbc:CertificateTypeCode>"
            f"<cbc:CertificateType>{name}</cbc:CertificateType>"
            f"<cbc:Remarks>{escape(line.labels)}</cbc:Remarks><cac:IssuerParty><cac:PartyName>"
            f"<cbc:Name>{issuer}</cbc:Name></cac:PartyName></cac:IssuerParty></cac:Certificate>"
        )
        return "", certificate
    return prop, ""


def _line_xml(
    line: SynthLine, invoice: SynthInvoice, flavour: str, category: str, credit: bool
) -> str:
    currency = invoice.currency
    tag = "CreditNoteLine" if credit else "InvoiceLine"
    qty_tag = "CreditedQuantity" if credit else "InvoicedQuantity"
    unit = (
        line.unit_code if flavour == "oioubl" else _PEPPOL_UNITS.get(line.unit_code, line.unit_code)
    )
    amount = _money(line.net_amount)
    text = escape(line.description)
    prop, certificate = _item_extras(line, flavour)
    gtin = len(line.item_number) == 13 and line.item_number.isdigit()
    if flavour == "oioubl":
        tax = _money(_tax(line.net_amount, category))
        seller_id = (
            f'<cbc:ID schemeAgencyID="9" schemeID="GTIN">{line.item_number}</cbc:ID>'
            if gtin
            else f'<cbc:ID schemeID="n/a">{escape(line.item_number)}</cbc:ID>'
        )
        classification = (
            '<cac:CommodityClassification><cbc:ItemClassificationCode listID="UNSPSC" '
            f'listAgencyID="113" listVersionID="19.0501">{line.unspsc}'
            "</cbc:ItemClassificationCode></cac:CommodityClassification>"
            if line.unspsc
            else ""
        )
        return (
            f"<cac:{tag}><cbc:ID>{line.line_number}</cbc:ID>"
            f'<cbc:{qty_tag} unitCode="{unit}">{line.quantity}</cbc:{qty_tag}>'
            f'<cbc:LineExtensionAmount currencyID="{currency}">{amount}</cbc:LineExtensionAmount>'
            f"<cbc:AccountingCost>{escape(line.account)}</cbc:AccountingCost>"
            f"<cac:OrderLineReference><cbc:LineID>{line.line_number}</cbc:LineID>"
            "</cac:OrderLineReference>"
            f'<cac:TaxTotal><cbc:TaxAmount currencyID="{currency}">{tax}</cbc:TaxAmount>'
            f'<cac:TaxSubtotal><cbc:TaxableAmount currencyID="{currency}">{amount}'
            f'</cbc:TaxableAmount><cbc:TaxAmount currencyID="{currency}">{tax}</cbc:TaxAmount>'
            f"{_tax_category(category, flavour)}</cac:TaxSubtotal></cac:TaxTotal>"
            f"<cac:Item><cbc:Description>{text}</cbc:Description><cbc:Name>{text}</cbc:Name>"
            f"<cac:SellersItemIdentification>{seller_id}</cac:SellersItemIdentification>"
            f"{classification}{prop}{certificate}</cac:Item>"
            f'<cac:Price><cbc:PriceAmount currencyID="{currency}">{line.unit_price}'
            f'</cbc:PriceAmount><cbc:BaseQuantity unitCode="{unit}">1</cbc:BaseQuantity>'
            "<cbc:OrderableUnitFactorRate>1</cbc:OrderableUnitFactorRate></cac:Price>"
            f"</cac:{tag}>"
        )
    standard = (
        f'<cac:StandardItemIdentification><cbc:ID schemeID="0160">{line.item_number}</cbc:ID>'
        "</cac:StandardItemIdentification>"
        if gtin
        else ""
    )
    classification = (
        '<cac:CommodityClassification><cbc:ItemClassificationCode listID="TST">'
        f"{line.unspsc}</cbc:ItemClassificationCode></cac:CommodityClassification>"
        if line.unspsc
        else ""
    )
    return (
        f"<cac:{tag}><cbc:ID>{line.line_number}</cbc:ID>"
        f'<cbc:{qty_tag} unitCode="{unit}">{line.quantity}</cbc:{qty_tag}>'
        f'<cbc:LineExtensionAmount currencyID="{currency}">{amount}</cbc:LineExtensionAmount>'
        f"<cbc:AccountingCost>{escape(line.account)}</cbc:AccountingCost>"
        f"<cac:OrderLineReference><cbc:LineID>{line.line_number}</cbc:LineID>"
        "</cac:OrderLineReference>"
        f"<cac:Item><cbc:Name>{text}</cbc:Name>"
        f"<cac:SellersItemIdentification><cbc:ID>{escape(line.item_number)}</cbc:ID>"
        f"</cac:SellersItemIdentification>{standard}{classification}"
        f"{_tax_category(category, flavour, 'ClassifiedTaxCategory')}{prop}</cac:Item>"
        f'<cac:Price><cbc:PriceAmount currencyID="{currency}">{line.unit_price}'
        f"</cbc:PriceAmount></cac:Price></cac:{tag}>"
    )


_PARTY_CACHE: dict[tuple[object, ...], str] = {}


def _cached_party(key: tuple[object, ...], make: object) -> str:
    """Party XML is the same for every invoice of a supplier or buyer: build it once."""
    text = _PARTY_CACHE.get(key)
    if text is None:
        if len(_PARTY_CACHE) > 10_000:
            _PARTY_CACHE.clear()
        text = _PARTY_CACHE[key] = make()  # type: ignore[operator]
    return text


def ubl_document(
    invoice: SynthInvoice,
    flavour: str,
    *,
    organisation_name: str = DEMO_KOMMUNE_NAME,
    organisation_cvr: str = DEMO_KOMMUNE_CVR,
    fallback_ean: str = DEMO_CENTRAL_EAN,
) -> bytes:
    """One invoice as an OIOUBL 2.1 or PEPPOL BIS Billing 3.0 document (UTF-8 bytes).

    ``flavour`` is ``"oioubl"`` or ``"peppol"``. Credit notes become ``CreditNote``
    documents with positive amounts and a billing reference to the invoice they credit.
    Totals follow each standard: PEPPOL's TaxExclusiveAmount is the lines plus charges;
    OIOUBL's TaxExclusiveAmount is the total VAT (as in the official OIOUBL examples).
    Units without an EAN of their own are addressed to ``fallback_ean``.
    """
    if flavour not in {"oioubl", "peppol"}:
        raise ValueError(f"Unknown UBL flavour {flavour!r}; use 'oioubl' or 'peppol'")
    supplier, buyer = invoice.supplier, invoice.buyer
    credit = invoice.document_type == CREDIT_NOTE
    root = "CreditNote" if credit else "Invoice"
    currency = invoice.currency
    ean = buyer.ean or fallback_ean

    categories: dict[str, Decimal] = {}
    line_parts = []
    line_total = Decimal("0.00")
    for line in invoice.lines:
        category = _category(supplier, line.item.group)
        categories[category] = categories.get(category, Decimal("0.00")) + line.net_amount
        line_total += line.net_amount
        line_parts.append(_line_xml(line, invoice, flavour, category, credit))
    first_category = next(iter(categories), "S")
    charge = invoice.charge or Decimal("0.00")
    if invoice.charge:
        categories[first_category] = categories[first_category] + charge
    taxes = {cat: _tax(base, cat) for cat, base in categories.items()}
    tax_total = sum(taxes.values(), Decimal("0.00"))
    base = line_total + charge
    inclusive = base + tax_total

    def money(tag: str, amount: Decimal) -> str:
        return f'<cbc:{tag} currencyID="{currency}">{_money(amount)}</cbc:{tag}>'

    subtotals = "".join(
        f"<cac:TaxSubtotal>{money('TaxableAmount', categories[cat])}"
        f"{money('TaxAmount', taxes[cat])}{_tax_category(cat, flavour)}</cac:TaxSubtotal>"
        for cat in categories
    )
    tax_xml = f"<cac:TaxTotal>{money('TaxAmount', tax_total)}{subtotals}</cac:TaxTotal>"
    charge_xml = ""
    if invoice.charge:
        reason = escape(invoice.charge_reason)
        if flavour == "oioubl":
            charge_xml = (
                "<cac:AllowanceCharge><cbc:ID>1</cbc:ID><cbc:ChargeIndicator>true"
                f"</cbc:ChargeIndicator><cbc:AllowanceChargeReason>{reason}"
                "</cbc:AllowanceChargeReason><cbc:SequenceNumeric>1</cbc:SequenceNumeric>"
                f"{money('Amount', charge)}{_tax_category(first_category, flavour)}"
                "</cac:AllowanceCharge>"
            )
        else:
            charge_xml = (
                "<cac:AllowanceCharge><cbc:ChargeIndicator>true</cbc:ChargeIndicator>"
                "<cbc:AllowanceChargeReasonCode>FC</cbc:AllowanceChargeReasonCode>"
                f"<cbc:AllowanceChargeReason>{reason}</cbc:AllowanceChargeReason>"
                f"{money('Amount', charge)}{_tax_category(first_category, flavour)}"
                "</cac:AllowanceCharge>"
            )
    totals = (
        f"<cac:LegalMonetaryTotal>{money('LineExtensionAmount', line_total)}"
        f"{money('TaxExclusiveAmount', tax_total if flavour == 'oioubl' else base)}"
        f"{money('TaxInclusiveAmount', inclusive)}"
        f"{money('ChargeTotalAmount', charge) if invoice.charge else ''}"
        f"{money('PayableAmount', inclusive)}</cac:LegalMonetaryTotal>"
    )
    supplier_xml = _cached_party(
        ("s", supplier, flavour), lambda: _supplier_party(supplier, flavour)
    )
    customer_xml = _cached_party(
        ("b", buyer, flavour, organisation_name, organisation_cvr, ean),
        lambda: _customer_party(buyer, flavour, organisation_name, organisation_cvr, ean),
    )
    number = escape(invoice.number)
    doc_uuid = uuid.uuid5(uuid.NAMESPACE_URL, f"omlob-synthetic:{supplier.key}:{invoice.number}")
    issue = invoice.issue_date.isoformat()
    due = invoice.due_date.isoformat()
    accounting_cost = escape(invoice.lines[0].account) if invoice.lines else ""
    billing = (
        "<cac:BillingReference><cac:InvoiceDocumentReference>"
        f"<cbc:ID>{escape(invoice.billing_reference)}</cbc:ID>"
        "</cac:InvoiceDocumentReference></cac:BillingReference>"
        if invoice.billing_reference
        else ""
    )
    iban, reg, account = _iban(supplier)
    if flavour == "oioubl":
        delivery = (
            f"<cac:Delivery><cbc:ActualDeliveryDate>{issue}</cbc:ActualDeliveryDate></cac:Delivery>"
        )
    else:
        delivery = (
            f"<cac:Delivery><cbc:ActualDeliveryDate>{issue}</cbc:ActualDeliveryDate>"
            f'<cac:DeliveryLocation><cbc:ID schemeID="0088">{ean}</cbc:ID><cac:Address>'
            "<cac:Country><cbc:IdentificationCode>DK</cbc:IdentificationCode></cac:Country>"
            "</cac:Address></cac:DeliveryLocation></cac:Delivery>"
        )
    if flavour == "oioubl":
        type_code = (
            ""
            if credit
            else '<cbc:InvoiceTypeCode listAgencyID="320" '
            'listID="urn:oioubl:codelist:invoicetypecode-1.1">380</cbc:InvoiceTypeCode>'
        )
        discrepancy = (
            "<cac:DiscrepancyResponse><cbc:ReferenceID>1</cbc:ReferenceID>"
            "<cbc:Description>Kreditering af faktura</cbc:Description></cac:DiscrepancyResponse>"
            if credit
            else ""
        )
        if supplier.country == "DK":
            payee = (
                f"<cac:PayeeFinancialAccount><cbc:ID>{account}</cbc:ID>"
                f"<cac:FinancialInstitutionBranch><cbc:ID>{reg}</cbc:ID>"
                "</cac:FinancialInstitutionBranch></cac:PayeeFinancialAccount>"
            )
            channel, means = "DK:BANK", "42"
        else:
            payee = (
                f"<cac:PayeeFinancialAccount><cbc:ID>{iban}</cbc:ID></cac:PayeeFinancialAccount>"
            )
            channel, means = "IBAN", "31"
        payment = (
            ""
            if credit
            else f"<cac:PaymentMeans><cbc:ID>1</cbc:ID><cbc:PaymentMeansCode>{means}"
            f"</cbc:PaymentMeansCode><cbc:PaymentDueDate>{due}</cbc:PaymentDueDate>"
            '<cbc:PaymentChannelCode listAgencyID="320" '
            f'listID="urn:oioubl:codelist:paymentchannelcode-1.1">{channel}'
            f"</cbc:PaymentChannelCode>{payee}</cac:PaymentMeans>"
        )
        head = (
            "<cbc:UBLVersionID>2.1</cbc:UBLVersionID>"
            "<cbc:CustomizationID>OIOUBL-2.1</cbc:CustomizationID>"
            '<cbc:ProfileID schemeAgencyID="320" schemeID="urn:oioubl:id:profileid-1.2">'
            "urn:www.nesubl.eu:profiles:profile5:ver2.0</cbc:ProfileID>"
            f"<cbc:ID>{number}</cbc:ID><cbc:CopyIndicator>false</cbc:CopyIndicator>"
            f"<cbc:UUID>{doc_uuid}</cbc:UUID><cbc:IssueDate>{issue}</cbc:IssueDate>{type_code}"
            f"<cbc:DocumentCurrencyCode>{currency}</cbc:DocumentCurrencyCode>"
            f"<cbc:AccountingCost>{accounting_cost}</cbc:AccountingCost>{discrepancy}"
            f"<cac:OrderReference><cbc:ID>{invoice.order_reference}</cbc:ID></cac:OrderReference>"
            f"{billing}"
        )
    else:
        type_code = (
            "<cbc:CreditNoteTypeCode>381</cbc:CreditNoteTypeCode>"
            if credit
            else f"<cbc:DueDate>{due}</cbc:DueDate><cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>"
        )
        payment = (
            ""
            if credit
            else "<cac:PaymentMeans><cbc:PaymentMeansCode>30</cbc:PaymentMeansCode>"
            f"<cbc:PaymentID>{number}</cbc:PaymentID><cac:PayeeFinancialAccount>"
            f"<cbc:ID>{iban}</cbc:ID></cac:PayeeFinancialAccount></cac:PaymentMeans>"
            "<cac:PaymentTerms><cbc:Note>Netto 30 dage</cbc:Note></cac:PaymentTerms>"
        )
        head = (
            "<cbc:CustomizationID>urn:cen.eu:en16931:2017#compliant#"
            "urn:fdc:peppol.eu:2017:poacc:billing:3.0</cbc:CustomizationID>"
            "<cbc:ProfileID>urn:fdc:peppol.eu:2017:poacc:billing:01:1.0</cbc:ProfileID>"
            f"<cbc:ID>{number}</cbc:ID><cbc:IssueDate>{issue}</cbc:IssueDate>{type_code}"
            f"<cbc:DocumentCurrencyCode>{currency}</cbc:DocumentCurrencyCode>"
            f"<cbc:AccountingCost>{accounting_cost}</cbc:AccountingCost>"
            f"<cbc:BuyerReference>{escape(buyer.cost_centre or ean)}</cbc:BuyerReference>"
            f"<cac:OrderReference><cbc:ID>{invoice.order_reference}</cbc:ID></cac:OrderReference>"
            f"{billing}"
        )
    body = "".join(
        (
            '<?xml version="1.0" encoding="UTF-8"?>\n',
            f'<{root} xmlns="urn:oasis:names:specification:ubl:schema:xsd:{root}-2" {_NS}>',
            head,
            f"<cac:AccountingSupplierParty>{supplier_xml}</cac:AccountingSupplierParty>",
            f"<cac:AccountingCustomerParty>{customer_xml}</cac:AccountingCustomerParty>",
            delivery,
            payment,
            charge_xml,
            tax_xml,
            totals,
            *line_parts,
            f"</{root}>\n",
        )
    )
    return body.encode("utf-8")


def _file_name(invoice: SynthInvoice) -> str:
    """``faktura-<supplier id>-<number>.xml`` (``kreditnota-`` for credit notes).

    Invoice numbers are unique per supplier only, so the supplier's CVR (or GLN) keeps the
    names unique inside one archive.
    """
    kind = "kreditnota" if invoice.document_type == CREDIT_NOTE else "faktura"
    supplier = invoice.supplier.cvr or invoice.supplier.gln
    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in invoice.number)
    return f"{kind}-{supplier}-{safe}.xml"


def write_ubl_zip(
    invoices: Iterable[SynthInvoice], path: str | Path, flavour: str | None = None
) -> int:
    """Write one UBL document per invoice into a zip archive; return the number of documents.

    With ``flavour=None`` each invoice is written in its supplier's own format (Danish
    suppliers split between OIOUBL and PEPPOL, foreign ones send PEPPOL), so one archive
    mixes both as a NemHandel/PEPPOL inbox does.
    """
    count = 0
    # A fixed timestamp keeps the archive byte-for-byte reproducible.
    fixed = (2026, 1, 3, 8, 0, 0)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for invoice in invoices:
            info = zipfile.ZipInfo(_file_name(invoice), date_time=fixed)
            document = ubl_document(invoice, flavour or invoice.supplier.flavour)
            archive.writestr(info, document, compress_type=zipfile.ZIP_DEFLATED, compresslevel=1)
            count += 1
    return count
