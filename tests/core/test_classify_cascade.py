"""The classification cascade on the shipped taxonomy and base model, without a database."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from omlob.core.classify.cascade import (
    HIGH,
    MEDIUM,
    RESULT_SCHEMA,
    STEPS,
    Confirmed,
    Knowledge,
    affected_condition,
    classify_table,
    classify_texts,
    reclassify,
)
from omlob.core.classify.model import base_model
from omlob.core.classify.rules import Rule, RuleSet, builtin_rules
from omlob.core.classify.taxonomy import family_of, load_taxonomy, normalise_unspsc
from omlob.core.classify.textnorm import normalise
from omlob.synthetic.catalogue import ITEMS, SUPPLIERS


@pytest.fixture(scope="module")
def knowledge() -> Knowledge:
    taxonomy = load_taxonomy()
    cache = Path(os.environ["OMLOB_MODEL_CACHE"])
    return Knowledge(taxonomy=taxonomy, model=base_model(taxonomy, cache))


def one(knowledge: Knowledge, description: str = "", **fields: str | None) -> object:
    return classify_texts(knowledge, [{"description": description, **fields}])[0]


# --- the taxonomy ---------------------------------------------------------------------------


def test_taxonomy_is_whole():
    taxonomy = load_taxonomy()
    assert taxonomy.version
    segments = {c for c, e in taxonomy.codes.items() if e.level == "segment"}
    assert len(segments) >= 50
    for code, entry in taxonomy.codes.items():
        assert len(code) == 8 and code.isdigit(), code
        assert code[:2] + "000000" in taxonomy.codes, f"{code} has no segment"
        if entry.level in ("class", "commodity"):
            assert family_of(code) in taxonomy.codes, f"{code} has no family"
    assert len(taxonomy.products) >= 400
    for product in taxonomy.products.values():
        assert taxonomy.known(product.unspsc), product.id
        assert product.basis in {"kg", "l", "stk", "kWh", "MWh", "km", "m2", "m3", "dkk"}
        if product.food:
            assert product.concito and product.concito.startswith("Ra")
    for mapping in (taxonomy.cpv, taxonomy.nace, taxonomy.accounts):
        assert mapping
        for target in mapping.values():
            assert taxonomy.known(target), target


def test_every_demo_catalogue_code_is_known():
    taxonomy = load_taxonomy()
    for item in ITEMS:
        assert taxonomy.known(item.unspsc), (item.name, item.unspsc)
    for supplier in SUPPLIERS:
        assert taxonomy.from_nace(supplier.nace), (supplier.name, supplier.nace)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("50111513", "50111513"),
        ("50.11.15.13", "50111513"),
        ("5013", "50130000"),
        ("50", "50000000"),
        ("15811100-7", None),
        ("abc", None),
        ("", None),
        ("123", None),
        ("00000000", None),
    ],
)
def test_unspsc_codes_are_read_in_their_common_forms(text: str, code: str | None):
    assert normalise_unspsc(text) == code


def test_crosswalks():
    taxonomy = load_taxonomy()
    assert taxonomy.from_cpv("15511000-3")[:2] == "50"  # milk
    assert taxonomy.from_cpv("30213100-6")[:4] == "4321"  # portable computers
    assert taxonomy.from_nace("46.31")[:2] == "50"
    assert taxonomy.from_nace("620100")[:2] in ("43", "81")
    assert taxonomy.from_account("2.2")[:2] == "50"
    assert taxonomy.from_account("22.01")[:2] == "50"
    assert taxonomy.from_cpv("") is None and taxonomy.from_nace(None) is None


# --- rules ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "family"),
    [
        ("Øko gulerødder 10 kg ks", "5040"),
        ("Hk. oksekød 8-12% 2kg", "5011"),
        ("ØKO LETMÆLK 1L", "5013"),
        ("Kyllingebryst fersk 2 kg", "5011"),
        ("HP EliteBook 840 G6 refurb", "4321"),
        ("Kontorstol Kinnarps 8000", "5611"),
        ("Diesel 1.234 l", "1510"),
    ],
)
def test_keywords_find_the_product(text: str, family: str):
    rules = RuleSet(builtin_rules(load_taxonomy()))
    found = rules.match(normalise(text))
    assert found is not None, text
    assert found.rule.unspsc.startswith(family), (text, found)
    assert found.rule.product


def test_a_user_rule_wins_and_can_be_limited_to_one_supplier():
    taxonomy = load_taxonomy()
    user = Rule(("kaffe",), "50201706", "food.coffee", supplier_cvr="12345674", source="user")
    rules = RuleSet([user, *builtin_rules(taxonomy)])
    mine = rules.match(normalise("Kaffe special blend"), "12345674")
    assert mine is not None and mine.rule is user and mine.confidence > HIGH
    other = rules.match(normalise("Kaffe special blend"), "87654321")
    assert other is None or other.rule is not user


# --- the cascade ----------------------------------------------------------------------------


def test_steps_in_order(knowledge: Knowledge):
    confirmed = Knowledge(
        taxonomy=knowledge.taxonomy,
        model=knowledge.model,
        confirmed={(None, "husets blanding"): Confirmed("50201706", "food.coffee")},
    )
    d = one(confirmed, "Husets blanding 500 g")
    assert (d.step, d.unspsc, d.confidence) == ("confirmed", "50201706", 1.0)
    d = one(knowledge, "Varer iflg. følgeseddel", classification_code="50131701")
    assert d.step == "code" and d.unspsc == "50131701" and d.confidence >= HIGH
    d = one(knowledge, "Vare", classification_code="15511000-3", classification_scheme="CPV")
    assert d.step == "code" and d.unspsc.startswith("50")
    d = one(knowledge, "Letmælk 1 l", classification_code="50131701")
    assert d.product and d.product.startswith("food.")  # product from the keywords under a code
    d = one(knowledge, "Hakket oksekød 8-12 % 2 kg")
    assert d.step == "rule" and d.product and d.confidence >= HIGH
    d = one(knowledge, "Faktura jf. aftale", supplier_cvr="1", account="22.01")
    assert d.step in ("model", "account", "fallback")


def test_wrong_codes_give_a_low_result_with_a_reason(knowledge: Knowledge):
    d = one(knowledge, "Letmælk 1 l", classification_code="99999999")
    assert (d.confidence < MEDIUM and "findes ikke" in d.reason) or "gyldig" in d.reason
    d = one(knowledge, "Letmælk 1 l", classification_code="15511000")  # CPV as UNSPSC
    assert d.confidence < MEDIUM and "CPV" in d.reason
    assert d.unspsc.startswith("50")
    d = one(knowledge, "Letmælk 1 l", classification_code="ABC-123")
    assert d.confidence < MEDIUM and "ikke en gyldig" in d.reason


@pytest.mark.parametrize(
    "text",
    ["", "   ", "\x00\x01\x02\x03", "#### ---- ####", "x" * 10_000, "Папір A4 500 ark", "🍎🍎"],
)
def test_bad_texts_get_a_flagged_result(knowledge: Knowledge, text: str):
    d = one(knowledge, text)
    assert d.unspsc and len(d.unspsc) == 8
    assert 0.0 <= d.confidence <= 1.0 and d.reason
    if not normalise(text):
        assert d.confidence < MEDIUM and "ingen læsbar tekst" in d.reason


@given(st.lists(st.text(max_size=300), min_size=1, max_size=20))
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_the_cascade_never_fails(knowledge: Knowledge, texts: list[str]):
    decisions = classify_texts(knowledge, [{"description": t} for t in texts])
    assert len(decisions) == len(texts)
    for d in decisions:
        assert d.step in STEPS and 0.0 <= d.confidence <= 1.0
        assert d.unspsc and knowledge.taxonomy.known(d.unspsc)


def _lines(rows: list[dict[str, object]]) -> pa.Table:
    columns = {
        "line_key": pa.int64(),
        "supplier_cvr": pa.string(),
        "supplier_name": pa.string(),
        "description": pa.string(),
        "classification_code": pa.string(),
        "classification_scheme": pa.string(),
        "account": pa.string(),
        "item_number": pa.string(),
        "labels": pa.string(),
        "quantity": pa.float64(),
        "unit": pa.string(),
        "net_amount_dkk": pa.float64(),
    }
    return pa.table(
        {name: pa.array([r.get(name) for r in rows], kind) for name, kind in columns.items()}
    )


def test_measures_per_line(knowledge: Knowledge):
    rows = [
        {"line_key": 1, "description": "Gulerødder 10 kg ks", "quantity": 3.0, "unit": "CS"},
        {"line_key": 2, "description": "Letmælk 1 l", "quantity": 24.0, "unit": "H87"},
        {"line_key": 3, "description": "Smør 250 g", "quantity": 12.0, "unit": "KGM"},
        {"line_key": 4, "description": "Kaffe 8x500g", "quantity": 2.0, "unit": None},
        {"line_key": 5, "description": "Æg str. M", "quantity": 30.0, "unit": "H87"},
        {"line_key": 6, "description": "HP EliteBook 840", "quantity": 10.0, "unit": "EA"},
        {"line_key": 7, "description": "El, forbrug marts", "quantity": 1200.0, "unit": "KWH"},
        {"line_key": 8, "description": "Gulerødder 10 kg ks", "quantity": -1.0, "unit": "CS"},
    ]
    con = duckdb.connect()
    con.register("some_lines", _lines(rows))
    result = classify_table(con, "some_lines", knowledge)
    assert result.schema == RESULT_SCHEMA
    by_key = {r["line_key"]: r for r in result.to_pylist()}
    assert by_key[1]["kg"] == pytest.approx(30.0)
    assert by_key[2]["litre"] == pytest.approx(24.0) and by_key[2]["kg"] == pytest.approx(24.0)
    assert by_key[3]["kg"] == pytest.approx(12.0)  # the unit wins over the text
    assert by_key[4]["kg"] == pytest.approx(8.0)
    assert by_key[5]["kg"] is None and "kan ikke bestemmes" in by_key[5]["measure_note"]
    assert by_key[6]["pieces"] == 10.0
    assert by_key[6]["kg"] is not None and "anslået" in by_key[6]["measure_note"]
    assert by_key[7]["kwh"] == 1200.0
    assert by_key[8]["kg"] == pytest.approx(-10.0)  # a credit note is negative
    assert by_key[1]["group_key"] == by_key[8]["group_key"]


def test_a_rule_change_reclassifies_only_affected_lines(knowledge: Knowledge):
    rows = [
        {"line_key": i, "description": text, "supplier_cvr": "12345674", "quantity": 1.0}
        for i, text in enumerate(["Husets kaffe", "Letmælk 1 l", "Husets kaffe 2", "Rugbrød"])
    ]
    con = duckdb.connect()
    con.register("some_lines", _lines(rows))
    old = classify_table(con, "some_lines", knowledge)
    con.register("old", old)
    rule = Rule(("husets kaffe",), "50201706", "food.coffee", source="user", rule_id=1)
    rules = RuleSet([rule])
    condition = affected_condition(con, "some_lines", rules=rules)
    assert condition is not None
    assert con.execute(f"SELECT count(*) FROM some_lines WHERE {condition}").fetchone() == (2,)
    updated = Knowledge(
        taxonomy=knowledge.taxonomy,
        model=knowledge.model,
        rules=RuleSet([rule, *builtin_rules(knowledge.taxonomy)]),
    )
    merged, changed = reclassify(con, "some_lines", "old", updated, condition)
    by_key = {r["line_key"]: r for r in merged.to_pylist()}
    assert by_key[0]["product"] == by_key[2]["product"] == "food.coffee"
    assert by_key[0]["step"] == "rule"
    assert by_key[1] == {r["line_key"]: r for r in old.to_pylist()}[1]
    assert merged.num_rows == 4 and changed >= 1


def test_a_confirmation_cannot_make_a_service_organic(knowledge: Knowledge):
    confirmed = Knowledge(
        taxonomy=knowledge.taxonomy,
        model=knowledge.model,
        confirmed={
            (None, "kursus i økologisk madlavning"): Confirmed("86101700", None, ("organic",)),
            (None, "bio opvasketabs"): Confirmed("47131800", None, None),
        },
    )
    course, tabs = classify_texts(
        confirmed,
        [{"description": "Kursus i økologisk madlavning"}, {"description": "Bio opvasketabs"}],
    )
    assert course.step == "confirmed" and course.labels == []
    assert tabs.step == "confirmed" and tabs.labels == []


def test_a_partial_rerun_leans_on_the_same_supplier_profile(knowledge: Knowledge):
    rows = [
        {
            "line_key": i,
            "description": f"Letmælk {i} l",
            "supplier_cvr": "12345674",
            "classification_code": "50131701",
            "quantity": 1.0,
        }
        for i in range(1, 7)
    ]
    rows.append(
        {
            "line_key": 99,
            "description": "Div varer xyz",
            "supplier_cvr": "12345674",
            "quantity": 1.0,
        }
    )
    con = duckdb.connect()
    con.register("some_lines", _lines(rows))
    old = classify_table(con, "some_lines", knowledge)
    con.register("old", old)
    before = {r["line_key"]: r for r in old.to_pylist()}[99]
    assert before["step"] == "supplier" and before["family"] == "50130000"
    merged, _changed = reclassify(con, "some_lines", "old", knowledge, "line_key = 99")
    after = {r["line_key"]: r for r in merged.to_pylist()}[99]
    assert (after["step"], after["unspsc"]) == (before["step"], before["unspsc"])


def test_a_text_of_only_numbers_and_units_still_has_a_group(knowledge: Knowledge):
    from omlob.core.classify.cascade import text_key

    assert text_key("Letmælk 1 l") == text_key("LETMÆLK 6 x 1 L") == "letmælk"
    assert text_key("1 kg") == "1 kg"  # nothing else left: the whole text
    assert text_key("") == ""
    con = duckdb.connect()
    con.register(
        "some_lines",
        _lines([{"line_key": 1, "description": "1 kg", "supplier_cvr": "12345674"}]),
    )
    [row] = classify_table(con, "some_lines", knowledge).to_pylist()
    assert row["group_key"] == "12345674|1 kg"
