"""What Demo Kommune buys and from whom: a hand-written, readable catalogue.

The point of synthetic data is that the classifier, the organic-share calculation and the
importers meet the texts they will meet in production: "Øko letmælk 1 l", "ØKO LETMÆLK 1 L",
"Hk. oksekød 8-12 % 2 kg", a refurbished "HP EliteBook 840 G10", a taxi ride without VAT.
So every item is written the way Danish wholesalers and suppliers write invoice lines, and
the variants a supplier uses (upper case, abbreviations, no pack size, the odd typo) are
derived from that text by fixed rules, never by chance, so the catalogue is the same on every
machine.

Each item carries the truth the rest of Omløb tries to recover from the line: a UNSPSC code
(commodity where we are sure of it, otherwise the class or family, always with the right
segment and family), the unit as a Danish export word and as a UN/ECE Rec 20 code, the net
weight or volume per unit, a DKK price range (excl. VAT), and flags for organic, eco label
and refurbished. Suppliers are fictional but shaped like real trades, with valid CVR and GLN
numbers and a NACE Rev. 2 code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from types import MappingProxyType

from omlob.core.codes import make_cvr, make_gln

__all__ = [
    "FOOD_GROUPS",
    "ITEMS",
    "ITEMS_BY_KEY",
    "PRODUCT_GROUPS",
    "SUPPLIERS",
    "UNIT_CODES",
    "Item",
    "ProductGroup",
    "Supplier",
    "abbreviate",
]


@dataclass(frozen=True, slots=True)
class ProductGroup:
    """A product group: the level spend reports and the chart of accounts work at.

    ``account`` is the art (Danish municipal chart of accounts, first two digits the
    authorised art: 22 fødevarer, 23 brændsel og drivmidler, 27 anskaffelser, 29 øvrige
    varekøb, 40 tjenesteydelser uden moms, 45 entreprenør- og håndværkerydelser, 49 øvrige
    tjenesteydelser); ``vat_rate`` is the Danish VAT on it (passenger transport is exempt).
    """

    key: str
    name: str
    account: str
    vat_rate: int
    food: bool


@dataclass(frozen=True, slots=True)
class Item:
    """One product as the supplier sells it, with the truth about it.

    ``variants[0]`` is the canonical text; the other variants are how suppliers also write
    it. ``twin`` is the key of the organic version of a conventional food item, so the
    generator can swap one for the other per kitchen without changing the basket.
    """

    key: str
    group: str
    name: str
    variants: tuple[str, ...]
    unspsc: str
    unit: str
    unit_code: str
    net_size: float | None
    net_unit: str | None
    price_low: float
    price_high: float
    qty_low: float
    qty_high: float
    fractional: bool
    organic: bool
    eco_label: str | None
    refurbished: bool
    weight: float
    twin: str | None = None
    seasonal: str | None = None


@dataclass(frozen=True, slots=True)
class Supplier:
    """A fictional supplier shaped like a real Danish (or foreign) trade.

    The behaviour fields say how it invoices: how many lines, how often a line carries a
    UNSPSC code or a label, whether it sends OIOUBL or PEPPOL, and how its ERP writes texts,
    units and item numbers. ``offers`` narrows the catalogue: a refurbisher sells only
    refurbished items, an organic grower only organic ones.
    """

    key: str
    name: str
    cvr: str | None
    gln: str
    vat_id: str
    nace: str
    groups: tuple[str, ...]
    country: str
    currency: str
    street: str
    city: str
    postcode: str
    lines_low: int
    lines_high: int
    code_rate: float
    label_rate: float
    flavour: str
    text_style: str
    unit_style: str
    item_style: str
    offers: str
    weight: float
    charge_rate: float


# --------------------------------------------------------------------------------------
# Product groups
# --------------------------------------------------------------------------------------

_GROUPS = (
    # key                name                         art      moms  food
    ("dairy", "Mejeri og æg", "22.01", 25, True),
    ("meat", "Kød og fjerkræ", "22.01", 25, True),
    ("fish", "Fisk og skaldyr", "22.01", 25, True),
    ("vegetables", "Grøntsager og kartofler", "22.01", 25, True),
    ("fruit", "Frugt og bær", "22.01", 25, True),
    ("bread", "Brød og bagværk", "22.01", 25, True),
    ("dry_goods", "Kolonial", "22.01", 25, True),
    ("beverages", "Kaffe, te og drikkevarer", "22.02", 25, True),
    ("legumes", "Bælgfrugter og plantebaseret", "22.01", 25, True),
    ("frozen", "Frostvarer", "22.01", 25, True),
    ("it_hardware", "IT-udstyr", "27.20", 25, False),
    ("it_services", "IT-licenser og -drift", "49.40", 25, False),
    ("furniture", "Møbler og inventar", "27.10", 25, False),
    ("office", "Papir og kontorartikler", "29.10", 25, False),
    ("cleaning", "Rengøringsmidler og engangsartikler", "29.20", 25, False),
    ("hygiene", "Hygiejne- og plejeartikler", "29.30", 25, False),
    ("toys_teaching", "Legetøj og undervisningsmaterialer", "29.40", 25, False),
    ("fuel", "Brændstof", "23.01", 25, False),
    ("electricity", "El", "23.11", 25, False),
    ("heating", "Varme og gas", "23.12", 25, False),
    ("transport", "Personbefordring", "40.10", 0, False),
    ("fleet", "Køretøjer, værksted og kurer", "45.20", 25, False),
    ("construction", "Bygge- og anlægsydelser", "45.10", 25, False),
    ("consultancy", "Rådgivning og konsulenter", "49.10", 25, False),
    ("cleaning_services", "Rengøring, vask og affald", "49.20", 25, False),
)

PRODUCT_GROUPS: MappingProxyType[str, ProductGroup] = MappingProxyType(
    {key: ProductGroup(key, name, art, vat, food) for key, name, art, vat, food in _GROUPS}
)
FOOD_GROUPS: tuple[str, ...] = tuple(g.key for g in PRODUCT_GROUPS.values() if g.food)

#: Danish export unit word → UN/ECE Rec 20 code (the one OIOUBL writes; PEPPOL writers map
#: the packaging codes that moved to Rec 21, such as CS → XCS).
UNIT_CODES: MappingProxyType[str, str] = MappingProxyType(
    {
        "stk": "H87",
        "kg": "KGM",
        "l": "LTR",
        "ks": "CS",
        "pk": "PK",
        "rl": "RO",
        "bdt": "EA",
        "sæt": "SET",
        "kWh": "KWH",
        "MWh": "MWH",
        "m3": "MTQ",
        "m2": "MTK",
        "time": "HUR",
        "md": "MON",
        "år": "ANN",
        "km": "KMT",
        "tur": "C62",
    }
)
# Units whose quantity is measured rather than counted, so lines carry decimals.
_MEASURED = frozenset({"kg", "l", "kWh", "MWh", "m3", "m2", "time", "km"})

# --------------------------------------------------------------------------------------
# Items. Text "body|pack": the pack size is kept apart so variants can drop it and organic
# twins can put "økologisk" before it ("Kaffe Ø-mærket 8x500g").
# --------------------------------------------------------------------------------------

_Row = tuple[str, str, str, tuple[float, float], tuple[float, float], dict[str, object]]


def _r(
    text: str,
    unspsc: str,
    unit: str,
    price: tuple[float, float],
    qty: tuple[float, float],
    **extra: object,
) -> _Row:
    """One catalogue row, read as: text "body|pack", UNSPSC, unit, DKK per unit (low, high),
    quantity per line (low, high), then keywords: ``net`` net weight/volume per unit,
    ``oko`` has an organic twin, ``w`` popularity, ``alt`` more texts, ``label`` eco label,
    ``refurb`` refurbished/second-hand, ``season`` quantity follows heating or lighting.
    """
    return (text, unspsc, unit, price, qty, extra)


# Price factor of the organic twin over the conventional item, per food group.
_ORGANIC_PREMIUM = {
    "dairy": 1.2,
    "meat": 1.45,
    "fish": 1.4,
    "vegetables": 1.35,
    "fruit": 1.35,
    "bread": 1.2,
    "dry_goods": 1.35,
    "beverages": 1.25,
    "legumes": 1.3,
    "frozen": 1.35,
}

# fmt: off
_FOOD: dict[str, tuple[_Row, ...]] = {
    "dairy": (
        _r("Letmælk|1 l", "50131701", "stk", (8.5, 11.5), (10, 80), net="1 l", oko=1, w=6),
        _r("Sødmælk|1 l", "50131701", "stk", (9.5, 12.5), (6, 40), net="1 l", oko=1, w=2),
        _r("Skummetmælk|1 l", "50131701", "stk", (8, 10.5), (6, 40), net="1 l", oko=1, w=2),
        _r("Minimælk|1 l", "50131701", "stk", (8.5, 11), (6, 30), net="1 l", oko=1),
        _r("Kærnemælk|1 l", "50131701", "stk", (10, 13), (4, 20), net="1 l", oko=1),
        _r("Letmælk|10 l bag-in-box", "50131701", "stk", (80, 105), (1, 8), net="10 l", oko=1),
        _r("Letmælk UHT|1 l", "50131702", "stk", (9, 12), (6, 48), net="1 l", oko=1, w=0.5),
        _r("Yoghurt naturel 3,5 %|1 l", "50131701", "stk", (14, 19), (4, 30),
           net="1 l", oko=1, w=3, alt=("Yoghurt nat. 1000 ml",)),
        _r("A38 naturel|1 l", "50131701", "stk", (13, 17), (4, 24), net="1 l", oko=1, w=2),
        _r("Skyr naturel|1 kg", "50131701", "stk", (26, 34), (2, 16), net="1 kg", oko=1, w=2),
        _r("Græsk yoghurt 10 %|1 kg", "50131701", "stk", (35, 45), (2, 10), net="1 kg", oko=1),
        _r("Smør saltet|250 g", "50131701", "stk", (17, 23), (6, 40), net="0.25 kg", oko=1, w=3),
        _r("Smør usaltet|5 kg", "50131701", "stk", (320, 400), (1, 3), net="5 kg", oko=1),
        _r("Piskefløde 38 %|1 l", "50131701", "stk", (38, 48), (2, 20), net="1 l", oko=1, w=2),
        _r("Madlavningsfløde 9 %|1 l", "50131701", "stk", (24, 31), (2, 20), net="1 l", oko=1),
        _r("Cremefraiche 18 %|1 l", "50131701", "stk", (30, 38), (2, 12), net="1 l", oko=1, w=2),
        _r("Ost skiver 30+|1 kg", "50131801", "stk", (75, 100), (2, 10), net="1 kg", oko=1, w=3),
        _r("Ost 45+ mellemlagret|kg", "50131801", "kg", (75, 95), (2, 8), oko=1, w=2),
        _r("Mozzarella revet|2 kg", "50131801", "stk", (110, 150), (1, 4), net="2 kg", oko=1),
        _r("Salatost i tern|1 kg", "50131801", "stk", (60, 80), (1, 6), net="1 kg", oko=1),
        _r("Hytteost 4 %|1 kg", "50131801", "stk", (35, 45), (1, 6), net="1 kg", oko=1),
        _r("Smelteost skiver|1 kg", "50131802", "stk", (70, 90), (1, 4), net="1 kg", w=0.5),
        _r("Parmesan revet|1 kg", "50131801", "stk", (160, 220), (1, 3), net="1 kg", w=0.5),
        _r("Æg str. M|30 stk", "50131612", "stk", (55, 75), (2, 20), net="1.8 kg", oko=1, w=3),
        _r("Æg skrabe str. L|180 stk", "50131612", "ks", (330, 420), (1, 4), net="11.7 kg", oko=1),
        _r("Pasteuriserede hele æg|1 l", "50131600", "stk", (38, 50), (1, 8), net="1 l", oko=1),
    ),
    "meat": (
        _r("Hakket oksekød 8-12 %|2 kg", "50111513", "stk", (125, 165), (2, 15),
           net="2 kg", oko=1, w=4, alt=("Oksekød hakket 8-12% 2kg",)),
        _r("Hakket oksekød 14-18 %|5 kg", "50111513", "stk", (290, 360), (1, 4), net="5 kg", oko=1),
        _r("Oksecuvette|kg", "50111513", "kg", (180, 230), (2, 8), w=0.5),
        _r("Oksesteg inderlår|kg", "50111513", "kg", (160, 200), (2, 10), oko=1),
        _r("Oksegryde i tern|2 kg", "50111513", "stk", (170, 220), (1, 6),
           net="2 kg", oko=1, w=1.5),
        _r("Hakket svinekød 8-12 %|2 kg", "50111514", "stk", (75, 100), (2, 12),
           net="2 kg", oko=1, w=3),
        _r("Hakket grise- og kalvekød 8-12 %|2 kg", "50111514", "stk", (85, 110), (2, 12),
           net="2 kg", oko=1, w=3, alt=("Hakket gris/kalv 8-12% 2 kg",)),
        _r("Svinekam u/ben|kg", "50111514", "kg", (60, 80), (3, 15), oko=1, w=1.5),
        _r("Flæskesteg m/svær|kg", "50111514", "kg", (55, 75), (3, 15), oko=1),
        _r("Svinemørbrad|kg", "50111514", "kg", (95, 125), (2, 8), oko=1),
        _r("Medisterpølse|1 kg", "50112005", "stk", (55, 70), (2, 10), net="1 kg", oko=1, w=1.5),
        _r("Kyllingebryst fersk|2 kg", "50111515", "stk", (110, 150), (2, 12),
           net="2 kg", oko=1, w=3),
        _r("Kyllingeoverlår u/ben|2,5 kg", "50111515", "stk", (110, 145), (1, 8),
           net="2.5 kg", oko=1, w=2),
        _r("Hel kylling|1,4 kg", "50111515", "stk", (40, 60), (2, 12), net="1.4 kg", oko=1, w=1.5),
        _r("Hakket kyllingekød 8 %|2 kg", "50111515", "stk", (95, 125), (1, 8),
           net="2 kg", oko=1, w=1.5),
        _r("Kalkunbryst|kg", "50111500", "kg", (110, 140), (2, 8), w=0.5),
        _r("Lammekølle m/ben|kg", "50111500", "kg", (105, 140), (2, 8), oko=1, w=0.4),
        _r("Leverpostej|1 kg", "50112005", "stk", (35, 48), (2, 12), net="1 kg", oko=1, w=2.5),
        _r("Hamburgerryg skiver|500 g", "50112005", "stk", (32, 45), (2, 16),
           net="0.5 kg", oko=1, w=2),
        _r("Rullepølse skiver|500 g", "50112005", "stk", (35, 48), (2, 12),
           net="0.5 kg", oko=1, w=1.5),
        _r("Kyllingebryst pålæg|500 g", "50112005", "stk", (38, 52), (2, 10), net="0.5 kg", oko=1),
        _r("Bacon i skiver|1 kg", "50112005", "stk", (70, 95), (1, 6), net="1 kg", oko=1),
        _r("Wienerpølser|1 kg", "50112005", "stk", (55, 70), (1, 8), net="1 kg", oko=1),
        _r("Frikadeller færdigstegte|2 kg", "50112005", "stk", (120, 160), (1, 6), net="2 kg"),
    ),
    "fish": (
        _r("Torskefilet u/skind|kg", "50121539", "kg", (150, 200), (2, 10), w=1.5),
        _r("Laksefilet m/skind|kg", "50121539", "kg", (125, 165), (2, 10), oko=1, w=2),
        _r("Sej filet|kg", "50121539", "kg", (95, 125), (2, 10), w=1.5),
        _r("Rødspættefilet|kg", "50121539", "kg", (150, 210), (1, 6), w=0.5),
        _r("Kuller filet|kg", "50121539", "kg", (110, 140), (2, 8), w=0.5),
        _r("Torskefilet frost IQF|5 kg", "50121537", "stk", (560, 720), (1, 3), net="5 kg"),
        _r("Fiskefilet paneret frost|2,5 kg", "50121537", "stk", (160, 210), (1, 6),
           net="2.5 kg", w=1.5),
        _r("Muslinger kogte frost|1 kg", "50121537", "stk", (70, 95), (1, 4), net="1 kg", w=0.3),
        _r("Fiskefrikadeller|1 kg", "50121500", "stk", (60, 80), (1, 8), net="1 kg"),
        _r("Marinerede sild|1 kg", "50121500", "stk", (55, 75), (1, 6), net="1 kg"),
        _r("Makrel i tomat|1 kg", "50121500", "stk", (45, 60), (1, 6), net="1 kg", w=0.7),
        _r("Tun i vand|1,7 kg dåse", "50121500", "stk", (90, 120), (1, 6), net="1.7 kg"),
        _r("Rejer i lage|1 kg", "50121500", "stk", (110, 150), (1, 4), net="1 kg", w=0.5),
        _r("Røget laks skiver|500 g", "50121500", "stk", (95, 130), (1, 4),
           net="0.5 kg", oko=1, w=0.5),
    ),
    "vegetables": (
        _r("Gulerødder|10 kg ks", "50402500", "ks", (55, 85), (1, 8), net="10 kg", oko=1, w=4),
        _r("Gulerødder løsvægt|kg", "50402500", "kg", (6, 9), (5, 40), oko=1),
        _r("Kartofler|25 kg sæk", "50405700", "stk", (110, 160), (1, 6), net="25 kg", oko=1, w=2),
        _r("Kartofler skrællede|5 kg", "50405700", "stk", (55, 75), (1, 10),
           net="5 kg", oko=1, w=3),
        _r("Bagekartofler|10 kg ks", "50405700", "ks", (70, 95), (1, 4), net="10 kg", w=0.7),
        _r("Løg gule|10 kg", "50402200", "stk", (55, 80), (1, 4), net="10 kg", oko=1, w=2.5),
        _r("Rødløg|5 kg", "50402200", "stk", (40, 60), (1, 4), net="5 kg", oko=1),
        _r("Hvidkål|kg", "50400000", "kg", (6, 10), (3, 20), oko=1, w=1.5),
        _r("Rødkål|kg", "50400000", "kg", (7, 11), (3, 15), oko=1),
        _r("Spidskål|stk", "50400000", "stk", (12, 18), (2, 12), net="1 kg", oko=1, w=0.8),
        _r("Broccoli|kg", "50400000", "kg", (22, 32), (2, 12), oko=1, w=2),
        _r("Blomkål|stk", "50400000", "stk", (14, 22), (2, 12), net="0.8 kg", oko=1, w=1.5),
        _r("Porrer|kg", "50400000", "kg", (14, 20), (2, 10), oko=1, w=1.5),
        _r("Tomater|6 kg ks", "50406500", "ks", (95, 140), (1, 4), net="6 kg", oko=1, w=2),
        _r("Cherrytomater|250 g", "50406500", "stk", (9, 14), (6, 40), net="0.25 kg", oko=1, w=1.5),
        _r("Agurk|stk", "50400000", "stk", (5, 9), (4, 40), net="0.4 kg", oko=1, w=3),
        _r("Icebergsalat|stk", "50404600", "stk", (8, 13), (2, 20), net="0.5 kg", oko=1, w=2),
        _r("Salatmix|1 kg", "50404600", "stk", (45, 65), (1, 6), net="1 kg", oko=1),
        _r("Peberfrugt rød|5 kg", "50405600", "stk", (110, 160), (1, 3), net="5 kg", oko=1, w=1.5),
        _r("Squash|kg", "50406300", "kg", (14, 22), (2, 10), oko=1),
        _r("Pastinak|5 kg", "50400000", "stk", (45, 70), (1, 4), net="5 kg", oko=1),
        _r("Rødbeder|10 kg", "50400000", "stk", (55, 85), (1, 3), net="10 kg", oko=1),
        _r("Knoldselleri|kg", "50400000", "kg", (9, 14), (2, 10), oko=1, w=0.7),
        _r("Hvidløg|1 kg", "50403800", "stk", (45, 70), (1, 3), net="1 kg", oko=1, w=0.7),
        _r("Champignon|2,5 kg", "50400000", "stk", (70, 95), (1, 4), net="2.5 kg", oko=1),
        _r("Babyspinat|1 kg", "50400000", "stk", (55, 75), (1, 4), net="1 kg", oko=1, w=0.8),
        _r("Grønkål snittet|1 kg", "50400000", "stk", (35, 50), (1, 4), net="1 kg", oko=1, w=0.6),
        _r("Persille|bdt", "50400000", "bdt", (7, 11), (2, 12), net="0.1 kg", oko=1),
    ),
    "fruit": (
        _r("Æbler Gala|13 kg ks", "50301500", "ks", (150, 210), (1, 4), net="13 kg", oko=1, w=3),
        _r("Æbler danske|kg", "50301500", "kg", (12, 18), (3, 20), oko=1, w=2),
        _r("Bananer|18 kg ks", "50300000", "ks", (200, 260), (1, 3), net="18 kg", oko=1, w=3),
        _r("Pærer Conference|12 kg ks", "50300000", "ks", (160, 230), (1, 2),
           net="12 kg", oko=1, w=1.5),
        _r("Appelsiner|15 kg ks", "50305000", "ks", (170, 230), (1, 2), net="15 kg", oko=1, w=1.5),
        _r("Clementiner|10 kg ks", "50304400", "ks", (140, 190), (1, 3), net="10 kg", oko=1, w=1.5),
        _r("Citroner|5 kg", "50304100", "stk", (70, 95), (1, 2), net="5 kg", oko=1),
        _r("Vindruer grønne u/sten|4,5 kg", "50300000", "stk", (130, 180), (1, 2),
           net="4.5 kg", oko=1),
        _r("Jordbær|250 g bakke", "50300000", "stk", (14, 25), (4, 24), net="0.25 kg", oko=1),
        _r("Blåbær|125 g", "50300000", "stk", (12, 18), (4, 24), net="0.125 kg", oko=1, w=0.7),
        _r("Melon cantaloupe|stk", "50300000", "stk", (18, 26), (2, 10), net="1 kg", w=0.7),
        _r("Kiwi|stk", "50300000", "stk", (2, 3.5), (10, 60), net="0.1 kg", oko=1, w=0.7),
        _r("Blommer|kg", "50300000", "kg", (22, 32), (2, 8), w=0.4),
        _r("Avocado|stk", "50401700", "stk", (6, 10), (4, 30), net="0.2 kg", oko=1, w=0.7),
        _r("Mango|stk", "50300000", "stk", (9, 15), (2, 12), net="0.4 kg", w=0.4),
        _r("Frugtkasse blandet|8 kg", "50300000", "ks", (180, 260), (1, 3),
           net="8 kg", oko=1, w=1.2),
    ),
    "bread": (
        _r("Rugbrød skiveskåret|1 kg", "50181901", "stk", (22, 30), (4, 30),
           net="1 kg", oko=1, w=5, alt=("Rugbrød sk.sk. 1000 g",)),
        _r("Solsikkerugbrød skiveskåret|1 kg", "50181901", "stk", (24, 32), (2, 20),
           net="1 kg", oko=1, w=2),
        _r("Franskbrød skiveskåret|800 g", "50181901", "stk", (16, 22), (2, 20),
           net="0.8 kg", oko=1, w=2.5),
        _r("Grovbrød skiveskåret|800 g", "50181901", "stk", (18, 25), (2, 20),
           net="0.8 kg", oko=1, w=2),
        _r("Grovboller|40 stk", "50181901", "pk", (60, 85), (1, 6), net="2.4 kg", oko=1, w=1.5),
        _r("Rundstykker frost|60 stk", "50181902", "ks", (110, 150), (1, 4),
           net="3.6 kg", oko=1, w=1.5),
        _r("Boller m/kerner frost|100 stk", "50181902", "ks", (180, 240), (1, 3),
           net="6 kg", w=0.7),
        _r("Knækbrød|1 kg", "50181903", "stk", (45, 65), (1, 6), net="1 kg", oko=1),
        _r("Sandwichbrød fuldkorn|900 g", "50181906", "stk", (22, 30), (2, 12), net="0.9 kg"),
        _r("Pitabrød|20 stk", "50181906", "pk", (45, 60), (1, 6), net="1.4 kg", w=0.7),
        _r("Tortilla wraps|18 stk", "50181906", "pk", (40, 55), (1, 6), net="1.1 kg", oko=1, w=0.7),
        _r("Wienerbrød|stk", "50180000", "stk", (9, 14), (10, 60), net="0.1 kg", w=0.5),
        _r("Kringle|stk", "50180000", "stk", (70, 95), (1, 4), net="0.6 kg", w=0.3),
        _r("Mariekiks|800 g", "50181905", "stk", (30, 40), (1, 6), net="0.8 kg", w=0.5),
        _r("Havregrynskager|1 kg", "50181905", "stk", (50, 70), (1, 4), net="1 kg", oko=1, w=0.4),
    ),
    "dry_goods": (
        _r("Havregryn|1 kg", "50221201", "stk", (14, 19), (4, 30), net="1 kg", oko=1, w=3),
        _r("Havregryn|25 kg sæk", "50221201", "stk", (300, 400), (1, 2), net="25 kg", oko=1, w=0.5),
        _r("Hvedemel|2 kg", "50221300", "stk", (15, 21), (2, 12), net="2 kg", oko=1, w=1.5),
        _r("Hvedemel|25 kg sæk", "50221300", "stk", (150, 210), (1, 2), net="25 kg", oko=1, w=0.4),
        _r("Rugmel|2 kg", "50221300", "stk", (18, 25), (1, 6), net="2 kg", oko=1, w=0.6),
        _r("Ris parboiled|5 kg", "50221101", "stk", (70, 95), (1, 6), net="5 kg", oko=1, w=2),
        _r("Ris jasmin|5 kg", "50221101", "stk", (85, 115), (1, 4), net="5 kg", oko=1),
        _r("Grødris|1 kg", "50221101", "stk", (18, 25), (2, 10), net="1 kg", oko=1),
        _r("Pasta penne|3 kg", "50192902", "stk", (55, 75), (1, 8), net="3 kg", oko=1, w=2),
        _r("Spaghetti|5 kg", "50192902", "stk", (85, 115), (1, 4), net="5 kg", oko=1, w=1.5),
        _r("Makaroni|1 kg", "50192902", "stk", (18, 25), (2, 10), net="1 kg", oko=1),
        _r("Fuldkornspasta|3 kg", "50192902", "stk", (65, 85), (1, 6), net="3 kg", oko=1),
        _r("Bulgur|5 kg", "50220000", "stk", (75, 100), (1, 3), net="5 kg", oko=1, w=0.6),
        _r("Couscous|5 kg", "50220000", "stk", (80, 105), (1, 3), net="5 kg", oko=1, w=0.6),
        _r("Quinoa|1 kg", "50220000", "stk", (45, 65), (1, 4), net="1 kg", oko=1, w=0.3),
        _r("Müsli|1 kg", "50221201", "stk", (35, 50), (2, 10), net="1 kg", oko=1),
        _r("Cornflakes|1 kg", "50221201", "stk", (30, 42), (1, 6), net="1 kg", w=0.7),
        _r("Sukker|1 kg", "50161509", "stk", (9, 13), (2, 20), net="1 kg", oko=1, w=1.5),
        _r("Rørsukker|1 kg", "50161509", "stk", (16, 22), (1, 6), net="1 kg", oko=1, w=0.4),
        _r("Salt fint|1 kg", "50171551", "stk", (6, 10), (1, 10), net="1 kg"),
        _r("Rapsolie|5 l", "50151513", "stk", (85, 120), (1, 4), net="5 l", oko=1, w=2),
        _r("Olivenolie ekstra jomfru|1 l", "50151513", "stk", (55, 80), (1, 6), net="1 l", oko=1),
        _r("Hakkede tomater|2,5 kg dåse", "50460000", "stk", (28, 40), (1, 12),
           net="2.5 kg", oko=1, w=2),
        _r("Tomatpuré|800 g", "50460000", "stk", (25, 35), (1, 8), net="0.8 kg", oko=1),
        _r("Grøntsagsbouillon pulver|1 kg", "50193104", "stk", (60, 90), (1, 4), net="1 kg", oko=1),
        _r("Hønsebouillon pulver|1 kg", "50193104", "stk", (60, 85), (1, 4), net="1 kg"),
        _r("Peber sort kværnet|500 g", "50171550", "stk", (60, 85), (1, 3),
           net="0.5 kg", oko=1, w=0.6),
        _r("Paprika sød|500 g", "50171550", "stk", (45, 65), (1, 3), net="0.5 kg", oko=1, w=0.5),
        _r("Karry|500 g", "50171550", "stk", (45, 65), (1, 3), net="0.5 kg", w=0.4),
        _r("Eddike 5 %|1 l", "50171707", "stk", (8, 12), (1, 6), net="1 l", w=0.5),
        _r("Honning flydende|1 kg", "50192403", "stk", (60, 85), (1, 4), net="1 kg", oko=1, w=0.5),
        _r("Jordbærmarmelade|1 kg", "50192401", "stk", (35, 50), (1, 6), net="1 kg", oko=1, w=0.7),
        _r("Rosiner|1 kg", "50320000", "stk", (35, 50), (1, 4), net="1 kg", oko=1, w=0.5),
        _r("Solsikkekerner|1 kg", "50100000", "stk", (35, 50), (1, 4), net="1 kg", oko=1, w=0.5),
        _r("Mandler hele|1 kg", "50100000", "stk", (110, 150), (1, 2), net="1 kg", oko=1, w=0.3),
        _r("Ketchup|1 kg", "50171800", "stk", (25, 35), (1, 6), net="1 kg", oko=1, w=0.8),
        _r("Remoulade|1 kg", "50171800", "stk", (30, 42), (1, 6), net="1 kg", w=0.6),
        _r("Mayonnaise|5 kg", "50171800", "stk", (120, 160), (1, 2), net="5 kg", w=0.5),
        _r("Sennep|1 kg", "50171800", "stk", (28, 38), (1, 4), net="1 kg", w=0.4),
        _r("Sojasauce|1 l", "50171800", "stk", (30, 45), (1, 4), net="1 l", w=0.4),
    ),
    "beverages": (
        _r("Kaffe formalet|8x500g", "50201706", "ks", (360, 480), (1, 4),
           net="4 kg", oko=1, w=3, alt=("Kaffe formalet 8 x 500 g",)),
        _r("Kaffe formalet|500 g", "50201706", "stk", (45, 60), (2, 12), net="0.5 kg", oko=1, w=2),
        _r("Kaffebønner hele|1 kg", "50201706", "stk", (110, 150), (1, 6),
           net="1 kg", oko=1, w=1.5),
        _r("Instant kaffe|500 g", "50201709", "stk", (90, 130), (1, 3), net="0.5 kg", w=0.5),
        _r("Te sort|100 breve", "50201713", "pk", (35, 55), (1, 6), net="0.2 kg", oko=1, w=1.5),
        _r("Te grøn|100 breve", "50201713", "pk", (40, 60), (1, 4), net="0.2 kg", oko=1, w=0.7),
        _r("Urtete|20 breve", "50201713", "pk", (15, 25), (2, 10), net="0.04 kg", oko=1, w=0.5),
        _r("Appelsinjuice|1 l", "50202304", "stk", (13, 19), (4, 30), net="1 l", oko=1, w=1.5),
        _r("Æblejuice|3 l bag-in-box", "50202304", "stk", (45, 65), (1, 8), net="3 l", oko=1),
        _r("Danskvand citrus|24x0,5 l", "50202301", "ks", (75, 100), (1, 6), net="12 l"),
        _r("Kildevand|24x0,5 l", "50202301", "ks", (55, 80), (1, 6), net="12 l", w=0.7),
        _r("Hyldeblomstsaft|1 l", "50202300", "stk", (35, 50), (1, 6), net="1 l", oko=1, w=0.5),
        _r("Havredrik|1 l", "50202300", "stk", (14, 20), (4, 24), net="1 l", oko=1, w=1.5),
        _r("Kakaopulver|1 kg", "50200000", "stk", (45, 65), (1, 4), net="1 kg", oko=1, w=0.5),
    ),
    "legumes": (
        _r("Kikærter tørrede|1 kg", "50421800", "stk", (22, 32), (1, 6), net="1 kg", oko=1),
        _r("Kikærter kogte|2,5 kg dåse", "50460000", "stk", (35, 50), (1, 6), net="2.5 kg", oko=1),
        _r("Røde linser|5 kg", "50421800", "stk", (85, 120), (1, 3), net="5 kg", oko=1, w=1.5),
        _r("Grønne linser|1 kg", "50421800", "stk", (25, 35), (1, 6), net="1 kg", oko=1, w=0.7),
        _r("Kidneybønner kogte|2,5 kg dåse", "50460000", "stk", (35, 48), (1, 6),
           net="2.5 kg", oko=1),
        _r("Hvide bønner kogte|2,5 kg dåse", "50460000", "stk", (35, 48), (1, 4),
           net="2.5 kg", oko=1, w=0.6),
        _r("Sorte bønner tørrede|1 kg", "50421800", "stk", (28, 38), (1, 4),
           net="1 kg", oko=1, w=0.5),
        _r("Gule ærter flækkede|1 kg", "50421800", "stk", (18, 26), (1, 4),
           net="1 kg", oko=1, w=0.5),
        _r("Hestebønner tørrede|1 kg", "50421800", "stk", (22, 32), (1, 4),
           net="1 kg", oko=1, w=0.4),
        _r("Tofu naturel|1 kg", "50190000", "stk", (45, 65), (1, 6), net="1 kg", oko=1, w=0.7),
        _r("Plantefars ærteprotein|1 kg", "50190000", "stk", (65, 90), (1, 6),
           net="1 kg", w=0.8, alt=("Vegetarfars 1 kg",)),
        _r("Hummus|1 kg", "50171800", "stk", (50, 70), (1, 4), net="1 kg", oko=1, w=0.5),
        _r("Falafel frost|1 kg", "50190000", "stk", (55, 75), (1, 4), net="1 kg", w=0.5),
    ),
    "frozen": (
        _r("Ærter frost|2,5 kg", "50440000", "stk", (40, 55), (1, 6), net="2.5 kg", oko=1, w=2),
        _r("Majs frost|2,5 kg", "50440000", "stk", (40, 55), (1, 4), net="2.5 kg", oko=1),
        _r("Grøntsagsblanding frost|2,5 kg", "50440000", "stk", (40, 60), (1, 6),
           net="2.5 kg", oko=1, w=2),
        _r("Spinat hakket frost|2,5 kg", "50440000", "stk", (45, 60), (1, 4), net="2.5 kg", oko=1),
        _r("Broccoli frost|2,5 kg", "50440000", "stk", (50, 70), (1, 4),
           net="2.5 kg", oko=1, w=1.5),
        _r("Bønner grønne frost|2,5 kg", "50440000", "stk", (45, 60), (1, 4), net="2.5 kg", oko=1),
        _r("Edamamebønner frost|1 kg", "50440000", "stk", (40, 55), (1, 4),
           net="1 kg", oko=1, w=0.6),
        _r("Pommes frites frost|2,5 kg", "50440000", "stk", (30, 42), (1, 6), net="2.5 kg"),
        _r("Kartoffelbåde frost|2,5 kg", "50440000", "stk", (35, 48), (1, 4), net="2.5 kg", w=0.8),
        _r("Bærblanding frost|2,5 kg", "50340000", "stk", (85, 120), (1, 4),
           net="2.5 kg", oko=1, w=1.5),
        _r("Hindbær frost|1 kg", "50340000", "stk", (50, 70), (1, 4), net="1 kg", oko=1, w=0.8),
        _r("Blåbær frost|2,5 kg", "50340000", "stk", (110, 150), (1, 2),
           net="2.5 kg", oko=1, w=0.7),
        _r("Vaniljeis|5 l", "50192303", "stk", (85, 120), (1, 4), net="5 l", oko=1),
        _r("Lasagne frost|2,5 kg", "50190000", "stk", (120, 170), (1, 3), net="2.5 kg", w=0.5),
        _r("Kyllingeoverlår frost|5 kg", "50111515", "stk", (210, 270), (1, 3), net="5 kg", w=0.8),
        _r("Hakket oksekød frost 8-12 %|2 kg", "50111513", "stk", (110, 145), (1, 6),
           net="2 kg", oko=1, w=0.8),
    ),
}

_NONFOOD: dict[str, tuple[_Row, ...]] = {
    "it_hardware": (
        _r('Bærbar PC 14"|stk', "43211503", "stk", (5200, 8200), (1, 5),
           w=2, label="TCO Certified", alt=('Laptop 14" Intel i5 16GB/512GB',)),
        _r('Bærbar PC 14" refurb.|stk', "43211503", "stk", (2400, 3800), (1, 8),
           w=1.5, refurb=1, alt=('Refurbished laptop 14" grade A',)),
        _r("HP EliteBook 840 G10|stk", "43211503", "stk", (7800, 10_500), (1, 4),
           w=1.5, label="TCO Certified"),
        _r("HP EliteBook 840 G8 refurb.|stk", "43211503", "stk", (2900, 4200), (1, 6), refurb=1),
        _r("Lenovo ThinkPad T14 Gen 4|stk", "43211503", "stk", (7500, 10_200), (1, 4),
           label="TCO Certified"),
        _r("Lenovo ThinkPad T480 brugt/renoveret|stk", "43211503", "stk", (1900, 2900), (1, 8),
           refurb=1),
        _r("Dell Latitude 5440|stk", "43211503", "stk", (6900, 9400), (1, 4)),
        _r('MacBook Air 13" M2|stk', "43211503", "stk", (7900, 9900), (1, 2), w=0.4),
        _r('Chromebook 11,6" elev|stk', "43211503", "stk", (1900, 2800), (5, 30), w=1.2),
        _r('iPad 10,9" 64 GB|stk', "43211509", "stk", (3100, 3900), (1, 25), w=1.2),
        _r('iPad 10,2" 32 GB refurb.|stk', "43211509", "stk", (1300, 1900), (2, 25), refurb=1),
        _r("Stationær PC mini tower|stk", "43211507", "stk", (4800, 7200), (1, 6), w=0.6),
        _r('Skærm 24" TCO Certified|stk', "43211902", "stk", (1100, 1700), (1, 12),
           w=2, label="TCO Certified"),
        _r('Skærm 27" USB-C|stk', "43211902", "stk", (2100, 3200), (1, 6)),
        _r('Skærm 24" refurb.|stk', "43211902", "stk", (450, 800), (1, 12), refurb=1),
        _r("Dockingstation USB-C|stk", "43211602", "stk", (1200, 1900), (1, 10), w=1.5),
        _r("Tastatur trådløst DK|stk", "43211706", "stk", (250, 450), (1, 15)),
        _r("Mus trådløs|stk", "43211708", "stk", (120, 260), (1, 20)),
        _r("Headset USB stereo|stk", "43191609", "stk", (350, 900), (1, 15)),
        _r("Mobiltelefon iPhone 15 128 GB|stk", "43191501", "stk", (5200, 6200), (1, 6), w=0.8),
        _r("Mobiltelefon Samsung Galaxy A55|stk", "43191501", "stk", (2300, 2900), (1, 10)),
        _r("Mobiltelefon iPhone 12 refurb.|stk", "43191501", "stk", (1900, 2600), (1, 10),
           refurb=1),
        _r("Toner sort HP 59A|stk", "44103103", "stk", (650, 950), (1, 6), w=1.5),
        _r("Toner farve CMY sæt|sæt", "44103103", "sæt", (1800, 2700), (1, 3)),
        _r("Toner sort genfyldt|stk", "44103103", "stk", (300, 480), (1, 6), label="Nordic Swan"),
        _r("Blækpatron sort|stk", "44103105", "stk", (180, 320), (1, 6), w=0.6),
        _r("Multifunktionsprinter A3|stk", "43212110", "stk", (14_000, 24_000), (1, 1), w=0.3),
        _r("Laserprinter A4 s/h|stk", "43212105", "stk", (1800, 3200), (1, 2), w=0.4),
        _r("Projektor 4000 lumen|stk", "45111609", "stk", (4500, 8500), (1, 2), w=0.3),
        _r("Netværksswitch 24 port PoE|stk", "43222612", "stk", (3800, 7200), (1, 3), w=0.3),
        _r("Trådløst access point|stk", "43222640", "stk", (1400, 2600), (1, 10), w=0.4),
        _r("USB-nøgle 64 GB|stk", "43202010", "stk", (60, 120), (2, 20), w=0.6),
        _r("Ekstern SSD 1 TB|stk", "43201830", "stk", (650, 1100), (1, 4), w=0.4),
        _r("Kabel HDMI 2 m|stk", "43202222", "stk", (60, 140), (2, 20), w=0.8),
        _r("Oplader USB-C 65 W|stk", "43211600", "stk", (250, 450), (1, 20)),
    ),
    "it_services": (
        _r("Microsoft 365 E3 licens|md", "43230000", "md", (260, 320), (20, 400), w=2),
        _r("Fagsystem licens årlig|år", "43230000", "år", (25_000, 180_000), (1, 1), w=0.8),
        _r("Antivirus licens pr. bruger|år", "43230000", "år", (180, 320), (50, 600)),
        _r("IT-support timer|time", "81110000", "time", (750, 1150), (1, 40), w=1.5),
        _r("Drift af servere|md", "81110000", "md", (18_000, 65_000), (1, 1)),
        _r("Cloud hosting|md", "81110000", "md", (4000, 28_000), (1, 1)),
        _r("Klargøring af PC'er|stk", "81110000", "stk", (250, 450), (5, 60), w=0.8),
        _r("Datasletning og oparbejdning til genbrug|stk", "81110000", "stk", (90, 180), (10, 150),
           w=0.6),
        _r("Mobilabonnement|md", "81110000", "md", (79, 199), (10, 300), w=1.5),
        _r("Internetforbindelse 1000/1000|md", "81110000", "md", (1500, 4500), (1, 1)),
    ),
    "furniture": (
        _r("Kontorstol m/armlæn|stk", "56112102", "stk", (1600, 3200), (1, 12),
           w=2, label="Møbelfakta"),
        _r("Kontorstol ergonomisk|stk", "56112102", "stk", (3200, 6500), (1, 6)),
        _r("Stol brugt/renoveret|stk", "56112102", "stk", (450, 1200), (1, 20), refurb=1, w=1.5),
        _r("Hæve-sænkebord 160x80|stk", "56101703", "stk", (3600, 6200), (1, 10),
           w=2, label="Møbelfakta"),
        _r("Hæve-sænkebord 160x80 brugt|stk", "56101703", "stk", (1400, 2400), (1, 10), refurb=1),
        _r("Skrivebord 140x70|stk", "56101703", "stk", (1800, 3200), (1, 6)),
        _r("Mødebord 240x100|stk", "56101706", "stk", (4500, 9000), (1, 2), w=0.5),
        _r("Konferencestol stabelbar|stk", "56112103", "stk", (700, 1500), (4, 40)),
        _r("Reol 5 hylder 200 cm|stk", "56101507", "stk", (1100, 2200), (1, 8)),
        _r("Arkivskab 4 skuffer|stk", "56101702", "stk", (2200, 3900), (1, 4), w=0.5),
        _r("Garderobeskab 2 rum|stk", "56101520", "stk", (1800, 3000), (1, 10), w=0.5),
        _r("Elevbord hæve-sænk|stk", "56120000", "stk", (1400, 2400), (4, 30),
           w=1.2, label="Møbelfakta"),
        _r("Elevstol|stk", "56120000", "stk", (600, 1200), (6, 30), w=1.2),
        _r("Børnestol bøg|stk", "56120000", "stk", (450, 900), (2, 20)),
        _r("Børnebord 120x60|stk", "56120000", "stk", (1200, 2200), (1, 6)),
        _r("Lænestol plejecenter|stk", "56112103", "stk", (3500, 7500), (1, 6), w=0.6),
        _r("Spisebordsstol m/armlæn|stk", "56112103", "stk", (1400, 2600), (2, 16), w=0.6),
        _r("Sofa 3 pers. brugt|stk", "56112103", "stk", (1500, 3500), (1, 2), refurb=1, w=0.4),
        _r("Opbevaringsreol m/kasser|stk", "56101507", "stk", (1600, 3200), (1, 6), w=0.6),
    ),
    "office": (
        _r("Kopipapir A4 80 g Svanemærket|5x500 ark", "14111507", "ks", (135, 185), (1, 20),
           net="12.5 kg", w=5, label="Svanemærket"),
        _r("Kopipapir A4 80 g|500 ark", "14111507", "pk", (32, 45), (5, 40), net="2.5 kg", w=2),
        _r("Kopipapir A3 80 g|500 ark", "14111507", "pk", (75, 110), (1, 10), net="5 kg"),
        _r("Kopipapir A4 100 % genbrug|5x500 ark", "14111507", "ks", (150, 210), (1, 10),
           net="12.5 kg", label="EU Ecolabel"),
        _r("Kuverter C5 m/rude|500 stk", "44121506", "ks", (220, 330), (1, 4), w=0.8),
        _r("Kuglepen blå|50 stk", "44121704", "pk", (95, 160), (1, 4)),
        _r("Blyant HB|12 stk", "44121706", "pk", (18, 35), (1, 20), label="FSC"),
        _r("Viskelæder|20 stk", "44121804", "pk", (40, 70), (1, 6), w=0.5),
        _r("Overstregningspen|4 stk", "44121716", "pk", (30, 50), (1, 10), w=0.6),
        _r("Whiteboardmarker|4 stk", "44121708", "pk", (35, 60), (1, 10)),
        _r("Notesblok A4 linjeret|10 stk", "14111514", "pk", (60, 95), (1, 6), label="Svanemærket"),
        _r("Post-it 76x76|12 blk", "14111530", "pk", (80, 130), (1, 6)),
        _r("Ringbind A4 2-rings|stk", "44122003", "stk", (12, 25), (5, 50), w=0.8),
        _r("Brevordner A4 smal ryg|stk", "44122035", "stk", (18, 32), (5, 40), w=0.8),
        _r("Plastlommer A4|100 stk", "44122011", "pk", (40, 70), (1, 6), w=0.6),
        _r("Hæftemaskine|stk", "44121615", "stk", (60, 160), (1, 6), w=0.4),
        _r("Hæfteklammer 24/6|5000 stk", "44122107", "pk", (15, 30), (1, 10), w=0.5),
        _r("Kontorsaks|stk", "44121618", "stk", (25, 55), (1, 10), w=0.4),
        _r("Tape 19 mm|8 rl", "31201500", "pk", (45, 75), (1, 6), w=0.5),
        _r("Batterier AA alkaline|24 stk", "26111702", "pk", (80, 140), (1, 6), w=0.6),
        _r("Whiteboard 120x90|stk", "44111905", "stk", (650, 1200), (1, 4), w=0.3),
        _r("Lamineringslommer A4|100 stk", "44122000", "pk", (70, 120), (1, 4), w=0.4),
        _r("Limstift 40 g|10 stk", "31201600", "pk", (55, 90), (1, 6), w=0.4),
    ),
    "cleaning": (
        _r("Universalrengøring Svanemærket|5 l", "47131805", "stk", (85, 140), (1, 10),
           net="5 l", w=4, label="Svanemærket"),
        _r("Universalrengøring|1 l", "47131805", "stk", (22, 35), (2, 20), net="1 l", w=1.5),
        _r("Gulvsæbe Svanemærket|5 l", "47131801", "stk", (90, 150), (1, 6),
           net="5 l", label="Svanemærket", w=2),
        _r("Glasrens|1 l", "47131824", "stk", (25, 40), (1, 12), net="1 l"),
        _r("Desinfektionsmiddel overflade|5 l", "47131803", "stk", (140, 220), (1, 6),
           net="5 l", w=1.5),
        _r("Maskinopvask flydende|10 l", "47131810", "stk", (260, 380), (1, 4), net="10 l", w=1.5),
        _r("Afspændingsmiddel|5 l", "47131810", "stk", (160, 240), (1, 3), net="5 l"),
        _r("Håndopvask Svanemærket|1 l", "47131810", "stk", (25, 40), (2, 12),
           net="1 l", label="Svanemærket"),
        _r("Tøjvask flydende Svanemærket|5 l", "47131811", "stk", (150, 230), (1, 4),
           net="5 l", label="Svanemærket"),
        _r("Toiletrens|1 l", "47131800", "stk", (22, 35), (2, 20), net="1 l"),
        _r("Affedtningsmiddel|5 l", "47131821", "stk", (120, 190), (1, 4), net="5 l", w=0.7),
        _r("Mikrofiberklude|10 stk", "47131502", "pk", (70, 130), (1, 10), w=1.5),
        _r("Moppe komplet|stk", "47131618", "stk", (180, 320), (1, 4), w=0.5),
        _r("Mopbånd mikrofiber|stk", "47131619", "stk", (45, 85), (2, 20)),
        _r("Kost indendørs|stk", "47131604", "stk", (60, 140), (1, 6), w=0.4),
        _r("Rengøringssvampe|10 stk", "47131603", "pk", (25, 45), (1, 10), w=0.6),
        _r("Affaldssække 60 l|50 stk", "47121701", "rl", (45, 75), (2, 20), w=2),
        _r("Bioposer 10 l|50 stk", "47121701", "rl", (30, 50), (2, 20)),
        _r("Toiletpapir 2-lags|64 rl", "14111704", "ks", (260, 360), (1, 12),
           w=3, label="Svanemærket"),
        _r("Håndklædeark 2-lags|3200 ark", "14111703", "ks", (230, 330), (1, 10),
           w=2.5, label="Svanemærket"),
        _r("Køkkenruller|32 rl", "14111703", "ks", (190, 260), (1, 6)),
        _r("Servietter 33x33 hvid|1000 stk", "14111705", "ks", (110, 170), (1, 6)),
        _r("Paptallerken 22 cm|50 stk", "52151502", "pk", (35, 60), (1, 10), w=0.6),
        _r("Kaffekrus pap 24 cl|100 stk", "52151504", "pk", (45, 80), (1, 10), w=0.8),
        _r("Træbestik sæt|100 stk", "52151503", "pk", (55, 90), (1, 6), w=0.5),
        _r("Madboks pap m/låg|50 stk", "52151506", "pk", (80, 140), (1, 10), w=0.6),
    ),
    "hygiene": (
        _r("Håndsæbe Svanemærket|5 l", "53131608", "stk", (110, 170), (1, 6),
           net="5 l", w=2, label="Svanemærket"),
        _r("Håndsæbe parfumefri|1 l", "53131608", "stk", (30, 45), (2, 20), net="1 l"),
        _r("Hånddesinfektion 85 %|1 l", "53131626", "stk", (55, 85), (2, 20), net="1 l", w=2),
        _r("Nitrilhandsker str. M|100 stk", "42132203", "pk", (45, 80), (2, 40), w=3),
        _r("Vinylhandsker str. L|100 stk", "42132203", "pk", (30, 55), (2, 20)),
        _r("Inkontinensbleer str. M|28 stk", "53102306", "pk", (130, 210), (2, 40), w=3),
        _r("Inkontinensbind normal|30 stk", "53102306", "pk", (60, 100), (2, 40), w=2),
        _r("Bleer str. 4|44 stk", "53102305", "pk", (95, 150), (2, 20), w=2, label="Svanemærket"),
        _r("Vådservietter parfumefri|72 stk", "53131600", "pk", (20, 35), (4, 40)),
        _r("Plaster assorteret|100 stk", "42311505", "pk", (35, 65), (1, 10), w=0.6),
        _r("Førstehjælpskasse|stk", "42172001", "stk", (250, 450), (1, 3), w=0.4),
        _r("Hudcreme parfumefri|500 ml", "53131600", "stk", (45, 80), (1, 12), net="0.5 l"),
        _r("Mundbind type IIR|50 stk", "46182001", "pk", (40, 80), (1, 20), w=0.8),
        _r("Engangsforklæder|100 stk", "46181500", "pk", (55, 95), (1, 20), w=0.8),
        _r("Sengeunderlag 60x90|30 stk", "53102306", "pk", (70, 120), (1, 20)),
    ),
    "toys_teaching": (
        _r("Byggeklodser|1000 stk", "60141000", "sæt", (350, 650), (1, 4), w=1.5),
        _r("Puslespil 100 brikker|stk", "60141100", "stk", (60, 140), (1, 10)),
        _r("Brætspil familie|stk", "60141100", "stk", (150, 350), (1, 4), w=0.7),
        _r("Fodbold str. 4|stk", "49161500", "stk", (90, 220), (2, 20)),
        _r("Gymnastikmåtte|stk", "49161500", "stk", (350, 900), (1, 10), w=0.5),
        _r("Modellervoks|1 kg", "60120000", "stk", (60, 110), (1, 10), net="1 kg", w=0.7),
        _r("Farveblyanter|144 stk", "44121707", "pk", (180, 320), (1, 6), label="FSC"),
        _r("Tusser|144 stk", "44121708", "pk", (150, 280), (1, 6)),
        _r("Tegnepapir A3 hvid|250 ark", "60120000", "pk", (90, 160), (1, 8),
           net="5 kg", label="Svanemærket"),
        _r("Akvarelfarver|12 farver", "60120000", "sæt", (70, 140), (2, 20), w=0.6),
        _r("Børnesaks|stk", "44121618", "stk", (12, 25), (10, 40), w=0.6),
        _r("Lærebog matematik 4. kl.|stk", "55101509", "stk", (180, 290), (20, 60), w=1.2),
        _r("Klassesæt romaner|stk", "55101500", "stk", (90, 180), (20, 30), w=0.8),
        _r("Billedbøger|stk", "55101500", "stk", (80, 200), (2, 20)),
        _r("Legetøj brugt (genbrug)|kasse", "60141000", "ks", (150, 450), (1, 4), refurb=1, w=0.6),
        _r("Sandkassesæt|stk", "60141000", "stk", (60, 150), (2, 20), w=0.6),
        _r("Løbecykel|stk", "60141000", "stk", (450, 900), (1, 6), w=0.5),
        _r("Dukker|stk", "60141000", "stk", (120, 300), (1, 6), w=0.5),
        _r("Rytmeinstrumenter sæt|sæt", "60130000", "sæt", (600, 1500), (1, 2), w=0.4),
        _r("Digitalt læremiddel skolelicens|år", "43230000", "år", (8000, 45_000), (1, 1), w=0.8),
    ),
    "fuel": (
        _r("Diesel|l", "15101505", "l", (10.2, 12.8), (40, 900), w=3),
        _r("Blyfri 95 E10|l", "15101506", "l", (11.2, 13.8), (30, 400), w=1.5),
        _r("HVO100 diesel|l", "15101505", "l", (13.5, 16.5), (40, 900), w=1, label="HVO fossilfri"),
        _r("Fyringsolie|l", "15101500", "l", (9.5, 12), (500, 4000), w=0.6, season="heating"),
        _r("Flaskegas 11 kg|stk", "15111510", "stk", (320, 420), (1, 6), net="11 kg", w=0.3),
        _r("AdBlue|10 l", "15101500", "stk", (80, 120), (1, 10), net="10 l", w=0.4),
    ),
    "electricity": (
        _r("Elforbrug|kWh", "83101800", "kWh", (0.9, 1.6), (2000, 60_000), w=3, season="lighting"),
        _r("Elforbrug timeafregnet, nettarif|kWh", "83101800", "kWh", (0.25, 0.55), (2000, 60_000),
           w=1.5, season="lighting"),
        _r("Abonnement el|md", "83101800", "md", (200, 900), (1, 1)),
        _r("Oprindelsesgarantier vind|kWh", "83101800", "kWh", (0.02, 0.05), (2000, 60_000),
           label="Oprindelsesgaranti", season="lighting"),
    ),
    "heating": (
        _r("Fjernvarme forbrug|MWh", "83100000", "MWh", (550, 900), (4, 120),
           w=3, season="heating"),
        _r("Fjernvarme fast afgift|md", "83100000", "md", (900, 6500), (1, 1)),
        _r("Naturgas|m3", "83101600", "m3", (6, 11), (300, 9000), season="heating"),
    ),
    "transport": (
        _r("Taxikørsel|tur", "78111804", "tur", (120, 650), (1, 1), w=3),
        _r("Taxa kørsel jf. aftale|km", "78111804", "km", (14, 22), (5, 60)),
        _r("Flextrafik kørsel|tur", "78111800", "tur", (90, 450), (1, 1), w=2),
        _r("Handicapkørsel|time", "78111800", "time", (450, 700), (1, 8)),
        _r("Bustur udflugt|stk", "78111800", "stk", (3500, 9000), (1, 1), w=0.8),
        _r("Skolebuskørsel|md", "78111800", "md", (25_000, 90_000), (1, 1), w=0.6),
    ),
    "fleet": (
        _r("Leasing elbil|md", "78111808", "md", (3200, 5200), (1, 1), w=2),
        _r("Leasing varebil diesel|md", "78111808", "md", (3800, 6200), (1, 1)),
        _r("Service på bil|stk", "78181500", "stk", (1800, 4500), (1, 1), w=1.5),
        _r("Dækskifte inkl. opbevaring|stk", "78181500", "stk", (450, 900), (1, 1)),
        _r("Reparation af bil|time", "78181500", "time", (650, 950), (1, 8)),
        _r("Bilvask|stk", "78181500", "stk", (120, 250), (1, 4), w=0.5),
        _r("Kurerkørsel|stk", "78102200", "stk", (150, 600), (1, 3)),
    ),
    "construction": (
        _r("Tømrerarbejde|time", "72150000", "time", (520, 690), (4, 60), w=1.5),
        _r("Murerarbejde|time", "72150000", "time", (520, 690), (4, 60)),
        _r("Malerarbejde|time", "72151300", "time", (480, 620), (4, 80), w=1.5),
        _r("Maling vægmaling Svanemærket|10 l", "31211500", "stk", (650, 1100), (1, 8),
           net="10 l", label="Svanemærket"),
        _r("Elinstallation|time", "72151500", "time", (560, 720), (2, 40), w=1.5),
        _r("LED-armatur|stk", "39110000", "stk", (450, 1400), (2, 40)),
        _r("VVS-arbejde|time", "72151100", "time", (560, 720), (2, 40), w=1.5),
        _r("Udskiftning af vinduer|stk", "72150000", "stk", (6000, 14_000), (1, 12), w=0.4),
        _r("Tagrenovering|m2", "72150000", "m2", (450, 1100), (20, 400), w=0.3),
        _r("Asfaltreparation|m2", "72141000", "m2", (180, 420), (10, 400), w=0.6),
        _r("Græsslåning|time", "70111700", "time", (420, 580), (4, 80), w=1.2),
        _r("Beskæring af træer|time", "70111700", "time", (480, 650), (4, 40), w=0.6),
        _r("Skadedyrsbekæmpelse|stk", "72102100", "stk", (800, 3500), (1, 1), w=0.4),
        _r("Bygningsvedligehold|time", "72101507", "time", (520, 690), (4, 40)),
        _r("Genbrugte mursten|stk", "30131500", "stk", (4, 9), (500, 8000), refurb=1, w=0.2),
        _r("Aconto entreprise, renovering af skole|stk", "72120000", "stk", (150_000, 900_000),
           (1, 1), w=0.5),
        _r("Energirenovering, aconto|stk", "72120000", "stk", (80_000, 500_000), (1, 1), w=0.4),
    ),
    "consultancy": (
        _r("Konsulentbistand|time", "80101500", "time", (950, 1650), (5, 80), w=2),
        _r("Rådgivning klimahandlingsplan|time", "77101500", "time", (950, 1450), (5, 60)),
        _r("Projektledelse|time", "80101500", "time", (1000, 1500), (5, 80)),
        _r("Ingeniørrådgivning|time", "81101500", "time", (900, 1400), (5, 120), w=1.5),
        _r("Revision og regnskabsbistand|time", "84111600", "time", (1100, 1800), (5, 60), w=0.6),
        _r("Vikar social- og sundhedsassistent|time", "80111600", "time", (420, 560), (8, 160),
           w=2),
        _r("Kursus deltagerbetaling|stk", "86132000", "stk", (2500, 9500), (1, 10)),
        _r("Trykning af pjecer|stk", "82121500", "stk", (3, 12), (200, 5000), w=0.6),
        _r("Annonce i lokalavis|stk", "82101500", "stk", (2500, 9000), (1, 1), w=0.4),
    ),
    "cleaning_services": (
        _r("Rengøring af lokaler jf. kontrakt|md", "76111501", "md", (12_000, 85_000), (1, 1), w=3),
        _r("Vinduespolering|stk", "76111504", "stk", (1500, 9000), (1, 1), w=1.5),
        _r("Hovedrengøring|time", "76111501", "time", (360, 480), (8, 60)),
        _r("Vask af linned|kg", "91111500", "kg", (18, 32), (50, 900), w=1.5),
        _r("Måtteservice|md", "76111500", "md", (450, 1800), (1, 1)),
        _r("Tømning af affaldscontainer 660 l|stk", "76121500", "stk", (95, 180), (4, 30), w=1.5),
        _r("Hygiejneservice sanitetsbeholdere|md", "76111500", "md", (300, 900), (1, 1), w=0.5),
    ),
}
# fmt: on

# --------------------------------------------------------------------------------------
# Text variants. Fixed rules, so the same catalogue yields the same texts everywhere.
# --------------------------------------------------------------------------------------

# Abbreviations Danish wholesalers and ERPs use; applied word by word.
_ABBREVIATIONS = {
    "Hakket": "Hk.",
    "hakket": "hk.",
    "skiveskåret": "skivesk.",
    "Skiveskåret": "Skivesk.",
    "økologisk": "øko",
    "Kyllingebryst": "Kyl.bryst",
    "kyllingekød": "kyl.kød",
    "Kartofler": "Kart.",
    "kartofler": "kart.",
    "Gulerødder": "Gulerød.",
    "frost": "fr.",
    "Svanemærket": "Svanem.",
    "Universalrengøring": "Univ.rengøring",
    "Letmælk": "Letmlk.",
    "Sødmælk": "Sødmlk.",
    "Skummetmælk": "Skummetmlk.",
    "Piskefløde": "Piskefl.",
    "Madlavningsfløde": "Madl.fløde",
    "Yoghurt": "Yog.",
    "naturel": "nat.",
    "Bærbar": "Bærb.",
    "Dockingstation": "Dock.station",
    "Kontorstol": "Kont.stol",
    "armlæn": "arml.",
    "m/armlæn": "m/arml.",
    "Hæve-sænkebord": "HS-bord",
    "Kopipapir": "Kop.papir",
    "Toiletpapir": "Toil.papir",
    "Håndklædeark": "Håndkl.ark",
    "assorteret": "ass.",
    "Inkontinensbleer": "Inkont.bleer",
    "grøntsagsblanding": "grønt.bl.",
    "Grøntsagsblanding": "Grønt.bl.",
    "mellemlagret": "mell.lagr.",
    "renoveret": "renov.",
    "refurb.": "REFURB",
    "Konsulentbistand": "Konsulentbist.",
    "timer": "t.",
    "kørsel": "kørs.",
}


def abbreviate(text: str) -> str:
    """Apply the abbreviation table word by word (punctuation kept)."""
    return " ".join(_ABBREVIATIONS.get(word, word) for word in text.split(" "))


def _typo(text: str) -> str | None:
    """Swap two letters in the middle of the longest word: the typo a busy clerk makes."""
    words = text.split(" ")
    candidates = [(len(w), -i, i) for i, w in enumerate(words) if w.isalpha() and len(w) >= 6]
    if not candidates:
        return None
    _, _, index = max(candidates)
    word = words[index]
    middle = len(word) // 2
    words[index] = word[: middle - 1] + word[middle] + word[middle - 1] + word[middle + 1 :]
    typo = " ".join(words)
    return typo if typo != text else None


def _join(body: str, pack: str) -> str:
    """Body and pack size as one invoice text (no pack when the unit says it all)."""
    return f"{body} {pack}" if pack and pack not in UNIT_CODES else body


def _lower_first(text: str) -> str:
    """'Letmælk' → 'letmælk' but keep 'HP', 'A38', 'iPad' as they are."""
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text


def _variants(body: str, pack: str, organic: bool, extra: tuple[str, ...]) -> tuple[str, ...]:
    """The texts suppliers write for one item, canonical first, duplicates dropped."""
    if organic:
        canonical_body = f"Øko {_lower_first(body)}"
        bodies = [
            canonical_body,
            f"{body} økologisk",
            f"{body} Ø-mærket",
            f"Økologisk {_lower_first(body)}",
        ]
        extra = tuple(f"Øko {_lower_first(text)}" for text in extra)
    else:
        bodies = [body]
    out: list[str] = []
    for candidate in (
        _join(bodies[0], pack),
        *(_join(b, pack) for b in bodies[1:]),
        _join(bodies[0], pack).upper(),
        bodies[0],
        abbreviate(_join(bodies[0], pack)),
        *extra,
    ):
        if candidate not in out:
            out.append(candidate)
    typo = _typo(out[0])
    if typo and typo not in out:
        out.append(typo)
    return tuple(out)


def _slug(text: str) -> str:
    """A stable ASCII key part from an item text."""
    table = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "Æ": "ae", "Ø": "oe", "Å": "aa"})
    return re.sub(r"[^a-z0-9]+", "-", text.translate(table).lower()).strip("-")


def _net(spec: object) -> tuple[float | None, str | None]:
    """'2.5 kg' → (2.5, 'kg'); None when the line's unit is already a measure."""
    if spec is None:
        return None, None
    size, unit = str(spec).split(" ")
    return float(size), unit


def _build_items() -> tuple[Item, ...]:
    """Turn the rows into items; each food row with ``oko`` also yields its organic twin."""
    items: list[Item] = []
    for groups, food in ((_FOOD, True), (_NONFOOD, False)):
        for group, rows in groups.items():
            for text, unspsc, unit, (low, high), (q_low, q_high), extra in rows:
                body, _, pack = text.partition("|")
                net_size, net_unit = _net(extra.get("net"))
                if net_size is None and unit in {"kg", "l"}:
                    net_size, net_unit = 1.0, unit
                alt = tuple(extra.get("alt", ()))  # type: ignore[arg-type]
                key = f"{group}.{_slug(text)}"
                has_twin = food and bool(extra.get("oko"))
                common = {
                    "group": group,
                    "unspsc": unspsc,
                    "unit": unit,
                    "unit_code": UNIT_CODES[unit],
                    "net_size": net_size,
                    "net_unit": net_unit,
                    "qty_low": float(q_low),
                    "qty_high": float(q_high),
                    "fractional": unit in _MEASURED,
                    "eco_label": extra.get("label"),
                    "refurbished": bool(extra.get("refurb")),
                    "weight": float(extra.get("w", 1.0)),  # type: ignore[arg-type]
                    "seasonal": extra.get("season"),
                }
                conventional = _variants(body, pack, False, alt)
                items.append(
                    Item(
                        key=key,
                        name=conventional[0],
                        variants=conventional,
                        price_low=float(low),
                        price_high=float(high),
                        organic=False,
                        twin=f"{key}.oko" if has_twin else None,
                        **common,  # type: ignore[arg-type]
                    )
                )
                if has_twin:
                    premium = _ORGANIC_PREMIUM[group]
                    organic = _variants(body, pack, True, alt)
                    items.append(
                        Item(
                            key=f"{key}.oko",
                            name=organic[0],
                            variants=organic,
                            price_low=round(low * premium, 2),
                            price_high=round(high * premium, 2),
                            organic=True,
                            **common,  # type: ignore[arg-type]
                        )
                    )
    keys = [item.key for item in items]
    if len(set(keys)) != len(keys):
        raise RuntimeError("Duplicate item keys in the synthetic catalogue")
    return tuple(items)


ITEMS: tuple[Item, ...] = _build_items()
ITEMS_BY_KEY: MappingProxyType[str, Item] = MappingProxyType({i.key: i for i in ITEMS})

# --------------------------------------------------------------------------------------
# Suppliers. Behaviour profiles first, then the suppliers by trade.
# --------------------------------------------------------------------------------------

# profile: lines per invoice, share of lines with UNSPSC, share of labelled lines carrying
# the label, freight charge share, text style, unit style, item-number style.
_PROFILES: dict[str, tuple[int, int, float, float, float, str, str, str]] = {
    "wholesale": (6, 35, 0.7, 0.7, 0.25, "upper", "upper", "num"),
    "wholesale2": (5, 30, 0.6, 0.6, 0.2, "plain", "lower", "gtin"),
    "specialist": (2, 12, 0.35, 0.5, 0.15, "plain", "lower", "num"),
    "local": (1, 6, 0.05, 0.1, 0.1, "abbr", "dot", "short"),
    "it": (1, 6, 0.75, 0.8, 0.3, "plain", "upper", "part"),
    "office": (3, 18, 0.55, 0.7, 0.2, "plain", "lower", "num"),
    "utility": (1, 3, 0.5, 0.5, 0.0, "plain", "lower", "short"),
    "service": (1, 3, 0.2, 0.2, 0.0, "plain", "dot", "short"),
    "foreign": (1, 8, 0.8, 0.6, 0.3, "plain", "upper", "part"),
}

_FOOD_ALL = (
    "dairy",
    "meat",
    "fish",
    "vegetables",
    "fruit",
    "bread",
    "dry_goods",
    "beverages",
    "legumes",
    "frozen",
)

# (name, city, postcode, NACE, groups, profile, offers, weight, e-invoice flavour)
# fmt: off
_DANISH_SUPPLIERS: tuple[
    tuple[str, str, str, str, tuple[str, ...], str, str, float, str], ...
] = (
    # Food wholesalers and producers
    ("Nordsjællands Grossistkøb A/S", "Hillerød", "3400", "46.39", _FOOD_ALL,
     "wholesale", "all", 5, "oioubl"),
    ("Jysk Storkøkkenservice A/S", "Vejle", "7100", "46.39", _FOOD_ALL,
     "wholesale2", "all", 4, "peppol"),
    ("Fynsk Fødevareengros ApS", "Odense SØ", "5220", "46.39",
     ("dairy", "meat", "dry_goods", "beverages", "frozen", "legumes", "bread"),
     "wholesale", "all", 2.5, "oioubl"),
    ("Køkkengrossisten Øst A/S", "Taastrup", "2630", "46.39", _FOOD_ALL,
     "wholesale2", "all", 2, "oioubl"),
    ("Mejeriet Kildegården A.m.b.a.", "Brørup", "6650", "10.51", ("dairy",),
     "specialist", "all", 2, "oioubl"),
    ("Andelsmejeriet Vestjylland", "Holstebro", "7500", "10.51", ("dairy",),
     "specialist", "all", 1, "peppol"),
    ("Æggegården Thy ApS", "Thisted", "7700", "01.47", ("dairy",),
     "local", "all", 0.4, "oioubl"),
    ("Slagter Holm & Søn ApS", "Roskilde", "4000", "46.32", ("meat",),
     "local", "all", 1, "oioubl"),
    ("Danske Kødgrossister A/S", "Horsens", "8700", "46.32", ("meat", "frozen"),
     "specialist", "all", 1.5, "peppol"),
    ("Fiskehuset Hirtshals ApS", "Hirtshals", "9850", "46.38", ("fish",),
     "specialist", "all", 1, "oioubl"),
    ("Grøntgrossisten Aarhus A/S", "Aarhus N", "8200", "46.31", ("vegetables", "fruit"),
     "specialist", "all", 2, "oioubl"),
    ("Frugt & Grønt Engros Sjælland ApS", "Køge", "4600", "46.31", ("vegetables", "fruit"),
     "specialist", "all", 1.5, "peppol"),
    ("Økologisk Grønt fra Lammefjorden ApS", "Fårevejle", "4540", "01.13", ("vegetables", "fruit"),
     "local", "organic", 1, "oioubl"),
    ("Bageriet Kornblomsten ApS", "Frederikssund", "3600", "10.71", ("bread",),
     "local", "all", 1.5, "oioubl"),
    ("Brødfabrikken Ølstykke A/S", "Ølstykke", "3650", "10.71", ("bread",),
     "specialist", "all", 1.5, "peppol"),
    ("Kaffekompagniet Nord ApS", "Aalborg", "9000", "46.37", ("beverages",),
     "specialist", "all", 1, "oioubl"),
    ("Frostlageret Danmark A/S", "Kolding", "6000", "46.39", ("frozen", "fish"),
     "specialist", "all", 1, "oioubl"),
    ("Bælgfrugt & Korn ApS", "Ringsted", "4100", "46.39", ("legumes", "dry_goods"),
     "specialist", "all", 0.6, "peppol"),
    # IT
    ("Nordic IT Partner A/S", "Ballerup", "2750", "46.51", ("it_hardware",),
     "it", "new", 3, "oioubl"),
    ("Datagrossisten Danmark A/S", "Brøndby", "2605", "46.51", ("it_hardware",),
     "it", "all", 2, "peppol"),
    ("Kontor-IT Syd ApS", "Aabenraa", "6200", "47.41", ("it_hardware",),
     "local", "new", 0.6, "oioubl"),
    ("Refurb Danmark ApS", "Glostrup", "2600", "95.11", ("it_hardware",),
     "it", "refurb", 1.2, "peppol"),
    ("Cirkulær IT ApS", "Randers", "8900", "95.11", ("it_hardware", "it_services"),
     "it", "refurb", 0.8, "oioubl"),
    ("Softwarehuset Kommunedata A/S", "Ballerup", "2750", "62.01", ("it_services",),
     "service", "all", 1.5, "oioubl"),
    ("Netværk & Drift ApS", "Odense C", "5000", "62.03", ("it_services",),
     "service", "all", 1, "peppol"),
    ("Cloudservice Norden A/S", "København S", "2300", "63.11", ("it_services",),
     "service", "all", 0.8, "peppol"),
    ("Print & Toner Danmark ApS", "Herning", "7400", "46.66", ("it_hardware", "office"),
     "office", "new", 1, "oioubl"),
    ("Teleselskabet Kommunal A/S", "Aarhus C", "8000", "61.20", ("it_services",),
     "utility", "all", 0.8, "oioubl"),
    # Furniture
    ("Kontormøbler Danmark A/S", "Kolding", "6000", "46.65", ("furniture",),
     "specialist", "new", 1.5, "oioubl"),
    ("Institutionsinventar ApS", "Silkeborg", "8600", "31.01", ("furniture",),
     "specialist", "new", 1.2, "peppol"),
    ("Genbrugsmøbler Fyn ApS", "Svendborg", "5700", "47.79", ("furniture",),
     "local", "refurb", 0.8, "oioubl"),
    ("Skolemøbelfabrikken A/S", "Ikast", "7430", "31.01", ("furniture",),
     "specialist", "new", 0.8, "oioubl"),
    # Office, cleaning, hygiene
    ("Papirgrossisten A/S", "Greve", "2670", "46.49", ("office",),
     "office", "all", 2.5, "oioubl"),
    ("Kontorforsyningen ApS", "Næstved", "4700", "47.62", ("office",),
     "local", "all", 1, "oioubl"),
    ("Skole- og Kontorartikler A/S", "Viborg", "8800", "46.49", ("office", "toys_teaching"),
     "office", "all", 1.5, "peppol"),
    ("Rengøringsgrossisten Danmark A/S", "Hvidovre", "2650", "46.44", ("cleaning", "hygiene"),
     "office", "all", 2.5, "oioubl"),
    ("Hygiejnekompagniet ApS", "Esbjerg", "6700", "46.44", ("cleaning", "hygiene"),
     "specialist", "all", 1.5, "peppol"),
    ("Nordisk Hygiejne & Pleje A/S", "Hørsholm", "2970", "46.46", ("hygiene",),
     "office", "all", 2, "oioubl"),
    ("Plejeartikler Jylland ApS", "Skive", "7800", "46.46", ("hygiene",),
     "specialist", "all", 1, "oioubl"),
    # Fuel and energy
    ("Nordbrændstof A/S", "Kolding", "6000", "46.71", ("fuel",),
     "utility", "all", 1.5, "oioubl"),
    ("Tankstation Centret ApS", "Slagelse", "4200", "47.30", ("fuel",),
     "local", "all", 1, "oioubl"),
    ("Fyringsolie Service ApS", "Holbæk", "4300", "46.71", ("fuel",),
     "utility", "all", 0.4, "oioubl"),
    ("Kommunal Elhandel A/S", "Fredericia", "7000", "35.14", ("electricity",),
     "utility", "all", 2, "oioubl"),
    ("Grøn Strøm Danmark A/S", "Aarhus C", "8000", "35.14", ("electricity",),
     "utility", "all", 1, "peppol"),
    ("Demo Fjernvarme A.m.b.a.", "Demoby", "4999", "35.30", ("heating",),
     "utility", "all", 2, "oioubl"),
    ("Nordvest Varmeværk A.m.b.a.", "Nykøbing Sj", "4500", "35.30", ("heating",),
     "utility", "all", 0.8, "oioubl"),
    ("Gasforsyningen Sjælland A/S", "Ringsted", "4100", "35.22", ("heating",),
     "utility", "all", 0.5, "oioubl"),
    # Passenger transport (VAT exempt) and fleet
    ("Taxa Demo ApS", "Demoby", "4999", "49.32", ("transport",),
     "service", "all", 2, "oioubl"),
    ("Flextrafik Midt A/S", "Viborg", "8800", "49.39", ("transport",),
     "service", "all", 1.5, "oioubl"),
    ("Turistbusser Holm ApS", "Sorø", "4180", "49.39", ("transport",),
     "service", "all", 0.6, "oioubl"),
    ("Handicapkørsel Danmark ApS", "Vordingborg", "4760", "49.39", ("transport",),
     "service", "all", 0.8, "peppol"),
    ("Autoværkstedet Nord ApS", "Demoby", "4999", "45.20", ("fleet",),
     "local", "all", 1, "oioubl"),
    ("Kommuneleasing A/S", "Hellerup", "2900", "77.11", ("fleet",),
     "utility", "all", 1.2, "peppol"),
    ("Dækcentret ApS", "Roskilde", "4000", "45.32", ("fleet",),
     "local", "all", 0.5, "oioubl"),
    ("Kurer Express ApS", "Glostrup", "2600", "53.20", ("fleet",),
     "service", "all", 0.6, "oioubl"),
    # Construction and maintenance
    ("Byggefirmaet Holm & Larsen A/S", "Næstved", "4700", "41.20", ("construction",),
     "service", "all", 1.5, "oioubl"),
    ("Malerfirmaet Farve & Fag ApS", "Demoby", "4999", "43.34", ("construction",),
     "service", "all", 1, "oioubl"),
    ("El-installatør Jensen ApS", "Demoby", "4999", "43.21", ("construction",),
     "service", "all", 1.2, "oioubl"),
    ("VVS-Service Nord ApS", "Hillerød", "3400", "43.22", ("construction",),
     "service", "all", 1.2, "peppol"),
    ("Tømrer & Snedker Vestergaard ApS", "Slagelse", "4200", "43.32", ("construction",),
     "service", "all", 1, "oioubl"),
    ("Anlægsgartner Grøn Have ApS", "Demoby", "4999", "81.30", ("construction",),
     "service", "all", 1, "oioubl"),
    ("Vejservice Danmark A/S", "Taastrup", "2630", "42.11", ("construction",),
     "service", "all", 0.6, "peppol"),
    ("Tagdækning Syd ApS", "Haderslev", "6100", "43.91", ("construction",),
     "service", "all", 0.4, "oioubl"),
    ("Nedrivning & Genbrug ApS", "Køge", "4600", "43.11", ("construction",),
     "service", "refurb", 0.3, "oioubl"),
    # Consultancy and other services
    ("Rådgivende Ingeniører Nord A/S", "Aalborg", "9000", "71.12", ("consultancy",),
     "service", "all", 1.2, "peppol"),
    ("Kommunekonsulenterne ApS", "København K", "1050", "70.22", ("consultancy",),
     "service", "all", 1, "oioubl"),
    ("Klimarådgivning Danmark ApS", "Aarhus C", "8000", "70.22", ("consultancy",),
     "service", "all", 0.6, "oioubl"),
    ("Revisionsfirmaet Holm & Partnere", "Odense C", "5000", "69.20", ("consultancy",),
     "service", "all", 0.6, "oioubl"),
    ("Vikarbureauet Omsorg ApS", "Ringsted", "4100", "78.20", ("consultancy",),
     "service", "all", 1.2, "peppol"),
    ("Kursuscentret Fremtid ApS", "Vejle", "7100", "85.59", ("consultancy",),
     "service", "all", 0.6, "oioubl"),
    ("Trykkeriet Demo ApS", "Demoby", "4999", "18.12", ("consultancy",),
     "service", "all", 0.4, "oioubl"),
    # Cleaning services, laundry, waste
    ("Serviceselskabet Ren By A/S", "Brøndby", "2605", "81.21", ("cleaning_services",),
     "service", "all", 2, "oioubl"),
    ("Vinduespolering Danmark ApS", "Køge", "4600", "81.22", ("cleaning_services",),
     "service", "all", 0.8, "oioubl"),
    ("Vaskeriet Nord A/S", "Hillerød", "3400", "96.01", ("cleaning_services",),
     "service", "all", 1, "peppol"),
    ("Renovation Demo A/S", "Demoby", "4999", "38.11", ("cleaning_services",),
     "service", "all", 1, "oioubl"),
    # Toys and teaching materials
    ("Legetøjsgrossisten A/S", "Vejle", "7100", "46.49", ("toys_teaching",),
     "office", "all", 1.2, "oioubl"),
    ("Forlaget Læring A/S", "København K", "1050", "58.11", ("toys_teaching",),
     "specialist", "all", 1, "peppol"),
    ("Kreativ Hobby Engros ApS", "Randers", "8900", "46.49", ("toys_teaching", "office"),
     "specialist", "all", 0.8, "oioubl"),
    ("Idrætsudstyr Danmark ApS", "Herning", "7400", "46.49", ("toys_teaching",),
     "local", "all", 0.5, "oioubl"),
)

# Foreign suppliers invoice in their own currency and carry no CVR number.
# (name, street, city, postcode, country, currency, VAT id, GLN prefix, NACE, groups, weight)
_FOREIGN_SUPPLIERS: tuple[
    tuple[str, str, str, str, str, str, str, str, str, tuple[str, ...], float], ...
] = (
    ("Svenska Möbelfabriken AB", "Industrigatan 12", "Tibro", "543 50", "SE", "SEK",
     "SE556677889901", "735000", "31.01", ("furniture",), 0.6),
    ("Deutsche Büroversand GmbH", "Hafenstraße 8", "Hamburg", "20457", "DE", "EUR",
     "DE812345678", "400100", "47.91", ("office",), 0.6),
    ("Hollandsche Groenten B.V.", "Veilingweg 3", "Westland", "2671 BE", "NL", "EUR",
     "NL812345678B01", "871200", "46.31", ("vegetables", "fruit"), 0.4),
    ("Nordic Software Ltd", "10 Queen Street", "London", "EC4N 1TX", "GB", "GBP",
     "GB123456789", "501200", "58.29", ("it_services",), 0.5),
    ("CloudScale Inc.", "500 Market Street", "San Francisco", "94105", "US", "USD",
     "EU372000123", "061400", "63.11", ("it_services",), 0.4),
)
# fmt: on

_STREETS = (
    "Industrivej",
    "Erhvervsvej",
    "Håndværkervej",
    "Grossistvej",
    "Lagervej",
    "Fabriksvej",
    "Stationsvej",
    "Hovedgaden",
    "Vestergade",
    "Østergade",
    "Havnevej",
    "Transportvej",
)


def _cvr_for(index: int) -> str:
    """A valid, stable CVR number for the index-th supplier (first valid from a prefix)."""
    prefix = 1_000_000 + (index * 3_814_279 + 2_718_281) % 3_400_000
    while True:
        cvr = make_cvr(f"{prefix:07d}")
        if cvr is not None:
            return cvr
        prefix += 1


def _build_suppliers() -> tuple[Supplier, ...]:
    suppliers: list[Supplier] = []
    for index, (name, city, postcode, nace, groups, profile, offers, weight, flavour) in enumerate(
        _DANISH_SUPPLIERS
    ):
        low, high, code_rate, label_rate, charge, text, unit, item = _PROFILES[profile]
        cvr = _cvr_for(index)
        suppliers.append(
            Supplier(
                key=_slug(name),
                name=name,
                cvr=cvr,
                gln=make_gln(f"5790001{(index * 7919) % 100_000:05d}"),
                vat_id=f"DK{cvr}",
                nace=nace,
                groups=groups,
                country="DK",
                currency="DKK",
                street=f"{_STREETS[index % len(_STREETS)]} {3 + (index * 7) % 60}",
                city=city,
                postcode=postcode,
                lines_low=low,
                lines_high=high,
                code_rate=code_rate,
                label_rate=label_rate,
                flavour=flavour,
                text_style=text,
                unit_style=unit,
                item_style=item,
                offers=offers,
                weight=float(weight),
                charge_rate=charge,
            )
        )
    low, high, code_rate, label_rate, charge, text, unit, item = _PROFILES["foreign"]
    for index, (
        name,
        street,
        city,
        postcode,
        country,
        currency,
        vat,
        gln,
        nace,
        groups,
        w,
    ) in enumerate(_FOREIGN_SUPPLIERS):
        suppliers.append(
            Supplier(
                key=_slug(name),
                name=name,
                cvr=None,
                gln=make_gln(f"{gln}{(index * 104_729) % 1_000_000:06d}"),
                vat_id=vat,
                nace=nace,
                groups=groups,
                country=country,
                currency=currency,
                street=street,
                city=city,
                postcode=postcode,
                lines_low=low,
                lines_high=high,
                code_rate=code_rate,
                label_rate=label_rate,
                flavour="peppol",
                text_style=text,
                unit_style=unit,
                item_style=item,
                offers="all",
                weight=float(w),
                charge_rate=charge,
            )
        )
    for field in ("key", "cvr", "gln"):
        values = [getattr(s, field) for s in suppliers if getattr(s, field)]
        if len(set(values)) != len(values):
            raise RuntimeError(f"Duplicate supplier {field} in the synthetic catalogue")
    return tuple(suppliers)


SUPPLIERS: tuple[Supplier, ...] = _build_suppliers()
