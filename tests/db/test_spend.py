"""Purchase import through the database layer: jobs, batches, refusal, duplicates, deletion,
unknown unit codes, re-runs, the CLI contract and an import killed with SIGKILL."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest
from django.core.exceptions import ValidationError

from omlob.audit.models import AuditEvent
from omlob.audit.record import Actor
from omlob.core.codes import make_gln
from omlob.spend import actions, queries, storage
from omlob.spend.models import Batch, BatchFile, ImportJob, MappingProfile
from omlob.synthetic.generate import Buyer, generate_invoices, repeat_share, second_export
from omlob.synthetic.writers import write_csv, write_ubl_zip
from tests import clirun

PROJECT = Path(__file__).resolve().parents[2]
ACTOR = Actor.system("test")
UNKNOWN_EAN = make_gln("579800999999")


def _buyers(world: Any) -> list[Buyer]:
    buyers = []
    for unit in world.units.values():
        ean = unit.eans.first()
        centre = unit.cost_centres.first()
        buyers.append(
            Buyer(unit.name, unit.kind, ean.ean if ean else None, centre.code if centre else None)
        )
    buyers.append(Buyer("Ukendt køkken", "kitchen", UNKNOWN_EAN, None))
    return buyers


def _import(world: Any, *paths: Path, **options: Any) -> ImportJob:
    handles = [p.open("rb") for p in paths]
    try:
        job = actions.create_job(
            actor=ACTOR,
            org=world.nordby,
            uploads=[actions.Upload(p.name, h) for p, h in zip(paths, handles, strict=True)],
            **options,
        )
    finally:
        for h in handles:
            h.close()
    assert job.status == ImportJob.Status.QUEUED, job.files
    return actions.run_job(job.pk)


def _lines(world: Any) -> list[dict[str, Any]]:
    con = queries.connect()
    if not queries.lines_view(con, world.nordby):
        return []
    cursor = con.execute("SELECT * FROM lines")
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


@pytest.fixture
def export(world, tmp_path) -> tuple[Path, list[Any]]:
    invoices = list(generate_invoices(_buyers(world), 2025, 600, seed=7))
    path = tmp_path / "kreditorposter.csv"
    write_csv(invoices, path, "excel-da", mess=0.02, seed=1)
    return path, invoices


def test_csv_export_becomes_a_batch_with_quarantine(world, export):
    path, invoices = export
    job = _import(world, path)
    assert job.status == ImportJob.Status.DONE, job.message
    batch = Batch.objects.get(pk=job.pk)
    rows = sum(len(i.lines) for i in invoices)
    assert batch.accepted + batch.rejected == rows
    assert batch.rejected > 0 and batch.duplicates == 0
    assert job.result["accepted"] == batch.accepted
    lines = _lines(world)
    assert len(lines) == batch.accepted
    assert sum(line["net_amount_dkk"] for line in lines) == batch.total_dkk
    # every rejected row is kept with its reasons and its original cells
    header, rejected = queries.rejects_table(batch)
    assert len(rejected) == batch.rejected
    assert header[:3] == ["Fil", "Række", "Fejl"] and "Beløb ekskl. moms" in header
    assert all(row[2] and len(row) == len(header) for row in rejected)
    # the unknown EAN is imported without a unit and listed for mapping
    codes = {c.code: c for c in queries.unmapped_codes(world.nordby)}
    assert UNKNOWN_EAN in codes and codes[UNKNOWN_EAN].lines == batch.unmapped_lines
    assert AuditEvent.objects.filter(organisation=world.nordby, action="imported").count() == 1


def test_same_file_twice_is_refused_and_can_be_imported_after_deletion(world, export):
    path, _ = export
    job = _import(world, path)
    with pytest.raises(ValidationError, match="allerede importeret"):
        _import(world, path)
    batch = Batch.objects.get(pk=job.pk)
    lines_file = storage.absolute(batch.lines_file)
    assert lines_file.exists()
    with pytest.raises(ValidationError):
        _import(world, path)
    from django.db import transaction

    with transaction.atomic():
        actions.delete_batch(actor=ACTOR, batch=batch)
    assert not Batch.objects.exists() and not BatchFile.objects.exists()
    assert _lines(world) == []
    again = _import(world, path)
    assert Batch.objects.get(pk=again.pk).accepted == batch.accepted


def test_overlapping_exports_count_each_line_once(world, tmp_path):
    buyers = _buyers(world)
    first = list(generate_invoices(buyers, 2025, 400, seed=3))
    fresh = list(generate_invoices(buyers, 2025, 200, seed=4))
    second = list(second_export(iter(first), iter(fresh), share=0.5, seed=5))
    a, b = tmp_path / "jan.csv", tmp_path / "jan-feb.csv"
    write_csv(first, a, "web-utf8")
    write_csv(second, b, "web-utf8")
    one = Batch.objects.get(pk=_import(world, a).pk)
    two = Batch.objects.get(pk=_import(world, b).pk)
    expected_dups = sum(len(i.lines) for i in repeat_share(iter(first), 0.5, 5))
    assert one.rejected == 0 and two.rejected == 0
    assert two.duplicates == expected_dups > 0
    assert one.accepted + two.accepted == len(_lines(world))
    keys = [line["line_key"] for line in _lines(world)]
    assert len(keys) == len(set(keys))


def test_identical_lines_in_one_file_are_both_kept(world, tmp_path):
    path = tmp_path / "dobbelt.csv"
    row = "03-02-2025;F-1;Grønt Engros A/S;12345674;Gulerødder 10 kg;2;kg;125,00"
    path.write_text(
        "Fakturadato;Fakturanr.;Leverandør;CVR-nr.;Varetekst;Antal;Enhed;Beløb ekskl. moms\n"
        f"{row}\n{row}\n",
        encoding="utf-8",
    )
    batch = Batch.objects.get(pk=_import(world, path).pk)
    assert (batch.accepted, batch.duplicates, batch.total_dkk) == (2, 0, Decimal("250.00"))


def test_mapping_an_unknown_code_moves_its_lines_to_the_unit(world, export):
    path, _ = export
    _import(world, path)
    before = [line for line in _lines(world) if line["buyer_ean"] == UNKNOWN_EAN]
    assert before and all(line["org_unit_id"] is None for line in before)
    unit = world.units["LIN"]
    actions.map_unit_code(actor=ACTOR, org=world.nordby, code=UNKNOWN_EAN, unit=unit)
    after = [line for line in _lines(world) if line["buyer_ean"] == UNKNOWN_EAN]
    assert {line["org_unit_id"] for line in after} == {unit.pk}
    assert UNKNOWN_EAN not in {c.code for c in queries.unmapped_codes(world.nordby)}
    with pytest.raises(ValidationError):
        actions.map_unit_code(actor=ACTOR, org=world.nordby, code=UNKNOWN_EAN, unit=unit)
    with pytest.raises(ValidationError):
        actions.map_unit_code(
            actor=ACTOR, org=world.nordby, code="x", unit=world.sydby_units["SOL"]
        )


def test_unrecognised_columns_wait_for_mapping_and_the_profile_is_reused(world, tmp_path):
    header = "Kol1;Kol2;Kol3;Kol4\n"
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    first.write_text(header + "05-03-2025;Kontor ApS;12345674;1.500,00\n", encoding="utf-8")
    second.write_text(header + "06-03-2025;Kontor ApS;12345674;99,95-\n", encoding="utf-8")
    with first.open("rb") as handle:
        job = actions.create_job(
            actor=ACTOR, org=world.nordby, uploads=[actions.Upload("a.csv", handle)]
        )
    assert job.status == ImportJob.Status.DRAFT
    mapping = {"posting_date": 0, "supplier_name": 1, "supplier_cvr": 2, "net_amount": 3}
    job = actions.confirm_mapping(
        actor=ACTOR, job=job, index=0, mapping=mapping, profile_name="Opus kreditorposter"
    )
    assert job.status == ImportJob.Status.QUEUED
    assert actions.run_job(job.pk).result["total_dkk"] == "1500.00"
    job2 = _import(world, second)
    assert job2.files[0]["profile"] == "Opus kreditorposter"
    assert job2.result["total_dkk"] == "-99.95"
    assert MappingProfile.objects.get(organisation=world.nordby).mapping == mapping
    with pytest.raises(ValidationError, match="Beløb"):
        actions.confirm_mapping(actor=ACTOR, job=job, index=0, mapping={"posting_date": 0})


def test_rerun_with_a_corrected_mapping_replaces_the_batch(world, tmp_path):
    path = tmp_path / "x.csv"
    path.write_text(
        "Dato;Leverandør;Beløb;Andet beløb\n05-03-2025;Kontor ApS;10,00;1.000,00\n",
        encoding="utf-8",
    )
    old = Batch.objects.get(pk=_import(world, path).pk)
    assert old.total_dkk == Decimal("10.00")
    job = actions.rerun(actor=ACTOR, batch=old)
    job = actions.confirm_mapping(
        actor=ACTOR,
        job=job,
        index=0,
        mapping={"posting_date": 0, "supplier_name": 1, "net_amount": 3},
    )
    done = actions.run_job(job.pk)
    assert done.status == ImportJob.Status.DONE, done.message
    assert list(Batch.objects.values_list("pk", "total_dkk")) == [(done.pk, Decimal("1000.00"))]


def test_e_invoice_zip_and_foreign_currency(world, tmp_path):
    invoices = list(generate_invoices(_buyers(world), 2025, 300, seed=11))
    path = tmp_path / "fakturaer.zip"
    documents = write_ubl_zip(invoices, path, "peppol")
    job = _import(world, path)
    batch = Batch.objects.get(pk=job.pk)
    assert documents == len(invoices) and batch.rejected == 0
    lines = _lines(world)
    assert {line["currency"] for line in lines} >= {"DKK"}
    for line in lines:
        if line["currency"] != "DKK":
            assert line["exchange_rate"] > 0
            assert abs(
                line["amount_original"] * Decimal(str(line["exchange_rate"]))
                - line["net_amount_dkk"]
            ) <= Decimal("0.01")


def test_tenant_isolation_of_lines(world, export):
    path, _ = export
    _import(world, path)
    con = queries.connect()
    assert queries.lines_view(con, world.sydby) is False
    batch = Batch.objects.get()
    # reading another organisation's batch through its view yields nothing
    assert queries.lines_view(con, world.sydby, [batch]) is False


# --- the command line ---------------------------------------------------------------------


def _env(tmp_path: Path) -> dict[str, str]:
    return clirun.cli_env(tmp_path)


def _omlob(*args: str, env: dict[str, str], timeout: float = 180) -> subprocess.CompletedProcess:
    return clirun.omlob(*args, env=env, timeout=timeout)


@pytest.fixture
def cli_env(tmp_path) -> dict[str, str]:
    env = _env(tmp_path)
    assert _omlob("setup", env=env).returncode == 0
    created = _omlob("org", "create", "--slug", "k", "--name", "K Kommune", env=env)
    assert created.returncode == 0, created.stderr
    return env


def _buyer_rows() -> list[Buyer]:
    return [Buyer("Skole", "school", make_gln("579800100001"), "1001")]


def test_cli_import_json_contract_and_refusal(cli_env, tmp_path):
    path = tmp_path / "eksport.csv"
    write_csv(generate_invoices(_buyer_rows(), 2025, 300, seed=2), path, "excel-da", mess=0.02)
    result = _omlob("import", "--org", "k", "--json", str(path), env=cli_env)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert {"batch", "accepted", "rejected", "duplicates", "unmapped_units"} <= set(data)
    assert data["accepted"] + data["rejected"] == 300 and data["rejected"] > 0
    assert data["unmapped_units"] == 1  # the school's EAN is not in K Kommune
    again = _omlob("import", "--org", "k", "--json", str(path), env=cli_env)
    assert again.returncode == 2 and "allerede importeret" in again.stderr
    unknown = _omlob("import", "--org", "k", "--profile", "nope", str(path), env=cli_env)
    assert unknown.returncode == 2 and "nope" in unknown.stderr


def test_cli_import_names_the_columns_it_cannot_map(cli_env, tmp_path):
    path = tmp_path / "ukendt.csv"
    path.write_text("Kol1;Kol2\n05-03-2025;100,00\n", encoding="utf-8")
    result = _omlob("import", "--org", "k", str(path), env=cli_env)
    assert result.returncode == 2
    assert "Kol1" in result.stderr and "--profile" in result.stderr
    assert "Beløb ekskl. moms" in result.stderr


def test_killed_import_leaves_nothing_and_can_run_again(cli_env, tmp_path):
    """kill -9 at several moments: never a partial or half-registered batch."""
    path = tmp_path / "stor.csv"
    rows = write_csv(generate_invoices(_buyer_rows(), 2025, 80_000, seed=9), path, "web-utf8")
    data_dir = Path(cli_env["OMLOB_VAR_DIR"]) / "data"
    db = Path(cli_env["DATABASE_URL"].removeprefix("sqlite:///"))
    completed = None
    for delay in (0.5, 1.2, 2.0, 2.8):
        process = subprocess.Popen(
            [sys.executable, "-m", "omlob.cli", "import", "--org", "k", "--json", str(path)],
            env=cli_env,
            cwd=PROJECT,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        out, _err = process.communicate(timeout=60)
        con = duckdb.connect()
        batches = json.loads(_omlob("batch", "list", "--org", "k", "--json", env=cli_env).stdout)
        if process.returncode == 0:
            completed = json.loads(out)
        if batches:
            # registered means complete: the file holds exactly the counted lines
            assert len(batches) == 1
            lines = data_dir / "lines"
            files = list(lines.glob("*/batch-*.parquet"))
            registered = [f for f in files if f.name == f"batch-{batches[0]['batch']}.parquet"]
            assert len(registered) == 1
            count = con.execute(f"SELECT count(*) FROM '{registered[0]}'").fetchone()[0]
            assert count == batches[0]["accepted"] == rows
            completed = completed or batches[0]
            break
        assert db.exists()
    if completed is None:
        result = _omlob("import", "--org", "k", "--json", str(path), env=cli_env)
        assert result.returncode == 0, result.stderr
        data = json.loads(result.stdout)
        assert data["accepted"] + data["rejected"] == rows
    batches = json.loads(_omlob("batch", "list", "--org", "k", "--json", env=cli_env).stdout)
    assert len(batches) == 1
    assert batches[0]["accepted"] + batches[0]["rejected"] == rows


def test_a_job_runs_once_and_a_second_run_keeps_the_batch(world, export):
    path, _ = export
    job = _import(world, path)
    batch = Batch.objects.get(pk=job.pk)
    again = actions.run_job(job.pk)  # a duplicate task for the same job
    assert again.status == ImportJob.Status.DONE
    assert storage.absolute(batch.lines_file).exists()
    assert len(_lines(world)) == batch.accepted


def test_rerun_without_the_original_file_is_refused_clearly(world, export):
    path, _ = export
    batch = Batch.objects.get(pk=_import(world, path).pk)
    storage.absolute(batch.source_files.get().stored).unlink()
    with pytest.raises(ValidationError, match="findes ikke længere"):
        actions.rerun(actor=ACTOR, batch=batch)
