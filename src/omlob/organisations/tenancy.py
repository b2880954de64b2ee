"""The request's current organisation, resolved in one place.

Every organisation page lives under ``/o/<org>/``. :class:`TenantMiddleware` resolves ``<org>``
against the logged-in user's memberships before any view runs: anonymous users are sent to the
login page, users who are not members get a 404 (so the existence of other tenants does not leak).
Views then read rows only through :meth:`Tenant.scope`, which narrows to the organisation and, for
a unit manager, to their org-unit subtree. The API builds the same :class:`Tenant` from a token.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse

from omlob.organisations.models import ApiToken, Membership, Organisation, TenantQuerySet
from omlob.organisations.roles import Role, role_can

SESSION_KEY = "omlob_current_org"


@dataclass(frozen=True)
class Tenant:
    """An organisation as seen by one member (and, through the API, one token)."""

    organisation: Organisation
    membership: Membership
    token: ApiToken | None = None

    @property
    def role(self) -> str:
        return self.membership.role

    @property
    def user(self) -> Any:
        return self.membership.user

    @property
    def unit_path(self) -> str | None:
        """Subtree prefix for a unit manager; None means the whole organisation."""
        if self.role == Role.UNIT_MANAGER:
            # a unit manager without a unit sees no units at all
            return self.membership.unit.path if self.membership.unit_id else "no-unit/"
        return None

    def can(self, permission: str) -> bool:
        return role_can(self.role, permission)

    def require(self, permission: str) -> None:
        if not self.can(permission):
            raise PermissionDenied(permission)

    def scope(self, model: type[models.Model] | models.QuerySet) -> TenantQuerySet:
        """The rows of ``model`` this member may see."""
        qs = model if isinstance(model, models.QuerySet) else model._default_manager.all()
        if not isinstance(qs, TenantQuerySet):
            raise TypeError(f"{qs.model.__name__} is not tenant-scoped")
        return qs.for_tenant(self)


def tenant_for(user: Any, slug: str) -> Tenant | None:
    """The tenant ``slug`` as seen by ``user``, or None when they are not a member."""
    if not user.is_authenticated:
        return None
    membership = (
        Membership.objects.select_related("organisation", "unit", "user")
        .filter(user=user, organisation__slug=slug)
        .first()
    )
    if membership is None:
        return None
    return Tenant(organisation=membership.organisation, membership=membership)


class TenantMiddleware:
    """Resolves ``org`` in the URL to ``request.tenant`` or refuses the request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.tenant = None  # type: ignore[attr-defined]
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: Any,
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        slug = view_kwargs.get("org")
        if slug is None or request.path.startswith("/api/"):
            return None
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        tenant = tenant_for(request.user, slug)
        if tenant is None:
            raise Http404("Ukendt organisation")
        request.tenant = tenant  # type: ignore[attr-defined]
        request.session[SESSION_KEY] = slug
        return None


def requires(
    permission: str,
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Decorate an organisation view: it runs only for members whose role grants ``permission``."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            tenant: Tenant | None = getattr(request, "tenant", None)
            if tenant is None:
                raise Http404("Ukendt organisation")
            tenant.require(permission)
            return view(request, *args, **kwargs)

        wrapped.required_permission = permission  # type: ignore[attr-defined]
        return wrapped

    return decorator
