"""read_table on real, messy council spend files from the shared data folder.

The files are not part of the project (they stay in /work/shared/data); the test is
skipped where that folder is absent. Expected row and column counts are taken from the
SOURCE.md table next to each file, which was computed independently of this code.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from omlob.core.tabular import read_table

DATA = Path(__file__).parents[2].parent / "shared" / "data"
FILES = sorted(DATA.glob("uk-*-spend-*/*.csv")) if DATA.is_dir() else []

pytestmark = pytest.mark.skipif(not FILES, reason=f"no shared spend data under {DATA}")


def documented_shape(path: Path) -> tuple[int, int] | None:
    """Return (data rows, columns) for ``path`` from its SOURCE.md table, if listed."""
    source = path.parent / "SOURCE.md"
    if not source.is_file():
        return None
    for line in source.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) >= 6 and cells[0] == path.name:
            return int(cells[4]), int(cells[5])
    return None


@pytest.mark.parametrize("path", FILES, ids=[path.name for path in FILES])
def test_real_spend_file_is_readable(path: Path) -> None:
    table = read_table(path.read_bytes(), path.name)
    assert table.header_row == 1
    assert table.delimiter == ","
    assert table.rows
    assert all(cell and cell == cell.strip() for cell in table.header)
    assert all(len(row) == len(table.header) for row in table.rows)
    shape = documented_shape(path)
    if shape is not None:
        assert (len(table.rows), len(table.header)) == shape


def test_manchester_mojibake_bom_does_not_reach_the_header() -> None:
    path = DATA / "uk-manchester-spend-2022-05" / "manchester-2022-05.csv"
    if not path.is_file():
        pytest.skip("Manchester file not present")
    assert path.read_bytes().startswith("ï»¿".encode())
    table = read_table(path.read_bytes(), path.name)
    assert table.header[0] == "Body Name"


def test_harrogate_latin1_dashes_are_repaired() -> None:
    path = DATA / "uk-harrogate-spend-2022-08" / "harrogate-borough-council-2022-08.csv"
    if not path.is_file():
        pytest.skip("Harrogate file not present")
    assert "\x96" in path.read_text(encoding="utf-8")
    table = read_table(path.read_bytes(), path.name)
    cells = [cell for row in table.rows for cell in row]
    assert not any("\x96" in cell for cell in cells)
    assert any("–" in cell for cell in cells)
