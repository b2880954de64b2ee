"""Which column of a purchase export holds which field of the normalised line.

Every financial system names its columns differently ("Beløb ekskl. moms", "Nettobeløb",
"Net Amount", "Amount"), so the importer suggests a mapping from the header and the user
confirms it once; the confirmed mapping is saved as a profile and found again by the
header's fingerprint, so the next monthly export from the same system imports with no
questions. The synonyms are ordered: when two columns could be the same field (a UK file
has both "Expense Area" and "Service Area"), the one whose name comes first in the list wins.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from omlob.core.lineschema import FIELD_LABELS
from omlob.core.tabular import normalise_header

__all__ = [
    "DATE_FIELDS",
    "REQUIRED_GROUPS",
    "SYNONYMS",
    "MappingError",
    "header_key",
    "missing_required",
    "suggest_mapping",
    "validate_mapping",
]

#: Column names per field, best first. Matched after :func:`normalise_header`, so case,
#: spaces, dots and dashes do not matter.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "invoice_number": (
        "Fakturanr",
        "Fakturanummer",
        "Faktura nr",
        "Bilagsnr",
        "Bilagsnummer",
        "Bilag",
        "Kreditnotanr",
        "Eksternt bilagsnr",
        "Eksternt bilagsnummer",
        "Eksternt dokumentnr",
        "Invoice number",
        "Invoice no",
        "Invoice",
        "Document number",
        "Transaction number",
        "Transaction no",
        "Trans no",
        "Internal Ref Number",
        "Reference",
    ),
    "line_number": (
        "Linjenr",
        "Linjenummer",
        "Linje",
        "Position",
        "Line number",
        "Line no",
        "Line",
    ),
    "invoice_date": (
        "Fakturadato",
        "Bilagsdato",
        "Dokumentdato",
        "Udstedelsesdato",
        "Invoice date",
        "Issue date",
        "Document date",
    ),
    "posting_date": (
        "Bogføringsdato",
        "Bogf dato",
        "Bogført",
        "Posteringsdato",
        "Betalingsdato",
        "Dato",
        "Posting date",
        "Payment date",
        "Paid date",
        "Invoice payment date",
        "Transaction date",
        "Date",
    ),
    "supplier_cvr": (
        "CVR",
        "CVR-nr",
        "CVR nummer",
        "CVR-nummer",
        "Leverandør CVR",
        "Leverandør-CVR",
        "Kreditor CVR",
        "SE-nr",
        "Supplier CVR",
        "Supplier VAT",
        "VAT number",
        "VAT Registration Number",
    ),
    "supplier_id": (
        "Leverandørnr",
        "Leverandør nr",
        "Kreditornr",
        "Kreditornummer",
        "Leverandør-id",
        "Supplier ID",
        "Supplier number",
        "Vendor ID",
        "Vendor number",
    ),
    "supplier_name": (
        "Leverandør",
        "Leverandørnavn",
        "Leverandør navn",
        "Kreditor",
        "Kreditornavn",
        "Firmanavn",
        "Supplier",
        "Supplier name",
        "Supplier(Beneficiary) Name",
        "Beneficiary",
        "Vendor",
        "Vendor name",
        "Merchant",
    ),
    "buyer_ean": (
        "EAN",
        "EAN-nr",
        "EAN nummer",
        "EAN-nummer",
        "EAN lokationsnummer",
        "GLN",
        "GLN-nr",
        "GLN nummer",
        "Lokationsnummer",
        "Lokationsnr",
        "Modtager EAN",
        "Buyer EAN",
        "Buyer GLN",
    ),
    "cost_centre": (
        "Omkostningssted",
        "Omk.sted",
        "Omkostningsted",
        "Omksted",
        "Costcenter",
        "Cost centre",
        "Cost center",
        "Enhed nr",
        "Afdeling",
        "Sted",
        "Service area",
        "Organisational unit",
        "Expense area",
        "Service label",
    ),
    "account": (
        "Art",
        "Artskonto",
        "Kontonr",
        "Konto",
        "Kontering",
        "Finanskonto",
        "PSP",
        "Account",
        "GL account",
        "Expense type",
        "Expenses type",
        "Expenditure category",
        "Expense code",
        "Expenditure code",
        "Merchant category",
    ),
    "item_number": (
        "Varenr",
        "Varenummer",
        "Vare nr",
        "Artikelnr",
        "Produktnr",
        "Materiale",
        "Materialenr",
        "Materialenummer",
        "Item number",
        "Item no",
        "Item",
        "Product number",
        "SKU",
        "GTIN",
        "Nummer",
    ),
    "description": (
        "Varetekst",
        "Varebeskrivelse",
        "Beskrivelse",
        "Tekst",
        "Linjetekst",
        "Posteringstekst",
        "Fakturatekst",
        "Ydelse",
        "Description",
        "Item description",
        "Line description",
        "Narrative",
        "Extended description",
        "Purpose of spend",
        "Details",
    ),
    "classification_code": (
        "UNSPSC",
        "UNSPSC-kode",
        "UNSPSC kode",
        "CPV",
        "CPV-kode",
        "Varegruppe",
        "Klassifikation",
        "Classification",
        "Classification code",
        "Commodity code",
        "Proclass",
    ),
    "classification_scheme": ("Klassifikationssystem", "Kodesystem", "Classification scheme"),
    "quantity": ("Antal", "Mængde", "Kvantum", "Qty", "Quantity"),
    "unit": ("Enhed", "Enhedskode", "Måleenhed", "Unit", "UOM", "Unit of measure"),
    "net_amount": (
        "Beløb ekskl moms",
        "Beløb ekskl. moms",
        "Beløb eksl moms",
        "Nettobeløb",
        "Netto",
        "Beløb excl moms",
        "Linjebeløb",
        "Beløb",
        "Beløb DKK",
        "Net amount",
        "Amount excl VAT",
        "Net",
        "Amount",
        "Value",
    ),
    "currency": ("Valuta", "Valutakode", "Transaktionsvaluta", "Currency", "Currency code"),
    "document_type": (
        "Bilagstype",
        "Bilagsart",
        "Dokumenttype",
        "Dokumentart",
        "D/K",
        "Debet/Kredit",
        "Type",
        "Document type",
        "Debit/Credit",
    ),
    "labels": ("Mærker", "Mærkning", "Certificering", "Labels", "Certificates"),
}

#: Groups of fields of which at least one must be mapped for a usable line.
REQUIRED_GROUPS: tuple[tuple[str, ...], ...] = (
    ("net_amount",),
    ("invoice_date", "posting_date"),
    ("supplier_name", "supplier_cvr"),
)

DATE_FIELDS = ("invoice_date", "posting_date")

# A column whose name starts with an amount synonym but goes on to say "including VAT"
# ("Beløb inkl. moms", "Amount incl VAT") or names the VAT itself ("Beløb moms") holds
# another amount; a wrong automatic choice there would overstate spend by a quarter.
_NOT_NET = ("inkl", "incl", "brutto", "gross", "total")
_VAT = ("moms", "vat", "tax")
_EXCLUSIVE = ("ekskl", "eksl", "excl", "uden", "without", "ex")

_LOOKUP: dict[str, tuple[str, int]] = {}
for _field, _names in SYNONYMS.items():
    for _rank, _name in enumerate(_names):
        _LOOKUP.setdefault(normalise_header(_name), (_field, _rank))


class MappingError(ValueError):
    """A mapping that cannot be used; ``message`` is Danish."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Suggestion:
    """The suggested field for one column, or None, with the evidence."""

    column: int
    header: str
    field: str | None


def header_key(header: Sequence[str]) -> str:
    """Fingerprint of a header row, so a saved profile is found when the same export returns.

    Normalised names in order: a renamed or reordered column gives a new key, which is
    right, because the old mapping would then point at the wrong column.
    """
    text = "\x1f".join(normalise_header(name) for name in header)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def suggest_mapping(header: Sequence[str]) -> dict[str, int]:
    """Suggest ``{field: column index}`` from column names, each field and column used once.

    Exact (normalised) synonym matches are taken best-rank first; a column name that merely
    starts with a synonym ("Beløb ekskl. moms DKK") counts after all exact matches.
    """
    candidates: list[tuple[int, int, int, str]] = []  # (quality, rank, column, field)
    for column, name in enumerate(header):
        key = normalise_header(name)
        if not key:
            continue
        if key in _LOOKUP:
            field, rank = _LOOKUP[key]
            candidates.append((0, rank, column, field))
            continue
        for synonym, (field, rank) in _LOOKUP.items():
            if len(synonym) >= 4 and key.startswith(synonym):
                if field == "net_amount" and not _plain_amount(key[len(synonym) :]):
                    continue
                candidates.append((1, rank, column, field))
    chosen: dict[str, int] = {}
    used: set[int] = set()
    for _quality, _rank, column, field in sorted(candidates):
        if field in chosen or column in used:
            continue
        chosen[field] = column
        used.add(column)
    return chosen


def _plain_amount(rest: str) -> bool:
    """True when the words after an amount synonym do not make it a gross or VAT amount."""
    if any(word in rest for word in _NOT_NET):
        return False
    return not any(word in rest for word in _VAT) or any(word in rest for word in _EXCLUSIVE)


def missing_required(mapping: Mapping[str, int]) -> list[str]:
    """Danish descriptions of the required field groups the mapping does not cover."""
    missing = []
    for group in REQUIRED_GROUPS:
        if not any(field in mapping for field in group):
            missing.append(" eller ".join(FIELD_LABELS[field] for field in group))
    return missing


def validate_mapping(mapping: Mapping[str, int], width: int) -> dict[str, int]:
    """Check a user's mapping against the file: known fields, existing and unshared columns."""
    clean: dict[str, int] = {}
    owners: dict[int, str] = {}
    for field, column in mapping.items():
        if field not in FIELD_LABELS:
            raise MappingError(f"Feltet {field!r} findes ikke i linjeformatet.")
        if isinstance(column, bool) or not isinstance(column, int) or not 0 <= column < width:
            raise MappingError(
                f"{FIELD_LABELS[field]} peger på kolonne {column}, men filen har {width} kolonner."
            )
        if column in owners:
            raise MappingError(
                f"Kolonne {column + 1} er valgt til både {FIELD_LABELS[owners[column]]} og "
                f"{FIELD_LABELS[field]}. En kolonne kan kun bruges til ét felt."
            )
        owners[column] = field
        clean[field] = column
    missing = missing_required(clean)
    if missing:
        raise MappingError("Vælg en kolonne til " + "; ".join(missing) + ".")
    return clean
