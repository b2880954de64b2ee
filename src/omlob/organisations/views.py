"""Pages of one organisation: dashboard, settings, units, structure import, members, tokens, log.

Every view here sits under ``/o/<org>/`` and is decorated with :func:`requires`; rows are read
only through ``request.tenant.scope(...)`` and changed only through :mod:`.actions`.
"""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.paginator import Paginator
from django.db.models import Count, Min, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from omlob.audit.models import AuditEvent
from omlob.audit.record import Actor, history_of
from omlob.core.export import csv_bytes
from omlob.core.orgstructure import CANONICAL_HEADERS
from omlob.core.tabular import TableError
from omlob.organisations import actions
from omlob.organisations.forms import (
    InviteForm,
    MemberForm,
    OrganisationForm,
    StructureImportForm,
    TokenForm,
    UnitForm,
)
from omlob.organisations.models import (
    ApiToken,
    CostCentre,
    Invitation,
    Membership,
    Organisation,
    OrgUnit,
    UnitEAN,
)
from omlob.organisations.roles import (
    EDIT_ORGANISATION,
    EDIT_STRUCTURE,
    MANAGE_MEMBERS,
    USE_API,
    VIEW,
    VIEW_AUDIT_LOG,
)
from omlob.organisations.tenancy import Tenant, requires


def _actor(request: HttpRequest) -> Actor:
    return Actor.of_user(request.user)


def _crumbs(tenant: Tenant, *extra: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [
        (tenant.organisation.name, reverse("org-dashboard", args=[tenant.organisation.slug])),
        *extra,
    ]


def _apply_errors(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


@requires(VIEW)
def dashboard(request: HttpRequest, org: str) -> HttpResponse:
    tenant: Tenant = request.tenant
    units = tenant.scope(OrgUnit)
    by_kind = {row["kind"]: row["n"] for row in units.values("kind").annotate(n=Count("id"))}
    kinds = [
        (label, by_kind.get(code, 0)) for code, label in OrgUnit.Kind.choices if by_kind.get(code)
    ]
    events = (
        AuditEvent.objects.filter(organisation=tenant.organisation)[:8]
        if tenant.can(VIEW_AUDIT_LOG)
        else []
    )
    return render(
        request,
        "organisations/dashboard.html",
        {
            "active_module": "overview",
            "unit_count": units.count(),
            "ean_count": tenant.scope(UnitEAN).count(),
            "cost_centre_count": tenant.scope(CostCentre).count(),
            "member_count": tenant.scope(Membership).count(),
            "kinds": kinds,
            "events": events,
            "top_units": units.filter(depth=units.aggregate(d=Min("depth"))["d"] or 0).annotate(
                n_children=Count("children")
            ),
        },
    )


@requires(EDIT_ORGANISATION)
def organisation_settings(request: HttpRequest, org: str) -> HttpResponse:
    tenant: Tenant = request.tenant
    organisation = tenant.organisation
    # the form gets its own copy: is_valid() writes the new values onto its instance, and the
    # action must compare them with the unchanged record to write the history
    form = OrganisationForm(
        request.POST or None, instance=Organisation.objects.get(pk=organisation.pk)
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_organisation(
                actor=_actor(request),
                org=organisation,
                **{k: form.cleaned_data[k] for k in form.fields},
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Organisationens oplysninger er gemt."))
            return redirect("org-settings", org=org)
    return render(
        request,
        "organisations/settings.html",
        {
            "form": form,
            "active_module": "overview",
            "history": history_of(organisation)[:50],
            "breadcrumbs": _crumbs(tenant, (_("Indstillinger"), None)),
        },
    )


@requires(VIEW)
def unit_list(request: HttpRequest, org: str) -> HttpResponse:
    tenant: Tenant = request.tenant
    units = tenant.scope(OrgUnit).select_related("parent").prefetch_related("eans", "cost_centres")
    query = request.GET.get("q", "").strip()[:100]
    kind = request.GET.get("type", "")
    if query:
        units = units.filter(
            Q(name__icontains=query)
            | Q(code__icontains=query)
            | Q(eans__ean__startswith=query)
            | Q(cost_centres__code__startswith=query)
        ).distinct()
    if kind in OrgUnit.Kind.values:
        units = units.filter(kind=kind)
    page = Paginator(units, 200).get_page(request.GET.get("side"))
    return render(
        request,
        "organisations/unit_list.html",
        {
            "page": page,
            "query": query,
            "kind": kind,
            "kinds": OrgUnit.Kind.choices,
            "filtered": bool(query or kind),
            "active_module": "structure",
            "breadcrumbs": _crumbs(tenant, (_("Organisation"), None)),
        },
    )


@requires(VIEW)
def unit_detail(request: HttpRequest, org: str, pk: int) -> HttpResponse:
    tenant: Tenant = request.tenant
    unit = get_object_or_404(tenant.scope(OrgUnit).select_related("parent"), pk=pk)
    visible = tenant.scope(OrgUnit)
    ancestors = [a for a in unit.ancestors() if visible.filter(pk=a.pk).exists()]
    return render(
        request,
        "organisations/unit_detail.html",
        {
            "unit": unit,
            "children": visible.filter(parent=unit),
            "history": history_of(unit).filter(organisation=tenant.organisation)[:100],
            "active_module": "structure",
            "breadcrumbs": _crumbs(
                tenant,
                (_("Organisation"), reverse("unit-list", args=[org])),
                *[(a.name, reverse("unit-detail", args=[org, a.pk])) for a in ancestors],
                (unit.name, None),
            ),
        },
    )


def _unit_values(form: UnitForm) -> dict[str, Any]:
    """The form's values as the keyword arguments of create_unit and update_unit."""
    fields = ("code", "name", "kind", "parent", "active", "eans", "cost_centres")
    return {name: form.cleaned_data[name] for name in fields}


@requires(EDIT_STRUCTURE)
def unit_create(request: HttpRequest, org: str) -> HttpResponse:
    tenant: Tenant = request.tenant
    initial = {}
    if parent_id := request.GET.get("parent", ""):
        parent = tenant.scope(OrgUnit).filter(pk=parent_id).first() if parent_id.isdigit() else None
        initial = {"parent": parent}
    form = UnitForm(request.POST or None, tenant=tenant, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            unit = actions.create_unit(
                actor=_actor(request),
                organisation=tenant.organisation,
                **_unit_values(form),
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Enheden %(name)s er oprettet.") % {"name": unit.name})
            return redirect("unit-detail", org=org, pk=unit.pk)
    return render(
        request,
        "organisations/unit_form.html",
        {
            "form": form,
            "active_module": "structure",
            "breadcrumbs": _crumbs(
                tenant, (_("Organisation"), reverse("unit-list", args=[org])), (_("Ny enhed"), None)
            ),
        },
    )


@requires(EDIT_STRUCTURE)
def unit_edit(request: HttpRequest, org: str, pk: int) -> HttpResponse:
    tenant: Tenant = request.tenant
    unit = get_object_or_404(tenant.scope(OrgUnit), pk=pk)
    initial = {
        "code": unit.code,
        "name": unit.name,
        "kind": unit.kind,
        "parent": unit.parent,
        "active": unit.active,
        "eans": "\n".join(unit.eans.values_list("ean", flat=True)),
        "cost_centres": "\n".join(unit.cost_centres.values_list("code", flat=True)),
    }
    form = UnitForm(request.POST or None, tenant=tenant, unit=unit, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_unit(
                actor=_actor(request),
                unit=unit,
                **_unit_values(form),
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Ændringerne er gemt."))
            return redirect("unit-detail", org=org, pk=unit.pk)
    return render(
        request,
        "organisations/unit_form.html",
        {
            "form": form,
            "unit": unit,
            "active_module": "structure",
            "breadcrumbs": _crumbs(
                tenant,
                (_("Organisation"), reverse("unit-list", args=[org])),
                (unit.name, reverse("unit-detail", args=[org, unit.pk])),
                (_("Rediger"), None),
            ),
        },
    )


@requires(EDIT_STRUCTURE)
def unit_import(request: HttpRequest, org: str) -> HttpResponse:
    tenant: Tenant = request.tenant
    form = StructureImportForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {
        "form": form,
        "active_module": "structure",
        "columns": CANONICAL_HEADERS,
        "breadcrumbs": _crumbs(
            tenant,
            (_("Organisation"), reverse("unit-list", args=[org])),
            (_("Importér struktur"), None),
        ),
    }
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            plan = actions.plan_structure_import(
                tenant.organisation, upload.read(), upload.name, form.cleaned_data["sheet"] or None
            )
        except TableError as exc:
            context["file_error"] = str(exc)
            return render(request, "organisations/unit_import.html", context, status=422)
        context.update({"plan": plan, "filename": upload.name})
        if not plan.ok:
            return render(request, "organisations/unit_import.html", context, status=422)
        if form.cleaned_data["dry_run"]:
            context["checked"] = True
            return render(request, "organisations/unit_import.html", context)
        result = actions.import_structure(
            actor=_actor(request), organisation=tenant.organisation, plan=plan, filename=upload.name
        )
        messages.success(
            request,
            _(
                "%(file)s er importeret. Nye enheder: %(created)d, ændrede: %(updated)d, "
                "uændrede: %(unchanged)d."
            )
            % {
                "file": upload.name,
                "created": len(result.created),
                "updated": len(result.updated),
                "unchanged": len(result.unchanged),
            },
        )
        return redirect("unit-list", org=org)
    return render(request, "organisations/unit_import.html", context)


@requires(VIEW)
def unit_export(request: HttpRequest, org: str) -> HttpResponse:
    tenant: Tenant = request.tenant
    units = tenant.scope(OrgUnit).select_related("parent").prefetch_related("eans", "cost_centres")
    rows = (
        [
            u.code,
            u.name,
            u.kind,
            u.parent.code if u.parent_id else "",
            ", ".join(e.ean for e in u.eans.all()),
            ", ".join(c.code for c in u.cost_centres.all()),
        ]
        for u in units
    )
    response = HttpResponse(
        csv_bytes(CANONICAL_HEADERS, rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="{tenant.organisation.slug}-struktur.csv"'
    )
    return response


@requires(MANAGE_MEMBERS)
def member_list(request: HttpRequest, org: str) -> HttpResponse:
    tenant: Tenant = request.tenant
    form = InviteForm(request.POST or None, tenant=tenant)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            invitation, token = actions.invite(
                actor=_actor(request),
                organisation=tenant.organisation,
                email=data["email"],
                role=data["role"],
                unit=data["unit"],
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            link = settings.OMLOB_BASE_URL.rstrip("/") + reverse("invitation-accept", args=[token])
            send_mail(
                _("Invitation til Omløb: %(org)s") % {"org": tenant.organisation.name},
                _(
                    "Du er inviteret til %(org)s i Omløb som %(role)s.\n\n"
                    "Følg linket for at tage imod "
                    "invitationen (gyldigt i %(days)d dage):\n%(link)s\n"
                )
                % {
                    "org": tenant.organisation.name,
                    "role": invitation.get_role_display(),
                    "days": actions.INVITATION_DAYS,
                    "link": link,
                },
                None,
                [invitation.email],
                fail_silently=True,
            )
            messages.success(
                request,
                _("Invitationen er sendt til %(email)s. Linket kan også gives direkte: %(link)s")
                % {"email": invitation.email, "link": link},
            )
            return redirect("member-list", org=org)
    return render(
        request,
        "organisations/member_list.html",
        {
            "form": form,
            "active_module": "members",
            "members": tenant.scope(Membership).select_related("user", "unit"),
            "invitations": [
                i for i in tenant.scope(Invitation).select_related("unit") if i.is_open
            ],
            "breadcrumbs": _crumbs(tenant, (_("Brugere"), None)),
        },
    )


@requires(MANAGE_MEMBERS)
def member_edit(request: HttpRequest, org: str, pk: int) -> HttpResponse:
    tenant: Tenant = request.tenant
    membership = get_object_or_404(tenant.scope(Membership).select_related("user", "unit"), pk=pk)
    form = MemberForm(
        request.POST or None,
        tenant=tenant,
        initial={"role": membership.role, "unit": membership.unit},
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.change_membership(
                actor=_actor(request),
                membership=membership,
                role=form.cleaned_data["role"],
                unit=form.cleaned_data["unit"],
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Brugerens rolle er gemt."))
            return redirect("member-list", org=org)
    return render(
        request,
        "organisations/member_edit.html",
        {
            "form": form,
            "membership": membership,
            "active_module": "members",
            "history": history_of(membership).filter(organisation=tenant.organisation)[:50],
            "breadcrumbs": _crumbs(
                tenant,
                (_("Brugere"), reverse("member-list", args=[org])),
                (membership.user.get_username(), None),
            ),
        },
    )


@require_POST
@requires(MANAGE_MEMBERS)
def member_remove(request: HttpRequest, org: str, pk: int) -> HttpResponse:
    tenant: Tenant = request.tenant
    membership = get_object_or_404(tenant.scope(Membership), pk=pk)
    try:
        actions.remove_membership(actor=_actor(request), membership=membership)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("%(user)s har ikke længere adgang til organisationen.")
            % {"user": membership.user.get_username()},
        )
    return redirect("member-list", org=org)


@require_POST
@requires(MANAGE_MEMBERS)
def invitation_revoke(request: HttpRequest, org: str, pk: int) -> HttpResponse:
    tenant: Tenant = request.tenant
    invitation = get_object_or_404(tenant.scope(Invitation), pk=pk)
    actions.revoke_invitation(actor=_actor(request), invitation=invitation)
    messages.success(
        request, _("Invitationen til %(email)s er annulleret.") % {"email": invitation.email}
    )
    return redirect("member-list", org=org)


@requires(USE_API)
def token_list(request: HttpRequest, org: str) -> HttpResponse:
    tenant: Tenant = request.tenant
    form = TokenForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        expires = form.cleaned_data["expires"]
        expires_at = timezone.make_aware(datetime.combine(expires, time.max)) if expires else None
        if expires_at is not None and expires_at <= timezone.now():
            form.add_error("expires", _("Udløbsdatoen skal ligge i fremtiden."))
        else:
            _token, new_key = actions.create_token(
                actor=_actor(request),
                membership=tenant.membership,
                name=form.cleaned_data["name"],
                expires_at=expires_at,
            )
            form = TokenForm()
    tokens = tenant.scope(ApiToken).filter(user=request.user)
    return render(
        request,
        "organisations/token_list.html",
        {
            "form": form,
            "new_key": new_key,
            "tokens": tokens,
            "active_module": "tokens",
            "breadcrumbs": _crumbs(tenant, (_("API-nøgler"), None)),
        },
    )


@require_POST
@requires(USE_API)
def token_revoke(request: HttpRequest, org: str, pk: int) -> HttpResponse:
    tenant: Tenant = request.tenant
    token = get_object_or_404(tenant.scope(ApiToken).filter(user=request.user), pk=pk)
    actions.revoke_token(actor=_actor(request), token=token)
    messages.success(request, _("Nøglen %(name)s er tilbagekaldt.") % {"name": token.name})
    return redirect("token-list", org=org)


@requires(VIEW_AUDIT_LOG)
def audit_log(request: HttpRequest, org: str) -> HttpResponse:
    tenant: Tenant = request.tenant
    events = AuditEvent.objects.filter(organisation=tenant.organisation)
    page = Paginator(events, 100).get_page(request.GET.get("side"))
    return render(
        request,
        "organisations/audit_log.html",
        {
            "page": page,
            "active_module": "audit",
            "breadcrumbs": _crumbs(tenant, (_("Historik"), None)),
        },
    )
