"""Parse and check purchase-line values in SQL, so a million rows take a second, not a minute.

Exports write numbers and dates in whatever style the system's locale dictates: decimal comma
with dot thousands (``1.234,50``), a trailing minus (``1.234,50-``), parentheses for
negatives (``(1234,50)``), UK point decimals with comma thousands (``1,234.50``), dates as
``dd-mm-yyyy``, ``dd.mm.yyyy``, ISO or Excel serial numbers. Doing this row by row in Python
would dominate the import, so each rule here is a DuckDB SQL expression over a text column;
every rule returns either a value or NULL, and a separate expression says why it failed, in
Danish, for the quarantine.

The decimal separator of a column is decided once from the column's values (a "1.234" alone
is ambiguous; a column that also has "12,50" is not), because deciding per value would read
the same file's "1.500" as 1.5 on one row and 1500 on the next.
"""

from __future__ import annotations

__all__ = [
    "AMOUNT_EXAMPLE",
    "DATE_FORMATS",
    "amount_sql",
    "cvr_error_sql",
    "cvr_sql",
    "date_sql",
    "decimal_votes_sql",
    "ean_ok_sql",
    "foreign_vat_sql",
    "quote",
    "text_sql",
]

#: strptime formats tried in this order (day before month: Danish and UK exports).
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

_CURRENCY_MARKS = r"^(kr\.?|dkk|eur|gbp|usd|sek|nok|£|€|\$)|(kr\.?|dkk|eur|gbp|usd|sek|nok|£|€)$"


def quote(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def text_sql(column: str) -> str:
    """Trimmed text, NULL when blank (non-breaking spaces count as blank)."""
    return f"nullif(trim(replace({column}, chr(160), ' ')), '')"


def _number_body(column: str) -> str:
    """The value without spaces, currency marks and sign characters."""
    compact = f"regexp_replace({text_sql(column)}, '[\\s\u00a0]', '', 'g')"
    unmarked = f"regexp_replace({compact}, {quote(_CURRENCY_MARKS)}, '', 'i')"
    return f"regexp_replace({unmarked}, '^[-+(]+|[-)]+$', '', 'g')"


def _negative(column: str) -> str:
    compact = f"regexp_replace({text_sql(column)}, '[\\s\u00a0]', '', 'g')"
    return f"regexp_matches({compact}, '^[-(]|[-)]$')"


def amount_sql(column: str, decimal: str, *, as_type: str = "DECIMAL(18,2)") -> str:
    """A number in the column's decimal style, or NULL when the text is not such a number.

    Only well-formed numbers pass: thousands separators in groups of three, one decimal
    separator, a sign in front, at the end or as parentheses. "12,3,4" is NULL, not 1234.
    """
    thousands = "." if decimal == "," else ","
    t, d = (r"\.", ",") if decimal == "," else (",", r"\.")
    pattern = rf"^(\d{{1,3}}({t}\d{{3}})+|\d+)({d}\d+)?$|^{d}\d+$"
    body = _number_body(column)
    plain = f"replace(replace({body}, {quote(thousands)}, ''), {quote(decimal)}, '.')"
    value = f"TRY_CAST({plain} AS {as_type})"
    return (
        f"CASE WHEN regexp_full_match({body}, {quote(pattern)}) THEN "
        f"CASE WHEN {_negative(column)} THEN -{value} ELSE {value} END END"
    )


def decimal_votes_sql(column: str) -> str:
    """Evidence for comma- or point-decimals in a column: a (comma, point) pair of counts."""
    body = _number_body(column)
    comma = rf"(^|[^,]*\.\d{{3}}),\d+$|^\d+,\d{{1,2}}$|^\d+,\d{{4,}}$"
    point = rf"(^|[^.]*,\d{{3}})\.\d+$|^\d+\.\d{{1,2}}$|^\d+\.\d{{4,}}$"
    comma_thousands = r"^\d{1,3}(,\d{3})+$"
    point_thousands = r"^\d{1,3}(\.\d{3})+$"
    return (
        f"count(*) FILTER (WHERE regexp_full_match({body}, {quote(comma)}) "
        f"OR regexp_full_match({body}, {quote(point_thousands)})), "
        f"count(*) FILTER (WHERE regexp_full_match({body}, {quote(point)}) "
        f"OR regexp_full_match({body}, {quote(comma_thousands)}))"
    )


def date_sql(column: str) -> str:
    """A DATE from any supported style, or NULL (also for years outside 1990–2100)."""
    text = text_sql(column)
    formats = "[" + ", ".join(quote(fmt) for fmt in DATE_FORMATS) + "]"
    serial = (
        f"CASE WHEN regexp_full_match({text}, '\\d{{5}}(\\.\\d+)?') THEN "
        f"DATE '{EXCEL_EPOCH}' + CAST(floor(CAST({text} AS DOUBLE)) AS INTEGER) END"
    )
    parsed = f"coalesce({serial}, CAST(try_strptime({text}, {formats}) AS DATE))"
    return (
        f"(SELECT CASE WHEN year(d) BETWEEN {MIN_YEAR} AND {MAX_YEAR} THEN d END "
        f"FROM (SELECT {parsed} AS d))"
    )


def _digits(column: str, *, strip_dk: bool) -> str:
    text = f"upper({text_sql(column)})"
    if strip_dk:
        text = f"regexp_replace({text}, '^DK[\\s:-]*', '')"
    return f"regexp_replace({text}, '[\\s.\u00a0-]', '', 'g')"


def _weighted(digits: str, weights: tuple[int, ...]) -> str:
    terms = [
        f"CAST(substr({digits}, {i + 1}, 1) AS INTEGER) * {w}" for i, w in enumerate(weights)
    ]
    return "(" + " + ".join(terms) + ")"


def cvr_sql(column: str) -> str:
    """The 8 CVR digits when the text is a valid Danish CVR number ("DK 12 34 56 78" too)."""
    digits = _digits(column, strip_dk=True)
    check = _weighted(digits, (2, 7, 6, 5, 4, 3, 2, 1))
    return (
        f"CASE WHEN regexp_full_match({digits}, '[1-9]\\d{{7}}') AND {check} % 11 = 0 "
        f"THEN {digits} END"
    )


def foreign_vat_sql(column: str) -> str:
    """A foreign VAT number ("SE556…", "GB123…") written in the CVR column, kept as an id."""
    text = f"upper({text_sql(column)})"
    return (
        f"CASE WHEN regexp_full_match({text}, '[A-Z]{{2}}[A-Z0-9 .-]{{2,}}') "
        f"AND NOT starts_with({text}, 'DK') THEN 'VAT:' || {text} END"
    )


def cvr_error_sql(column: str) -> str:
    """Why a non-blank CVR value was refused (NULL when it is valid or a foreign VAT number)."""
    digits = _digits(column, strip_dk=True)
    return (
        f"CASE WHEN {text_sql(column)} IS NULL OR ({cvr_sql(column)}) IS NOT NULL "
        f"OR ({foreign_vat_sql(column)}) IS NOT NULL THEN NULL "
        f"WHEN NOT regexp_full_match({digits}, '\\d{{8}}') THEN "
        f"'CVR-nummeret skal have 8 cifre' "
        f"WHEN starts_with({digits}, '0') THEN 'CVR-nummeret kan ikke begynde med 0' "
        f"ELSE 'CVR-nummeret er ugyldigt (kontrollen efter modulus 11 passer ikke)' END"
    )


def ean_ok_sql(column: str) -> str:
    """The 13 digits when the text is an EAN/GLN with a correct GS1 check digit."""
    digits = _digits(column, strip_dk=False)
    weights = tuple(1 if i % 2 == 0 else 3 for i in range(12))
    check = _weighted(digits, weights)
    return (
        f"CASE WHEN regexp_full_match({digits}, '\\d{{13}}') AND "
        f"(10 - {check} % 10) % 10 = CAST(substr({digits}, 13, 1) AS INTEGER) "
        f"THEN {digits} END"
    )
