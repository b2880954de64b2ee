"""Time reading a zip of e-invoices: iter_zip_members + parse_ubl against bare lxml parsing.

Usage: .venv/bin/python benchmarks/ubl_parse.py [INVOICES]   (default 10,000)

Builds realistic 2-10-line invoices in memory (half OIOUBL 2.1, half PEPPOL BIS 3; a tenth
of them credit notes; Danish CVR and EAN numbers, UNSPSC codes, Danish item names), zips
them, and reports invoices per second for

* the importer's path: ``iter_zip_members`` (vetting + chunked reading) + ``parse_ubl``;
* the floor: ``zipfile.ZipFile.read`` + ``lxml.etree.fromstring`` of the same members,

and the same two without the zip step. The target is 2,000 invoices/s on one core for the
whole import, so the reader should stay well above 5,000/s.
"""

from __future__ import annotations

import io
import random
import sys
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from lxml import etree

from omlob.core.archives import iter_zip_members
from omlob.core.codes import make_cvr, make_gln
from omlob.core.ubl import parse_ubl

ITEMS: tuple[tuple[str, str, str, str], ...] = (
    ("Økologisk letmælk 1 l", "50131702", "LTR", "11.95"),
    ("Rugbrød, groft, 1 kg", "50181900", "EA", "24.50"),
    ("Kyllingebryst, dansk, frost", "50112004", "KGM", "79.00"),
    ("Gulerødder, økologiske", "50405300", "KGM", "12.00"),
    ("Kopipapir A4 80 g, Svanemærket", "14111507", "PK", "32.00"),
    ("Toiletpapir 2-lags, EU Ecolabel", "14111704", "PK", "89.00"),
    ("Rengøringsmiddel, parfumefri", "47131801", "LTR", "41.25"),
    ("Bærbar computer 14 tommer", "43211503", "EA", "6495.00"),
    ("Kontorstol, ergonomisk", "56112102", "EA", "2890.00"),
    ("Diesel, farvet", "15101505", "LTR", "12.85"),
    ("Kaffe, Fairtrade, 500 g", "50201706", "EA", "54.00"),
    ("Arbejdshandsker, nitril", "46181504", "PR", "6.50"),
)

NS = (
    'xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2" '
    'xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"'
)


def _party(endpoint: str, cvr: str, name: str, street: str) -> str:
    return f"""<cac:Party>
      {endpoint}
      <cac:PartyName><cbc:Name>{name}</cbc:Name></cac:PartyName>
      <cac:PostalAddress>
        <cbc:StreetName>{street}</cbc:StreetName>
        <cbc:CityName>Odense C</cbc:CityName>
        <cbc:PostalZone>5000</cbc:PostalZone>
        <cac:Country><cbc:IdentificationCode>DK</cbc:IdentificationCode></cac:Country>
      </cac:PostalAddress>
      <cac:PartyTaxScheme>
        <cbc:CompanyID schemeID="DK:SE">DK{cvr}</cbc:CompanyID>
        <cac:TaxScheme><cbc:ID>VAT</cbc:ID><cbc:Name>Moms</cbc:Name></cac:TaxScheme>
      </cac:PartyTaxScheme>
      <cac:PartyLegalEntity>
        <cbc:RegistrationName>{name}</cbc:RegistrationName>
        <cbc:CompanyID schemeID="DK:CVR">DK{cvr}</cbc:CompanyID>
      </cac:PartyLegalEntity>
      <cac:Contact><cbc:Name>Bogholderiet</cbc:Name><cbc:Telephone>70121314</cbc:Telephone>
      </cac:Contact>
    </cac:Party>"""


def make_invoice(number: int, rng: random.Random, suppliers: list[tuple[str, str]]) -> bytes:
    """One invoice or credit note with 2-10 lines, in OIOUBL 2.1 or PEPPOL BIS 3 dress."""
    peppol = number % 2 == 0
    credit = number % 10 == 0
    root = "CreditNote" if credit else "Invoice"
    line_tag = "CreditNoteLine" if credit else "InvoiceLine"
    quantity_tag = "CreditedQuantity" if credit else "InvoicedQuantity"
    cvr, supplier_name = rng.choice(suppliers)
    buyer_gln = make_gln(f"579800{rng.randrange(10**6):06d}")
    customization = (
        "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
        if peppol
        else "OIOUBL-2.1"
    )
    supplier_endpoint = (
        f'<cbc:EndpointID schemeID="0184">DK{cvr}</cbc:EndpointID>'
        if peppol
        else f'<cbc:EndpointID schemeID="DK:CVR">DK{cvr}</cbc:EndpointID>'
    )
    buyer_endpoint = (
        f'<cbc:EndpointID schemeID="{"0088" if peppol else "GLN"}">{buyer_gln}</cbc:EndpointID>'
    )
    list_id = "TST" if peppol else "UNSPSC"
    lines = []
    total = 0.0
    for index in range(1, rng.randint(2, 10) + 1):
        name, unspsc, unit, price = rng.choice(ITEMS)
        quantity = rng.randint(1, 40)
        amount = quantity * float(price)
        total += amount
        lines.append(f"""
  <cac:{line_tag}>
    <cbc:ID>{index}</cbc:ID>
    <cbc:{quantity_tag} unitCode="{unit}">{quantity}</cbc:{quantity_tag}>
    <cbc:LineExtensionAmount currencyID="DKK">{amount:.2f}</cbc:LineExtensionAmount>
    <cbc:AccountingCost>2{rng.randrange(10**6):06d}</cbc:AccountingCost>
    <cac:TaxTotal>
      <cbc:TaxAmount currencyID="DKK">{amount * 0.25:.2f}</cbc:TaxAmount>
    </cac:TaxTotal>
    <cac:Item>
      <cbc:Description>{name}</cbc:Description>
      <cbc:Name>{name}</cbc:Name>
      <cac:SellersItemIdentification><cbc:ID>{rng.randrange(10**6)}</cbc:ID>
      </cac:SellersItemIdentification>
      <cac:CommodityClassification>
        <cbc:ItemClassificationCode listID="{list_id}">{unspsc}</cbc:ItemClassificationCode>
      </cac:CommodityClassification>
      <cac:ClassifiedTaxCategory><cbc:ID>S</cbc:ID><cbc:Percent>25</cbc:Percent>
        <cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:ClassifiedTaxCategory>
    </cac:Item>
    <cac:Price><cbc:PriceAmount currencyID="DKK">{price}</cbc:PriceAmount></cac:Price>
  </cac:{line_tag}>""")
    document = f"""<?xml version="1.0" encoding="UTF-8"?>
<{root} xmlns="urn:oasis:names:specification:ubl:schema:xsd:{root}-2" {NS}>
  <cbc:UBLVersionID>2.1</cbc:UBLVersionID>
  <cbc:CustomizationID>{customization}</cbc:CustomizationID>
  <cbc:ID>{number}</cbc:ID>
  <cbc:IssueDate>2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}</cbc:IssueDate>
  <cbc:DocumentCurrencyCode>DKK</cbc:DocumentCurrencyCode>
  <cac:OrderReference><cbc:ID>PO-{number}</cbc:ID></cac:OrderReference>
  <cac:AccountingSupplierParty>
    {_party(supplier_endpoint, cvr, supplier_name, "Leverandørvej 12")}
  </cac:AccountingSupplierParty>
  <cac:AccountingCustomerParty>
    {_party(buyer_endpoint, "29189706", "Odense Kommune, Børnehuset Solsikken", "Flakhaven 2")}
  </cac:AccountingCustomerParty>
  <cac:PaymentMeans><cbc:PaymentMeansCode>31</cbc:PaymentMeansCode>
    <cbc:PaymentDueDate>2026-12-31</cbc:PaymentDueDate></cac:PaymentMeans>
  <cac:TaxTotal><cbc:TaxAmount currencyID="DKK">{total * 0.25:.2f}</cbc:TaxAmount></cac:TaxTotal>
  <cac:LegalMonetaryTotal>
    <cbc:LineExtensionAmount currencyID="DKK">{total:.2f}</cbc:LineExtensionAmount>
    <cbc:TaxExclusiveAmount currencyID="DKK">{total:.2f}</cbc:TaxExclusiveAmount>
    <cbc:TaxInclusiveAmount currencyID="DKK">{total * 1.25:.2f}</cbc:TaxInclusiveAmount>
    <cbc:PayableAmount currencyID="DKK">{total * 1.25:.2f}</cbc:PayableAmount>
  </cac:LegalMonetaryTotal>{"".join(lines)}
</{root}>"""
    return document.encode("utf-8")


def build_zip(count: int) -> tuple[bytes, int]:
    """Return the zip bytes and the total uncompressed size."""
    rng = random.Random(2026)
    suppliers = []
    while len(suppliers) < 200:
        cvr = make_cvr(f"{rng.randrange(10**6, 10**7)}")
        if cvr:
            suppliers.append((cvr, f"Leverandør {len(suppliers) + 1} A/S"))
    buffer = io.BytesIO()
    size = 0
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for number in range(1, count + 1):
            document = make_invoice(number, rng, suppliers)
            size += len(document)
            archive.writestr(f"fakturaer/{number:06d}.xml", document)
    return buffer.getvalue(), size


def best_of(repeats: int, run: Callable[[], int]) -> tuple[float, int]:
    """Fastest of ``repeats`` runs (seconds) and what the run returned."""
    best = float("inf")
    result = 0
    for _ in range(repeats):
        start = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - start)
    return best, result


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    repeats = 3
    start = time.perf_counter()
    data, size = build_zip(count)
    print(
        f"{count:,} invoices, {size / 1e6:.1f} MB XML ({size / count / 1024:.1f} kB each), "
        f"zip {len(data) / 1e6:.1f} MB, built in {time.perf_counter() - start:.1f} s"
    )

    def importer() -> int:
        lines = 0
        for name, content in iter_zip_members(data):
            lines += len(parse_ubl(content, name))
        return lines

    def bare() -> int:
        elements = 0
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for info in archive.infolist():
                elements += len(etree.fromstring(archive.read(info)))
        return elements

    members = list(iter_zip_members(data))

    def parse_only() -> int:
        return sum(len(parse_ubl(content, name)) for name, content in members)

    def fromstring_only() -> int:
        return sum(len(etree.fromstring(content)) for _, content in members)

    rows: list[tuple[str, float]] = []
    for label, run in (
        ("iter_zip_members + parse_ubl", importer),
        ("zipfile.read + etree.fromstring", bare),
        ("parse_ubl (members in memory)", parse_only),
        ("etree.fromstring (members in memory)", fromstring_only),
    ):
        seconds, result = best_of(repeats, run)
        rows.append((label, seconds))
        extra = f", {result / seconds:,.0f} lines/s" if "parse_ubl" in label else ""
        print(f"{label:40} {seconds:6.2f} s  {count / seconds:9,.0f} invoices/s{extra}")
    print(f"ratio importer / bare (zip):       {rows[0][1] / rows[1][1]:.2f}x the time")
    print(f"ratio parse_ubl / fromstring:      {rows[2][1] / rows[3][1]:.2f}x the time")


if __name__ == "__main__":
    main()
