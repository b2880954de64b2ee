"""Read a user-uploaded table (CSV or spreadsheet) into a header and rows of text.

Municipal staff export their data from whatever system they have: Excel with title rows
above the header, CSV saved by Danish Excel (semicolons, Windows-1252), CSV from web
systems (commas, UTF-8, sometimes with a BOM), or a file that has been through a
wrongly-configured export so that "ø" became "Ã¸". This module turns all of that into the
same simple shape, and when it cannot, it says why in Danish, naming the row the user
will see in their spreadsheet program, so they can fix the file themselves.

Everything is decided from the bytes, not the filename, because people rename files
("struktur.csv" that is really an .xlsx) and browsers do not help.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import io
import re
import sys
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from python_calamine import (
    CalamineWorkbook,
    PasswordError,
    SheetMetadata,
    SheetTypeEnum,
    SheetVisibleEnum,
)

__all__ = [
    "DELIMITERS",
    "Table",
    "TableError",
    "column_letter",
    "normalise_header",
    "read_table",
]

#: Candidate CSV delimiters in order of preference when the evidence is tied; semicolon
#: first because that is what Danish Excel writes.
DELIMITERS: tuple[str, ...] = (";", ",", "\t", "|")

#: How many rows from the top we search for the header row.
HEADER_SEARCH_ROWS = 30
#: How many non-empty records we look at when choosing the delimiter.
DELIMITER_SAMPLE_RECORDS = 50
#: How many following rows must look like data for a header guess without expected names.
FOLLOWING_SAMPLE_ROWS = 10

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls (and .doc, sadly)

_UNREADABLE = (
    "Filen kan ikke læses som CSV eller Excel: den ligner en binær fil (fx PDF, Word eller "
    "et billede). Gem den som CSV (UTF-8) eller som Excel-arbejdsbog (.xlsx) og prøv igen."
)

# C0/C1 control characters that never belong in a table (tab, CR and LF do).
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Accept a handful of stray control characters (they happen), but not a file full of them.
_MAX_CONTROL_SHARE = 0.01
_MIN_CONTROL_COUNT = 3

# U+0080..U+009F only appear when Windows-1252 bytes were decoded as Latin-1 (the
# en dash 0x96 is the usual suspect); map them to the characters that were meant.
_C1_REPAIR: dict[int, str] = {}
for _byte in range(0x80, 0xA0):
    try:
        _C1_REPAIR[_byte] = bytes([_byte]).decode("cp1252")
    except UnicodeDecodeError:
        continue

# Reverse Windows-1252 map (with Latin-1 for its five undefined bytes) used to undo
# mojibake: the text is re-encoded to the bytes it came from and decoded as UTF-8.
_CP1252_BYTE: dict[str, int] = {}
for _byte in range(0x100):
    try:
        _CP1252_BYTE[bytes([_byte]).decode("cp1252")] = _byte
    except UnicodeDecodeError:
        _CP1252_BYTE[chr(_byte)] = _byte

_CONTINUATION = "".join(
    re.escape(char) for char, byte in _CP1252_BYTE.items() if 0x80 <= byte <= 0xBF
)
# A UTF-8 lead byte followed by the right number of continuation bytes, all seen
# through Windows-1252 glasses: "Ã¸" (ø), "Ã˜" (Ø), "Ã¦" (æ), "â€“" (en dash), ...
_MOJIBAKE = re.compile(rf"[\u00c2-\u00df][{_CONTINUATION}]|[\u00e0-\u00ef][{_CONTINUATION}]{{2}}")
# A UTF-8 byte order mark that went through the same mistake; harmless, so just removed.
_MOJIBAKE_BOM = "\u00ef\u00bb\u00bf"

_DANISH_LETTERS = frozenset("æøå")


class TableError(ValueError):
    """The file cannot be read as a table; ``str(error)`` is a Danish message for the user."""

    def __init__(self, message: str) -> None:
        """Keep the message on the exception so views can show it without formatting."""
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Table:
    """A rectangular table of stripped text cells with the header located.

    ``rows`` are padded or truncated to the header width and completely empty rows are
    left out; ``row_number`` still reports the row number the user sees in their
    spreadsheet program, which is what every error message must quote.
    """

    header: list[str]
    rows: list[list[str]]
    header_row: int
    sheet: str | None = None
    encoding: str | None = None
    delimiter: str | None = None
    row_numbers: tuple[int, ...] = field(default=(), repr=False, compare=False)

    def row_number(self, index: int) -> int:
        """Return the 1-based row number in the file of ``rows[index]``.

        Tables built by hand (in tests) have no recorded numbers; their rows are assumed
        to follow the header directly.
        """
        if self.row_numbers:
            return self.row_numbers[index]
        return self.header_row + 1 + index

    def column_label(self, index: int) -> str:
        """Describe column ``index`` (0-based) the way a user finds it: letter and header."""
        return f"kolonne {column_letter(index)} ({self.header[index]!r})"


def column_letter(index: int) -> str:
    """Return the spreadsheet column letter for a 0-based index (0 → A, 26 → AA)."""
    if index < 0:
        raise ValueError("Kolonnenummeret kan ikke være negativt")
    letters = ""
    number = index + 1
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def normalise_header(text: str) -> str:
    """Reduce a header to a comparison key: "CVR-nr." → "cvrnr", "Forælder " → "forælder".

    Users type the same column name in many ways (case, spaces, dashes, dots, é vs e), so
    headers are matched on letters and digits only. Æ, ø and å are kept because they are
    letters in their own right in Danish ("Område" must not turn into "omrade", which is
    a different spelling users do not use); other accents are folded away.
    """
    out: list[str] = []
    for char in text.lower():
        if char in _DANISH_LETTERS:
            out.append(char)
            continue
        for part in unicodedata.normalize("NFKD", char):
            if part.isalnum() and not unicodedata.combining(part):
                out.append(part)
    return "".join(out)


def read_table(
    data: bytes,
    filename: str,
    *,
    sheet: str | None = None,
    expected_headers: Iterable[str] = (),
) -> Table:
    """Read CSV or spreadsheet bytes into a Table, or raise TableError in Danish.

    ``expected_headers`` are the column names the caller understands; they make header
    detection and delimiter choice reliable when there are title rows or odd text.
    ``filename`` is only used in messages: the format is decided from the content.
    """
    expected = {key for key in (normalise_header(name) for name in expected_headers) if key}
    if not data.strip(b" \t\r\n\x00") or data in (codecs.BOM_UTF8, codecs.BOM_UTF16_LE):
        raise TableError("Filen er tom.")

    encoding: str | None = None
    delimiter: str | None = None
    sheet_name: str | None = None
    if data.startswith((_ZIP_MAGIC, _OLE_MAGIC)):
        raw_rows, sheet_name = _read_workbook(data, filename, sheet)
    else:
        text, encoding = _decode(data)
        if not text.strip():
            raise TableError("Filen er tom.")
        delimiter = _choose_delimiter(text, expected)
        raw_rows = _parse_csv(text, delimiter)

    rows = [[_clean_cell(cell) for cell in row] for row in raw_rows]
    if not any(any(row) for row in rows):
        if sheet_name is not None:
            raise TableError(f"Arket {sheet_name!r} er tomt.")
        raise TableError("Filen er tom.")
    _check_mojibake(rows)

    header_index = _find_header(rows, expected)
    header = _validate_header(rows[header_index], header_index + 1)
    width = len(header)
    data_rows: list[list[str]] = []
    numbers: list[int] = []
    for index in range(header_index + 1, len(rows)):
        row = rows[index]
        if not any(row):
            continue
        data_rows.append((row + [""] * width)[:width])
        numbers.append(index + 1)
    return Table(
        header=header,
        rows=data_rows,
        header_row=header_index + 1,
        sheet=sheet_name,
        encoding=encoding,
        delimiter=delimiter,
        row_numbers=tuple(numbers),
    )


# --- decoding ------------------------------------------------------------------------


def _decode(data: bytes) -> tuple[str, str]:
    """Decode CSV bytes, returning the text and the name of the encoding used.

    Order matters: a BOM is the only reliable signal; then UTF-8 (which almost never
    decodes by accident); then Windows-1252, which decodes anything, so binary files are
    caught by looking for NUL bytes and control characters instead.
    """
    if data.startswith(codecs.BOM_UTF8):
        text, encoding = data.decode("utf-8-sig", errors="replace"), "utf-8-sig"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text, encoding = data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise TableError(_UNREADABLE) from exc
    elif b"\x00" in data:
        text, encoding = _decode_bomless_utf16(data)
    else:
        try:
            text, encoding = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            # Latin-1 never fails; repairing C1 characters below turns it into a
            # Windows-1252 decoding that tolerates the five bytes cp1252 leaves undefined.
            text, encoding = data.decode("latin-1"), "cp1252"
    text = text.translate(_C1_REPAIR)
    if text.startswith("\ufeff"):
        text = text[1:]
    if text.startswith(_MOJIBAKE_BOM):
        text = text[len(_MOJIBAKE_BOM) :]
    controls = len(_CONTROL_CHARS.findall(text))
    if controls >= _MIN_CONTROL_COUNT and controls > _MAX_CONTROL_SHARE * len(text):
        raise TableError(_UNREADABLE)
    return text, encoding


def _decode_bomless_utf16(data: bytes) -> tuple[str, str]:
    """Accept UTF-16 without a BOM (NUL in every other byte of ASCII text), else refuse.

    A NUL byte is otherwise the clearest sign of a binary file uploaded by mistake.
    """
    sample = data[:4096]
    even_nuls = sample[0::2].count(0)
    odd_nuls = sample[1::2].count(0)
    half = max(len(sample) // 2, 1)
    layouts = (("utf-16-le", odd_nuls, even_nuls), ("utf-16-be", even_nuls, odd_nuls))
    for encoding, nuls, others in layouts:
        if nuls > 0.6 * half and others < 0.05 * half and len(data) % 2 == 0:
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError:
                break
    raise TableError(_UNREADABLE)


def _parse_csv(text: str, delimiter: str) -> list[list[str]]:
    """Split text into records with the csv module (quotes, embedded newlines, CRLF)."""
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        return list(reader)
    except csv.Error as exc:
        raise TableError(
            f"CSV-filen kan ikke læses omkring række {reader.line_num}: {exc}. "
            'Kontrollér at anførselstegn (") er sat korrekt.'
        ) from exc


def _choose_delimiter(text: str, expected: set[str]) -> str:
    """Pick the delimiter that best explains the first records of the file.

    csv.Sniffer guesses from character frequencies and is easily fooled by commas in
    text or decimal commas, so each candidate is tried with a real (quote-aware) parse.
    Evidence, strongest first: how many expected column names appear as separate cells
    in one row; how many records share the most common field count (2 or more); that
    field count; and finally the preference order in DELIMITERS.
    """
    best: tuple[int, int, int, int] | None = None
    chosen = DELIMITERS[0]
    for preference, candidate in enumerate(DELIMITERS):
        records: list[list[str]] = []
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=candidate)
        try:
            for record in reader:
                if any(cell.strip() for cell in record):
                    records.append(record)
                if len(records) >= DELIMITER_SAMPLE_RECORDS:
                    break
        except csv.Error:
            continue
        widths = Counter(len(record) for record in records if len(record) >= 2)
        if widths:
            mode_width, consistent = max(widths.items(), key=lambda item: (item[1], item[0]))
        else:
            mode_width, consistent = 1, 0
        matches = 0
        if expected:
            matches = max(
                (_header_matches(record, expected) for record in records[:HEADER_SEARCH_ROWS]),
                default=0,
            )
        score = (matches, consistent, mode_width, -preference)
        if best is None or score > best:
            best, chosen = score, candidate
    return chosen


# --- spreadsheets --------------------------------------------------------------------


def _read_workbook(data: bytes, filename: str, sheet: str | None) -> tuple[list[list[str]], str]:
    """Read one sheet of an .xlsx/.xlsm/.xlsb/.xls/.ods file as rows of text.

    The whole grid from A1 is read (not just the used area) so that row numbers in
    messages match what the user sees in Excel.
    """
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except PasswordError as exc:
        raise TableError(
            "Regnearket er beskyttet med en adgangskode. Fjern beskyttelsen og prøv igen."
        ) from exc
    except Exception as exc:  # untrusted bytes: the parser may fail in many ways
        raise TableError(
            f"Filen {filename!r} ligner et regneark eller en zip-fil, men kan ikke åbnes som "
            "Excel. Gem den som Excel-arbejdsbog (.xlsx) eller som CSV (UTF-8) og prøv igen."
        ) from exc
    with workbook:
        names = list(workbook.sheet_names)
        if not names:
            raise TableError("Regnearket indeholder ingen ark.")
        if sheet is not None:
            name = _find_sheet(sheet, names)
        else:
            name = _first_visible_sheet(workbook.sheets_metadata, names)
        try:
            values = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
        except Exception as exc:  # corrupt sheet XML and similar
            raise TableError(f"Arket {name!r} kan ikke læses: {exc}") from exc
    return [[_cell_text(value) for value in row] for row in values], name


def _find_sheet(wanted: str, names: Sequence[str]) -> str:
    """Find a sheet by name, forgiving case and surrounding spaces, or explain the choices."""
    if wanted in names:
        return wanted
    folded = wanted.strip().casefold()
    for name in names:
        if name.strip().casefold() == folded:
            return name
    listing = ", ".join(repr(name) for name in names)
    raise TableError(f"Arket {wanted!r} findes ikke i filen. Filen indeholder arkene: {listing}.")


def _first_visible_sheet(metadata: Sequence[SheetMetadata], names: Sequence[str]) -> str:
    """Return the first visible worksheet; hidden helper sheets are not what users mean."""
    for item in metadata:
        if item.visible == SheetVisibleEnum.Visible and item.typ == SheetTypeEnum.WorkSheet:
            return item.name
    return names[0]


def _cell_text(value: object) -> str:
    """Render a spreadsheet value as the text the user meant.

    EAN numbers are stored as numbers, so whole floats lose their ".0"
    (5798000000001.0 → "5798000000001"); dates become ISO yyyy-mm-dd.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return ""
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return str(value)


# --- cells, header and sanity checks -------------------------------------------------


def _clean_cell(value: str) -> str:
    """Strip spaces (including non-breaking ones) and repair stray C1 characters."""
    return value.translate(_C1_REPAIR).strip().strip("\u00a0\ufeff").strip()


def _plausible(char: str) -> bool:
    """True for characters Danish/European text really contains after a mojibake repair.

    Limiting repairs to Latin-1 letters and common punctuation (dashes, quotes, €, ™)
    keeps legitimate text such as "Å–" or "Æ€" from being flagged: only "Â"/"Ã" and "â"
    followed by the right symbols are treated as broken æ, ø, å, é, –, ” and friends.
    """
    point = ord(char)
    return 0xA0 <= point <= 0xFF or 0x2010 <= point <= 0x206F or point in (0x20AC, 0x2122)


def _fix_mojibake(fragment: str) -> str | None:
    """Undo one UTF-8-read-as-Windows-1252 fragment, or None if it was not mojibake."""
    try:
        repaired = bytes(_CP1252_BYTE[char] for char in fragment).decode("utf-8")
    except (KeyError, UnicodeDecodeError):
        return None
    return repaired if all(_plausible(char) for char in repaired) else None


def _check_mojibake(rows: Sequence[Sequence[str]]) -> None:
    """Refuse files whose æ/ø/å were destroyed by a wrong re-save, quoting the first cell.

    Importing "KÃ¸kken" would put garbage into the database that is hard to clean up
    later; the user can fix it in seconds by saving the original file again correctly.
    """
    for row_index, row in enumerate(rows):
        for column, cell in enumerate(row):
            for match in _MOJIBAKE.finditer(cell):
                if _fix_mojibake(match.group()) is None:
                    continue
                repaired = _MOJIBAKE.sub(
                    lambda found: _fix_mojibake(found.group()) or found.group(), cell
                )
                raise TableError(
                    f"Filen ser ud til at være gemt med forkert tegnkodning: cellen {cell!r} i "
                    f"række {row_index + 1}, kolonne {column_letter(column)} indeholder "
                    f"{match.group()!r}, som opstår når en UTF-8-fil åbnes som Windows-1252 og "
                    f"gemmes igen (der skulle formentlig have stået {repaired!r}). Åbn den "
                    'oprindelige fil og gem den som "CSV UTF-8" eller som Excel-arbejdsbog '
                    "(.xlsx), og prøv igen."
                )


def _header_matches(row: Sequence[str], expected: set[str]) -> int:
    """Count distinct expected column names present as cells in ``row``."""
    return len({key for key in (normalise_header(cell) for cell in row) if key in expected})


def _effective_width(row: Sequence[str]) -> int:
    """Number of cells up to and including the last non-empty one."""
    for index in range(len(row) - 1, -1, -1):
        if row[index]:
            return index + 1
    return 0


def _find_header(rows: Sequence[Sequence[str]], expected: set[str]) -> int:
    """Return the index of the header row among the first non-empty rows.

    With expected names, the first row with the most matches wins. Otherwise the first
    row with at least two filled cells whose width fits most of the rows below it; a
    title such as "Organisationsstruktur Demo Kommune" has one cell, and a "Dato: ..."
    line is narrower than the data that follows it.
    """
    candidates = [index for index, row in enumerate(rows) if any(row)][:HEADER_SEARCH_ROWS]
    if expected:
        best_index, best_matches = -1, 0
        for index in candidates:
            matches = _header_matches(rows[index], expected)
            if matches > best_matches:
                best_index, best_matches = index, matches
        if best_matches:
            return best_index
    nonempty = [index for index, row in enumerate(rows) if any(row)]
    for position, index in enumerate(nonempty[:HEADER_SEARCH_ROWS]):
        row = rows[index]
        if sum(1 for cell in row if cell) < 2:
            continue
        width = _effective_width(row)
        following = nonempty[position + 1 : position + 1 + FOLLOWING_SAMPLE_ROWS]
        fitting = sum(1 for other in following if _effective_width(rows[other]) <= width)
        if not following or fitting * 2 > len(following):
            return index
    return candidates[0]


def _validate_header(cells: Sequence[str], row_number: int) -> list[str]:
    """Return the header cells without trailing blanks; refuse blank or repeated names.

    Every later message refers to columns by their header, and a column picked by name
    must be unambiguous, so both problems are reported with the column letter.
    """
    header = list(cells[: _effective_width(cells)])
    seen: dict[str, int] = {}
    for index, name in enumerate(header):
        where = f"kolonne {column_letter(index)} (nr. {index + 1})"
        if not name:
            raise TableError(
                f"Overskriftsrækken (række {row_number}) har ingen overskrift i {where}. "
                "Giv kolonnen et navn eller slet den."
            )
        key = normalise_header(name) or name.casefold()
        if key in seen:
            first = seen[key]
            raise TableError(
                f"Kolonnenavnet {name!r} står flere gange i overskriftsrækken (række "
                f"{row_number}): kolonne {column_letter(first)} (nr. {first + 1}) og {where}. "
                "Omdøb eller slet den ene."
            )
        seen[key] = index
    return header
