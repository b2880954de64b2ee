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
    "thousands_votes_sql",
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
#: Excel counts days from 1899-12-30 (its 1900 leap-year bug included); 5-digit serials only,
#: optionally with the time of day as a fraction ("45658.5" is noon on 1 January 2025).
EXCEL_EPOCH = "1899-12-30"

AMOUNT_EXAMPLE = {",": "1.234,50", ".": "1,234.50"}

# Spaces (also no-break and thin ones used as thousands separators) and currency marks.
_MARKS = r"[\s\x{00A0}\x{2009}\x{202F}]|kr\.?|dkk|eur|gbp|usd|sek|nok|£|€|\$"
# A minus sign typed or pasted as U+2212 or an en dash is still a minus.
_MINUS_SIGNS = "\u2212\u2013"


def quote(text: str) -> str:
    """A SQL string literal. A NUL character cannot be in one, so it is left out."""
    return "'" + text.replace("\x00", "").replace("'", "''") + "'"


def text_sql(column: str) -> str:
    """The text, NULL when blank.

    Not trimmed here: the purchase import's sources hand over cells already stripped of all
    (Unicode) whitespace, which is much cheaper in Arrow than DuckDB's ``trim`` in SQL.
    """
    return f"nullif({column}, '')"


# --- numbers -------------------------------------------------------------------------------


def amount_clean_sql(text: str) -> str:
    """Step 1: lower-case, without spaces and currency marks ("kr. 1.234,50-" → "1.234,50-")."""
    marks = f"regexp_replace(lower({text}), {quote(_MARKS)}, '', 'g')"
    return f"translate({marks}, {quote(_MINUS_SIGNS)}, '--')"


def _number_pattern(decimal: str) -> str:
    """RE2 pattern of an unsigned well-formed number in the given decimal style."""
    t, d = (r"\.", ",") if decimal == "," else (",", r"\.")
    return rf"(\d{{1,3}}({t}\d{{3}})+|\d+)({d}\d+)?|{d}\d+"


def amount_value_sql(clean: str, decimal: str, *, as_type: str = "DECIMAL(18,2)") -> str:
    """Step 2: the number in the column's decimal style, or NULL when not well-formed.

    Only well-formed numbers pass: thousands separators in groups of three, one decimal
    separator, and at most one sign: a "+" or "-" in front, a "-" at the end, or the whole
    number in parentheses. "12,3,4" is NULL, not 1234; so are "(12", "12)" and "-12-".
    """
    thousands = "." if decimal == "," else ","
    number = _number_pattern(decimal)
    pattern = rf"[+-]?({number})|({number})-|\(({number})\)"
    # The pattern has already placed the sign; dropping sign characters with plain
    # replace() is far cheaper than DuckDB's two-argument trim (a hash set per row).
    body = clean
    for char in "-+()":
        body = f"replace({body}, {quote(char)}, '')"
    negative = (
        f"(starts_with({clean}, '-') OR ends_with({clean}, '-') OR starts_with({clean}, '('))"
    )
    plain = f"replace(replace({body}, {quote(thousands)}, ''), {quote(decimal)}, '.')"
    value = f"TRY_CAST({plain} AS {as_type})"
    return (
        f"CASE WHEN regexp_full_match({clean}, {quote(pattern)}) THEN "
        f"CASE WHEN {negative} THEN -{value} ELSE {value} END END"
    )


def decimal_votes_sql(column: str) -> str:
    """Evidence for comma- or point-decimals in a text column: (comma, point) counts.

    Only values that can be read one way alone vote: "12,50", "0,125", ",5", "1.234,5" and
    "1.234.567" for comma decimals, their mirror images for point decimals. A single group
    of three digits after one separator ("1,500" or "1.500") is left out: it is 1.5 kg in
    a Danish quantity column and 1500 in a UK amount column, so it says nothing about the
    style (see :func:`thousands_votes_sql` for using it as a last resort).
    """
    body = f"trim({amount_clean_sql(text_sql(column))}, '-+()')"
    comma = r"0?,\d+|\d*,(\d{1,2}|\d{4,})|\d{1,3}(\.\d{3})+,\d+|\d{1,3}(\.\d{3}){2,}"
    point = r"0?\.\d+|\d*\.(\d{1,2}|\d{4,})|\d{1,3}(,\d{3})+\.\d+|\d{1,3}(,\d{3}){2,}"
    return (
        f"count(*) FILTER (WHERE regexp_full_match({body}, {quote(comma)})), "
        f"count(*) FILTER (WHERE regexp_full_match({body}, {quote(point)}))"
    )


def thousands_votes_sql(column: str) -> str:
    """Weak evidence, (comma, point) counts: values like "1.500" and "1,500".

    Read as a thousands separator, "1.500" means comma decimals and "1,500" point decimals.
    That is the likely reading in an amount column (amounts have two decimals, so three
    digits after the only separator are thousands) but not in a quantity column, where
    kilograms are often written with three decimals.
    """
    body = f"trim({amount_clean_sql(text_sql(column))}, '-+()')"
    dot_group = quote(r"[1-9]\d{0,2}\.\d{3}")
    comma_group = quote(r"[1-9]\d{0,2},\d{3}")
    return (
        f"count(*) FILTER (WHERE regexp_full_match({body}, {dot_group})), "
        f"count(*) FILTER (WHERE regexp_full_match({body}, {comma_group}))"
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
        f"CASE WHEN regexp_full_match({text}, '[0-9]{{5}}([.,][0-9]+)?') THEN "
        f"DATE '{EXCEL_EPOCH}' + TRY_CAST(left({text}, 5) AS INTEGER) END"
    )
    return f"coalesce({serial}, CAST(try_strptime({text}, {listing}) AS DATE))"


def date_range_sql(parsed: str) -> str:
    """The parsed date when its year is plausible (1990–2100), else NULL."""
    return f"CASE WHEN year({parsed}) BETWEEN {MIN_YEAR} AND {MAX_YEAR} THEN {parsed} END"


# --- CVR and EAN ---------------------------------------------------------------------------


def _weighted(digits: str, weights: tuple[int, ...]) -> str:
    # TRY_CAST: DuckDB may evaluate this before the digits check that guards it.
    terms = [
        f"TRY_CAST(substr({digits}, {i + 1}, 1) AS INTEGER) * {w}" for i, w in enumerate(weights)
    ]
    return "(" + " + ".join(terms) + ")"


def _all_digits(digits: str, length: int) -> str:
    return f"(length({digits}) = {length} AND regexp_full_match({digits}, '[0-9]+'))"


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
        f"(10 - {check} % 10) % 10 = TRY_CAST(substr({clean}, 13, 1) AS INTEGER) "
        f"THEN {clean} END"
    )
