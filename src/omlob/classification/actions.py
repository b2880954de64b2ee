"""Classify an organisation's lines, learn from its people, and keep results current.

* :func:`classify` runs the cascade over batches and writes one result file per batch.
* :func:`confirm_groups` stores what a person confirmed (and maybe a rule) and queues the
  re-classification of only the lines it affects (:func:`reclassify_affected`).
* :func:`train` retrains the organisation's text model from the base corpus plus its
  confirmed lines, keeps the evaluation with the version, and re-classifies the lines the
  model decided.

Every change records ``changed_at`` on the batches whose results changed: figures computed
from those batches before that moment are stale (the footprint and organic pages say so).
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from decimal import Decimal
from typing import Any

import duckdb
import pyarrow as pa
from django.db import IntegrityError, transaction
from django.utils import timezone

from omlob.audit.record import Actor, record_event
from omlob.classification.models import (
    ClassificationJob,
    ClassifiedBatch,
    Confirmation,
    ItemMaster,
    Rule,
    SupplierTrade,
    TextModel,
)
from omlob.core.classify.cascade import (
    HIGH,
    Confirmed,
    Knowledge,
    affected_condition,
    classify_table,
    reclassify,
    text_key,
)
from omlob.core.classify.model import (
    TextModel as CoreModel,
)
from omlob.core.classify.model import (
    base_corpus,
    base_model,
    load_model,
    save_model,
    train_model,
)
from omlob.core.classify.rules import Rule as CoreRule
from omlob.core.classify.rules import RuleSet, builtin_rules
from omlob.core.classify.taxonomy import load_taxonomy, normalise_unspsc
from omlob.core.files import write_parquet_atomic
from omlob.core.valuesql import quote
from omlob.organisations.models import Organisation
from omlob.spend import storage
from omlob.spend.models import Batch

log = logging.getLogger(__name__)

Progress = Callable[[str, float], None]


class ClassificationError(Exception):
    """A user-facing problem (unknown code or product), message in Danish."""


@contextlib.contextmanager
def organisation_lock(org_id: int) -> Iterator[None]:
    """One classification job at a time per organisation, across processes on this machine.

    Jobs read, change and rewrite the same result files and number model versions; the
    worker and ``omlob classify`` take this lock (an advisory file lock) around that work.
    """
    folder = storage.data_dir() / "classified" / f"organisation={int(org_id)}"
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / ".lock").open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


# --- knowledge -----------------------------------------------------------------------------


def base_text_model() -> CoreModel:
    """The base model (trained once per installation and corpus, then cached on disk)."""
    return base_model(load_taxonomy(), storage.base_model_dir())


def active_model(org: Organisation) -> tuple[CoreModel, TextModel | None]:
    """The organisation's newest trained model, else the base model."""
    row = TextModel.objects.filter(organisation=org, active=True).order_by("-version").first()
    if row is not None:
        path = storage.absolute(row.file)
        if path.exists():
            try:
                return load_model(path), row
            except Exception:  # an unreadable file must not stop classification
                log.exception("text model %s could not be loaded; using the base model", path)
    return base_text_model(), None


def user_rules(org: Organisation) -> list[CoreRule]:
    rules = []
    for rule in Rule.objects.filter(organisation=org):
        keywords = tuple(k.strip() for k in rule.keywords.split("|") if k.strip())
        rules.append(
            CoreRule(
                keywords,
                rule.unspsc,
                rule.product or None,
                supplier_cvr=rule.supplier_cvr or None,
                labels=tuple(rule.labels or ()),
                source="user",
                rule_id=rule.pk,
            )
        )
    return rules


def knowledge_for(org: Organisation, model: CoreModel | None = None) -> Knowledge:
    """Everything the cascade needs about this organisation, read from the database."""
    taxonomy = load_taxonomy()
    confirmed = {
        (c.supplier_cvr or None, c.text_key): Confirmed(
            c.unspsc, c.product or None, tuple(c.labels) if c.labels is not None else None
        )
        for c in Confirmation.objects.filter(organisation=org)
    }
    return Knowledge(
        taxonomy=taxonomy,
        model=model or active_model(org)[0],
        confirmed=confirmed,
        rules=RuleSet([*user_rules(org), *builtin_rules(taxonomy)]),
        supplier_trades=dict(
            SupplierTrade.objects.filter(organisation=org).values_list("cvr", "nace")
        ),
        item_master={
            (m.supplier_cvr, m.item_number): (m.description, m.labels)
            for m in ItemMaster.objects.filter(organisation=org)
        },
    )


# --- classifying ---------------------------------------------------------------------------


def _lines_relation(con: duckdb.DuckDBPyConnection, batch: Batch) -> str:
    path = storage.absolute(batch.lines_file)
    con.execute(
        f"CREATE OR REPLACE TEMP VIEW batch_lines AS SELECT * FROM read_parquet({quote(str(path))})"
        f" WHERE organisation_id = {int(batch.organisation_id)}"
    )
    return "batch_lines"


def _stats(con: duckdb.DuckDBPyConnection, result: pa.Table) -> dict[str, Any]:
    con.register("batch_result", result)
    try:
        row = con.execute(
            f"""
            SELECT count(*), count(*) FILTER (WHERE r.confidence >= {HIGH}),
                   coalesce(sum(l.net_amount_dkk), 0),
                   coalesce(sum(l.net_amount_dkk) FILTER (WHERE r.confidence >= {HIGH}), 0)
            FROM batch_result r JOIN batch_lines l USING (line_key)
            """
        ).fetchone()
        steps = dict(
            con.execute("SELECT step, count(*) FROM batch_result GROUP BY step").fetchall()
        )
    finally:
        con.unregister("batch_result")
    assert row is not None
    return {
        "lines": row[0],
        "high_lines": row[1],
        "spend_dkk": Decimal(row[2]),
        "high_spend_dkk": Decimal(row[3]),
        "by_step": steps,
    }


def _register(
    batch: Batch, result: pa.Table, con: duckdb.DuckDBPyConnection, model_version: str
) -> ClassifiedBatch:
    path = storage.classified_path(batch.organisation_id, batch.pk)
    write_parquet_atomic(result, path)
    now = timezone.now()
    stats = _stats(con, result)
    classified, _created = ClassifiedBatch.objects.update_or_create(
        batch=batch,
        defaults={
            "organisation_id": batch.organisation_id,
            "result_file": storage.relative(path),
            "classified_at": now,
            "changed_at": now,
            "taxonomy_version": load_taxonomy().version,
            "model_version": model_version,
            **stats,
        },
    )
    return classified


def _classify_batch(
    batch: Batch,
    knowledge: Knowledge,
    model: CoreModel,
    index: int,
    count: int,
    progress: Progress | None,
) -> ClassifiedBatch | None:
    """Classify one batch and register its result; None when the batch went away meanwhile."""
    if not Batch.objects.filter(pk=batch.pk).exists():
        return None
    con = duckdb.connect()
    try:
        relation = _lines_relation(con, batch)

        def report(fraction: float) -> None:
            if progress:
                progress(f"Klassificerer batch {batch.pk}", 0.05 + 0.9 * (index + fraction) / count)

        result = classify_table(con, relation, knowledge, progress=report)
        try:
            return _register(batch, result, con, model.version)
        except IntegrityError:  # deleted while we worked: leave no file behind
            storage.remove(storage.classified_path(batch.organisation_id, batch.pk))
            return None
    finally:
        con.close()


def classify(
    org: Organisation,
    batches: Iterable[Batch] | None = None,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Classify every line of the given batches (all of the organisation's by default)."""
    started = time.monotonic()
    todo = list(batches if batches is not None else Batch.objects.filter(organisation=org))
    todo = [b for b in todo if b.organisation_id == org.pk]
    if progress:
        progress("Indlæser tekstmodel", 0.02)
    model, row = active_model(org)
    knowledge = knowledge_for(org, model)
    totals: dict[str, Any] = {"lines": 0, "high_lines": 0, "by_step": {}}
    spend = high = Decimal(0)
    with organisation_lock(org.pk):
        done = [
            _classify_batch(batch, knowledge, model, index, len(todo), progress)
            for index, batch in enumerate(todo)
        ]
    for classified in done:
        if classified is None:
            continue
        totals["lines"] += classified.lines
        totals["high_lines"] += classified.high_lines
        spend += classified.spend_dkk
        high += classified.high_spend_dkk
        for step, count in classified.by_step.items():
            totals["by_step"][step] = totals["by_step"].get(step, 0) + count
    totals["batches"] = len(todo)
    totals["spend_dkk"] = str(spend)
    totals["high_spend_share"] = float(high / spend) if spend else None
    totals["model"] = model.version
    totals["model_row"] = row.version if row else None
    totals["seconds"] = round(time.monotonic() - started, 3)
    if progress:
        progress("Færdig", 1.0)
    return totals


def reclassify_affected(
    org: Organisation,
    *,
    confirmation_ids: Sequence[int] = (),
    rule_ids: Sequence[int] = (),
    steps: Sequence[str] = (),
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Re-classify only the lines a confirmation, a rule or a new model can change.

    ``steps``: also every line whose current result came from one of these steps (after
    retraining: the lines the model, supplier or account decided).
    """
    started = time.monotonic()
    confirmations = list(Confirmation.objects.filter(organisation=org, pk__in=confirmation_ids))
    wanted_rules = set(rule_ids)
    rules = [rule for rule in user_rules(org) if rule.rule_id in wanted_rules]
    knowledge = knowledge_for(org)
    with organisation_lock(org.pk):
        changed_lines = _reclassify_batches(org, knowledge, confirmations, rules, steps, progress)
    if progress:
        progress("Færdig", 1.0)
    return {"changed_lines": changed_lines, "seconds": round(time.monotonic() - started, 3)}


def _reclassify_batches(
    org: Organisation,
    knowledge: Knowledge,
    confirmations: Sequence[Confirmation],
    rules: Sequence[CoreRule],
    steps: Sequence[str],
    progress: Progress | None,
) -> int:
    assert knowledge.model is not None
    changed_lines = 0
    batches = list(
        ClassifiedBatch.objects.filter(organisation=org).select_related("batch").order_by("pk")
    )
    for index, classified in enumerate(batches):
        if progress:
            progress(f"Batch {classified.batch_id}", index / max(1, len(batches)))
        con = duckdb.connect()
        try:
            _lines_relation(con, classified.batch)
            result_path = storage.absolute(classified.result_file)
            con.execute(
                "CREATE TEMP VIEW old_result AS SELECT * FROM "
                f"read_parquet({quote(str(result_path))}, hive_partitioning = false)"
            )
            conditions = []
            by_text = affected_condition(
                con,
                "batch_lines",
                confirmed=[(c.supplier_cvr or None, c.text_key) for c in confirmations],
                rules=RuleSet(rules) if rules else None,
            )
            if by_text:
                conditions.append(by_text)
            if steps:
                listing = ", ".join(quote(s) for s in steps)
                conditions.append(
                    f"line_key IN (SELECT line_key FROM old_result WHERE step IN ({listing}))"
                )
            if not conditions:
                continue
            merged, changed = reclassify(
                con,
                "batch_lines",
                "old_result",
                knowledge,
                " OR ".join(f"({c})" for c in conditions),
            )
            changed_lines += changed
            if not changed:
                continue
            write_parquet_atomic(merged, result_path)
            stats = _stats(con, merged)
            ClassifiedBatch.objects.filter(pk=classified.pk).update(
                changed_at=timezone.now(), model_version=knowledge.model.version, **stats
            )
        finally:
            con.close()
    return changed_lines


# --- learning from people ------------------------------------------------------------------


def _validated(unspsc: str, product: str) -> tuple[str, str]:
    taxonomy = load_taxonomy()
    product = (product or "").strip()
    if product:
        if product not in taxonomy.products:
            raise ClassificationError(f"Produktet «{product}» findes ikke i produktlisten.")
        if not unspsc:
            unspsc = taxonomy.products[product].unspsc
    code = normalise_unspsc(unspsc)
    if code is None or not taxonomy.known(code):
        raise ClassificationError(
            f"«{unspsc}» er ikke en kendt UNSPSC-kode (2, 4, 6 eller 8 cifre)."
        )
    if product and not _same_family(taxonomy.products[product].unspsc, code):
        raise ClassificationError(
            "Produktet hører til en anden UNSPSC-familie end den valgte kode."
        )
    return code, product


def _same_family(product_code: str, code: str) -> bool:
    """The product belongs under the code: same family, or the frozen, canned or dried
    family of a fresh fruit or vegetable (a product keeps its name in every state)."""
    if product_code[:4] == code[:4]:
        return True
    return product_code[:4] in ("5030", "5040") and code[:3] == product_code[:3]


def confirm_groups(
    *,
    actor: Actor,
    org: Organisation,
    groups: Sequence[tuple[str, str]],
    unspsc: str,
    product: str = "",
    organic: bool | None = None,
    make_rule: bool = False,
    rule_for_supplier: bool = True,
) -> ClassificationJob:
    """Confirm groups (supplier CVR, example text) as a code/product; maybe make a rule.

    The re-classification of the affected lines is queued; the job is returned.
    """
    code, product = _validated(unspsc, product)
    return _confirm(
        actor,
        org,
        [(cvr, text, code, product) for cvr, text in groups],
        organic,
        make_rule,
        rule_for_supplier,
    )


def confirm_suggestions(
    *,
    actor: Actor,
    org: Organisation,
    groups: Sequence[tuple[str, str, str, str]],
    organic: bool | None = None,
    make_rule: bool = False,
    rule_for_supplier: bool = True,
) -> ClassificationJob:
    """Confirm groups each as its own suggestion (CVR, text, code, product): all or none."""
    items = [(cvr, text, *_validated(code, product)) for cvr, text, code, product in groups]
    return _confirm(actor, org, items, organic, make_rule, rule_for_supplier)


def _confirm(
    actor: Actor,
    org: Organisation,
    items: Sequence[tuple[str, str, str, str]],
    organic: bool | None,
    make_rule: bool,
    rule_for_supplier: bool,
) -> ClassificationJob:
    """Store confirmations (and rules) in one transaction and queue one re-classification."""
    if not items:
        raise ClassificationError("Vælg mindst én gruppe af linjer.")
    for cvr, _text, _code, _product in items:
        if cvr and not (cvr.isdigit() and len(cvr) <= 40):
            raise ClassificationError(f"«{cvr[:50]}» er ikke et CVR-nummer.")
    taxonomy_labels = None
    if organic is not None:
        taxonomy_labels = ["organic"] if organic else []
    confirmation_ids: list[int] = []
    rule_ids: list[int] = []
    with transaction.atomic():
        for cvr, example, code, product in items:
            key = text_key(example)
            if not key:
                continue
            confirmation, _created = Confirmation.objects.update_or_create(
                organisation=org,
                supplier_cvr=cvr or "",
                text_key=key[:300],
                defaults={
                    "example": example[:300],
                    "unspsc": code,
                    "product": product,
                    "labels": taxonomy_labels,
                    "created_by": actor.saved_user,
                },
            )
            confirmation_ids.append(confirmation.pk)
            record_event(
                organisation=org,
                actor=actor,
                action="confirmed",
                obj=confirmation,
                changes={"unspsc": [None, code], "product": [None, product or None]},
            )
            if make_rule:
                rule = Rule.objects.create(
                    organisation=org,
                    keywords=key[:300],
                    supplier_cvr=(cvr or "") if rule_for_supplier else "",
                    unspsc=code,
                    product=product,
                    labels=taxonomy_labels or [],
                    confirmation=confirmation,
                    created_by=confirmation.created_by,
                )
                rule_ids.append(rule.pk)
                record_event(
                    organisation=org,
                    actor=actor,
                    action="created",
                    obj=rule,
                    changes={"keywords": [None, rule.keywords], "unspsc": [None, code]},
                )
        if not confirmation_ids:
            raise ClassificationError("Linjerne har ingen tekst at bekræfte.")
        job = queue_job(
            org,
            ClassificationJob.Kind.AFFECTED,
            actor,
            {"confirmations": confirmation_ids, "rules": rule_ids},
        )
    return job


def delete_rule(*, actor: Actor, rule: Rule) -> ClassificationJob:
    """Remove a user rule and re-classify the lines it decided."""
    org = rule.organisation
    with transaction.atomic():
        record_event(organisation=org, actor=actor, action="deleted", obj=rule)
        rule.delete()
        # Rule lines, and code lines whose product the rule may have named.
        job = queue_job(org, ClassificationJob.Kind.AFFECTED, actor, {"steps": ["rule", "code"]})
    return job


def training_examples(org: Organisation) -> tuple[list[str], list[str], int]:
    """Base corpus plus the organisation's confirmations (each counted three times)."""
    texts, codes = base_corpus(load_taxonomy())
    confirmed = list(Confirmation.objects.filter(organisation=org).values_list("example", "unspsc"))
    for example, code in confirmed:
        texts.extend([example] * 3)
        codes.extend([code] * 3)
    return texts, codes, len(confirmed)


def train(org: Organisation, progress: Progress | None = None) -> TextModel:
    """Train a new model version from the base corpus and the confirmed lines."""
    if progress:
        progress("Samler træningsdata", 0.05)
    texts, codes, confirmed = training_examples(org)
    with organisation_lock(org.pk):
        row = _train_version(org, texts, codes, confirmed, progress)
    if progress:
        progress("Klassificerer de linjer, modellen afgjorde eller kunne afgøre", 0.7)
    # The model decides, overrules or backs these steps: their lines may change.
    reclassify_affected(org, steps=("rule", "model", "supplier", "account", "fallback"))
    return row


def _train_version(
    org: Organisation,
    texts: list[str],
    codes: list[str],
    confirmed: int,
    progress: Progress | None,
) -> TextModel:
    version = (
        TextModel.objects.filter(organisation=org)
        .order_by("-version")
        .values_list("version", flat=True)
        .first()
        or 0
    ) + 1
    if progress:
        progress("Træner og evaluerer", 0.2)
    model = train_model(texts, codes, version=f"org{org.pk}-v{version}")
    path = storage.model_path(org.pk, version)
    save_model(model, path)
    with transaction.atomic():
        TextModel.objects.filter(organisation=org).update(active=False)
        row = TextModel.objects.create(
            organisation=org,
            version=version,
            file=storage.relative(path),
            examples=model.examples,
            confirmed_examples=confirmed,
            metrics=model.metrics,
            active=True,
        )
    return row


# --- jobs ----------------------------------------------------------------------------------


def queue_job(
    org: Organisation, kind: str, actor: Actor | None, params: dict[str, Any] | None = None
) -> ClassificationJob:
    """Create a job and hand it to the worker when the transaction commits."""
    from omlob.classification.tasks import run_classification_task

    job = ClassificationJob.objects.create(
        organisation=org,
        kind=kind,
        params=params or {},
        created_by=actor.saved_user if actor else None,
    )
    transaction.on_commit(lambda: run_classification_task.enqueue(job.pk))
    return job


def run_job(job_id: int, progress: Progress | None = None) -> ClassificationJob:
    """Run a queued job once (a second call for the same job returns at once)."""
    claimed = ClassificationJob.objects.filter(
        pk=job_id, status=ClassificationJob.Status.QUEUED
    ).update(status=ClassificationJob.Status.RUNNING)
    job = ClassificationJob.objects.select_related("organisation").get(pk=job_id)
    if not claimed:
        return job

    def report(stage: str, fraction: float) -> None:
        ClassificationJob.objects.filter(pk=job_id).update(stage=stage[:200], progress=fraction)
        if progress:
            progress(stage, fraction)

    try:
        if job.kind == ClassificationJob.Kind.CLASSIFY:
            batch_ids = job.params.get("batches")
            batches = (
                Batch.objects.filter(organisation=job.organisation, pk__in=batch_ids)
                if batch_ids
                else None
            )
            result = classify(job.organisation, batches, report)
        elif job.kind == ClassificationJob.Kind.AFFECTED:
            result = reclassify_affected(
                job.organisation,
                confirmation_ids=job.params.get("confirmations", []),
                rule_ids=job.params.get("rules", []),
                steps=job.params.get("steps", []),
                progress=report,
            )
        else:
            row = train(job.organisation, report)
            result = {"version": row.version, "metrics": row.metrics}
    except Exception as exc:
        log.exception("classification job %s failed", job_id)
        ClassificationJob.objects.filter(pk=job_id).update(
            status=ClassificationJob.Status.FAILED,
            message=str(exc)[:2000],
            finished_at=timezone.now(),
        )
    else:
        ClassificationJob.objects.filter(pk=job_id).update(
            status=ClassificationJob.Status.DONE,
            result=result,
            progress=1.0,
            stage="Færdig",
            finished_at=timezone.now(),
        )
    job.refresh_from_db()
    return job
