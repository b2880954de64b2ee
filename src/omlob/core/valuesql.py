"""Parse and check purchase-line values in SQL, so a million rows take seconds, not minutes.

Exports write numbers and dates in whatever style the system's locale dictates: decimal comma
with dot thousands (``1.234,50``), a trailing minus (``1.234,50-``), parentheses for
negatives (``(1234,50)``), UK point decimals with comma thousands (``1,234.50``), dates as
``dd-mm-yyyy``, ``dd.mm.yyyy``, ISO or Excel serial numbers. Doing this row by row in Python
would dominate the import, so each rule here is a DuckDB SQL expression over a text column.

The rules come in two steps so that each regular expression runs once per value: a *clean*
expression (one column in an inner SELECT) and a *value* expression over that cleaned column
(in the SELECT around it). Every value expression returns a value or NULL; the pipeline
turns NULLs from non-blank text into Danish reasons for the quarantine.

The decimal separator of a column is decided once from the column's values (a "1.234" alone
is ambiguous; a column that also has "12,50" is not), because deciding per value would read
the same file's "1.500" as 1.5 on one row and 1500 on the next.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

__all__ = [
    "AMOUNT_EXAMPLE",
    "DATE_FORMATS",
    "amount_clean_sql",
    "amount_value_sql",
    "cvr_clean_sql",
    "cvr_error_sql",
    "cvr_value_sql",
    "date_formats_for",
    "date_range_sql",
    "date_sql",
    "decimal_votes_sql",
    "ean_clean_sql",
    "ean_value_sql",
    "foreign_vat_sql",
    "quote",
    "text_sql",
]

#: strptime formats (day before month: Danish and UK exports). Files are tried with the
#: formats their sample matched first, so the common case costs one attempt per value.
DATE_FORMATS: tuple[str, ...] = (
    "%d-%m-%Y",
    "%d.%m.%Y",
    "%Y-%m-%d",
    "%d/%m/%Y",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%d-%m-%Y %H:%M:%S",
    "%d.%m.%Y %H:%M:%S",
    "%d/%m/%Y %H:%M:%S",
    "%d-%m-%y",
    "%d.%m.%y",
    "%d/%m/%y",
    "%Y%m%d",
    "%Y/%m/%d",
)
#: Dates outside these years are typing errors ("2205"), not purchases.
MIN_YEAR = 1990
MAX_YEAR = 2100
#: Excel counts days from 1899-12-30 (its 1900 leap-year bug included); 5-digit serials only.
EXCEL_EPOCH = "1899-12-30"

AMOUNT_EXAMPLE = {",": "1.234,50", ".": "1,234.50"}

_MARKS = r"[\s\x{00A0}]|kr\.?|dkk|eur|gbp|usd|sek|nok|£|€|\$"


def quote(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def text_sql(column: str) -> str:
    """Trimmed text, NULL when blank."""
    return f"nullif(trim({column}), '')"


# --- numbers -------------------------------------------------------------------------------


def amount_clean_sql(text: str) -> str:
    """Step 1: lower-case, without spaces and currency marks ("kr. 1.234,50-" → "1.234,50-")."""
    return f"regexp_replace(lower({text}), {quote(_MARKS)}, '', 'g')"


def amount_value_sql(clean: str, decimal: str, *, as_type: str = "DECIMAL(18,2)") -> str:
    """Step 2: the number in the column's decimal style, or NULL when not well-formed.

    Only well-formed numbers pass: thousands separators in groups of three, one decimal
    separator, a sign in front, at the end or as parentheses. "12,3,4" is NULL, not 1234.
    """
    thousands = "." if decimal == "," else ","
    t, d = (r"\.", ",") if decimal == "," else (",", r"\.")
    pattern = rf"(\d{{1,3}}({t}\d{{3}})+|\d+)({d}\d+)?|{d}\d+"
    body = f"trim({clean}, '-+()')"
    negative = (
        f"(starts_with({clean}, '-') OR ends_with({clean}, '-') OR starts_with({clean}, '('))"
    )
    plain = f"replace(replace({body}, {quote(thousands)}, ''), {quote(decimal)}, '.')"
    value = f"TRY_CAST({plain} AS {as_type})"
    return (
        f"CASE WHEN regexp_full_match({body}, {quote(pattern)}) THEN "
        f"CASE WHEN {negative} THEN -{value} ELSE {value} END END"
    )


def decimal_votes_sql(column: str) -> str:
    """Evidence for comma- or point-decimals in a text column: (comma, point) counts."""
    body = f"trim({amount_clean_sql(text_sql(column))}, '-+()')"
    comma = r"([^,]*\.\d{3})?,\d+|\d+,\d{1,2}|\d+,\d{4,}"
    point = r"([^.]*,\d{3})?\.\d+|\d+\.\d{1,2}|\d+\.\d{4,}"
    comma_thousands = r"\d{1,3}(,\d{3})+"
    point_thousands = r"\d{1,3}(\.\d{3})+"
    return (
        f"count(*) FILTER (WHERE regexp_full_match({body}, {quote(comma)}) "
        f"OR regexp_full_match({body}, {quote(point_thousands)})), "
        f"count(*) FILTER (WHERE regexp_full_match({body}, {quote(point)}) "
        f"OR regexp_full_match({body}, {quote(comma_thousands)}))"
    )


# --- dates ---------------------------------------------------------------------------------


def date_formats_for(values: Iterable[str]) -> list[str]:
    """All supported formats, those matching the most sample values first."""
    sample = [v.strip() for v in values if v and v.strip()][:2000]
    scores: dict[str, int] = dict.fromkeys(DATE_FORMATS, 0)
    for fmt in DATE_FORMATS:
        for value in sample:
            try:
                datetime.datetime.strptime(value, fmt)
            except ValueError:
                continue
            scores[fmt] += 1
    return sorted(DATE_FORMATS, key=lambda fmt: (-scores[fmt], DATE_FORMATS.index(fmt)))


def date_sql(text: str, formats: Iterable[str] = DATE_FORMATS) -> str:
    """A DATE from any supported style, or NULL; check the year with :func:`date_range_sql`."""
    listing = "[" + ", ".join(quote(fmt) for fmt in formats) + "]"
    serial = (
        f"CASE WHEN length({text}) = 5 AND TRY_CAST({text} AS INTEGER) IS NOT NULL THEN "
        f"DATE '{EXCEL_EPOCH}' + CAST({text} AS INTEGER) END"
    )
    return f"coalesce({serial}, CAST(try_strptime({text}, {listing}) AS DATE))"


def date_range_sql(parsed: str) -> str:
    """The parsed date when its year is plausible (1990–2100), else NULL."""
    return f"CASE WHEN year({parsed}) BETWEEN {MIN_YEAR} AND {MAX_YEAR} THEN {parsed} END"


# --- CVR and EAN ---------------------------------------------------------------------------


def _weighted(digits: str, weights: tuple[int, ...]) -> str:
    terms = [f"CAST(substr({digits}, {i + 1}, 1) AS INTEGER) * {w}" for i, w in enumerate(weights)]
    return "(" + " + ".join(terms) + ")"


def _all_digits(digits: str, length: int) -> str:
    return (
        f"(length({digits}) = {length} AND TRY_CAST({digits} AS BIGINT) IS NOT NULL "
        f"AND NOT regexp_matches({digits}, '[^0-9]'))"
    )


def cvr_clean_sql(text: str) -> str:
    """Step 1: the CVR text without "DK", spaces, dots and dashes ("DK 12 34-56 78")."""
    return f"regexp_replace(upper({text}), '^DK[\\s:-]*|[\\s.\\x{{00A0}}-]', '', 'g')"


def cvr_value_sql(clean: str) -> str:
    """Step 2: the 8 digits when they are a valid Danish CVR number (modulus 11)."""
    check = _weighted(clean, (2, 7, 6, 5, 4, 3, 2, 1))
    return (
        f"CASE WHEN {_all_digits(clean, 8)} AND NOT starts_with({clean}, '0') "
        f"AND {check} % 11 = 0 THEN {clean} END"
    )


def foreign_vat_sql(text: str) -> str:
    """A foreign VAT number ("SE556…", "GB123…") written in the CVR column, kept as an id."""
    upper = f"upper({text})"
    return (
        f"CASE WHEN NOT starts_with({upper}, 'DK') "
        f"AND regexp_full_match({upper}, '[A-Z]{{2}}[A-Z0-9 .-]{{2,}}') THEN 'VAT:' || {upper} END"
    )


def cvr_error_sql(text: str, clean: str, value: str, foreign: str) -> str:
    """Why a non-blank CVR value was refused (NULL when valid or a foreign VAT number).

    ``value`` and ``foreign`` are the columns holding :func:`cvr_value_sql` and
    :func:`foreign_vat_sql`, so nothing is computed twice.
    """
    return (
        f"CASE WHEN {text} IS NULL OR {value} IS NOT NULL OR {foreign} IS NOT NULL THEN NULL "
        f"WHEN NOT {_all_digits(clean, 8)} THEN 'CVR-nummeret skal have 8 cifre' "
        f"WHEN starts_with({clean}, '0') THEN 'CVR-nummeret kan ikke begynde med 0' "
        f"ELSE 'CVR-nummeret er ugyldigt (kontrollen efter modulus 11 passer ikke)' END"
    )


def ean_clean_sql(text: str) -> str:
    """Step 1: the EAN text without spaces, dots and dashes."""
    return f"regexp_replace({text}, '[\\s.\\x{{00A0}}-]', '', 'g')"


def ean_value_sql(clean: str) -> str:
    """Step 2: the 13 digits when they are an EAN/GLN with a correct GS1 check digit."""
    weights = tuple(1 if i % 2 == 0 else 3 for i in range(12))
    check = _weighted(clean, weights)
    return (
        f"CASE WHEN {_all_digits(clean, 13)} AND "
        f"(10 - {check} % 10) % 10 = CAST(substr({clean}, 13, 1) AS INTEGER) THEN {clean} END"
    )
