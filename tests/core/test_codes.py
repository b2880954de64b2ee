"""EAN/GLN and CVR check digits: known numbers, malformed input and properties."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from omlob.core.codes import (
    CodeError,
    gs1_check_digit,
    is_valid_cvr,
    is_valid_gln,
    make_cvr,
    make_gln,
    normalise_cvr,
    normalise_gln,
)

DIGITS = st.text(alphabet="0123456789", min_size=12, max_size=12)


def reference_gs1(body: str) -> int:
    """Independent GS1 computation: weights 1,3,1,3,... from the left for 12 digits."""
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body))
    return -total % 10


def reference_cvr_ok(value: str) -> bool:
    """Independent CVR modulus-11 check."""
    weights = [2, 7, 6, 5, 4, 3, 2, 1]
    return (
        value[0] != "0" and sum(int(d) * w for d, w in zip(value, weights, strict=True)) % 11 == 0
    )


# --- GLN / EAN -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "gln",
    [
        "5798000416604",  # 5+21+9+24+0+0+0+12+1+18+6+0 = 96 -> check 4
        "5798000000001",  # 5+21+9+24 = 59 -> check 1
        "5790000000012",  # 5+21+9+3 = 38 -> check 2
        "4006381333931",  # the EAN-13 example used by Wikipedia
        "5901234123457",  # GS1's own example
    ],
)
def test_known_valid_glns(gln: str) -> None:
    assert reference_gs1(gln[:12]) == int(gln[12])
    assert is_valid_gln(gln)
    assert normalise_gln(gln) == gln
    assert make_gln(gln[:12]) == gln


def test_5790000000013_is_not_valid() -> None:
    # Often quoted as an example, but 5+21+9+3 = 38 gives check digit 2, not 3.
    assert not is_valid_gln("5790000000013")
    with pytest.raises(CodeError, match=r"forkert kontrolciffer \(forventet 2\)"):
        normalise_gln("5790000000013")


def test_check_digit_messages_are_danish_and_exact() -> None:
    with pytest.raises(CodeError) as info:
        normalise_gln("5798000000002")
    assert str(info.value) == "EAN-nummeret 5798000000002 har forkert kontrolciffer (forventet 1)"
    with pytest.raises(CodeError) as info:
        normalise_gln("579800000000")
    assert str(info.value) == "EAN-nummeret skal have 13 cifre, fik 12"


@pytest.mark.parametrize(
    "value",
    [
        5798000000001,
        5798000000001.0,
        "5798000000001",
        " 5798000000001 ",
        "5798 0000 0000 1",
        "5798-000000001",
        "5798\u00a0000000001",
        "5798000000001.0",
    ],
)
def test_normalise_gln_accepts_spreadsheet_shapes(value: object) -> None:
    assert normalise_gln(value) == "5798000000001"


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("5,798E+12", "videnskabelig notation"),
        ("5.798e12", "videnskabelig notation"),
        ("5798000000001.5", "kun indeholde cifre"),
        (5798000000001.5, "helt tal"),
        (float("nan"), "helt tal"),
        (-5798000000001, "negativt"),
        ("", "tomt"),
        ("   ", "tomt"),
        (None, "mangler"),
        (True, "mangler"),
        ("579800000000A", "kun indeholde cifre"),
        ("５７９８０００００００００１", "kun indeholde cifre"),  # full-width digits
        ("57980000000011", "13 cifre, fik 14"),
        (["5798000000001"], "tekst eller et tal"),
    ],
)
def test_normalise_gln_rejects(value: object, fragment: str) -> None:
    with pytest.raises(CodeError, match=fragment) as info:
        normalise_gln(value)
    assert isinstance(info.value, ValueError)


def test_make_gln_rejects_wrong_length() -> None:
    with pytest.raises(ValueError):
        make_gln("57980000")
    with pytest.raises(ValueError):
        gs1_check_digit("57980000000a")


@settings(max_examples=200)
@given(DIGITS)
def test_make_gln_is_valid_and_every_single_digit_error_is_caught(body: str) -> None:
    gln = make_gln(body)
    assert is_valid_gln(gln)
    assert gs1_check_digit(body) == reference_gs1(body)
    if gln[0] != "0":  # as a number a leading zero is simply gone
        assert normalise_gln(int(gln)) == gln
        assert normalise_gln(float(gln)) == gln
    for position in range(13):
        for digit in "0123456789":
            if digit == gln[position]:
                continue
            mutated = gln[:position] + digit + gln[position + 1 :]
            assert not is_valid_gln(mutated)


@settings(max_examples=100)
@given(DIGITS, st.lists(st.sampled_from([" ", "-"]), min_size=12, max_size=12))
def test_normalise_gln_ignores_separators(body: str, separators: list[str]) -> None:
    gln = make_gln(body)
    spaced = "".join(d + s for d, s in zip(gln, separators, strict=False)) + gln[12]
    assert normalise_gln(spaced) == gln


# --- CVR -----------------------------------------------------------------------------


@pytest.mark.parametrize("cvr", ["29403473", "24256790", "10103940"])
def test_known_valid_cvrs(cvr: str) -> None:
    assert reference_cvr_ok(cvr)
    assert is_valid_cvr(cvr)
    assert make_cvr(cvr[:7]) == cvr


@pytest.mark.parametrize(
    "value", ["DK29403473", "dk 29403473", "DK-29403473", "29 40 34 73", 29403473, " 29403473 "]
)
def test_normalise_cvr_accepts_common_forms(value: object) -> None:
    assert normalise_cvr(value) == "29403473"


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("29403474", "modulus 11"),
        ("2940347", "8 cifre, fik 7"),
        ("09403473", "begynde med 0"),
        ("DK", "tomt"),
        ("", "tomt"),
        ("2940347X", "kun indeholde cifre"),
        (2.9403473e7 + 0.5, "helt tal"),
        ("2,9403E+07", "videnskabelig notation"),
    ],
)
def test_normalise_cvr_rejects(value: object, fragment: str) -> None:
    with pytest.raises(CodeError, match=fragment):
        normalise_cvr(value)


def test_is_valid_cvr_rejects_malformed() -> None:
    assert not is_valid_cvr("2940347")
    assert not is_valid_cvr("294034733")
    assert not is_valid_cvr("2940347a")
    assert not is_valid_cvr("00000000")


def test_make_cvr_none_when_no_digit_fits() -> None:
    # 1000000: weighted sum 2, so the last digit must be 9 (2 + 9 = 11).
    assert make_cvr("1000000") == "10000009"
    # 1000005: weighted sum 2 + 5*2 = 12, so the last digit would have to be 10.
    assert make_cvr("1000005") is None
    prefixes_without = [
        p for p in (f"{n:07d}" for n in range(1_000_000, 1_000_200)) if make_cvr(p) is None
    ]
    assert prefixes_without, "about one in eleven prefixes has no valid check digit"
    for prefix in prefixes_without:
        assert not any(is_valid_cvr(prefix + d) for d in "0123456789")
    assert make_cvr("0123456") is None
    with pytest.raises(ValueError):
        make_cvr("123")


@settings(max_examples=200)
@given(st.text(alphabet="0123456789", min_size=7, max_size=7))
def test_make_cvr_properties(prefix: str) -> None:
    cvr = make_cvr(prefix)
    candidates = [prefix + d for d in "0123456789" if reference_cvr_ok(prefix + d)]
    if cvr is None:
        assert candidates == []
        return
    assert candidates == [cvr]
    assert is_valid_cvr(cvr)
    assert normalise_cvr(f"DK{cvr}") == cvr
    for position in range(8):
        for digit in "0123456789":
            if digit != cvr[position]:
                assert not is_valid_cvr(cvr[:position] + digit + cvr[position + 1 :])
