"""API authentication: personal tokens (Bearer) or the browser session.

Both end in the same :class:`~omlob.organisations.tenancy.Tenant` the web pages use, so the API
is scoped by exactly the same rules. A token names one organisation; asking it for another gives
404, as for a user who is not a member.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from omlob.audit.record import Actor
from omlob.organisations.models import ApiToken, Membership, hash_secret
from omlob.organisations.roles import USE_API
from omlob.organisations.tenancy import Tenant, tenant_for


class TokenAuth(HttpBearer):
    openapi_description = (
        "Personlig API-nøgle fra siden 'API-nøgler': `Authorization: Bearer omlob_…`"
    )

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        if not token or len(token) > 200 or "\x00" in token:
            return None
        api_token = (
            ApiToken.objects.active()
            .select_related("user", "organisation")
            .filter(key_hash=hash_secret(token))
            .first()
        )
        if api_token is None or not api_token.user.is_active:
            return None
        membership = (
            Membership.objects.select_related("organisation", "unit", "user")
            .filter(user=api_token.user, organisation=api_token.organisation)
            .first()
        )
        if membership is None:
            return None
        now = timezone.now()
        if api_token.last_used_at is None or now - api_token.last_used_at > timedelta(minutes=5):
            ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
        request.token_tenant = Tenant(
            organisation=membership.organisation,  # type: ignore[attr-defined]
            membership=membership,
            token=api_token,
        )
        return api_token


def tenant_of(request: HttpRequest, slug: str, permission: str | None = None) -> Tenant:
    """The tenant ``slug`` for this API request (404), whose role grants ``permission`` (403)."""
    token_tenant: Tenant | None = getattr(request, "token_tenant", None)
    if token_tenant is not None:
        tenant = token_tenant if token_tenant.organisation.slug == slug else None
    else:
        tenant = tenant_for(request.user, slug)
    if tenant is None or not tenant.can(USE_API):
        raise Http404("Ukendt organisation")
    if permission is not None:
        tenant.require(permission)
    return tenant


def visible_memberships(request: HttpRequest) -> Any:
    token_tenant: Tenant | None = getattr(request, "token_tenant", None)
    if token_tenant is not None:
        return [token_tenant.membership]
    return list(Membership.objects.filter(user=request.user).select_related("organisation"))


def actor_of(tenant: Tenant) -> Actor:
    """Who the audit trail names for an API change: the user, and the key they used."""
    via = f"API-nøgle {tenant.token.prefix}…" if tenant.token else "API"
    return Actor.of_user(tenant.user, via=via)
