"""API for classification: summary, review queue, confirmations, runs and texts.

The same operations as the pages and the CLI (:mod:`omlob.classification.actions`), so a BI
tool or a script can read how sure the figures are and confirm groups in bulk.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Field, Path, Query, Router, Schema, Status

from omlob.api.auth import actor_of, tenant_of
from omlob.api.schemas import MAX_ID, ErrorOut
from omlob.classification import actions, queries
from omlob.classification.models import ClassificationJob, Rule
from omlob.core.classify.cascade import classify_texts
from omlob.organisations.roles import CLASSIFY_LINES, VIEW_PURCHASES

router = Router(tags=["klassifikation"])

Slug = Annotated[str, Path(pattern=r"^[-a-zA-Z0-9_]{1,60}$")]
Id = Annotated[int, Path(ge=1, le=MAX_ID)]
NOT_FOUND = {404: ErrorOut, 403: ErrorOut}


class RunIn(Schema):
    kind: Annotated[str, Field(pattern="^(classify|train)$")] = "classify"


class RunOut(Schema):
    id: int
    kind: str
    status: str
    stage: str
    progress: float
    message: str
    result: dict[str, Any]
    url: str


class StepOut(Schema):
    step: str
    lines: int
    spend: Decimal
    share: float


class SummaryOut(Schema):
    lines: int
    classified: int
    spend: Decimal
    high_confidence_share: float | None
    by_step: list[StepOut]
    unclassified_batches: list[int]


class GroupOut(Schema):
    group: str
    supplier_cvr: str
    supplier_name: str
    example: str
    lines: int
    spend: Decimal
    confidence: float
    unspsc: str | None
    title: str
    product: str | None
    step: str
    reason: str
    labels: list[str]


class ReviewPage(Schema):
    count: int
    items: list[GroupOut]


class ConfirmIn(Schema):
    groups: Annotated[list[Annotated[str, Field(max_length=400)]], Field(max_length=500)] = []
    unspsc: Annotated[str, Field(max_length=11)] = ""
    product: Annotated[str, Field(max_length=80)] = ""
    organic: bool | None = None
    make_rule: bool = False
    rule_for_supplier: bool = True


class RuleOut(Schema):
    id: int
    keywords: str
    supplier_cvr: str
    unspsc: str
    product: str


class TextIn(Schema):
    description: Annotated[str, Field(max_length=10_000)] = ""
    supplier_cvr: Annotated[str, Field(max_length=40)] = ""


class TextsIn(Schema):
    items: Annotated[list[TextIn], Field(max_length=1000)] = []


class TextOut(Schema):
    unspsc: str
    product: str | None
    confidence: float
    quality: str
    step: str
    labels: list[str]
    reason: str


def _run_out(job: ClassificationJob, org: str) -> dict[str, Any]:
    return {
        "id": job.pk,
        "kind": job.kind,
        "status": job.status,
        "stage": job.stage,
        "progress": job.progress,
        "message": job.message,
        "result": job.result or {},
        "url": reverse("classification-job", args=[org, job.pk]),
    }


@router.get(
    "/v1/organisations/{org}/classification",
    response={200: SummaryOut, **NOT_FOUND},
    summary="Klassifikationens overblik",
)
def summary(request: HttpRequest, org: Slug) -> dict[str, Any]:
    tenant = tenant_of(request, org, VIEW_PURCHASES)
    found = queries.summary(tenant.organisation)
    if found is None:
        return {
            "lines": 0,
            "classified": 0,
            "spend": Decimal(0),
            "high_confidence_share": None,
            "by_step": [],
            "unclassified_batches": [],
        }
    return {
        "lines": found.lines,
        "classified": found.classified,
        "spend": found.spend,
        "high_confidence_share": found.high_share,
        "by_step": found.by_step,
        "unclassified_batches": found.unclassified_batches,
    }


@router.post(
    "/v1/organisations/{org}/classification/runs",
    response={202: RunOut, **NOT_FOUND},
    summary="Klassificér alle linjer igen, eller træn tekstmodellen",
)
def run(request: HttpRequest, org: Slug, body: RunIn) -> Status:
    tenant = tenant_of(request, org, CLASSIFY_LINES)
    job = actions.queue_job(tenant.organisation, body.kind, actor_of(tenant))
    return Status(202, _run_out(job, org))


@router.get(
    "/v1/organisations/{org}/classification/runs/{run_id}",
    response={200: RunOut, **NOT_FOUND},
    summary="En kørsel og dens fremdrift",
)
def run_detail(request: HttpRequest, org: Slug, run_id: Id) -> dict[str, Any]:
    tenant = tenant_of(request, org, VIEW_PURCHASES)
    job = get_object_or_404(ClassificationJob.objects.for_tenant(tenant), pk=run_id)
    return _run_out(job, org)


@router.get(
    "/v1/organisations/{org}/classification/review",
    response={200: ReviewPage, **NOT_FOUND},
    summary="Gennemsynskøen: grupper efter beløb × usikkerhed",
)
def review(
    request: HttpRequest,
    org: Slug,
    limit: Annotated[int, Query(ge=1, le=500)] = 40,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    segment: Annotated[str, Query(pattern="^([0-9]{8})?$")] = "",
) -> dict[str, Any]:
    tenant = tenant_of(request, org, VIEW_PURCHASES)
    groups, total = queries.review_groups(
        tenant.organisation, limit=limit, offset=offset, segment=segment
    )
    return {
        "count": total,
        "items": [
            {
                "group": g.group_key,
                "supplier_cvr": g.supplier_cvr,
                "supplier_name": g.supplier_name,
                "example": g.example,
                "lines": g.lines,
                "spend": g.spend,
                "confidence": g.confidence,
                "unspsc": g.unspsc,
                "title": g.title,
                "product": g.product,
                "step": g.step,
                "reason": g.reason,
                "labels": g.labels,
            }
            for g in groups
        ],
    }


@router.post(
    "/v1/organisations/{org}/classification/confirmations",
    response={202: RunOut, 422: ErrorOut, **NOT_FOUND},
    summary="Bekræft grupper som en kode/et produkt (evt. som regel)",
)
def confirm(request: HttpRequest, org: Slug, body: ConfirmIn) -> Status:
    tenant = tenant_of(request, org, CLASSIFY_LINES)
    pairs = [tuple(g.split("|", 1)) for g in body.groups if "|" in g]
    try:
        job = actions.confirm_groups(
            actor=actor_of(tenant),
            org=tenant.organisation,
            groups=pairs,
            unspsc=body.unspsc,
            product=body.product,
            organic=body.organic,
            make_rule=body.make_rule,
            rule_for_supplier=body.rule_for_supplier,
        )
    except actions.ClassificationError as exc:
        return Status(422, {"detail": str(exc)})
    return Status(202, _run_out(job, org))


@router.get(
    "/v1/organisations/{org}/classification/rules",
    response={200: list[RuleOut], **NOT_FOUND},
    summary="Brugernes regler",
)
def rules(request: HttpRequest, org: Slug) -> list[dict[str, Any]]:
    tenant = tenant_of(request, org, VIEW_PURCHASES)
    return [
        {
            "id": r.pk,
            "keywords": r.keywords,
            "supplier_cvr": r.supplier_cvr,
            "unspsc": r.unspsc,
            "product": r.product,
        }
        for r in Rule.objects.for_tenant(tenant)[:1000]
    ]


@router.post(
    "/v1/organisations/{org}/classification/texts",
    response={200: list[TextOut], **NOT_FOUND},
    summary="Klassificér tekster med organisationens regler og model (gemmer intet)",
)
def texts(request: HttpRequest, org: Slug, body: TextsIn) -> list[dict[str, Any]]:
    tenant = tenant_of(request, org, VIEW_PURCHASES)
    knowledge = actions.knowledge_for(tenant.organisation)
    rows = [
        {"description": item.description, "supplier_cvr": item.supplier_cvr or None}
        for item in body.items
    ]
    return [
        {
            "unspsc": d.unspsc,
            "product": d.product,
            "confidence": round(d.confidence, 3),
            "quality": d.quality,
            "step": d.step,
            "labels": d.labels,
            "reason": d.reason,
        }
        for d in classify_texts(knowledge, rows)
    ]
