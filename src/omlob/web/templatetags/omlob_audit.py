"""The audit history as a person reads it: Danish field names, labels, Ja/Nej, numbers."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

register = template.Library()

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
