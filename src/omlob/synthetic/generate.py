"""Generate a year of Demo Kommune's invoices, line for line, deterministically and fast.

Who buys what follows the unit kinds of the organisation structure: kitchens buy food from a
main wholesaler and a few specialists every week (less in the July holidays), schools and
day-care buy paper, teaching materials, IT and furniture (peaks at school start in August
and at the budget year-end in December), care homes buy hygiene and care articles, the
administration buys consultancy, licences and taxis, and every building gets electricity
and heating invoices whose quantities follow the season. About 2 % of documents are
credit notes, a few foreign suppliers invoice in EUR, SEK, GBP or USD, and kitchens differ
in how much organic food they buy (about a third of food spend overall).

The generator streams: invoices are yielded in issue-date order and nothing is kept, so a
benchmark can write millions of lines in constant memory. All chance comes from one
``random.Random(seed ^ year)`` and every table it draws from is built in a fixed order, so
the same arguments give the same invoices on every machine and Python run.
"""

from __future__ import annotations

import calendar
import datetime as dt
import random
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from itertools import accumulate

from omlob.core.codes import gs1_check_digit
from omlob.synthetic.catalogue import (
    FOOD_GROUPS,
    ITEMS,
    ITEMS_BY_KEY,
    PRODUCT_GROUPS,
    SUPPLIERS,
    Item,
    Supplier,
    abbreviate,
)

__all__ = [
    "CREDIT_NOTE",
    "CREDIT_NOTE_SHARE",
    "DKK_PER",
    "INVOICE",
    "Buyer",
    "SynthInvoice",
    "SynthLine",
    "buyers_from_units",
    "count_lines",
    "generate_invoices",
    "repeat_share",
    "second_export",
]

INVOICE = "invoice"
CREDIT_NOTE = "credit_note"
#: Share of documents that are credit notes.
CREDIT_NOTE_SHARE = 0.02
#: Fixed exchange rates (DKK per unit) used to price foreign suppliers' items.
DKK_PER: dict[str, float] = {"DKK": 1.0, "EUR": 7.46, "SEK": 0.66, "GBP": 8.65, "USD": 6.85}
#: The art code a share of lines is wrongly posted on, as happens in real ledgers.
MISPOSTED_ACCOUNT = "29.90"
MISPOSTED_SHARE = 0.03


@dataclass(frozen=True)
class Buyer:
    """A receiving unit: what e-invoices are addressed to and spend is posted on.

    ``kind`` is the unit kind of the organisation structure (``kitchen``, ``school``,
    ``daycare``, ``care_home``, ``office``, ``other``, ``institution``, ``forvaltning``,
    ``omraade``); it decides what the unit buys.
    """

    name: str
    kind: str
    ean: str | None
    cost_centre: str | None


@dataclass(slots=True)
class SynthLine:
    """One invoice line as the supplier wrote it, plus the catalogue item it really is.

    ``net_amount`` is positive on invoices and on credit notes alike (as UBL writes it);
    the tabular writers post credit-note lines negative, as financial systems do.
    ``unspsc`` is what the supplier sent (often nothing); ``item.unspsc`` is the truth.
    """

    line_number: int
    item: Item
    description: str
    item_number: str
    unspsc: str | None
    quantity: Decimal
    unit: str
    unit_code: str
    unit_price: Decimal
    net_amount: Decimal
    account: str
    labels: str | None


@dataclass(slots=True)
class SynthInvoice:
    """One invoice or credit note with its lines, in the supplier's currency."""

    number: str
    issue_date: dt.date
    posting_date: dt.date
    due_date: dt.date
    supplier: Supplier
    buyer: Buyer
    currency: str
    document_type: str
    lines: list[SynthLine]
    order_reference: str
    billing_reference: str | None = None
    charge: Decimal | None = None
    charge_reason: str = field(default="Fragt")

    @property
    def line_total(self) -> Decimal:
        """Sum of the lines' net amounts (the UBL LineExtensionAmount)."""
        return sum((line.net_amount for line in self.lines), Decimal("0.00"))


def buyers_from_units(units: Iterable[object]) -> list[Buyer]:
    """Buyers from organisation-structure rows (``omlob.core.orgstructure.UnitRow``) or units.

    Duck-typed on ``name``, ``kind``, ``eans`` and ``cost_centres`` so that neither Django
    models nor the structure parser have to be imported here.
    """
    buyers = []
    for unit in units:
        eans = tuple(getattr(unit, "eans", ()) or ())
        centres = tuple(getattr(unit, "cost_centres", ()) or ())
        buyers.append(
            Buyer(
                name=str(getattr(unit, "name")),  # noqa: B009 - duck typing, not a constant
                kind=str(getattr(unit, "kind")),  # noqa: B009
                ean=eans[0] if eans else None,
                cost_centre=centres[0] if centres else None,
            )
        )
    return buyers


def count_lines(invoices: Iterable[SynthInvoice]) -> int:
    """Number of lines in a stream of invoices (consumes it)."""
    return sum(len(invoice.lines) for invoice in invoices)


# --------------------------------------------------------------------------------------
# Who buys what, and when
# --------------------------------------------------------------------------------------

# Month factors (Jan..Dec) by buying rhythm.
_MONTHS: dict[str, tuple[float, ...]] = {
    "food": (1.05, 1.0, 1.05, 1.0, 1.0, 0.95, 0.45, 0.95, 1.05, 1.05, 1.05, 0.9),
    "general": (0.95, 1.0, 1.05, 1.0, 1.0, 1.0, 0.5, 0.95, 1.05, 1.05, 1.1, 1.15),
    "school": (1.0, 0.9, 0.9, 0.8, 0.8, 0.7, 0.3, 2.0, 1.1, 0.9, 1.0, 1.3),
    "it": (0.9, 0.8, 0.9, 0.8, 0.8, 0.8, 0.4, 2.0, 1.1, 0.9, 1.0, 2.2),
    "furniture": (0.9, 0.8, 0.9, 0.9, 0.9, 1.0, 0.5, 1.6, 1.0, 0.9, 1.0, 1.8),
    "monthly": (1.0,) * 12,
    "summer": (0.5, 0.5, 0.8, 1.0, 1.2, 1.4, 1.3, 1.3, 1.2, 1.0, 0.8, 0.6),
    "winter": (1.5, 1.4, 1.2, 1.0, 0.8, 0.6, 0.5, 0.6, 0.8, 1.0, 1.3, 1.5),
}
# Quantity factors for consumption billed by the month.
_SEASON_QTY: dict[str, tuple[float, ...]] = {
    "heating": (2.0, 1.8, 1.5, 1.0, 0.6, 0.3, 0.2, 0.25, 0.5, 1.0, 1.5, 1.9),
    "lighting": (1.3, 1.2, 1.05, 0.95, 0.85, 0.8, 0.6, 0.8, 0.95, 1.05, 1.2, 1.35),
}

# Purchase areas: the groups one invoice draws its lines from, and the month rhythm.
_AREAS: dict[str, tuple[tuple[str, ...], str]] = {
    "food": (FOOD_GROUPS, "food"),
    "cleaning": (("cleaning",), "general"),
    "hygiene": (("hygiene",), "general"),
    "office": (("office",), "school"),
    "toys_teaching": (("toys_teaching",), "school"),
    "it": (("it_hardware",), "it"),
    "it_services": (("it_services",), "monthly"),
    "furniture": (("furniture",), "furniture"),
    "fuel": (("fuel",), "winter"),
    "electricity": (("electricity",), "monthly"),
    "heating": (("heating",), "monthly"),
    "transport": (("transport",), "general"),
    "fleet": (("fleet",), "general"),
    "construction": (("construction",), "summer"),
    "consultancy": (("consultancy",), "general"),
    "cleaning_services": (("cleaning_services",), "monthly"),
}
# Food a unit without its own kitchen buys (fruit scheme, coffee, bread for meetings).
_SNACK_FOOD = ("dairy", "fruit", "bread", "beverages")

# Invoices per year by unit kind and area (relative), and the weight of one unit.
_KINDS: dict[str, tuple[float, dict[str, float]]] = {
    "kitchen": (
        4.0,
        {
            "food": 30,
            "cleaning": 2.5,
            "hygiene": 1,
            "office": 0.2,
            "furniture": 0.2,
            "cleaning_services": 0.4,
            "construction": 0.2,
        },
    ),
    "school": (
        2.5,
        {
            "office": 4,
            "toys_teaching": 4,
            "it": 3,
            "furniture": 1.5,
            "cleaning": 2,
            "hygiene": 0.8,
            "electricity": 1,
            "heating": 1,
            "construction": 1.5,
            "cleaning_services": 1,
            "transport": 1,
            "food": 1,
            "it_services": 0.5,
        },
    ),
    "daycare": (
        1.5,
        {
            "toys_teaching": 3,
            "food": 3,
            "hygiene": 2.5,
            "cleaning": 2,
            "office": 1,
            "furniture": 0.8,
            "electricity": 1,
            "heating": 1,
            "construction": 0.8,
            "cleaning_services": 0.8,
        },
    ),
    "care_home": (
        2.0,
        {
            "hygiene": 5,
            "cleaning": 3,
            "furniture": 1,
            "office": 1,
            "electricity": 1,
            "heating": 1,
            "transport": 2,
            "cleaning_services": 1.5,
            "construction": 1,
            "it": 0.5,
            "food": 0.5,
            "consultancy": 0.6,
        },
    ),
    "office": (
        1.5,
        {
            "office": 3,
            "it": 2.5,
            "it_services": 2,
            "consultancy": 2,
            "transport": 1.5,
            "furniture": 1,
            "fleet": 1.5,
            "cleaning_services": 1,
            "electricity": 0.5,
            "heating": 0.5,
            "hygiene": 0.5,
            "food": 0.5,
            "fuel": 0.5,
        },
    ),
    "other": (
        1.5,
        {
            "construction": 3,
            "electricity": 1.5,
            "heating": 1.5,
            "fuel": 2,
            "fleet": 2,
            "cleaning": 1.5,
            "cleaning_services": 1,
            "office": 1,
            "consultancy": 1,
            "toys_teaching": 0.5,
            "it": 0.5,
            "food": 0.3,
        },
    ),
    "institution": (
        1.5,
        {
            "office": 2,
            "toys_teaching": 1,
            "it": 1,
            "furniture": 1,
            "cleaning": 1.5,
            "electricity": 1,
            "heating": 1,
            "construction": 1,
            "cleaning_services": 1,
            "food": 1,
        },
    ),
    "forvaltning": (
        1.2,
        {
            "consultancy": 4,
            "it_services": 3,
            "it": 1.5,
            "office": 1.5,
            "transport": 1,
            "furniture": 0.5,
            "construction": 0.5,
        },
    ),
    "omraade": (
        0.4,
        {"consultancy": 2, "office": 1, "it_services": 1, "transport": 0.5},
    ),
}
# Mon..Sun, and the days the finance department does not receive invoices.
_WEEKDAY = (1.2, 1.1, 1.1, 1.0, 0.8, 0.03, 0.02)
_QUIET_DAYS = {(1, 1): 0.1, (12, 24): 0.1, (12, 25): 0.05, (12, 26): 0.05, (12, 31): 0.2}

# Organic propensity of kitchens (uniform range); other units buy less deliberately.
_KITCHEN_ORGANIC = (0.1, 0.55)
_OTHER_ORGANIC = 0.25

# Measured units: decimals on the quantity and the step in thousandths of the unit.
_QTY_SCALE = {"kg": 3, "l": 2, "kWh": 0, "MWh": 3, "m3": 0, "m2": 0, "time": 2, "km": 1}
_QTY_STEP = {"time": 25}  # quarter hours

_UNIT_STYLES: dict[str, dict[str, str]] = {
    "upper": {
        "stk": "STK",
        "kg": "KG",
        "l": "L",
        "ks": "KS",
        "pk": "PK",
        "rl": "RL",
        "bdt": "BDT",
        "sæt": "SÆT",
        "kWh": "KWH",
        "MWh": "MWH",
        "m3": "M3",
        "m2": "M2",
        "time": "TIME",
        "md": "MD",
        "år": "ÅR",
        "km": "KM",
        "tur": "TUR",
    },
    "dot": {
        "stk": "Stk.",
        "kg": "kg",
        "l": "ltr",
        "ks": "Ks.",
        "pk": "Pk.",
        "rl": "Rl.",
        "bdt": "Bdt.",
        "sæt": "Sæt",
        "kWh": "kWh",
        "MWh": "MWh",
        "m3": "m³",
        "m2": "m²",
        "time": "Timer",
        "md": "Md.",
        "år": "År",
        "km": "km",
        "tur": "Tur",
    },
}
_COUNT_CODES = ("H87", "EA", "C62")  # what different ERPs write for "stk"
_ORGANIC_WORDING = ("Ø-mærket", "EU-økologi", "Økologisk")
_ORGANIC_TEXT_INDEX = (0, 1, 2, 3)  # which organic phrasing a supplier prefers
_CHARGE_AMOUNTS = tuple(Decimal(kr * 100).scaleb(-2) for kr in (39, 49, 65, 75, 95, 125, 150, 195))

_DECIMALS = [Decimal(n) for n in range(2001)]


@dataclass(slots=True)
class _Offer:
    """A catalogue item as one supplier sells it: texts, number, unit and price in cents."""

    item: Item
    descs: tuple[str, ...]
    item_number: str
    unit: str
    unit_code: str
    price_low: int
    price_span: int
    qty_low: int
    qty_span: int
    scale: int
    step: int
    label: str | None
    account: str
    season: tuple[float, ...] | None
    twin: _Offer | None = None


def _primary_text(item: Item, supplier_index: int, style: str) -> tuple[str, list[str]]:
    """The text a supplier's ERP prints for an item, and the others it sometimes uses."""
    variants = list(item.variants)
    if item.organic:
        primary = variants[_ORGANIC_TEXT_INDEX[supplier_index % 4] % len(variants)]
    else:
        primary = variants[0]
    if style == "upper":
        primary = primary.upper()
    elif style == "abbr":
        primary = abbreviate(primary)
    others = [v for v in variants if v != primary]
    return primary, others


def _item_number(item_index: int, supplier_index: int, style: str) -> str:
    """The supplier's own item number for an item, in the supplier's numbering style."""
    mixed = (item_index * 7919 + supplier_index * 104_729) % 900_000
    if style == "gtin":
        body = f"57{(item_index * 97_931 + supplier_index * 13) % 10**10:010d}"
        return f"{body}{gs1_check_digit(body)}"
    if style == "short":
        return str(1000 + (item_index * 31 + supplier_index * 7) % 9000)
    if style == "part":
        letters = "ABCDEFGHJKLMNPRSTUVWXYZ"
        return (
            f"{letters[item_index % len(letters)]}{letters[supplier_index % len(letters)]}"
            f"{mixed % 100_000:05d}-{(item_index + supplier_index) % 10}"
        )
    return str(100_000 + mixed)


def _build_offers(supplier: Supplier, supplier_index: int) -> list[_Offer]:
    """All offers of one supplier, conventional items with their organic twins attached."""
    rate = DKK_PER[supplier.currency]
    count_code = _COUNT_CODES[supplier_index % len(_COUNT_CODES)]
    unit_map = _UNIT_STYLES.get(supplier.unit_style, {})
    organic_word = _ORGANIC_WORDING[supplier_index % len(_ORGANIC_WORDING)]

    def make(item: Item, item_index: int) -> _Offer:
        primary, others = _primary_text(item, supplier_index, supplier.text_style)
        descs = [primary] * 14
        if others:
            descs.append(others[(item_index + supplier_index) % len(others)])
            descs.append(others[(item_index + 2 * supplier_index + 1) % len(others)])
        typo = item.variants[-1] if len(item.variants) > 1 else None
        if typo and (item_index + supplier_index) % 3 == 0 and typo not in descs:
            descs.append(typo)
        scale = _QTY_SCALE.get(item.unit, 0)
        step = _QTY_STEP.get(item.unit, 1)
        factor = 10**scale
        label = None
        if item.organic:
            label = organic_word
        elif item.eco_label:
            label = item.eco_label
        elif item.refurbished:
            label = "Refurbished" if supplier_index % 2 else "Brugt/genbrug"
        return _Offer(
            item=item,
            descs=tuple(descs),
            item_number=_item_number(item_index, supplier_index, supplier.item_style),
            unit=unit_map.get(item.unit, item.unit),
            unit_code=count_code if item.unit_code == "H87" else item.unit_code,
            price_low=round(item.price_low * 100 / rate),
            price_span=max(0, round((item.price_high - item.price_low) * 100 / rate)),
            qty_low=round(item.qty_low * factor),
            qty_span=max(0, round((item.qty_high - item.qty_low) * factor)),
            scale=scale,
            step=step,
            label=label,
            account=PRODUCT_GROUPS[item.group].account,
            season=_SEASON_QTY.get(item.seasonal) if item.seasonal else None,
        )

    offers = []
    index_of = {item.key: n for n, item in enumerate(ITEMS)}
    for item_index, item in enumerate(ITEMS):
        if item.group not in supplier.groups:
            continue
        if supplier.offers == "organic":
            if item.organic:
                offers.append(make(item, item_index))
            continue
        if item.organic:
            continue  # reached through the conventional item's twin
        if supplier.offers == "refurb" and not item.refurbished:
            continue
        if supplier.offers == "new" and item.refurbished:
            continue
        offer = make(item, item_index)
        if item.twin:
            twin = ITEMS_BY_KEY[item.twin]
            offer.twin = make(twin, index_of[twin.key])
        offers.append(offer)
    return offers


_OFFERS: list[list[_Offer]] = []


def _supplier_offers() -> list[list[_Offer]]:
    """Offers per supplier, built once per process (they never depend on the arguments)."""
    if not _OFFERS:
        _OFFERS.extend(_build_offers(s, n) for n, s in enumerate(SUPPLIERS))
    return _OFFERS


@dataclass(slots=True)
class _Basket:
    """What one buyer kind buys from one supplier: offers with cumulative weights."""

    offers: list[_Offer]
    cum: list[float]
    total: float


@dataclass(slots=True)
class _Pair:
    """One (buyer, area) purchase stream: the suppliers it uses, with cumulative shares."""

    buyer_index: int
    organic: float
    suppliers: list[int]
    cum: list[float]
    baskets: list[_Basket]
    mean_lines: float


def _number_format(supplier_index: int, year: int) -> tuple[str, str]:
    """Invoice and credit-note number formats of a supplier (``str.format`` with ``n``).

    Every format carries the year, so a supplier's numbers never repeat across years and
    (supplier, number) stays a sound de-duplication key.
    """
    yy = year % 100
    style = supplier_index % 5
    if style == 1:
        return f"F{year}-{{n:06d}}", f"K{year}-{{n:06d}}"
    if style == 2:
        return f"{year}{{n:06d}}", f"{year}{{n:06d}}"
    if style == 3:
        return f"INV-{yy:02d}-{{n:06d}}", f"CN-{yy:02d}-{{n:06d}}"
    if style == 4:
        return f"{yy:02d}-{{n:06d}}", f"KR{yy:02d}-{{n:06d}}"
    return f"{yy:02d}{{n:06d}}", f"{yy:02d}{{n:06d}}"


def _day_quotas(year: int, lines: int, month_density: list[float]) -> list[int]:
    """Lines per day of the year: month intensity × weekday × quiet days, exact total."""
    days = 366 if calendar.isleap(year) else 365
    start = dt.date(year, 1, 1)
    weights = []
    for offset in range(days):
        day = start + dt.timedelta(days=offset)
        weight = month_density[day.month - 1] * _WEEKDAY[day.weekday()]
        weight *= _QUIET_DAYS.get((day.month, day.day), 1.0)
        weights.append(weight)
    total = sum(weights)
    exact = [lines * w / total for w in weights]
    quotas = [int(x) for x in exact]
    missing = lines - sum(quotas)
    order = sorted(range(days), key=lambda d: (quotas[d] - exact[d], d))
    for d in order[:missing]:
        quotas[d] += 1
    return quotas


def generate_invoices(
    buyers: Sequence[Buyer], year: int, lines: int, seed: int = 2026
) -> Iterator[SynthInvoice]:
    """Yield invoices (in issue-date order) until exactly ``lines`` lines were produced.

    Deterministic for the same arguments: all chance comes from ``random.Random(seed ^
    year)``. Buyers whose kind is unknown buy like an ``institution``; buyers without an
    EAN (forvaltninger, områder) still get invoices, posted on their cost centre.
    """
    if lines < 0:
        raise ValueError("lines must be zero or more")
    if lines and not buyers:
        raise ValueError("at least one buyer is needed")
    rng = random.Random(seed ^ year)  # noqa: S311 - reproducible on purpose, not secret
    rnd = rng.random
    offers_by_supplier = _supplier_offers()
    supplier_weights = [s.weight for s in SUPPLIERS]

    basket_cache: dict[tuple[int, tuple[str, ...]], _Basket | None] = {}

    def basket(supplier_index: int, groups: tuple[str, ...]) -> _Basket | None:
        key = (supplier_index, groups)
        if key not in basket_cache:
            chosen = [o for o in offers_by_supplier[supplier_index] if o.item.group in groups]
            if chosen:
                cum = list(accumulate(o.item.weight for o in chosen))
                basket_cache[key] = _Basket(chosen, cum, cum[-1])
            else:
                basket_cache[key] = None
        return basket_cache[key]

    # Purchase streams per buyer and area, with their month weights.
    pairs: list[_Pair] = []
    pair_month_weights: list[list[float]] = []
    for buyer_index, buyer in enumerate(buyers):
        unit_weight, areas = _KINDS.get(buyer.kind, _KINDS["institution"])
        size = 0.5 + 1.3 * rng.random()
        organic = (
            _KITCHEN_ORGANIC[0] + (_KITCHEN_ORGANIC[1] - _KITCHEN_ORGANIC[0]) * rng.random()
            if buyer.kind == "kitchen"
            else _OTHER_ORGANIC
        )
        for area, area_weight in areas.items():
            groups, rhythm = _AREAS[area]
            if area == "food" and buyer.kind != "kitchen":
                groups = _SNACK_FOOD
            pool = [n for n in range(len(SUPPLIERS)) if basket(n, groups) is not None]
            if not pool:
                continue
            preferred_count = 4 if area == "food" and buyer.kind == "kitchen" else 2
            shares = (0.5, 0.2, 0.15, 0.1) if preferred_count == 4 else (0.7, 0.2)
            preferred: list[int] = []
            candidates = list(pool)
            for _ in range(min(preferred_count, len(candidates))):
                cum = list(accumulate(supplier_weights[n] for n in candidates))
                pick = candidates[bisect_left(cum, rng.random() * cum[-1])]
                preferred.append(pick)
                candidates.remove(pick)
            weights = {n: shares[i] for i, n in enumerate(preferred)}
            rest = 1.0 - sum(weights.values())
            rest_total = sum(supplier_weights[n] for n in pool)
            for n in pool:
                weights[n] = weights.get(n, 0.0) + rest * supplier_weights[n] / rest_total
            suppliers = sorted(weights)
            cum = list(accumulate(weights[n] for n in suppliers))
            baskets: list[_Basket] = []
            for n in suppliers:
                chosen = basket(n, groups)
                assert chosen is not None  # every supplier in the pool has a basket
                baskets.append(chosen)
            mean_lines = (
                sum(
                    weights[n] * (SUPPLIERS[n].lines_low + SUPPLIERS[n].lines_high) / 2
                    for n in suppliers
                )
                / cum[-1]
            )
            pairs.append(_Pair(buyer_index, organic, suppliers, cum, baskets, mean_lines))
            base = unit_weight * size * area_weight
            pair_month_weights.append([base * f for f in _MONTHS[rhythm]])

    if lines and not pairs:
        raise ValueError("none of the buyers buys anything the catalogue sells")
    month_cum = [list(accumulate(weights[m] for weights in pair_month_weights)) for m in range(12)]
    month_density = [
        sum(w[m] * p.mean_lines for w, p in zip(pair_month_weights, pairs, strict=True))
        for m in range(12)
    ]
    quotas = _day_quotas(year, lines, month_density)

    counters = [(n * 7919) % 100_000 for n in range(len(SUPPLIERS))]
    formats = [_number_format(n, year) for n in range(len(SUPPLIERS))]
    last_invoice: list[str | None] = [None] * len(SUPPLIERS)
    exempt = [all(PRODUCT_GROUPS[g].vat_rate == 0 for g in s.groups) for s in SUPPLIERS]
    order_seq = 4_500_000_000 + (year % 100) * 1_000_000
    start = dt.date(year, 1, 1)
    one_day = dt.timedelta(days=1)
    decimals = _DECIMALS
    cached = len(decimals)
    charges = _CHARGE_AMOUNTS
    invoice_type, credit_type = INVOICE, CREDIT_NOTE
    misposted = MISPOSTED_ACCOUNT

    for day_offset, quota in enumerate(quotas):
        if quota == 0:
            continue
        issue = start + day_offset * one_day
        month = issue.month - 1
        cum_pairs = month_cum[month]
        total_pairs = cum_pairs[-1]
        while quota > 0:
            pair = pairs[bisect_left(cum_pairs, rnd() * total_pairs)]
            slot = bisect_left(pair.cum, rnd() * pair.cum[-1])
            supplier_index = pair.suppliers[slot]
            supplier = SUPPLIERS[supplier_index]
            bask = pair.baskets[slot]
            credit = rnd() < CREDIT_NOTE_SHARE
            if credit:
                count = 1 + int(rnd() * 3)
            else:
                span = supplier.lines_high - supplier.lines_low + 1
                count = supplier.lines_low + int(rnd() * rnd() * span)
            if count > quota:
                count = quota
            quota -= count

            buyer = buyers[pair.buyer_index]
            organic = pair.organic
            code_rate = supplier.code_rate
            label_rate = supplier.label_rate
            offers, cum, total = bask.offers, bask.cum, bask.total
            made: list[SynthLine] = []
            for line_number in range(1, count + 1):
                offer = offers[bisect_left(cum, rnd() * total)]
                if offer.twin is not None and rnd() < organic:
                    offer = offer.twin
                qty = offer.qty_low + int(rnd() * rnd() * (offer.qty_span + 1))
                if offer.step != 1:
                    qty = max(offer.step, qty - qty % offer.step)
                if offer.season is not None:
                    qty = max(1, int(qty * offer.season[month]))
                if qty <= 0:
                    qty = 1
                price = offer.price_low + int(rnd() * (offer.price_span + 1))
                if price <= 0:
                    price = 1
                scale = offer.scale
                if scale:
                    divisor = 10**scale
                    net = (price * qty + divisor // 2) // divisor
                    quantity = Decimal(qty).scaleb(-scale)
                else:
                    net = price * qty
                    quantity = decimals[qty] if qty < cached else Decimal(qty)
                item = offer.item
                made.append(
                    SynthLine(
                        line_number,
                        item,
                        offer.descs[int(rnd() * len(offer.descs))],
                        offer.item_number,
                        item.unspsc if rnd() < code_rate else None,
                        quantity,
                        offer.unit,
                        offer.unit_code,
                        Decimal(price).scaleb(-2),
                        Decimal(net).scaleb(-2),
                        misposted if rnd() < MISPOSTED_SHARE else offer.account,
                        offer.label if offer.label is not None and rnd() < label_rate else None,
                    )
                )

            counters[supplier_index] += 1
            serial = counters[supplier_index]
            if credit:
                number = formats[supplier_index][1].format(n=serial)
                reference = last_invoice[supplier_index] or formats[supplier_index][0].format(
                    n=serial - 1
                )
                document_type = credit_type
            else:
                number = formats[supplier_index][0].format(n=serial)
                last_invoice[supplier_index] = number
                reference = None
                document_type = invoice_type
            charge = None
            if (
                not credit
                and not exempt[supplier_index]
                and supplier.charge_rate
                and rnd() < supplier.charge_rate
            ):
                charge = charges[int(rnd() * len(charges))]
            order_seq += 1
            delay = 1 + int(rnd() * rnd() * 21)
            yield SynthInvoice(
                number=number,
                issue_date=issue,
                posting_date=issue + delay * one_day,
                due_date=issue + 30 * one_day,
                supplier=supplier,
                buyer=buyer,
                currency=supplier.currency,
                document_type=document_type,
                lines=made,
                order_reference=str(order_seq),
                billing_reference=reference,
                charge=charge,
            )


# --------------------------------------------------------------------------------------
# Overlapping exports, to test de-duplication
# --------------------------------------------------------------------------------------


def repeat_share(
    invoices: Iterable[SynthInvoice], share: float, seed: int = 0
) -> Iterator[SynthInvoice]:
    """Yield ``share`` of the lines of ``invoices`` again, unchanged, invoice by invoice.

    Each line is kept with probability ``share`` (seeded, so the same lines every time);
    an invoice is yielded with the kept lines only, keeping its number, line numbers,
    amounts and dates, exactly as a second export that covers part of the same period.
    """
    if not 0.0 <= share <= 1.0:
        raise ValueError("share must be between 0 and 1")
    rnd = random.Random(seed).random  # noqa: S311 - reproducible on purpose
    for invoice in invoices:
        kept = [line for line in invoice.lines if rnd() < share]
        if kept:
            yield replace(invoice, lines=kept)


def second_export(
    first: Iterable[SynthInvoice],
    fresh: Iterable[SynthInvoice],
    share: float,
    seed: int = 0,
) -> Iterator[SynthInvoice]:
    """A second export: ``share`` of ``first``'s lines repeated, then the ``fresh`` invoices.

    Typical use: ``second_export(generate_invoices(b, 2025, n), generate_invoices(b, 2025,
    m, seed=7), 0.1)`` — regenerate the first export (it is deterministic, so nothing has to
    be kept in memory) and put the overlap before the new lines, as a later export whose
    period starts before the previous one ended.
    """
    yield from repeat_share(first, share, seed)
    yield from fresh
