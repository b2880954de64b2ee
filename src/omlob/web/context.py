"""Template context every page needs: the current tenant, the user's organisations, the modules."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from omlob import __version__
from omlob.organisations.models import Organisation
from omlob.web.modules import MODULES


def shell(request: HttpRequest) -> dict[str, Any]:
    tenant = getattr(request, "tenant", None)
    user = getattr(request, "user", None)
    organisations = (
        list(Organisation.objects.for_user(user).only("slug", "name"))
        if user is not None and user.is_authenticated
        else []
    )
    return {
        "tenant": tenant,
        "user_organisations": organisations,
        "modules": [m for m in MODULES if tenant is None or tenant.can(m.permission)],
        "omlob_version": __version__,
    }
