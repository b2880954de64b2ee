"""Read purchase lines of registered batches with DuckDB, scoped to one organisation.

Only registered batches are read (a file without its :class:`Batch` row does not exist for
the product), and units are resolved from EAN numbers and cost centres *now*, not as they
were at import: when a user attaches an unknown code to a unit, its lines follow at once,
although the Parquet files never change.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import duckdb

from omlob.core.purchase_import import unit_map_table
from omlob.core.valuesql import quote
from omlob.organisations.models import CostCentre, Organisation, UnitEAN
from omlob.spend import storage
from omlob.spend.models import Batch


def connect() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("SET threads = 2")
    return con


def _files(batches: Sequence[Batch]) -> list[str]:
    paths = [storage.absolute(b.lines_file) for b in batches]
    return [str(p) for p in paths if p.exists()]


def lines_view(
    con: duckdb.DuckDBPyConnection,
    org: Organisation,
    batches: Sequence[Batch] | None = None,
    name: str = "lines",
) -> bool:
    """Create view ``name`` over the organisation's lines; False when it has none."""
    if batches is None:
        batches = list(Batch.objects.filter(organisation=org))
    files = _files([b for b in batches if b.organisation_id == org.pk])
    if not files:
        return False
    ean_units, cost_centre_units = unit_codes(org)
    con.register(f"{name}_ean_map", unit_map_table(ean_units, "ean"))
    con.register(f"{name}_cc_map", unit_map_table(cost_centre_units, "code"))
    listing = "[" + ", ".join(quote(f) for f in files) + "]"
    con.execute(
        f"""
        CREATE OR REPLACE TEMP VIEW {name} AS
        SELECT l.* REPLACE (coalesce(em.unit_id, cm.unit_id) AS org_unit_id)
        FROM read_parquet({listing}) l
        LEFT JOIN {name}_ean_map em ON em.ean = l.buyer_ean
        LEFT JOIN {name}_cc_map cm ON cm.code = l.cost_centre
        WHERE l.organisation_id = {int(org.pk)}
        """
    )
    return True


def unit_codes(org: Organisation) -> tuple[dict[str, int], dict[str, int]]:
    """The organisation's EAN → unit and cost centre → unit tables as they are now."""
    return (
        dict(UnitEAN.objects.filter(organisation=org).values_list("ean", "unit_id")),
        dict(CostCentre.objects.filter(organisation=org).values_list("code", "unit_id")),
    )


@dataclass(frozen=True)
class UnmappedCode:
    code: str
    kind: str  # "ean" or "cost_centre"
    lines: int
    amount: Any
    suppliers: int


def unmapped_codes(org: Organisation) -> list[UnmappedCode]:
    """EAN numbers and cost centres on lines that match no unit, biggest spend first."""
    con = connect()
    try:
        if not lines_view(con, org):
            return []
        rows = con.execute(
            """
            SELECT coalesce(buyer_ean, cost_centre) AS code,
                   CASE WHEN buyer_ean IS NOT NULL THEN 'ean' ELSE 'cost_centre' END,
                   count(*), sum(net_amount_dkk),
                   count(DISTINCT coalesce(supplier_cvr, supplier_name))
            FROM lines
            WHERE org_unit_id IS NULL AND coalesce(buyer_ean, cost_centre) IS NOT NULL
            GROUP BY 1, 2 ORDER BY 4 DESC NULLS LAST, 1
            """
        ).fetchall()
    finally:
        con.close()
    return [UnmappedCode(*row) for row in rows]


LINE_COLUMNS = (
    "source_ref",
    "invoice_number",
    "invoice_date",
    "posting_date",
    "supplier_name",
    "supplier_cvr",
    "buyer_ean",
    "cost_centre",
    "org_unit_id",
    "account",
    "item_number",
    "description",
    "classification_code",
    "quantity",
    "unit",
    "net_amount_dkk",
    "currency",
    "amount_original",
    "credit_note",
)


def batch_lines(
    batch: Batch, *, offset: int = 0, limit: int = 50, search: str = ""
) -> tuple[int, list[dict[str, Any]]]:
    """A page of a batch's lines (with units resolved now) and the total count."""
    con = connect()
    try:
        if not lines_view(con, batch.organisation, [batch]):
            return 0, []
        where = "TRUE"
        params: list[Any] = []
        if search:
            where = "(description ILIKE ? OR supplier_name ILIKE ? OR invoice_number ILIKE ?)"
            like = f"%{search}%"
            params = [like, like, like]
        total = con.execute(f"SELECT count(*) FROM lines WHERE {where}", params).fetchone()
        # The line's classification, when the batch has been classified.
        result = storage.classified_path(batch.organisation_id, batch.pk)
        joined, extra = "", ""
        if result.exists():
            joined = (
                f" LEFT JOIN read_parquet({quote(str(result))}, hive_partitioning = false) c"
                " USING (line_key)"
            )
            extra = ", c.unspsc, c.product, c.confidence, c.quality, c.labels AS found_labels"
        cursor = con.execute(
            f"SELECT lines.line_key, {', '.join('lines.' + c for c in LINE_COLUMNS)}{extra} "
            f"FROM lines{joined} "
            f"WHERE {where} ORDER BY source_file, source_ref "
            f"LIMIT {int(limit)} OFFSET {int(offset)}",
            params,
        )
        names = [d[0] for d in cursor.description]
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    finally:
        con.close()
    return (total[0] if total else 0), rows


def batch_rejects(
    batch: Batch, *, kind: str = "invalid", offset: int = 0, limit: int | None = 50
) -> tuple[int, list[dict[str, Any]]]:
    """A page of a batch's rejected rows (``kind`` "invalid") or duplicates ("duplicate")."""
    path = storage.absolute(batch.rejects_file)
    if not path.exists():
        return 0, []
    con = connect()
    try:
        source = f"read_parquet({quote(str(path))})"
        total = con.execute(f"SELECT count(*) FROM {source} WHERE kind = ?", [kind]).fetchone()
        page = f" LIMIT {int(limit)} OFFSET {int(offset)}" if limit is not None else ""
        cursor = con.execute(
            f"SELECT * FROM {source} WHERE kind = ? ORDER BY file_idx, rn{page}", [kind]
        )
        names = [d[0] for d in cursor.description]
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    finally:
        con.close()
    return (total[0] if total else 0), rows


def reason_text(errors: Sequence[dict[str, Any]] | None) -> str:
    """All reasons of one row as one readable Danish text (the download's reason column)."""
    parts = []
    for error in errors or []:
        where = error.get("column")
        value = error.get("value")
        text = error.get("message") or ""
        if where:
            text = f"{where}: {text}"
        if value:
            text += f" (værdi: {value!r})"
        parts.append(text)
    return " | ".join(parts)


def rejects_table(batch: Batch) -> tuple[list[str], list[list[Any]]]:
    """The rejected rows as the original cells plus row and reason, for download."""
    _total, rows = batch_rejects(batch, kind="invalid", limit=None)
    files = batch.details.get("files", [])
    headers = [f.get("header") or [] for f in files]
    same = len({tuple(h) for h in headers}) <= 1
    width = max((len(r.get("original") or []) for r in rows), default=0)
    if same and headers and headers[0]:
        original_header = list(headers[0])
    else:
        original_header = [f"Kolonne {i + 1}" for i in range(width)]
    header = ["Fil", "Række", "Fejl", *original_header]
    out = []
    for row in rows:
        original = list(row.get("original") or [])
        out.append([row["source_file"], row["ref"], reason_text(row["errors"]), *original])
    return header, out
