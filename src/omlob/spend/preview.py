"""What the import will make of the first rows, shown next to the column choices.

The preview runs the real pipeline on the file's first rows, so what the user sees ("1.234,50-"
→ -1234.50, "31-02-2025" → error) is exactly what the import will do, not an approximation.
"""

from __future__ import annotations

import csv
import io
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from omlob.core.fieldmapping import REQUIRED_GROUPS, MappingError
from omlob.core.purchase_import import ImportOptions, PurchaseImport
from omlob.core.purchase_sources import inspect

#: Which staged column shows the parsed value of a field.
PARSED = {"net_amount": "amount_original", "document_type": "credit_note"}


@dataclass(frozen=True)
class Cell:
    raw: str
    parsed: Any
    error: str


def preview(
    header: list[str],
    rows: list[list[str]],
    mapping: dict[str, int],
    *,
    currency: str = "DKK",
    decimal: str | None = None,
) -> list[list[Cell]]:
    """For each preview row, one Cell per column: raw text, parsed value, reason if refused."""
    if not rows:
        return []
    by_column = {column: field for field, column in mapping.items()}
    # While the user is still choosing, required fields may be missing; stand-in columns
    # (never shown) let the columns chosen so far be read exactly as the import will.
    width = len(header)
    stand_ins = {"net_amount": "0", "posting_date": "01-01-2000", "supplier_name": "-"}
    full = dict(mapping)
    header = list(header)
    rows = [list(r) for r in rows]
    for group, (key, value) in zip(REQUIRED_GROUPS, stand_ins.items(), strict=True):
        if not any(field in full for field in group):
            full[key] = len(header)
            header.append(f"__{key}")
            for row in rows:
                row.append(value)
    mapping = full
    with tempfile.TemporaryDirectory(prefix="omlob-preview-") as folder:
        path = Path(folder) / "preview.csv"
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";", lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
        path.write_text(buffer.getvalue(), encoding="utf-8")
        info = inspect(path, "preview.csv")
        if len(info.header) != len(header):
            return []
        options = ImportOptions(currency=currency or "DKK", decimal=decimal or None, threads=1)
        with PurchaseImport(Path(folder) / "work", options) as imp:
            try:
                imp.add(path, "preview.csv", info, mapping)
            except MappingError:
                return []
            cursor = imp.con.execute("SELECT * FROM staged ORDER BY rn")
            names = [d[0] for d in cursor.description]
            staged = [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]
    result = []
    for values, row in zip(rows, staged, strict=False):
        errors: dict[str, list[str]] = {}
        for error in row.get("errors") or []:
            errors.setdefault(error.get("field") or "", []).append(error.get("message") or "")
        cells = []
        for column, raw in enumerate(values[:width]):
            field = by_column.get(column)
            if field is None:
                cells.append(Cell(raw, None, ""))
                continue
            parsed = row.get(PARSED.get(field, field))
            cells.append(Cell(raw, parsed, " ".join(errors.get(field, []))))
        result.append(cells)
    return result
