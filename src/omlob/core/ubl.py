"""Read UBL e-invoices (OIOUBL 2.0x/2.1/3, PEPPOL BIS Billing 3, EN 16931) into raw lines.

Danish municipalities receive nearly all supplier invoices through NemHandel and PEPPOL as
UBL 2 XML: OIOUBL (the Danish customisation) and PEPPOL BIS Billing 3 (the European one,
on which OIOUBL 3 is built). All of them share the UBL 2 element names, so one reader
covers them; the differences that matter for spend analysis (how the supplier's CVR is
written, which classification list is used, the sign of credit notes) are handled here.

The reader only *takes text out* of the document: one dict per invoice line with the keys
of :data:`~omlob.core.lineschema.RAW_FIELDS`. Numbers and dates are parsed later by the
import pipeline in one vectorised pass, so e-invoices and spreadsheet exports get the same
validation and the same messages.

Security: invoices come from outside the municipality (and, in a zip, possibly from a
scanner or a mail gateway), so the XML parser never resolves entities, never touches the
network or the file system and refuses any document with a DOCTYPE. That blocks XXE
(reading ``/etc/passwd`` through an external entity) and "billion laughs" entity
expansion without needing to reason about which libxml2 version is installed.

Speed: a large municipality imports a year of invoices (hundreds of thousands) at once, so
the document is parsed once and read by walking each element's children and comparing
Clark-notation tags, instead of running path searches over the tree for every line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from lxml import etree

from .lineschema import CREDIT_NOTE, INVOICE, RAW_FIELDS

__all__ = [
    "DEFAULT_MAX_BYTES",
    "UblError",
    "looks_like_xml",
    "parse_ubl",
]

#: Largest document accepted by :func:`parse_ubl` unless the caller says otherwise. Real
#: invoices are a few kB; a 50 MB one is either an attachment-heavy outlier or an attack.
DEFAULT_MAX_BYTES = 50 * 1024 * 1024

_CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
_CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
_UBL_PREFIX = "urn:oasis:names:specification:ubl:schema:xsd:"
_INVOICE_TAG = "{urn:oasis:names:specification:ubl:schema:xsd:Invoice-2}Invoice"
_CREDIT_NOTE_TAG = "{urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2}CreditNote"
# PEPPOL access points sometimes hand over the document still wrapped in its envelope.
_SBDH_NS = "http://www.unece.org/cefact/namespaces/StandardBusinessDocumentHeader"
_SBDH_TAG = f"{{{_SBDH_NS}}}StandardBusinessDocument"


def _cbc(name: str) -> str:
    return f"{{{_CBC}}}{name}"


def _cac(name: str) -> str:
    return f"{{{_CAC}}}{name}"


# Clark-notation tags, built once. Walking an element's children and comparing ``.tag``
# with these strings measured several times faster than ``find``/``findtext`` path
# lookups or tag-filtered ``iterchildren`` for the handful of children a UBL element has.
_ID = _cbc("ID")
_NAME = _cbc("Name")
_DESCRIPTION = _cbc("Description")
_ISSUE_DATE = _cbc("IssueDate")
_DOCUMENT_CURRENCY = _cbc("DocumentCurrencyCode")
_ACCOUNTING_COST = _cbc("AccountingCost")
_LINE_EXTENSION_AMOUNT = _cbc("LineExtensionAmount")
_INVOICED_QUANTITY = _cbc("InvoicedQuantity")
_CREDITED_QUANTITY = _cbc("CreditedQuantity")
_ENDPOINT_ID = _cbc("EndpointID")
_COMPANY_ID = _cbc("CompanyID")
_REGISTRATION_NAME = _cbc("RegistrationName")
_ITEM_CLASSIFICATION_CODE = _cbc("ItemClassificationCode")
_CERTIFICATE_TYPE_CODE = _cbc("CertificateTypeCode")
_CERTIFICATE_TYPE = _cbc("CertificateType")
_REMARKS = _cbc("Remarks")
_VALUE = _cbc("Value")
_CHARGE_INDICATOR = _cbc("ChargeIndicator")
_ALLOWANCE_CHARGE_REASON = _cbc("AllowanceChargeReason")
_ALLOWANCE_CHARGE_REASON_CODE = _cbc("AllowanceChargeReasonCode")
_AMOUNT = _cbc("Amount")

_INVOICE_LINE = _cac("InvoiceLine")
_CREDIT_NOTE_LINE = _cac("CreditNoteLine")
_ITEM = _cac("Item")
_ALLOWANCE_CHARGE = _cac("AllowanceCharge")
_SUPPLIER_PARTY = _cac("AccountingSupplierParty")
_CUSTOMER_PARTY = _cac("AccountingCustomerParty")
_PARTY = _cac("Party")
_PARTY_NAME = _cac("PartyName")
_PARTY_IDENTIFICATION = _cac("PartyIdentification")
_PARTY_LEGAL_ENTITY = _cac("PartyLegalEntity")
_PARTY_TAX_SCHEME = _cac("PartyTaxScheme")
_SELLERS_ITEM_ID = _cac("SellersItemIdentification")
_STANDARD_ITEM_ID = _cac("StandardItemIdentification")
_COMMODITY_CLASSIFICATION = _cac("CommodityClassification")
_CERTIFICATE = _cac("Certificate")
_ADDITIONAL_ITEM_PROPERTY = _cac("AdditionalItemProperty")

_KEYS: tuple[str, ...] = tuple(field.key for field in RAW_FIELDS)

# Classification list identifiers. PEPPOL uses the UNCL 7143 codes (TST = UNSPSC,
# STI = CPV); OIOUBL writes the list name itself.
_SCHEME_NAMES = {"TST": "UNSPSC", "UNSPSC": "UNSPSC", "STI": "CPV", "CPV": "CPV"}
_SCHEME_PREFERENCE = {"UNSPSC": 0, "CPV": 1}

# Identifier schemes that denote a Danish CVR number: OIOUBL's own name and the PEPPOL
# ICD codes (0184 = DK CVR; 9902 is its deprecated predecessor).
_CVR_SCHEMES = frozenset({"DK:CVR", "0184", "9902"})
# Schemes whose value must never be taken for a CVR even when it looks like "DK12345678":
# an SE number (VAT registration unit, DK:SE / ICD 0198) may differ from the company's CVR,
# a P-number identifies a workplace, and a CPR number is a person.
_NOT_CVR_SCHEMES = frozenset({"DK:SE", "0198", "DK:P", "0096", "DK:CPR"})
# CPR = the Danish civil registration number: personal data that must not leave the file.
_CPR_SCHEMES = frozenset({"DK:CPR"})
_HIDDEN_CPR = "DK:CPR:skjult"
_GLN_SCHEMES = frozenset({"GLN", "0088", "EAN"})
_DK_CVR_TEXT = re.compile(r"(?:DK)?(\d{8})", re.IGNORECASE)
_ID_SEPARATORS = re.compile(r"[\s\-.]+")
_NUMBER_START = re.compile(r"[+-]?\d|[+-]?[.,]\d")
_ZERO = re.compile(r"[+-]?0*(?:[.,]0*)?")
# Placeholders that certificate fields carry when the sender had nothing to say.
_PLACEHOLDERS = frozenset({"", "NA", "N/A", "-", "NONE", "IKKE RELEVANT"})

_DOCUMENT_LABEL = {INVOICE: "Faktura", CREDIT_NOTE: "Kreditnota"}
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff", b"\xff\xfe", b"\xfe\xff")
# Start of the root element: "<" followed by a name character (not "<?" or "<!").
_ELEMENT_START = re.compile(rb"<[A-Za-z_:]")

_PARSER = etree.XMLParser(
    resolve_entities=False,
    no_network=True,
    load_dtd=False,
    dtd_validation=False,
    huge_tree=False,
    remove_comments=True,
    remove_pis=True,
    # xml:id lookup tables are never used here; skipping them makes parsing cheaper.
    collect_ids=False,
)


class UblError(ValueError):
    """The file is not a readable e-invoice; ``message`` is Danish text for the user."""

    def __init__(self, message: str, source: str = "") -> None:
        """Keep the message and the file it concerns so callers can show both."""
        full = f"{source}: {message}" if source else message
        super().__init__(full)
        self.message = full
        self.source = source


def looks_like_xml(data: bytes) -> bool:
    """Return True if ``data`` starts like an XML document (after a BOM and whitespace).

    Only a sniff for routing an upload to the right reader, so it looks at the first few
    bytes and never parses: a zip, PDF or spreadsheet is told apart in microseconds.
    """
    head = bytes(data[:512])
    for bom in _BOMS:
        if head.startswith(bom):
            if len(bom) == 3:
                head = head[3:]
                break
            # UTF-16/32: drop the NUL bytes of the ASCII range so the test below works.
            head = head[len(bom) :].replace(b"\x00", b"")
            break
    else:
        if head[:2] in (b"<\x00", b"\x00<"):
            return True
    return head.lstrip(b" \t\r\n").startswith(b"<")


def parse_ubl(
    data: bytes, source: str = "", *, max_bytes: int = DEFAULT_MAX_BYTES
) -> list[dict[str, str | None]]:
    """Return one raw line per invoice line and document-level allowance/charge.

    ``source`` (usually the file or zip-member name) is put in front of error messages so a
    user importing a zip with thousands of invoices can find the one that failed. Raises
    :class:`UblError` for anything that is not a readable UBL invoice or credit note.
    """
    root = _parse_xml(data, source, max_bytes)
    root = _unwrap_envelope(root)
    tag = root.tag
    if tag == _INVOICE_TAG:
        document_type, line_tag, quantity_tag = INVOICE, _INVOICE_LINE, _INVOICED_QUANTITY
    elif tag == _CREDIT_NOTE_TAG:
        document_type, line_tag, quantity_tag = CREDIT_NOTE, _CREDIT_NOTE_LINE, _CREDITED_QUANTITY
    else:
        raise UblError(_wrong_document_message(root), source)
    return _read_document(root, document_type, line_tag, quantity_tag, source)


# --- parsing and document type ------------------------------------------------------------


def _parse_xml(data: bytes, source: str, max_bytes: int) -> etree._Element:
    """Parse ``data`` with the hardened parser, refusing DTDs before and after parsing.

    The byte scan rejects the common attack shape before libxml2 sees it; the check on the
    parsed document catches a DOCTYPE the scan could not see (UTF-16, a long prolog).
    """
    if not isinstance(data, bytes | bytearray | memoryview):
        raise TypeError(f"parse_ubl expects bytes, got {type(data).__name__}")
    data = bytes(data)
    if len(data) > max_bytes:
        raise UblError(
            f"Filen er for stor til at være en faktura ({_megabytes(len(data))}); "
            f"grænsen er {_megabytes(max_bytes)}.",
            source,
        )
    if not data or data.isspace():
        raise UblError("Filen er tom.", source)
    if _prolog_declares_dtd(data):
        raise UblError(_DTD_MESSAGE, source)
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as error:
        line = f" (linje {error.lineno})" if error.lineno else ""
        raise UblError(
            f"Filen er ikke gyldig XML{line}: {error.msg}. Faktura-filer skal være hele, "
            "uændrede XML-dokumenter som modtaget fra leverandøren.",
            source,
        ) from None
    except (etree.LxmlError, ValueError, LookupError) as error:
        raise UblError(f"Filen kan ikke læses som XML: {error}.", source) from None
    if root is None:
        raise UblError("Filen indeholder ikke et XML-dokument.", source)
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise UblError(_DTD_MESSAGE, source)
    return root


_DTD_MESSAGE = (
    "Filen indeholder en DOCTYPE-erklæring (DTD), som e-fakturaer aldrig har. Den "
    "afvises af sikkerhedshensyn, fordi DTD'er kan bruges til at læse filer på serveren "
    "eller få den til at gå i stå."
)


def _prolog_declares_dtd(data: bytes) -> bool:
    """Return True if the bytes before the root element contain a DOCTYPE or ENTITY."""
    head = data[:65536]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in head[:4]:
        # UTF-16/32: strip the NUL bytes so the ASCII markup becomes visible to the scan.
        head = head.replace(b"\x00", b"")
    match = _ELEMENT_START.search(head)
    prolog = head[: match.start()] if match else head
    return b"<!DOCTYPE" in prolog.upper() or b"<!ENTITY" in prolog.upper()


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB".replace(".", ",")


def _unwrap_envelope(root: etree._Element) -> etree._Element:
    """Return the business document inside a PEPPOL SBDH envelope, else ``root`` itself."""
    if root.tag != _SBDH_TAG:
        return root
    for child in root:
        if isinstance(child.tag, str) and not child.tag.startswith(f"{{{_SBDH_NS}}}"):
            return child
    return root


def _wrong_document_message(root: etree._Element) -> str:
    """Explain in Danish what the file is instead of an invoice, naming its root element."""
    tag = root.tag if isinstance(root.tag, str) else ""
    namespace, _, local = tag[1:].partition("}") if tag.startswith("{") else ("", "", tag)
    if namespace.startswith(_UBL_PREFIX):
        if local in ("Invoice", "CreditNote"):
            return (
                f"Filen har rodelementet {local}, men i et forkert UBL-navnerum ({namespace}), "
                "så den kan ikke læses som faktura eller kreditnota."
            )
        return f"Filen er ikke en faktura eller kreditnota: dokumenttypen er {local}."
    if "rep.oio.dk" in namespace or namespace.endswith("-1.0"):
        return (
            f"Filen er i det gamle format OIOXML/UBL 1.0 (rodelementet er {local}), som ikke "
            "understøttes. Bed leverandøren om fakturaen som OIOUBL eller PEPPOL."
        )
    if local == "CrossIndustryInvoice":
        return (
            "Filen er en CII-faktura (UN/CEFACT CrossIndustryInvoice), som ikke understøttes. "
            "Kun UBL-fakturaer (OIOUBL og PEPPOL) kan indlæses."
        )
    if local in ("Invoice", "CreditNote"):
        return (
            f"Filen har rodelementet {local}, men ikke i UBL-navnerummet, så den er ikke en "
            "OIOUBL- eller PEPPOL-faktura."
        )
    return f"Filen er ikke en e-faktura (OIOUBL eller PEPPOL): rodelementet er {local or '?'}."


# --- small text helpers -------------------------------------------------------------------


def _text(element: etree._Element | None) -> str | None:
    """Stripped text of ``element``, or None when it is missing or empty."""
    if element is None:
        return None
    value = element.text
    if value is None:
        return None
    value = value.strip()
    return value or None


def _clean(value: str | None) -> str | None:
    """Collapse runs of whitespace (line breaks in pretty-printed free text) to one space."""
    if value is None:
        return None
    return " ".join(value.split()) or None


def _attribute(element: etree._Element, name: str) -> str | None:
    """Stripped attribute value, or None when it is missing or blank."""
    value = element.get(name)
    if value is None:
        return None
    return value.strip() or None


def _find(parent: etree._Element | None, tag: str) -> etree._Element | None:
    """First child with Clark-notation ``tag``.

    A plain loop: ``Element.find`` goes through lxml's path machinery and measured about
    ten times slower for the handful of children a UBL element has.
    """
    if parent is not None:
        for child in parent:
            if child.tag == tag:
                return child
    return None


def _child_text(parent: etree._Element | None, tag: str) -> str | None:
    return _text(_find(parent, tag))


def _negate(amount: str | None) -> str | None:
    """Flip the sign of a numeric text, leaving non-numbers alone for the pipeline to report."""
    if amount is None or not _NUMBER_START.match(amount) or _ZERO.fullmatch(amount):
        return amount
    if amount[0] == "-":
        return amount[1:]
    if amount[0] == "+":
        return "-" + amount[1:]
    return "-" + amount


# --- parties ------------------------------------------------------------------------------


def _party_identifiers(party: etree._Element) -> dict[str, list[tuple[str, str]]]:
    """Return the party's identifiers as (upper-cased scheme, value), grouped by element."""
    found: dict[str, list[tuple[str, str]]] = {
        "legal": [],
        "tax": [],
        "identification": [],
        "endpoint": [],
    }
    for child in party:
        tag = child.tag
        if tag == _ENDPOINT_ID:
            _add_identifier(found["endpoint"], child)
        elif tag == _PARTY_IDENTIFICATION:
            _add_identifier(found["identification"], _find(child, _ID))
        elif tag == _PARTY_LEGAL_ENTITY:
            _add_identifier(found["legal"], _find(child, _COMPANY_ID))
        elif tag == _PARTY_TAX_SCHEME:
            _add_identifier(found["tax"], _find(child, _COMPANY_ID))
    return found


def _add_identifier(target: list[tuple[str, str]], element: etree._Element | None) -> None:
    value = _text(element)
    if element is not None and value is not None:
        target.append(((element.get("schemeID") or "").strip().upper(), value))


def _as_cvr(scheme: str, value: str) -> str | None:
    """Return the 8 CVR digits if this identifier is a Danish CVR number, else None."""
    if scheme in _NOT_CVR_SCHEMES:
        return None
    compact = _ID_SEPARATORS.sub("", value)
    match = _DK_CVR_TEXT.fullmatch(compact)
    if scheme in _CVR_SCHEMES:
        return match.group(1) if match else None
    # Without a CVR scheme only the unambiguous "DK" + 8 digits (the Danish VAT number,
    # which is the CVR for most companies) is taken; bare 8 digits could be anything.
    if match and compact[:2].upper() == "DK":
        return match.group(1)
    return None


def _supplier(party: etree._Element | None) -> tuple[str | None, str | None, str | None]:
    """Return (CVR, other identifier, name) of the supplier, never exposing a CPR number.

    The CVR is looked for where it is most authoritative first (legal entity, tax scheme,
    party identification, endpoint). The other identifier is the endpoint (else the first
    party identification) when that is not the CVR: a GLN or foreign VAT number still lets
    the same supplier be recognised across invoices.
    """
    if party is None:
        return None, None, None
    ids = _party_identifiers(party)
    by_authority = ids["legal"] + ids["tax"] + ids["identification"] + ids["endpoint"]
    cvr = next((found for scheme, value in by_authority if (found := _as_cvr(scheme, value))), None)
    if cvr is None:
        # A value the sender *declared* a CVR but wrote oddly is passed on unnormalised so
        # the pipeline's CVR check can tell the user what is wrong with it.
        cvr = next((value for scheme, value in by_authority if scheme in _CVR_SCHEMES), None)
    other: str | None = None
    if any(scheme in _CPR_SCHEMES for scheme, _ in by_authority):
        # A sole trader identified by CPR: the number is personal data and must not be
        # stored or shown, but the marker tells the user why there is no CVR.
        other = _HIDDEN_CPR
    else:
        for scheme, value in ids["endpoint"] + ids["identification"]:
            if scheme in _CVR_SCHEMES or (cvr is not None and _as_cvr(scheme, value) == cvr):
                continue
            other = f"{scheme}:{value}" if scheme else value
            break
    name = _clean(_child_text(_find(party, _PARTY_NAME), _NAME))
    if name is None:
        name = _clean(_child_text(_find(party, _PARTY_LEGAL_ENTITY), _REGISTRATION_NAME))
    if name is None:
        name = _clean(_child_text(_find(party, _PARTY_TAX_SCHEME), _REGISTRATION_NAME))
    return cvr, other, name


def _buyer_ean(party: etree._Element | None) -> str | None:
    """The receiving unit's EAN/GLN: the endpoint, else a GLN party identification."""
    if party is None:
        return None
    endpoint = _find(party, _ENDPOINT_ID)
    if endpoint is not None and (endpoint.get("schemeID") or "").strip().upper() in _GLN_SCHEMES:
        value = _text(endpoint)
        if value:
            return value
    for identification in party:
        if identification.tag != _PARTY_IDENTIFICATION:
            continue
        element = _find(identification, _ID)
        if element is not None and (element.get("schemeID") or "").strip().upper() in (
            _GLN_SCHEMES
        ):
            value = _text(element)
            if value:
                return value
    return None


# --- lines --------------------------------------------------------------------------------


def _classification(codes: Iterable[etree._Element]) -> tuple[str | None, str | None]:
    """Pick the line's classification: the first UNSPSC, else the first CPV, else the first."""
    best: tuple[int, str, str | None] | None = None
    for element in codes:
        raw = element.text
        if not raw:
            continue
        code = "".join(raw.split())
        if not code:
            continue
        list_id = (element.get("listID") or "").strip()
        scheme = _SCHEME_NAMES.get(list_id.upper(), list_id or None)
        rank = _SCHEME_PREFERENCE.get(scheme or "", 2)
        if best is None or rank < best[0]:
            best = (rank, code, scheme)
            if rank == 0:
                break
    if best is None:
        return None, None
    return best[1], best[2]


def _certificate_label(certificate: etree._Element) -> str | None:
    """ "ID (type): remarks" for an item certificate, leaving out placeholder values."""
    parts: dict[str, str | None] = {"id": None, "type": None, "code": None, "remarks": None}
    for child in certificate:
        tag = child.tag
        if tag == _ID:
            parts["id"] = _clean(_text(child))
        elif tag == _CERTIFICATE_TYPE:
            parts["type"] = _clean(_text(child))
        elif tag == _CERTIFICATE_TYPE_CODE:
            parts["code"] = _clean(_text(child))
        elif tag == _REMARKS:
            remark = _clean(_text(child))
            if remark:
                parts["remarks"] = f"{parts['remarks']} {remark}" if parts["remarks"] else remark
    useful = {
        key: value
        for key, value in parts.items()
        if value is not None and value.upper() not in _PLACEHOLDERS
    }
    name = useful.get("id")
    kind = useful.get("type") or useful.get("code")
    if kind and kind == name:
        kind = None
    head = " ".join(part for part in (name, f"({kind})" if kind else None) if part)
    remarks = useful.get("remarks")
    if head and remarks:
        return f"Certifikat {head}: {remarks}"
    if head or remarks:
        return f"Certifikat {head or remarks}"
    return None


_ItemFields = tuple[str | None, str | None, str | None, str | None, str | None]
_NO_ITEM: _ItemFields = (None, None, None, None, None)


def _item_fields(item: etree._Element | None) -> _ItemFields:
    """(description, item number, classification code, scheme, labels) of a ``cac:Item``.

    A tuple rather than a dict: this runs once per invoice line and is on the hot path.
    """
    if item is None:
        return _NO_ITEM
    name: str | None = None
    descriptions: list[str] = []
    sellers: str | None = None
    standard: str | None = None
    codes: list[etree._Element] = []
    labels: list[str] = []
    for child in item:
        tag = child.tag
        if tag == _NAME:
            name = name or _clean(child.text)
        elif tag == _DESCRIPTION:
            text = _clean(child.text)
            if text:
                descriptions.append(text)
        elif tag == _SELLERS_ITEM_ID:
            sellers = sellers or _child_text(child, _ID)
        elif tag == _STANDARD_ITEM_ID:
            standard = standard or _child_text(child, _ID)
        elif tag == _COMMODITY_CLASSIFICATION:
            codes.extend(code for code in child if code.tag == _ITEM_CLASSIFICATION_CODE)
        elif tag == _CERTIFICATE:
            label = _certificate_label(child)
            if label:
                labels.append(label)
        elif tag == _ADDITIONAL_ITEM_PROPERTY:
            prop_name = _clean(_child_text(child, _NAME))
            prop_value = _clean(_child_text(child, _VALUE))
            if prop_name and prop_value:
                labels.append(f"{prop_name}: {prop_value}")
            elif prop_name or prop_value:
                labels.append(prop_name or prop_value or "")
    description = " ".join(descriptions) or None
    if name and description and description != name:
        description = f"{name} – {description}"
    else:
        description = name or description
    code, scheme = _classification(codes) if codes else (None, None)
    return description, sellers or standard, code, scheme, "; ".join(labels) or None


def _read_document(
    root: etree._Element, document_type: str, line_tag: str, quantity_tag: str, source: str
) -> list[dict[str, str | None]]:
    """Turn a parsed Invoice/CreditNote into raw lines (invoice lines, then charges)."""
    invoice_number: str | None = None
    invoice_date: str | None = None
    currency: str | None = None
    document_account: str | None = None
    supplier_party: etree._Element | None = None
    customer_party: etree._Element | None = None
    lines: list[etree._Element] = []
    charges: list[etree._Element] = []
    # A plain walk with string comparisons: measured 5x faster than lxml's tag-filtered
    # iterchildren(*tags), which rebuilds its matcher on every call.
    for child in root:
        tag = child.tag
        if tag == line_tag:
            lines.append(child)
        elif tag == _ID:
            invoice_number = invoice_number or _text(child)
        elif tag == _ISSUE_DATE:
            invoice_date = _text(child)
        elif tag == _DOCUMENT_CURRENCY:
            currency = _text(child)
        elif tag == _ACCOUNTING_COST:
            document_account = _text(child)
        elif tag == _SUPPLIER_PARTY:
            supplier_party = _find(child, _PARTY)
        elif tag == _CUSTOMER_PARTY:
            customer_party = _find(child, _PARTY)
        elif tag == _ALLOWANCE_CHARGE:
            charges.append(child)
    label = _DOCUMENT_LABEL[document_type]
    if not lines:
        raise UblError(
            f"{label}en {invoice_number or '(uden nummer)'} har ingen linjer, så der er intet "
            "at indlæse.",
            source,
        )
    credit = document_type == CREDIT_NOTE
    cvr, supplier_id, supplier_name = _supplier(supplier_party)
    common: dict[str, str | None] = dict.fromkeys(_KEYS)
    common.update(
        invoice_number=invoice_number,
        invoice_date=invoice_date,
        supplier_cvr=cvr,
        supplier_id=supplier_id,
        supplier_name=supplier_name,
        buyer_ean=_buyer_ean(customer_party),
        document_type=document_type,
    )
    reference = f"{label} {invoice_number}" if invoice_number else f"{label} uden nummer"
    rows: list[dict[str, str | None]] = []
    for position, line in enumerate(lines, start=1):
        line_number = quantity = unit = amount = amount_currency = account = None
        item = None
        for child in line:
            tag = child.tag
            if tag == _ID:
                line_number = _text(child)
            elif tag == quantity_tag:
                quantity = _text(child)
                unit = _attribute(child, "unitCode")
            elif tag == _LINE_EXTENSION_AMOUNT:
                amount = _text(child)
                amount_currency = _attribute(child, "currencyID")
            elif tag == _ACCOUNTING_COST:
                account = _text(child)
            elif tag == _ITEM:
                item = child
        row = common.copy()
        (
            row["description"],
            row["item_number"],
            row["classification_code"],
            row["classification_scheme"],
            row["labels"],
        ) = _item_fields(item)
        row["line_number"] = line_number
        row["quantity"] = quantity
        row["unit"] = unit
        row["net_amount"] = _negate(amount) if credit else amount
        row["currency"] = currency or amount_currency
        row["account"] = account or document_account
        row["source_ref"] = f"{reference}, linje {line_number or position}"
        rows.append(row)
    for position, charge in enumerate(charges, start=1):
        rows.append(
            _charge_row(
                charge, position, common, credit, currency, document_account, reference, source
            )
        )
    return rows


def _charge_row(
    charge: etree._Element,
    position: int,
    common: dict[str, str | None],
    credit: bool,
    currency: str | None,
    document_account: str | None,
    reference: str,
    source: str,
) -> dict[str, str | None]:
    """A document-level allowance (negative) or charge (positive) as its own line.

    Line-level allowances and charges are already inside each line's LineExtensionAmount;
    document-level ones are not, and without them the imported spend would not add up to
    the invoice total.
    """
    indicator = amount = amount_currency = account = reason_code = None
    reasons: list[str] = []
    for child in charge:
        tag = child.tag
        if tag == _CHARGE_INDICATOR:
            indicator = (_text(child) or "").lower()
        elif tag == _AMOUNT:
            amount = _text(child)
            amount_currency = _attribute(child, "currencyID")
        elif tag == _ALLOWANCE_CHARGE_REASON:
            text = _clean(_text(child))
            if text:
                reasons.append(text)
        elif tag == _ALLOWANCE_CHARGE_REASON_CODE:
            reason_code = _text(child)
        elif tag == _ACCOUNTING_COST:
            account = _text(child)
    if indicator in ("true", "1"):
        is_charge = True
    elif indicator in ("false", "0"):
        is_charge = False
    else:
        raise UblError(
            f"{reference}: tillæg/fradrag nr. {position} på dokumentniveau har ingen gyldig "
            "ChargeIndicator (true/false), så det kan ikke afgøres, om beløbet skal lægges "
            "til eller trækkes fra.",
            source,
        )
    reason = " ".join(reasons) or reason_code
    kind = "Gebyr" if is_charge else "Rabat"
    signed = amount if is_charge else _negate(amount)
    row = common.copy()
    row.update(
        line_number=f"AC{position}",
        description=f"{kind}: {reason}" if reason else kind,
        net_amount=_negate(signed) if credit else signed,
        currency=currency or amount_currency,
        account=account or document_account,
        source_ref=f"{reference}, {kind.lower()} {position}",
    )
    return row
