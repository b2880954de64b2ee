"""Synthetic purchase data for Demo Kommune: realistic, deterministic and streamed.

Omløb cannot ship a real municipality's invoices, yet demos, benchmarks and importer tests
need data that looks like the real thing: wholesaler texts with abbreviations and typos,
organic variants, refurbished laptops, credit notes, foreign currencies, and the file
formats Danish financial systems and e-invoice networks actually produce. This package
makes such data from a hand-written catalogue (:mod:`.catalogue`), a seeded generator
(:mod:`.generate`) and writers for CSV, XLSX, OIOUBL and PEPPOL (:mod:`.writers`).

Nothing here imports Django, so the generator runs in benchmarks and in the calculation
core's tests without a database; the caller passes the buyers (units with EAN and cost
centre) in.
"""

from __future__ import annotations

from omlob.synthetic.catalogue import (
    ITEMS,
    PRODUCT_GROUPS,
    SUPPLIERS,
    Item,
    ProductGroup,
    Supplier,
)
from omlob.synthetic.generate import (
    Buyer,
    SynthInvoice,
    SynthLine,
    buyers_from_units,
    count_lines,
    generate_invoices,
    repeat_share,
    second_export,
)
from omlob.synthetic.writers import (
    CSV_DIALECTS,
    XLSX_LAYOUT,
    CsvDialect,
    ubl_document,
    write_csv,
    write_ubl_zip,
    write_xlsx,
)

__all__ = [
    "CSV_DIALECTS",
    "ITEMS",
    "PRODUCT_GROUPS",
    "SUPPLIERS",
    "XLSX_LAYOUT",
    "Buyer",
    "CsvDialect",
    "Item",
    "ProductGroup",
    "Supplier",
    "SynthInvoice",
    "SynthLine",
    "buyers_from_units",
    "count_lines",
    "generate_invoices",
    "repeat_share",
    "second_export",
    "ubl_document",
    "write_csv",
    "write_ubl_zip",
    "write_xlsx",
]
