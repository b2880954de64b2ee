"""The classification cascade: every purchase line gets a UNSPSC code, maybe a product,
labels and measures, with the step that decided and how sure it is.

Order (first confident step decides; see ``docs/classification.md``):

1. ``confirmed`` — a person confirmed this text (for this supplier, or any supplier);
2. ``code``      — the line's own UNSPSC, or CPV through the crosswalk;
3. ``rule``      — a user rule, then the keywords of the product list;
4. ``model``     — the text classifier (calibrated probability);
5. ``supplier``  — the supplier's trade (NACE/DB07) through the crosswalk;
6. ``account``   — the municipal chart-of-accounts art through the crosswalk;
7. ``fallback``  — the best weak guess, marked low.

Lines repeat (the same milk every week), so the cascade runs once per distinct
(supplier, text, code, account, item number, label text) and the result is joined back to
the lines in DuckDB, where quantities become kilograms, litres and pieces. A million lines
take seconds; the Python work grows with the number of distinct texts.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import duckdb
import pyarrow as pa

from omlob.core import units as units_module
from omlob.core.classify.labels import ORGANIC, detect_labels, settle_labels
from omlob.core.classify.model import TextModel
from omlob.core.classify.packsize import FOOD_DENSITY, pack_size
from omlob.core.classify.rules import RuleMatch, RuleSet, builtin_rules
from omlob.core.classify.taxonomy import (
    LEVELS,
    Taxonomy,
    family_of,
    level_of,
    normalise_unspsc,
    segment_of,
)
from omlob.core.classify.textnorm import fingerprint, normalise

__all__ = [
    "HIGH",
    "KEY_COLUMNS",
    "RESULT_SCHEMA",
    "STEPS",
    "Confirmed",
    "Decision",
    "Knowledge",
    "classify_table",
    "classify_texts",
    "quality_of",
    "text_key",
]

STEPS = ("confirmed", "code", "rule", "model", "supplier", "account", "fallback")
#: Confidence at or above which a result counts as high (shown green, left out of review).
HIGH = 0.8
MEDIUM = 0.5
#: How sure the text model must be of another family to overrule a keyword rule.
OVERRULE = 0.5
#: The model names a family from this probability on (else only the segment it is sure of).
FAMILY_EVIDENCE = 0.35
#: The columns that make two lines the same to the cascade.
KEY_COLUMNS = (
    "supplier_cvr",
    "supplier_name",
    "description",
    "classification_code",
    "classification_scheme",
    "account",
    "item_number",
    "labels",
)
_CPV_FORM = re.compile(r"^\d{8}-\d$")

#: The per-line result as stored next to the lines (one Parquet file per batch).
RESULT_SCHEMA = pa.schema(
    [
        pa.field("line_key", pa.int64()),
        pa.field("unspsc", pa.string()),
        pa.field("segment", pa.string()),
        pa.field("family", pa.string()),
        pa.field("product", pa.string()),
        pa.field("step", pa.string()),
        pa.field("confidence", pa.float32()),
        pa.field("quality", pa.string()),
        pa.field("labels", pa.string()),
        pa.field("organic", pa.bool_()),
        pa.field("reason", pa.string()),
        pa.field("group_key", pa.string()),
        pa.field("kg", pa.float64()),
        pa.field("litre", pa.float64()),
        pa.field("pieces", pa.float64()),
        pa.field("kwh", pa.float64()),
        pa.field("km", pa.float64()),
        pa.field("m2", pa.float64()),
        pa.field("measure_note", pa.string()),
    ]
)


@dataclass(frozen=True)
class Confirmed:
    """What a person said a text is."""

    unspsc: str
    product: str | None = None
    labels: tuple[str, ...] | None = None  # None: keep what the text says


@dataclass
class Knowledge:
    """Everything the cascade knows beyond the line: passed in, so no database is needed."""

    taxonomy: Taxonomy
    model: TextModel | None = None
    #: (supplier CVR or None for any supplier, text fingerprint) → confirmation
    confirmed: Mapping[tuple[str | None, str], Confirmed] = field(default_factory=dict)
    rules: RuleSet | None = None
    #: supplier CVR → NACE/DB07 code
    supplier_trades: Mapping[str, str] = field(default_factory=dict)
    #: (supplier CVR, item number) → (description, label text) from a supplier's product file
    item_master: Mapping[tuple[str, str], tuple[str, str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.rules is None:
            self.rules = RuleSet(builtin_rules(self.taxonomy))


@dataclass
class Decision:
    unspsc: str
    step: str
    confidence: float
    reason: str
    product: str | None = None
    labels: list[str] = field(default_factory=list)
    pack_amount: float | None = None
    pack_unit: str | None = None

    @property
    def quality(self) -> str:
        return quality_of(self.confidence)


def quality_of(confidence: float) -> str:
    return "high" if confidence >= HIGH else "medium" if confidence >= MEDIUM else "low"


@dataclass
class _Pending:
    """A distinct line on its way through the cascade (the model runs for all at once)."""

    text: str
    cvr: str | None
    decided: Decision | None = None
    code: tuple[str, float, str] | None = None  # (unspsc, confidence, reason)
    rule: RuleMatch | None = None
    notes: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    supplier_text: str = ""
    account: str | None = None


def text_key(text: str | None) -> str:
    """What a confirmation and a review group are keyed by: the text without numbers and
    pack sizes, or the whole normalised text when nothing else is left ("1 kg")."""
    normalised = normalise(text)
    return fingerprint(normalised) or normalised


def _own_code(
    taxonomy: Taxonomy, code: str | None, scheme: str | None
) -> tuple[tuple[str, float, str] | None, str | None]:
    """(unspsc, confidence, reason) from the line's own code, and a note when it is wrong."""
    raw = (code or "").strip()
    if not raw:
        return None, None
    scheme = (scheme or "UNSPSC").strip().upper()
    if scheme.startswith("CPV") or _CPV_FORM.match(raw):
        unspsc = taxonomy.from_cpv(raw)
        if unspsc:
            note = None if scheme.startswith("CPV") else f"{raw} er en CPV-kode, ikke UNSPSC"
            return (unspsc, 0.85, f"CPV-koden {raw} via krydsreference"), note
        return None, f"CPV-koden {raw} kendes ikke"
    unspsc = normalise_unspsc(raw)
    if unspsc and taxonomy.known(unspsc):
        return (unspsc, 0.95, f"Linjens egen UNSPSC-kode {raw}"), None
    if unspsc is None and len(re.sub(r"\D", "", raw)) == 8:
        unspsc = re.sub(r"\D", "", raw)
    if unspsc:
        cpv = taxonomy.from_cpv(unspsc)
        if cpv and not taxonomy.known(unspsc):
            return (
                (cpv, 0.7, f"{raw} findes ikke i UNSPSC, men er en CPV-kode: via krydsreference"),
                f"{raw} er formentlig en CPV-kode angivet som UNSPSC",
            )
        if segment_of(unspsc) in taxonomy.codes:
            return None, f"UNSPSC-koden {raw} findes ikke (kun segmentet kendes)"
    return None, f"Koden {raw} er ikke en gyldig UNSPSC- eller CPV-kode"


def _prepare(
    knowledge: Knowledge,
    cvr: str | None,
    supplier_name: str | None,
    description: str | None,
    code: str | None,
    scheme: str | None,
    account: str | None,
    item_number: str | None,
    label_text: str | None,
) -> _Pending:
    taxonomy = knowledge.taxonomy
    master = knowledge.item_master.get((cvr or "", item_number or "")) if item_number else None
    text = normalise(description)
    extra = normalise(label_text)
    if master is not None:
        if not text:
            text = normalise(master[0])
        extra = (extra + " " + normalise(master[1])).strip()
    pending = _Pending(text=text, cvr=cvr, account=account)
    pending.supplier_text = normalise(supplier_name)
    pending.labels = detect_labels((text + " " + extra).strip())
    # 1. confirmed by a person
    key = text_key(text)
    confirmed = knowledge.confirmed.get((cvr, key)) or knowledge.confirmed.get((None, key))
    if confirmed is not None and text:
        labels = list(confirmed.labels) if confirmed.labels is not None else pending.labels
        pending.decided = Decision(
            confirmed.unspsc, "confirmed", 1.0, "Bekræftet af en bruger", confirmed.product, labels
        )
        return pending
    # 2. the line's own code; 3. rules (also for the product under a code)
    pending.code, note = _own_code(taxonomy, code, scheme)
    if note:
        pending.notes.append(note)
    assert knowledge.rules is not None
    pending.rule = knowledge.rules.match(text, cvr) if text else None
    rule = pending.rule
    if pending.code is not None:
        unspsc, confidence, reason = pending.code
        product = None
        if (
            rule is not None
            and rule.rule.product
            and family_of(rule.rule.unspsc) == family_of(unspsc)
        ):
            product = rule.rule.product
            deeper = LEVELS.index(level_of(rule.rule.unspsc)) > LEVELS.index(level_of(unspsc))
            if deeper and rule.rule.unspsc.startswith(unspsc.rstrip("0")):
                unspsc = rule.rule.unspsc
            reason += f"; produkt fra nøgleordet «{rule.keyword}»"
        if confidence >= HIGH:
            pending.decided = Decision(unspsc, "code", confidence, reason, product)
            return pending
    if rule is not None and rule.rule.source == "user":
        pending.decided = Decision(
            rule.rule.unspsc,
            "rule",
            rule.confidence,
            rule.reason,
            rule.rule.product,
            list(rule.rule.labels),
        )
    return pending


def _finish(knowledge: Knowledge, pending: _Pending, prediction: object | None) -> Decision:
    """Steps 3–7 for a line no person, code or user rule decided.

    A keyword rule decides unless the text model is at least :data:`OVERRULE` sure of
    another family: keywords are precise but blind to context ("Mælk til kaffe"), the
    model sees the whole text.
    """
    taxonomy = knowledge.taxonomy
    candidates: list[Decision] = []
    rule = pending.rule
    if rule is not None and rule.confidence >= HIGH:
        family = getattr(prediction, "family", None)
        p_family = getattr(prediction, "probability", 0.0)
        agrees = family is not None and family[:4] == rule.rule.unspsc[:4]
        if agrees or family is None or p_family < OVERRULE:
            return Decision(
                rule.rule.unspsc,
                "rule",
                min(0.95, rule.confidence + (0.05 if agrees else 0.0)),
                rule.reason + (" (tekstmodellen er enig)" if agrees else ""),
                rule.rule.product,
            )
        return Decision(
            family,
            "model",
            p_family,
            f"Tekstmodellen: {taxonomy.title(family)} {p_family:.0%} (nøgleordet "
            f"«{rule.keyword}» pegede på {taxonomy.title(rule.rule.unspsc)})",
        )
    if pending.code is not None:
        unspsc, confidence, reason = pending.code
        candidates.append(Decision(unspsc, "code", confidence, reason))
    if rule is not None:
        candidates.append(
            Decision(rule.rule.unspsc, "rule", rule.confidence, rule.reason, rule.rule.product)
        )
    if prediction is not None:
        family = prediction.family  # type: ignore[attr-defined]
        p_family = prediction.probability  # type: ignore[attr-defined]
        segment = prediction.segment  # type: ignore[attr-defined]
        p_segment = prediction.segment_probability  # type: ignore[attr-defined]
        # Without a text the model guesses from the supplier's name, or from nothing at all
        # (the most common family): a result, but a weak one.
        basis = "teksten" if pending.text else "leverandørens navn"
        damp = 1.0 if pending.text else 0.6
        if not pending.text and not pending.supplier_text:
            basis, damp = "intet", 0.2
        if p_family >= FAMILY_EVIDENCE:
            model = Decision(
                family,
                "model",
                p_family * damp,
                f"Tekstmodellen ({basis}): {taxonomy.title(family)} {p_family:.0%}",
            )
        else:
            model = Decision(
                segment,
                "model",
                p_segment * damp,
                f"Tekstmodellen ({basis}): segmentet {taxonomy.title(segment)} {p_segment:.0%}",
            )
        # A rule and the model that agree on the family make each other surer.
        if rule is not None and family_of(rule.rule.unspsc) == model.unspsc[:4] + "0000":
            agreed = max(rule.confidence, model.confidence) + 0.1
            candidates.append(
                Decision(
                    rule.rule.unspsc,
                    "rule",
                    min(0.95, agreed),
                    rule.reason + " (tekstmodellen er enig)",
                    rule.rule.product,
                )
            )
        candidates.append(model)
    nace = knowledge.supplier_trades.get(pending.cvr or "")
    trade = taxonomy.from_nace(nace) if nace else None
    if trade:
        candidates.append(Decision(trade, "supplier", 0.5, f"Leverandørens branchekode {nace}"))
    art = taxonomy.from_account(pending.account)
    if art:
        candidates.append(Decision(art, "account", 0.35, f"Arten {pending.account}"))
    if not candidates:
        return Decision("", "fallback", 0.0, "Hverken tekst, kode, leverandørbranche eller art")
    best = max(candidates, key=lambda d: (d.confidence, -STEPS.index(d.step)))
    if best.confidence < MEDIUM and best.step not in ("supplier", "account"):
        # No step is reasonably sure: the best weak guess, marked as the fallback.
        best.reason = f"Bedste svage gæt ({best.step}): {best.reason}"
        best.step = "fallback"
    return best


#: A supplier's profile needs this many confidently classified texts …
PROFILE_MIN_LINES = 5
#: … and this share of them in one segment before it may decide a weak line.
PROFILE_SHARE = 0.8


def _lean_on_supplier(
    knowledge: Knowledge,
    pending: Sequence[_Pending],
    extra: Mapping[str, Counter[str]] | None = None,
) -> None:
    """Weak results take the segment (or family) most of the supplier's other texts have.

    A foodservice wholesaler's "Div. varer" is most likely food, a taxi company's
    "Tur 4411" transport: the supplier's confidently classified texts in the same run are
    a profile of what it sells. Only results below :data:`MEDIUM` are replaced, and the new
    confidence stays below :data:`HIGH`, since the evidence is indirect.
    """
    profiles: dict[str, Counter[str]] = defaultdict(Counter)
    for key, families in (extra or {}).items():
        profiles[key].update(families)
    for p in pending:
        d = p.decided
        key = p.cvr or p.supplier_text
        if d is not None and key and d.unspsc and d.confidence >= HIGH:
            profiles[key][family_of(d.unspsc)] += 1
    for p in pending:
        d = p.decided
        key = p.cvr or p.supplier_text
        if d is None or d.confidence >= MEDIUM or d.step == "confirmed" or key not in profiles:
            continue
        families = profiles[key]
        total = sum(families.values())
        if total < PROFILE_MIN_LINES:
            continue
        segments: Counter[str] = Counter()
        for family, n in families.items():
            segments[family[:2]] += n
        segment, n_segment = segments.most_common(1)[0]
        if n_segment / total < PROFILE_SHARE:
            continue
        family, n_family = families.most_common(1)[0]
        if family[:2] == segment and n_family / total >= PROFILE_SHARE:
            code, share = family, n_family / total
        else:
            code, share = segment + "000000", n_segment / total
        title = knowledge.taxonomy.title(code)
        p.decided = Decision(
            code,
            "supplier",
            min(HIGH - 0.05, 0.85 * share),
            f"Leverandørens øvrige linjer: {share:.0%} er {title} (teksten alene var usikker)",
        )


_FROZEN = re.compile(r"(?<![a-zæøå])(frost|frosne?|frossen|frosset|dybfrost\w*|iqf)(?![a-zæøå])")
_CANNED = re.compile(r"(?<![a-zæøå])(dåse|dåser|konserves|på glas|i lage)(?![a-zæøå])")
_DRIED = re.compile(r"(?<![a-zæøå])(tørret|tørrede|soltørrede?)(?![a-zæøå])")


def _preserved(unspsc: str, text: str) -> str:
    """Fresh fruit or vegetables bought frozen, canned or dried: UNSPSC's own family for it.

    The keyword names the food ("rosenkål"); the state ("frost", "dåse") decides the family
    (50 44 frozen vegetables, 50 46 canned …). The product, and so its factor, stays.
    """
    family = unspsc[:4]
    if family not in ("5030", "5040") or not text:
        return unspsc
    for pattern, step in ((_FROZEN, 4), (_CANNED, 6), (_DRIED, 2)):
        if pattern.search(text):
            return f"{family[:3]}{int(family[3]) + step}0000"
    return unspsc


def _decide(knowledge: Knowledge, rows: Sequence[Mapping[str, str | None]]) -> list[_Pending]:
    """Steps 1–7 for distinct lines (the model runs once for all of them)."""
    pending = [_prepare(knowledge, *(row.get(column) for column in KEY_COLUMNS)) for row in rows]
    undecided = [p for p in pending if p.decided is None]
    predictions: list[object | None] = [None] * len(undecided)
    if knowledge.model is not None and undecided:
        texts = [p.text or p.supplier_text for p in undecided]
        predictions = list(knowledge.model.predict(texts))
    for p, prediction in zip(undecided, predictions, strict=True):
        p.decided = _finish(knowledge, p, prediction)
    return pending


def _settled(pending: Sequence[_Pending]) -> list[Decision]:
    """Final touches: state families, labels, notes and their caps, pack sizes."""
    decisions = []
    for p in pending:
        decision = p.decided
        assert decision is not None
        if decision.step in ("rule", "model", "fallback"):
            decision.unspsc = _preserved(decision.unspsc, p.text)
        own = decision.labels if decision.step == "confirmed" else [*p.labels, *decision.labels]
        decision.labels = settle_labels(own, decision.unspsc)
        if not p.text:
            p.notes.append("linjen har ingen læsbar tekst")
        if p.notes:
            # A wrong code or a missing text: whatever decided, a person should look.
            decision.reason += "; " + "; ".join(p.notes)
            if decision.step != "confirmed":
                decision.confidence = min(decision.confidence, MEDIUM - 0.01)
        size = pack_size(p.text)
        if size is not None:
            decision.pack_amount, decision.pack_unit = size.amount, size.unit
        decisions.append(decision)
    return decisions


def classify_texts(
    knowledge: Knowledge, rows: Sequence[Mapping[str, str | None]]
) -> list[Decision]:
    """Classify distinct lines given as mappings of :data:`KEY_COLUMNS` (missing = None)."""
    pending = _decide(knowledge, rows)
    _lean_on_supplier(knowledge, pending)
    return _settled(pending)


_MEASURE_SQL = f"""
SELECT l.line_key, d.unspsc, d.segment, d.family, d.product, d.step, d.confidence,
       d.quality, d.labels, d.organic, d.reason, d.group_key,
       coalesce(m.kg, CASE WHEN d.food THEN m.litre * {FOOD_DENSITY} END,
                m.pieces * d.kg_per_unit) AS kg,
       m.litre, m.pieces, m.kwh, m.km, m.m2,
       CASE WHEN m.kg IS NULL AND NOT (d.food AND m.litre IS NOT NULL)
                 AND d.kg_per_unit IS NOT NULL AND m.pieces IS NOT NULL
              THEN 'Vægten er anslået ud fra en typisk vægt pr. stk.'
            WHEN d.food AND m.kg IS NULL AND m.litre IS NULL
              THEN 'Vægten kan ikke bestemmes: hverken enheden eller teksten angiver den.'
       END AS measure_note
FROM classify_lines l
JOIN decided d ON d.key_id = l.key_id
LEFT JOIN (
  SELECT l2.line_key,
    CASE WHEN u.base_unit = 'kg' THEN l2.quantity * u.factor
         WHEN d2.pack_unit = 'kg' AND (u.base_unit IS NULL OR u.base_unit = 'stk')
           THEN coalesce(l2.quantity * u.factor, l2.quantity) * d2.pack_amount END AS kg,
    CASE WHEN u.base_unit = 'l' THEN l2.quantity * u.factor
         WHEN d2.pack_unit = 'l' AND (u.base_unit IS NULL OR u.base_unit = 'stk')
           THEN coalesce(l2.quantity * u.factor, l2.quantity) * d2.pack_amount END AS litre,
    CASE WHEN u.base_unit = 'stk' AND d2.pack_unit = 'stk' THEN l2.quantity * u.factor
                                                               * d2.pack_amount
         WHEN u.base_unit = 'stk' THEN l2.quantity * u.factor
         WHEN u.base_unit IS NULL AND d2.pack_unit = 'stk' THEN l2.quantity * d2.pack_amount
         WHEN u.base_unit IS NULL THEN l2.quantity END AS pieces,
    CASE WHEN u.base_unit = 'kWh' THEN l2.quantity * u.factor END AS kwh,
    CASE WHEN u.base_unit = 'km' THEN l2.quantity * u.factor END AS km,
    CASE WHEN u.base_unit = 'm2' THEN l2.quantity * u.factor END AS m2
  FROM classify_lines l2
  JOIN decided d2 ON d2.key_id = l2.key_id
  LEFT JOIN unit_factors u ON u.code = l2.unit
) m ON m.line_key = l.line_key
"""


def classify_table(
    con: duckdb.DuckDBPyConnection,
    lines: str,
    knowledge: Knowledge,
    *,
    progress: Callable[[float], None] | None = None,
    profiles: Mapping[str, Counter[str]] | None = None,
) -> pa.Table:
    """Classify the lines of a DuckDB relation/view named ``lines``; a RESULT_SCHEMA table.

    ``profiles``: supplier → confidently classified families of lines outside ``lines``
    (see :func:`supplier_profiles`), so a partial re-run leans on the same evidence.

    The relation needs ``line_key``, ``quantity``, ``unit`` and the :data:`KEY_COLUMNS`.
    """
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE classify_lines AS
        SELECT line_key, quantity, unit, hash({", ".join(KEY_COLUMNS)}) AS key_id,
               {", ".join(KEY_COLUMNS)}
        FROM {lines}
        """
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE classify_keys AS
        SELECT key_id, {", ".join(f"any_value({c}) AS {c}" for c in KEY_COLUMNS)}
        FROM classify_lines GROUP BY key_id
        """
    )
    keys = con.execute(f"SELECT key_id, {', '.join(KEY_COLUMNS)} FROM classify_keys").fetchall()
    rows = [dict(zip(("key_id", *KEY_COLUMNS), row, strict=True)) for row in keys]
    pending: list[_Pending] = []
    chunk = 5_000
    for start in range(0, len(rows), chunk):
        pending.extend(_decide(knowledge, rows[start : start + chunk]))
        if progress:
            progress(min(1.0, (start + chunk) / max(1, len(rows))))
    # Supplier profiles over all of the run's texts (and the lines around it, when only
    # some are classified again).
    _lean_on_supplier(knowledge, pending, profiles)
    decisions = _settled(pending)
    taxonomy = knowledge.taxonomy
    products = taxonomy.products
    decided = pa.table(
        {
            "key_id": pa.array([row["key_id"] for row in rows], pa.uint64()),
            "unspsc": pa.array([d.unspsc or None for d in decisions], pa.string()),
            "segment": pa.array(
                [segment_of(d.unspsc) if d.unspsc else None for d in decisions], pa.string()
            ),
            "family": pa.array(
                [
                    family_of(d.unspsc) if d.unspsc and level_of(d.unspsc) != "segment" else None
                    for d in decisions
                ],
                pa.string(),
            ),
            "product": pa.array([d.product for d in decisions], pa.string()),
            "step": pa.array([d.step for d in decisions], pa.string()),
            "confidence": pa.array([round(d.confidence, 3) for d in decisions], pa.float32()),
            "quality": pa.array([d.quality for d in decisions], pa.string()),
            "labels": pa.array([",".join(d.labels) or None for d in decisions], pa.string()),
            "organic": pa.array([ORGANIC in d.labels for d in decisions], pa.bool_()),
            "reason": pa.array([d.reason for d in decisions], pa.string()),
            "group_key": pa.array(
                [(row["supplier_cvr"] or "") + "|" + text_key(row["description"]) for row in rows],
                pa.string(),
            ),
            "food": pa.array([(d.unspsc or "").startswith("50") for d in decisions], pa.bool_()),
            "kg_per_unit": pa.array(
                [
                    products[d.product].kg_per_unit if d.product in products else None
                    for d in decisions
                ],
                pa.float64(),
            ),
            "pack_amount": pa.array([d.pack_amount for d in decisions], pa.float64()),
            "pack_unit": pa.array([d.pack_unit for d in decisions], pa.string()),
        }
    )
    con.register("decided", decided)
    con.register("unit_factors", units_module.unit_table())
    try:
        result = con.execute(_MEASURE_SQL).fetch_arrow_table()
    finally:
        con.unregister("decided")
        con.unregister("unit_factors")
        con.execute("DROP TABLE IF EXISTS classify_lines")
        con.execute("DROP TABLE IF EXISTS classify_keys")
    return result.cast(RESULT_SCHEMA)


def affected_condition(
    con: duckdb.DuckDBPyConnection,
    lines: str,
    *,
    confirmed: Sequence[tuple[str | None, str]] = (),
    rules: RuleSet | None = None,
) -> str | None:
    """A SQL condition over ``lines`` picking those a change can affect, or None for none.

    ``confirmed``: (supplier CVR or None for any, text fingerprint) pairs just confirmed;
    ``rules``: just the new or changed rules. Each distinct (supplier, text) is tested once.
    """
    pairs = con.execute(
        f"SELECT DISTINCT coalesce(supplier_cvr, ''), coalesce(description, '') FROM {lines}"
    ).fetchall()
    exact = {(cvr or "", key) for cvr, key in confirmed if cvr}
    any_supplier = {key for cvr, key in confirmed if not cvr}
    wanted: list[tuple[str, str]] = []
    for cvr, text in pairs:
        normalised = normalise(text)
        key = text_key(text)
        if (
            (cvr, key) in exact
            or key in any_supplier
            or (rules is not None and rules.match(normalised, cvr or None) is not None)
        ):
            wanted.append((cvr, text))
    if not wanted:
        return None
    con.register(
        "affected_texts",
        pa.table(
            {
                "cvr": pa.array([w[0] for w in wanted], pa.string()),
                "text": pa.array([w[1] for w in wanted], pa.string()),
            }
        ),
    )
    return (
        "(coalesce(supplier_cvr, ''), coalesce(description, '')) IN "
        "(SELECT (cvr, text) FROM affected_texts)"
    )


def supplier_profiles(
    con: duckdb.DuckDBPyConnection, lines: str, result: str
) -> dict[str, Counter[str]]:
    """Supplier → families of its confidently classified distinct texts, from a stored result."""
    rows = con.execute(
        f"""
        SELECT DISTINCT l.supplier_cvr, l.supplier_name, l.description, r.family
        FROM {lines} l JOIN {result} r USING (line_key)
        WHERE r.confidence >= {HIGH} AND r.family IS NOT NULL
        """
    ).fetchall()
    profiles: dict[str, Counter[str]] = defaultdict(Counter)
    for cvr, name, _text, family in rows:
        key = cvr or normalise(name)
        if key:
            profiles[key][family[:4] + "0000"] += 1
    return profiles


def reclassify(
    con: duckdb.DuckDBPyConnection,
    lines: str,
    old_result: str,
    knowledge: Knowledge,
    condition: str,
) -> tuple[pa.Table, int]:
    """The old result with the lines matching ``condition`` classified again.

    Returns the merged RESULT_SCHEMA table and how many lines' results changed.
    """
    con.execute(
        f"CREATE OR REPLACE TEMP VIEW reclassify_lines AS SELECT * FROM {lines} WHERE {condition}"
    )
    profiles = supplier_profiles(
        con, f"(SELECT * FROM {lines} WHERE NOT ({condition}))", old_result
    )
    fresh = classify_table(con, "reclassify_lines", knowledge, profiles=profiles)
    con.register("fresh_result", fresh)
    try:
        merged = con.execute(
            f"SELECT * FROM {old_result} WHERE line_key NOT IN "
            "(SELECT line_key FROM fresh_result) UNION ALL SELECT * FROM fresh_result"
        ).fetch_arrow_table()
        changed = con.execute(
            f"""
            SELECT count(*) FROM fresh_result f JOIN {old_result} o USING (line_key)
            WHERE f.unspsc IS DISTINCT FROM o.unspsc OR f.product IS DISTINCT FROM o.product
               OR f.labels IS DISTINCT FROM o.labels OR f.step IS DISTINCT FROM o.step
               OR f.confidence IS DISTINCT FROM o.confidence
            """
        ).fetchone()
    finally:
        con.unregister("fresh_result")
        con.execute("DROP VIEW IF EXISTS reclassify_lines")
    return merged.cast(RESULT_SCHEMA), int(changed[0]) if changed else 0
