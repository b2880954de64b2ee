"""The SQL rules that parse amounts and dates and check CVR and EAN numbers.

Every purchase line passes through these DuckDB expressions, so they are checked value by
value against what a Danish or UK export actually contains, and against small reference
implementations in Python (for amounts) and :mod:`omlob.core.codes` (for CVR and EAN) with
generated input.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import duckdb
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from omlob.core.codes import is_valid_cvr, is_valid_gln, make_cvr, make_gln
from omlob.core.valuesql import (
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

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def con() -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect()
    yield connection
    connection.close()


def evaluate(
    con: duckdb.DuckDBPyConnection, build: Callable[[str], str], values: Sequence[str | None]
) -> list[Any]:
    """``build("v")`` evaluated for each value, in order (one query for the whole list)."""
    table = pa.table(
        {"i": pa.array(range(len(values)), pa.int64()), "v": pa.array(values, pa.string())}
    )
    con.register("vals", table)
    try:
        rows = con.execute(f"SELECT {build('v')} FROM vals ORDER BY i").fetchall()
    finally:
        con.unregister("vals")
    return [row[0] for row in rows]


def amounts(con: duckdb.DuckDBPyConnection, values: Sequence[str | None], decimal: str) -> list:
    return evaluate(con, lambda v: amount_value_sql(amount_clean_sql(text_sql(v)), decimal), values)


def dates(
    con: duckdb.DuckDBPyConnection,
    values: Sequence[str | None],
    formats: Sequence[str] = DATE_FORMATS,
) -> list:
    return evaluate(con, lambda v: date_range_sql(date_sql(text_sql(v), formats)), values)


# --- amounts ---------------------------------------------------------------------------------

COMMA_CASES = [
    ("1.234,50", "1234.50"),
    ("1.234,50-", "-1234.50"),
    ("(1234,50)", "-1234.50"),
    ("(1.234,50)", "-1234.50"),
    ("-1.234,50", "-1234.50"),
    ("+1.234,50", "1234.50"),
    ("kr. 1.234,50", "1234.50"),
    ("1.234,50 kr.", "1234.50"),
    ("DKK -12,00", "-12.00"),
    ("1 234,50", "1234.50"),  # space as thousands separator
    ("1\u00a0234,50", "1234.50"),  # no-break space
    ("1\u202f234,50", "1234.50"),  # narrow no-break space
    ("\u22121.234,50", "-1234.50"),  # a real minus sign
    ("0,5", "0.50"),
    (",5", "0.50"),
    ("-,5", "-0.50"),
    ("12", "12.00"),
    ("1.000.000", "1000000.00"),
    ("1.500", "1500.00"),  # dot thousands in comma style
    ("12,345", "12.35"),  # more decimals than cents: rounded half up
    ("-12,345", "-12.35"),
    ("  7,25  ", "7.25"),
]

POINT_CASES = [
    ("1,234.50", "1234.50"),
    ("-1,234.50", "-1234.50"),
    ("1,234.50-", "-1234.50"),
    ("(1,234.50)", "-1234.50"),
    ("£1,234.50", "1234.50"),
    ("€ 99.95", "99.95"),
    ("0.5", "0.50"),
    (".5", "0.50"),
    ("1234.5", "1234.50"),
    ("1,500", "1500.00"),
    ("438.80", "438.80"),
    ("-1466.53", "-1466.53"),
]

REFUSED = [
    "12,3,4",  # two decimal marks: what the synthetic "mess" writes
    "abc",
    "1.2.3",
    "1.23,45",  # thousands groups must have three digits
    "1,23,456",  # Indian grouping
    "(12",
    "12)",
    "-12-",
    "--12",
    "+-12",
    "12,50 EUR EUR x",
    "1e5",
    "-",
    "()",
    "kr.",
    "",
    None,
]


@pytest.mark.parametrize(("text", "expected"), COMMA_CASES)
def test_amount_comma_decimal(con, text: str, expected: str) -> None:
    assert amounts(con, [text], ",") == [Decimal(expected)]


@pytest.mark.parametrize(("text", "expected"), POINT_CASES)
def test_amount_point_decimal(con, text: str, expected: str) -> None:
    assert amounts(con, [text], ".") == [Decimal(expected)]


@pytest.mark.parametrize("decimal", [",", "."])
def test_amount_refuses_malformed_numbers(con, decimal: str) -> None:
    assert amounts(con, REFUSED, decimal) == [None] * len(REFUSED)


def test_one_style_refuses_the_other() -> None:
    con = duckdb.connect()
    # A comma-decimal column cannot contain "1,234.50" and vice versa; "1.234" is read
    # differently but both readings are well-formed.
    assert amounts(con, ["1,234.50", "1.234,50", "1.234"], ",") == [
        None,
        Decimal("1234.50"),
        Decimal("1234.00"),
    ]
    assert amounts(con, ["1,234.50", "1.234,50", "1.234"], ".") == [
        Decimal("1234.50"),
        None,
        Decimal("1.23"),
    ]


def test_amount_beyond_decimal_18_2_is_refused(con) -> None:
    assert amounts(con, ["9999999999999999,99", "10000000000000000"], ",") == [
        Decimal("9999999999999999.99"),
        None,
    ]


def test_quantity_as_double(con) -> None:
    values = ["1,500", "27,75", "(2,5)", "3"]
    result = evaluate(
        con, lambda v: amount_value_sql(amount_clean_sql(v), ",", as_type="DOUBLE"), values
    )
    assert result == [1.5, 27.75, -2.5, 3.0]


# --- the reference parser ---------------------------------------------------------------------

_REF_MARKS = re.compile(r"[\t\n\f\r \u00a0\u2009\u202f]|kr\.?|dkk|eur|gbp|usd|sek|nok|£|€|\$")
_CENT = Decimal("0.01")


def reference_amount(text: str | None, decimal: str) -> Decimal | None:
    """The documented amount rules in plain Python, written independently of the SQL."""
    if text is None or not text.strip(" "):
        return None
    clean = _REF_MARKS.sub("", text.strip(" ").lower())
    clean = clean.replace("\u2212", "-").replace("\u2013", "-")
    group, point = (r"\.", ",") if decimal == "," else (",", r"\.")
    number = rf"(?:\d{{1,3}}(?:{group}\d{{3}})+|\d+)(?:{point}\d+)?|{point}\d+"
    match = re.fullmatch(rf"([+-]?)({number})|({number})-|\(({number})\)", clean, re.ASCII)
    if match is None:
        return None
    sign, first, trailing, parenthesised = match.groups()
    body = first or trailing or parenthesised
    thousands = "." if decimal == "," else ","
    value = Decimal(body.replace(thousands, "").replace(decimal, "."))
    value = value.quantize(_CENT, rounding=ROUND_HALF_UP)
    if sign == "-" or trailing or parenthesised:
        value = -value
    if abs(value) >= Decimal(10) ** 16:
        return None
    return value


@st.composite
def formatted_amounts(draw: st.DrawFn) -> tuple[str, str, Decimal]:
    """A well-formed amount as some export would write it, with its true value."""
    decimal = draw(st.sampled_from([",", "."]))
    cents = draw(st.integers(min_value=-(10**14), max_value=10**14))
    whole, fraction = divmod(abs(cents), 100)
    thousands = "." if decimal == "," else ","
    body = f"{whole:,}".replace(",", thousands) if draw(st.booleans()) else str(whole)
    decimals = draw(st.sampled_from(["two", "short", "none"]))
    if decimals == "short" and fraction % 10 == 0:
        body += f"{decimal}{fraction // 10}"  # "12,5"
    elif decimals != "none" or fraction:
        body += f"{decimal}{fraction:02d}"
    if cents < 0:
        body = draw(st.sampled_from(["-{}", "{}-", "({})", "\u2212{}"])).format(body)
    elif draw(st.booleans()):
        body = "+" + body
    body = draw(st.sampled_from(["{}", "kr. {}", "{} DKK", " {} ", "€{}"])).format(body)
    return body, decimal, Decimal(cents) / 100


@SETTINGS
@given(st.lists(formatted_amounts(), min_size=1, max_size=40))
def test_sql_amounts_agree_with_reference_on_well_formed_numbers(con, cases) -> None:
    for decimal in (",", "."):
        chosen = [(text, value) for text, style, value in cases if style == decimal]
        if not chosen:
            continue
        texts = [text for text, _ in chosen]
        parsed = amounts(con, texts, decimal)
        for (text, value), sql in zip(chosen, parsed, strict=True):
            assert sql == value, text
            assert reference_amount(text, decimal) == value, text


@SETTINGS
@given(st.lists(st.text(alphabet="0123456789.,-+() kr", max_size=10), min_size=1, max_size=40))
def test_sql_amounts_agree_with_reference_on_any_text(con, texts: list[str]) -> None:
    for decimal in (",", "."):
        parsed = amounts(con, texts, decimal)
        expected = [reference_amount(text, decimal) for text in texts]
        assert parsed == expected


# --- decimal separator votes -------------------------------------------------------------------


def votes(con, values: Sequence[str]) -> tuple[int, int, int, int]:
    table = pa.table({"v": pa.array(values, pa.string())})
    con.register("sample", table)
    try:
        row = con.execute(
            f"SELECT {decimal_votes_sql('v')}, {thousands_votes_sql('v')} FROM sample"
        ).fetchone()
    finally:
        con.unregister("sample")
    return tuple(row)  # type: ignore[return-value]


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["12,50", "1.234,50", "0,125", "1.234.567"], (4, 0, 0, 0)),
        (["12.50", "1,234.50", "0.125", "1,234,567"], (0, 4, 0, 0)),
        # One group of three digits says nothing about the style: 1.5 kg or 1500 kr.
        (["1,500", "1.500", "12", "", "-", "abc"], (0, 0, 1, 1)),
        (["0,500", ",125", "0.500", ".125"], (2, 2, 0, 0)),
        (["(1.234,50)", "1.234,50-", "kr. 12,00"], (3, 0, 0, 0)),
        (["-1,234.50", "£12.00"], (0, 2, 0, 0)),
    ],
)
def test_decimal_votes(con, values: list[str], expected: tuple[int, int, int, int]) -> None:
    assert votes(con, values) == expected


def test_kilogram_quantities_with_three_decimals_do_not_outvote_the_rest(con) -> None:
    # A Danish quantity column: many "1,500" kg and a few "27,75" hours. The old rule read
    # "1,500" as point-decimal evidence and then refused every "27,75".
    comma, point, _, _ = votes(con, ["1,500"] * 50 + ["0,750"] * 30 + ["27,75"] * 3 + ["12"])
    assert comma > point


# --- dates -----------------------------------------------------------------------------------

DATE_CASES = [
    ("31-12-2025", dt.date(2025, 12, 31)),
    ("1-2-2025", dt.date(2025, 2, 1)),
    ("31.12.2025", dt.date(2025, 12, 31)),
    ("2025-12-31", dt.date(2025, 12, 31)),
    ("31/12/2025", dt.date(2025, 12, 31)),
    ("2025-12-31 13:45:00", dt.date(2025, 12, 31)),
    ("2025-12-31T13:45:00", dt.date(2025, 12, 31)),
    ("31.12.2025 08:00:00", dt.date(2025, 12, 31)),
    ("20251231", dt.date(2025, 12, 31)),
    ("2025/12/31", dt.date(2025, 12, 31)),
    ("45658", dt.date(2025, 1, 1)),  # Excel serial
    ("45658.5", dt.date(2025, 1, 1)),  # serial with time of day
    ("45657", dt.date(2024, 12, 31)),
    (" 31-12-2025 ", dt.date(2025, 12, 31)),
]

DATE_REFUSED = [
    "31-02-2025",  # no such day
    "29-02-2025",
    "32-01-2025",
    "01-13-2025",
    "01-01-1989",  # before 1990: a typing error, not a purchase
    "01-01-2101",
    "31-12-2205",
    "99999",  # serial in 2173
    "12345",  # serial in 1933
    "00:00:00",  # the Oxford files' Paid Date
    "abc",
    "2025",
    "",
    None,
]


@pytest.mark.parametrize(("text", "expected"), DATE_CASES)
def test_dates(con, text: str, expected: dt.date) -> None:
    assert dates(con, [text]) == [expected]


def test_dates_refused(con) -> None:
    assert dates(con, DATE_REFUSED) == [None] * len(DATE_REFUSED)


def test_leap_day(con) -> None:
    assert dates(con, ["29-02-2024", "29.02.2028"]) == [dt.date(2024, 2, 29), dt.date(2028, 2, 29)]


def test_date_formats_for_orders_by_the_sample() -> None:
    assert date_formats_for(["31.12.2025", "01.01.2025", "bad"])[0] == "%d.%m.%Y"
    assert date_formats_for(["31/12/2025 10:00:00"])[0] == "%d/%m/%Y %H:%M:%S"
    assert date_formats_for([])[: len(DATE_FORMATS)] == list(DATE_FORMATS)
    two_digit = date_formats_for(["31-12-25", "01-01-25"])
    assert two_digit[0] == "%d-%m-%y"
    assert sorted(two_digit) == sorted(DATE_FORMATS)


def test_two_digit_years_with_the_sampled_format(con) -> None:
    formats = date_formats_for(["31-12-25"])
    assert dates(con, ["31-12-25", "01-06-24"], formats) == [
        dt.date(2025, 12, 31),
        dt.date(2024, 6, 1),
    ]


# --- CVR -------------------------------------------------------------------------------------


def cvr_values(con, values: Sequence[str | None]) -> list[str | None]:
    return evaluate(con, lambda v: cvr_value_sql(cvr_clean_sql(text_sql(v))), values)


def cvr_errors(con, values: Sequence[str | None]) -> list[str | None]:
    def build(v: str) -> str:
        text = text_sql(v)
        clean = cvr_clean_sql(text)
        return cvr_error_sql(text, clean, cvr_value_sql(clean), foreign_vat_sql(text))

    return evaluate(con, build, values)


VALID_CVRS = [cvr for cvr in (make_cvr(f"{n:07d}") for n in range(2_900_000, 2_900_040)) if cvr]


def test_valid_cvr_in_its_written_forms(con) -> None:
    cvr = VALID_CVRS[0]
    forms = [
        cvr,
        f"DK{cvr}",
        f"dk {cvr}",
        f"DK-{cvr}",
        f"DK: {cvr}",
        f"{cvr[:2]} {cvr[2:4]} {cvr[4:6]} {cvr[6:]}",
        f"{cvr[:4]}-{cvr[4:]}",
        f"{cvr[:4]}.{cvr[4:]}",
    ]
    assert cvr_values(con, forms) == [cvr] * len(forms)
    assert cvr_errors(con, forms) == [None] * len(forms)


def test_generated_cvrs_pass_and_a_changed_check_digit_fails(con) -> None:
    assert len(VALID_CVRS) > 20
    wrong = [f"{cvr[:-1]}{(int(cvr[-1]) + 1) % 10}" for cvr in VALID_CVRS]
    assert cvr_values(con, VALID_CVRS) == VALID_CVRS
    assert cvr_values(con, wrong) == [None] * len(wrong)
    assert all(not is_valid_cvr(value) for value in wrong)


def test_cvr_error_messages(con) -> None:
    cvr = VALID_CVRS[0]
    values = [
        "1234567",
        "123456789",
        "1234567A",
        "01234567",
        f"{cvr[:-1]}{(int(cvr[-1]) + 1) % 10}",
        "SE556677889901",
        "GB 123 4567 89",
        None,
    ]
    assert cvr_errors(con, values) == [
        "CVR-nummeret skal have 8 cifre",
        "CVR-nummeret skal have 8 cifre",
        "CVR-nummeret skal have 8 cifre",
        "CVR-nummeret kan ikke begynde med 0",
        "CVR-nummeret er ugyldigt (kontrollen efter modulus 11 passer ikke)",
        None,
        None,
        None,
    ]


def test_foreign_vat_numbers_are_kept_as_ids(con) -> None:
    values = ["SE556677889901", "gb123456789", "DK12345678", "12345678", "N/A"]
    assert evaluate(con, lambda v: foreign_vat_sql(text_sql(v)), values) == [
        "VAT:SE556677889901",
        "VAT:GB123456789",
        None,
        None,
        None,
    ]


@SETTINGS
@given(st.lists(st.text(alphabet="0123456789", min_size=8, max_size=8), min_size=1, max_size=60))
def test_sql_cvr_check_agrees_with_codes(con, values: list[str]) -> None:
    parsed = cvr_values(con, values)
    assert [value is not None for value in parsed] == [is_valid_cvr(v) for v in values]
    assert all(p in (None, v) for p, v in zip(parsed, values, strict=True))


@SETTINGS
@given(st.lists(st.text(alphabet="0123456789 -.DKdkA", max_size=12), min_size=1, max_size=60))
def test_sql_cvr_never_accepts_what_codes_rejects(con, values: list[str]) -> None:
    for value, parsed in zip(values, cvr_values(con, values), strict=True):
        if parsed is not None:
            assert is_valid_cvr(parsed)
            assert re.sub(r"\D", "", value) == parsed


# --- EAN / GLN -------------------------------------------------------------------------------


def ean_values(con, values: Sequence[str | None]) -> list[str | None]:
    return evaluate(con, lambda v: ean_value_sql(ean_clean_sql(text_sql(v))), values)


def test_ean_with_separators(con) -> None:
    gln = make_gln("579800100001")
    forms = [gln, f"{gln[:4]} {gln[4:8]} {gln[8:]}", f"{gln[:4]}-{gln[4:]}", f"{gln[:4]}.{gln[4:]}"]
    assert ean_values(con, forms) == [gln] * len(forms)
    wrong = f"{gln[:-1]}{(int(gln[-1]) + 1) % 10}"
    assert ean_values(con, [wrong, gln[:-1], gln + "0", "57980010000A1", None]) == [None] * 5


@SETTINGS
@given(
    st.lists(st.text(alphabet="0123456789", min_size=13, max_size=13), min_size=1, max_size=60),
    st.lists(st.text(alphabet="0123456789", min_size=12, max_size=12), min_size=1, max_size=20),
)
def test_sql_ean_check_agrees_with_codes(con, values: list[str], bodies: list[str]) -> None:
    values = values + [make_gln(body) for body in bodies]
    parsed = ean_values(con, values)
    assert [value is not None for value in parsed] == [is_valid_gln(v) for v in values]
    assert all(p in (None, v) for p, v in zip(parsed, values, strict=True))


def test_quote_escapes_single_quotes(con) -> None:
    text = "it's; DROP TABLE x; --"
    assert con.execute(f"SELECT {quote(text)}").fetchone() == (text,)
    # DuckDB literals cannot hold NUL (a header cell can): it is left out, not a crash.
    assert con.execute(f"SELECT {quote('Leve' + chr(0) + 'randør')}").fetchone() == ("Leverandør",)
