"""Master data that makes classification better: a supplier's product file and trade codes.

A supplier's product file (varekatalog) says per item number what the item is and which
labels it carries ("Øko", "Svanemærket", an Ecology column), so an invoice line that only
says "Varenr. 4711" still gets its text and its organic label. Supplier trade codes
(NACE/DB07 from the CVR register) let a line with no useful text fall back on the
supplier's trade. Both are read from CSV or XLSX with the header found below title rows,
and either land whole or not at all.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from omlob.classification.models import ItemMaster, SupplierTrade
from omlob.core.tabular import Table, TableError, column_letter, normalise_header, read_table
from omlob.organisations.models import Organisation

ITEM_COLUMNS = {
    "item_number": ("varenr", "varenummer", "itemnumber", "itemno", "artikelnr", "sku", "nr"),
    "description": ("beskrivelse", "varetekst", "varenavn", "tekst", "description", "navn"),
    "labels": ("mærker", "mærke", "labels", "certificering", "miljømærke", "ecology", "øko"),
}
TRADE_COLUMNS = {
    "cvr": ("cvr", "cvrnr", "cvrnummer", "leverandørcvr"),
    "name": ("navn", "leverandør", "leverandørnavn", "name", "supplier"),
    "nace": ("branchekode", "db07", "nace", "branche", "industrycode"),
}
#: Values of a yes/no "Ecology"/"Øko" column that mean organic.
_YES = {"1", "ja", "j", "x", "yes", "y", "true", "øko", "økologisk"}


@dataclass
class Loaded:
    created: int
    updated: int


def _upsert(
    queryset: Any,
    key: str,
    rows: dict[str, tuple[str, str]],
    fields: tuple[str, str],
    build: Callable[[str, tuple[str, str]], Any],
) -> Loaded:
    """Create the rows that are new and update those whose fields changed, in one go."""
    with transaction.atomic():
        existing = {getattr(obj, key): obj for obj in queryset}
        new = [build(k, values) for k, values in rows.items() if k not in existing]
        changed = []
        for k, values in rows.items():
            obj = existing.get(k)
            if obj is not None and tuple(getattr(obj, f) for f in fields) != values:
                for name, value in zip(fields, values, strict=True):
                    setattr(obj, name, value)
                changed.append(obj)
        queryset.model.objects.bulk_create(new, batch_size=1000)
        queryset.model.objects.bulk_update(changed, list(fields), batch_size=1000)
    return Loaded(len(new), len(changed))


def _columns(table: Table, wanted: dict[str, tuple[str, ...]], required: tuple[str, ...]) -> dict:
    keys = [normalise_header(h) for h in table.header]
    found: dict[str, int] = {}
    for field, names in wanted.items():
        for index, key in enumerate(keys):
            if key in names and index not in found.values():
                found[field] = index
                break
    missing = [f for f in required if f not in found]
    if missing:
        labels = {
            "item_number": "varenummer",
            "cvr": "CVR-nummer",
            "nace": "branchekode",
            "description": "beskrivelse",
        }
        raise TableError(
            "Filen mangler kolonnen "
            + " og ".join(f"«{labels.get(m, m)}»" for m in missing)
            + f". Fundne kolonner: {', '.join(table.header)}."
        )
    return found


def load_items(org: Organisation, supplier_cvr: str, data: bytes, name: str) -> Loaded:
    """A supplier's product file: item number, description and labels per item."""
    cvr = "".join(c for c in supplier_cvr if c.isdigit())
    if len(cvr) != 8:
        raise TableError("Angiv leverandørens CVR-nummer (8 cifre).")
    table = read_table(data, name, expected_headers=[n for v in ITEM_COLUMNS.values() for n in v])
    columns = _columns(table, ITEM_COLUMNS, ("item_number",))
    rows: dict[str, tuple[str, str]] = {}
    for index, row in enumerate(table.rows):
        number = row[columns["item_number"]].strip()
        if not number:
            raise TableError(
                f"Række {table.row_number(index)}, kolonne "
                f"{column_letter(columns['item_number'])}: varenummeret mangler."
            )
        text = row[columns["description"]].strip() if "description" in columns else ""
        label = row[columns["labels"]].strip() if "labels" in columns else ""
        if label.lower() in _YES:
            label = "økologisk"
        elif label.lower() in {"0", "nej", "n", "no", "false", "konv", "konventionel"}:
            label = ""
        rows[number[:100]] = (text[:300], label[:300])
    return _upsert(
        ItemMaster.objects.filter(organisation=org, supplier_cvr=cvr),
        "item_number",
        rows,
        ("description", "labels"),
        lambda number, values: ItemMaster(
            organisation=org,
            supplier_cvr=cvr,
            item_number=number,
            description=values[0],
            labels=values[1],
        ),
    )


def load_trades(org: Organisation, data: bytes, name: str) -> Loaded:
    """Suppliers' trade codes: CVR, name and NACE/DB07 code per supplier."""
    table = read_table(data, name, expected_headers=[n for v in TRADE_COLUMNS.values() for n in v])
    columns = _columns(table, TRADE_COLUMNS, ("cvr", "nace"))
    rows: dict[str, tuple[str, str]] = {}
    for index, row in enumerate(table.rows):
        cvr = "".join(c for c in row[columns["cvr"]] if c.isdigit())
        nace = row[columns["nace"]].strip()
        where = f"Række {table.row_number(index)}"
        if len(cvr) != 8:
            raise TableError(
                f"{where}, kolonne {column_letter(columns['cvr'])}: CVR-nummeret "
                f"«{row[columns['cvr']]}» har ikke 8 cifre."
            )
        if not any(c.isdigit() for c in nace):
            raise TableError(
                f"{where}, kolonne {column_letter(columns['nace'])}: branchekoden "
                f"«{nace}» er ikke en NACE/DB07-kode."
            )
        label = row[columns["name"]].strip() if "name" in columns else ""
        rows[cvr] = (label[:200], nace[:10])
    return store_trades(org, rows)


def store_trades(org: Organisation, rows: dict[str, tuple[str, str]]) -> Loaded:
    """Save CVR → (name, NACE) for the organisation: new ones created, changed ones updated."""
    return _upsert(
        SupplierTrade.objects.filter(organisation=org),
        "cvr",
        rows,
        ("name", "nace"),
        lambda cvr, values: SupplierTrade(
            organisation=org, cvr=cvr, name=values[0], nace=values[1]
        ),
    )
