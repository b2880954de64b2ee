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
import pyarrow.compute as pc

from omlob.core import currency as rates_module
from omlob.core import units as units_module
from omlob.core.fieldmapping import validate_mapping
from omlob.core.files import fsync_rename
from omlob.core.lineschema import FIELD_LABELS, LINE_SCHEMA, RAW_FIELDS
from omlob.core.purchase_sources import UBL, SourceInfo, row_batches
from omlob.core.tabular import column_letter, normalise_header
from omlob.core.valuesql import (
    AMOUNT_EXAMPLE,
    DATE_FORMATS,
    amount_clean_sql,
    amount_value_sql,
    cvr_clean_sql,
    cvr_error_sql,
    cvr_value_sql,
    date_formats_for,
    date_range_sql,
    date_sql,
    decimal_votes_sql,
    ean_clean_sql,
    ean_value_sql,
    foreign_vat_sql,
    quote,
    text_sql,
    thousands_votes_sql,
)

__all__ = ["ImportOptions", "ImportResult", "Lookups", "PurchaseImport", "unit_map_table"]

ProgressFn = Callable[[str, float], None]

#: Words that mark a credit note in a "document type" column, compared after lower-casing and
#: dropping everything but letters and digits ("Credit note", "credit_note" (what e-invoices
#: say) and "Kr.nota" all match). "KG" is SAP's document type for a vendor credit memo.
CREDIT_WORDS = (
    "kreditnota",
    "kreditnotaer",
    "kredit",
    "kreditering",
    "creditnote",
    "creditmemo",
    "credit",
    "kn",
    "cn",
    "krnota",
    "kg",
)
#: A Debet/Kredit column (Prisme and other ledgers) marks credits with "K" (or "C") and
#: leaves the amount unsigned; recognised by the header of the column mapped as document type.
DEBIT_CREDIT_HEADERS = ("dk", "debetkredit", "debitcredit", "dc")
DEBIT_CREDIT_WORDS = ("k", "kredit", "c", "credit")
#: A line in a foreign currency may use an ECB rate at most this many days old.
RATE_MAX_AGE_DAYS = 14
#: Rows staged per statement: big enough for DuckDB's parallel scan, small enough for memory.
CHUNK_ROWS = 250_000


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


_DAILY_RATES: dict[int, tuple[pa.Table, pa.Table]] = {}
_DAILY_RATES_LOCK = threading.Lock()


def daily_rates(rates: pa.Table) -> pa.Table:
    """One row per currency and calendar day, the latest fixing carried forward.

    A fixing is carried at most RATE_MAX_AGE_DAYS, as :func:`omlob.core.currency.rate_to_dkk`
    does, and an equality join on this table is far faster than an as-of join. Built once
    per rates table (a third of a second) rather than once per import or preview.
    """
    with _DAILY_RATES_LOCK:
        cached = _DAILY_RATES.get(id(rates))
        if cached is not None and cached[0] is rates:
            return cached[1]
        con = duckdb.connect()
        try:
            con.register("ecb_rates", rates)
            daily = con.execute(
                f"""
                SELECT currency, CAST(rate_date + CAST(step AS INTEGER) AS DATE) AS day,
                       dkk_per_unit
                FROM (SELECT *, lead(rate_date) OVER (PARTITION BY currency ORDER BY rate_date)
                                  AS next_date FROM ecb_rates) r,
                     range(0, {RATE_MAX_AGE_DAYS + 1}) t(step)
                WHERE next_date IS NULL OR rate_date + CAST(step AS INTEGER) < next_date
                """
            ).fetch_arrow_table()
        finally:
            con.close()
        if len(_DAILY_RATES) >= 4:
            _DAILY_RATES.clear()
        # The rates table is kept with its result so its id cannot be reused meanwhile.
        _DAILY_RATES[id(rates)] = (rates, daily)
        return daily


_STAGED_COLUMNS = """
    file_idx INTEGER, source_file VARCHAR, rn BIGINT, ref VARCHAR,
    invoice_number VARCHAR, line_number VARCHAR, invoice_date DATE, posting_date DATE,
    supplier_cvr VARCHAR, supplier_id VARCHAR, supplier_name VARCHAR, buyer_ean VARCHAR,
    cost_centre VARCHAR, account VARCHAR, item_number VARCHAR, description VARCHAR,
    classification_code VARCHAR, classification_scheme VARCHAR, quantity DOUBLE, unit VARCHAR,
    net_amount_dkk DECIMAL(18,2), currency VARCHAR, amount_original DECIMAL(18,2),
    exchange_rate DOUBLE, credit_note BOOLEAN, labels VARCHAR, content_key UBIGINT,
    failed BOOLEAN,
    errors STRUCT(field VARCHAR, "column" VARCHAR, value VARCHAR, message VARCHAR)[],
    original VARCHAR[]
"""


class PurchaseImport:
    """Stage one or more files, then write the batch; use as a context manager."""

    def __init__(
        self,
        workdir: Path,
        options: ImportOptions | None = None,
        progress: ProgressFn | None = None,
    ) -> None:
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.options = options or ImportOptions()
        self._progress = progress
        self._started = time.monotonic()
        self.con = duckdb.connect()
        self.con.execute(f"SET memory_limit = {quote(self.options.memory_limit)}")
        self.con.execute(f"SET threads = {int(self.options.threads)}")
        self.con.execute(f"SET temp_directory = {quote(str(self.workdir / 'spill'))}")
        self.con.execute("SET preserve_insertion_order = false")
        self.con.execute(f"CREATE TABLE staged ({_STAGED_COLUMNS})")
        self.con.register("unit_aliases", units_module.unit_alias_table())
        self._rates = daily_rates(rates_module.load_rates())
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
        if info.kind == UBL:
            decimal = {"net_amount": ".", "quantity": "."}
        else:
            assert mapping is not None
            decimal = self._decimals(info, mapping)
        view = f"src_{file_idx}"
        sql = self._stage_sql(view, file_idx, name, info, columns, labels, decimal)
        # The stream is staged in chunks: each chunk is an in-memory Arrow table that DuckDB
        # scans on all threads, and memory stays bounded by the chunk size.
        pending: list[pa.RecordBatch] = []
        rows = 0
        try:
            for batch in reader:
                pending.append(batch)
                rows += batch.num_rows
                if rows >= CHUNK_ROWS:
                    self._stage_chunk(view, sql, reader.schema, pending, columns.get("currency"))
                    pending, rows = [], 0
            if pending:
                self._stage_chunk(view, sql, reader.schema, pending, columns.get("currency"))
        except BaseException:
            # A file that fails half-way leaves nothing behind, so the import can go on
            # with other files (or be finished) without its partial rows.
            self.con.execute(f"DELETE FROM staged WHERE file_idx = {file_idx}")
            raise
        self.files.append({"name": name, "kind": info.kind, "mapping": dict(mapping or {})})
        self.headers.append(list(info.header))

    def _stage_chunk(
        self,
        view: str,
        sql: str,
        schema: pa.Schema,
        batches: list[pa.RecordBatch],
        currency_column: str | None,
    ) -> None:
        table = pa.Table.from_batches(batches, schema=schema)
        self.con.register(view, table)
        self.con.register("rates", self._rates_for(table, currency_column))
        try:
            self.con.execute(sql)
        finally:
            self.con.unregister(view)
            self.con.unregister("rates")

    def _rates_for(self, table: pa.Table, currency_column: str | None) -> pa.Table:
        """The daily rates of the currencies in this chunk only.

        Joining all currencies' days (a third of a million rows) cost more than staging a
        small file; most chunks are DKK only and need none.
        """
        wanted = {self.options.currency.upper()}
        if currency_column is not None:
            values = pc.unique(pc.utf8_upper(table[currency_column]))
            wanted.update(value for value in values.to_pylist() if value)
        wanted.discard("DKK")  # always 1.0, never looked up
        keep = pc.is_in(self._rates["currency"], value_set=pa.array(sorted(wanted), pa.string()))
        return self._rates.filter(keep)

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
            values = pa.table(
                {"v": pa.array([row[index] if index < len(row) else "" for row in info.sample])},
            )
            self.con.register("decimal_sample", values)
            try:
                row = self.con.execute(
                    f"SELECT {decimal_votes_sql('v')}, {thousands_votes_sql('v')} "
                    "FROM decimal_sample"
                ).fetchone()
            finally:
                self.con.unregister("decimal_sample")
            comma, point, dot_groups, comma_groups = row or (0, 0, 0, 0)
            if comma == point and key == "net_amount":
                # No decisive value: "1.500" and "1,500" in an amount column are thousands.
                comma, point = dot_groups, comma_groups
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
        """The staging statement: four nested SELECTs so each expensive step runs once.

        t: cleaned text per field; c: cleaned numbers/codes and parsed dates; v: values and
        joins (units, exchange rates); outer: reasons, signed DKK amount, content key.
        """
        width = len(info.header)
        has = set(columns)

        def text(key: str) -> str:
            return text_sql(columns[key]) if key in columns else "NULL::VARCHAR"

        texts = ",\n".join(f"    {text(f.key)} AS t_{f.key}" for f in RAW_FIELDS)
        originals = ", ".join(f"c{i}" for i in range(width)) or "NULL AS c0"
        original_list = "[" + ", ".join(f"c{i}" for i in range(width)) + "]"
        # A row counts when any cell has text, mapped or not: a row whose only text is in a
        # column nobody mapped is reported (it has no amount), never silently dropped.
        unmapped = [f"c{i}" for i in range(width) if f"c{i}" not in set(columns.values())]
        content_cells = [f"t_{f.key}" for f in RAW_FIELDS]
        content_cells += unmapped  # blank cells are NULL in the stream
        default_currency = quote(self.options.currency.upper())
        words = CREDIT_WORDS
        if "document_type" in columns and info.kind != UBL:
            header = info.header[int(columns["document_type"][1:])]
            if normalise_header(header) in DEBIT_CREDIT_HEADERS:
                words = DEBIT_CREDIT_WORDS
        credit_words = "[" + ", ".join(quote(w) for w in words) + "]"
        scheme_default = "'UNSPSC'"
        if "classification_code" in columns and info.kind != UBL:
            header = info.header[int(columns["classification_code"][1:])].lower()
            if "cpv" in header:
                scheme_default = "'CPV'"
        negate = "FALSE" if info.kind == UBL else "TRUE"
        formats = {
            key: date_formats_for(
                row[int(columns[key][1:])]
                for row in info.sample
                if int(columns[key][1:]) < len(row)
            )
            if key in columns and info.kind != UBL
            else list(DATE_FORMATS)
            for key in ("invoice_date", "posting_date")
        }

        def err(key: str, condition: str, message: str) -> tuple[str, str]:
            label = quote(labels.get(key, FIELD_LABELS.get(key, key)))
            value = f"t_{key}" if key in has else "NULL"
            struct = (
                f"CASE WHEN {condition} THEN {{'field': {quote(key)}, 'column': {label}, "
                f"'value': {value}, 'message': {message}}} END"
            )
            return condition, struct

        example = AMOUNT_EXAMPLE[decimal["net_amount"]]
        date_message = "'Datoen kan ikke læses (brug fx 31-12-2025, 31.12.2025 eller 2025-12-31).'"
        date_key = "invoice_date" if "invoice_date" in has else "posting_date"
        supplier_key = "supplier_name" if "supplier_name" in has else "supplier_cvr"
        checks = [
            (
                "source_error IS NOT NULL",
                "CASE WHEN source_error IS NOT NULL THEN {'field': NULL, 'column': NULL, "
                "'value': NULL, 'message': source_error} END",
            ),
            err("net_amount", "t_net_amount IS NULL", "'Beløbet mangler.'"),
            err(
                "net_amount",
                "t_net_amount IS NOT NULL AND amount IS NULL",
                quote(f"Beløbet kan ikke læses som et tal (forventet fx {example})."),
            ),
            err(
                "invoice_date", "t_invoice_date IS NOT NULL AND invoice_date IS NULL", date_message
            ),
            err(
                "posting_date", "t_posting_date IS NOT NULL AND posting_date IS NULL", date_message
            ),
            err(
                date_key,
                "t_invoice_date IS NULL AND t_posting_date IS NULL",
                "'Linjen har ingen dato.'",
            ),
            err(
                supplier_key,
                "t_supplier_name IS NULL AND t_supplier_cvr IS NULL AND t_supplier_id IS NULL",
                "'Leverandøren mangler (hverken navn eller CVR-nummer).'",
            ),
            err("supplier_cvr", "cvr_error IS NOT NULL", "cvr_error || '.'"),
            err(
                "buyer_ean",
                "t_buyer_ean IS NOT NULL AND buyer_ean IS NULL",
                "'EAN-nummeret skal have 13 cifre med korrekt kontrolciffer.'",
            ),
            err(
                "quantity",
                "t_quantity IS NOT NULL AND quantity IS NULL",
                "'Antallet kan ikke læses som et tal.'",
            ),
            err(
                "unit",
                "t_unit IS NOT NULL AND unit_code IS NULL",
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
        has_error = " OR ".join(f"coalesce({cond}, FALSE)" for cond, _ in checks)
        error_list = "list_filter([" + ", ".join(s for _, s in checks) + "], x -> x IS NOT NULL)"
        content = ", ".join(
            f"coalesce(CAST({expr} AS VARCHAR), '')"
            for expr in (
                "coalesce(supplier_cvr, lower(t_supplier_name), supplier_id)",
                "t_invoice_number",
                "t_line_number",
                "invoice_date",
                "posting_date",
                "amount",
                "cur",
                "t_description",
                "t_item_number",
                "quantity",
                "unit_code",
                "t_account",
                "t_cost_centre",
                "buyer_ean",
                "credit_note",
            )
        )
        quantity_value = amount_value_sql("qty_clean", decimal["quantity"], as_type="DOUBLE")
        # A credit note's quantities go with its amounts, so that every format gives the same
        # sign: e-invoices write both positive (their amounts are negated when read), a
        # Debet/Kredit export writes both unsigned, other exports post both negative.
        if info.kind == UBL:
            signed_quantity = "CASE WHEN credit_note THEN -quantity ELSE quantity END"
        else:
            signed_quantity = (
                "CASE WHEN credit_note AND quantity > 0 AND signed_amount < 0 "
                "THEN -quantity ELSE quantity END"
            )
        return f"""
INSERT INTO staged BY NAME
SELECT {file_idx} AS file_idx, {quote(name)} AS source_file, rn,
  coalesce(ref, 'række ' || rn) AS ref,
  t_invoice_number AS invoice_number, t_line_number AS line_number, invoice_date,
  posting_date, supplier_cvr, supplier_id, t_supplier_name AS supplier_name, buyer_ean,
  t_cost_centre AS cost_centre, t_account AS account, t_item_number AS item_number,
  t_description AS description, classification_code, classification_scheme,
  {signed_quantity} AS quantity,
  unit_code AS unit,
  CAST(round(signed_amount * coalesce(rate, 0), 2) AS DECIMAL(18,2)) AS net_amount_dkk,
  cur AS currency, signed_amount AS amount_original, rate AS exchange_rate, credit_note,
  t_labels AS labels,
  md5_number_lower(concat_ws('|', {content})) AS content_key,
  failed,
  CASE WHEN source_error IS NOT NULL
       THEN [{{'field': NULL, 'column': NULL, 'value': NULL, 'message': source_error}}]
       WHEN failed THEN {error_list} ELSE [] END AS errors,
  CASE WHEN failed THEN coalesce(cells, {original_list}) END AS original
FROM (
  SELECT *, {has_error} AS failed,
    CASE WHEN credit_note AND {negate} AND amount > 0 THEN -amount ELSE amount END
      AS signed_amount
  FROM (
    SELECT v.*, u.code AS unit_code,
      CASE WHEN cur = 'DKK' THEN 1.0 ELSE r.dkk_per_unit END AS rate,
      {cvr_error_sql("v.t_supplier_cvr", "v.cvr_clean", "v.supplier_cvr", "v.foreign_vat")}
        AS cvr_error
    FROM (
      SELECT *,
        {amount_value_sql("amt_clean", decimal["net_amount"])} AS amount,
        {quantity_value} AS quantity,
        {date_range_sql("invoice_date_parsed")} AS invoice_date,
        {date_range_sql("posting_date_parsed")} AS posting_date,
        coalesce({date_range_sql("invoice_date_parsed")},
                 {date_range_sql("posting_date_parsed")}) AS rate_day,
        {cvr_value_sql("cvr_clean")} AS supplier_cvr,
        coalesce(t_supplier_id, foreign_vat) AS supplier_id,
        {ean_value_sql("ean_clean")} AS buyer_ean
      FROM (
        SELECT *,
          {amount_clean_sql("t_net_amount")} AS amt_clean,
          {amount_clean_sql("t_quantity")} AS qty_clean,
          {date_sql("t_invoice_date", formats["invoice_date"])} AS invoice_date_parsed,
          {date_sql("t_posting_date", formats["posting_date"])} AS posting_date_parsed,
          {cvr_clean_sql("t_supplier_cvr")} AS cvr_clean,
          {foreign_vat_sql("t_supplier_cvr")} AS foreign_vat,
          {ean_clean_sql("t_buyer_ean")} AS ean_clean,
          {units_module.fold_unit_sql("t_unit")} AS unit_key,
          coalesce(upper(t_currency), {default_currency}) AS cur,
          coalesce(list_contains({credit_words},
                   regexp_replace(lower(t_document_type), '[^a-z0-9æøå]', '', 'g')), FALSE)
            AS credit_note,
          nullif(regexp_replace(t_classification_code, '\\s', '', 'g'), '')
            AS classification_code,
          CASE WHEN t_classification_code IS NULL THEN NULL
               ELSE coalesce(upper(t_classification_scheme), {scheme_default}) END
            AS classification_scheme
        FROM (
          SELECT rn, ref, source_error, cells, {originals},
{texts}
          FROM {view}
        ) t
        WHERE source_error IS NOT NULL OR coalesce({", ".join(content_cells)}) IS NOT NULL
      ) c
    ) v
    LEFT JOIN rates r ON r.currency = v.cur AND r.day = v.rate_day
    LEFT JOIN unit_aliases u ON u.alias = v.unit_key
  )
)
"""

    # --- finishing -------------------------------------------------------------------

    def finish(
        self, lookups: Lookups, batch_id: int, lines_path: Path, rejects_path: Path
    ) -> ImportResult:
        """Drop duplicates, resolve units, write both files; the caller then registers.

        Keys and duplicate flags are worked out on a narrow table (row, key) so that the
        wide staged rows are read once more only, when the lines file is written.
        """
        con = self.con
        self._report("Finder dubletter", 0.82)
        # Content that occurs more than once in one file: those rows get their occurrence
        # number in the key (two identical lines on one invoice are two lines).
        con.execute(
            """
            CREATE TEMP TABLE repeated AS
            SELECT file_idx, rn,
                   row_number() OVER (PARTITION BY file_idx, content_key ORDER BY rn) AS occ
            FROM staged
            WHERE NOT failed AND (file_idx, content_key) IN (
                SELECT (file_idx, content_key) FROM staged WHERE NOT failed
                GROUP BY file_idx, content_key HAVING count(*) > 1)
            """
        )
        files = [str(p) for p in lookups.line_files if Path(p).exists()]
        if files:
            listing = "[" + ", ".join(quote(f) for f in files) + "]"
            con.execute(
                f"CREATE TEMP TABLE existing AS SELECT line_key, min(batch_id) AS batch_id "
                f"FROM read_parquet({listing}) GROUP BY line_key"
            )
        else:
            con.execute("CREATE TEMP TABLE existing (line_key BIGINT, batch_id BIGINT)")
        con.execute(
            """
            CREATE TEMP TABLE keys AS
            SELECT s.file_idx, s.rn,
                   CASE WHEN r.occ IS NULL OR r.occ = 1 THEN CAST(s.content_key >> 1 AS BIGINT)
                        ELSE CAST(md5_number_lower(s.content_key::VARCHAR || '#' || r.occ) >> 1
                                  AS BIGINT) END AS line_key
            FROM staged s LEFT JOIN repeated r ON r.file_idx = s.file_idx AND r.rn = s.rn
            WHERE NOT s.failed
            """
        )
        # The same line in two files of this batch: the first file keeps it.
        con.execute(
            """
            CREATE TEMP TABLE within AS
            SELECT file_idx, rn FROM (
              SELECT file_idx, rn,
                     row_number() OVER (PARTITION BY line_key ORDER BY file_idx, rn) AS n
              FROM keys WHERE line_key IN (
                SELECT line_key FROM keys GROUP BY line_key HAVING count(*) > 1))
            WHERE n > 1
            """
        )
        con.execute(
            """
            CREATE TEMP TABLE marked AS
            SELECT k.file_idx, k.rn, k.line_key, e.batch_id AS duplicate_of,
                   (e.line_key IS NOT NULL OR w.rn IS NOT NULL) AS duplicate
            FROM keys k
            LEFT JOIN existing e ON e.line_key = k.line_key
            LEFT JOIN within w ON w.file_idx = k.file_idx AND w.rn = k.rn
            """
        )
        con.register("ean_map", unit_map_table(lookups.ean_units, "ean"))
        con.register("cc_map", unit_map_table(lookups.cost_centre_units, "code"))
        self._report("Skriver linjer", 0.88)
        computed = {
            "organisation_id": f"CAST({int(lookups.organisation_id)} AS BIGINT)",
            "batch_id": f"CAST({int(batch_id)} AS BIGINT)",
            "line_key": "m.line_key",
            "org_unit_id": "CAST(coalesce(em.unit_id, cm.unit_id) AS BIGINT)",
            "source_ref": "s.ref",
        }
        # In LINE_SCHEMA's order, so the file has exactly the documented shape.
        selected = []
        for f in LINE_SCHEMA:
            name = f'"{f.name}"'
            selected.append(f"{computed.get(f.name, 's.' + name)} AS {name}")
        columns = ", ".join(selected)
        lines_tmp = lines_path.with_name(lines_path.name + ".tmp")
        lines_path.parent.mkdir(parents=True, exist_ok=True)
        self._run(
            f"""
            COPY (
              SELECT {columns}
              FROM staged s
              JOIN marked m ON m.file_idx = s.file_idx AND m.rn = s.rn
              LEFT JOIN ean_map em ON em.ean = s.buyer_ean
              LEFT JOIN cc_map cm ON cm.code = s.cost_centre
              WHERE NOT m.duplicate
            ) TO {quote(str(lines_tmp))} (FORMAT parquet, COMPRESSION zstd)
            """,
            "Skriver linjer",
            0.88,
            0.97,
        )
        fsync_rename(lines_tmp, lines_path)
        self._report("Skriver afviste rækker", 0.97)
        rejects_tmp = rejects_path.with_name(rejects_path.name + ".tmp")
        rejects_path.parent.mkdir(parents=True, exist_ok=True)
        con.execute(
            f"""
            COPY (
              SELECT 'invalid' AS kind, file_idx, source_file, rn, ref, errors, original,
                     NULL::BIGINT AS duplicate_of, invoice_number, supplier_name,
                     coalesce(invoice_date, posting_date) AS line_date,
                     amount_original, description
              FROM staged WHERE failed
              UNION ALL
              SELECT 'duplicate', s.file_idx, s.source_file, s.rn, s.ref,
                     [{{'field': NULL, 'column': NULL, 'value': NULL,
                        'message': CASE WHEN m.duplicate_of IS NOT NULL
                          THEN 'Linjen er allerede importeret (batch ' || m.duplicate_of || ').'
                          ELSE 'Linjen står allerede tidligere i denne import.' END}}],
                     NULL, m.duplicate_of, s.invoice_number, s.supplier_name,
                     coalesce(s.invoice_date, s.posting_date), s.amount_original, s.description
              FROM staged s JOIN marked m ON m.file_idx = s.file_idx AND m.rn = s.rn
              WHERE m.duplicate
            ) TO {quote(str(rejects_tmp))} (FORMAT parquet, COMPRESSION zstd)
            """
        )
        fsync_rename(rejects_tmp, rejects_path)
        row = con.execute(
            f"""
            SELECT count(*), coalesce(sum(net_amount_dkk), 0),
                   min(coalesce(invoice_date, posting_date)),
                   max(coalesce(invoice_date, posting_date)),
                   count(DISTINCT coalesce(buyer_ean, cost_centre))
                     FILTER (WHERE org_unit_id IS NULL
                             AND coalesce(buyer_ean, cost_centre) IS NOT NULL),
                   count(*) FILTER (WHERE org_unit_id IS NULL
                                    AND coalesce(buyer_ean, cost_centre) IS NOT NULL)
            FROM read_parquet({quote(str(lines_path))})
            """
        ).fetchone()
        assert row is not None
        counts = con.execute(
            "SELECT (SELECT count(*) FROM marked WHERE duplicate), "
            "(SELECT count(*) FROM staged WHERE failed)"
        ).fetchone()
        assert counts is not None
        per_file = con.execute(
            "SELECT file_idx, count(*), count(*) FILTER (WHERE failed) FROM staged GROUP BY 1"
        ).fetchall()
        by_file = {idx: (total, bad) for idx, total, bad in per_file}
        for idx, info in enumerate(self.files):
            total, bad = by_file.get(idx, (0, 0))
            info["rows"] = total
            info["rejected"] = bad
            info["header"] = self.headers[idx]
        self._report("Færdig", 1.0)
        return ImportResult(
            accepted=row[0],
            rejected=counts[1],
            duplicates=counts[0],
            unmapped_units=row[4],
            unmapped_lines=row[5],
            total_dkk=Decimal(row[1]),
            first_date=row[2],
            last_date=row[3],
            files=self.files,
            seconds=time.monotonic() - self._started,
        )


def unit_map_table(mapping: Mapping[str, int], key: str) -> pa.Table:
    """A code → unit table (``key``, ``unit_id``) for joining lines to units in DuckDB."""
    return pa.table(
        {
            key: pa.array(list(mapping.keys()), pa.string()),
            "unit_id": pa.array(list(mapping.values()), pa.int64()),
        }
    )
