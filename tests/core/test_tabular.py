"""read_table: encodings, delimiters, quoting, header detection, spreadsheets, bad files."""

from __future__ import annotations

import csv
import datetime
import io
import random

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from omlob.core.tabular import (
    Table,
    TableError,
    column_letter,
    normalise_header,
    read_table,
)

HEADER = ["Enhedskode", "Navn", "Overordnet", "EAN"]
ROWS = [
    ["BU", "Børn og Unge", "", "5798000000001"],
    ["SKO", "Ærøskøbing Skole", "BU", "5798000416604"],
    ["KØK", "Østerbro Køkken – Å", "BU", ""],
]
ENCODINGS = ["utf-8", "utf-8-sig", "cp1252", "utf-16"]
DELIMITERS = [";", ",", "\t", "|"]


def write_csv(rows: list[list[str]], delimiter: str = ";", encoding: str = "utf-8") -> bytes:
    """Serialise rows the way a spreadsheet program would (csv module, CRLF)."""
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=delimiter).writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(workbook: openpyxl.Workbook) -> bytes:
    """Save an openpyxl workbook to bytes."""
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- normalise_header and helpers ----------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("CVR-nr.", "cvrnr"),
        ("Omkostningssted ", "omkostningssted"),
        ("Forælder", "forælder"),
        ("OMRÅDE", "område"),
        ("Ærø Ø", "ærøø"),
        ("Café Enhed", "cafeenhed"),
        ("Straße_Nr", "straßenr"),
        ("  EAN / GLN  ", "eangln"),
        ("Enheds-id", "enhedsid"),
        ("Naïve Ünit", "naiveunit"),
        ("", ""),
    ],
)
def test_normalise_header(text: str, expected: str) -> None:
    assert normalise_header(text) == expected


@pytest.mark.parametrize(
    ("index", "letter"), [(0, "A"), (1, "B"), (25, "Z"), (26, "AA"), (51, "AZ"), (701, "ZZ")]
)
def test_column_letter(index: int, letter: str) -> None:
    assert column_letter(index) == letter
    assert column_letter(702) == "AAA"


def test_table_built_by_hand_numbers_rows_after_header() -> None:
    table = Table(header=["a"], rows=[["1"], ["2"]], header_row=3)
    assert table.row_number(0) == 4
    assert table.row_number(1) == 5
    assert table.column_label(0) == "kolonne A ('a')"


# --- CSV round trips -----------------------------------------------------------------


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize("delimiter", DELIMITERS)
def test_round_trip_every_delimiter_and_encoding(delimiter: str, encoding: str) -> None:
    data = write_csv([HEADER, *ROWS], delimiter, encoding)
    table = read_table(data, "struktur.csv")
    assert table.header == HEADER
    assert table.rows == ROWS
    assert table.delimiter == delimiter
    assert table.encoding == encoding
    assert table.header_row == 1
    assert [table.row_number(i) for i in range(3)] == [2, 3, 4]
    assert table.sheet is None


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize("delimiter", DELIMITERS)
def test_round_trip_with_expected_headers(delimiter: str, encoding: str) -> None:
    data = write_csv([["Struktur for Ærø Kommune"], [], HEADER, *ROWS], delimiter, encoding)
    table = read_table(data, "struktur.csv", expected_headers=HEADER)
    assert (table.header, table.rows, table.header_row) == (HEADER, ROWS, 3)


def test_bomless_utf16_is_read() -> None:
    data = write_csv([HEADER, *ROWS], ";", "utf-16-le")
    table = read_table(data, "x.csv")
    assert table.rows == ROWS
    assert table.encoding == "utf-16-le"


def test_quoted_fields_with_delimiters_newlines_and_crlf() -> None:
    text = (
        "Kode;Navn;Note\r\n"
        '1;"Skole; afd. A";"linje 1\r\nlinje 2"\r\n'
        '2;"Sagde ""hej""";\r\n'
        "\r\n"
        '3;C;"a;b;c"\r\n'
        "\r\n\r\n"
    )
    table = read_table(text.encode("utf-8"), "x.csv")
    assert table.delimiter == ";"
    assert table.header == ["Kode", "Navn", "Note"]
    assert table.rows == [
        ["1", "Skole; afd. A", "linje 1\r\nlinje 2"],
        ["2", 'Sagde "hej"', ""],
        ["3", "C", "a;b;c"],
    ]
    # A multi-line cell is still one spreadsheet row; the blank row keeps its number.
    assert [table.row_number(i) for i in range(3)] == [2, 3, 5]


def test_semicolon_file_with_decimal_commas() -> None:
    text = "Kode;Navn;Beløb;Andel\n1;A;12,50;0,5\n2;B;3,25;1,5\n3;C;;0,25\n"
    table = read_table(text.encode("cp1252"), "x.csv")
    assert table.delimiter == ";"
    assert table.rows[0] == ["1", "A", "12,50", "0,5"]


def test_comma_file_with_semicolons_in_text() -> None:
    text = "code,name,note\n1,A,x;y\n2,B,p;q;r\n3,C,\n"
    table = read_table(text.encode(), "x.csv")
    assert table.delimiter == ","
    assert table.rows[1] == ["2", "B", "p;q;r"]


def test_rows_are_padded_and_truncated_and_cells_stripped() -> None:
    text = "Kode;Navn;Type;\n 1 ;A\n2;B;Skole;ekstra;mere\n\u00a03\u00a0;C;x\n"
    table = read_table(text.encode(), "x.csv")
    assert table.header == ["Kode", "Navn", "Type"]
    assert table.rows == [["1", "A", ""], ["2", "B", "Skole"], ["3", "C", "x"]]


def test_c1_characters_from_latin1_mixups_are_repaired() -> None:
    text = "Kode;Navn\n1;Drift \x96 vej\n"
    table = read_table(text.encode(), "x.csv")
    assert table.rows == [["1", "Drift – vej"]]


def test_single_column_file() -> None:
    table = read_table(b"Kode\nA\nB\n", "x.csv")
    assert table.header == ["Kode"]
    assert table.rows == [["A"], ["B"]]


def test_header_only_file_has_no_rows() -> None:
    table = read_table(b"Kode;Navn\r\n", "x.csv")
    assert table.header == ["Kode", "Navn"]
    assert table.rows == []


# --- header detection ----------------------------------------------------------------


def test_title_rows_above_header_without_expected_headers() -> None:
    text = (
        "Organisationsstruktur Demo Kommune;;;\n"
        ";;;\n"
        "Udtrukket:;2024-05-01;;\n"
        "Kode;Navn;Type;EAN\n"
        "1;A;Skole;5798000000001\n"
        "2;B;;\n"
        "3;C;Køkken;\n"
    )
    table = read_table(text.encode(), "x.csv")
    assert table.header_row == 4
    assert table.header == ["Kode", "Navn", "Type", "EAN"]
    assert [table.row_number(i) for i in range(3)] == [5, 6, 7]


def test_expected_headers_pick_the_best_matching_row() -> None:
    text = (
        "Rapport;Navn\n"  # one accidental match
        "\n"
        "Enheds-ID;NAVN;Omk.-sted\n"
        "1;A;4711\n"
    )
    table = read_table(text.encode(), "x.csv", expected_headers=["Enheds-id", "Navn", "Omk.sted"])
    assert table.header_row == 3
    assert table.rows == [["1", "A", "4711"]]


def test_no_expected_match_falls_back_to_width_heuristic() -> None:
    text = "Titel\n\na;b;c\n1;2;3\n4;5;6\n"
    table = read_table(text.encode(), "x.csv", expected_headers=["Kode"])
    assert table.header == ["a", "b", "c"]
    assert table.header_row == 3


def test_duplicate_header_is_an_error_naming_both_columns() -> None:
    with pytest.raises(TableError) as info:
        read_table(b"Kode;Navn;kode\n1;A;2\n", "x.csv")
    message = str(info.value)
    assert "'kode'" in message
    assert "kolonne A (nr. 1)" in message
    assert "kolonne C (nr. 3)" in message
    assert "række 1" in message


def test_empty_header_cell_is_an_error_with_column_letter() -> None:
    with pytest.raises(TableError, match=r"kolonne B \(nr\. 2\)"):
        read_table(b"Kode;;Navn\n1;x;A\n2;y;B\n", "x.csv", expected_headers=["Kode", "Navn"])


# --- bad files -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "data", [b"", b"\n\n", b"   \r\n", b"\xef\xbb\xbf", b"\xff\xfe", b";;;\n;;\n", b"\x00\x00"]
)
def test_empty_file(data: bytes) -> None:
    with pytest.raises(TableError, match="Filen er tom"):
        read_table(data, "tom.csv")


@pytest.mark.parametrize(
    "data",
    [
        random.Random(1).randbytes(4000),
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4,
        b"%PDF-1.7\n" + bytes(range(1, 32)) * 50,
        bytes(range(1, 9)) * 200 + b"a;b\n",
    ],
)
def test_binary_garbage_is_refused(data: bytes) -> None:
    with pytest.raises(TableError, match="kan ikke læses som CSV eller Excel"):
        read_table(data, "data.csv")


def test_broken_zip_is_refused_as_excel() -> None:
    with pytest.raises(TableError, match="kan ikke åbnes som Excel"):
        read_table(b"PK\x03\x04" + b"garbage" * 20, "struktur.xlsx")


def test_mojibake_is_detected_with_row_cell_and_fix() -> None:
    original = "Kode;Navn\n1;Skolen\n2;Køkkenet på Ærø\n"
    broken = original.encode("utf-8").decode("cp1252").encode("utf-8")
    with pytest.raises(TableError) as info:
        read_table(broken, "x.csv")
    message = str(info.value)
    assert "forkert tegnkodning" in message
    assert "'KÃ¸kkenet pÃ¥ Ã†rÃ¸'" in message
    assert "række 3" in message
    assert "kolonne B" in message
    assert "'Køkkenet på Ærø'" in message


@pytest.mark.parametrize(
    ("cell", "fragment"), [("Ã˜sterbro", "Ã˜"), ("BÃ¦k", "Ã¦"), ("Drift â€“ vej", "â€“")]
)
def test_mojibake_variants(cell: str, fragment: str) -> None:
    data = f"Kode,Navn\n1,{cell}\n".encode()
    with pytest.raises(TableError, match=fragment):
        read_table(data, "x.csv")


def test_mojibake_also_detected_in_windows_1252_file() -> None:
    # Mojibake re-saved as Windows-1252 is UTF-8 again, as long as nothing else is there:
    data = "Kode;Navn\n1;KÃ¸kken\n".encode("cp1252")
    assert read_table(data, "x.csv").rows == [["1", "Køkken"]]
    # ...but next to a genuine Windows-1252 letter it stays broken and must be refused.
    data = "Kode;Navn\n1;KÃ¸kken\n2;Åby\n".encode("cp1252")
    with pytest.raises(TableError, match="KÃ¸kken"):
        read_table(data, "x.csv")


def test_legitimate_text_is_not_mistaken_for_mojibake() -> None:
    text = "Kode;Navn\n1;ÅÅ–Ø\n2;Æ€ 100\n3;Ærø, Ålborg, São Paulo\n"
    table = read_table(text.encode(), "x.csv")
    assert table.rows[1] == ["2", "Æ€ 100"]


def test_mojibake_bom_is_removed_silently() -> None:
    data = "\ufeffKode,Navn\n1,A\n".encode().decode("cp1252").encode("utf-8")
    table = read_table(data, "x.csv")
    assert table.header == ["Kode", "Navn"]


# --- spreadsheets --------------------------------------------------------------------


def make_workbook() -> openpyxl.Workbook:
    """A realistic export: title, blank row, header in row 3, numbers and dates."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Struktur"
    sheet["A1"] = "Organisationsstruktur Demo Kommune"
    sheet.append([])
    sheet.append(["Enhedskode", "Navn", "EAN", "Oprettet", "Andel", "Aktiv"])
    sheet.append(["BU", "Børn og Unge", 5798000000001, datetime.date(2024, 1, 2), 0.5, True])
    sheet.append(["SKO", "Skolen", 5798000416604.0, datetime.datetime(2024, 3, 4), 1.0, False])
    sheet.append([])
    sheet.append(["KØK", "Køkken", "5798000000001", datetime.datetime(2024, 3, 4, 13, 5), 2, None])
    other = workbook.create_sheet("Andet ark")
    other.append(["Kode", "Navn"])
    other.append([1, "Et"])
    return workbook


def test_xlsx_title_rows_numbers_dates_and_row_numbers() -> None:
    table = read_table(xlsx_bytes(make_workbook()), "struktur.xlsx", expected_headers=["Navn"])
    assert table.sheet == "Struktur"
    assert table.header_row == 3
    assert table.encoding is None and table.delimiter is None
    assert table.header == ["Enhedskode", "Navn", "EAN", "Oprettet", "Andel", "Aktiv"]
    assert table.rows == [
        ["BU", "Børn og Unge", "5798000000001", "2024-01-02", "0.5", "TRUE"],
        ["SKO", "Skolen", "5798000416604", "2024-03-04", "1", "FALSE"],
        ["KØK", "Køkken", "5798000000001", "2024-03-04 13:05:00", "2", ""],
    ]
    assert [table.row_number(i) for i in range(3)] == [4, 5, 7]


def test_xlsx_header_found_without_expected_headers() -> None:
    table = read_table(xlsx_bytes(make_workbook()), "struktur.xlsx")
    assert table.header_row == 3


def test_xlsx_second_sheet_by_name() -> None:
    data = xlsx_bytes(make_workbook())
    table = read_table(data, "struktur.xlsx", sheet="Andet ark")
    assert table.sheet == "Andet ark"
    assert (table.header, table.rows) == (["Kode", "Navn"], [["1", "Et"]])
    assert read_table(data, "struktur.xlsx", sheet=" andet ARK ").sheet == "Andet ark"


def test_xlsx_unknown_sheet_lists_sheets() -> None:
    with pytest.raises(TableError) as info:
        read_table(xlsx_bytes(make_workbook()), "struktur.xlsx", sheet="Ark1")
    message = str(info.value)
    assert "'Ark1' findes ikke" in message
    assert "'Struktur'" in message and "'Andet ark'" in message


def test_xlsx_detected_by_content_not_extension() -> None:
    table = read_table(xlsx_bytes(make_workbook()), "struktur.csv")
    assert table.sheet == "Struktur"


def test_xlsx_hidden_first_sheet_is_skipped() -> None:
    workbook = make_workbook()
    workbook["Struktur"].sheet_state = "hidden"
    assert read_table(xlsx_bytes(workbook), "x.xlsx").sheet == "Andet ark"


def test_xlsx_empty_sheet() -> None:
    workbook = openpyxl.Workbook()
    with pytest.raises(TableError, match="er tomt"):
        read_table(xlsx_bytes(workbook), "tom.xlsx")


def test_xlsx_mojibake_detected() -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Kode", "Navn"])
    sheet.append(["1", "RÃ¥dhus"])
    with pytest.raises(TableError, match="række 2, kolonne B"):
        read_table(xlsx_bytes(workbook), "x.xlsx")


# --- property-based round trip -------------------------------------------------------

# Header names never contain "q"; cells never do either, so no fragment of a cell can
# pose as a header and the expected-header match stays unambiguous.
HEADER_NAMES = st.text(alphabet="abcdefghijkmnoprstuvwyæøåÆØÅ0123456789", max_size=10).map(
    lambda text: "Q" + text
)
CELL_TEXT = st.text(
    alphabet="abcdefgh xyzæøåÆØÅé0123456789;,|\"'\n\t-.",
    max_size=15,
)


@st.composite
def tables(draw: st.DrawFn) -> tuple[list[str], list[list[str]]]:
    """A header of 2-5 distinct names and 0-8 rows that are not entirely blank."""
    width = draw(st.integers(min_value=2, max_value=5))
    header = draw(
        st.lists(HEADER_NAMES, min_size=width, max_size=width, unique_by=normalise_header)
    )
    row = st.lists(CELL_TEXT, min_size=width, max_size=width).filter(
        lambda cells: any(cell.strip() for cell in cells)
    )
    rows = draw(st.lists(row, max_size=8))
    return header, rows


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    tables(),
    st.sampled_from(DELIMITERS),
    st.sampled_from(ENCODINGS),
    st.sampled_from(["\r\n", "\n"]),
)
def test_random_tables_round_trip(
    table_data: tuple[list[str], list[list[str]]],
    delimiter: str,
    encoding: str,
    line_end: str,
) -> None:
    header, rows = table_data
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=delimiter, lineterminator=line_end).writerows([header, *rows])
    table = read_table(buffer.getvalue().encode(encoding), "x.csv", expected_headers=header)
    assert table.delimiter == delimiter
    assert table.header == header
    assert table.rows == [[cell.strip() for cell in row] for row in rows]
    assert [table.row_number(i) for i in range(len(rows))] == list(range(2, len(rows) + 2))
