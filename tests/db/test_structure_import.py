"""Importing the org structure from CSV/XLSX through the page: all or nothing, clear errors."""

from __future__ import annotations

import io
import re

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from omlob.audit.models import AuditEvent
from omlob.core.codes import make_gln
from omlob.organisations.models import CostCentre, OrgUnit, UnitEAN

HEADER = "Enhedskode;Navn;Type;Overordnet;EAN;Omkostningssted"


def _csv(*lines: str, encoding: str = "cp1252") -> bytes:
    return ("\r\n".join([HEADER, *lines]) + "\r\n").encode(encoding)


def _upload(client, content: bytes, name: str = "struktur.csv", **extra):
    return client.post(
        "/o/nordby/enheder/import/", {"file": SimpleUploadedFile(name, content), **extra}
    )


@pytest.fixture
def mette(world, client):
    client.force_login(world.mette)
    return client


def test_import_creates_updates_and_never_duplicates(world, mette):
    ean = make_gln("579800133333")
    sol_ean = world.units["SOL"].eans.get().ean
    content = _csv(
        "N-SUN;Sundhed og Omsorg;forvaltning;;;",
        f"N-AAB;Plejecenter Åbakken;Plejecenter;N-SUN;{ean};30001",
        "N-AABK;Plejecenter Åbakken, køkken;Storkøkken;N-AAB;;30002, 30003",
        f"N-SOL;Plejecenter Solhaven (nyt navn);care_home;N-PLE;{sol_ean};10003",
    )
    response = _upload(mette, content)
    assert response.status_code == 302, response.content.decode().split("<main")[1][:3000]
    kitchen = OrgUnit.objects.get(organisation=world.nordby, code="N-AABK")
    assert kitchen.kind == "kitchen" and kitchen.parent.code == "N-AAB"
    assert sorted(kitchen.cost_centres.values_list("code", flat=True)) == ["30002", "30003"]
    assert kitchen.path.startswith(OrgUnit.objects.get(code="N-SUN").path)
    assert (
        OrgUnit.objects.get(organisation=world.nordby, code="N-SOL").name
        == "Plejecenter Solhaven (nyt navn)"
    )
    units_before = OrgUnit.objects.count()
    events_before = AuditEvent.objects.count()
    again = _upload(mette, content)
    assert again.status_code == 302
    assert OrgUnit.objects.count() == units_before
    # a second identical import changes nothing but records that it ran
    assert AuditEvent.objects.count() == events_before + 1
    follow = mette.get("/o/nordby/enheder/")
    assert "Nye enheder: 0, ændrede: 0, uændrede: 4" in follow.content.decode()


def test_a_file_with_errors_imports_nothing_and_names_every_problem(world, mette):
    good = make_gln("579800144444")
    bad = good[:-1] + str((int(good[-1]) + 1) % 10)
    content = _csv(
        f"N-NY1;Ny institution;institution;N-AS;{good};40001",
        f"N-NY2;Forkert EAN;institution;N-AS;{bad};40002",
        "N-NY3;Forældreløs;institution;N-FINDES-IKKE;;40003",
        "N-C1;Cyklus A;institution;N-C2;;",
        "N-C2;Cyklus B;institution;N-C1;;",
        "N-NY1;Dublet;institution;N-AS;;",
    )
    before = (OrgUnit.objects.count(), UnitEAN.objects.count(), CostCentre.objects.count())
    response = _upload(mette, content)
    assert response.status_code == 422
    body = response.content.decode()
    assert "kontrolciffer" in body
    assert "N-FINDES-IKKE" in body
    assert "Cyklus" in body or "cyklus" in body
    assert "N-NY1" in body
    rows = [int(cell) for cell in re.findall(r"<tr><td>(\d+)</td>", body)]
    assert {3, 4, 5, 7} <= set(rows)  # the cycle (rows 5 and 6) is one error naming both
    assert "5, 6" in body
    assert "Intet er importeret" in body
    assert (OrgUnit.objects.count(), UnitEAN.objects.count(), CostCentre.objects.count()) == before


def test_unreadable_and_incomplete_files_get_a_clear_message(world, mette):
    response = _upload(mette, b"\x00\x01\x02\x03" * 100, "struktur.csv")
    assert response.status_code == 422
    assert "kan ikke læses" in response.content.decode()
    response = _upload(mette, b"Navn;Type\r\nSkolen;school\r\n", "struktur.csv")
    assert response.status_code == 422
    assert "Enhedskode" in response.content.decode() or "kode" in response.content.decode()
    response = _upload(mette, b"", "tom.csv")
    assert response.status_code in (200, 422)
    assert OrgUnit.objects.filter(organisation=world.nordby).count() == 7


def test_dry_run_checks_without_importing(world, mette):
    response = _upload(mette, _csv("N-NY;Ny;institution;N-AS;;"), dry_run="on")
    assert response.status_code == 200
    assert "er i orden" in response.content.decode()
    assert not OrgUnit.objects.filter(code="N-NY").exists()


def test_xlsx_with_title_rows_and_numeric_eans(world, mette):
    ean = make_gln("579800166666")
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Organisationsstruktur, Nordby Kommune"])
    sheet.append([])
    sheet.append(["Kode", "Enhed", "Type", "Overordnet kode", "EAN-nr.", "Omk.sted"])
    sheet.append(["N-XL", "Excel-skolen", "Skole", "N-BU", int(ean), 50001])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = _upload(mette, buffer.getvalue(), "struktur.xlsx")
    assert response.status_code == 302, response.content.decode()[:3000]
    unit = OrgUnit.objects.get(organisation=world.nordby, code="N-XL")
    assert list(unit.eans.values_list("ean", flat=True)) == [ean]
    assert list(unit.cost_centres.values_list("code", flat=True)) == ["50001"]


def test_a_file_without_parent_column_keeps_the_tree(world, mette):
    content = "Enhedskode;Navn\r\nN-SOLK;Solhavens køkken\r\n".encode()
    assert _upload(mette, content).status_code == 302
    kitchen = OrgUnit.objects.get(organisation=world.nordby, code="N-SOLK")
    assert kitchen.name == "Solhavens køkken"
    assert kitchen.parent.code == "N-SOL" and kitchen.kind == "kitchen"
    assert kitchen.eans.count() == 1


def test_export_round_trips_through_import(world, mette):
    exported = mette.get("/o/nordby/enheder/eksport.csv")
    assert exported["Content-Type"].startswith("text/csv")
    before = AuditEvent.objects.count()
    response = _upload(mette, exported.content, "eksport.csv")
    assert response.status_code == 302
    assert AuditEvent.objects.count() == before + 1  # only the "imported" event: nothing changed


def test_viewer_cannot_import(world, client):
    client.force_login(world.lise)
    assert _upload(client, _csv("N-NY;Ny;institution;;;")).status_code == 403
    assert not OrgUnit.objects.filter(code="N-NY").exists()


def test_the_demo_municipality_has_the_promised_shape(db):
    from omlob.organisations.demo import create_demo

    org = create_demo()
    units = OrgUnit.objects.filter(organisation=org)
    assert units.filter(kind="forvaltning").count() == 6
    institutions = units.exclude(kind__in=["forvaltning", "omraade"])
    assert 75 <= institutions.count() <= 90
    assert 22 <= units.filter(kind="kitchen").count() <= 30
    assert UnitEAN.objects.filter(organisation=org).count() == institutions.count()
    count = units.count()
    create_demo()
    assert OrgUnit.objects.filter(organisation=org).count() == count
