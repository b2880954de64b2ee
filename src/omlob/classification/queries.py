"""Read classification results with their lines, scoped to one organisation.

Results are joined to lines by ``line_key`` in DuckDB: a line whose batch is not classified
yet shows as such, never as silently missing.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import duckdb

from omlob.classification.models import ClassificationJob, ClassifiedBatch
from omlob.core.classify.cascade import HIGH, RESULT_SCHEMA, STEPS
from omlob.core.classify.taxonomy import load_taxonomy
from omlob.core.valuesql import quote
from omlob.organisations.models import Organisation
from omlob.spend import storage
from omlob.spend.models import Batch
from omlob.spend.queries import connect, lines_view

REVIEW_GROUPS = 40


def classified_view(con: duckdb.DuckDBPyConnection, org: Organisation) -> bool:
    """Create view ``classified``: the organisation's lines with their results (or NULLs)."""
    if not lines_view(con, org):
        return False
    files = [
        str(storage.absolute(c.result_file))
        for c in ClassifiedBatch.objects.filter(organisation=org)
        if storage.absolute(c.result_file).exists()
    ]
    if files:
        listing = "[" + ", ".join(quote(f) for f in files) + "]"
        source = f"read_parquet({listing}, hive_partitioning = false)"
    else:
        con.register("no_results", RESULT_SCHEMA.empty_table())
        source = "no_results"
    con.execute(
        f"""
        CREATE OR REPLACE TEMP VIEW classified AS
        SELECT l.*, r.* EXCLUDE (line_key, labels),
               r.labels AS found_labels
        FROM lines l LEFT JOIN {source} r ON r.line_key = l.line_key
        """
    )
    return True


@dataclass
class Summary:
    lines: int
    classified: int
    spend: Decimal
    high_spend: Decimal
    by_step: list[dict[str, Any]]
    by_quality: list[dict[str, Any]]
    by_segment: list[dict[str, Any]]
    unclassified_batches: list[int]
    changed_at: Any
    running: ClassificationJob | None

    @property
    def high_share(self) -> float | None:
        return float(self.high_spend / self.spend) if self.spend else None


def summary(org: Organisation) -> Summary | None:
    """Totals for the classification overview (None when there are no lines)."""
    con = connect()
    try:
        if not classified_view(con, org):
            return None
        row = con.execute(
            f"""
            SELECT count(*), count(unspsc), coalesce(sum(abs(net_amount_dkk)), 0),
                   coalesce(sum(abs(net_amount_dkk)) FILTER (WHERE confidence >= {HIGH}), 0)
            FROM classified
            """
        ).fetchone()
        assert row is not None
        steps = con.execute(
            "SELECT step, count(*), coalesce(sum(abs(net_amount_dkk)), 0) FROM classified "
            "WHERE step IS NOT NULL GROUP BY step"
        ).fetchall()
        quality = con.execute(
            "SELECT quality, count(*), coalesce(sum(abs(net_amount_dkk)), 0) FROM classified "
            "WHERE quality IS NOT NULL GROUP BY quality"
        ).fetchall()
        segments = con.execute(
            "SELECT segment, count(*), coalesce(sum(net_amount_dkk), 0), avg(confidence) "
            "FROM classified WHERE segment IS NOT NULL GROUP BY segment ORDER BY 3 DESC"
        ).fetchall()
    finally:
        con.close()
    taxonomy = load_taxonomy()
    spend = Decimal(row[2])
    order = {s: i for i, s in enumerate(STEPS)}
    classified_ids = set(
        ClassifiedBatch.objects.filter(organisation=org).values_list("batch_id", flat=True)
    )
    last = ClassifiedBatch.objects.filter(organisation=org).order_by("-changed_at").first()
    return Summary(
        lines=row[0],
        classified=row[1],
        spend=spend,
        high_spend=Decimal(row[3]),
        by_step=[
            {
                "step": s,
                "lines": n,
                "spend": Decimal(v),
                "share": float(Decimal(v) / spend) if spend else 0.0,
            }
            for s, n, v in sorted(steps, key=lambda r: order.get(r[0], 99))
        ],
        by_quality=[
            {
                "quality": q,
                "lines": n,
                "spend": Decimal(v),
                "share": float(Decimal(v) / spend) if spend else 0.0,
            }
            for q, n, v in sorted(quality, key=lambda r: ("high", "medium", "low").index(r[0]))
        ],
        by_segment=[
            {
                "segment": s,
                "title": taxonomy.title(s),
                "lines": n,
                "spend": Decimal(v),
                "confidence": float(c or 0),
            }
            for s, n, v, c in segments
        ],
        unclassified_batches=sorted(
            set(Batch.objects.filter(organisation=org).values_list("pk", flat=True))
            - classified_ids
        ),
        changed_at=last.changed_at if last else None,
        running=ClassificationJob.objects.filter(
            organisation=org,
            status__in=[ClassificationJob.Status.QUEUED, ClassificationJob.Status.RUNNING],
        ).first(),
    )


@dataclass
class ReviewGroup:
    """Lines with one supplier and the same text (numbers aside), to confirm in one go."""

    group_key: str
    supplier_cvr: str
    supplier_name: str
    example: str
    lines: int
    spend: Decimal
    confidence: float
    unspsc: str | None
    title: str
    product: str | None
    product_name: str
    step: str
    reason: str
    labels: list[str]
    priority: float


def review_groups(
    org: Organisation, *, limit: int = REVIEW_GROUPS, offset: int = 0, segment: str = ""
) -> tuple[list[ReviewGroup], int]:
    """The groups that matter most: spend × (1 − confidence), not yet high or confirmed."""
    con = connect()
    try:
        if not classified_view(con, org):
            return [], 0
        where = f"confidence < {HIGH} AND step <> 'confirmed'"
        if segment:
            where += f" AND segment = {quote(segment)}"
        total = con.execute(
            f"SELECT count(DISTINCT group_key) FROM classified WHERE {where}"
        ).fetchone()
        rows = con.execute(
            f"""
            SELECT group_key, any_value(coalesce(supplier_cvr, '')),
                   any_value(coalesce(supplier_name, '')),
                   arg_max(description, abs(net_amount_dkk)), count(*),
                   coalesce(sum(net_amount_dkk), 0), min(confidence),
                   arg_max(unspsc, abs(net_amount_dkk)), arg_max(product, abs(net_amount_dkk)),
                   arg_max(step, abs(net_amount_dkk)), arg_max(reason, abs(net_amount_dkk)),
                   arg_max(found_labels, abs(net_amount_dkk)),
                   coalesce(sum(abs(net_amount_dkk)), 0) * (1 - min(confidence)) AS priority
            FROM classified WHERE {where}
            GROUP BY group_key ORDER BY priority DESC, group_key LIMIT {int(limit)}
            OFFSET {int(offset)}
            """
        ).fetchall()
    finally:
        con.close()
    taxonomy = load_taxonomy()
    groups = []
    for (
        key,
        cvr,
        name,
        example,
        n,
        spend,
        conf,
        unspsc,
        product,
        step,
        reason,
        labels,
        prio,
    ) in rows:
        groups.append(
            ReviewGroup(
                group_key=key,
                supplier_cvr=cvr,
                supplier_name=name,
                example=example or "",
                lines=n,
                spend=Decimal(spend),
                confidence=float(conf or 0),
                unspsc=unspsc,
                title=taxonomy.title(unspsc),
                product=product,
                product_name=taxonomy.products[product].name_da
                if product in taxonomy.products
                else "",
                step=step or "",
                reason=reason or "",
                labels=(labels or "").split(",") if labels else [],
                priority=float(prio or 0),
            )
        )
    return groups, int(total[0]) if total else 0
