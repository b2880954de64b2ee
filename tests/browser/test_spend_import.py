"""Mette (indkøber) imports the municipality's purchase data, and who else may see it.

USER-STORIES.md, Mette 1: she exports paid supplier invoices from the financial system (a
semicolon CSV in Windows-1252 with decimal commas), drops it into Omløb, which recognises the
columns (or remembers her choice from last time), imports in the background while the page
shows progress, and then shows what was accepted, rejected with reasons (downloadable),
skipped as duplicates, and which EAN numbers are not yet mapped to a unit.

The files are written by :mod:`omlob.synthetic` for the units of the ``world`` fixture, and
every expected count is worked out from what the test wrote. The import runs in the request
(django-tasks' immediate backend), so each upload lands on its batch page.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from omlob.audit.record import Actor
from omlob.core.codes import make_gln
from omlob.core.tabular import column_letter
from omlob.spend import actions
from omlob.spend.models import Batch, ImportJob
from omlob.synthetic import (
    CSV_DIALECTS,
    Buyer,
    SynthInvoice,
    count_lines,
    generate_invoices,
    repeat_share,
    second_export,
    write_csv,
)
from omlob.synthetic.generate import CREDIT_NOTE

from .conftest import UI

pytestmark = pytest.mark.browser

YEAR = 2025
OPUS = CSV_DIALECTS["excel-da"]
#: An EAN number with a valid check digit that belongs to no unit of Nordby.
UNKNOWN_EAN = make_gln("579800177777")
#: A cost centre that belongs to no unit of Nordby.
UNKNOWN_CENTRE = "19999"
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def spend(settings: Any, tmp_path: Path) -> Path:
    """Imports run in the request, and their files go to this test's own data folder."""
    settings.TASKS = IMMEDIATE
    settings.DATA_DIR = tmp_path / "data"
    return tmp_path


# --- files as the financial system writes them ---------------------------------------------


def buyers(world: Any, *, unknown_ean: bool = False, unknown_centre: bool = False) -> list[Buyer]:
    """The kitchen, a care home and the school of Nordby, by their EAN and cost centre."""
    units = [world.units[key] for key in ("SOLK", "LIN", "SKO")]
    result = [Buyer(u.name, u.kind, u.eans.get().ean, u.cost_centres.get().code) for u in units]
    if unknown_ean:
        result.append(Buyer("Bofællesskabet Engen", "institution", UNKNOWN_EAN, None))
    if unknown_centre:
        result.append(Buyer("Vejafdelingen", "institution", None, UNKNOWN_CENTRE))
    return result


@dataclass
class Export:
    """A CSV file and its rows as cells (title rows and header included, line 1 = rows[0])."""

    path: Path
    rows: list[list[str]]
    header_line: int  # 1-based line of the header

    @property
    def data_lines(self) -> range:
        return range(self.header_line + 1, len(self.rows) + 1)

    def line(self, number: int) -> list[str]:
        return self.rows[number - 1]

    def save(self, encoding: str = "cp1252") -> None:
        with self.path.open("w", encoding=encoding, newline="") as handle:
            csv.writer(handle, delimiter=";", lineterminator="\r\n").writerows(self.rows)


def read_rows(path: Path, encoding: str = "cp1252") -> list[list[str]]:
    with path.open(encoding=encoding, newline="") as handle:
        return list(csv.reader(handle, delimiter=";"))


def opus_export(
    path: Path, invoices: Callable[[], Iterable[SynthInvoice]], *, mess: float = 0.0, seed: int = 0
) -> Export:
    """An Opus-style export (excel-da: title rows, semicolons, cp1252, ``1.234,50-``)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    write_csv(invoices(), path, "excel-da", mess=mess, seed=seed)
    return Export(path, read_rows(path), header_line=len(OPUS.title_rows) + 1)


def damaged_cells(export: Export, clean: Export) -> dict[int, int]:
    """Line number → column of every cell the ``mess`` option spoiled (one per row)."""
    assert len(export.rows) == len(clean.rows)
    damaged = {}
    for number in export.data_lines:
        changed = [
            i
            for i, (a, b) in enumerate(zip(export.line(number), clean.line(number), strict=True))
            if a != b
        ]
        if changed:
            assert len(changed) == 1, changed
            damaged[number] = changed[0]
    return damaged


KOL_FIELDS = {
    "Kol1": "Fakturadato",
    "Kol2": "Fakturanummer",
    "Kol3": "Leverandør",
    "Kol4": "Leverandør-CVR",
    "Kol5": "EAN-nr.",
    "Kol6": "Varetekst",
    "Kol7": "Beløb ekskl. moms",
}


def kol_export(path: Path, invoices: Iterable[SynthInvoice]) -> Export:
    """An export from a system nobody told Omløb about: columns named Kol1…Kol7."""
    rows = [list(KOL_FIELDS)]
    for invoice in invoices:
        sign = -1 if invoice.document_type == CREDIT_NOTE else 1
        for line in invoice.lines:
            rows.append(
                [
                    OPUS.format_date(invoice.issue_date),
                    invoice.number,
                    invoice.supplier.name,
                    invoice.supplier.cvr or "",
                    invoice.buyer.ean or "",
                    line.description,
                    OPUS.format_amount(sign * int(line.net_amount.scaleb(2))),
                ]
            )
    export = Export(path, rows, header_line=1)
    export.save()
    return export


def import_file(world: Any, path: Path) -> Batch:
    """Import a file as Mette would, without the browser (for tests about something else)."""
    with path.open("rb") as handle:
        job = actions.create_job(
            actor=Actor.of_user(world.mette),
            org=world.nordby,
            uploads=[actions.Upload(path.name, handle)],
        )
    assert job.status == ImportJob.Status.QUEUED, job.files
    job = actions.run_job(job.pk)
    assert job.status == ImportJob.Status.DONE, job.message
    return Batch.objects.get(pk=job.pk)


# --- the browser side -----------------------------------------------------------------------


def open_spend(ui: UI, step: str = "spend") -> None:
    ui.page.get_by_role("navigation", name="Moduler").get_by_role(
        "link", name="Indkøbsdata", exact=True
    ).click()
    ui.page.wait_for_url("**/o/nordby/indkoeb/")
    ui.snap(step)


def upload(ui: UI, *paths: Path, step: str) -> None:
    """Choose the files on the import page and press "Fortsæt"."""
    if not ui.page.url.endswith("/o/nordby/indkoeb/import/"):
        ui.goto("/o/nordby/indkoeb/import/", f"{step}-form")
    ui.page.get_by_label("Filer").set_input_files([str(p) for p in paths])
    ui.submit("Fortsæt", step)


def batch_on_screen(ui: UI) -> Batch:
    """The batch whose page the browser shows."""
    found = re.search(r"/o/nordby/indkoeb/batch/(\d+)/", ui.page.url)
    assert found, ui.page.url
    batch = Batch.objects.get(pk=int(found[1]))
    assert ui.heading() == f"Batch {batch.pk}"
    return batch


def expect_counts(ui: UI, *, accepted: int, rejected: int, duplicates: int) -> None:
    expect(ui.page.get_by_test_id("accepted")).to_have_text(str(accepted))
    expect(ui.page.get_by_test_id("rejected")).to_have_text(str(rejected))
    expect(ui.page.get_by_test_id("duplicates")).to_have_text(str(duplicates))


def table_rows(ui: UI, testid: str) -> list[list[str]]:
    rows = ui.page.locator(f"[data-testid={testid}] tbody tr")
    return [[c.strip() for c in row.locator("td").all_inner_texts()] for row in rows.all()]


class HeldPolls:
    """Hold the page's status requests while the test writes to the database.

    The test database is SQLite in shared-cache memory, where a read that meets another
    connection's write fails at once ("database table is locked") instead of waiting; so
    the worker's progress is written while no status request is on its way to the server.
    """

    def __init__(self, ui: UI, job_id: int) -> None:
        self.ui = ui
        self.job_id = job_id
        self.holding = False
        self.held: list[Any] = []
        ui.page.route("**/status.json", self._route)

    def _route(self, route: Any) -> None:
        if self.holding:
            self.held.append(route)
        else:
            route.continue_()

    def write(self, **fields: Any) -> None:
        """Update the job as the worker would, between two polls."""
        self.holding = True
        self.ui.page.wait_for_timeout(300)  # lets a request already sent come back
        try:
            ImportJob.objects.filter(pk=self.job_id).update(**fields)
        finally:
            self.holding = False
            for route in self.held:
                route.continue_()
            self.held.clear()

    def stop(self) -> None:
        self.ui.page.unroute("**/status.json", self._route)


def open_tab(ui: UI, name: str, step: str) -> None:
    ui.page.get_by_role("navigation", name="Visning").get_by_role("link", name=name).click()
    ui.page.wait_for_url(re.compile(r"\?vis="))
    ui.snap(step)


# --- 1. a recognised export ----------------------------------------------------------------


def test_mette_imports_an_opus_export_and_downloads_the_rejected_rows(world, spend, ui):
    def invoices() -> Iterable[SynthInvoice]:
        return generate_invoices(buyers(world, unknown_ean=True), YEAR, 90, seed=11)

    export = opus_export(spend / "kreditorposter-2025.csv", invoices, mess=0.06, seed=5)
    clean = opus_export(spend / "clean" / "kreditorposter-2025.csv", invoices)
    damaged = damaged_cells(export, clean)
    assert 2 <= len(damaged) <= 15, damaged
    # a text that a spreadsheet would run as a formula, on a row refused for its date
    description, invoice_date = OPUS.fields.index("description"), OPUS.fields.index("invoice_date")
    formula_line = next(n for n in export.data_lines if n not in damaged)
    export.line(formula_line)[description] = "=1+2 Kaffe Ø-mærket 8x500g"
    export.line(formula_line)[invoice_date] = f"31-02-{YEAR}"
    export.save()
    damaged[formula_line] = invoice_date
    rejected = len(damaged)
    accepted = len(export.data_lines) - rejected
    ean = OPUS.fields.index("buyer_ean")
    unknown_lines = sum(
        1 for n in export.data_lines if n not in damaged and export.line(n)[ean] == UNKNOWN_EAN
    )
    assert unknown_lines, "the unknown unit should have bought something"

    ui.login("mette@nordby.dk")
    open_spend(ui)
    assert ui.heading() == "Indkøbsdata"
    expect(ui.page.get_by_text("Der er ikke importeret indkøbsdata endnu.")).to_be_visible()
    ui.page.get_by_test_id("import-button").click()
    ui.page.wait_for_url("**/indkoeb/import/")
    ui.snap("import-form")
    assert ui.heading() == "Importér indkøbsdata"

    upload(ui, export.path, step="imported")
    batch = batch_on_screen(ui)
    expect_counts(ui, accepted=accepted, rejected=rejected, duplicates=0)
    facts = ui.page.get_by_test_id("batch-facts")
    expect(facts).to_contain_text("kreditorposter-2025.csv")
    expect(facts).to_contain_text("mette@nordby.dk")
    expect(facts.get_by_role("link", name="1 ukendt kode")).to_be_visible()
    assert batch.unmapped_lines == unknown_lines

    # the rejected rows, each with the file's line number and a Danish reason naming the cell
    open_tab(ui, "Afviste rækker", "rejected")
    expect(ui.page.locator("[data-testid=rejects] caption")).to_have_text(
        f"{rejected} afviste rækker"
    )
    shown = table_rows(ui, "rejects")
    assert [row[1] for row in shown] == [f"række {n}" for n in sorted(damaged)]
    header = OPUS.headers
    for (name, _ref, reason), number in zip(shown, sorted(damaged), strict=True):
        column = damaged[number]
        assert name == "kreditorposter-2025.csv"
        assert reason.startswith(f"kolonne {column_letter(column)} ({header[column]}): "), reason
        assert f"(værdi: '{export.line(number)[column]}')" in reason, reason
    formula_reason = shown[sorted(damaged).index(formula_line)][2]
    assert "Datoen kan ikke læses" in formula_reason, formula_reason

    # the download: reason column, the original cells, and no formula left to run
    with ui.page.expect_download() as info:
        ui.page.get_by_test_id("download-csv").click()
    download = info.value
    assert download.suggested_filename == f"afviste-raekker-batch-{batch.pk}.csv"
    text = Path(download.path()).read_bytes().decode("utf-8")
    assert text.startswith("\ufeff")
    table = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    assert table[0] == ["Fil", "Række", "Fejl", *header]
    assert len(table) == 1 + rejected
    for row, number in zip(table[1:], sorted(damaged), strict=True):
        assert row[:2] == ["kreditorposter-2025.csv", f"række {number}"]
        assert row[2] == shown[sorted(damaged).index(number)][2]
        original = export.line(number)
        assert row[3:] == ["'" + c if c.startswith(("=", "+", "-", "@")) else c for c in original]
    formula_row = table[1 + sorted(damaged).index(formula_line)]
    assert formula_row[3 + description] == "'=1+2 Kaffe Ø-mærket 8x500g"

    # the overview counts the batch
    open_spend(ui, "overview")
    batches = table_rows(ui, "batches")
    assert len(batches) == 1
    assert batches[0][0] == str(batch.pk)
    assert batches[0][4:7] == [str(accepted), str(rejected), "0"]
    expect(ui.page.get_by_test_id("unmapped-alert")).to_contain_text(
        "1 EAN-nummer eller omkostningssted passer ikke til en enhed"
    )
    assert ui.console_errors == []


# --- 2. an export with unknown column names ------------------------------------------------


def choose(ui: UI, column: str, label: str) -> None:
    ui.page.get_by_label(f"Felt for kolonnen {column}").select_option(label=label)


def preview_cells(ui: UI, row: int) -> Any:
    return ui.page.locator("[data-testid=preview] tbody tr").nth(row).locator("td")


def test_unknown_columns_are_chosen_once_and_remembered(world, spend, ui):
    first = kol_export(
        spend / "leverandoerer-q1.csv",
        generate_invoices(buyers(world), YEAR, 30, seed=31),
    )
    # the second data row has an impossible date: the preview shows it in red with the reason
    first.rows[2][0] = f"31-02-{YEAR}"
    first.save()

    ui.login("mette@nordby.dk")
    upload(ui, first.path, step="uploaded")
    ui.page.wait_for_url("**/indkoeb/import/*/kolonner/0/")
    assert ui.heading() == "Vælg kolonner i leverandoerer-q1.csv"
    expect(ui.page.get_by_test_id("missing")).to_contain_text(
        "Beløb ekskl. moms; Fakturadato eller Bogføringsdato; Leverandør eller Leverandør-CVR"
    )
    expect(ui.page.locator("[data-testid=preview] caption")).to_have_text(
        "Overskriften står i række 1"
    )
    # nothing is chosen yet, but she sees what the columns hold
    assert [c.strip() for c in preview_cells(ui, 0).all_inner_texts()] == first.rows[1]
    select = ui.page.get_by_label("Felt for kolonnen Kol1")
    width = select.bounding_box()["width"]
    assert width >= 180, f"the field names do not fit in the select ({width}px)"

    # she picks every column but forgets the amount
    for column, label in list(KOL_FIELDS.items())[:-1]:
        choose(ui, column, label)
    ui.snap("chosen-without-amount")
    ui.submit("Importér med disse kolonner", "amount-missing")
    ui.expect_error_page()
    expect(ui.page.get_by_role("alert")).to_contain_text("Vælg en kolonne til Beløb ekskl. moms.")
    expect(ui.page.get_by_test_id("missing")).to_have_text(
        re.compile(r"Der mangler en kolonne til: Beløb ekskl\. moms\s*$")
    )
    expect(ui.page.get_by_label("Felt for kolonnen Kol3")).to_have_value("supplier_name")

    # she adds it, and slips on the next option: Fakturadato for the invoice number
    choose(ui, "Kol7", "Beløb ekskl. moms")
    choose(ui, "Kol2", "Fakturadato")
    ui.submit("Importér med disse kolonner", "chosen-twice")
    ui.expect_error_page()
    expect(ui.page.locator("[data-testid=preview] thead")).to_contain_text(
        "Feltet er allerede valgt til kolonne 1."
    )
    # the preview reads the rows with her columns: parsed values, the bad date in red
    expect(preview_cells(ui, 0).nth(0)).to_contain_text("→")
    expect(preview_cells(ui, 0).nth(6)).to_contain_text("→")
    bad = preview_cells(ui, 1).nth(0)
    expect(bad).to_have_class(re.compile(r"\bomlob-cell-error\b"))
    expect(bad.get_by_test_id("cell-error")).to_contain_text("Datoen kan ikke læses")
    expect(ui.page.locator("[data-testid=preview] td.omlob-cell-error")).to_have_count(1)
    red = bad.evaluate("el => getComputedStyle(el).backgroundColor")
    assert red == "rgb(253, 232, 232)", red

    choose(ui, "Kol2", "Fakturanummer")
    ui.page.get_by_label("Gem som kortlægning", exact=False).fill("Kol-eksport fra Prisme")
    ui.submit("Importér med disse kolonner", "imported")
    batch = batch_on_screen(ui)
    data_rows = len(first.rows) - 1
    expect_counts(ui, accepted=data_rows - 1, rejected=1, duplicates=0)
    expect(ui.page.get_by_test_id("batch-facts")).to_contain_text("Kol-eksport fra Prisme")
    assert batch.profile_name == "Kol-eksport fra Prisme"
    assert [row[1] for row in table_rows(ui, "rejects")] == ["række 3"]

    # the next quarter's export from the same system goes straight through
    second = kol_export(
        spend / "leverandoerer-q2.csv",
        generate_invoices(buyers(world), YEAR, 25, seed=32),
    )
    upload(ui, second.path, step="second-imported")
    again = batch_on_screen(ui)
    assert again.pk != batch.pk
    expect_counts(ui, accepted=len(second.rows) - 1, rejected=0, duplicates=0)
    facts = ui.page.get_by_test_id("batch-facts")
    expect(facts).to_contain_text("Kortlægning")
    expect(facts).to_contain_text("Kol-eksport fra Prisme")

    ui.goto("/o/nordby/indkoeb/kortlaegninger/", "profiles")
    expect(ui.page.get_by_test_id("profiles")).to_contain_text("Kol-eksport fra Prisme")
    expect(ui.page.get_by_test_id("profiles")).to_contain_text("7 felter")
    assert ui.console_errors == []


def test_the_preview_reads_the_columns_chosen_so_far(world, spend, ui):
    export = kol_export(
        spend / "leverandoerer-q3.csv", generate_invoices(buyers(world), YEAR, 5, seed=33)
    )
    export.rows[2][0] = f"31-02-{YEAR}"
    export.save()
    ui.force_login(world.mette)
    upload(ui, export.path, step="uploaded")
    choose(ui, "Kol1", "Fakturadato")
    ui.submit("Importér med disse kolonner", "date-only")
    ui.expect_error_page()
    assert "→" in preview_cells(ui, 0).nth(0).inner_text()
    assert ui.page.locator("[data-testid=preview] td.omlob-cell-error").count() == 1


# --- 3. the same file twice, and an overlapping export -------------------------------------


def test_the_same_file_is_refused_and_an_overlap_is_counted_as_duplicates(world, spend, ui):
    def first_half() -> Iterable[SynthInvoice]:
        return generate_invoices(buyers(world), YEAR, 60, seed=21)

    def second_half() -> Iterable[SynthInvoice]:
        fresh = generate_invoices(buyers(world), YEAR, 40, seed=22)
        return second_export(first_half(), fresh, 0.25, seed=3)

    first = opus_export(spend / "opus-h1.csv", first_half)
    batch = import_file(world, first.path)
    overlap = count_lines(repeat_share(first_half(), 0.25, seed=3))
    assert 5 <= overlap <= 30, overlap
    second = opus_export(spend / "opus-h2.csv", second_half)

    ui.login("mette@nordby.dk")
    upload(ui, first.path, step="refused")
    ui.expect_error_page()
    assert ui.heading() == "Importér indkøbsdata"
    error = ui.page.locator("#id_files-error")
    expect(error).to_contain_text("Filen opus-h1.csv er allerede importeret")
    expect(error).to_contain_text(f"batch {batch.pk}")
    expect(error).to_contain_text("Slet batchen først")
    assert Batch.objects.count() == 1

    upload(ui, second.path, step="overlap")
    batch_on_screen(ui)
    expect_counts(ui, accepted=len(second.data_lines) - overlap, rejected=0, duplicates=overlap)
    open_tab(ui, "Dubletter", "duplicates")
    expect(ui.page.locator("[data-testid=rejects] caption")).to_have_text(f"{overlap} dubletter")
    reasons = {row[2] for row in table_rows(ui, "rejects")}
    assert reasons == {f"Linjen er allerede importeret (batch {batch.pk})."}
    assert ui.console_errors == []


# --- 4. progress while the worker runs -----------------------------------------------------


def test_the_progress_page_follows_the_job_and_opens_the_batch(world, spend, ui):
    export = opus_export(
        spend / "kreditorposter-maj.csv", lambda: generate_invoices(buyers(world), YEAR, 20)
    )
    batch = import_file(world, export.path)
    # back to how it looked while the worker was reading the file
    now = timezone.now()
    ImportJob.objects.filter(pk=batch.pk).update(
        status=ImportJob.Status.RUNNING,
        stage="Læser kreditorposter-maj.csv",
        progress=0.4,
        started_at=now,
        heartbeat=now,
    )

    ui.force_login(world.mette)
    polls = HeldPolls(ui, batch.pk)
    ui.goto(f"/o/nordby/indkoeb/import/{batch.pk}/", "running")
    assert ui.heading() == f"Import {batch.pk}"
    status = ui.page.get_by_test_id("job-status")
    bar = status.locator("progress")
    expect(bar).to_have_attribute("value", "40")
    expect(status.locator("[data-job-percent]")).to_have_text("40 %")
    expect(status).to_contain_text("I gang")
    expect(status).to_contain_text("Læser kreditorposter-maj.csv")
    expect(status.get_by_role("alert")).to_be_hidden()

    # the page asks for news by itself
    polls.write(progress=0.75, stage="Finder dubletter")
    expect(bar).to_have_js_property("value", 75)
    expect(status.locator("[data-job-percent]")).to_have_text("75 %")
    expect(status).to_contain_text("Finder dubletter")
    ui.snap("progressed")

    polls.write(
        status=ImportJob.Status.DONE, progress=1.0, stage="Færdig", finished_at=timezone.now()
    )
    ui.page.wait_for_url(f"**/o/nordby/indkoeb/batch/{batch.pk}/")
    polls.stop()
    ui.snap("done")
    assert batch_on_screen(ui) == batch
    assert ui.console_errors == []


def test_a_failed_job_says_why_in_danish(world, spend, ui):
    export = opus_export(
        spend / "kreditorposter-juni.csv", lambda: generate_invoices(buyers(world), YEAR, 10)
    )
    # two colleagues upload the same file at the same time: the second import must fail
    jobs = []
    for _ in range(2):
        with export.path.open("rb") as handle:
            jobs.append(
                actions.create_job(
                    actor=Actor.of_user(world.mette),
                    org=world.nordby,
                    uploads=[actions.Upload(export.path.name, handle)],
                )
            )
    assert actions.run_job(jobs[0].pk).status == ImportJob.Status.DONE
    failed = actions.run_job(jobs[1].pk)
    assert failed.status == ImportJob.Status.FAILED

    ui.force_login(world.mette)
    ui.goto(f"/o/nordby/indkoeb/import/{failed.pk}/", "failed")
    status = ui.page.get_by_test_id("job-status")
    expect(status).to_contain_text("Fejlet")
    alert = status.get_by_role("alert")
    expect(alert).to_be_visible()
    expect(alert).to_contain_text("Importen mislykkedes. Intet er importeret.")
    expect(alert).to_contain_text("Filen kreditorposter-juni.csv er allerede importeret")
    expect(alert).to_contain_text(f"batch {jobs[0].pk}")

    ui.page.get_by_role("link", name="Tilbage til indkøbsdata").click()
    ui.page.wait_for_url("**/o/nordby/indkoeb/")
    ui.snap("overview")
    jobs_table = ui.page.get_by_test_id("jobs")
    expect(jobs_table).to_contain_text("Fejlet")
    expect(jobs_table).to_contain_text("allerede importeret")
    assert ui.console_errors == []


# --- 5. unknown EAN numbers and cost centres -----------------------------------------------


def test_mette_attaches_an_unknown_ean_to_its_unit(world, spend, ui):
    export = opus_export(
        spend / "kreditorposter-q3.csv",
        lambda: generate_invoices(
            buyers(world, unknown_ean=True, unknown_centre=True), YEAR, 80, seed=41
        ),
    )
    ean, centre = OPUS.fields.index("buyer_ean"), OPUS.fields.index("cost_centre")
    ean_lines = sum(1 for n in export.data_lines if export.line(n)[ean] == UNKNOWN_EAN)
    centre_lines = sum(
        1
        for n in export.data_lines
        if export.line(n)[centre] == UNKNOWN_CENTRE and not export.line(n)[ean]
    )
    assert ean_lines and centre_lines
    batch = import_file(world, export.path)
    assert batch.unmapped_units == 2

    ui.login("mette@nordby.dk")
    open_spend(ui)
    alert = ui.page.get_by_test_id("unmapped-alert")
    expect(alert).to_contain_text("2 EAN-numre eller omkostningssteder passer ikke til en enhed")
    alert.get_by_role("link", name="Knyt koderne til enheder").click()
    ui.page.wait_for_url("**/indkoeb/enhedskoder/")
    ui.snap("unknown-codes")
    assert ui.heading() == "Ukendte enhedskoder"
    rows = {row[0]: row for row in table_rows(ui, "unmapped")}
    assert set(rows) == {UNKNOWN_EAN, UNKNOWN_CENTRE}
    assert rows[UNKNOWN_EAN][1:3] == ["EAN-nr.", str(ean_lines)]
    assert rows[UNKNOWN_CENTRE][1:3] == ["Omkostningssted", str(centre_lines)]
    duplicate_ids = ui.page.evaluate(
        """() => { const ids = [...document.querySelectorAll('[id]')].map(e => e.id);
                   return ids.filter((id, i) => ids.indexOf(id) !== i); }"""
    )
    assert duplicate_ids == []

    home = world.units["LIN"]
    row = ui.page.locator("[data-testid=unmapped] tbody tr", has_text=UNKNOWN_EAN)
    row.get_by_label("Enhed").select_option(value=str(home.pk))
    with ui.page.expect_navigation():
        row.get_by_role("button", name="Knyt").click()
    ui.snap("attached")
    assert (
        f"{UNKNOWN_EAN} er knyttet til Plejecenter Lindehøj. Linjerne hører nu til enheden."
        in ui.messages()
    )
    assert [row[0] for row in table_rows(ui, "unmapped")] == [UNKNOWN_CENTRE]

    ui.goto(f"/o/nordby/enheder/{home.pk}/", "unit")
    expect(ui.page.get_by_test_id("unit-facts")).to_contain_text(UNKNOWN_EAN)
    expect(ui.page.get_by_test_id("history")).to_contain_text("mette@nordby.dk")
    assert ui.console_errors == []


# --- 6. deleting a batch -------------------------------------------------------------------


def test_a_deleted_batch_is_gone_and_its_file_can_be_imported_again(world, spend, ui):
    export = opus_export(
        spend / "kreditorposter-okt.csv", lambda: generate_invoices(buyers(world), YEAR, 25)
    )
    batch = import_file(world, export.path)

    ui.login("mette@nordby.dk")
    open_spend(ui)
    ui.page.get_by_test_id("batches").get_by_role("link", name=str(batch.pk), exact=True).click()
    ui.page.wait_for_url(f"**/indkoeb/batch/{batch.pk}/")
    ui.snap("batch")
    ui.page.get_by_role("link", name="Slet batch", exact=True).click()
    ui.page.wait_for_url(f"**/indkoeb/batch/{batch.pk}/slet/")
    ui.snap("confirm")
    assert ui.heading() == f"Slet batch {batch.pk}"
    expect(ui.page.get_by_role("main")).to_contain_text("kreditorposter-okt.csv")
    ui.submit("Slet batchen", "deleted")

    assert ui.page.url.endswith("/o/nordby/indkoeb/")
    assert f"Batch {batch.pk} med {batch.accepted} linjer er slettet." in ui.messages()
    expect(ui.page.get_by_test_id("batches")).to_have_count(0)
    expect(ui.page.get_by_text("Der er ikke importeret indkøbsdata endnu.")).to_be_visible()
    assert not Batch.objects.filter(pk=batch.pk).exists()

    ui.page.get_by_test_id("import-button").click()
    ui.page.wait_for_url("**/indkoeb/import/")
    upload(ui, export.path, step="imported-again")
    again = batch_on_screen(ui)
    assert again.pk != batch.pk
    expect_counts(ui, accepted=batch.accepted, rejected=0, duplicates=0)
    assert ui.console_errors == []


# --- 7. who may do what --------------------------------------------------------------------


def test_jens_has_no_purchase_data(world, spend, ui):
    export = opus_export(
        spend / "kreditorposter-nov.csv", lambda: generate_invoices(buyers(world), YEAR, 10)
    )
    batch = import_file(world, export.path)

    ui.login("jens@nordby.dk")
    ui.goto("/o/nordby/", "dashboard")
    assert "Indkøbsdata" not in ui.side_menu()
    for step, path in [
        ("overview", "/o/nordby/indkoeb/"),
        ("import", "/o/nordby/indkoeb/import/"),
        ("batch", f"/o/nordby/indkoeb/batch/{batch.pk}/"),
        ("rejects", f"/o/nordby/indkoeb/batch/{batch.pk}/afviste.csv"),
        ("delete", f"/o/nordby/indkoeb/batch/{batch.pk}/slet/"),
        ("codes", "/o/nordby/indkoeb/enhedskoder/"),
    ]:
        response = ui.goto(path, step, status=None)
        assert response.status in (403, 404), f"{path}: {response.status}"
    assert ui.console_errors == []


def test_lise_sees_batches_but_cannot_import_or_delete(world, spend, ui):
    export = opus_export(
        spend / "kreditorposter-dec.csv",
        lambda: generate_invoices(buyers(world, unknown_ean=True), YEAR, 30, seed=51),
    )
    batch = import_file(world, export.path)

    ui.login("lise@nordby.dk")
    assert "Indkøbsdata" in ui.side_menu()
    open_spend(ui)
    assert [row[0] for row in table_rows(ui, "batches")] == [str(batch.pk)]
    expect(ui.page.get_by_test_id("import-button")).to_have_count(0)

    ui.page.get_by_test_id("batches").get_by_role("link", name=str(batch.pk), exact=True).click()
    ui.page.wait_for_url(f"**/indkoeb/batch/{batch.pk}/")
    ui.snap("batch")
    expect_counts(ui, accepted=batch.accepted, rejected=0, duplicates=0)
    expect(ui.page.get_by_test_id("delete")).to_have_count(0)
    expect(ui.page.get_by_test_id("rerun")).to_have_count(0)
    open_tab(ui, "Linjer", "lines")
    expect(ui.page.locator("[data-testid=lines] caption")).to_have_text(f"{batch.accepted} linjer")

    ui.goto("/o/nordby/indkoeb/enhedskoder/", "codes")
    expect(ui.page.get_by_test_id("unmapped")).to_contain_text(UNKNOWN_EAN)
    expect(ui.page.get_by_role("button", name="Knyt")).to_have_count(0)

    for step, path in [
        ("import", "/o/nordby/indkoeb/import/"),
        ("delete", f"/o/nordby/indkoeb/batch/{batch.pk}/slet/"),
    ]:
        ui.goto(path, step, status=403)
        assert ui.heading() == "Ingen adgang"

    # in English (only the module's name is translated so far)
    ui.goto("/o/nordby/indkoeb/", "overview-again")
    with ui.page.expect_navigation():
        ui.page.locator("#language").click()
        ui.page.locator("#language").select_option("en")
    ui.snap("english")
    assert ui.heading() == "Purchase data"
    assert "Purchase data" in ui.side_menu()
    assert [row[0] for row in table_rows(ui, "batches")] == [str(batch.pk)]
    assert ui.console_errors == []
