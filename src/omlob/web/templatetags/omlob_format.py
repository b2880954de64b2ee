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


@register.filter
def pct(value: Any, decimals: int = 1) -> str:
    """A fraction (0.584) as a percentage in the active language's format ("58,4 %")."""
    try:
        number = Decimal(str(value)) * 100
    except (InvalidOperation, ValueError):
        return ""
    return number_format(number, int(decimals), force_grouping=True) + "\u00a0%"


@register.filter
def get(mapping: Any, key: Any) -> Any:
    """``mapping[key]`` in a template (the key itself when missing)."""
    try:
        return mapping.get(key, key)
    except AttributeError:
        return key
