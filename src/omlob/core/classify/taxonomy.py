"""The classification taxonomy: UNSPSC codes, Omløb products and the crosswalks to them.

Versioned data, shipped with Omløb in ``omlob/data/classification/`` (its README names
sources and licences): every line is classified to a UNSPSC code (at least the segment) and,
where the text tells, to an Omløb product fine enough for an activity-based factor. The
crosswalks turn the other codes a line or its supplier may carry into UNSPSC: CPV (tenders),
NACE Rev. 2 / DB07 (the supplier's trade in the CVR register) and the municipal chart of
accounts (art). A result always records the taxonomy version it was made with.
"""

from __future__ import annotations

import csv
import functools
import re
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

__all__ = [
    "LEVELS",
    "Code",
    "Product",
    "Taxonomy",
    "conventional",
    "data_folder",
    "family_of",
    "load_taxonomy",
    "normalise_unspsc",
    "segment_of",
]

LEVELS = ("segment", "family", "class", "commodity")


def data_folder() -> Any:
    """The shipped taxonomy tables (``omlob/data/classification``), as a resources path."""
    return resources.files("omlob") / "data" / "classification"


@dataclass(frozen=True)
class Code:
    """One UNSPSC code with its level and titles."""

    code: str
    level: str
    title_da: str
    title_en: str


@dataclass(frozen=True)
class Product:
    """An Omløb product: what an activity-based factor is keyed by."""

    id: str
    name_da: str
    name_en: str
    unspsc: str
    basis: str
    group: str
    concito: str | None = None
    kg_per_unit: float | None = None
    keywords: tuple[str, ...] = ()

    @property
    def food(self) -> bool:
        return self.unspsc.startswith("50")


def segment_of(code: str) -> str:
    return code[:2] + "000000"


def family_of(code: str) -> str:
    return code[:4] + "0000"


def conventional(code: str) -> str:
    """The conventional family of an organic fruit or vegetable family, else the code.

    UNSPSC has organic twins of the fruit and vegetable families (5031 organic fresh fruit
    beside 5030 fresh fruit, 5041 beside 5040 …). Omløb records organic as a label, so that
    the product and its emission factor are the same for both.
    """
    if code[:3] in ("503", "504") and int(code[3]) % 2 == 1:
        return code[:3] + str(int(code[3]) - 1) + "0000"
    return code


def level_of(code: str) -> str:
    """Level by trailing zero pairs: 50000000 segment, 50110000 family, 50111500 class."""
    if code[2:] == "000000":
        return "segment"
    if code[4:] == "0000":
        return "family"
    if code[6:] == "00":
        return "class"
    return "commodity"


_NOT_DIGIT = re.compile(r"[\s.\-]")


def normalise_unspsc(text: str | None) -> str | None:
    """An 8-digit UNSPSC code from "50111513", "50.11.15.13", "5011" or "50 11 15 13".

    Two, four or six digits are the segment, family or class, padded with zeros. Anything
    else (letters, a CPV check digit "15811100-7", nine digits) is None.
    """
    if not text:
        return None
    digits = _NOT_DIGIT.sub("", str(text).strip())
    if not digits.isdigit() or len(digits) not in (2, 4, 6, 8):
        return None
    code = digits.ljust(8, "0")
    return None if code.startswith("00") else code


def _rows(name: str) -> list[dict[str, str]]:
    text = data_folder().joinpath(name).read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if not line.startswith("#")]
    return [
        {k: (v or "").strip() for k, v in row.items() if k is not None}
        for row in csv.DictReader(lines)
    ]


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


@dataclass
class Taxonomy:
    """Lookups over the shipped tables; build with :func:`load_taxonomy`."""

    version: str
    codes: dict[str, Code]
    products: dict[str, Product]
    cpv: dict[str, str] = field(default_factory=dict)
    nace: dict[str, str] = field(default_factory=dict)
    accounts: dict[str, str] = field(default_factory=dict)

    def known(self, code: str) -> bool:
        """True when the code is listed, or its class or family is (commodities are many)."""
        return code in self.codes or family_of(code) in self.codes

    def deepest_known(self, code: str) -> str:
        """The code itself when listed, else its class, family or segment that is."""
        for candidate in (code, code[:6] + "00", family_of(code), segment_of(code)):
            if candidate in self.codes:
                return candidate
        return segment_of(code)

    def title(self, code: str | None, language: str = "da") -> str:
        """The title of the deepest listed level of the code ("" when none)."""
        if not code:
            return ""
        entry = self.codes.get(self.deepest_known(code))
        if entry is None:
            return ""
        return entry.title_en if language.startswith("en") else entry.title_da

    def from_cpv(self, text: str | None) -> str | None:
        """The UNSPSC code of a CPV code ("15811100-7" or "15811100"), longest prefix first."""
        digits = _digits((text or "").split("-")[0])
        if len(digits) < 2:
            return None
        digits = digits[:8]
        while len(digits) > 2 and digits.endswith("0"):  # "30000000" is division 30
            digits = digits[:-1]
        for length in range(len(digits), 1, -1):
            found = self.cpv.get(digits[:length])
            if found:
                return found
        return None

    def from_nace(self, text: str | None) -> str | None:
        """The UNSPSC code a supplier of this NACE/DB07 trade sells ("46.31", "463100")."""
        digits = _digits(text or "")
        if len(digits) < 2:
            return None
        for length in range(min(len(digits), 4), 1, -1):
            prefix = digits[:length]
            dotted = prefix[:2] + ("." + prefix[2:] if length > 2 else "")
            found = self.nace.get(dotted)
            if found:
                return found
        return None

    def from_account(self, text: str | None) -> str | None:
        """The UNSPSC segment or family most lines on this art belong to ("2.2", "22.01")."""
        raw = (text or "").strip()
        if not raw:
            return None
        # "2.2" and "2.2.1" are art 22 written with the kontoart dot; "22.01" and "2201" too.
        dotted = re.fullmatch(r"\d\.\d(\.\d+)?", raw)
        key = raw[0] + raw[2] if dotted else _digits(raw)[:2]
        return self.accounts.get(key)


@functools.cache
def load_taxonomy() -> Taxonomy:
    """The shipped taxonomy, read once per process."""
    version = data_folder().joinpath("VERSION").read_text(encoding="utf-8").strip()
    codes = {
        row["code"]: Code(row["code"], row["level"], row["title_da"], row["title_en"])
        for row in _rows("unspsc.csv")
    }
    products: dict[str, Product] = {}
    names = sorted(
        entry.name
        for entry in data_folder().iterdir()
        if entry.name.startswith("products-") and entry.name.endswith(".csv")
    )
    for row in (row for name in names for row in _rows(name)):
        keywords = tuple(
            dict.fromkeys(
                k.strip().lower() for k in row.get("keywords", "").split("|") if k.strip()
            )
        )
        weight = row.get("kg_per_unit") or ""
        products[row["product"]] = Product(
            id=row["product"],
            name_da=row["name_da"],
            name_en=row["name_en"],
            unspsc=row["unspsc"],
            basis=row["basis"],
            group=row["group"],
            concito=row.get("concito") or None,
            kg_per_unit=float(weight) if weight else None,
            keywords=keywords,
        )
    return Taxonomy(
        version=version,
        codes=codes,
        products=products,
        cpv={row["cpv"]: row["unspsc"] for row in _rows("cpv_unspsc.csv")},
        nace={row["nace"]: row["unspsc"] for row in _rows("nace_unspsc.csv")},
        accounts={row["account"]: row["unspsc"] for row in _rows("account_unspsc.csv")},
    )
