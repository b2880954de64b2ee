"""Units of measure on purchase lines: UN/ECE Recommendation 20 codes and Danish unit words.

Classification and footprint factors need quantities in a handful of base units (kg, l,
stk, kWh, km, m², h), but purchase lines arrive with units in two very different dialects:
e-invoices (OIOUBL, PEPPOL) carry UN/ECE Rec 20 codes such as ``KGM`` or ``C62`` (and Rec 21
package codes such as ``BO`` or ``XBX``), while financial-system exports carry whatever the
bookkeeper typed: "Stk.", "kg", "ks", "Md.", "m²". This module turns both into one Rec 20
code, and a code into a base-unit quantity where a fixed conversion exists.

The import pipeline resolves units in DuckDB, so the rule must be exactly reproducible in
SQL. It therefore is a single table lookup on *folded* text (:func:`fold_unit`): the folded
Rec 20 codes ("KGM" → "kgm") plus the curated aliases, where an alias wins when it folds to
the same text as a code. :func:`normalise_unit` (Python) and a SQL join of
:func:`fold_unit_sql` against :func:`unit_alias_table` give the same answer for every input.

The curated data lives in ``omlob/data/unece_rec20.csv`` and ``omlob/data/unit_aliases.csv``
(see their header comments for sources and curation).
"""

from __future__ import annotations

import csv
import functools
import re
from dataclasses import dataclass
from importlib import resources

import pyarrow as pa

__all__ = [
    "BASE_UNITS",
    "QUANTITY_KINDS",
    "SHADOWED_CODES",
    "UNITS",
    "UnitInfo",
    "fold_unit",
    "fold_unit_sql",
    "normalise_unit",
    "to_base",
    "unit_alias_table",
    "unit_table",
]

#: The base unit each convertible quantity kind is normalised to. ``package`` and ``other``
#: have none: a case or a percent cannot be turned into kilograms without more knowledge.
BASE_UNITS: dict[str, str] = {
    "mass": "kg",
    "volume": "l",
    "count": "stk",
    "energy": "kWh",
    "length": "km",
    "area": "m2",
    "time": "h",
    "power": "kW",
}

QUANTITY_KINDS: frozenset[str] = frozenset({*BASE_UNITS, "package", "other"})

#: Rec 20 codes whose folded text is also a curated alias for another code, so that text
#: resolves to the alias target. Kept deliberately small and checked by the tests: "KW" is
#: kilogram per millimetre in Rec 20, but Danish energy invoices and exports mean kilowatt.
SHADOWED_CODES: frozenset[str] = frozenset({"KW"})

_DATA_PACKAGE = "omlob"
_UNITS_FILE = "unece_rec20.csv"
_ALIASES_FILE = "unit_aliases.csv"
_UNITS_HEADER = ["code", "name_en", "name_da", "quantity_kind", "base_unit", "factor"]
_ALIASES_HEADER = ["alias", "code"]

# Characters removed by folding: ASCII whitespace (what RE2's \s matches, plus \v), the
# no-break and thin spaces that arrive from Word and web pages, and dots ("Stk." = "stk").
# The SQL twin below lists exactly the same characters, so Python and DuckDB agree.
_FOLD_AWAY = re.compile("[\t\n\r\f\v \u00a0\u2009\u202f.]")
_FOLD_SQL = (
    r"lower(regexp_replace({expr}, '[\t\n\r\f\v \x{{00A0}}\x{{2009}}\x{{202F}}.]', '', 'g'))"
)


@dataclass(frozen=True)
class UnitInfo:
    """One unit code with its names and how to convert it to its kind's base unit.

    ``base_unit`` and ``factor`` are both ``None`` when no fixed conversion exists;
    otherwise ``quantity * factor`` is the quantity in ``base_unit``.
    """

    code: str
    name_en: str
    name_da: str
    quantity_kind: str
    base_unit: str | None
    factor: float | None


def fold_unit(text: str) -> str:
    """Fold unit text to its lookup key: drop whitespace and dots, then lower-case.

    "Stk." → "stk", "K G M" → "kgm", "M²" → "m²". The same folding is applied to the Rec 20
    codes and is already applied to the aliases, so every spelling meets its key. The SQL
    side must fold identically; use :func:`fold_unit_sql` rather than retyping it.
    """
    return _FOLD_AWAY.sub("", text).lower()


def fold_unit_sql(expr: str) -> str:
    """Return a DuckDB SQL expression that folds ``expr`` exactly like :func:`fold_unit`.

    ``expr`` is a column name or SQL expression, e.g. ``fold_unit_sql("raw.unit")`` gives
    ``lower(regexp_replace(raw.unit, '[\\t\\n\\r\\f\\v \\x{00A0}\\x{2009}\\x{202F}.]', '',
    'g'))``. (Python's ``str.lower`` and DuckDB's ``lower`` differ only for a few exotic
    letters such as "İ" that never occur in unit words.)
    """
    return _FOLD_SQL.format(expr=expr)


def _data_lines(filename: str) -> list[str]:
    """Read a packaged data file and drop its ``#`` comment lines (the source citation)."""
    text = (resources.files(_DATA_PACKAGE) / "data" / filename).read_text(encoding="utf-8")
    return [line for line in text.splitlines() if line.strip() and not line.startswith("#")]


def _parse_unit_row(row: dict[str, str], line: int) -> UnitInfo:
    """Turn one CSV row into a UnitInfo, refusing inconsistent rows.

    The table is curated by hand; a wrong base unit or a missing factor would silently
    corrupt every footprint computed from it, so the loader is strict rather than lenient.
    """
    code = row["code"].strip()
    kind = row["quantity_kind"].strip()
    base = row["base_unit"].strip() or None
    factor_text = row["factor"].strip()
    where = f"{_UNITS_FILE} data row {line} ({code!r})"
    if not code or code != code.upper() or fold_unit(code) != code.lower():
        raise ValueError(f"{where}: a code must be upper-case letters and digits")
    if kind not in QUANTITY_KINDS:
        raise ValueError(f"{where}: unknown quantity_kind {kind!r}")
    if base is not None and base != BASE_UNITS.get(kind):
        raise ValueError(f"{where}: base_unit {base!r} does not fit quantity_kind {kind!r}")
    if (base is None) != (not factor_text):
        raise ValueError(f"{where}: base_unit and factor must be given together")
    factor = float(factor_text) if factor_text else None
    if factor is not None and not factor > 0:
        raise ValueError(f"{where}: factor must be positive")
    if not row["name_en"].strip() or not row["name_da"].strip():
        raise ValueError(f"{where}: both names are required")
    return UnitInfo(code, row["name_en"].strip(), row["name_da"].strip(), kind, base, factor)


@functools.cache
def _load_units() -> dict[str, UnitInfo]:
    """Load the curated Rec 20 table once per process."""
    reader = csv.DictReader(_data_lines(_UNITS_FILE))
    if reader.fieldnames != _UNITS_HEADER:
        raise ValueError(f"{_UNITS_FILE}: expected columns {_UNITS_HEADER}")
    units: dict[str, UnitInfo] = {}
    for line, row in enumerate(reader, start=1):
        info = _parse_unit_row(row, line)
        if info.code in units:
            raise ValueError(f"{_UNITS_FILE}: code {info.code!r} appears twice")
        units[info.code] = info
    return units


@functools.cache
def _load_aliases() -> dict[str, str]:
    """Load the curated alias table once, checking every alias is folded and known."""
    reader = csv.DictReader(_data_lines(_ALIASES_FILE))
    if reader.fieldnames != _ALIASES_HEADER:
        raise ValueError(f"{_ALIASES_FILE}: expected columns {_ALIASES_HEADER}")
    units = _load_units()
    aliases: dict[str, str] = {}
    for row in reader:
        alias, code = row["alias"], row["code"].strip()
        if not alias or fold_unit(alias) != alias:
            raise ValueError(f"{_ALIASES_FILE}: alias {alias!r} is not folded")
        if code not in units:
            raise ValueError(f"{_ALIASES_FILE}: alias {alias!r} points to unknown code {code!r}")
        if alias in aliases:
            raise ValueError(f"{_ALIASES_FILE}: alias {alias!r} appears twice")
        aliases[alias] = code
    return aliases


@functools.cache
def _lookup() -> dict[str, str]:
    """The folded-text → code map: folded codes first, then aliases on top (aliases win)."""
    table = {fold_unit(code): code for code in _load_units()}
    table.update(_load_aliases())
    return table


#: Every curated unit code, keyed by code.
UNITS: dict[str, UnitInfo] = _load_units()


def normalise_unit(text: str | None) -> str | None:
    """Return the Rec 20/21 code for a unit code or unit word, or None when unknown.

    Precedence, identical to the SQL join on :func:`unit_alias_table`: the text is folded
    (:func:`fold_unit`) and looked up once in a table holding every folded code and every
    alias, where an alias wins over a code with the same folded text. So codes match in
    any case ("kgm" → "KGM", "xbx" → "XBX"), Danish words match in any case and with dots
    ("Stk." → "H87", "L" → "LTR", "T" → "TNE"), and the only codes that do *not* resolve to
    themselves are :data:`SHADOWED_CODES` ("KW" → "KWT"). None, blank or dot-only text →
    None.
    """
    if text is None:
        return None
    key = fold_unit(text)
    if not key:
        return None
    return _lookup().get(key)


def to_base(quantity: float, code: str) -> tuple[float, str] | None:
    """Convert ``quantity`` in unit ``code`` to its base unit: 1.5 GRM → ``(0.0015, "kg")``.

    ``code`` must be a code from :data:`UNITS` (use :func:`normalise_unit` first); returns
    None for unknown codes and for units without a fixed size (packages, percent, sets).
    """
    info = UNITS.get(code)
    if info is None or info.base_unit is None or info.factor is None:
        return None
    return quantity * info.factor, info.base_unit


@functools.cache
def unit_alias_table() -> pa.Table:
    """The folded-text → code table the import pipeline joins against, sorted by alias.

    Columns ``alias`` (folded text, unique) and ``code``. It holds every Rec 20 code folded
    (``kgm`` → ``KGM``) and every curated alias; where the two collide the alias decides
    (see :data:`SHADOWED_CODES`). Join it on ``fold_unit_sql(<unit column>) = alias``.
    """
    lookup = _lookup()
    aliases = sorted(lookup)
    return pa.table(
        {
            "alias": pa.array(aliases, pa.string()),
            "code": pa.array([lookup[alias] for alias in aliases], pa.string()),
        }
    )


@functools.cache
def unit_table() -> pa.Table:
    """:data:`UNITS` as an Arrow table, for SQL joins that convert quantities to base units.

    Columns ``code``, ``name_en``, ``name_da``, ``quantity_kind``, ``base_unit`` (null when
    not convertible) and ``factor`` (float64, null when not convertible), sorted by code.
    """
    infos = [UNITS[code] for code in sorted(UNITS)]
    return pa.table(
        {
            "code": pa.array([u.code for u in infos], pa.string()),
            "name_en": pa.array([u.name_en for u in infos], pa.string()),
            "name_da": pa.array([u.name_da for u in infos], pa.string()),
            "quantity_kind": pa.array([u.quantity_kind for u in infos], pa.string()),
            "base_unit": pa.array([u.base_unit for u in infos], pa.string()),
            "factor": pa.array([u.factor for u in infos], pa.float64()),
        }
    )
