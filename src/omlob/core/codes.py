"""Danish identification codes: EAN/GLN location numbers and CVR company numbers.

Municipal invoices are routed by EAN (GS1 GLN-13) location numbers and suppliers are
identified by CVR numbers. Both carry a check digit, so a typo can be caught the moment a
user uploads a file instead of when an invoice bounces weeks later. The messages are in
Danish because they are shown directly to municipal users next to the offending cell.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal

__all__ = [
    "CodeError",
    "gs1_check_digit",
    "is_valid_cvr",
    "is_valid_gln",
    "make_cvr",
    "make_gln",
    "normalise_cvr",
    "normalise_gln",
]

GLN_LENGTH = 13
CVR_LENGTH = 8
CVR_WEIGHTS = (2, 7, 6, 5, 4, 3, 2, 1)

# Separators people type inside long numbers ("5798 0000 0000 1", "5798-000000001").
# Non-breaking and thin spaces arrive when numbers are pasted from Word or a web page.
_SEPARATORS = re.compile(r"[\s\-\u00a0\u2009\u202f]+")
# Excel shows long numbers as "5,798E+12" and a CSV export keeps exactly that text: the
# last digits are lost, so the only honest answer is to refuse and explain.
_SCIENTIFIC = re.compile(r"^[+-]?\d+([.,]\d+)?[eE][+-]?\d+$")
# A whole number stored as a float in a spreadsheet and exported as text.
_TRAILING_ZERO_DECIMALS = re.compile(r"^(\d+)[.,]0+$")


class CodeError(ValueError):
    """A code could not be accepted; ``str(error)`` is a Danish message for the user."""

    def __init__(self, message: str, value: object = None) -> None:
        """Keep the offending value so callers can show it next to the message."""
        super().__init__(message)
        self.message = message
        self.value = value


def gs1_check_digit(body: str) -> int:
    """Return the GS1 mod-10 check digit for the first 12 digits of an EAN-13/GLN.

    Weights alternate 3, 1, 3, ... starting from the digit next to the check digit, which
    for a 12-digit body means weight 1 on the first digit and 3 on the second.
    """
    if not body.isascii() or not body.isdigit():
        raise ValueError(f"GS1-kroppen må kun indeholde cifre, fik {body!r}")
    total = 0
    for position, char in enumerate(reversed(body)):
        weight = 3 if position % 2 == 0 else 1
        total += int(char) * weight
    return (10 - total % 10) % 10


def is_valid_gln(value: str) -> bool:
    """Return True if ``value`` is exactly 13 ASCII digits with a correct check digit."""
    if len(value) != GLN_LENGTH or not value.isascii() or not value.isdigit():
        return False
    return gs1_check_digit(value[:12]) == int(value[12])


def _number_text(value: object, label: str, *, original: object = None) -> str:
    """Turn a cell value into bare digit text, refusing anything lossy or ambiguous.

    Spreadsheets deliver long numbers as ints, floats or text in several shapes; all of
    them must end up as the same digit string, and anything that may have lost digits
    (fractions, scientific notation) must be rejected rather than silently "fixed".
    ``original`` is what the user typed, kept on the error when ``value`` is pre-cleaned.
    """
    shown = value if original is None else original
    if isinstance(value, bool) or value is None:
        raise CodeError(f"{label} mangler", shown)
    if isinstance(value, int):
        if value < 0:
            raise CodeError(f"{label} kan ikke være negativt, fik {value}", shown)
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value) or not value.is_integer() or value < 0:
            raise CodeError(f"{label} skal være et helt tal, fik {value!r}", shown)
        return str(int(value))
    if isinstance(value, Decimal):
        if not value.is_finite() or value != value.to_integral_value() or value < 0:
            raise CodeError(f"{label} skal være et helt tal, fik {value}", shown)
        return str(int(value))
    if not isinstance(value, str):
        raise CodeError(f"{label} skal være tekst eller et tal, fik {value!r}", shown)
    text = value.strip()
    if not text:
        raise CodeError(f"{label} er tomt", shown)
    if _SCIENTIFIC.match(text.replace(" ", "")):
        raise CodeError(
            f"{label} {text!r} er skrevet i videnskabelig notation, så de sidste cifre er "
            "gået tabt (typisk fordi Excel har vist tallet forkortet). Formatér kolonnen som "
            "tekst og skriv hele nummeret igen",
            shown,
        )
    text = _SEPARATORS.sub("", text)
    whole = _TRAILING_ZERO_DECIMALS.match(text)
    if whole:
        text = whole.group(1)
    return text


def normalise_gln(value: object) -> str:
    """Return a clean 13-digit EAN/GLN from a user-supplied value or raise CodeError.

    Accepts ints, whole floats (``5798000000001.0`` from a spreadsheet) and text with
    spaces or dashes; refuses scientific notation because the digits are already lost.
    """
    text = _number_text(value, "EAN-nummeret")
    if not text.isascii() or not text.isdigit():
        raise CodeError(f"EAN-nummeret må kun indeholde cifre, fik {text!r}", value)
    if len(text) != GLN_LENGTH:
        raise CodeError(f"EAN-nummeret skal have 13 cifre, fik {len(text)}", value)
    expected = gs1_check_digit(text[:12])
    if int(text[12]) != expected:
        raise CodeError(
            f"EAN-nummeret {text} har forkert kontrolciffer (forventet {expected})", value
        )
    return text


def make_gln(prefix12: str) -> str:
    """Append the GS1 check digit to 12 digits; used to generate valid demo EAN numbers."""
    if len(prefix12) != 12 or not prefix12.isascii() or not prefix12.isdigit():
        raise ValueError(f"Et EAN-nummer skal laves ud fra 12 cifre, fik {prefix12!r}")
    return f"{prefix12}{gs1_check_digit(prefix12)}"


def _cvr_weighted_sum(digits: str) -> int:
    """Weighted sum used by the CVR modulus-11 check (weights 2,7,6,5,4,3,2,1)."""
    return sum(int(char) * weight for char, weight in zip(digits, CVR_WEIGHTS, strict=False))


def is_valid_cvr(value: str) -> bool:
    """Return True for 8 ASCII digits, not starting with 0, passing the modulus-11 check."""
    if len(value) != CVR_LENGTH or not value.isascii() or not value.isdigit():
        return False
    if value[0] == "0":
        return False
    return _cvr_weighted_sum(value) % 11 == 0


def normalise_cvr(value: object) -> str:
    """Return a clean 8-digit CVR number or raise CodeError with a Danish message.

    Accepts the forms seen on invoices and in registers: ``DK12345678``,
    ``DK-12345678``, ``12 34 56 78`` and plain integers.
    """
    digits_part = value
    if isinstance(value, str):
        digits_part = value.strip()
        if digits_part[:2].upper() == "DK":
            digits_part = digits_part[2:].lstrip(" -:")
    text = _number_text(digits_part, "CVR-nummeret", original=value)
    if not text.isascii() or not text.isdigit():
        raise CodeError(f"CVR-nummeret må kun indeholde cifre, fik {text!r}", value)
    if len(text) != CVR_LENGTH:
        raise CodeError(f"CVR-nummeret skal have 8 cifre, fik {len(text)}", value)
    if text[0] == "0":
        raise CodeError(f"CVR-nummeret {text} kan ikke begynde med 0", value)
    if _cvr_weighted_sum(text) % 11 != 0:
        raise CodeError(
            f"CVR-nummeret {text} er ugyldigt (kontrollen efter modulus 11 passer ikke)", value
        )
    return text


def make_cvr(prefix7: str) -> str | None:
    """Return the valid CVR number starting with ``prefix7``, or None if none exists.

    The last digit has weight 1, so it is forced by the other seven; when the required
    digit would be 10 (or the prefix starts with 0) no valid CVR number has that prefix.
    """
    if len(prefix7) != 7 or not prefix7.isascii() or not prefix7.isdigit():
        raise ValueError(f"Et CVR-nummer skal laves ud fra 7 cifre, fik {prefix7!r}")
    if prefix7[0] == "0":
        return None
    last = (-_cvr_weighted_sum(prefix7)) % 11
    if last == 10:
        return None
    return f"{prefix7}{last}"
