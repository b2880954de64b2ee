"""The normalised purchase line: the one shape every source is turned into.

A municipality's purchases arrive as financial-system exports (CSV/XLSX, each with its own
columns) and as e-invoices (OIOUBL, PEPPOL). Everything after import — classification,
footprint, organic share — reads only this shape, so a new source format is a new reader,
never a change downstream. Documented for users in ``docs/purchase-lines.md``.

Two layers:

* :data:`RAW_FIELDS` are the text fields a reader produces (one string or ``None`` per
  field and source row). Readers do not parse numbers or dates: the import pipeline does
  that in one vectorised pass, so every format gets the same validation and messages.
* :data:`LINE_SCHEMA` is the stored, typed line (Parquet, one immutable file per batch).
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

__all__ = [
    "CREDIT_NOTE",
    "FIELD_LABELS",
    "INVOICE",
    "LINE_SCHEMA",
    "RAW_FIELDS",
    "RawField",
]

#: ``document_type`` values a reader emits.
INVOICE = "invoice"
CREDIT_NOTE = "credit_note"


@dataclass(frozen=True)
class RawField:
    """One field of the raw line: its key, Danish label (used in messages) and meaning."""

    key: str
    label: str
    help: str


RAW_FIELDS: tuple[RawField, ...] = (
    RawField("invoice_number", "Fakturanummer", "the supplier's invoice or credit-note number"),
    RawField("line_number", "Linjenummer", "the line's number on the invoice"),
    RawField("invoice_date", "Fakturadato", "date of issue of the invoice"),
    RawField("posting_date", "Bogføringsdato", "date the municipality posted the line"),
    RawField("supplier_cvr", "Leverandør-CVR", "the supplier's Danish CVR number"),
    RawField("supplier_id", "Leverandør-id", "another supplier identifier (GLN, foreign VAT)"),
    RawField("supplier_name", "Leverandør", "the supplier's name"),
    RawField("buyer_ean", "EAN-nr.", "the receiving unit's EAN/GLN location number"),
    RawField("cost_centre", "Omkostningssted", "the cost centre the line is posted on"),
    RawField("account", "Art", "the account (art) or kontering string"),
    RawField("item_number", "Varenummer", "the supplier's item number (or GTIN)"),
    RawField("description", "Varetekst", "the line's text as the supplier wrote it"),
    RawField("classification_code", "Klassifikation", "UNSPSC or CPV code on the line"),
    RawField("classification_scheme", "Klassifikationssystem", "UNSPSC, CPV or another list"),
    RawField("quantity", "Antal", "quantity in the line's unit"),
    RawField("unit", "Enhed", "unit of the quantity (UN/ECE Rec 20 code or a Danish word)"),
    RawField("net_amount", "Beløb ekskl. moms", "net amount excluding VAT, original currency"),
    RawField("currency", "Valuta", "ISO 4217 currency of the amount (DKK when absent)"),
    RawField("document_type", "Bilagstype", "invoice or credit note"),
    RawField("labels", "Mærker", "free label text: certificates, item properties"),
)

FIELD_LABELS: dict[str, str] = {field.key: field.label for field in RAW_FIELDS}

#: The stored line. Amounts are decimals so that sums are exact and identical on every
#: engine; the original currency and amount are kept next to the DKK amount.
LINE_SCHEMA = pa.schema(
    [
        pa.field("organisation_id", pa.int64(), nullable=False),
        pa.field("batch_id", pa.int64(), nullable=False),
        pa.field("line_key", pa.int64(), nullable=False),
        pa.field("source_file", pa.string(), nullable=False),
        pa.field("source_ref", pa.string(), nullable=False),
        pa.field("invoice_number", pa.string()),
        pa.field("line_number", pa.string()),
        pa.field("invoice_date", pa.date32()),
        pa.field("posting_date", pa.date32()),
        pa.field("supplier_cvr", pa.string()),
        pa.field("supplier_id", pa.string()),
        pa.field("supplier_name", pa.string()),
        pa.field("buyer_ean", pa.string()),
        pa.field("cost_centre", pa.string()),
        pa.field("org_unit_id", pa.int64()),
        pa.field("account", pa.string()),
        pa.field("item_number", pa.string()),
        pa.field("description", pa.string()),
        pa.field("classification_code", pa.string()),
        pa.field("classification_scheme", pa.string()),
        pa.field("quantity", pa.float64()),
        pa.field("unit", pa.string()),
        pa.field("net_amount_dkk", pa.decimal128(18, 2), nullable=False),
        pa.field("currency", pa.string(), nullable=False),
        pa.field("amount_original", pa.decimal128(18, 2), nullable=False),
        pa.field("exchange_rate", pa.float64(), nullable=False),
        pa.field("credit_note", pa.bool_(), nullable=False),
        pa.field("labels", pa.string()),
    ]
)
