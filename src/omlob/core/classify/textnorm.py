"""Danish-aware normalisation of invoice-line texts, shared by rules, labels and the model.

Invoice texts are short and messy: "ØKO LETMÆLK 1L", "Hk. oksekød 8-12% 2kg",
"Kaffe Ø-mærket 8x500g", sometimes with control characters or kilobytes of pasted text.
Every step that reads a text reads it through :func:`normalise`, so a rule written for
"hakket oksekød" matches "HK. OKSEKØD" and the model sees the same tokens it was trained on.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["MAX_TEXT", "fingerprint", "normalise", "words"]

#: Longer texts are cut: 300 characters hold any real line; 10 kB pasted into a cell must not
#: slow the cascade down or flood the model with n-grams.
MAX_TEXT = 300

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\ufeff\ufffd]+")
# Abbreviations that Danish suppliers write before or inside a word, expanded so rules and the
# model see one spelling. Applied on the lower-cased text with word boundaries.
_ABBREVIATIONS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"(?<![\wæøå])hk\.\s*", "hakket "),
        (r"(?<![\wæøå])hakk\.\s*", "hakket "),
        (r"(?<![\wæøå])u/\s*", "uden "),
        (r"(?<![\wæøå])m/\s*", "med "),
        (r"(?<![\wæøå])ø-mærke[t]?", "ø-mærket"),
        (r"(?<![\wæøå])ø\s+mærke[t]?", "ø-mærket"),
        (r"(?<![\wæøå])oeko(?=[^a-z]|$)", "øko"),
        (r"(?<![\wæøå])oekologisk", "økologisk"),
        (r"(?<![\wæøå])øk\.(?=\s)", "øko"),
    )
)
# "500g" → "500 g", "12x330ml" → "12 x 330 ml": numbers and units apart, so both are words.
_NUMBER_LETTER = re.compile(r"(?<=\d)(?=[a-zæøå])|(?<=[a-zæøå])(?=\d)")
_TIMES = re.compile(r"(?<=\d)\s*[x×*]\s*(?=\d)")
_SPACES = re.compile(r"\s+")
_LETTERS = re.compile(r"[^\W\d_]{2}")
# Units and pack words that only say how much ("1 l", "6 stk", "ks"), left out of fingerprints.
_PACK_WORDS = frozenset(
    {"x", "kg", "g", "gr", "l", "ltr", "ml", "cl", "dl", "stk", "st", "pk", "pkt", "ks"}
    | {"krt", "kart", "rl", "ps", "pcs", "á", "a", "à", "ca"}
)
_WORD = re.compile(r"[0-9a-zæøåäöüéèáàóòúíñç]+")


def normalise(text: str | None) -> str:
    """Lower-case, NFKC, control characters out, abbreviations expanded, one space apart.

    Never raises: any string (binary junk, mixed scripts, 10 kB) gives a string of at most
    :data:`MAX_TEXT` characters, possibly empty.
    """
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", str(text)[: MAX_TEXT * 4])
    text = _CONTROL.sub(" ", text).lower()
    for pattern, replacement in _ABBREVIATIONS:
        text = pattern.sub(replacement, text)
    text = _TIMES.sub(" x ", text)
    text = _NUMBER_LETTER.sub(" ", text)
    text = _SPACES.sub(" ", text).strip()[:MAX_TEXT]
    # Junk without two letters in a row ("###", "0x00ff", a stray "-") is no text at all.
    return text if _LETTERS.search(text) else ""


def words(normalised: str) -> list[str]:
    """The words (letters and digits) of a normalised text."""
    return _WORD.findall(normalised)


def fingerprint(normalised: str) -> str:
    """The text with numbers, pack sizes and item numbers left out, for grouping lines.

    "Letmælk 1 l" and "Letmælk 1 l 6 stk" from one supplier are the same thing to a person
    confirming them; the review queue groups and rules match on this.
    """
    return " ".join(
        w for w in words(normalised) if w not in _PACK_WORDS and not any(c.isdigit() for c in w)
    )
