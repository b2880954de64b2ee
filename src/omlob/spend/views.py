"""Pages of the purchase import: upload, column mapping, progress, batches, quarantine, codes."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Sum
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from omlob.audit.record import Actor
from omlob.core.classify.labels import LABEL_NAMES
from omlob.core.classify.taxonomy import load_taxonomy
from omlob.core.export import csv_bytes, xlsx_bytes
from omlob.core.fieldmapping import missing_required
from omlob.core.lineschema import FIELD_LABELS
from omlob.core.tabular import TableError, column_letter
from omlob.organisations.roles import IMPORT_PURCHASES, VIEW_PURCHASES
from omlob.organisations.tenancy import Tenant, requires
from omlob.spend import actions, queries
from omlob.spend.forms import ImportForm, MapCodeForm, MappingForm
from omlob.spend.models import Batch, ImportJob, MappingProfile
from omlob.spend.preview import preview

PAGE_SIZE = 50


def _actor(request: HttpRequest) -> Actor:
    return Actor.of_user(request.user)


def _crumbs(tenant: Tenant, *extra: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    org = tenant.organisation.slug
    return [
        (tenant.organisation.name, reverse("org-dashboard", args=[org])),
        (_("Indkøbsdata"), reverse("spend-overview", args=[org])),
        *extra,
    ]


def _context(**extra: Any) -> dict[str, Any]:
    return {"active_module": "spend", **extra}


class _LazyRows:
    """A sequence over DuckDB pages, so Django's Paginator can page through Parquet rows."""

    def __init__(self, fetch: Any, total: int) -> None:
        self.fetch = fetch
        self.total = total

    def count(self) -> int:
        return self.total

    def __len__(self) -> int:
        return self.total

    def __getitem__(self, item: slice) -> list[dict[str, Any]]:
        start = item.start or 0
        stop = item.stop if item.stop is not None else self.total
        return self.fetch(start, stop - start)


def _page(request: HttpRequest, fetch: Any, total: int) -> Any:
    return Paginator(_LazyRows(fetch, total), PAGE_SIZE).get_page(request.GET.get("side"))


@requires(VIEW_PURCHASES)
def overview(request: HttpRequest, org: str) -> HttpResponse:
    tenant: Tenant = request.tenant
    batches = Batch.objects.for_tenant(tenant)
    totals = batches.aggregate(
        lines=Sum("accepted"), amount=Sum("total_dkk"), rejected=Sum("rejected"), n=Count("id")
    )
    jobs = [
        job
        for job in ImportJob.objects.for_tenant(tenant).exclude(status=ImportJob.Status.DONE)[:20]
    ]
    for job in jobs:
        job.stale = actions.is_stale(job)
    context = _context(
        batches=batches[:200],
        totals=totals,
        jobs=jobs,
        # Reading the lines only pays when some batch had codes that matched no unit.
        unmapped=queries.unmapped_codes(tenant.organisation)
        if batches.filter(unmapped_units__gt=0).exists()
        else [],
        breadcrumbs=[*_crumbs(tenant)[:-1], (_("Indkøbsdata"), None)],
    )
    return render(request, "spend/overview.html", context)


@requires(IMPORT_PURCHASES)
def import_start(request: HttpRequest, org: str) -> HttpResponse:
    tenant: Tenant = request.tenant
    form = ImportForm(request.POST or None, request.FILES or None, organisation=tenant.organisation)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            uploads = [actions.Upload(f.name, f) for f in form.cleaned_data["files"]]
            try:
                job = actions.create_job(
                    actor=_actor(request),
                    org=tenant.organisation,
                    uploads=uploads,
                    currency=form.cleaned_data["currency"],
                    decimal=form.cleaned_data["decimal"],
                    sheet=form.cleaned_data["sheet"],
                    profile=form.cleaned_data["profile"],
                )
            except ValidationError as exc:
                form.add_error("files", exc)
            else:
                return _after_mapping(org, job)
        status = 422
    context = _context(
        form=form,
        max_mb=actions.max_upload_bytes() // 1024**2,
        breadcrumbs=_crumbs(tenant, (_("Importér"), None)),
    )
    return render(request, "spend/import.html", context, status=status)


def _after_mapping(org: str, job: ImportJob) -> HttpResponse:
    """Next step of a job: the next file that needs its columns confirmed, or the progress."""
    if job.status == ImportJob.Status.DRAFT:
        for index, entry in enumerate(job.files):
            if (
                entry.get("kind") != "ubl"
                and not (entry.get("confirmed") or entry.get("auto") or entry.get("profile"))
            ) or entry.get("missing"):
                return redirect("spend-mapping", org=org, pk=job.pk, index=index)
    if job.status == ImportJob.Status.QUEUED:
        actions.enqueue(job)
    return redirect("spend-job", org=org, pk=job.pk)


@requires(IMPORT_PURCHASES)
def mapping(request: HttpRequest, org: str, pk: int, index: int) -> HttpResponse:
    tenant: Tenant = request.tenant
    job = get_object_or_404(ImportJob.objects.for_tenant(tenant), pk=pk)
    if index >= len(job.files) or job.status not in (
        ImportJob.Status.DRAFT,
        ImportJob.Status.QUEUED,
    ):
        raise Http404
    entry = job.files[index]
    try:
        info = actions.inspect_file(job, index)
    except TableError as exc:
        messages.error(request, f"{entry['name']}: {exc.message}")
        return redirect("spend-import", org=org)
    current = {k: int(v) for k, v in (entry.get("mapping") or {}).items()}
    form = MappingForm(
        request.POST or None,
        header=info.header,
        mapping=current,
        initial={
            "currency": job.options.get("currency", "DKK"),
            "decimal": job.options.get("decimal", ""),
        },
    )
    status = 200
    if request.method == "POST" and job.status != ImportJob.Status.DRAFT:
        # Already queued (a second click): never queue or run the same job twice.
        return redirect("spend-job", org=org, pk=job.pk)
    if request.method == "POST" and form.is_valid():
        chosen = form.mapping()
        if form.is_valid():
            try:
                job = actions.confirm_mapping(
                    actor=_actor(request),
                    job=job,
                    index=index,
                    mapping=chosen,
                    currency=form.cleaned_data["currency"],
                    decimal=form.cleaned_data["decimal"],
                    profile_name=form.cleaned_data["profile_name"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                return _after_mapping(org, job)
        current = chosen
        status = 422
    elif request.method == "POST":
        status = 422
    rows = preview(
        info.header,
        info.preview[:10],
        current,
        currency=job.options.get("currency", "DKK"),
        decimal=job.options.get("decimal") or None,
    )
    columns = [
        {
            "letter": column_letter(i),
            "field": form.column_fields()[i],
            "label": FIELD_LABELS.get(next((f for f, c in current.items() if c == i), ""), ""),
        }
        for i in range(len(info.header))
    ]
    context = _context(
        job=job,
        entry=entry,
        index=index,
        info=info,
        form=form,
        columns=columns,
        rows=rows,
        missing=missing_required(current),
        breadcrumbs=_crumbs(tenant, (_("Vælg kolonner"), None)),
    )
    return render(request, "spend/mapping.html", context, status=status)


@requires(VIEW_PURCHASES)
def job_detail(request: HttpRequest, org: str, pk: int) -> HttpResponse:
    tenant: Tenant = request.tenant
    job = get_object_or_404(ImportJob.objects.for_tenant(tenant), pk=pk)
    if job.status == ImportJob.Status.DONE and Batch.objects.filter(pk=job.pk).exists():
        return redirect("spend-batch", org=org, pk=job.pk)
    context = _context(
        job=job,
        stale=actions.is_stale(job),
        status_url=reverse("spend-job-status", args=[org, job.pk]),
        breadcrumbs=_crumbs(tenant, (_("Import %(id)s") % {"id": job.pk}, None)),
    )
    return render(request, "spend/job.html", context)


@requires(VIEW_PURCHASES)
def job_status(request: HttpRequest, org: str, pk: int) -> JsonResponse:
    tenant: Tenant = request.tenant
    job = get_object_or_404(ImportJob.objects.for_tenant(tenant), pk=pk)
    done = job.status == ImportJob.Status.DONE
    return JsonResponse(
        {
            "status": job.status,
            "label": job.get_status_display(),
            "stage": job.stage,
            "progress": job.progress,
            "message": job.message,
            "stale": actions.is_stale(job),
            "next": reverse("spend-batch", args=[org, job.pk]) if done else None,
        }
    )


@requires(VIEW_PURCHASES)
def batch_detail(request: HttpRequest, org: str, pk: int) -> HttpResponse:
    tenant: Tenant = request.tenant
    batch = get_object_or_404(Batch.objects.for_tenant(tenant), pk=pk)
    view = request.GET.get("vis", "afviste")
    if view not in ("afviste", "dubletter", "linjer"):
        view = "afviste"
    query = request.GET.get("q", "").strip()[:100]
    if view == "linjer":
        total, _rows = queries.batch_lines(batch, limit=0, search=query)

        def fetch(offset: int, limit: int) -> list[dict[str, Any]]:
            rows = queries.batch_lines(batch, offset=offset, limit=limit, search=query)[1]
            taxonomy = load_taxonomy()
            for row in rows:
                product = taxonomy.products.get(row.get("product") or "")
                row["class_title"] = taxonomy.title(row.get("unspsc"))
                row["product_name"] = product.name_da if product else ""
                row["found_labels"] = [
                    LABEL_NAMES.get(label, label)
                    for label in (row.get("found_labels") or "").split(",")
                    if label
                ]
            return rows
    else:
        kind = "invalid" if view == "afviste" else "duplicate"
        total, _rows = queries.batch_rejects(batch, kind=kind, limit=0)

        def fetch(offset: int, limit: int) -> list[dict[str, Any]]:
            rows = queries.batch_rejects(batch, kind=kind, offset=offset, limit=limit)[1]
            for row in rows:
                row["reason"] = queries.reason_text(row["errors"])
            return rows

    context = _context(
        batch=batch,
        view=view,
        query=query,
        page=_page(request, fetch, total),
        files=batch.details.get("files", []),
        breadcrumbs=_crumbs(tenant, (_("Batch %(id)s") % {"id": batch.pk}, None)),
    )
    return render(request, "spend/batch.html", context)


@requires(VIEW_PURCHASES)
def batch_rejects_download(request: HttpRequest, org: str, pk: int, fmt: str) -> HttpResponse:
    tenant: Tenant = request.tenant
    batch = get_object_or_404(Batch.objects.for_tenant(tenant), pk=pk)
    if fmt not in ("csv", "xlsx"):
        raise Http404
    header, rows = queries.rejects_table(batch)
    name = f"afviste-raekker-batch-{batch.pk}"
    if fmt == "xlsx":
        response = HttpResponse(
            xlsx_bytes(header, rows, sheet=_("Afviste rækker")),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    else:
        response = HttpResponse(csv_bytes(header, rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


@requires(IMPORT_PURCHASES)
def batch_delete(request: HttpRequest, org: str, pk: int) -> HttpResponse:
    tenant: Tenant = request.tenant
    batch = get_object_or_404(Batch.objects.for_tenant(tenant), pk=pk)
    if request.method == "POST":
        actions.delete_batch(actor=_actor(request), batch=batch)
        messages.success(
            request,
            _("Batch %(id)s med %(n)s linjer er slettet.") % {"id": pk, "n": batch.accepted},
        )
        return redirect("spend-overview", org=org)
    context = _context(
        batch=batch,
        breadcrumbs=_crumbs(tenant, (_("Slet batch %(id)s") % {"id": batch.pk}, None)),
    )
    return render(request, "spend/batch_delete.html", context)


@require_POST
@requires(IMPORT_PURCHASES)
def batch_rerun(request: HttpRequest, org: str, pk: int) -> HttpResponse:
    tenant: Tenant = request.tenant
    batch = get_object_or_404(Batch.objects.for_tenant(tenant), pk=pk)
    try:
        job = actions.rerun(actor=_actor(request), batch=batch)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("spend-batch", org=org, pk=pk)
    if job.status == ImportJob.Status.QUEUED:
        # A re-run is for correcting the mapping: always show the columns first.
        job.status = ImportJob.Status.DRAFT
        job.save(update_fields=["status"])
    for entry in job.files:
        entry.pop("auto", None)
        entry.pop("confirmed", None)
    job.save(update_fields=["files"])
    return _after_mapping(org, job)


@requires(VIEW_PURCHASES)
def unmapped_codes(request: HttpRequest, org: str) -> HttpResponse:
    tenant: Tenant = request.tenant
    codes = queries.unmapped_codes(tenant.organisation)
    may_map = tenant.can("edit_structure")
    form = None
    status = 200
    if request.method == "POST":
        if not may_map:
            tenant.require("edit_structure")
        form = MapCodeForm(request.POST, organisation=tenant.organisation)
        if form.is_valid():
            try:
                actions.map_unit_code(
                    actor=_actor(request),
                    org=tenant.organisation,
                    code=form.cleaned_data["code"],
                    unit=form.cleaned_data["unit"],
                )
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(
                    request,
                    _("%(code)s er knyttet til %(unit)s. Linjerne hører nu til enheden.")
                    % {"code": form.cleaned_data["code"], "unit": form.cleaned_data["unit"]},
                )
                return redirect("spend-unmapped", org=org)
        status = 422
    rows = [
        {"code": c, "form": MapCodeForm(initial={"code": c.code}, organisation=tenant.organisation)}
        for c in codes
    ]
    context = _context(
        rows=rows,
        may_map=may_map,
        error_form=form,
        breadcrumbs=_crumbs(tenant, (_("Ukendte enhedskoder"), None)),
    )
    return render(request, "spend/unmapped.html", context, status=status)


@requires(VIEW_PURCHASES)
def profile_list(request: HttpRequest, org: str) -> HttpResponse:
    tenant: Tenant = request.tenant
    context = _context(
        profiles=MappingProfile.objects.for_tenant(tenant),
        labels=FIELD_LABELS,
        breadcrumbs=_crumbs(tenant, (_("Kolonnekortlægninger"), None)),
    )
    return render(request, "spend/profiles.html", context)


@require_POST
@requires(IMPORT_PURCHASES)
def profile_delete(request: HttpRequest, org: str, pk: int) -> HttpResponse:
    tenant: Tenant = request.tenant
    profile = get_object_or_404(MappingProfile.objects.for_tenant(tenant), pk=pk)
    profile.delete()
    messages.success(request, _("Kortlægningen %(name)s er slettet.") % {"name": profile.name})
    return redirect("spend-profiles", org=org)
