"""parse_structure: a realistic municipality, every error case, and random trees/cycles."""

from __future__ import annotations

import itertools
import random
from collections.abc import Mapping

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from omlob.core.codes import make_gln
from omlob.core.orgstructure import (
    COLUMN_SYNONYMS,
    EXPECTED_HEADERS,
    KINDS,
    RowError,
    StructurePlan,
    parse_structure,
    resolve_kind,
)
from omlob.core.tabular import Table, normalise_header, read_table

E1, E2, E3, E4, E5 = (make_gln(f"5798000{n:05d}") for n in range(1, 6))
HEADER = "Enhedskode;Navn;Type;Overordnet;EAN-nr.;Omkostningssted"


def plan_from(
    lines: list[str],
    *,
    existing_codes: Mapping[str, str | None] | None = None,
    existing_eans: Mapping[str, str] | None = None,
    existing_cost_centres: Mapping[str, str] | None = None,
) -> StructurePlan:
    """Read semicolon CSV lines through read_table (so row numbers are real) and parse."""
    data = ("\r\n".join(lines) + "\r\n").encode("utf-8")
    table = read_table(data, "struktur.csv", expected_headers=EXPECTED_HEADERS)
    return parse_structure(
        table,
        existing_codes=existing_codes or {},
        existing_eans=existing_eans or {},
        existing_cost_centres=existing_cost_centres or {},
    )


def only_error(plan: StructurePlan) -> RowError:
    """The single error of a plan, failing loudly with all errors otherwise."""
    assert len(plan.errors) == 1, [str(error) for error in plan.errors]
    return plan.errors[0]


# --- the happy path ------------------------------------------------------------------


REALISTIC = [
    "Organisationsstruktur Demo Kommune;;;;;",
    ";;;;;",
    HEADER,
    f'SKO-SOL;Solskolen;Skole;OMR-NORD;"{E1}, {E2}";4711/4712',
    "OMR-NORD;Område Nord;Område;BU;;",
    "BU;Børn og Unge;Forvaltning;;;4700",
    f"KØK-CEN;Centralkøkkenet;Produktionskøkken;SOS;{E3};",
    "SOS;Social og Sundhed;forvaltning;;;",
    f'PLC-ÅS;Plejecenter Åsen;Plejehjem;SOS;"{E4}\n{E5}";4801 4802',
    "BH-MÅ;Børnehaven Mågen;Børnehave;OMR-NORD;;",
    "ADM;Rådhuset;administration;;;",
    "EKS;Eksisterende barn;;FINDES;;",
]
EXISTING: dict[str, Mapping[str, str | None]] = {
    "existing_codes": {"FINDES": None, "GAMMEL": "BU"},
    "existing_eans": {E1: "SKO-SOL"},
    "existing_cost_centres": {"4700": "GAMMEL"},
}


def test_realistic_structure_parses_parents_first() -> None:
    # Cost centre 4700 moves from GAMMEL to BU, which is fine because GAMMEL is in the
    # file too (without it); E1 already belongs to SKO-SOL.
    plan = plan_from([*REALISTIC, "GAMMEL;Gammel enhed;;;;"], **EXISTING)  # type: ignore[arg-type]
    assert plan.ok, [str(error) for error in plan.errors]
    order = [unit.code for unit in plan.units]
    expected = ["SKO-SOL", "OMR-NORD", "BU", "KØK-CEN", "SOS", "PLC-ÅS", "BH-MÅ", "ADM", "EKS"]
    assert sorted(order) == sorted([*expected, "GAMMEL"])
    position = {code: index for index, code in enumerate(order)}
    for unit in plan.units:
        if unit.parent_code in position:
            assert position[unit.parent_code] < position[unit.code]
    assert order[:3] == ["BU", "OMR-NORD", "SKO-SOL"]
    units = {unit.code: unit for unit in plan.units}
    assert units["SKO-SOL"].kind == "school"
    assert units["SKO-SOL"].eans == (E1, E2)
    assert units["SKO-SOL"].cost_centres == ("4711", "4712")
    assert units["SKO-SOL"].row == 4
    assert units["OMR-NORD"].kind == "omraade"
    assert units["KØK-CEN"].kind == "kitchen"
    assert units["PLC-ÅS"].kind == "care_home"
    assert units["PLC-ÅS"].eans == (E4, E5)
    assert units["PLC-ÅS"].cost_centres == ("4801", "4802")
    assert units["BH-MÅ"].kind == "daycare"
    assert units["BH-MÅ"].row == 10  # the two-line EAN cell above is still one row
    assert units["ADM"].kind == "office"
    assert units["EKS"].kind == "institution"  # default with a parent
    assert units["BU"].kind == "forvaltning"
    assert units["GAMMEL"].kind == "forvaltning"  # default without a parent
    assert units["BU"].parent_code is None
    assert plan.columns["eans"] == "EAN-nr."


def test_realistic_structure_without_the_old_owner() -> None:
    plan = plan_from(REALISTIC, **EXISTING)  # type: ignore[arg-type]
    error = only_error(plan)
    assert (error.row, error.column, error.value) == (6, "Omkostningssted", "4700")
    assert "tilhører allerede enheden 'GAMMEL'" in error.message


def test_english_headers_and_minimal_columns() -> None:
    table = Table(
        header=["Unit code", "Name", "Parent code", "Cost center", "Notes"],
        rows=[["C", "Child", "P", "1", "x"], ["P", "Parent", "", "2", ""]],
        header_row=1,
    )
    plan = parse_structure(table)
    assert plan.ok
    assert [unit.code for unit in plan.units] == ["P", "C"]
    assert plan.units[1].row == 2
    assert plan.columns == {
        "code": "Unit code",
        "name": "Name",
        "parent_code": "Parent code",
        "cost_centres": "Cost center",
    }


def test_every_synonym_is_recognised_and_expected() -> None:
    keys = [normalise_header(name) for name in EXPECTED_HEADERS]
    assert len(keys) == len(set(keys)), "a header name must not belong to two fields"
    for field_name, names in COLUMN_SYNONYMS.items():
        for name in names:
            other = "Navn" if field_name == "code" else "Kode"
            table = Table(header=[name, other], rows=[["A", "B"]], header_row=1)
            assert field_name in parse_structure(table).columns


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Skole", "school"),
        ("school", "school"),
        ("SKOLE", "school"),
        ("Plejecenter", "care_home"),
        ("care_home", "care_home"),
        ("Care home", "care_home"),
        ("Daginstitution", "daycare"),
        ("Børnehave", "daycare"),
        ("Boernehave", "daycare"),
        ("Storkøkken", "kitchen"),
        ("Produktionskøkken", "kitchen"),
        ("Køkken", "kitchen"),
        ("Område", "omraade"),
        ("omraade", "omraade"),
        ("Forvaltning", "forvaltning"),
        ("Institution", "institution"),
        ("Administration", "office"),
        ("Andet", "other"),
        ("Rumskib", None),
        ("", None),
    ],
)
def test_resolve_kind(text: str, kind: str | None) -> None:
    assert resolve_kind(text) == kind


def test_all_kinds_resolve_by_code_and_label() -> None:
    for code, label in KINDS.items():
        assert resolve_kind(code) == code
        assert resolve_kind(label) == code
        assert resolve_kind(label.upper()) == code


# --- error cases, one at a time ------------------------------------------------------


def test_missing_required_columns() -> None:
    table = Table(header=["Enhed", "Type", "Bemærkning"], rows=[["A", "Skole", ""]], header_row=1)
    plan = parse_structure(table)
    error = only_error(plan)
    assert (error.row, error.column, error.value) == (None, None, None)
    assert "mangler kolonnen 'Enhedskode'" in error.message
    assert "Fundne kolonner: 'Enhed', 'Type', 'Bemærkning'" in error.message
    assert "Kode" in error.message
    assert plan.units == []
    assert not plan.ok


def test_both_required_columns_missing() -> None:
    plan = parse_structure(Table(header=["x", "y"], rows=[["1", "2"]], header_row=1))
    assert "kolonnerne 'Enhedskode', 'Navn'" in only_error(plan).message


def test_two_columns_for_one_field() -> None:
    table = Table(header=["Kode", "Navn", "ID"], rows=[["A", "B", "C"]], header_row=1)
    error = only_error(parse_structure(table))
    assert (error.row, error.column) == (None, "ID")
    assert "'Kode' og 'ID'" in error.message


def test_no_rows() -> None:
    plan = plan_from(["Titel", HEADER])
    error = only_error(plan)
    assert error.row is None
    assert "ingen enheder" in error.message
    assert "række 2" in error.message


def test_empty_code() -> None:
    plan = plan_from([HEADER, "BU;Børn og Unge;;;;", ";Skolen;;BU;;"])
    error = only_error(plan)
    assert (error.row, error.column, error.value) == (3, "Enhedskode", None)
    assert error.message.startswith("Enhedskoden mangler for 'Skolen'")
    assert [unit.code for unit in plan.units] == ["BU"]


def test_empty_name() -> None:
    error = only_error(plan_from([HEADER, "BU;Børn og Unge;;;;", "SKO;;;BU;;"]))
    assert (error.row, error.column, error.value) == (3, "Navn", None)
    assert error.message == "Navnet mangler for enheden 'SKO'."


def test_too_long_code_and_name() -> None:
    plan = plan_from(
        [HEADER, f"{'K' * 65};A;;;;", f"OK;{'n' * 201};;;;", f"{'K' * 64};{'n' * 200};;;;"]
    )
    assert [(error.row, error.column) for error in plan.errors] == [(2, "Enhedskode"), (3, "Navn")]
    assert "65 tegn, højst 64" in plan.errors[0].message
    assert "201 tegn, højst 200" in plan.errors[1].message


def test_duplicate_code_names_both_rows() -> None:
    plan = plan_from(
        [HEADER, "BU;Børn og Unge;;;;", "SKO;Skolen;;BU;;", "x;y;;;;", "SKO;Skole 2;;BU;;"]
    )
    error = only_error(plan)
    assert (error.row, error.column, error.value) == (5, "Enhedskode", "SKO")
    assert "række 3 og række 5" in error.message
    assert [unit.name for unit in plan.units if unit.code == "SKO"] == ["Skolen"]


def test_same_ean_on_two_units() -> None:
    error = only_error(plan_from([HEADER, f"A;A;;;{E1};", f"B;B;;;{E2} {E1};"]))
    assert (error.row, error.column, error.value) == (3, "EAN-nr.", E1)
    assert f"EAN-nummeret {E1} står både på række 2 (enhed 'A') og række 3 (enhed 'B')" in (
        error.message
    )


def test_same_ean_twice_on_one_unit_is_merged() -> None:
    plan = plan_from([HEADER, f"A;A;;;{E1}; {E1};"])
    assert plan.ok
    assert plan.units[0].eans == (E1,)


def test_same_cost_centre_on_two_units() -> None:
    error = only_error(plan_from([HEADER, "A;A;;;;4711", "B;B;;;;4712;", "C;C;;;;4713,4711"]))
    assert (error.row, error.column, error.value) == (4, "Omkostningssted", "4711")
    assert "række 2 (enhed 'A') og række 4 (enhed 'C')" in error.message


def test_invalid_ean_in_multi_value_cell() -> None:
    plan = plan_from([HEADER, f'A;A;;;"{E1}; 5798000000002 / {E2}";'])
    error = only_error(plan)
    assert (error.row, error.column, error.value) == (2, "EAN-nr.", "5798000000002")
    assert error.message == "EAN-nummeret 5798000000002 har forkert kontrolciffer (forventet 1)"
    assert plan.units[0].eans == (E1, E2)


def test_ean_in_scientific_notation() -> None:
    error = only_error(plan_from([HEADER, 'A;A;;;"5,798E+12";']))
    assert error.value == "5,798E+12"
    assert "videnskabelig notation" in error.message


def test_ean_with_spaces_is_one_number() -> None:
    plan = plan_from([HEADER, "A;A;;;5798 0000 0000 1;"])
    assert plan.ok
    assert plan.units[0].eans == ("5798000000001",)


def test_ean_owned_by_another_unit_in_database() -> None:
    lines = [HEADER, f"A;A;;;{E1};"]
    error = only_error(plan_from(lines, existing_eans={E1: "Z"}))
    assert (error.row, error.column, error.value) == (2, "EAN-nr.", E1)
    assert f"EAN-nummeret {E1} tilhører allerede enheden 'Z'" in error.message
    # Owned by the same unit, or by a unit the file redefines without it: fine.
    assert plan_from(lines, existing_eans={E1: "A"}).ok
    assert plan_from([*lines, "Z;Z;;;;"], existing_eans={E1: "Z"}).ok


def test_cost_centre_owned_by_another_unit_in_database() -> None:
    lines = [HEADER, "A;A;;;;4711"]
    error = only_error(plan_from(lines, existing_cost_centres={"4711": "Z"}))
    assert (error.row, error.column, error.value) == (2, "Omkostningssted", "4711")
    assert "Omkostningsstedet 4711 tilhører allerede enheden 'Z'" in error.message
    assert plan_from([*lines, "Z;Z;;;;"], existing_cost_centres={"4711": "Z"}).ok


def test_unknown_parent() -> None:
    plan = plan_from([HEADER, "A;A;;;;", "B;B;;MANGLER;;"])
    error = only_error(plan)
    assert (error.row, error.column, error.value) == (3, "Overordnet", "MANGLER")
    assert error.message.startswith("Den overordnede enhed 'MANGLER' findes hverken i filen")
    assert plan_from([HEADER, "B;B;;MANGLER;;"], existing_codes={"MANGLER": None}).ok


def test_unknown_parent_suggests_case_variant() -> None:
    error = only_error(plan_from([HEADER, "BU;A;;;;", "B;B;;bu;;"]))
    assert "Mente du 'BU'?" in error.message


def test_unit_is_its_own_parent() -> None:
    error = only_error(plan_from([HEADER, "A;A;;A;;"]))
    assert (error.row, error.column, error.value) == (2, "Overordnet", "A")
    assert error.message == "Enheden 'A' kan ikke være sin egen overordnede enhed."


def test_unknown_kind_lists_allowed_values() -> None:
    error = only_error(plan_from([HEADER, "A;A;Rumskib;;;"]))
    assert (error.row, error.column, error.value) == (2, "Type", "Rumskib")
    assert error.message.startswith("Ukendt enhedstype 'Rumskib'. Tilladte typer er: ")
    for label in KINDS.values():
        assert label in error.message


def test_cycle_in_file_reports_every_row_once() -> None:
    plan = plan_from(
        [
            "Struktur",
            HEADER,
            "A;A;;B;;",  # row 3
            "ROOT;Rod;;;;",
            "B;B;;C;;",  # row 5
            "LEAF;Blad;;A;;",
            "C;C;;A;;",  # row 7
        ]
    )
    error = only_error(plan)
    assert error.message == "Cyklus i overordnede enheder: A → B → C → A (række 3, 5, 7)"
    assert (error.row, error.column) == (3, "Overordnet")
    assert sorted(unit.code for unit in plan.units) == ["A", "B", "C", "LEAF", "ROOT"]


def test_cycle_through_the_database() -> None:
    # X is already under A in the database; the file puts A under X.
    plan = plan_from([HEADER, "A;A;;X;;"], existing_codes={"X": "A"})
    assert only_error(plan).message == "Cyklus i overordnede enheder: A → X → A (række 2)"
    # The file overrides the database: moving X out of A in the same file is fine.
    assert plan_from([HEADER, "A;A;;X;;", "X;X;;;;"], existing_codes={"X": "A"}).ok


def test_errors_do_not_raise_and_are_sorted_by_row() -> None:
    plan = plan_from(
        [HEADER, "A;;Rumskib;A;123;", ";;;;;x", "B;B;;A;;", "B;B;;;;"],
    )
    rows = [error.row for error in plan.errors]
    assert rows == sorted(rows)
    assert len(plan.errors) == 7
    assert str(plan.errors[0]).startswith("Række 2, kolonne 'Navn': ")


# --- properties ----------------------------------------------------------------------

CODES = st.lists(
    st.from_regex(r"[A-Z][A-Z0-9]{0,5}", fullmatch=True), min_size=1, max_size=25, unique=True
)


@st.composite
def trees(draw: st.DrawFn) -> tuple[list[str], dict[str, str | None]]:
    """Codes with random parent links that always point to an earlier code (a forest)."""
    codes = draw(CODES)
    parents: dict[str, str | None] = {}
    for index, code in enumerate(codes):
        choice = draw(st.integers(min_value=-1, max_value=index - 1))
        parents[code] = codes[choice] if choice >= 0 else None
    return codes, parents


def table_of(codes: list[str], parents: Mapping[str, str | None]) -> Table:
    """A hand-built table with the given rows in the given order."""
    return Table(
        header=["Kode", "Navn", "Overordnet"],
        rows=[[code, f"Enhed {code}", parents[code] or ""] for code in codes],
        header_row=1,
    )


@settings(max_examples=150, deadline=None)
@given(trees(), st.randoms(use_true_random=False))
def test_random_trees_come_out_parents_first(
    tree: tuple[list[str], dict[str, str | None]], rnd: random.Random
) -> None:
    codes, parents = tree
    shuffled = list(codes)
    rnd.shuffle(shuffled)
    plan = parse_structure(table_of(shuffled, parents))
    assert plan.ok, [str(error) for error in plan.errors]
    order = [unit.code for unit in plan.units]
    assert sorted(order) == sorted(codes)
    position = {code: index for index, code in enumerate(order)}
    for unit in plan.units:
        assert unit.parent_code == parents[unit.code]
        assert unit.row == shuffled.index(unit.code) + 2
        if unit.parent_code is not None:
            assert position[unit.parent_code] < position[unit.code]


@settings(max_examples=150, deadline=None)
@given(trees(), st.data())
def test_injected_cycle_is_always_reported(
    tree: tuple[list[str], dict[str, str | None]], data: st.DataObject
) -> None:
    codes, parents = tree
    if len(codes) < 2:
        codes = [*codes, "ZZ" if codes[0] != "ZZ" else "YY"]
        parents[codes[-1]] = None
    members = data.draw(
        st.lists(st.sampled_from(codes), min_size=2, max_size=min(6, len(codes)), unique=True)
    )
    for index, code in enumerate(members):
        parents[code] = members[(index + 1) % len(members)]
    order = data.draw(st.permutations(codes))
    plan = parse_structure(table_of(order, parents))
    assert len(plan.errors) == 1, [str(error) for error in plan.errors]
    message = plan.errors[0].message
    assert message.startswith("Cyklus i overordnede enheder: ")
    chain = message.removeprefix("Cyklus i overordnede enheder: ").split(" (række ")[0]
    links = chain.split(" → ")
    assert links[0] == links[-1]
    assert sorted(links[:-1]) == sorted(members)
    for child, parent in itertools.pairwise(links):
        assert parents[child] == parent
    rows = sorted(order.index(code) + 2 for code in members)
    assert message.endswith(f"(række {', '.join(map(str, rows))})")
    assert plan.errors[0].row == rows[0]
    assert sorted(unit.code for unit in plan.units) == sorted(codes)
