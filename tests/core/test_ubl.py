"""parse_ubl on the real OIOUBL/PEPPOL/EN 16931 samples, on hostile XML and on fuzzed input.

The sample files stay in the shared data folder (never copied into the repository); tests
that need them are skipped where that folder is absent. Expected values are either read
from the files themselves with plain lxml (independently of the reader) or written out
here after checking them by hand against the XML.
"""

from __future__ import annotations

import time
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from omlob.core import ubl
from omlob.core.lineschema import CREDIT_NOTE, INVOICE, RAW_FIELDS
from omlob.core.ubl import UblError, looks_like_xml, parse_ubl

DATA = Path(__file__).parents[2].parent / "shared" / "data"
FOLDERS = (
    "oioubl-2.1-official-examples",
    "oioubl-2.02-scenario-examples",
    "gobl-dk-oioubl-fixtures",
    "peppol-bis3-examples",
    "en16931-ubl-examples",
)
SAMPLES = sorted(path for folder in FOLDERS for path in (DATA / folder).glob("*.xml"))
needs_samples = pytest.mark.skipif(not SAMPLES, reason=f"no UBL samples under {DATA}")

CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
KEYS = {field.key for field in RAW_FIELDS} | {"source_ref"}
NON_INVOICE_ROOTS = {"Reminder", "UtilityStatement", "Catalogue"}


def sample(name: str) -> Path:
    """Path of a sample by file name, skipping the test when the shared data is missing."""
    for path in SAMPLES:
        if path.name == name:
            return path
    pytest.skip(f"sample {name} not found under {DATA}")
    raise AssertionError("unreachable")


def rows_of(name: str) -> list[dict[str, str | None]]:
    path = sample(name)
    return parse_ubl(path.read_bytes(), path.name)


def invoice_rows(rows: list[dict[str, str | None]]) -> list[dict[str, str | None]]:
    return [row for row in rows if not (row["line_number"] or "").startswith("AC")]


def documented(path: Path) -> tuple[str, int] | None:
    """(root element, line count) for ``path`` from the SOURCE.md table next to it."""
    source = path.parent / "SOURCE.md"
    if not source.is_file():
        return None
    for line in source.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) >= 6 and cells[0] == path.name:
            return cells[1], int(cells[5])
    return None


def local_name(path: Path) -> str:
    return etree.QName(etree.parse(str(path)).getroot()).localname


INVOICE_SAMPLES = [path for path in SAMPLES if local_name(path) not in NON_INVOICE_ROOTS]


# --- every real sample ----------------------------------------------------------------------


@needs_samples
@pytest.mark.parametrize("path", SAMPLES, ids=[path.name for path in SAMPLES])
def test_every_sample_parses_or_is_refused_by_type(path: Path) -> None:
    root_name = local_name(path)
    if root_name in NON_INVOICE_ROOTS:
        with pytest.raises(UblError) as caught:
            parse_ubl(path.read_bytes(), path.name)
        assert f"dokumenttypen er {root_name}" in caught.value.message
        assert caught.value.message.startswith(path.name)
        return
    rows = parse_ubl(path.read_bytes(), path.name)
    tree = etree.parse(str(path)).getroot()
    line_tag = f"{{{CAC}}}{'CreditNoteLine' if root_name == 'CreditNote' else 'InvoiceLine'}"
    lines = tree.findall(line_tag)
    charges = tree.findall(f"{{{CAC}}}AllowanceCharge")
    assert len(rows) == len(lines) + len(charges)
    expected = documented(path)
    if expected is not None:
        assert expected == (root_name, len(lines))
    document_type = CREDIT_NOTE if root_name == "CreditNote" else INVOICE
    for row in rows:
        assert set(row) == KEYS
        assert row["document_type"] == document_type
        assert row["invoice_number"] == tree.findtext(f"{{{CBC}}}ID").strip()
        assert row["invoice_date"] == tree.findtext(f"{{{CBC}}}IssueDate").strip()
        assert row["posting_date"] is None
        assert row["cost_centre"] is None
        assert row["source_ref"]
        for value in row.values():
            assert value is None or (isinstance(value, str) and value == value.strip() and value)
        Decimal(row["net_amount"])  # every sample has a numeric amount on every line


def _decimal(root: etree._Element, path: str) -> Decimal:
    text = root.findtext(path)
    return Decimal(text.strip()) if text else Decimal(0)


@needs_samples
@pytest.mark.parametrize("path", INVOICE_SAMPLES, ids=[path.name for path in INVOICE_SAMPLES])
def test_lines_and_charges_add_up_to_the_documents_own_totals(path: Path) -> None:
    """Sum of lines incl. document allowances/charges = the net total stated in the file.

    EN 16931/PEPPOL state it as TaxExclusiveAmount. OIOUBL 2.x uses TaxExclusiveAmount
    for the VAT *amount* (true for every OIOUBL sample), so there the net is
    LineExtensionAmount + ChargeTotalAmount - AllowanceTotalAmount.
    """
    root = etree.parse(str(path)).getroot()
    rows = parse_ubl(path.read_bytes())
    sign = -1 if rows[0]["document_type"] == CREDIT_NOTE else 1
    total = sign * sum(Decimal(row["net_amount"]) for row in rows)
    lines_total = sign * sum(Decimal(row["net_amount"]) for row in invoice_rows(rows))
    totals = f"{{{CAC}}}LegalMonetaryTotal/{{{CBC}}}"
    assert lines_total == _decimal(root, totals + "LineExtensionAmount")
    assert total == (
        _decimal(root, totals + "LineExtensionAmount")
        + _decimal(root, totals + "ChargeTotalAmount")
        - _decimal(root, totals + "AllowanceTotalAmount")
    )
    customization = root.findtext(f"{{{CBC}}}CustomizationID").strip()
    tax_exclusive = _decimal(root, totals + "TaxExclusiveAmount")
    if customization.startswith("urn:cen.eu:en16931"):
        assert total == tax_exclusive
    else:
        assert customization.startswith("OIOUBL")
        vat = sum(
            _decimal(tax_total, f"{{{CBC}}}TaxAmount")
            for tax_total in root.findall(f"{{{CAC}}}TaxTotal")
        )
        assert tax_exclusive == vat


# --- specific values in specific real files ---------------------------------------------------


@needs_samples
def test_oioubl_credit_note_reduces_spend_and_flips_negative_lines() -> None:
    rows = rows_of("negative-rounding_real.xml")
    assert [row["net_amount"] for row in rows] == ["-288.00", "-108.00", "-22.80", "320.00", "7.90"]
    assert {row["document_type"] for row in rows} == {CREDIT_NOTE}
    assert rows[0]["source_ref"] == "Kreditnota 70390, linje 1"
    assert rows[0]["description"] == "Skrivebord i Bøg"
    assert rows[0]["supplier_cvr"] == "11668216"
    assert rows[-1]["description"] == "Rabat"  # no reason given on the allowance
    assert rows[-1]["source_ref"] == "Kreditnota 70390, rabat 1"


@needs_samples
def test_scenario_credit_note_all_negative() -> None:
    rows = rows_of("BASPRO_03_01_06_CreditNote_v2p2.xml")
    assert [row["net_amount"] for row in rows] == ["-5000.00", "-50.00"]
    assert [row["quantity"] for row in rows] == ["1.00", "2.00"]


@needs_samples
def test_peppol_credit_note_and_correction_invoice() -> None:
    credit = rows_of("base-creditnote-correction.xml")
    assert [row["net_amount"] for row in credit] == ["-2800", "1500", "-25"]
    assert credit[1]["quantity"] == "-3"  # CreditedQuantity is passed on as written
    correction = rows_of("base-negative-inv-correction.xml")
    assert [row["net_amount"] for row in correction] == ["-2800", "1500", "-25"]
    assert {row["document_type"] for row in correction} == {INVOICE}


@needs_samples
def test_guide_example2_classification_whitespace_is_stripped() -> None:
    rows = invoice_rows(rows_of("guide-example2.xml"))
    assert [(row["classification_code"], row["classification_scheme"]) for row in rows] == [
        ("65434568", "CPV"),
        ("65434567", "CPV"),
        ("65434567", "CPV"),
        ("65434565", "CPV"),
        ("65434564", "CPV"),
    ]
    assert rows[0]["currency"] == "NOK"
    assert rows[0]["account"] == "BookingCode001"
    assert rows[0]["description"] == (
        "Laptop computer – Processor: Intel Core 2 Duo SU9400 LV (1.4GHz). RAM: 3MB. "
        "Screen 1440x900"
    )
    assert rows[1]["net_amount"] == "-3.96"
    assert rows[1]["quantity"] == "-1"


@needs_samples
def test_used_invoice_real_unspsc_cvr_account_and_charge() -> None:
    rows = rows_of("used-invoice_real.xml")
    line, charge = rows
    assert line["classification_code"] == "12121212"
    assert line["classification_scheme"] == "UNSPSC"
    # The legal entity's CVR, not the SE number nor the other CVR in PartyIdentification.
    assert line["supplier_cvr"] == "16356700"
    assert line["supplier_id"] is None
    assert line["supplier_name"] == "Tavleverandøren"
    assert line["buyer_ean"] == "5798000416604"
    assert line["account"] == "1234567890"  # line-level AccountingCost beats the document's
    assert line["item_number"] == "5712345780121"
    assert line["net_amount"] == "5000.00"  # its line-level charge is already included
    assert (line["quantity"], line["unit"]) == ("1.00", "EA")
    assert charge["line_number"] == "AC1"
    assert charge["description"] == "Gebyr: Fragt"
    assert charge["net_amount"] == "15.00"
    assert charge["account"] == "123456789"
    assert (charge["quantity"], charge["unit"]) == (None, None)
    assert charge["source_ref"] == "Faktura A00095678, gebyr 1"


@needs_samples
def test_certificate_becomes_a_label() -> None:
    (row,) = rows_of("OIOUBL_InvoiceCerticate.xml")
    assert row["labels"] is not None
    assert row["labels"].startswith("Certifikat ENERGY_STAR: ENERGY STAR is a voluntary")
    assert "(NA)" not in row["labels"]  # placeholder type codes are left out
    assert row["description"] == (
        "Strømforsyning – Dell Adapter / Strømforsyning 130W til bl.a. Dell XPS 15 (Original)"
    )
    assert row["item_number"] == "100054671"
    assert row["supplier_cvr"] == "16356709"
    (credited,) = rows_of("OIOUBL_CreditNoteCertificate.xml")
    assert credited["labels"] == row["labels"]
    assert credited["net_amount"] == "-363.16"


@needs_samples
def test_cpr_supplier_never_leaks_the_cpr_number() -> None:
    path = sample("cpr-supplier.xml")
    assert b"1111111118" in path.read_bytes()
    rows = parse_ubl(path.read_bytes(), path.name)
    assert "1111111118" not in repr(rows)
    assert rows[0]["supplier_id"] == "DK:CPR:skjult"
    assert rows[0]["supplier_cvr"] is None
    assert rows[0]["supplier_name"] == "afsender"


@needs_samples
def test_allowance_example_document_level_allowances_and_charges() -> None:
    rows = rows_of("Allowance-example.xml")
    assert len(rows) == 5  # three lines; line- and price-level allowances are not lines
    assert [(row["line_number"], row["description"], row["net_amount"]) for row in rows[3:]] == [
        ("AC1", "Gebyr: Cleaning", "200"),
        ("AC2", "Rabat: Discount", "-200"),
    ]
    assert rows[0]["net_amount"] == "4000.00"
    assert rows[3]["account"] == "4025:123:4343"  # document-level AccountingCost
    assert rows[0]["account"] == "Konteringsstreng"
    assert rows[0]["supplier_id"] == "0088:7300010000001"
    assert rows[0]["supplier_cvr"] is None  # GB company: no CVR
    assert rows[0]["buyer_ean"] is None  # buyer endpoint is scheme 0002, not a GLN
    assert rows[0]["classification_scheme"] == "SRV"  # GTIN list, passed on as given
    assert rows[1]["labels"] == "AdditionalItemName: AdditionalItemValue"
    assert {row["currency"] for row in rows} == {"EUR"}


@needs_samples
def test_excise_invoice_keeps_negative_trade_in_line() -> None:
    rows = rows_of("excise-registration-tax_real.xml")
    assert [row["net_amount"] for row in rows] == ["102842.00", "-26721.00", "-0.40"]
    assert rows[1]["description"] == "Byttebil"


# --- synthetic documents for the identifier and classification rules -------------------------

NS = (
    'xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2" '
    'xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"'
)

DEFAULT_LINE = """
  <cac:InvoiceLine>
    <cbc:ID>1</cbc:ID>
    <cbc:InvoicedQuantity unitCode="KGM">2.5</cbc:InvoicedQuantity>
    <cbc:LineExtensionAmount currencyID="DKK">100.00</cbc:LineExtensionAmount>
    <cac:Item><cbc:Name>Økologiske gulerødder</cbc:Name></cac:Item>
  </cac:InvoiceLine>"""


def make_invoice(
    supplier: str = "",
    customer: str = "",
    lines: str = DEFAULT_LINE,
    head: str = "<cbc:DocumentCurrencyCode>DKK</cbc:DocumentCurrencyCode>",
    root: str = "Invoice",
    extra: str = "",
) -> bytes:
    """A minimal UBL document; the parts under test are passed in as XML snippets."""
    namespace = f"urn:oasis:names:specification:ubl:schema:xsd:{root}-2"
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<{root} xmlns="{namespace}" {NS}>
  <cbc:ID>F-1</cbc:ID>
  <cbc:IssueDate>2026-01-15</cbc:IssueDate>
  {head}
  <cac:AccountingSupplierParty><cac:Party>{supplier}</cac:Party></cac:AccountingSupplierParty>
  <cac:AccountingCustomerParty><cac:Party>{customer}</cac:Party></cac:AccountingCustomerParty>
  {extra}
  {lines}
</{root}>""".encode()


@pytest.mark.parametrize(
    ("supplier", "cvr", "supplier_id"),
    [
        (
            '<cbc:EndpointID schemeID="0184">DK12345674</cbc:EndpointID>',
            "12345674",
            None,
        ),
        (
            '<cbc:EndpointID schemeID="0088">5790000000005</cbc:EndpointID>'
            "<cac:PartyTaxScheme><cbc:CompanyID>DK12345674</cbc:CompanyID>"
            "<cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:PartyTaxScheme>",
            "12345674",
            "0088:5790000000005",
        ),
        (
            '<cac:PartyTaxScheme><cbc:CompanyID schemeID="DK:SE">DK12345674</cbc:CompanyID>'
            "</cac:PartyTaxScheme>",
            None,
            None,
        ),
        (
            '<cac:PartyLegalEntity><cbc:CompanyID schemeID="DK:CVR">DK 1234 5674</cbc:CompanyID>'
            '</cac:PartyLegalEntity><cbc:EndpointID schemeID="DK:CVR">DK12345674</cbc:EndpointID>',
            "12345674",
            None,
        ),
        (
            "<cac:PartyIdentification><cbc:ID>12345674</cbc:ID></cac:PartyIdentification>",
            None,
            "12345674",
        ),
        (
            '<cac:PartyLegalEntity><cbc:CompanyID schemeID="DK:CVR">1234</cbc:CompanyID>'
            "</cac:PartyLegalEntity>",
            "1234",  # declared a CVR: passed on so the pipeline can say what is wrong
            None,
        ),
        (
            '<cbc:EndpointID schemeID="DK:CPR">0101801234</cbc:EndpointID>'
            '<cac:PartyIdentification><cbc:ID schemeID="GLN">5790000000005</cbc:ID>'
            "</cac:PartyIdentification>",
            None,
            "DK:CPR:skjult",
        ),
    ],
)
def test_supplier_identifiers(supplier: str, cvr: str | None, supplier_id: str | None) -> None:
    (row,) = parse_ubl(make_invoice(supplier=supplier))
    assert row["supplier_cvr"] == cvr
    assert row["supplier_id"] == supplier_id
    assert "0101801234" not in repr(row)


def test_supplier_name_falls_back_to_registration_name() -> None:
    supplier = (
        "<cac:PartyLegalEntity><cbc:RegistrationName>Grønt\n   Køkken ApS</cbc:RegistrationName>"
        "</cac:PartyLegalEntity>"
    )
    (row,) = parse_ubl(make_invoice(supplier=supplier))
    assert row["supplier_name"] == "Grønt Køkken ApS"


@pytest.mark.parametrize(
    ("customer", "ean"),
    [
        ('<cbc:EndpointID schemeID="GLN">5790000000005</cbc:EndpointID>', "5790000000005"),
        ('<cbc:EndpointID schemeID="0088"> 5790000000005 </cbc:EndpointID>', "5790000000005"),
        (
            '<cbc:EndpointID schemeID="0184">DK12345674</cbc:EndpointID>'
            '<cac:PartyIdentification><cbc:ID schemeID="GLN">5790000000012</cbc:ID>'
            "</cac:PartyIdentification>",
            "5790000000012",
        ),
        ('<cbc:EndpointID schemeID="0184">DK12345674</cbc:EndpointID>', None),
    ],
)
def test_buyer_ean(customer: str, ean: str | None) -> None:
    (row,) = parse_ubl(make_invoice(customer=customer))
    assert row["buyer_ean"] == ean


def _line_with_codes(codes: str) -> str:
    return (
        '<cac:InvoiceLine><cbc:ID>1</cbc:ID><cbc:InvoicedQuantity unitCode="EA">1'
        '</cbc:InvoicedQuantity><cbc:LineExtensionAmount currencyID="DKK">10'
        "</cbc:LineExtensionAmount><cac:Item><cbc:Name>Papir</cbc:Name>"
        f"{codes}</cac:Item></cac:InvoiceLine>"
    )


def _code(list_id: str | None, code: str) -> str:
    attribute = f' listID="{list_id}"' if list_id else ""
    return (
        "<cac:CommodityClassification>"
        f"<cbc:ItemClassificationCode{attribute}>{code}</cbc:ItemClassificationCode>"
        "</cac:CommodityClassification>"
    )


@pytest.mark.parametrize(
    ("codes", "expected"),
    [
        ([_code("TST", "44121\n 600")], ("44121600", "UNSPSC")),
        ([_code("STI", "30197630"), _code("TST", "44121600")], ("44121600", "UNSPSC")),
        ([_code("MP", "X1"), _code("CPV", "30197630-1")], ("30197630-1", "CPV")),
        ([_code("UNSPSC", "1"), _code("UNSPSC", "2")], ("1", "UNSPSC")),
        ([_code("MP", "X1"), _code("ZZZ", "X2")], ("X1", "MP")),
        ([_code(None, "X1")], ("X1", None)),
        ([_code("TST", "  ")], (None, None)),
    ],
)
def test_classification_preference(
    codes: list[str], expected: tuple[str | None, str | None]
) -> None:
    (row,) = parse_ubl(make_invoice(lines=_line_with_codes("".join(codes))))
    assert (row["classification_code"], row["classification_scheme"]) == expected


def test_currency_falls_back_to_the_amount_and_document_accounting_cost() -> None:
    (row,) = parse_ubl(
        make_invoice(
            head="<cbc:AccountingCost>4400-123</cbc:AccountingCost>",
            lines=DEFAULT_LINE.replace('currencyID="DKK"', 'currencyID="EUR"'),
        )
    )
    assert row["currency"] == "EUR"
    assert row["account"] == "4400-123"
    assert (row["quantity"], row["unit"]) == ("2.5", "KGM")
    assert row["description"] == "Økologiske gulerødder"
    assert row["source_ref"] == "Faktura F-1, linje 1"


def test_credit_note_charge_sign_and_allowance_reason_code() -> None:
    lines = (
        '<cac:CreditNoteLine><cbc:ID>7</cbc:ID><cbc:CreditedQuantity unitCode="EA">1'
        '</cbc:CreditedQuantity><cbc:LineExtensionAmount currencyID="DKK">0.00'
        "</cbc:LineExtensionAmount></cac:CreditNoteLine>"
    )
    extra = (
        "<cac:AllowanceCharge><cbc:ChargeIndicator>false</cbc:ChargeIndicator>"
        "<cbc:AllowanceChargeReasonCode>95</cbc:AllowanceChargeReasonCode>"
        '<cbc:Amount currencyID="DKK">12.50</cbc:Amount></cac:AllowanceCharge>'
        "<cac:AllowanceCharge><cbc:ChargeIndicator>true</cbc:ChargeIndicator>"
        '<cbc:Amount currencyID="DKK">4</cbc:Amount></cac:AllowanceCharge>'
    )
    rows = parse_ubl(make_invoice(root="CreditNote", lines=lines, extra=extra))
    assert [(row["description"], row["net_amount"]) for row in rows] == [
        (None, "0.00"),  # zero stays zero; no item means no description
        ("Rabat: 95", "12.50"),
        ("Gebyr", "-4"),
    ]
    assert rows[0]["source_ref"] == "Kreditnota F-1, linje 7"


def test_invalid_charge_indicator_is_a_ubl_error() -> None:
    extra = (
        "<cac:AllowanceCharge><cbc:ChargeIndicator>maybe</cbc:ChargeIndicator>"
        '<cbc:Amount currencyID="DKK">1</cbc:Amount></cac:AllowanceCharge>'
    )
    with pytest.raises(UblError, match="ChargeIndicator"):
        parse_ubl(make_invoice(extra=extra), "x.xml")


def test_non_numeric_amount_is_passed_on_unchanged_for_the_pipeline() -> None:
    lines = DEFAULT_LINE.replace(">100.00<", ">ukendt<")
    (row,) = parse_ubl(make_invoice(root="Invoice", lines=lines))
    assert row["net_amount"] == "ukendt"
    assert ubl._negate("ukendt") == "ukendt"
    assert ubl._negate("100.00") == "-100.00"
    assert ubl._negate("-5.00") == "5.00"
    assert ubl._negate("+3") == "-3"
    assert ubl._negate(".5") == "-.5"
    assert ubl._negate("0") == "0"


def test_sbdh_envelope_is_unwrapped() -> None:
    inner = make_invoice().split(b"?>", 1)[1]
    wrapped = (
        b'<StandardBusinessDocument xmlns="http://www.unece.org/cefact/namespaces/'
        b'StandardBusinessDocumentHeader"><StandardBusinessDocumentHeader/>'
        + inner
        + b"</StandardBusinessDocument>"
    )
    (row,) = parse_ubl(wrapped)
    assert row["invoice_number"] == "F-1"


# --- refusals ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("document", "fragment"),
    [
        (make_invoice(root="Order"), "dokumenttypen er Order"),
        (make_invoice(root="ApplicationResponse"), "dokumenttypen er ApplicationResponse"),
        (b"<html><body>Faktura</body></html>", "rodelementet er html"),
        (b"<Invoice><ID>1</ID></Invoice>", "ikke i UBL-navnerummet"),
        (
            b'<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:'
            b'CrossIndustryInvoice:100"/>',
            "CII-faktura",
        ),
        (
            b'<Invoice xmlns="http://rep.oio.dk/ubl/xml/schemas/0p71/pie/"/>',
            "OIOXML",
        ),
        (make_invoice(lines=""), "ingen linjer"),
        (b"", "tom"),
        (b"   \n", "tom"),
        (b"<Invoice>\n<cbc:ID>1</Invoice>", "linje 2"),
        (b"\x89PNG\r\n\x1a\n", "ikke gyldig XML"),
    ],
)
def test_refused_documents_get_a_danish_message(document: bytes, fragment: str) -> None:
    with pytest.raises(UblError) as caught:
        parse_ubl(document, "upload.xml")
    assert fragment in caught.value.message
    assert caught.value.message.startswith("upload.xml: ")
    assert caught.value.source == "upload.xml"


def test_size_limit() -> None:
    document = make_invoice()
    with pytest.raises(UblError, match="for stor"):
        parse_ubl(document, max_bytes=len(document) - 1)
    assert parse_ubl(document, max_bytes=len(document))


def test_parse_ubl_rejects_text_input() -> None:
    with pytest.raises(TypeError):
        parse_ubl("<Invoice/>")  # type: ignore[arg-type]


# --- security ---------------------------------------------------------------------------------

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE Invoice [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
  xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
  <cbc:ID>&xxe;</cbc:ID>
</Invoice>"""

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
  xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
  <cbc:ID>&lol9;</cbc:ID>
</Invoice>"""

DOCTYPE_ONLY = (
    b'<!DOCTYPE Invoice SYSTEM "http://127.0.0.1:9/evil.dtd">' + make_invoice().split(b"?>", 1)[1]
)


@pytest.mark.parametrize(
    "document",
    [
        XXE,
        BILLION_LAUGHS,
        DOCTYPE_ONLY,
        XXE.decode().encode("utf-16"),
        # A long comment pushes the DOCTYPE beyond what a naive prefix check would read.
        XXE.replace(b"<!DOCTYPE", b"<!--" + b" " * 100_000 + b"-->\n<!DOCTYPE"),
    ],
    ids=["xxe", "billion-laughs", "doctype-only", "xxe-utf16", "xxe-after-long-comment"],
)
def test_dtd_documents_are_refused_quickly(document: bytes) -> None:
    start = time.perf_counter()
    with pytest.raises(UblError) as caught:
        parse_ubl(document, "angreb.xml")
    assert time.perf_counter() - start < 1.0
    assert "DOCTYPE" in caught.value.message
    assert "root:" not in caught.value.message


@pytest.mark.parametrize("document", [XXE, BILLION_LAUGHS], ids=["xxe", "billion-laughs"])
def test_parser_itself_never_expands_entities(
    document: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Defence in depth: with the byte scan switched off, lxml still expands nothing."""
    try:
        root = etree.fromstring(document, ubl._PARSER)
    except etree.XMLSyntaxError:
        pass  # libxml2's own amplification guard refused it outright: also fine
    else:
        text = "".join(el.text or "" for el in root.iter() if isinstance(el.tag, str))
        assert "root:" not in text
        assert "lollol" not in text
    monkeypatch.setattr(ubl, "_prolog_declares_dtd", lambda data: False)
    start = time.perf_counter()
    with pytest.raises(UblError) as caught:
        parse_ubl(document)
    assert time.perf_counter() - start < 1.0
    assert "root:" not in caught.value.message


def test_looks_like_xml() -> None:
    assert looks_like_xml(b'<?xml version="1.0"?><a/>')
    assert looks_like_xml(b"\xef\xbb\xbf\r\n  <Invoice/>")
    assert looks_like_xml("<Invoice/>".encode("utf-16"))
    assert looks_like_xml("<Invoice/>".encode("utf-16-le"))
    assert not looks_like_xml(b"PK\x03\x04rest")
    assert not looks_like_xml(b"%PDF-1.7")
    assert not looks_like_xml(b"Fakturanr;Bel\xf8b\n")
    assert not looks_like_xml(b"")


# --- fuzzing ----------------------------------------------------------------------------------

FUZZ_SETTINGS = settings(
    max_examples=200,
    deadline=1000,  # ms; a single parse takes well under a millisecond
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _assert_rows_or_ubl_error(document: bytes) -> None:
    start = time.perf_counter()
    try:
        rows = parse_ubl(document, "fuzz.xml")
    except UblError as error:
        assert error.message
    else:
        assert rows
        for row in rows:
            assert set(row) == KEYS
            assert all(value is None or isinstance(value, str) for value in row.values())
    assert time.perf_counter() - start < 0.5


@FUZZ_SETTINGS
@given(st.binary(max_size=4096))
def test_fuzz_arbitrary_bytes(document: bytes) -> None:
    _assert_rows_or_ubl_error(document)


@FUZZ_SETTINGS
@given(
    st.sampled_from(sorted({make_invoice(), *[path.read_bytes() for path in SAMPLES[:60]]})),
    st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.integers(0, 255)), max_size=8),
    st.floats(0, 1),
)
def test_fuzz_mutated_real_documents(
    document: bytes, flips: list[tuple[float, int]], keep: float
) -> None:
    mutated = bytearray(document)
    for where, value in flips:
        mutated[int(where * len(mutated))] = value
    _assert_rows_or_ubl_error(bytes(mutated[: max(1, int(keep * len(mutated)))]))


@FUZZ_SETTINGS
@given(
    st.text(max_size=40),
    st.text(max_size=40),
    st.text(alphabet="0123456789-+., DKdk:", max_size=20),
)
def test_fuzz_field_values(name: str, amount: str, identifier: str) -> None:
    """Arbitrary text in the fields the reader interprets never breaks it."""

    def escape(text: str) -> str:
        clean = "".join(ch for ch in text if ch in "\t\n\r" or (ch >= " " and ch != "\x7f"))
        clean = "".join(ch for ch in clean if not 0xD800 <= ord(ch) <= 0xDFFF)
        clean = "".join(ch for ch in clean if ord(ch) not in (0xFFFE, 0xFFFF))
        return clean.replace("&", "&amp;").replace("<", "&lt;")

    lines = DEFAULT_LINE.replace("Økologiske gulerødder", escape(name)).replace(
        "100.00", escape(amount)
    )
    supplier = f'<cbc:EndpointID schemeID="DK:CVR">{escape(identifier)}</cbc:EndpointID>'
    credit_lines = lines.replace("InvoiceLine", "CreditNoteLine").replace(
        "InvoicedQuantity", "CreditedQuantity"
    )
    _assert_rows_or_ubl_error(
        make_invoice(supplier=supplier, lines=credit_lines, root="CreditNote")
    )
    _assert_rows_or_ubl_error(make_invoice(supplier=supplier, lines=lines))
