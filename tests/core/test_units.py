"""Units of measure: the curated Rec 20 table, Danish aliases, folding and conversions."""

from __future__ import annotations

import csv
import math
import re
from importlib import resources
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from omlob.core import units
from omlob.core.units import (
    BASE_UNITS,
    QUANTITY_KINDS,
    SHADOWED_CODES,
    UNITS,
    fold_unit,
    fold_unit_sql,
    normalise_unit,
    to_base,
    unit_alias_table,
    unit_table,
)

DATA = Path(__file__).parents[2].parent / "shared" / "data"
INVOICE_FOLDERS = (
    "oioubl-2.1-official-examples",
    "peppol-bis3-examples",
    "gobl-dk-oioubl-fixtures",
    "oioubl-2.02-scenario-examples",
    "en16931-ubl-examples",
)


def data_rows(filename: str) -> tuple[list[str], list[list[str]]]:
    """Comment lines and CSV rows (header first) of a packaged data file, read independently."""
    text = (resources.files("omlob") / "data" / filename).read_text(encoding="utf-8")
    lines = text.splitlines()
    comments = [line for line in lines if line.startswith("#")]
    rows = list(csv.reader(line for line in lines if line and not line.startswith("#")))
    return comments, rows


# --- the curated table -----------------------------------------------------------------


def test_rec20_file_cites_its_source_in_leading_comments() -> None:
    text = (resources.files("omlob") / "data" / "unece_rec20.csv").read_text(encoding="utf-8")
    head = text.splitlines()[0]
    comments, _ = data_rows("unece_rec20.csv")
    assert head.startswith("#")
    joined = " ".join(comments)
    assert "Recommendation No. 20" in joined
    assert "Recommendation No. 21" in joined
    assert "free use" in joined


def test_rec20_codes_are_unique_and_rows_consistent() -> None:
    _, rows = data_rows("unece_rec20.csv")
    header, body = rows[0], rows[1:]
    assert header == ["code", "name_en", "name_da", "quantity_kind", "base_unit", "factor"]
    codes = [row[0] for row in body]
    assert len(codes) == len(set(codes))
    assert len(codes) >= 250
    for code, name_en, name_da, kind, base, factor in body:
        assert re.fullmatch(r"[0-9A-Z]{1,3}", code), code
        assert name_en and name_da, code
        assert kind in QUANTITY_KINDS, code
        if base:
            assert base == BASE_UNITS[kind], code
            assert float(factor) > 0 and math.isfinite(float(factor)), code
        else:
            assert factor == "", code
    assert set(UNITS) == set(codes)


def test_unit_codes_seen_in_real_invoices_are_in_the_table() -> None:
    seen = {"EA", "C62", "DAY", "MON", "ANN", "KWH", "KW", "MTR", "LTR", "BO", "CS", "BLL"}
    seen |= {"GRM", "NAR", "P1", "H87", "HUR", "KGM", "MTK", "TNE", "XBX", "XPP", "SET"}
    assert seen <= set(UNITS)


def test_kw_and_gj_keep_their_rec20_meaning_in_the_table() -> None:
    # KW is kilogram per millimetre in Rec 20; kilowatt is KWT and gigajoule is GV.
    assert UNITS["KW"].name_en == "kilogram per millimetre"
    assert UNITS["KWT"].name_en == "kilowatt"
    assert UNITS["GV"].name_en == "gigajoule"
    assert "GJ" not in UNITS


def test_units_are_loaded_once() -> None:
    assert units._load_units() is units._load_units()
    assert UNITS is units._load_units()


# --- conversions -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("quantity", "code", "expected", "base"),
    [
        (1500, "GRM", 1.5, "kg"),
        (2, "KGM", 2, "kg"),
        (3, "TNE", 3000, "kg"),
        (250, "MGM", 0.00025, "kg"),
        (1, "LBR", 0.45359237, "kg"),
        (2, "LTR", 2, "l"),
        (330, "MLT", 0.33, "l"),
        (75, "CLT", 0.75, "l"),
        (1.5, "MTQ", 1500, "l"),
        (1, "BLL", 158.987294928, "l"),
        (12, "H87", 12, "stk"),
        (12, "C62", 12, "stk"),
        (12, "EA", 12, "stk"),
        (5, "NAR", 5, "stk"),
        (2, "DZN", 24, "stk"),
        (3, "PR", 6, "stk"),
        (1200, "KWH", 1200, "kWh"),
        (2.5, "MWH", 2500, "kWh"),
        (1, "GV", 277.7777777777778, "kWh"),
        (3.6, "3B", 1, "kWh"),
        (500, "WHR", 0.5, "kWh"),
        (1250, "MTR", 1.25, "km"),
        (42, "KMT", 42, "km"),
        (100, "CMT", 0.001, "km"),
        (20, "MTK", 20, "m2"),
        (2, "HAR", 20000, "m2"),
        (7.5, "HUR", 7.5, "h"),
        (2, "DAY", 48, "h"),
        (1, "WEE", 168, "h"),
        (90, "MIN", 1.5, "h"),
        (1, "MON", 730.5, "h"),
        (1, "ANN", 8766, "h"),
        (11, "KWT", 11, "kW"),
        (-500, "GRM", -0.5, "kg"),  # credit notes carry negative quantities
    ],
)
def test_to_base_converts_known_units(
    quantity: float, code: str, expected: float, base: str
) -> None:
    converted = to_base(quantity, code)
    assert converted is not None
    assert converted[0] == pytest.approx(expected, rel=1e-12)
    assert converted[1] == base


@pytest.mark.parametrize("code", ["CS", "BO", "XBX", "SET", "P1", "ZZ", "KW", "LPA", "XYZ", "kgm"])
def test_to_base_returns_none_without_a_fixed_conversion(code: str) -> None:
    assert to_base(1, code) is None


def test_mass_units_agree_with_each_other() -> None:
    """Independent cross-check: 1 t = 1000 kg = 10⁶ g = 10⁹ mg, 1 lb = 16 oz."""
    kg = {code: to_base(1, code) for code in ("TNE", "KGM", "GRM", "MGM", "LBR", "ONZ")}
    assert kg["TNE"] == (1000, "kg")
    assert kg["GRM"] is not None and kg["GRM"][0] * 1_000_000 == pytest.approx(1000)
    assert kg["MGM"] is not None and kg["MGM"][0] * 1e9 == pytest.approx(1000)
    assert kg["LBR"] is not None and kg["ONZ"] is not None
    assert kg["ONZ"][0] * 16 == pytest.approx(kg["LBR"][0])


# --- normalise_unit ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("KGM", "KGM"),
        ("kgm", "KGM"),
        ("C62", "C62"),
        ("c62", "C62"),
        ("EA", "EA"),
        ("ea", "EA"),
        ("XBX", "XBX"),
        ("xbx", "XBX"),
        ("BO", "BO"),
        ("Stk.", "H87"),
        ("stk", "H87"),
        ("STK", "H87"),
        (" styk ", "H87"),
        ("pcs", "H87"),
        ("kg", "KGM"),
        ("KG", "KGM"),
        ("Kilo", "KGM"),
        ("g", "GRM"),
        ("gr.", "GRM"),
        ("l", "LTR"),
        ("L", "LTR"),
        ("Ltr.", "LTR"),
        ("liter", "LTR"),
        ("ml", "MLT"),
        ("m", "MTR"),
        ("km", "KMT"),
        ("m2", "MTK"),
        ("M²", "MTK"),
        ("kvm", "MTK"),
        ("m³", "MTQ"),
        ("t", "TNE"),
        ("ton", "TNE"),
        ("kWh", "KWH"),
        ("MWh", "MWH"),
        ("GJ", "GV"),
        ("kW", "KWT"),
        ("KW", "KWT"),
        ("time", "HUR"),
        ("Timer", "HUR"),
        ("dag", "DAY"),
        ("Md.", "MON"),
        ("mdr.", "MON"),
        ("måned", "MON"),
        ("år", "ANN"),
        ("ÅR", "ANN"),
        ("ks", "CS"),
        ("Kasse", "CS"),
        ("kolli", "PK"),
        ("pk.", "PK"),
        ("fl.", "BO"),
        ("flaske", "BO"),
        ("ds", "CA"),
        ("dåse", "CA"),
        ("bk", "PU"),
        ("sæk", "SA"),
        ("rl", "RO"),
        ("sæt", "SET"),
        ("par", "PR"),
        ("ps", "BG"),
        ("spand", "BJ"),
        ("tube", "TU"),
        ("tønde", "BA"),
        ("palle", "PX"),
        ("%", "P1"),
        ("stk\u00a0", "H87"),
        ("s t k .", "H87"),
    ],
)
def test_normalise_unit_reads_codes_and_danish_words(text: str, code: str) -> None:
    assert normalise_unit(text) == code


@pytest.mark.parametrize("text", [None, "", "   ", ".", "..", "\t", "furlongs", "stykker og", "?"])
def test_normalise_unit_returns_none_for_blank_or_unknown(text: str | None) -> None:
    assert normalise_unit(text) is None


def test_unit_codes_in_real_e_invoices_resolve_to_themselves() -> None:
    files = [
        path
        for folder in INVOICE_FOLDERS
        if (DATA / folder).is_dir()
        for path in sorted((DATA / folder).glob("*.xml"))
    ]
    if not files:
        pytest.skip(f"no e-invoice examples under {DATA}")
    codes = {
        code
        for path in files
        for code in re.findall(r'unitCode="([^"]*)"', path.read_text(encoding="utf-8"))
    }
    assert codes >= {"EA", "C62", "KWH", "BO", "CS", "BLL"}
    for code in codes:
        assert normalise_unit(code) == code, code


def test_every_code_resolves_to_itself_unless_deliberately_shadowed() -> None:
    shadowed = {code for code in UNITS if normalise_unit(code) != code}
    assert shadowed == SHADOWED_CODES == {"KW"}


BRIEF_WORDS = (
    "stk stk. styk st pcs pc ea each kg kilo g gr gram l ltr liter litre ml cl dl m meter "
    "km m2 m² kvm kwh mwh t time timer hour dag dage md mdr måned år ks kasse kolli pk "
    "pakke pak fl flaske ds dåse bk bakke sæk rl rulle sæt par ps pose spand tube tønde "
    "palle ton"
)


def test_every_brief_listed_unit_word_is_understood() -> None:
    words = BRIEF_WORDS.split()
    unknown = [word for word in words if normalise_unit(word) is None]
    assert unknown == []


def test_alias_file_is_folded_unique_and_points_to_known_codes() -> None:
    comments, rows = data_rows("unit_aliases.csv")
    assert comments
    assert rows[0] == ["alias", "code"]
    aliases = [alias for alias, _ in rows[1:]]
    assert len(aliases) == len(set(aliases))
    for alias, code in rows[1:]:
        assert fold_unit(alias) == alias
        assert code in UNITS


# --- the alias table for SQL -----------------------------------------------------------


def test_unit_alias_table_has_every_folded_code_and_every_alias() -> None:
    table = unit_alias_table()
    assert table.schema == pa.schema([("alias", pa.string()), ("code", pa.string())])
    mapping = dict(zip(table["alias"].to_pylist(), table["code"].to_pylist(), strict=True))
    assert len(mapping) == table.num_rows
    assert table["alias"].to_pylist() == sorted(mapping)
    for code in UNITS:
        if code not in SHADOWED_CODES:
            assert mapping[fold_unit(code)] == code
    _, rows = data_rows("unit_aliases.csv")
    for alias, code in rows[1:]:
        assert mapping[alias] == code
    assert mapping["kw"] == "KWT"
    assert set(mapping.values()) <= set(UNITS)


def test_unit_table_matches_units() -> None:
    table = unit_table()
    assert table.num_rows == len(UNITS)
    rows = table.to_pylist()
    for row in rows:
        info = UNITS[row["code"]]
        assert (row["quantity_kind"], row["base_unit"], row["factor"]) == (
            info.quantity_kind,
            info.base_unit,
            info.factor,
        )


def test_sql_join_gives_the_same_codes_as_normalise_unit() -> None:
    texts = ["Stk.", "KGM", "kgm", " m² ", "KW", "ks", "XBX", "furlongs", "", "Md.", "t"]
    aliases = unit_alias_table()
    lines = pa.table({"unit": pa.array(texts, pa.string())})
    con = duckdb.connect()
    con.register("aliases", aliases)
    con.register("lines", lines)
    # The folding expression is a constant from the module, not user input.
    query = "SELECT l.unit, a.code FROM lines l LEFT JOIN aliases a ON {fold} = a.alias"
    result = con.execute(query.format(fold=fold_unit_sql("l.unit"))).fetchall()
    assert dict(result) == {text: normalise_unit(text) for text in texts}


UNIT_TEXT = st.text(
    alphabet=st.sampled_from(
        [
            *"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789æøåÆØÅ²³%.,-/ ",
            *"\t\n\r\f\v\u00a0\u2009\u202fµé",
        ]
    ),
    max_size=12,
)


@settings(max_examples=200, deadline=None)
@given(st.lists(UNIT_TEXT, min_size=1, max_size=20))
def test_duckdb_folds_exactly_like_fold_unit(texts: list[str]) -> None:
    con = duckdb.connect()
    con.register("t", pa.table({"x": pa.array(texts, pa.string())}))
    query = "SELECT {fold} FROM t".format(fold=fold_unit_sql("x"))
    folded = [row[0] for row in con.execute(query).fetchall()]
    assert folded == [fold_unit(text) for text in texts]


# --- properties ------------------------------------------------------------------------


@settings(max_examples=500)
@given(st.one_of(st.none(), st.text(), UNIT_TEXT))
def test_normalise_unit_never_raises_and_returns_a_known_code(text: str | None) -> None:
    code = normalise_unit(text)
    assert code is None or code in UNITS


@settings(max_examples=500)
@given(st.one_of(st.text(), UNIT_TEXT))
def test_fold_unit_is_idempotent(text: str) -> None:
    once = fold_unit(text)
    assert fold_unit(once) == once
    assert " " not in once and "." not in once


@settings(max_examples=200)
@given(st.sampled_from(sorted(UNITS)), st.sampled_from(["", " ", ".", "\u00a0"]))
def test_codes_resolve_in_any_case_and_with_stray_dots(code: str, noise: str) -> None:
    expected = normalise_unit(code)
    assert normalise_unit(noise + code.lower() + noise) == expected
    assert normalise_unit(code.lower().capitalize()) == expected
