"""Mette (indkøber) keeps the organisation structure: the tree, search, units, import, export.

USER-STORIES.md: invoices are routed to institutions by EAN and cost centre, so Mette must be
able to find a unit by its EAN, fix it by hand, and load a whole structure from the
spreadsheet the municipality keeps, with every problem in the file reported at once.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from omlob.core.codes import make_gln
from omlob.organisations.models import OrgUnit

pytestmark = pytest.mark.browser

HEADER = "Enhedskode;Navn;Type;Overordnet;EAN;Omkostningssted"


def csv_upload(name: str, lines: list[str], encoding: str = "cp1252") -> dict:
    """A CSV as Danish Excel saves it: semicolons, CRLF, Windows-1252."""
    return {
        "name": name,
        "mimeType": "text/csv",
        "buffer": "\r\n".join(lines).encode(encoding) + b"\r\n",
    }


def import_counts(ui, filename: str) -> list[int]:
    """The numbers of new, changed and unchanged units in the success message."""
    found = [m for m in ui.messages() if m.startswith(filename) and "importeret" in m]
    assert len(found) == 1, ui.messages()
    return [int(n) for n in re.findall(r"\d+", found[0][len(filename) :])]


def open_units(ui, step: str = "units") -> None:
    ui.page.get_by_role("navigation", name="Moduler").get_by_role(
        "link", name="Organisation", exact=True
    ).click()
    ui.page.wait_for_url("**/o/nordby/enheder/")
    ui.snap(step)


def unit_rows(ui):
    return ui.page.locator("[data-testid=units] tbody tr")


def test_unit_list_shows_the_tree(world, ui):
    ui.login("mette@nordby.dk")
    open_units(ui)

    assert ui.heading() == "Organisationsstruktur"
    expect(ui.page.locator("[data-testid=units] caption")).to_have_text("7 enheder")
    names = [n.strip() for n in ui.page.locator("[data-testid=units] td.name a").all_inner_texts()]
    # depth-first: every unit right below its parent
    assert names == [
        "Ældre og Sundhed",
        "Plejecentre",
        "Plejecenter Solhaven",
        "Plejecenter Solhaven, køkken",
        "Plejecenter Lindehøj",
        "Børn og Unge",
        "Nordby Skole",
    ]
    depths = [
        int(cls.rsplit("-", 1)[1])
        for cls in (r.get_attribute("class") for r in unit_rows(ui).all())
        if cls
    ]
    assert depths == [0, 1, 2, 3, 2, 0, 1]
    assert ui.console_errors == []


def test_unit_list_indents_each_level(world, ui):
    ui.force_login(world.mette)
    ui.goto("/o/nordby/enheder/", "units")

    def left(depth: int) -> float:
        return ui.page.locator(f"tr.omlob-depth-{depth} td.name a").first.bounding_box()["x"]

    # a kitchen (depth 3) starts further right than its care home, område and forvaltning
    assert left(0) < left(1) < left(2) < left(3)


def test_search_by_ean_finds_the_kitchen(world, ui):
    ean = world.units["SOLK"].eans.get().ean
    ui.login("mette@nordby.dk")
    open_units(ui)

    ui.page.get_by_label("Søg (navn, kode, EAN, omkostningssted)").fill(ean)
    ui.submit("Vis", "search-ean")

    expect(unit_rows(ui)).to_have_count(1)
    expect(unit_rows(ui)).to_contain_text("Plejecenter Solhaven, køkken")
    expect(unit_rows(ui)).to_contain_text(ean)
    assert f"q={ean}" in ui.page.url

    # a prefix of the number is enough (people type the first digits from the invoice)
    ui.page.get_by_label("Søg (navn, kode, EAN, omkostningssted)").fill(ean[:10])
    ui.submit("Vis", "search-ean-prefix")
    assert unit_rows(ui).count() >= 1

    ui.page.get_by_label("Søg (navn, kode, EAN, omkostningssted)").fill("0000000000000")
    ui.submit("Vis", "search-nothing")
    expect(ui.page.get_by_text("Ingen enheder passer til søgningen.")).to_be_visible()


def test_unit_detail_shows_facts_and_history(world, ui):
    ui.force_login(world.mette)
    ui.goto("/o/nordby/enheder/", "units")

    ui.page.get_by_role("link", name="Plejecenter Solhaven, køkken").click()
    ui.page.wait_for_url("**/enheder/*/")
    ui.snap("detail")

    assert ui.heading() == "Plejecenter Solhaven, køkken"
    facts = ui.page.get_by_test_id("unit-facts")
    expect(facts).to_contain_text("N-SOLK")
    expect(facts).to_contain_text("Køkken")
    expect(facts).to_contain_text("Plejecenter Solhaven")
    expect(facts).to_contain_text(world.units["SOLK"].eans.get().ean)
    crumbs = ui.page.get_by_role("navigation", name="Brødkrummesti")
    expect(crumbs).to_contain_text("Ældre og Sundhed")
    expect(crumbs).to_contain_text("Plejecentre")
    history = ui.page.get_by_test_id("history")
    expect(history).to_contain_text("oprettet")
    expect(history).to_contain_text("test")


def test_create_a_unit(world, ui):
    ean = make_gln("579800199901")
    ui.login("mette@nordby.dk")
    open_units(ui)
    ui.page.get_by_role("link", name="Ny enhed").click()
    ui.page.wait_for_url("**/enheder/ny/")
    ui.snap("form")
    assert ui.heading() == "Ny enhed"

    ui.page.get_by_label("Enhedskode").fill("N-ÅBY")
    ui.page.get_by_label("Navn", exact=True).fill("Åby Børnehus")
    ui.page.get_by_label("Type").select_option(label="Dagtilbud")
    ui.page.get_by_label("Overordnet enhed").select_option(value=str(world.units["BU"].pk))
    ui.page.get_by_label("EAN-numre").fill(ean)
    ui.page.get_by_label("Omkostningssteder").fill("19901, 19902")
    ui.submit("Gem", "created")

    assert ui.heading() == "Åby Børnehus"
    assert "Enheden Åby Børnehus er oprettet." in ui.messages()
    facts = ui.page.get_by_test_id("unit-facts")
    expect(facts).to_contain_text("Dagtilbud")
    expect(facts).to_contain_text("Børn og Unge")
    expect(facts).to_contain_text(ean)
    expect(facts).to_contain_text("19901, 19902")
    history = ui.page.get_by_test_id("history")
    expect(history).to_contain_text("mette@nordby.dk")
    expect(history).to_contain_text("oprettet")
    unit = OrgUnit.objects.get(organisation=world.nordby, code="N-ÅBY")
    assert unit.parent == world.units["BU"]


def test_create_a_unit_with_a_bad_ean_explains_the_problem(world, ui):
    good = make_gln("579800199902")
    bad = good[:-1] + str((int(good[-1]) + 1) % 10)
    ui.force_login(world.mette)
    ui.goto("/o/nordby/enheder/ny/", "form")

    ui.page.get_by_label("Enhedskode").fill("N-FEJL")
    ui.page.get_by_label("Navn", exact=True).fill("Fejlenhed")
    ui.page.get_by_label("EAN-numre").fill(bad)
    ui.submit("Gem", "refused")

    eans = ui.page.get_by_label("EAN-numre")
    expect(eans).to_have_attribute("aria-invalid", "true")
    expect(ui.page.locator("#id_eans-error")).to_contain_text("forkert kontrolciffer")
    assert not OrgUnit.objects.filter(code="N-FEJL").exists()


def test_edit_a_unit_and_see_who_changed_what(world, ui):
    school = world.units["SKO"]
    ui.login("mette@nordby.dk")
    ui.goto(f"/o/nordby/enheder/{school.pk}/", "detail")
    ui.page.get_by_role("link", name="Rediger").click()
    ui.page.wait_for_url("**/rediger/")
    ui.snap("form")
    assert ui.heading() == "Rediger Nordby Skole"
    expect(ui.page.get_by_label("Enhedskode")).to_have_value("N-SKO")

    ui.page.get_by_label("Navn", exact=True).fill("Nordby Skole og SFO")
    ui.page.get_by_label("Omkostningssteder").fill("10007\n10070")
    ui.submit("Gem", "saved")

    assert "Ændringerne er gemt." in ui.messages()
    assert ui.heading() == "Nordby Skole og SFO"
    latest = ui.page.get_by_test_id("history").locator("tbody tr").first
    expect(latest).to_contain_text("mette@nordby.dk")
    expect(latest).to_contain_text("ændret")
    expect(latest).to_contain_text("Nordby Skole → Nordby Skole og SFO")
    expect(latest).to_contain_text("10070")


def test_import_a_structure_file(world, ui):
    kitchen_ean = make_gln("579800199911")
    daycare_ean = make_gln("579800199912")
    school_ean = world.units["SKO"].eans.get().ean
    upload = csv_upload(
        "struktur-nordby.csv",
        [
            HEADER,
            "N-DAG;Dagtilbud Nord;Område;N-BU;;",
            f"N-ÅLH;Ålholm Børnehus;Børnehave;N-DAG;{daycare_ean};19001",
            f"N-ÆBK;Køkkenet på Æblehaven;Storkøkken;N-PLE;{kitchen_ean};19002",
            f"N-SKO;Nordby Skole og SFO;Skole;N-BU;{school_ean};10007",
        ],
    )
    ui.login("mette@nordby.dk")
    open_units(ui)
    ui.page.get_by_role("link", name="Importér fra fil").click()
    ui.page.wait_for_url("**/enheder/import/")
    ui.snap("form")
    assert ui.heading() == "Importér organisationsstruktur"

    ui.page.get_by_label("Fil med organisationsstrukturen (CSV eller XLSX)").set_input_files(upload)
    ui.submit("Importér", "imported")

    assert ui.page.url.endswith("/o/nordby/enheder/")
    assert import_counts(ui, "struktur-nordby.csv") == [3, 1, 0]  # new, changed, unchanged
    expect(ui.page.locator("[data-testid=units] caption")).to_have_text("10 enheder")
    # the Danish letters survived Windows-1252
    daycare = ui.page.get_by_role("row").filter(has_text="Ålholm Børnehus")
    expect(daycare).to_contain_text("N-ÅLH")
    expect(daycare).to_contain_text("Dagtilbud")
    expect(daycare).to_contain_text(daycare_ean)
    expect(daycare).to_have_class("omlob-depth-2")
    expect(ui.page.get_by_role("row").filter(has_text="Køkkenet på Æblehaven")).to_contain_text(
        "Køkken"
    )
    expect(ui.page.get_by_role("link", name="Nordby Skole og SFO")).to_be_visible()

    ui.page.get_by_role("link", name="Ålholm Børnehus").click()
    ui.page.wait_for_url("**/enheder/*/")
    ui.snap("imported-unit")
    history = ui.page.get_by_test_id("history")
    expect(history).to_contain_text("mette@nordby.dk")
    expect(history).to_contain_text("Import af struktur-nordby.csv")


def test_check_a_file_without_importing(world, ui):
    upload = csv_upload("tjek.csv", [HEADER, "N-TJEK;Tjekenhed;Institution;N-BU;;"])
    ui.force_login(world.mette)
    ui.goto("/o/nordby/enheder/import/", "form")

    ui.page.get_by_label("Fil med organisationsstrukturen (CSV eller XLSX)").set_input_files(upload)
    ui.page.get_by_label("Kontrollér kun filen — importér ikke").check()
    ui.submit("Importér", "checked")

    expect(ui.page.locator(".alert-success")).to_contain_text(
        "tjek.csv er i orden: 1 enhed kan importeres."
    )
    assert not OrgUnit.objects.filter(code="N-TJEK").exists()


def test_a_bad_file_is_explained_row_by_row_and_nothing_is_imported(world, ui):
    good = make_gln("579800199921")
    bad_ean = good[:-1] + str((int(good[-1]) + 1) % 10)
    upload = csv_upload(
        "struktur-fejl.csv",
        [
            HEADER,
            f"N-X1;Enhed med forkert EAN;Institution;N-BU;{bad_ean};",
            "N-X2;Enhed uden forælder;Institution;N-FINDES-IKKE;;",
            "N-X3;Cyklus Ærø;Institution;N-X4;;",
            "N-X4;Cyklus Øster;Institution;N-X3;;",
            "N-X5;Helt i orden;Skole;N-BU;;",
        ],
    )
    ui.force_login(world.mette)
    ui.goto("/o/nordby/enheder/import/", "form")

    ui.page.get_by_label("Fil med organisationsstrukturen (CSV eller XLSX)").set_input_files(upload)
    with ui.page.expect_navigation() as navigation:
        ui.page.get_by_role("button", name="Importér").click()
    ui.snap("errors")
    assert navigation.value.status == 422

    expect(ui.page.locator(".alert-error")).to_contain_text(
        "struktur-fejl.csv har 3 fejl. Intet er importeret."
    )
    rows = ui.page.locator("[data-testid=import-errors] tbody tr")
    expect(rows).to_have_count(3)
    cells = [[c.strip() for c in row.locator("td").all_inner_texts()] for row in rows.all()]
    assert [c[0] for c in cells] == ["2", "3", "4"]
    assert cells[0][1] == "EAN" and cells[0][2] == bad_ean
    assert "forkert kontrolciffer" in cells[0][3]
    assert cells[1][1] == "Overordnet" and cells[1][2] == "N-FINDES-IKKE"
    assert "findes hverken i filen" in cells[1][3]
    assert "Cyklus" in cells[2][3] and "N-X3 → N-X4 → N-X3" in cells[2][3]
    assert "række 4, 5" in cells[2][3]

    assert not OrgUnit.objects.filter(code__startswith="N-X").exists()
    ui.goto("/o/nordby/enheder/", "unchanged")
    expect(ui.page.locator("[data-testid=units] caption")).to_have_text("7 enheder")


def test_a_file_that_is_not_a_table_is_refused_in_danish(world, ui):
    ui.force_login(world.mette)
    ui.goto("/o/nordby/enheder/import/", "form")
    ui.page.get_by_label("Fil med organisationsstrukturen (CSV eller XLSX)").set_input_files(
        {"name": "struktur.csv", "mimeType": "text/csv", "buffer": b"%PDF-1.7\x00\x01\x02\x03" * 50}
    )
    ui.submit("Importér", "refused")

    error = ui.page.get_by_test_id("file-error")
    expect(error).to_contain_text("Filen kunne ikke læses")
    assert OrgUnit.objects.filter(organisation=world.nordby).count() == 7


def test_export_the_structure_as_csv(world, ui):
    ui.force_login(world.mette)
    ui.goto("/o/nordby/enheder/", "units")

    with ui.page.expect_download() as download:
        ui.page.get_by_role("link", name="Hent som CSV").click()
    assert download.value.suggested_filename == "nordby-struktur.csv"
    data = Path(download.value.path()).read_bytes()

    assert data.startswith(b"\xef\xbb\xbf")  # BOM: Danish Excel opens it as UTF-8
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Enhedskode", "Navn", "Type", "Overordnet", "EAN", "Omkostningssted"]
    by_code = {row[0]: row for row in rows[1:]}
    assert set(by_code) == {u.code for u in world.units.values()}
    assert by_code["N-SOLK"][1:4] == ["Plejecenter Solhaven, køkken", "kitchen", "N-SOL"]
    assert by_code["N-SOLK"][4] == world.units["SOLK"].eans.get().ean


def test_an_exported_file_imports_back_unchanged(world, ui):
    ui.force_login(world.mette)
    ui.goto("/o/nordby/enheder/", "units")
    with ui.page.expect_download() as download:
        ui.page.get_by_role("link", name="Hent som CSV").click()
    exported = Path(download.value.path()).read_bytes()

    ui.page.get_by_role("link", name="Importér fra fil").click()
    ui.page.wait_for_url("**/enheder/import/")
    ui.page.get_by_label("Fil med organisationsstrukturen (CSV eller XLSX)").set_input_files(
        {"name": "nordby-struktur.csv", "mimeType": "text/csv", "buffer": exported}
    )
    ui.submit("Importér", "round-trip")

    assert import_counts(ui, "nordby-struktur.csv") == [0, 0, 7]


def test_a_unit_created_inactive_is_inactive(world, ui):
    """(Found by this test: unit_create used to ignore the "Aktiv" checkbox.)"""
    ui.force_login(world.mette)
    ui.goto("/o/nordby/enheder/ny/", "form")
    ui.page.get_by_label("Enhedskode").fill("N-LUK")
    ui.page.get_by_label("Navn", exact=True).fill("Lukket afdeling")
    ui.page.get_by_label("Aktiv").uncheck()
    ui.submit("Gem", "created")

    assert ui.heading() == "Lukket afdeling inaktiv"
    assert not OrgUnit.objects.get(code="N-LUK").active


def test_deactivate_a_unit(world, ui):
    ui.force_login(world.mette)
    ui.goto(f"/o/nordby/enheder/{world.units['LIN'].pk}/rediger/", "form")
    expect(ui.page.get_by_label("Aktiv")).to_be_checked()
    ui.page.get_by_label("Aktiv").uncheck()
    ui.submit("Gem", "saved")

    expect(ui.page.locator("h1 .badge")).to_have_text("inaktiv")
    expect(ui.page.get_by_test_id("history").locator("tbody tr").first).to_contain_text(
        "Aktiv: Ja → Nej"
    )
    ui.goto("/o/nordby/enheder/", "list")
    expect(ui.page.get_by_role("row").filter(has_text="Plejecenter Lindehøj")).to_contain_text(
        "inaktiv"
    )


def test_markup_in_a_name_is_shown_as_text(world, ui):
    name = "<img src=x onerror=\"document.title='pw'+'ned'\"> Børnehus <b>fed</b>"
    ui.force_login(world.mette)
    ui.goto("/o/nordby/enheder/ny/", "form")
    ui.page.get_by_label("Enhedskode").fill("N-XSS")
    ui.page.get_by_label("Navn", exact=True).fill(name)
    ui.submit("Gem", "created")

    assert ui.heading() == name
    expect(ui.page.locator("main img")).to_have_count(0)
    expect(ui.page.locator("main b")).to_have_count(0)
    assert "pwned" not in ui.page.title()
    ui.goto("/o/nordby/", "dashboard-log")
    expect(ui.page.locator("main img")).to_have_count(0)
    assert ui.console_errors == []


def test_filter_by_type(world, ui):
    ui.force_login(world.mette)
    ui.goto("/o/nordby/enheder/", "units")
    ui.page.get_by_label("Type").select_option(label="Plejecenter")
    ui.submit("Vis", "care-homes")

    names = ui.page.locator("[data-testid=units] td.name a").all_inner_texts()
    assert sorted(names) == ["Plejecenter Lindehøj", "Plejecenter Solhaven"]
    assert "type=care_home" in ui.page.url
    expect(ui.page.get_by_label("Type")).to_have_value("care_home")


def test_a_large_structure_is_paged(world, ui):
    """A municipality has hundreds of institutions: 200 a page, the search kept across pages."""
    lines = [HEADER] + [f"N-I{n:03d};Institution nr. {n};Institution;N-BU;;" for n in range(1, 251)]
    ui.force_login(world.mette)
    ui.goto("/o/nordby/enheder/import/", "form")
    ui.page.get_by_label("Fil med organisationsstrukturen (CSV eller XLSX)").set_input_files(
        csv_upload("stor.csv", lines)
    )
    ui.submit("Importér", "imported")
    assert import_counts(ui, "stor.csv") == [250, 0, 0]

    expect(ui.page.locator("[data-testid=units] caption")).to_have_text("257 enheder")
    expect(unit_rows(ui)).to_have_count(200)
    pages = ui.page.get_by_role("navigation", name="Sider")
    expect(pages).to_contain_text("Side 1 af 2")
    with ui.page.expect_navigation():
        pages.get_by_role("link", name="Næste").click()
    ui.snap("page-2")
    expect(unit_rows(ui)).to_have_count(57)
    expect(ui.page.get_by_role("navigation", name="Sider")).to_contain_text("Side 2 af 2")

    ui.page.get_by_label("Søg (navn, kode, EAN, omkostningssted)").fill("Institution nr.")
    ui.submit("Vis", "search")
    expect(ui.page.locator("[data-testid=units] caption")).to_have_text("250 enheder")
    with ui.page.expect_navigation():
        ui.page.get_by_role("navigation", name="Sider").get_by_role("link", name="Næste").click()
    ui.snap("search-page-2")
    expect(unit_rows(ui)).to_have_count(50)
    expect(ui.page.get_by_label("Søg (navn, kode, EAN, omkostningssted)")).to_have_value(
        "Institution nr."
    )
