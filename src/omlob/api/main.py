"""API endpoints. Every organisation endpoint resolves its tenant with :func:`tenant_of` and reads
through ``tenant.scope``; writes go through :mod:`omlob.organisations.actions`."""

from __future__ import annotations

from typing import Annotated

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import NinjaAPI, Path, Query, Status
from ninja.security import SessionAuth

from omlob import __version__
from omlob.api.auth import TokenAuth, actor_of, tenant_of, visible_memberships
from omlob.api.schemas import (
    MAX_ID,
    ErrorOut,
    EventOut,
    MeOut,
    OrganisationOut,
    Text,
    UnitIn,
    UnitOut,
    UnitPage,
    UnitPatch,
)
from omlob.audit.record import history_of
from omlob.organisations import actions
from omlob.organisations.models import CostCentre, OrgUnit, UnitEAN
from omlob.organisations.roles import EDIT_STRUCTURE
from omlob.organisations.tenancy import Tenant

api = NinjaAPI(
    title="Omløb API",
    version=__version__,
    description="Omløbs REST-API. Godkend med en personlig API-nøgle (Bearer) fra siden "
    "'API-nøgler' i din organisation; nøglen gælder én organisation med din rolle dér.",
    auth=[TokenAuth(), SessionAuth()],  # a key, or the browser session (with CSRF)
    urls_namespace="api",
)

Slug = Annotated[str, Path(pattern=r"^[-a-zA-Z0-9_]{1,60}$")]
UnitId = Annotated[int, Path(ge=1, le=MAX_ID)]
NOT_FOUND = {404: ErrorOut}


@api.exception_handler(ValidationError)
def _validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return api.create_response(request, {"detail": " ".join(exc.messages)}, status=422)


@api.exception_handler(PermissionDenied)
def _permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(
        request, {"detail": "Din rolle giver ikke adgang til dette."}, status=403
    )


def _unit_out(unit: OrgUnit, slug: str) -> dict:
    return {
        "id": unit.pk,
        "code": unit.code,
        "name": unit.name,
        "kind": unit.kind,
        "parent_id": unit.parent_id,
        "parent_code": unit.parent.code if unit.parent_id else None,
        "depth": unit.depth,
        "active": unit.active,
        "eans": [e.ean for e in unit.eans.all()],
        "cost_centres": [c.code for c in unit.cost_centres.all()],
        "url": reverse("unit-detail", args=[slug, unit.pk]),
    }


def _units(tenant: Tenant):
    return (
        tenant.scope(OrgUnit)
        .select_related("parent")
        .prefetch_related(
            Prefetch("eans", queryset=UnitEAN.objects.order_by("ean")),
            Prefetch("cost_centres", queryset=CostCentre.objects.order_by("code")),
        )
    )


@api.get("/v1/me", response=MeOut, tags=["konto"], summary="Hvem er jeg")
def me(request: HttpRequest) -> dict:
    memberships = visible_memberships(request)
    user = memberships[0].user if memberships else request.user
    return {
        "username": user.get_username(),
        "name": user.get_full_name(),
        "email": user.email,
        "organisations": [
            {"slug": m.organisation.slug, "name": m.organisation.name, "role": m.role}
            for m in memberships
        ],
    }


@api.get(
    "/v1/organisations",
    response=list[OrganisationOut],
    tags=["organisationer"],
    summary="Mine organisationer",
)
def organisations(request: HttpRequest) -> list[dict]:
    result = []
    for m in visible_memberships(request):
        tenant = tenant_of(request, m.organisation.slug)
        result.append(_organisation_out(tenant))
    return result


def _organisation_out(tenant: Tenant) -> dict:
    org = tenant.organisation
    return {
        "slug": org.slug,
        "name": org.name,
        "kind": org.kind,
        "cvr": org.cvr,
        "inhabitants": org.inhabitants,
        "unit_count": tenant.scope(OrgUnit).count(),
        "role": tenant.role,
    }


@api.get(
    "/v1/organisations/{org}",
    response={200: OrganisationOut, **NOT_FOUND},
    tags=["organisationer"],
    summary="Én organisation",
)
def organisation(request: HttpRequest, org: Slug) -> dict:
    return _organisation_out(tenant_of(request, org))


@api.get(
    "/v1/organisations/{org}/units",
    response={200: UnitPage, **NOT_FOUND},
    tags=["enheder"],
    summary="Enheder (organisationsstruktur)",
)
def units(
    request: HttpRequest,
    org: Slug,
    kind: Annotated[Text | None, Query(description="fx school, kitchen")] = None,
    parent_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    ean: Annotated[Text | None, Query(description="EAN/GLN-nummer")] = None,
    cost_centre: Annotated[Text | None, Query(description="omkostningssted")] = None,
    q: Annotated[Text | None, Query(description="søg i navn og kode")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> dict:
    tenant = tenant_of(request, org)
    qs = _units(tenant)
    if kind:
        qs = qs.filter(kind=kind)
    if parent_id:
        qs = qs.filter(parent_id=parent_id)
    if ean:
        qs = qs.filter(eans__ean=ean)
    if cost_centre:
        qs = qs.filter(cost_centres__code=cost_centre)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(code__icontains=q))
    qs = qs.distinct()
    return {"count": qs.count(), "items": [_unit_out(u, org) for u in qs[offset : offset + limit]]}


@api.get(
    "/v1/organisations/{org}/units/{unit_id}",
    response={200: UnitOut, **NOT_FOUND},
    tags=["enheder"],
    summary="Én enhed",
)
def unit(request: HttpRequest, org: Slug, unit_id: UnitId) -> dict:
    tenant = tenant_of(request, org)
    return _unit_out(get_object_or_404(_units(tenant), pk=unit_id), org)


def _parent(tenant: Tenant, parent_id: int | None) -> OrgUnit | None:
    if parent_id is None:
        return None
    parent = tenant.scope(OrgUnit).filter(pk=parent_id).first()
    if parent is None:
        raise ValidationError({"parent_id": "Den overordnede enhed findes ikke."})
    return parent


def _check_kind(kind: str | None) -> None:
    if kind is not None and kind not in OrgUnit.Kind.values:
        raise ValidationError(
            {"kind": f"Ukendt type {kind!r}; tilladt: " + ", ".join(OrgUnit.Kind.values)}
        )


@api.post(
    "/v1/organisations/{org}/units",
    response={201: UnitOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    tags=["enheder"],
    summary="Opret enhed",
)
def create_unit(request: HttpRequest, org: Slug, payload: UnitIn) -> Status:
    tenant = tenant_of(request, org, EDIT_STRUCTURE)
    _check_kind(payload.kind)
    unit = actions.create_unit(
        actor=actor_of(tenant),
        organisation=tenant.organisation,
        code=payload.code,
        name=payload.name,
        kind=payload.kind,
        parent=_parent(tenant, payload.parent_id),
        eans=payload.eans,
        cost_centres=payload.cost_centres,
    )
    return Status(201, _unit_out(_units(tenant).get(pk=unit.pk), org))


@api.patch(
    "/v1/organisations/{org}/units/{unit_id}",
    response={200: UnitOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    tags=["enheder"],
    summary="Ret enhed",
)
def update_unit(request: HttpRequest, org: Slug, unit_id: UnitId, payload: UnitPatch) -> dict:
    tenant = tenant_of(request, org)
    unit = get_object_or_404(tenant.scope(OrgUnit), pk=unit_id)
    tenant.require(EDIT_STRUCTURE)
    data = payload.model_dump(exclude_unset=True)
    _check_kind(data.get("kind"))
    values = {k: data[k] for k in ("code", "name", "kind", "active") if data.get(k) is not None}
    if "parent_id" in data:
        values["parent"] = _parent(tenant, data["parent_id"])
    actions.update_unit(
        actor=actor_of(tenant),
        unit=unit,
        eans=data.get("eans"),
        cost_centres=data.get("cost_centres"),
        **values,
    )
    return _unit_out(_units(tenant).get(pk=unit.pk), org)


@api.get(
    "/v1/organisations/{org}/units/{unit_id}/history",
    response={200: list[EventOut], **NOT_FOUND},
    tags=["enheder"],
    summary="Enhedens historik",
)
def unit_history(
    request: HttpRequest,
    org: Slug,
    unit_id: UnitId,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[dict]:
    tenant = tenant_of(request, org)
    unit = get_object_or_404(tenant.scope(OrgUnit), pk=unit_id)
    events = history_of(unit).filter(organisation=tenant.organisation)[:limit]
    return [
        {
            "at": e.at,
            "actor": e.actor_label,
            "action": e.action,
            "changes": e.changes,
            "note": e.note,
        }
        for e in events
    ]


from omlob.api.classification import router as classification_router  # noqa: E402
from omlob.api.spend import router as spend_router  # noqa: E402 - after api exists

api.add_router("", spend_router)
api.add_router("", classification_router)
