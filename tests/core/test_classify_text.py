"""Reading invoice-line texts: normalisation, labels and pack sizes.

These run once per distinct line text before any rule or model, so they must be right on the
texts Danish suppliers write and must never fail on anything else (binary junk, 10 kB).
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from omlob.core.classify.labels import ORGANIC, REFURBISHED, detect_labels, settle_labels
from omlob.core.classify.packsize import pack_size
from omlob.core.classify.textnorm import MAX_TEXT, fingerprint, normalise, words


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ØKO LETMÆLK 1L", "øko letmælk 1 l"),
        ("Hk. oksekød 8-12% 2kg", "hakket oksekød 8-12% 2 kg"),
        ("Kaffe Ø-mærket 8x500g", "kaffe ø-mærket 8 x 500 g"),
        ("Kaffe Ø mærket", "kaffe ø-mærket"),
        ("Kyllingebryst u/skind", "kyllingebryst uden skind"),
        ("Svinekam m/ben\t\x00 ", "svinekam med ben"),
        ("", ""),
        (None, ""),
        ("###", ""),
        ("\x00\x01\x02", ""),
        ("12345", ""),
    ],
)
def test_normalise_examples(raw: str | None, expected: str) -> None:
    assert normalise(raw) == expected


@given(st.text(max_size=12_000))
@settings(max_examples=300, deadline=None)
def test_normalise_never_fails_and_is_bounded(raw: str) -> None:
    text = normalise(raw)
    assert len(text) <= MAX_TEXT
    assert text == text.strip()
    assert "  " not in text
    # Normalising twice changes nothing more (rules and confirmations rely on it).
    assert normalise(text) == text or normalise(normalise(text)) == normalise(text)


def test_fingerprint_drops_numbers_so_pack_sizes_group() -> None:
    assert fingerprint(normalise("Letmælk 1 l")) == "letmælk"
    assert fingerprint(normalise("LETMÆLK 1L 6 STK")) == "letmælk"
    assert fingerprint(normalise("Gulerødder ks á 10 kg")) == "gulerødder"
    assert fingerprint(normalise("Letmælk 1 l")) == fingerprint(normalise("Letmælk 1l"))
    assert words("øko letmælk 1 l") == ["øko", "letmælk", "1", "l"]


@pytest.mark.parametrize(
    "text",
    [
        "Øko gulerødder 10 kg ks",
        "ØKOLOGISK LETMÆLK 1 L",
        "Kaffe Ø-mærket 8x500g",
        "Økomælk let 1 l",
        "Økol. havregryn 1 kg",
        "EU-økologisk rugmel",
        "Organic bananas",
        "Statskontrolleret økologisk smør",
        "oeko havregryn",
        "Kaffe 500g Ø",
    ],
)
def test_organic_is_found(text: str) -> None:
    assert ORGANIC in detect_labels(normalise(text))


@pytest.mark.parametrize(
    "text",
    [
        "Økonomikonsulent timer",
        "Licens økonomisystem 2025",
        "Kursus i økosystemtjenester",
        "Bog: Økologi for begyndere",
        "Ecolab afkalker 5 l",
        "Bioaffald tømning 240 l",
        "Biogas til busser",
        "Letmælk 1 l",
        "Konventionel hakket oksekød",
        "Håndklæder Øko-Tex 50x100",
        "Sengetøj Oeko-Tex 140x200",
        "Økolariet entré 2. klasse",
        "Rør Ø 120 mm",
    ],
)
def test_organic_is_not_found(text: str) -> None:
    assert ORGANIC not in detect_labels(normalise(text))


@pytest.mark.parametrize(
    ("text", "unspsc", "organic"),
    [
        ("Bio Joghurt Natur", "50131700", True),  # "bio" counts on food
        ("Bio opvask tabs 100 stk", "47131800", False),  # … not on detergent
        ("Kursus i økologisk omstilling", "86101700", False),  # a service about organic food
        ("Fagbog om økologisk madlavning", "55101500", False),  # printed matter
        ("Økologisk frokostordning", "90101600", True),  # catering is food
        ("Øko gulerødder", "50402500", True),
    ],
)
def test_organic_is_settled_by_what_the_line_is(text: str, unspsc: str, organic: bool) -> None:
    labels = settle_labels(detect_labels(normalise(text)), unspsc)
    assert (ORGANIC in labels) is organic
    assert "organic_if_food" not in labels


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("HP EliteBook 840 G6 refurb", REFURBISHED),
        ("Brugt kontorstol Kinnarps", REFURBISHED),
        ("Renoveret skrivebord", REFURBISHED),
        ("Lenovo ThinkPad B-grade", REFURBISHED),
        ("Genbrugsmøbler: reol", REFURBISHED),
        ("Kopipapir A4 Svanemærket", "svanemaerket"),
        ("Håndsæbe EU Ecolabel 1 l", "eu_ecolabel"),
        ("Servietter FSC 33x33", "fsc"),
        ('Skærm 24" TCO Certified', "tco"),
        ("Kaffe Fairtrade 500 g", "fairtrade"),
        ("Torsk MSC 5 kg", "msc"),
        ("Laks ASC 1 kg", "asc"),
    ],
)
def test_other_labels(text: str, label: str) -> None:
    assert label in detect_labels(normalise(text))


@pytest.mark.parametrize(
    "text", ["Genbrugspapir A4", "Tømning af genbrugscontainer", "Skærm 24 tommer", "Kaffe 500 g"]
)
def test_no_false_labels(text: str) -> None:
    labels = detect_labels(normalise(text))
    assert REFURBISHED not in labels
    assert "tco" not in labels and "fairtrade" not in labels


@pytest.mark.parametrize(
    ("text", "amount", "unit"),
    [
        ("Letmælk 6x1 l", 6.0, "l"),
        ("Gulerødder 10 kg ks", 10.0, "kg"),
        ("Smør 500 g", 0.5, "kg"),
        ("Handsker ks á 12 stk", 12.0, "stk"),
        ("Mel 2 x 2,5 kg", 5.0, "kg"),
        ("Sodavand 12x330ml", 3.96, "l"),
        ("Kaffe 8x500g", 4.0, "kg"),
        ("Hakket oksekød 8-12 % 2 kg", 2.0, "kg"),
        ("Fløde 38 % 1 l", 1.0, "l"),
        ("Yoghurt 1000 ml", 1.0, "l"),
    ],
)
def test_pack_sizes(text: str, amount: float, unit: str) -> None:
    size = pack_size(normalise(text))
    assert size is not None
    assert size.unit == unit
    assert size.amount == pytest.approx(amount)


@pytest.mark.parametrize("text", ["Konsulentbistand", "Hakket oksekød 8-12 %", "Æg str. M", ""])
def test_no_pack_size(text: str) -> None:
    assert pack_size(normalise(text)) is None


@given(
    st.integers(1, 48),
    st.decimals(min_value="0.1", max_value="25", places=1),
    st.sampled_from([("kg", 1.0, "kg"), ("g", 0.001, "kg"), ("l", 1.0, "l"), ("ml", 0.001, "l")]),
)
@settings(max_examples=200, deadline=None)
def test_pack_size_property(count: int, size: object, unit: tuple[str, float, str]) -> None:
    word, factor, base = unit
    text = f"Vare {count}x{str(size).replace('.', ',')}{word}"
    found = pack_size(normalise(text))
    assert found is not None
    assert found.unit == base
    assert found.amount == pytest.approx(count * float(str(size)) * factor)


@given(st.text(max_size=500))
@settings(max_examples=300, deadline=None)
def test_labels_and_pack_sizes_never_fail(raw: str) -> None:
    text = normalise(raw)
    detect_labels(text)
    size = pack_size(text)
    assert size is None or size.amount > 0
