"""Pages of classification: overview, review queue, rules, text model, lines, jobs."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from omlob.audit.record import Actor
from omlob.classification import actions, masterdata, queries
from omlob.classification.forms import ConfirmForm
from omlob.classification.models import (
    ClassificationJob,
    Confirmation,
    ItemMaster,
    Rule,
    SupplierTrade,
    TextModel,
)
from omlob.core.classify.labels import LABEL_NAMES
from omlob.core.classify.taxonomy import load_taxonomy
from omlob.core.tabular import TableError
from omlob.organisations.roles import CLASSIFY_LINES, VIEW_PURCHASES
from omlob.organisations.tenancy import Tenant, requires

STEP_NAMES = {
    "confirmed": gettext_lazy("Bekræftet af en bruger"),
    "code": gettext_lazy("Linjens egen kode"),
    "rule": gettext_lazy("Regel"),
    "model": gettext_lazy("Tekstmodel"),
    "supplier": gettext_lazy("Leverandørens branche"),
    "account": gettext_lazy("Art"),
    "fallback": gettext_lazy("Intet grundlag"),
}
QUALITY_NAMES = {
    "high": gettext_lazy("Sikker"),
    "medium": gettext_lazy("Middel"),
    "low": gettext_lazy("Usikker"),
}


def _crumbs(tenant: Tenant, *extra: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    org = tenant.organisation.slug
    return [
        (tenant.organisation.name, reverse("org-dashboard", args=[org])),
        (_("Klassifikation"), reverse("classification-overview", args=[org])),
        *extra,
    ]


def _context(**extra: Any) -> dict[str, Any]:
    return {
        "active_module": "classification",
        "step_names": STEP_NAMES,
        "quality_names": QUALITY_NAMES,
        "label_names": LABEL_NAMES,
        **extra,
    }


@requires(VIEW_PURCHASES)
def overview(request: HttpRequest, org: str) -> HttpResponse:
    tenant: Tenant = request.tenant
    summary = queries.summary(tenant.organisation)
    context = _context(
        summary=summary,
        taxonomy=load_taxonomy(),
        confirmations=Confirmation.objects.for_tenant(tenant).count(),
        rules=Rule.objects.for_tenant(tenant).count(),
        model=TextModel.objects.for_tenant(tenant).filter(active=True).first(),
        jobs=ClassificationJob.objects.for_tenant(tenant)[:5],
        breadcrumbs=[*_crumbs(tenant)[:-1], (_("Klassifikation"), None)],
    )
    return render(request, "classification/overview.html", context)


@require_POST
@requires(CLASSIFY_LINES)
def run(request: HttpRequest, org: str) -> HttpResponse:
    tenant: Tenant = request.tenant
    kind = request.POST.get("kind", ClassificationJob.Kind.CLASSIFY)
    if kind not in (ClassificationJob.Kind.CLASSIFY, ClassificationJob.Kind.TRAIN):
        kind = ClassificationJob.Kind.CLASSIFY
    job = actions.queue_job(tenant.organisation, kind, Actor.of_user(request.user))
    target = "classification-model" if kind == ClassificationJob.Kind.TRAIN else None
    return _follow(org, job, target or "classification-overview")


def _follow(org: str, job: ClassificationJob, done: str) -> HttpResponse:
    """Back to ``done`` when the job already ran (small work), else to its progress page."""
    job.refresh_from_db()
    if job.status == ClassificationJob.Status.DONE:
        return redirect(done, org=org)
    return redirect("classification-job", org=org, pk=job.pk)


@requires(VIEW_PURCHASES)
def job_detail(request: HttpRequest, org: str, pk: int) -> HttpResponse:
    tenant: Tenant = request.tenant
    job = get_object_or_404(ClassificationJob.objects.for_tenant(tenant), pk=pk)
    context = _context(
        job=job,
        status_url=reverse("classification-job-status", args=[org, job.pk]),
        breadcrumbs=_crumbs(tenant, (job.get_kind_display(), None)),
    )
    return render(request, "classification/job.html", context)


@requires(VIEW_PURCHASES)
def job_status(request: HttpRequest, org: str, pk: int) -> JsonResponse:
    tenant: Tenant = request.tenant
    job = get_object_or_404(ClassificationJob.objects.for_tenant(tenant), pk=pk)
    done = job.status == ClassificationJob.Status.DONE
    target = "classification-model" if job.kind == ClassificationJob.Kind.TRAIN else None
    return JsonResponse(
        {
            "status": job.status,
            "label": job.get_status_display(),
            "stage": job.stage,
            "progress": job.progress,
            "message": job.message,
            "stale": False,
            "next": reverse(target or "classification-overview", args=[org]) if done else None,
        }
    )


@requires(VIEW_PURCHASES)
def review(request: HttpRequest, org: str) -> HttpResponse:
    tenant: Tenant = request.tenant
    segment = request.GET.get("segment", "").strip()[:8]
    status = 200
    form = None
    if request.method == "POST":
        if not tenant.can(CLASSIFY_LINES):
            return HttpResponse(status=403)
        keys = [k[:400] for k in request.POST.getlist("groups")[:500]]
        form = ConfirmForm(request.POST, group_keys=keys)
        if form.is_valid():
            try:
                job = _confirm(request, tenant, form)
            except actions.ClassificationError as exc:
                form.add_error(None, str(exc))
            else:
                n = len(form.cleaned_data["groups"])
                messages.success(
                    request,
                    ngettext(
                        "%(n)d gruppe er bekræftet, og dens linjer er klassificeret igen.",
                        "%(n)d grupper er bekræftet, og deres linjer er klassificeret igen.",
                        n,
                    )
                    % {"n": n},
                )
                return _follow(org, job, "classification-review")
        status = 422
    groups, total = queries.review_groups(tenant.organisation, segment=segment)
    if form is None:
        form = ConfirmForm(group_keys=[g.group_key for g in groups])
    taxonomy = load_taxonomy()
    context = _context(
        groups=groups,
        total=total,
        form=form,
        segment=segment,
        segments=sorted(
            (c for c in taxonomy.codes.values() if c.level == "segment"), key=lambda c: c.code
        ),
        families=sorted(
            (c for c in taxonomy.codes.values() if c.level == "family"), key=lambda c: c.code
        ),
        breadcrumbs=_crumbs(tenant, (_("Gennemsyn"), None)),
    )
    return render(request, "classification/review.html", context, status=status)


def _confirm(request: HttpRequest, tenant: Tenant, form: ConfirmForm) -> ClassificationJob:
    data = form.cleaned_data
    organic = {"yes": True, "no": False}.get(data.get("organic") or "")
    actor = Actor.of_user(request.user)
    pairs = [tuple(key.split("|", 1)) for key in data["groups"] if "|" in key]
    if data["action"] == ConfirmForm.SET:
        return actions.confirm_groups(
            actor=actor,
            org=tenant.organisation,
            groups=pairs,
            unspsc=data.get("unspsc") or "",
            product=data.get("product") or "",
            organic=organic,
            make_rule=data["make_rule"],
            rule_for_supplier=data["rule_for_supplier"],
        )
    # Accept each group's own suggestion, all in one go.
    current, _total = queries.review_groups(tenant.organisation, limit=5000)
    by_key = {g.group_key: g for g in current}
    suggestions = [
        (cvr, text, group.unspsc, group.product or "")
        for cvr, text in pairs
        if (group := by_key.get(f"{cvr}|{text}")) is not None and group.unspsc
    ]
    if not suggestions:
        raise actions.ClassificationError(_("De valgte grupper har intet forslag at bekræfte."))
    return actions.confirm_suggestions(
        actor=actor,
        org=tenant.organisation,
        groups=suggestions,
        organic=organic,
        make_rule=data["make_rule"],
        rule_for_supplier=data["rule_for_supplier"],
    )


@requires(VIEW_PURCHASES)
def rules(request: HttpRequest, org: str) -> HttpResponse:
    tenant: Tenant = request.tenant
    taxonomy = load_taxonomy()
    rows = list(Rule.objects.for_tenant(tenant)[:500])
    for rule in rows:
        rule.title = taxonomy.title(rule.unspsc)
        product = taxonomy.products.get(rule.product)
        rule.product_name = product.name_da if product else ""
    context = _context(
        rules=rows,
        confirmations=Confirmation.objects.for_tenant(tenant)[:200],
        breadcrumbs=_crumbs(tenant, (_("Regler"), None)),
    )
    return render(request, "classification/rules.html", context)


@require_POST
@requires(CLASSIFY_LINES)
def rule_delete(request: HttpRequest, org: str, pk: int) -> HttpResponse:
    tenant: Tenant = request.tenant
    rule = get_object_or_404(Rule.objects.for_tenant(tenant), pk=pk)
    job = actions.delete_rule(actor=Actor.of_user(request.user), rule=rule)
    messages.success(request, _("Reglen er slettet. De berørte linjer klassificeres igen."))
    return _follow(org, job, "classification-rules")


@requires(VIEW_PURCHASES)
def model(request: HttpRequest, org: str) -> HttpResponse:
    tenant: Tenant = request.tenant
    base = None
    versions = list(TextModel.objects.for_tenant(tenant)[:20])
    if not versions:
        base = actions.base_text_model()
    context = _context(
        versions=versions,
        base=base,
        confirmations=Confirmation.objects.for_tenant(tenant).count(),
        breadcrumbs=_crumbs(tenant, (_("Tekstmodel"), None)),
    )
    return render(request, "classification/model.html", context)


@requires(VIEW_PURCHASES)
def masterdata_page(request: HttpRequest, org: str) -> HttpResponse:
    """Suppliers' product files and trade codes: what they hold, and uploads of new ones."""
    tenant: Tenant = request.tenant
    status = 200
    error = ""
    if request.method == "POST":
        if not tenant.can(CLASSIFY_LINES):
            return HttpResponse(status=403)
        upload = request.FILES.get("file")
        kind = request.POST.get("kind")
        if upload is None or upload.size == 0:
            error = _("Vælg en fil.")
        elif upload.size > 50 * 1024 * 1024:
            error = _("Filen er større end 50 MB.")
        else:
            try:
                if kind == "items":
                    loaded = masterdata.load_items(
                        tenant.organisation,
                        request.POST.get("supplier", ""),
                        upload.read(),
                        upload.name,
                    )
                else:
                    loaded = masterdata.load_trades(tenant.organisation, upload.read(), upload.name)
            except TableError as exc:
                error = exc.message
            else:
                job = actions.queue_job(
                    tenant.organisation,
                    ClassificationJob.Kind.CLASSIFY,
                    Actor.of_user(request.user),
                )
                messages.success(
                    request,
                    _("%(new)d nye og %(changed)d ændrede rækker er indlæst.")
                    % {"new": loaded.created, "changed": loaded.updated},
                )
                return _follow(org, job, "classification-masterdata")
        status = 422
    items = (
        ItemMaster.objects.for_tenant(tenant)
        .values("supplier_cvr")
        .annotate(n=Count("id"))
        .order_by("supplier_cvr")
    )
    context = _context(
        items=list(items),
        trades=SupplierTrade.objects.for_tenant(tenant)[:500],
        error=error,
        kind=request.POST.get("kind", ""),
        breadcrumbs=_crumbs(tenant, (_("Stamdata"), None)),
    )
    return render(request, "classification/masterdata.html", context, status=status)
