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
