"""Danish number formatting for templates: ``{{ amount|kr }}`` → "1.234,50 kr."."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def kr(value: Any, decimals: int = 2) -> str:
    """An amount in Danish kroner in the active language's number format."""
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return ""
    return _("%(amount)s kr.") % {
        "amount": number_format(amount, int(decimals), force_grouping=True)
    }


@register.filter
def num(value: Any, decimals: int = 0) -> str:
    """A number with thousands separators in the active language's format."""
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return ""
    return number_format(number, int(decimals), force_grouping=True)


@register.simple_tag(takes_context=True)
def can(context: Any, permission: str) -> bool:
    tenant = context.get("tenant")
    return bool(tenant and tenant.can(permission))


_WIDGET_CLASS = {
    "select": "form-select",
    "checkbox": "form-checkbox",
    "file": "form-file-input",
    "textarea": "form-input",
    "radio": "form-radio",
}


@register.filter
def dkfds_widget(field: Any) -> str:
    """Render a form field's widget with the DKFDS class and ARIA links to hint and error."""
    widget = field.field.widget
    kind = getattr(widget, "input_type", None) or (
        "textarea" if widget.__class__.__name__ == "Textarea" else "select"
    )
    attrs = {"class": _WIDGET_CLASS.get(kind, "form-input")}
    described = []
    if field.help_text:
        described.append(f"{field.auto_id}-hint")
    if field.errors:
        described.append(f"{field.auto_id}-error")
        attrs["aria-invalid"] = "true"
    if described:
        attrs["aria-describedby"] = " ".join(described)
    return field.as_widget(attrs=attrs)
