"""Forms of the classification pages: bulk confirmation in the review queue, new rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from omlob.core.classify.taxonomy import load_taxonomy

ORGANIC_CHOICES = [
    ("", _("Som teksten siger")),
    ("yes", _("Økologisk")),
    ("no", _("Ikke økologisk")),
]


def product_choices() -> list[tuple[str, str]]:
    taxonomy = load_taxonomy()
    items = sorted(taxonomy.products.values(), key=lambda p: p.name_da.lower())
    return [("", _("(intet produkt)")), *((p.id, f"{p.name_da} — {p.unspsc}") for p in items)]


class ConfirmForm(forms.Form):
    """Confirm the selected groups: as suggested, or as a chosen code and product."""

    ACCEPT = "accept"
    SET = "set"

    groups = forms.MultipleChoiceField(label=_("Grupper"), choices=())
    action = forms.ChoiceField(
        choices=[(ACCEPT, _("Bekræft forslaget")), (SET, _("Sæt kode og produkt"))],
        initial=ACCEPT,
    )
    unspsc = forms.CharField(
        label=_("UNSPSC-kode"),
        required=False,
        max_length=11,
        help_text=_("2, 4, 6 eller 8 cifre, fx 50131701 eller 5013."),
    )
    product = forms.ChoiceField(
        label=_("Produkt"),
        required=False,
        choices=(),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    organic = forms.ChoiceField(
        label=_("Økologi"),
        required=False,
        choices=ORGANIC_CHOICES,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    make_rule = forms.BooleanField(label=_("Gør det til en regel"), required=False)
    rule_for_supplier = forms.BooleanField(
        label=_("Kun for denne leverandør"), required=False, initial=True
    )

    def __init__(self, *args: Any, group_keys: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["groups"].choices = [(key, key) for key in group_keys]
        self.fields["product"].choices = product_choices()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("action") == self.SET and not (data.get("unspsc") or data.get("product")):
            self.add_error("unspsc", _("Angiv en UNSPSC-kode eller vælg et produkt."))
        return data
