"""Tables out of Omløb as CSV that opens cleanly in Danish Excel and cannot inject formulas."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """Text of a cell, with a leading apostrophe where a spreadsheet would start a formula.

    Numbers are left alone (a negative amount is not a formula); only text is guarded.
    """
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """Semicolon-separated UTF-8 with BOM: what Danish Excel opens without an import dialog."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def xlsx_bytes(
    header: Sequence[str], rows: Iterable[Sequence[object]], sheet: str = "Ark1"
) -> bytes:
    """An Excel workbook of one sheet, streamed (write-only), with every text cell guarded.

    Numbers stay numbers; text goes through :func:`safe_cell` so a cell that starts with
    "=", "+", "-" or "@" is shown as text and never evaluated as a formula.
    """
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(title=sheet[:31] or "Ark1")
    worksheet.append([safe_cell(h) for h in header])
    for row in rows:
        worksheet.append(
            [
                v if isinstance(v, int | float) and not isinstance(v, bool) else safe_cell(v)
                for v in row
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
