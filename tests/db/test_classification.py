"""Classification through the database layer: after import, confirmations, rules, retraining,
deletion, the review queue, the API and the CLI contract."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb
import pytest

from omlob.audit.record import Actor
from omlob.classification import actions, queries
from omlob.classification.models import (
    ClassificationJob,
    ClassifiedBatch,
    Confirmation,
    Rule,
    TextModel,
)
from omlob.core.classify.cascade import STEPS
from omlob.organisations import actions as org_actions
from omlob.organisations.models import Membership
from omlob.spend import actions as spend
from omlob.spend import storage
from omlob.spend.models import Batch, ImportJob
from omlob.synthetic.generate import Buyer, generate_invoices
from omlob.synthetic.writers import write_csv
from tests import clirun

ACTOR = Actor.system("test")


def _buyers(world: Any) -> list[Buyer]:
    buyers = []
    for unit in world.units.values():
        ean = unit.eans.first()
        centre = unit.cost_centres.first()
        buyers.append(
            Buyer(unit.name, unit.kind, ean.ean if ean else None, centre.code if centre else None)
        )
    return buyers


def _import(world: Any, path: Path) -> Batch:
    with path.open("rb") as handle:
        job = spend.create_job(
            actor=ACTOR, org=world.nordby, uploads=[spend.Upload(path.name, handle)]
        )
    assert job.status == ImportJob.Status.QUEUED, job.files
    job = spend.run_job(job.pk)
    assert job.status == ImportJob.Status.DONE, job.message
    return Batch.objects.get(pk=job.pk)


def _run_queued() -> list[ClassificationJob]:
    done = []
    for job in ClassificationJob.objects.filter(status=ClassificationJob.Status.QUEUED):
        done.append(actions.run_job(job.pk))
    return done


def _results(batch: Batch) -> dict[int, dict[str, Any]]:
    classified = ClassifiedBatch.objects.get(batch=batch)
    path = storage.absolute(classified.result_file)
    cursor = duckdb.connect().execute(f"SELECT * FROM read_parquet('{path}')")
    names = [d[0] for d in cursor.description]
    return {row[0]: dict(zip(names, row, strict=True)) for row in cursor.fetchall()}


@pytest.fixture
def invoices(world) -> list[Any]:
    return list(generate_invoices(_buyers(world), 2025, 800, seed=11))


@pytest.fixture
def batch(world, invoices, tmp_path) -> Batch:
    path = tmp_path / "indkobssystem.csv"
    write_csv(invoices, path, "web-utf8", seed=3)  # with a label column, as web systems have
    found = _import(world, path)
    jobs = _run_queued()
    assert [j.status for j in jobs] == [ClassificationJob.Status.DONE], [j.message for j in jobs]
    return found


def test_an_import_is_classified_line_by_line(world, batch, invoices):
    results = _results(batch)
    assert len(results) == batch.accepted
    for row in results.values():
        assert row["step"] in STEPS
        assert 0.0 <= row["confidence"] <= 1.0
        assert row["quality"] in ("high", "medium", "low")
        assert row["segment"] and len(row["segment"]) == 8
    # The synthetic truth: each line's UNSPSC segment and organic flag.
    con = duckdb.connect()
    lines = con.execute(
        "SELECT line_key, description, labels "
        f"FROM read_parquet('{storage.absolute(batch.lines_file)}')"
    ).fetchall()
    by_text = {}
    for invoice in invoices:
        for line in invoice.lines:
            by_text[(line.description, line.labels or None)] = line.item
    right = total = organic_right = organic_total = 0
    for key, text, labels in lines:
        item = by_text.get((text, labels))
        if item is None:
            continue
        total += 1
        right += results[key]["segment"][:2] == item.unspsc[:2]
        organic_total += 1
        organic_right += bool(results[key]["organic"]) == item.organic
    assert total > 500
    assert right / total >= 0.9, right / total
    assert organic_right / organic_total >= 0.98, organic_right / organic_total
    classified = ClassifiedBatch.objects.get(batch=batch)
    assert classified.lines == batch.accepted
    assert classified.high_spend_dkk > 0
    # The batch's line list shows each line's classification.
    from omlob.spend import queries as spend_queries

    _total, page = spend_queries.batch_lines(batch, limit=5)
    assert [row["unspsc"] for row in page] == [results[row["line_key"]]["unspsc"] for row in page]
    # Food bought by the kilogram has its weight.
    kilos = [r for r in results.values() if r["kg"] is not None and r["segment"] == "50000000"]
    assert kilos


def test_confirming_a_group_reclassifies_only_its_lines(world, batch):
    before = _results(batch)
    groups, total = queries.review_groups(world.nordby)
    assert groups and total >= len(groups)
    target = groups[0]
    cvr, text = target.group_key.split("|", 1)
    changed_at = ClassifiedBatch.objects.get(batch=batch).changed_at
    job = actions.confirm_groups(
        actor=ACTOR, org=world.nordby, groups=[(cvr, text)], unspsc="50131701", organic=True
    )
    assert job.kind == ClassificationJob.Kind.AFFECTED
    done = actions.run_job(job.pk)
    assert done.status == ClassificationJob.Status.DONE, done.message
    after = _results(batch)
    affected = {k for k, r in after.items() if r["group_key"] == target.group_key}
    assert affected
    for key, row in after.items():
        if key in affected:
            assert row["step"] == "confirmed" and row["unspsc"] == "50131701"
            assert row["organic"] is True
        else:
            assert row == before[key]
    assert ClassifiedBatch.objects.get(batch=batch).changed_at > changed_at
    assert done.result["changed_lines"] == len(affected)
    # Confirmed groups leave the queue.
    keys = {g.group_key for g in queries.review_groups(world.nordby, limit=10_000)[0]}
    assert target.group_key not in keys


def test_a_rule_made_from_a_confirmation_applies_to_new_imports(world, batch, invoices, tmp_path):
    groups, _ = queries.review_groups(world.nordby, limit=200)
    target = next(g for g in groups if g.supplier_cvr)
    cvr, text = target.group_key.split("|", 1)
    job = actions.confirm_groups(
        actor=ACTOR,
        org=world.nordby,
        groups=[(cvr, text)],
        unspsc="50201706",
        make_rule=True,
        rule_for_supplier=True,
    )
    actions.run_job(job.pk)
    rule = Rule.objects.get(organisation=world.nordby)
    assert rule.supplier_cvr == cvr and rule.unspsc == "50201706"
    knowledge = actions.knowledge_for(world.nordby)
    from omlob.core.classify.cascade import classify_texts

    [same, other] = classify_texts(
        knowledge,
        [
            {"supplier_cvr": cvr, "description": text.upper() + " 2 KG"},
            {"supplier_cvr": "99999999", "description": text},
        ],
    )
    assert same.unspsc == "50201706" and same.step in ("rule", "confirmed")
    assert other.step != "rule" or other.unspsc != "50201706"


def test_wrong_codes_are_refused_with_a_danish_message(world, batch):
    with pytest.raises(actions.ClassificationError, match="UNSPSC"):
        actions.confirm_groups(actor=ACTOR, org=world.nordby, groups=[("", "kaffe")], unspsc="99")
    with pytest.raises(actions.ClassificationError, match="Produktet"):
        actions.confirm_groups(
            actor=ACTOR, org=world.nordby, groups=[("", "kaffe")], unspsc="", product="nope"
        )
    assert not Confirmation.objects.exists()


def test_retraining_makes_a_version_with_its_evaluation(world, batch):
    groups, _ = queries.review_groups(world.nordby, limit=3)
    for group in groups:
        cvr, text = group.group_key.split("|", 1)
        actions.confirm_groups(
            actor=ACTOR, org=world.nordby, groups=[(cvr, text)], unspsc=group.unspsc or "50000000"
        )
    row = actions.train(world.nordby)
    assert row.version == 1 and row.active
    assert row.confirmed_examples == len(groups)
    assert 0.5 < row.metrics["segment_accuracy"] <= 1.0
    assert Path(storage.absolute(row.file)).exists()
    model, active = actions.active_model(world.nordby)
    assert active == row and model.version == f"org{world.nordby.pk}-v1"
    second = actions.train(world.nordby)
    assert second.version == 2
    assert list(TextModel.objects.filter(active=True)) == [second]


def test_deleting_a_batch_removes_its_classification(
    world, batch, django_capture_on_commit_callbacks
):
    path = storage.absolute(ClassifiedBatch.objects.get(batch=batch).result_file)
    assert path.exists()
    with django_capture_on_commit_callbacks(execute=True):
        spend.delete_batch(actor=ACTOR, batch=batch)
    assert not ClassifiedBatch.objects.exists()
    assert not path.exists()


def test_api_summary_review_confirm_and_texts(world, batch, client):
    membership = Membership.objects.get(user=world.mette, organisation=world.nordby)
    token = org_actions.create_token(actor=ACTOR, membership=membership, name="bi")[1]
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    base = "/api/v1/organisations/nordby/classification"
    summary = client.get(base, **auth).json()
    assert summary["lines"] == batch.accepted == summary["classified"]
    assert 0 < summary["high_confidence_share"] <= 1
    review = client.get(base + "/review?limit=5", **auth).json()
    assert review["count"] >= len(review["items"]) > 0
    group = review["items"][0]["group"]
    bad = client.post(
        base + "/confirmations",
        data=json.dumps({"groups": [group], "unspsc": "99"}),
        content_type="application/json",
        **auth,
    )
    assert bad.status_code == 422 and "UNSPSC" in bad.json()["detail"]
    ok = client.post(
        base + "/confirmations",
        data=json.dumps({"groups": [group], "unspsc": "50131701"}),
        content_type="application/json",
        **auth,
    )
    assert ok.status_code == 202 and ok.json()["kind"] == "affected"
    texts = client.post(
        base + "/texts",
        data=json.dumps({"items": [{"description": "Øko letmælk 1 l"}, {"description": ""}]}),
        content_type="application/json",
        **auth,
    ).json()
    assert texts[0]["unspsc"].startswith("5013") and "organic" in texts[0]["labels"]
    assert texts[1]["quality"] == "low" and texts[1]["reason"]
    # A viewer may read but not confirm.
    viewer = Membership.objects.get(user=world.lise, organisation=world.nordby)
    lise = org_actions.create_token(actor=ACTOR, membership=viewer, name="bi")[1]
    refused = client.post(
        base + "/confirmations",
        data=json.dumps({"groups": [group], "unspsc": "50131701"}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {lise}",
    )
    assert refused.status_code == 403


def test_cli_classify_text_without_a_database(tmp_path):
    env = clirun.cli_env(tmp_path)
    lines = [
        "Øko gulerødder 10 kg ks",
        "12345674\tHP EliteBook 840 G6 refurb",
        "",
        "\x00\x01binær",
        "x" * 10_000,
        "Kaffe Ø-mærket 8x500g",
        "Папір A4 kopipapir",
    ]
    result = clirun.omlob("classify-text", env=env, stdin="\n".join(lines) + "\n")
    assert result.returncode == 0, result.stderr
    out = result.stdout.splitlines()
    assert len(out) == len(lines)
    fields = [line.split("\t") for line in out]
    assert all(len(f) == 4 for f in fields)
    assert fields[0][0].startswith("504") and "organic" in fields[0][3]
    assert fields[1][0].startswith("4321") and "refurbished" in fields[1][3]
    assert float(fields[2][2]) < 0.5 and float(fields[4][2]) < 0.8
    assert fields[5][0].startswith("50") and "organic" in fields[5][3]
    assert fields[6][0].startswith("14")
    assert not (tmp_path / "omlob.sqlite3").exists()


def test_cli_classify_json_contract(tmp_path):
    env = clirun.cli_env(tmp_path)
    assert clirun.omlob("setup", env=env).returncode == 0
    assert clirun.omlob("demo", "--lines", "1500", env=env, timeout=300).returncode == 0
    result = clirun.omlob("classify", "--org", "demo", "--json", env=env, timeout=300)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    for key in ("organisation", "lines", "batches", "high_spend_share", "by_step", "seconds"):
        assert key in data
    assert data["lines"] > 1000 and data["batches"] >= 4
    missing = clirun.omlob("classify", "--org", "ingen", env=env)
    assert missing.returncode == 2 and "findes ikke" in missing.stderr


def test_a_suppliers_product_file_gives_texts_and_labels(world):
    from omlob.classification import masterdata
    from omlob.core.classify.cascade import classify_texts
    from omlob.core.tabular import TableError

    data = (
        "Varekatalog Grossisten A/S 2025\n\n"
        "Varenr.;Beskrivelse;Øko\n"
        "4711;Gulerødder 10 kg;Ja\n"
        "4712;Letmælk 1 l;Nej\n"
    ).encode("cp1252")
    loaded = masterdata.load_items(world.nordby, "12345674", data, "varer.csv")
    assert (loaded.created, loaded.updated) == (2, 0)
    again = masterdata.load_items(world.nordby, "DK 12 34 56 74", data, "varer.csv")
    assert (again.created, again.updated) == (0, 0)
    knowledge = actions.knowledge_for(world.nordby)
    [carrot, milk, other] = classify_texts(
        knowledge,
        [
            {"supplier_cvr": "12345674", "item_number": "4711", "description": ""},
            {"supplier_cvr": "12345674", "item_number": "4712", "description": "Vnr 4712"},
            {"supplier_cvr": "87654321", "item_number": "4711", "description": ""},
        ],
    )
    assert carrot.unspsc.startswith("5040") and "organic" in carrot.labels
    assert "organic" not in milk.labels
    assert other.confidence < 0.5  # another supplier's item 4711 is not this one
    with pytest.raises(TableError, match="varenummer"):
        masterdata.load_items(world.nordby, "12345674", b"Navn;Pris\nA;1\n", "x.csv")
    with pytest.raises(TableError, match="8 cifre"):
        masterdata.load_items(world.nordby, "123", data, "varer.csv")


def test_supplier_trades_load_whole_or_not_at_all(world):
    from omlob.classification import masterdata
    from omlob.classification.models import SupplierTrade
    from omlob.core.tabular import TableError

    good = b"CVR-nr.;Navn;Branchekode\n12345674;Grossisten A/S;46.39\n"
    assert masterdata.load_trades(world.nordby, good, "brancher.csv").created == 1
    bad = b"CVR-nr.;Navn;Branchekode\n87654321;Taxa;49.32\n123;Fejl;62.01\n"
    with pytest.raises(TableError, match="Række 3, kolonne A"):
        masterdata.load_trades(world.nordby, bad, "brancher.csv")
    assert list(SupplierTrade.objects.values_list("cvr", flat=True)) == ["12345674"]
    knowledge = actions.knowledge_for(world.nordby)
    from omlob.core.classify.cascade import classify_texts

    [line] = classify_texts(knowledge, [{"supplier_cvr": "12345674", "description": "Fragt"}])
    assert line.unspsc


def test_suggestions_are_confirmed_all_or_none(world):
    job = actions.confirm_suggestions(
        actor=ACTOR,
        org=world.nordby,
        groups=[
            ("12345674", "rosenkål frost", "50440000", "food.brussels_sprouts"),  # frozen state
            ("12345674", "letmælk", "50131701", ""),
        ],
    )
    assert job.kind == ClassificationJob.Kind.AFFECTED
    assert Confirmation.objects.count() == 2
    with pytest.raises(actions.ClassificationError):
        actions.confirm_suggestions(
            actor=ACTOR,
            org=world.nordby,
            groups=[("12345674", "kaffe", "50201706", ""), ("12345674", "te", "99", "")],
        )
    with pytest.raises(actions.ClassificationError, match="CVR"):
        actions.confirm_groups(
            actor=ACTOR, org=world.nordby, groups=[("x" * 60, "kaffe")], unspsc="50201706"
        )
    assert Confirmation.objects.count() == 2
