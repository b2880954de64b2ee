"""The purchase-line import pipeline: raw rows in, one immutable Parquet file of lines out.

Why it is shaped like this:

* **One vectorised pass per file** (DuckDB SQL over an Arrow stream) parses amounts and dates,
  checks CVR and EAN check digits, unit codes and currencies, converts to DKK and collects
  every reason a row fails. A million lines take seconds and memory stays bounded, because
  DuckDB works in a small on-disk database with a memory limit and spills when it must.
* **Nothing is dropped.** A row that fails is kept with each reason (row, column, value,
  Danish message) and its original cells, and written to the batch's quarantine file.
* **Nothing is doubled.** Each line gets a key from its content plus its occurrence number
  within its file (two identical lines on one invoice are two lines; the same line in two
  overlapping exports is one). Keys already in the organisation's registered batches, or
  earlier in the same batch, are reported as duplicates and not stored again.
* **Atomic.** The lines are written to a temporary file and renamed into place; the caller
  registers the batch in the database afterwards, in one transaction. Until then nothing
  reads the file, so a killed import leaves nothing visible (see ``docs/import.md``).

No Django here: the caller passes the organisation's lookups (EAN and cost-centre → unit, the
line files of its registered batches) and registers the result.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from omlob.core import currency as rates_module
from omlob.core import units as units_module
from omlob.core.fieldmapping import validate_mapping
from omlob.core.lineschema import CREDIT_NOTE, FIELD_LABELS, LINE_SCHEMA, RAW_FIELDS
from omlob.core.purchase_sources import UBL, SourceInfo, row_batches
from omlob.core.tabular import column_letter
from omlob.core.valuesql import (
    AMOUNT_EXAMPLE,
    amount_sql,
    cvr_error_sql,
    cvr_sql,
    date_sql,
    decimal_votes_sql,
    ean_ok_sql,
    foreign_vat_sql,
    quote,
    text_sql,
)

__all__ = ["ImportOptions", "ImportResult", "Lookups", "PurchaseImport"]

ProgressFn = Callable[[str, float], None]

#: Words that mark a credit note in a "document type" column.
CREDIT_WORDS = (
    "kreditnota", "kreditnotaer", "kredit", "kreditering", "creditnote", "credit", "credit_note",
    "kn", "cn", "kr.nota", "krnota",
)
#: A line in a foreign currency may use an ECB rate at most this many days old.
RATE_MAX_AGE_DAYS = 14
#: Rows used to decide a column's decimal separator.
DECIMAL_SAMPLE_ROWS = 50_000

def _c1_maps() -> tuple[str, str]:
    """Windows-1252 bytes 0x80–0x9F read as Latin-1 become C1 controls; map them back."""
    src, dst = [], []
    for byte in range(0x80, 0xA0):
        try:
            dst.append(bytes([byte]).decode("cp1252"))
        except UnicodeDecodeError:
            continue
        src.append(chr(byte))
    return "".join(src), "".join(dst)


_C1_SRC, _C1_DST = _c1_maps()


@dataclass(frozen=True)
class ImportOptions:
    """Choices that hold for a whole import (a profile or the CLI sets them)."""

    currency: str = "DKK"
    decimal: str | None = None  # "," or "."; None = decide from the column
    memory_limit: str = "700MB"
    threads: int = 2
    zip_limits: Mapping[str, float] = field(default_factory=dict)


@dataclass
class Lookups:
    """What the pipeline needs from the database, passed in so the core has no Django."""

    organisation_id: int
    ean_units: Mapping[str, int] = field(default_factory=dict)
    cost_centre_units: Mapping[str, int] = field(default_factory=dict)
    line_files: Sequence[Path] = ()


@dataclass
class ImportResult:
    """Counts and facts about one finished import, as shown in the UI, CLI and API."""

    accepted: int
    rejected: int
    duplicates: int
    unmapped_units: int
    unmapped_lines: int
    total_dkk: Decimal
    first_date: date | None
    last_date: date | None
    files: list[dict[str, Any]]
    seconds: float = 0.0

    def summary(self) -> dict[str, Any]:
        return {
            "accepted": self.accepted,
            "rejected": self.rejected,
            "duplicates": self.duplicates,
            "unmapped_units": self.unmapped_units,
            "unmapped_lines": self.unmapped_lines,
            "total_dkk": str(self.total_dkk),
            "first_date": self.first_date.isoformat() if self.first_date else None,
            "last_date": self.last_date.isoformat() if self.last_date else None,
        }


_STAGED_COLUMNS = """
    file_idx INTEGER, source_file VARCHAR, rn BIGINT, ref VARCHAR,
    invoice_number VARCHAR, line_number VARCHAR, invoice_date DATE, posting_date DATE,
    supplier_cvr VARCHAR, supplier_id VARCHAR, supplier_name VARCHAR, buyer_ean VARCHAR,
    cost_centre VARCHAR, account VARCHAR, item_number VARCHAR, description VARCHAR,
    classification_code VARCHAR, classification_scheme VARCHAR, quantity DOUBLE, unit VARCHAR,
    net_amount_dkk DECIMAL(18,2), currency VARCHAR, amount_original DECIMAL(18,2),
    exchange_rate DOUBLE, credit_note BOOLEAN, labels VARCHAR, content_key UBIGINT,
    errors STRUCT(field VARCHAR, "column" VARCHAR, value VARCHAR, message VARCHAR)[],
    original VARCHAR[]
"""


class PurchaseImport:
    """Stage one or more files, then write the batch; use as a context manager."""

    def __init__(
        self, workdir: Path, options: ImportOptions | None = None, progress: ProgressFn | None = None
    ) -> None:
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.options = options or ImportOptions()
        self._progress = progress
        self._started = time.monotonic()
        self.con = duckdb.connect(str(self.workdir / "stage.duckdb"))
        self.con.execute(f"SET memory_limit = {quote(self.options.memory_limit)}")
        self.con.execute(f"SET threads = {int(self.options.threads)}")
        self.con.execute(f"SET temp_directory = {quote(str(self.workdir / 'spill'))}")
        self.con.execute("SET preserve_insertion_order = false")
        self.con.execute(f"CREATE TABLE staged ({_STAGED_COLUMNS})")
        self.con.register("unit_aliases", units_module.unit_alias_table())
        self.con.register("rates", rates_module.load_rates())
        self.files: list[dict[str, Any]] = []
        self.headers: list[list[str]] = []

    def __enter__(self) -> PurchaseImport:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        try:
            self.con.close()
        finally:
            for name in ("stage.duckdb", "stage.duckdb.wal"):
                (self.workdir / name).unlink(missing_ok=True)

    # --- progress --------------------------------------------------------------------

    def _report(self, stage: str, fraction: float) -> None:
        if self._progress:
            self._progress(stage, max(0.0, min(1.0, fraction)))

    def _run(self, sql: str, stage: str, start: float, end: float) -> None:
        """Run a statement while reporting DuckDB's own progress between start and end."""
        if not self._progress:
            self.con.execute(sql)
            return
        failure: list[BaseException] = []

        def work() -> None:
            try:
                self.con.execute(sql)
            except BaseException as exc:  # re-raised in the caller's thread
                failure.append(exc)

        thread = threading.Thread(target=work, daemon=True)
        thread.start()
        while thread.is_alive():
            thread.join(0.25)
            try:
                done = self.con.query_progress()
            except duckdb.Error:
                done = -1
            if done >= 0:
                self._report(stage, start + (end - start) * done / 100)
        if failure:
            raise failure[0]

    # --- staging ---------------------------------------------------------------------

    def add(
        self,
        path: Path,
        name: str,
        info: SourceInfo,
        mapping: Mapping[str, int] | None = None,
        *,
        share: tuple[float, float] = (0.0, 0.8),
    ) -> None:
        """Parse, check and stage one file with its column mapping (None for e-invoices)."""
        file_idx = len(self.files)
        if info.kind == UBL:
            columns = {f.key: f"c{index}" for index, f in enumerate(RAW_FIELDS)}
            labels = {key: FIELD_LABELS[key] for key in columns}
        else:
            assert mapping is not None
            mapping = validate_mapping(mapping, len(info.header))
            columns = {key: f"c{index}" for key, index in mapping.items()}
            labels = {
                key: f"kolonne {column_letter(index)} ({info.header[index]})"
                for key, index in mapping.items()
            }
        start, end = share
        done = {"value": 0.0}

        def source_progress(current: int, total: int) -> None:
            if total:
                done["value"] = current / total
                self._report(f"Læser {name}", start + (end - start) * done["value"])

        reader = row_batches(
            path,
            name,
            info,
            progress=source_progress,
            zip_limits=dict(self.options.zip_limits),
        )
        view = f"src_{file_idx}"
        self.con.register(view, reader)
        try:
            if info.kind == UBL:
                decimal = {"net_amount": ".", "quantity": "."}
            else:
                assert mapping is not None
                decimal = self._decimals(info, mapping)
            sql = self._stage_sql(view, file_idx, name, info, columns, labels, decimal)
            self._run(sql, f"Kontrollerer {name}", start, end)
        finally:
            self.con.unregister(view)
        self.files.append({"name": name, "kind": info.kind, "mapping": dict(mapping or {})})
        self.headers.append(list(info.header))

    def _decimals(self, info: SourceInfo, mapping: Mapping[str, int]) -> dict[str, str]:
        """Decide the decimal separator of the amount and quantity columns.

        Decided from the sample rows read when the file was inspected (the stream itself is
        read once), unless the user or profile chose: a column with "12,50" is comma-decimal,
        one with "1,234.50" point-decimal; with no evidence either way it does not matter.
        """
        result: dict[str, str] = {}
        for key in ("net_amount", "quantity"):
            if self.options.decimal:
                result[key] = self.options.decimal
                continue
            if key not in mapping or not info.sample:
                result[key] = ","
                continue
            index = mapping[key]
            values = pa.table({"v": [row[index] if index < len(row) else "" for row in info.sample]})
            self.con.register("decimal_sample", values)
            try:
                row = self.con.execute(f"SELECT {decimal_votes_sql('v')} FROM decimal_sample")
                comma, point = row.fetchone() or (0, 0)
            finally:
                self.con.unregister("decimal_sample")
            result[key] = "." if point > comma else ","
        return result

    def _stage_sql(
        self,
        view: str,
        file_idx: int,
        name: str,
        info: SourceInfo,
        columns: Mapping[str, str],
        labels: Mapping[str, str],
        decimal: Mapping[str, str],
    ) -> str:
        cp1252 = (info.encoding or "") == "cp1252"

        def raw(key: str) -> str:
            if key not in columns:
                return "NULL"
            text = text_sql(columns[key])
            if cp1252:
                text = f"translate({text}, {quote(_C1_SRC)}, {quote(_C1_DST)})"
            return text

        def col(key: str) -> str:
            return columns.get(key, "NULL")

        default_currency = quote(self.options.currency.upper())
        credit_words = "[" + ", ".join(quote(w) for w in CREDIT_WORDS) + "]"
        scheme_default = "'UNSPSC'"
        if "classification_code" in columns and info.kind != UBL:
            header = info.header[int(columns["classification_code"][1:])].lower()
            if "cpv" in header:
                scheme_default = "'CPV'"
        amount_col = col("net_amount")
        quantity_col = col("quantity")
        amount = (
            amount_sql(amount_col, decimal["net_amount"]) if amount_col != "NULL" else "NULL"
        )
        quantity = (
            amount_sql(quantity_col, decimal["quantity"], as_type="DOUBLE")
            if quantity_col != "NULL"
            else "NULL"
        )
        cvr_col = col("supplier_cvr")
        ean_col = col("buyer_ean")
        negate = "FALSE" if info.kind == UBL else "TRUE"
        width = len(info.header)
        original = "[" + ", ".join(f"c{index}" for index in range(width)) + "]"

        def err(key: str, condition: str, message: str) -> str:
            label = quote(labels.get(key, FIELD_LABELS.get(key, key)))
            value = raw(key) if key in columns else "NULL"
            return (
                f"CASE WHEN {condition} THEN {{'field': {quote(key)}, 'column': {label}, "
                f"'value': {value}, 'message': {message}}} END"
            )

        example = AMOUNT_EXAMPLE[decimal["net_amount"]]
        checks = [
            "CASE WHEN source_error IS NOT NULL THEN {'field': NULL, 'column': NULL, "
            "'value': NULL, 'message': source_error} END",
            err("net_amount", "raw_amount IS NULL", "'Beløbet mangler.'"),
            err(
                "net_amount",
                "raw_amount IS NOT NULL AND amount IS NULL",
                quote(f"Beløbet kan ikke læses som et tal (forventet fx {example})."),
            ),
            err(
                "invoice_date",
                "raw_invoice_date IS NOT NULL AND invoice_date IS NULL",
                "'Datoen kan ikke læses (brug fx 31-12-2025, 31.12.2025 eller 2025-12-31).'",
            ),
            err(
                "posting_date",
                "raw_posting_date IS NOT NULL AND posting_date IS NULL",
                "'Datoen kan ikke læses (brug fx 31-12-2025, 31.12.2025 eller 2025-12-31).'",
            ),
            err(
                "invoice_date" if "invoice_date" in columns else "posting_date",
                "raw_invoice_date IS NULL AND raw_posting_date IS NULL",
                "'Linjen har ingen dato.'",
            ),
            err(
                "supplier_name" if "supplier_name" in columns else "supplier_cvr",
                "supplier_name IS NULL AND raw_cvr IS NULL AND raw_supplier_id IS NULL",
                "'Leverandøren mangler (hverken navn eller CVR-nummer).'",
            ),
            err("supplier_cvr", "cvr_error IS NOT NULL", "cvr_error || '.'"),
            err(
                "buyer_ean",
                "raw_ean IS NOT NULL AND buyer_ean IS NULL",
                "'EAN-nummeret skal have 13 cifre med korrekt kontrolciffer.'",
            ),
            err(
                "quantity",
                "raw_quantity IS NOT NULL AND quantity IS NULL",
                "'Antallet kan ikke læses som et tal.'",
            ),
            err(
                "unit",
                "raw_unit IS NOT NULL AND unit_code IS NULL",
                "'Ukendt enhed: brug en UN/ECE-enhedskode (fx EA, KGM, LTR) eller et "
                "dansk ord som stk, kg, l.'",
            ),
            err(
                "currency",
                "NOT regexp_full_match(cur, '[A-Z]{3}')",
                "'Ukendt valutakode (brug ISO 4217, fx DKK, EUR, SEK).'",
            ),
            err(
                "currency",
                "regexp_full_match(cur, '[A-Z]{3}') AND rate IS NULL AND amount IS NOT NULL "
                "AND rate_day IS NOT NULL",
                "'Der findes ingen valutakurs for ' || cur || ' den ' || "
                "strftime(rate_day, '%d.%m.%Y') || '. Indlæs nyere kurser eller angiv "
                "beløbet i DKK.'",
            ),
        ]
        error_list = "list_filter([" + ", ".join(checks) + "], x -> x IS NOT NULL)"
        content = ", ".join(
            f"coalesce(CAST({expr} AS VARCHAR), '')"
            for expr in (
                "coalesce(supplier_cvr, lower(supplier_name), supplier_id)",
                "invoice_number",
                "line_number",
                "invoice_date",
                "posting_date",
                "amount",
                "cur",
                "description",
                "item_number",
                "quantity",
                "unit_code",
                "account",
                "cost_centre",
                "buyer_ean",
                "credit_note",
            )
        )
        return f"""
INSERT INTO staged BY NAME
SELECT {file_idx} AS file_idx, {quote(name)} AS source_file, rn,
  coalesce(ref, 'række ' || rn) AS ref,
  invoice_number, line_number, invoice_date, posting_date, supplier_cvr, supplier_id,
  supplier_name, buyer_ean, cost_centre, account, item_number, description,
  classification_code, classification_scheme, quantity, unit_code AS unit,
  CAST(round(signed_amount * coalesce(rate, 0), 2) AS DECIMAL(18,2)) AS net_amount_dkk,
  cur AS currency, signed_amount AS amount_original, rate AS exchange_rate, credit_note,
  labels,
  md5_number_lower(concat_ws('|', {content})) AS content_key,
  errs AS errors,
  CASE WHEN len(errs) > 0 THEN {original} END AS original
FROM (
  SELECT *, {error_list} AS errs,
    CASE WHEN credit_note AND {negate} AND amount > 0 THEN -amount ELSE amount END
      AS signed_amount
  FROM (
    SELECT p.*, u.code AS unit_code,
      CASE WHEN cur = 'DKK' THEN 1.0
           WHEN rate_day - r.rate_date <= {RATE_MAX_AGE_DAYS} THEN r.dkk_per_unit END AS rate
    FROM (
      SELECT *,
        coalesce(invoice_date, posting_date) AS rate_day
      FROM (
        SELECT rn, ref, source_error, {original_cols(width)},
          {raw("invoice_number")} AS invoice_number,
          {raw("line_number")} AS line_number,
          {raw("invoice_date")} AS raw_invoice_date,
          {date_sql(col("invoice_date"))} AS invoice_date,
          {raw("posting_date")} AS raw_posting_date,
          {date_sql(col("posting_date"))} AS posting_date,
          {raw("supplier_cvr")} AS raw_cvr,
          {cvr_sql(cvr_col) if cvr_col != "NULL" else "NULL"} AS supplier_cvr,
          {cvr_error_sql(cvr_col) if cvr_col != "NULL" else "NULL"} AS cvr_error,
          {raw("supplier_id")} AS raw_supplier_id,
          coalesce({raw("supplier_id")},
                   {foreign_vat_sql(cvr_col) if cvr_col != "NULL" else "NULL"}) AS supplier_id,
          {raw("supplier_name")} AS supplier_name,
          {raw("buyer_ean")} AS raw_ean,
          {ean_ok_sql(ean_col) if ean_col != "NULL" else "NULL"} AS buyer_ean,
          {raw("cost_centre")} AS cost_centre,
          {raw("account")} AS account,
          {raw("item_number")} AS item_number,
          {raw("description")} AS description,
          nullif(regexp_replace({raw("classification_code")}, '\\s', '', 'g'), '')
            AS classification_code,
          CASE WHEN {raw("classification_code")} IS NULL THEN NULL
               ELSE coalesce(upper({raw("classification_scheme")}), {scheme_default}) END
            AS classification_scheme,
          {raw("quantity")} AS raw_quantity,
          {quantity} AS quantity,
          {raw("unit")} AS raw_unit,
          {units_module.fold_unit_sql(raw("unit"))} AS unit_key,
          {raw("net_amount")} AS raw_amount,
          {amount} AS amount,
          coalesce(upper({raw("currency")}), {default_currency}) AS cur,
          coalesce(lower({raw("document_type")}) IN (SELECT unnest({credit_words}))
                   OR {raw("document_type")} = {quote(CREDIT_NOTE)}, FALSE) AS credit_note,
          {raw("labels")} AS labels
        FROM {view}
      )
      WHERE source_error IS NOT NULL OR coalesce({", ".join(
            f"c{i}" for i in range(width)) or "NULL"}) IS NOT NULL
    ) p
    ASOF LEFT JOIN rates r ON p.cur = r.currency AND p.rate_day >= r.rate_date
    LEFT JOIN unit_aliases u ON u.alias = p.unit_key
  )
)
"""

    # --- finishing -------------------------------------------------------------------

    def finish(
        self, lookups: Lookups, batch_id: int, lines_path: Path, rejects_path: Path
    ) -> ImportResult:
        """Drop duplicates, resolve units, write both files; the caller then registers."""
        con = self.con
        self._report("Finder dubletter", 0.82)
        con.execute(
            """
            CREATE TEMP TABLE keyed AS
            SELECT *, CASE WHEN occ = 1 THEN CAST(content_key >> 1 AS BIGINT)
                      ELSE CAST(md5_number_lower(content_key::VARCHAR || '#' || occ) >> 1
                                AS BIGINT) END AS line_key
            FROM (SELECT *, row_number() OVER (PARTITION BY file_idx, content_key ORDER BY rn)
                              AS occ
                  FROM staged WHERE len(errors) = 0)
            """
        )
        files = [str(p) for p in lookups.line_files if Path(p).exists()]
        if files:
            listing = "[" + ", ".join(quote(f) for f in files) + "]"
            con.execute(
                f"CREATE TEMP TABLE existing AS SELECT DISTINCT line_key, batch_id "
                f"FROM read_parquet({listing})"
            )
        else:
            con.execute("CREATE TEMP TABLE existing (line_key BIGINT, batch_id BIGINT)")
        con.register("ean_map", _map_table(lookups.ean_units, "ean"))
        con.register("cc_map", _map_table(lookups.cost_centre_units, "code"))
        con.execute(
            """
            CREATE TEMP TABLE marked AS
            SELECT k.*, e.batch_id AS duplicate_of,
                   (e.line_key IS NOT NULL
                    OR row_number() OVER (PARTITION BY k.line_key ORDER BY k.file_idx, k.rn) > 1)
                     AS duplicate,
                   coalesce(em.unit_id, cm.unit_id) AS org_unit_id
            FROM keyed k
            LEFT JOIN (SELECT line_key, min(batch_id) AS batch_id FROM existing GROUP BY 1) e
              ON e.line_key = k.line_key
            LEFT JOIN ean_map em ON em.ean = k.buyer_ean
            LEFT JOIN cc_map cm ON cm.code = k.cost_centre
            """
        )
        self._report("Skriver linjer", 0.88)
        columns = ", ".join(
            "ref AS source_ref" if f.name == "source_ref" else f'"{f.name}"'
            for f in LINE_SCHEMA
            if f.name not in ("organisation_id", "batch_id", "org_unit_id")
        )
        lines_tmp = lines_path.with_name(lines_path.name + ".tmp")
        lines_path.parent.mkdir(parents=True, exist_ok=True)
        con.execute(
            f"""
            COPY (
              SELECT CAST({int(lookups.organisation_id)} AS BIGINT) AS organisation_id,
                     CAST({int(batch_id)} AS BIGINT) AS batch_id,
                     CAST(org_unit_id AS BIGINT) AS org_unit_id, {columns}
              FROM marked WHERE NOT duplicate ORDER BY file_idx, rn
            ) TO {quote(str(lines_tmp))} (FORMAT parquet, COMPRESSION zstd)
            """
        )
        _fsync_rename(lines_tmp, lines_path)
        self._report("Skriver afviste rækker", 0.95)
        rejects_tmp = rejects_path.with_name(rejects_path.name + ".tmp")
        rejects_path.parent.mkdir(parents=True, exist_ok=True)
        con.execute(
            f"""
            COPY (
              SELECT 'invalid' AS kind, file_idx, source_file, rn, ref, errors, original,
                     NULL::BIGINT AS duplicate_of, invoice_number, supplier_name,
                     coalesce(invoice_date, posting_date) AS line_date,
                     amount_original, description
              FROM staged WHERE len(errors) > 0
              UNION ALL
              SELECT 'duplicate', file_idx, source_file, rn, ref,
                     [{{'field': NULL, 'column': NULL, 'value': NULL,
                        'message': CASE WHEN duplicate_of IS NOT NULL
                          THEN 'Linjen er allerede importeret (batch ' || duplicate_of || ').'
                          ELSE 'Linjen står allerede tidligere i denne import.' END}}],
                     NULL, duplicate_of, invoice_number, supplier_name,
                     coalesce(invoice_date, posting_date), amount_original, description
              FROM marked WHERE duplicate
              ORDER BY 1 DESC, 2, 4
            ) TO {quote(str(rejects_tmp))} (FORMAT parquet, COMPRESSION zstd)
            """
        )
        _fsync_rename(rejects_tmp, rejects_path)
        row = con.execute(
            """
            SELECT count(*) FILTER (WHERE NOT duplicate),
                   count(*) FILTER (WHERE duplicate),
                   coalesce(sum(net_amount_dkk) FILTER (WHERE NOT duplicate), 0),
                   min(coalesce(invoice_date, posting_date)) FILTER (WHERE NOT duplicate),
                   max(coalesce(invoice_date, posting_date)) FILTER (WHERE NOT duplicate),
                   count(DISTINCT coalesce(buyer_ean, cost_centre))
                     FILTER (WHERE NOT duplicate AND org_unit_id IS NULL
                             AND coalesce(buyer_ean, cost_centre) IS NOT NULL),
                   count(*) FILTER (WHERE NOT duplicate AND org_unit_id IS NULL
                             AND coalesce(buyer_ean, cost_centre) IS NOT NULL)
            FROM marked
            """
        ).fetchone()
        assert row is not None
        rejected = con.execute("SELECT count(*) FROM staged WHERE len(errors) > 0").fetchone()
        per_file = con.execute(
            "SELECT file_idx, count(*), count(*) FILTER (WHERE len(errors) > 0) FROM staged "
            "GROUP BY 1"
        ).fetchall()
        counts = {idx: (total, bad) for idx, total, bad in per_file}
        for idx, info in enumerate(self.files):
            total, bad = counts.get(idx, (0, 0))
            info["rows"] = total
            info["rejected"] = bad
            info["header"] = self.headers[idx]
        self._report("Færdig", 1.0)
        return ImportResult(
            accepted=row[0],
            rejected=rejected[0] if rejected else 0,
            duplicates=row[1],
            unmapped_units=row[5],
            unmapped_lines=row[6],
            total_dkk=Decimal(row[2]),
            first_date=row[3],
            last_date=row[4],
            files=self.files,
            seconds=time.monotonic() - self._started,
        )


def original_cols(width: int) -> str:
    return ", ".join(f"c{index}" for index in range(width)) or "NULL AS c0"


def _map_table(mapping: Mapping[str, int], key: str) -> pa.Table:
    return pa.table(
        {
            key: pa.array(list(mapping.keys()), pa.string()),
            "unit_id": pa.array(list(mapping.values()), pa.int64()),
        }
    )


def _fsync_rename(tmp: Path, final: Path) -> None:
    """Make the file durable, then give it its final name in one atomic step."""
    fd = os.open(tmp, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, final)

