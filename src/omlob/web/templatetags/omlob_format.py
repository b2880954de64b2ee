"""Danish number formatting for templates: ``{{ amount|kr }}`` → "1.234,50 kr."."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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


_FIELD_LABELS = {
    "code": gettext_lazy("Kode"),
    "name": gettext_lazy("Navn"),
    "kind": gettext_lazy("Type"),
    "parent": gettext_lazy("Overordnet enhed"),
    "active": gettext_lazy("Aktiv"),
    "eans": gettext_lazy("EAN-numre"),
    "cost_centres": gettext_lazy("Omkostningssteder"),
    "slug": gettext_lazy("Kort navn"),
    "cvr": gettext_lazy("CVR-nr."),
    "inhabitants": gettext_lazy("Indbyggere"),
    "role": gettext_lazy("Rolle"),
    "unit": gettext_lazy("Enhed"),
    "user": gettext_lazy("Bruger"),
    "email": gettext_lazy("E-mail"),
    "created": gettext_lazy("Nye"),
    "updated": gettext_lazy("Ændrede"),
    "unchanged": gettext_lazy("Uændrede"),
}


@register.filter
def field_label(key: str) -> str:
    """The user-facing name of a field in the audit history."""
    return str(_FIELD_LABELS.get(key, key))


@register.filter
def audit_value(value: Any, key: str = "") -> str:
    """A value in the audit history as a person reads it: Ja/Nej, lists joined, – for nothing,
    unit kinds and roles by their labels."""
    from omlob.organisations.models import KIND_LABELS
    from omlob.organisations.roles import Role

    if value is None or value == []:
        return "–"
    if key == "kind" and value in KIND_LABELS:
        return str(KIND_LABELS[value])
    if key == "role" and value in Role.values:
        return str(Role(value).label)
    if isinstance(value, bool):
        return _("Ja") if value else _("Nej")
    if isinstance(value, (int, float)):
        return number_format(value, force_grouping=True)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)
