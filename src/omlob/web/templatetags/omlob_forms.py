"""Form fields rendered the DKFDS way: ``{{ field|dkfds_widget }}``."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()

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
