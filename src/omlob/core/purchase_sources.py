"""Turn an uploaded purchase file into a stream of raw rows, whatever its format.

Every format ends as the same Arrow stream: ``rn`` (the row the user sees in their
spreadsheet, or the position of the line in an e-invoice archive), ``ref`` (a human reference
such as "faktura-17.xml: Faktura 17, linje 2"; NULL for tables, where the row number says
it), ``source_error`` (why a row could not even be read) and one text column per source
column. The import pipeline (:mod:`omlob.core.purchase_import`) parses and checks that
stream in one vectorised pass, so all formats share one set of rules and messages.

CSV is streamed with Arrow's multi-threaded reader (a million lines in well under a second
and never the whole file in memory); the dialect, encoding and header row are decided from
the first 256 KB with the same detection that reads organisation structures.
"""

from __future__ import annotations

import codecs
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv

from omlob.core import archives, ubl
from omlob.core.fieldmapping import SYNONYMS, suggest_mapping
from omlob.core.lineschema import RAW_FIELDS
from omlob.core.tabular import Table, TableError, read_table

__all__ = [
    "CSV",
    "UBL",
    "XLSX",
    "SourceInfo",
    "detect_kind",
    "inspect",
    "row_batches",
]

CSV = "csv"
XLSX = "xlsx"
UBL = "ubl"

#: Bytes read to decide dialect, encoding and header of a CSV file.
SAMPLE_BYTES = 256 * 1024
#: Rows per Arrow batch for sources built in Python (spreadsheets, e-invoices).
BATCH_ROWS = 65_536
#: Rows used to decide a column's decimal separator.
SAMPLE_ROWS = 5_000
#: Rows kept for the mapping preview.
PREVIEW_ROWS = 20

_EXPECTED = [name for names in SYNONYMS.values() for name in names]
_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_UBL_COLUMNS = [f.key for f in RAW_FIELDS]

ProgressFn = Callable[[int, int], None]


@dataclass
class SourceInfo:
    """What the importer knows about a file before mapping: kind, header and a preview."""

    kind: str
    header: list[str]
    header_row: int = 0
    delimiter: str | None = None
    encoding: str | None = None
    sheet: str | None = None
    preview: list[list[str]] = field(default_factory=list)
    sample: list[list[str]] = field(default_factory=list, repr=False)
    suggested: dict[str, int] = field(default_factory=dict)
    multiline: bool = False
    table: Table | None = field(default=None, repr=False)


def detect_kind(path: Path) -> str:
    """CSV, spreadsheet or e-invoices (XML or a zip of XML), from the bytes, not the name."""
    with path.open("rb") as handle:
        head = handle.read(4096)
    if head.startswith(_OLE):
        return XLSX
    if head.startswith(_ZIP):
        try:
            with zipfile.ZipFile(path) as archive:
                names = set(archive.namelist()[:50])
        except zipfile.BadZipFile as exc:
            raise TableError(
                "Filen ligner en zip-fil eller et regneark, men kan ikke åbnes."
            ) from exc
        if "[Content_Types].xml" in names or any(n.startswith("xl/") for n in names):
            return XLSX
        return UBL
    if ubl.looks_like_xml(head):
        return UBL
    return CSV


def _sample_text(path: Path) -> bytes:
    """The first SAMPLE_BYTES cut at a line end, so no record or character is split."""
    with path.open("rb") as handle:
        data = handle.read(SAMPLE_BYTES + 1)
    if len(data) <= SAMPLE_BYTES:
        return data
    data = data[:SAMPLE_BYTES]
    utf16 = data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    cut = data.rfind(b"\n\x00" if utf16 and data.startswith(codecs.BOM_UTF16_LE) else b"\n")
    if cut > 0:
        data = data[: cut + (2 if utf16 else 1)]
    return data


def inspect(path: Path, name: str, *, sheet: str | None = None) -> SourceInfo:
    """Read enough of a file to show its columns, suggest a mapping and preview rows."""
    kind = detect_kind(path)
    if kind == UBL:
        return SourceInfo(kind=UBL, header=list(_UBL_COLUMNS))
    if kind == XLSX:
        table = read_table(path.read_bytes(), name, sheet=sheet, expected_headers=_EXPECTED)
    else:
        table = read_table(_sample_text(path), name, expected_headers=_EXPECTED)
    multiline = any("\n" in cell for row in table.rows for cell in row)
    return SourceInfo(
        kind=kind,
        header=table.header,
        header_row=table.header_row,
        delimiter=table.delimiter,
        encoding=table.encoding,
        sheet=table.sheet,
        preview=table.rows[:PREVIEW_ROWS],
        sample=table.rows[:SAMPLE_ROWS],
        suggested=suggest_mapping(table.header),
        multiline=multiline,
        table=table if kind == XLSX else None,
    )


def _schema(width: int) -> pa.Schema:
    fields = [
        pa.field("rn", pa.int64()),
        pa.field("ref", pa.string()),
        pa.field("source_error", pa.string()),
    ]
    fields += [pa.field(f"c{index}", pa.string()) for index in range(width)]
    return pa.schema(fields)


def ubl_schema() -> pa.Schema:
    """Stream schema for e-invoices: the raw fields in :data:`RAW_FIELDS` order."""
    return _schema(len(_UBL_COLUMNS))


def row_batches(
    path: Path,
    name: str,
    info: SourceInfo,
    *,
    progress: ProgressFn | None = None,
    zip_limits: dict[str, float] | None = None,
) -> pa.RecordBatchReader:
    """The file's rows as an Arrow stream in the shape described in the module docstring."""
    if info.kind == CSV:
        return _csv_batches(path, info, progress)
    if info.kind == XLSX:
        table = info.table or inspect(path, name, sheet=info.sheet).table
        assert table is not None
        return _table_batches(table)
    return _ubl_batches(path, name, progress, zip_limits or {})


def _csv_batches(path: Path, info: SourceInfo, progress: ProgressFn | None) -> pa.RecordBatchReader:
    """Stream a CSV file with Arrow; rows with the wrong number of cells become errors."""
    width = len(info.header)
    names = [f"c{index}" for index in range(width)]
    broken: list[tuple[int | None, str]] = []

    def invalid(row: pacsv.InvalidRow) -> str:
        broken.append((row.number, row.text or ""))
        return "skip"

    encoding = info.encoding or "utf-8"
    if encoding == "utf-8-sig":
        encoding = "utf-8"
    reader = pacsv.open_csv(
        path,
        read_options=pacsv.ReadOptions(
            skip_rows=info.header_row,
            column_names=names,
            block_size=1 << 22,
            encoding=encoding,
        ),
        parse_options=pacsv.ParseOptions(
            delimiter=info.delimiter or ";",
            newlines_in_values=info.multiline,
            invalid_row_handler=invalid,
        ),
        convert_options=pacsv.ConvertOptions(
            column_types=dict.fromkeys(names, pa.string()),
            strings_can_be_null=True,
            null_values=[""],
            quoted_strings_can_be_null=True,
        ),
    )
    schema = _schema(width)
    total = max(path.stat().st_size, 1)

    def batches() -> Iterator[pa.RecordBatch]:
        row = info.header_row
        done = 0
        for batch in reader:
            count = batch.num_rows
            rn = pa.array(range(row + 1, row + 1 + count), pa.int64())
            nulls = pa.nulls(count, pa.string())
            yield pa.RecordBatch.from_arrays([rn, nulls, nulls, *batch.columns], schema=schema)
            row += count
            done += sum(col.nbytes for col in batch.columns)
            if progress:
                progress(min(done, total), total)
        if broken:
            yield _broken_rows(broken, width, schema)

    return pa.RecordBatchReader.from_batches(schema, batches())


def _broken_rows(broken: Sequence[tuple[int | None, str]], width: int, schema: pa.Schema):
    """Rows the CSV reader could not split into the header's columns, kept as errors."""
    count = len(broken)
    rn = [number if number is not None else 0 for number, _text in broken]
    errors = []
    texts = []
    for _number, text in broken:
        cells = text.count(";") + text.count(",") + text.count("\t") + text.count("|")
        errors.append(
            "Rækken kan ikke deles i filens kolonner (forkert antal felter eller et "
            f"anførselstegn der ikke lukkes); {cells + 1 if text else 0} felter fundet."
        )
        texts.append(text[:2000])
    columns = [pa.array(rn, pa.int64()), pa.nulls(count, pa.string()), pa.array(errors)]
    columns.append(pa.array(texts, pa.string()))
    columns += [pa.nulls(count, pa.string()) for _ in range(width - 1)]
    return pa.RecordBatch.from_arrays(columns[: 3 + width], schema=schema)


def _table_batches(table: Table) -> pa.RecordBatchReader:
    """Spreadsheet rows (already read whole: workbooks are at most a million rows)."""
    width = len(table.header)
    schema = _schema(width)

    def batches() -> Iterator[pa.RecordBatch]:
        for start in range(0, len(table.rows), BATCH_ROWS):
            chunk = table.rows[start : start + BATCH_ROWS]
            rn = [table.row_number(start + offset) for offset in range(len(chunk))]
            columns = [pa.array(rn, pa.int64())]
            columns += [pa.nulls(len(chunk), pa.string())] * 2
            for column in range(width):
                columns.append(pa.array([row[column] or None for row in chunk], pa.string()))
            yield pa.RecordBatch.from_arrays(columns, schema=schema)

    return pa.RecordBatchReader.from_batches(schema, batches())


def _documents(
    path: Path, name: str, limits: dict[str, float]
) -> Iterator[tuple[str, bytes | None, str | None]]:
    """(member name, bytes or None, error) for one XML file or each member of a zip."""
    with path.open("rb") as handle:
        head = handle.read(4)
    if head != _ZIP:
        yield name, path.read_bytes(), None
        return
    for member, data in archives.iter_zip_members(path, **limits):  # type: ignore[arg-type]
        if data.startswith(_ZIP):
            yield member, None, "Zip-filer inde i zip-filen læses ikke; pak dem ud først."
        elif not ubl.looks_like_xml(data):
            yield member, None, "Filen i arkivet er ikke en XML-faktura."
        else:
            yield member, data, None


def _ubl_batches(
    path: Path, name: str, progress: ProgressFn | None, limits: dict[str, float]
) -> pa.RecordBatchReader:
    """E-invoices as rows; a document that cannot be read becomes one row with its error."""
    schema = ubl_schema()
    width = len(_UBL_COLUMNS)

    def batches() -> Iterator[pa.RecordBatch]:
        rns: list[int] = []
        refs: list[str | None] = []
        errs: list[str | None] = []
        cols: list[list[str | None]] = [[] for _ in range(width)]
        position = 0

        def flush() -> pa.RecordBatch:
            arrays = [pa.array(rns, pa.int64()), pa.array(refs, pa.string())]
            arrays.append(pa.array(errs, pa.string()))
            arrays += [pa.array(col, pa.string()) for col in cols]
            batch = pa.RecordBatch.from_arrays(arrays, schema=schema)
            rns.clear()
            refs.clear()
            errs.clear()
            for col in cols:
                col.clear()
            return batch

        for documents, (member, data, error) in enumerate(_documents(path, name, limits), 1):
            rows: list[dict[str, str | None]] = []
            if data is not None:
                try:
                    rows = ubl.parse_ubl(data, member)
                except ubl.UblError as exc:
                    error = exc.message
            if error is not None:
                position += 1
                rns.append(position)
                refs.append(member)
                errs.append(error)
                for col in cols:
                    col.append(None)
            for row in rows:
                position += 1
                rns.append(position)
                ref = row.get("source_ref")
                refs.append(f"{member}: {ref}" if ref else member)
                errs.append(None)
                for index, key in enumerate(_UBL_COLUMNS):
                    cols[index].append(row.get(key))
            if len(rns) >= BATCH_ROWS:
                yield flush()
            if progress and documents % 500 == 0:
                progress(documents, 0)
        if rns:
            yield flush()

    return pa.RecordBatchReader.from_batches(schema, batches())
