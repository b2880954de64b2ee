"""API for purchase data: start imports, follow them, list and delete batches, read quarantine.

The same operations as the web pages and ``omlob import`` (:mod:`omlob.spend.actions`), so a
script that uploads last night's e-invoices gets the same refusal of a file imported before,
the same quarantine and the same batch.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import File, Form, Path, Query, Router, Schema, Status
from ninja.files import UploadedFile

from omlob.api.auth import actor_of, tenant_of
from omlob.api.schemas import MAX_ID, ErrorOut
from omlob.organisations.roles import IMPORT_PURCHASES, VIEW_PURCHASES
from omlob.spend import actions, queries
from omlob.spend.models import Batch, ImportJob, MappingProfile

router = Router(tags=["indkøbsdata"])

Slug = Annotated[str, Path(pattern=r"^[-a-zA-Z0-9_]{1,60}$")]
Id = Annotated[int, Path(ge=1, le=MAX_ID)]
NOT_FOUND = {404: ErrorOut, 403: ErrorOut}


class BatchOut(Schema):
    batch: int
    created_at: datetime.datetime
    files: str
    source: str
    accepted: int
    rejected: int
    duplicates: int
    unmapped_units: int
    unmapped_lines: int
    total_dkk: Decimal
    first_date: datetime.date | None
    last_date: datetime.date | None
    profile: str
    url: str


class JobOut(Schema):
    id: int
    status: str
    stage: str
    progress: float
    message: str
    files: list[dict[str, Any]]
    batch: int | None = None
    accepted: int | None = None
    rejected: int | None = None
    duplicates: int | None = None
    unmapped_units: int | None = None
    url: str


class RejectOut(Schema):
    kind: str
    file: str
    ref: str
    reason: str
    errors: list[dict[str, Any]]
    original: list[str | None] | None


class RejectPage(Schema):
    count: int
    items: list[RejectOut]


class UnmappedOut(Schema):
    code: str
    kind: str
    lines: int
    amount: Decimal | None
    suppliers: int


def _batch_out(batch: Batch, org: str) -> dict[str, Any]:
    return {
        "batch": batch.pk,
        "created_at": batch.created_at,
        "files": batch.file_names,
        "source": batch.source,
        "accepted": batch.accepted,
        "rejected": batch.rejected,
        "duplicates": batch.duplicates,
        "unmapped_units": batch.unmapped_units,
        "unmapped_lines": batch.unmapped_lines,
        "total_dkk": batch.total_dkk,
        "first_date": batch.first_date,
        "last_date": batch.last_date,
        "profile": batch.profile_name,
        "url": reverse("spend-batch", args=[org, batch.pk]),
    }


def _job_out(job: ImportJob, org: str) -> dict[str, Any]:
    result = job.result or {}
    return {
        "id": job.pk,
        "status": job.status,
        "stage": job.stage,
        "progress": job.progress,
        "message": job.message,
        "files": [
            {k: f.get(k) for k in ("name", "kind", "size", "missing", "profile", "rows")}
            for f in job.files
        ],
        "batch": result.get("batch"),
        "accepted": result.get("accepted"),
        "rejected": result.get("rejected"),
        "duplicates": result.get("duplicates"),
        "unmapped_units": result.get("unmapped_units"),
        "url": reverse("spend-job", args=[org, job.pk]),
    }


@router.get(
    "/v1/organisations/{org}/batches",
    response={200: list[BatchOut], **NOT_FOUND},
    summary="Importerede batcher",
)
def batches(request: HttpRequest, org: Slug) -> list[dict[str, Any]]:
    tenant = tenant_of(request, org, VIEW_PURCHASES)
    return [_batch_out(b, org) for b in Batch.objects.for_tenant(tenant)[:1000]]


@router.get(
    "/v1/organisations/{org}/batches/{batch_id}",
    response={200: BatchOut, **NOT_FOUND},
    summary="Én batch",
)
def batch(request: HttpRequest, org: Slug, batch_id: Id) -> dict[str, Any]:
    tenant = tenant_of(request, org, VIEW_PURCHASES)
    return _batch_out(get_object_or_404(Batch.objects.for_tenant(tenant), pk=batch_id), org)


@router.delete(
    "/v1/organisations/{org}/batches/{batch_id}",
    response={204: None, **NOT_FOUND},
    summary="Slet en batch og alle dens linjer",
)
def batch_delete(request: HttpRequest, org: Slug, batch_id: Id) -> Status:
    tenant = tenant_of(request, org, IMPORT_PURCHASES)
    found = get_object_or_404(Batch.objects.for_tenant(tenant), pk=batch_id)
    actions.delete_batch(actor=actor_of(tenant), batch=found)
    return Status(204, None)


@router.get(
    "/v1/organisations/{org}/batches/{batch_id}/rejected",
    response={200: RejectPage, **NOT_FOUND},
    summary="Afviste rækker og dubletter i en batch",
)
def batch_rejected(
    request: HttpRequest,
    org: Slug,
    batch_id: Id,
    kind: Annotated[str, Query(pattern="^(invalid|duplicate)$")] = "invalid",
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=100_000_000)] = 0,
) -> dict[str, Any]:
    tenant = tenant_of(request, org, VIEW_PURCHASES)
    found = get_object_or_404(Batch.objects.for_tenant(tenant), pk=batch_id)
    total, rows = queries.batch_rejects(found, kind=kind, offset=offset, limit=limit)
    return {
        "count": total,
        "items": [
            {
                "kind": r["kind"],
                "file": r["source_file"],
                "ref": r["ref"],
                "reason": queries.reason_text(r["errors"]),
                "errors": r["errors"] or [],
                "original": r["original"],
            }
            for r in rows
        ],
    }


@router.post(
    "/v1/organisations/{org}/imports",
    response={202: JobOut, 422: ErrorOut, **NOT_FOUND},
    summary="Start en import (CSV, XLSX, OIOUBL/PEPPOL-XML eller zip)",
    description="Filerne gemmes og importeres i baggrunden. Genkendes kolonnerne ikke, og er "
    "ingen gemt kortlægning valgt, får importen status 'draft' og venter på kolonnevalg i "
    "webben. En fil, der allerede er importeret, afvises med 422.",
)
def import_start(
    request: HttpRequest,
    org: Slug,
    files: File[list[UploadedFile]] | None = None,
    currency: Form[str] = "DKK",
    profile: Form[str] = "",
) -> Status:
    tenant = tenant_of(request, org, IMPORT_PURCHASES)
    if not files:
        raise ValidationError("Vælg mindst én fil (feltet 'files').")
    if len(currency) != 3 or not currency.isalpha():
        raise ValidationError("Valuta skal være en kode med tre bogstaver, fx DKK.")
    chosen = None
    if profile:
        chosen = MappingProfile.objects.for_tenant(tenant).filter(name=profile).first()
        if chosen is None:
            raise ValidationError(f"Kortlægningen {profile!r} findes ikke.")
    job = actions.create_job(
        actor=actor_of(tenant),
        org=tenant.organisation,
        uploads=[actions.Upload(f.name or "fil", f) for f in files],
        currency=currency,
        profile=chosen,
    )
    if job.status == ImportJob.Status.QUEUED:
        actions.enqueue(job)
    return Status(202, _job_out(job, org))


@router.get(
    "/v1/organisations/{org}/imports/{job_id}",
    response={200: JobOut, **NOT_FOUND},
    summary="En imports status og fremdrift",
)
def import_status(request: HttpRequest, org: Slug, job_id: Id) -> dict[str, Any]:
    tenant = tenant_of(request, org, VIEW_PURCHASES)
    job = get_object_or_404(ImportJob.objects.for_tenant(tenant), pk=job_id)
    return _job_out(job, org)


@router.get(
    "/v1/organisations/{org}/unmapped-units",
    response={200: list[UnmappedOut], **NOT_FOUND},
    summary="EAN-numre og omkostningssteder på linjer, der ikke passer til en enhed",
)
def unmapped_units(request: HttpRequest, org: Slug) -> list[dict[str, Any]]:
    tenant = tenant_of(request, org, VIEW_PURCHASES)
    return [c.__dict__ for c in queries.unmapped_codes(tenant.organisation)]
