"""Ask the role table from a template: ``{% can "edit_structure" as may_edit %}``."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def can(context: Any, permission: str) -> bool:
    tenant = context.get("tenant")
    return bool(tenant and tenant.can(permission))
