"""Pack sizes in invoice texts and quantities in base units (kg, l, stk, kWh, km, m², m³).

A line says "Letmælk 1 l", quantity 24, unit "stk": 24 litres. "Gulerødder 10 kg ks",
quantity 3, unit "ks": 30 kg. "Kaffe 8x500g", quantity 2: 8 kg. "Smør 250 g", quantity 12,
unit "KGM": 12 kg, the unit wins over the text. Activity-based footprints and the organic
share by weight need these numbers, and a line whose weight cannot be told must say so
rather than guess.

The per-line arithmetic (quantity × unit factor or × pack size) runs in SQL in
:mod:`omlob.core.classify.cascade`; this module reads the texts, once per distinct text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["FOOD_DENSITY", "PackSize", "pack_size"]

# Unit words in texts → (base unit, factor to it).
_UNIT_WORDS: dict[str, tuple[str, float]] = {
    "kg": ("kg", 1.0),
    "kilo": ("kg", 1.0),
    "g": ("kg", 0.001),
    "gr": ("kg", 0.001),
    "gram": ("kg", 0.001),
    "t": ("kg", 1000.0),
    "ton": ("kg", 1000.0),
    "l": ("l", 1.0),
    "ltr": ("l", 1.0),
    "liter": ("l", 1.0),
    "litre": ("l", 1.0),
    "dl": ("l", 0.1),
    "cl": ("l", 0.01),
    "ml": ("l", 0.001),
    "stk": ("stk", 1.0),
    "st": ("stk", 1.0),
    "pcs": ("stk", 1.0),
    "rl": ("stk", 1.0),
    "ruller": ("stk", 1.0),
    "ark": ("stk", 1.0),
    "par": ("stk", 1.0),
    "kwh": ("kWh", 1.0),
    "mwh": ("kWh", 1000.0),
    "km": ("km", 1.0),
    "m2": ("m2", 1.0),
    "m²": ("m2", 1.0),
    "m3": ("m3", 1.0),
    "m³": ("m3", 1.0),
}
_UNIT = "|".join(sorted((re.escape(w) for w in _UNIT_WORDS), key=len, reverse=True))
_NUM = r"\d+(?:[.,]\d+)?"
# "6 x 1 l", "2 x 2,5 kg", "12 x 330 ml" (normalise() has put spaces around "x").
_MULTI = re.compile(rf"(?<![\d.,])({_NUM}) x ({_NUM}) ({_UNIT})(?![0-9a-zæøå])")
# "ks á 12 stk", "ks a 12 stk", "pk/10 stk", "kasse med 6 stk".
_CASE = re.compile(
    rf"(?:ks|kasse|krt|karton|pk|pakke|pakn|bdt|æske|colli|sæk)\.?\s*(?:á|à|a|/|med|m\.)\s*"
    rf"({_NUM}) ({_UNIT})(?![0-9a-zæøå])"
)
_SINGLE = re.compile(rf"(?<![\d.,])({_NUM}) ({_UNIT})(?![0-9a-zæøå])")
# "8-12 %" is fat, "5 %" a percentage, not a size; a range "2-3 kg" is too vague to use.
_RANGE = re.compile(rf"{_NUM}\s*-\s*$")
# Densities used to turn litres of food and drink into kilograms (the organic share and
# CONCITO's factors count net weight). Water-like drinks and dairy are close to 1 kg/l.
FOOD_DENSITY = 1.0


@dataclass(frozen=True)
class PackSize:
    """What one unit of the line holds, read from its text: amount and base unit."""

    amount: float
    unit: str


def _number(text: str) -> float:
    return float(text.replace(",", "."))


def pack_size(normalised: str) -> PackSize | None:
    """The content of one unit as the text states it, or None.

    Multiplied packs first ("8 x 500 g" is 4 kg), then cases ("ks á 12 stk"), then the
    last plain size in the text ("Gulerødder 10 kg ks").
    """
    if not normalised:
        return None
    match = _MULTI.search(normalised)
    if match:
        base, factor = _UNIT_WORDS[match.group(3)]
        return PackSize(_number(match.group(1)) * _number(match.group(2)) * factor, base)
    match = _CASE.search(normalised)
    if match:
        base, factor = _UNIT_WORDS[match.group(2)]
        return PackSize(_number(match.group(1)) * factor, base)
    found = None
    for match in _SINGLE.finditer(normalised):
        if _RANGE.search(normalised[: match.start()]):
            continue
        found = match
    if found is None:
        return None
    base, factor = _UNIT_WORDS[found.group(2)]
    amount = _number(found.group(1)) * factor
    return PackSize(amount, base) if amount > 0 else None
