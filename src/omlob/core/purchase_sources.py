"""Turn an uploaded purchase file into a stream of raw rows, whatever its format.

Every format ends as the same Arrow stream: ``rn`` (the row the user sees in their
spreadsheet, or the position of the line in an e-invoice archive), ``ref`` (a human reference
such as "faktura-17.xml: Faktura 17, linje 2"; NULL for tables, where the row number says
it), ``source_error`` (why a row could not even be read), ``cells`` (the cells of such a
row, when it has any) and one text column per source column, trimmed and NULL when blank.
The import pipeline (:mod:`omlob.core.purchase_import`) parses and checks that stream in one
vectorised pass, so all formats share one set of rules and messages.

CSV is streamed with Arrow's multi-threaded reader (a million lines in well under a second
and never the whole file in memory); the dialect, encoding and header row are decided from
the first 256 KB with the same detection that reads organisation structures, and one quick
pass over the whole file before anything is staged settles what the sample could not (a
stray non-UTF-8 byte, rows with the wrong number of cells and their row numbers, a quote
that is never closed).
"""

from __future__ import annotations

import bisect
import codecs
import csv
import io
import itertools
import re
import sys
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
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


_NULL_TEXT = pa.scalar(None, pa.string())


def _trimmed(column: pa.Array) -> pa.Array:
    """Cells without surrounding whitespace (Unicode's, as ``str.strip``), blank ones NULL.

    Done here, vectorised in Arrow, for every format: trimming in the SQL that follows
    with DuckDB's ``trim(text, characters)`` cost more than all the parsing together.
    """
    trimmed = pc.utf8_trim_whitespace(column)
    return pc.if_else(pc.equal(trimmed, ""), _NULL_TEXT, trimmed)


def _schema(width: int) -> pa.Schema:
    fields = [
        pa.field("rn", pa.int64()),
        pa.field("ref", pa.string()),
        pa.field("source_error", pa.string()),
        # The cells of a row that could not be split into the header's columns (the c<n>
        # columns are then NULL), kept so the quarantine shows what the row said.
        pa.field("cells", pa.list_(pa.string())),
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


# --- CSV -------------------------------------------------------------------------------------

#: Arrow reads CSV in blocks of this size; one record must fit in a block.
CSV_BLOCK_BYTES = 1 << 22
#: Longest cell text kept in the quarantine for a row that could not be split.
BROKEN_CELL_CHARS = 2000

# Windows-1252 with the five bytes it leaves undefined read as Latin-1: the decoding the table
# reader uses for files that are not UTF-8 (:func:`omlob.core.tabular.read_table`), so a
# stray 0x81 never stops an import that the preview accepted.
_CP1252_TABLE = "".join(bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in range(256))
# A byte that is not valid UTF-8 in a file that otherwise is: read as Windows-1252 (a file
# glued together from two exports); surrogateescape hands such bytes over as U+DC80..U+DCFF.
_ESCAPED_BYTES = re.compile("[\udc80-\udcff]")
_UNESCAPE = {0xDC00 + b: _CP1252_TABLE[b] for b in range(0x80, 0x100)}


class _Transcoded(io.RawIOBase):
    """A file decoded in Python and handed to Arrow as UTF-8 (Arrow reads only UTF-8)."""

    def __init__(self, path: Path, encoding: str) -> None:
        super().__init__()
        self._handle = path.open("rb")
        self._encoding = encoding
        if encoding == "cp1252":
            self._decoder = None
        elif encoding == "utf-8":
            self._decoder = codecs.getincrementaldecoder("utf-8")("surrogateescape")
        else:
            self._decoder = codecs.getincrementaldecoder(encoding)("strict")
        self._buffer = b""
        self._offset = 0
        self._done = False

    def readable(self) -> bool:
        return True

    def _decode(self, data: bytes, final: bool) -> str:
        if self._decoder is None:
            return codecs.charmap_decode(data, "strict", _CP1252_TABLE)[0]
        text = self._decoder.decode(data, final)
        if self._encoding == "utf-8" and _ESCAPED_BYTES.search(text):
            text = text.translate(_UNESCAPE)
        return text

    def readinto(self, target: Any) -> int:
        while self._offset >= len(self._buffer) and not self._done:
            chunk = self._handle.read(1 << 20)
            self._done = not chunk
            self._buffer = self._decode(chunk, self._done).encode("utf-8")
            self._offset = 0
        count = min(len(target), len(self._buffer) - self._offset)
        target[:count] = self._buffer[self._offset : self._offset + count]
        self._offset += count
        return count

    def close(self) -> None:
        self._handle.close()
        super().close()


@dataclass
class _BrokenRow:
    """A record that did not split into the header's columns; number None if not found."""

    number: int | None
    cells: list[str]
    message: str


@dataclass
class _CsvPlan:
    """How to read a CSV file, settled by a first pass over it (see :func:`_plan_csv`)."""

    encoding: str | None  # None: hand the file to Arrow as it is (valid UTF-8)
    multiline: bool
    broken: list[_BrokenRow]
    # The last record runs to the end of the file inside an unclosed quote and Arrow read it
    # as a normal row: it is reported with the broken rows instead.
    drop_last: bool = False
    # Physical lines before the first data record (title rows and the header).
    skip_lines: int = 0


@dataclass
class _FirstPass:
    """What Arrow reported while reading the whole file once."""

    broken: int = 0
    broken_multiline: bool = False
    last_multiline: bool = False


def _text(path: Path, encoding: str | None) -> io.TextIOWrapper:
    """The file as text, decoded as Arrow is given it (see :class:`_Transcoded`).

    A byte order mark is dropped, as the table reader drops it: a quote right after it
    starts a quoted cell.
    """
    raw: Any = path.open("rb") if encoding is None else _Transcoded(path, encoding)
    return io.TextIOWrapper(io.BufferedReader(raw), encoding="utf-8-sig", newline="")


def _lines_before_data(path: Path, info: SourceInfo, encoding: str | None) -> int:
    """Physical lines taken by the title and header records.

    Arrow skips lines, not records, before it starts parsing; a header cell with a line
    break in it (quoted) would otherwise make it start in the middle of the header.
    """
    with _text(path, encoding) as text:
        reader = csv.reader(text, delimiter=info.delimiter or ";")
        try:
            for _ in range(info.header_row):
                next(reader)
        except (StopIteration, csv.Error):
            return info.header_row
        return reader.line_num


def _open_csv(
    path: Path,
    info: SourceInfo,
    encoding: str | None,
    multiline: bool,
    seen: _FirstPass,
    skip_lines: int,
) -> pacsv.CSVStreamingReader:
    width = len(info.header)
    names = [f"c{index}" for index in range(width)]

    def invalid(row: pacsv.InvalidRow) -> str:
        seen.broken += 1
        text = row.text or ""
        seen.broken_multiline = seen.broken_multiline or "\n" in text or "\r" in text
        return "skip"

    source: Any = path if encoding is None else _Transcoded(path, encoding)
    return pacsv.open_csv(
        source,
        read_options=pacsv.ReadOptions(
            skip_rows=skip_lines,
            column_names=names,
            block_size=CSV_BLOCK_BYTES,
        ),
        parse_options=pacsv.ParseOptions(
            delimiter=info.delimiter or ";",
            newlines_in_values=multiline,
            # Blank lines are read (as empty rows, left out later) so that row numbers stay
            # the numbers the user sees in a spreadsheet program.
            ignore_empty_lines=False,
            invalid_row_handler=invalid,
        ),
        convert_options=pacsv.ConvertOptions(
            column_types=dict.fromkeys(names, pa.string()),
            strings_can_be_null=True,
            null_values=[""],
            quoted_strings_can_be_null=True,
        ),
    )


def _plan_csv(path: Path, info: SourceInfo) -> _CsvPlan:
    """Read the file once without keeping anything, to settle encoding and record splitting.

    The sample decided the encoding and whether cells span lines, but the rest of a file
    can disagree (a Latin-1 "ø" after 256 KB of UTF-8, a multi-line cell far down). Finding
    out before anything is staged keeps the import all-or-nothing; the pass costs a fraction
    of a second per million rows. It also counts the rows with the wrong number of cells,
    whose row numbers are then looked up so every row keeps its real number.
    """
    declared = (info.encoding or "utf-8").lower()
    if declared in ("utf-8", "utf-8-sig", "utf8"):
        encodings: list[str | None] = [None, "utf-8"]
    else:
        encodings = ["cp1252" if declared in ("cp1252", "latin-1", "iso-8859-1") else declared]
    multiline = info.multiline
    while True:
        encoding = encodings[0]
        seen = _FirstPass()
        try:
            last: pa.RecordBatch | None = None
            skip_lines = _lines_before_data(path, info, encoding)
            for batch in _open_csv(path, info, encoding, multiline, seen, skip_lines):
                if batch.num_rows:
                    last = batch
        except UnicodeError as exc:
            if len(encodings) > 1:
                encodings.pop(0)
                continue
            raise TableError(
                f"Filen kan ikke læses med tegnkodningen {declared}: {exc}. Gem den som "
                "CSV UTF-8, og prøv igen."
            ) from exc
        except pa.ArrowInvalid as exc:
            failure = str(exc)
            if len(encodings) > 1:
                # Not valid UTF-8 after all (Arrow checks cells, and cannot even report a
                # bad row whose text is not UTF-8): read it through the tolerant decoder.
                encodings.pop(0)
                continue
            if not multiline:
                multiline = True
                continue
            raise TableError(_csv_failure(failure)) from exc
        if last is not None:
            cells = [last.column(i)[last.num_rows - 1].as_py() for i in range(last.num_columns)]
            seen.last_multiline = any(cell and ("\n" in cell or "\r" in cell) for cell in cells)
        plan = _locate_broken(path, info, encoding, multiline, seen)
        plan.skip_lines = skip_lines
        return plan


def _csv_failure(detail: str) -> str:
    if "straddl" in detail or "block" in detail:
        return (
            'En række i filen er længere end 4 MB. Det sker oftest, når et anførselstegn (") '
            "ikke er lukket, så resten af filen læses som én celle. Ret anførselstegnet, "
            "eller gem filen igen fra regnearket."
        )
    return f"CSV-filen kan ikke læses: {detail}"


_END_MARK = "omlob-end-of-file-4f1c9a"


def _locate_broken(
    path: Path, info: SourceInfo, encoding: str | None, multiline: bool, seen: _FirstPass
) -> _CsvPlan:
    """Row number and cells of each record Arrow could not split into the header's columns.

    Python's csv module splits records as Arrow does (same quoting rules), so the records
    with the wrong number of cells are the ones Arrow skipped. A line appended after the
    end shows whether the file ends inside an unclosed quote: then it is swallowed into the
    last record. Should Python and Arrow ever disagree, the rows are still reported, without
    a number. Only run when something was wrong, so a clean file is read by Arrow alone.
    """
    plan = _CsvPlan(encoding, multiline, [])
    if not (seen.broken or seen.broken_multiline or seen.last_multiline):
        return plan
    width = len(info.header)
    records: list[tuple[int, list[str]]] = []
    last: tuple[int, list[str]] | None = None
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    with _text(path, encoding) as text:
        lines = itertools.chain(text, ["\n", _END_MARK + "\n"])
        try:
            for number, record in enumerate(csv.reader(lines, delimiter=info.delimiter or ";"), 1):
                if number <= info.header_row or not record:
                    continue
                last = (number, record)
                if len(record) != width:
                    records.append((number, record))
        except csv.Error:
            records, last = [], None
    unclosed = last is not None and last[1] != [_END_MARK]
    if unclosed and last is not None:
        number, cells = last
        cells = [*cells[:-1], cells[-1].split(_END_MARK)[0].rstrip("\r\n")]
        if records and records[-1][0] == number:
            records.pop()
        else:
            plan.drop_last = True
        message = (
            'Et anførselstegn (") i rækken lukkes aldrig, så resten af filen er læst ind i '
            "denne række. Ret anførselstegnet, og indlæs filen igen."
        )
        tail = _BrokenRow(number, cells, message)
    if last is not None and last[1] == [_END_MARK] and records and records[-1][0] == last[0]:
        records.pop()
    if len(records) != seen.broken - (1 if unclosed and not plan.drop_last else 0):
        plan.broken = [_BrokenRow(None, [], _broken_message([], width))] * seen.broken
        plan.drop_last = False
        return plan
    plan.broken = [_BrokenRow(n, cells, _broken_message(cells, width)) for n, cells in records]
    if unclosed:
        plan.broken.append(tail)
    return plan


def _renumber(start: int, count: int, shifts: Sequence[int]) -> list[int]:
    """Row numbers of ``count`` rows read in a row from provisional number ``start``.

    ``shifts`` holds, for each skipped row in order, its number minus the skipped rows
    before it: the provisional number of the first row after it. A row is pushed down by
    one for every skipped row at or before its provisional number.
    """
    numbers: list[int] = []
    position, end = start, start + count
    while position < end:
        behind = bisect.bisect_right(shifts, position)
        limit = shifts[behind] if behind < len(shifts) else end
        limit = max(position + 1, min(limit, end))
        numbers.extend(range(position + behind, limit + behind))
        position = limit
    return numbers


def _broken_message(cells: Sequence[str], width: int) -> str:
    if not cells:
        return (
            "Rækken kan ikke deles i filens kolonner (forkert antal felter eller et "
            'anførselstegn (") der ikke lukkes).'
        )
    message = (
        f"Rækken har {len(cells)} felter, men overskriftsrækken har {width}. Kontrollér "
        'skilletegn og anførselstegn (").'
    )
    if any("\n" in cell or "\r" in cell for cell in cells):
        message += ' Rækken går over flere linjer, så et anførselstegn (") er måske ikke lukket.'
    return message


def _csv_batches(path: Path, info: SourceInfo, progress: ProgressFn | None) -> pa.RecordBatchReader:
    """Stream a CSV file with Arrow; rows with the wrong number of cells become errors."""
    plan = _plan_csv(path, info)
    width = len(info.header)
    reader = _open_csv(path, info, plan.encoding, plan.multiline, _FirstPass(), plan.skip_lines)
    schema = _schema(width)
    total = max(path.stat().st_size, 1)
    numbered = [row.number for row in plan.broken if row.number is not None]
    if plan.drop_last:
        numbered.pop()  # the last record: nothing read after it needs renumbering
    shifts = [number - index for index, number in enumerate(numbered)]

    def numbered_batches() -> Iterator[pa.RecordBatch]:
        row = info.header_row + 1
        done = 0
        for batch in _all_but_last_row(reader) if plan.drop_last else reader:
            count = batch.num_rows
            numbers = _renumber(row, count, shifts) if shifts else range(row, row + count)
            rn = pa.array(numbers, pa.int64())
            nulls = pa.nulls(count, pa.string())
            cells = pa.nulls(count, pa.list_(pa.string()))
            arrays = [rn, nulls, nulls, cells, *(_trimmed(col) for col in batch.columns)]
            yield pa.RecordBatch.from_arrays(arrays, schema=schema)
            row += count
            done += sum(col.nbytes for col in batch.columns)
            if progress:
                progress(min(done, total), total)
        if plan.broken:
            yield _broken_batch(plan.broken, row - 1 + len(numbered), width, schema)

    return pa.RecordBatchReader.from_batches(schema, numbered_batches())


def _all_but_last_row(batches: Iterable[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """The batches with the very last row left out (held back one batch to know the end)."""
    held: pa.RecordBatch | None = None
    for batch in batches:
        if not batch.num_rows:
            continue
        if held is not None:
            yield held
        held = batch
    if held is not None and held.num_rows > 1:
        yield held.slice(0, held.num_rows - 1)


def _broken_batch(
    broken: Sequence[_BrokenRow], last: int, width: int, schema: pa.Schema
) -> pa.RecordBatch:
    """Rows the CSV reader could not split into the header's columns, kept as errors.

    A row of nothing but separators (";;;;") is as empty as a blank line and left out.
    """
    rns: list[int] = []
    refs: list[str | None] = []
    errors: list[str] = []
    cells: list[list[str]] = []
    unknown = 0
    for row in broken:
        if row.cells and not any(cell.strip() for cell in row.cells):
            continue
        if row.number is None:
            unknown += 1
            rns.append(last + unknown)
            refs.append("række ukendt")
        else:
            rns.append(row.number)
            refs.append(None)
        errors.append(row.message)
        cells.append([cell[:BROKEN_CELL_CHARS] for cell in row.cells])
    count = len(rns)
    columns = [
        pa.array(rns, pa.int64()),
        pa.array(refs, pa.string()),
        pa.array(errors, pa.string()),
        pa.array(cells, pa.list_(pa.string())),
    ]
    columns += [pa.nulls(count, pa.string()) for _ in range(width)]
    return pa.RecordBatch.from_arrays(columns, schema=schema)


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
            columns.append(pa.nulls(len(chunk), pa.list_(pa.string())))
            for column in range(width):
                columns.append(_trimmed(pa.array([row[column] for row in chunk], pa.string())))
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
            arrays.append(pa.nulls(len(rns), pa.list_(pa.string())))
            arrays += [_trimmed(pa.array(col, pa.string())) for col in cols]
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
