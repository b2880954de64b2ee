"""Forms of the purchase import pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from omlob.core.lineschema import RAW_FIELDS
from omlob.organisations.forms import UnitChoiceField
from omlob.organisations.models import OrgUnit
from omlob.spend.models import MappingProfile

DECIMAL_CHOICES = [
    ("", _("Genkend automatisk")),
    (",", _("Komma (1.234,50)")),
    (".", _("Punktum (1,234.50)")),
]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (an export and its e-invoice zip, say)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)]


class ImportForm(forms.Form):
    files = MultipleFileField(
        label=_("Filer"),
        help_text=_(
            "CSV eller Excel fra økonomisystemet, OIOUBL/PEPPOL-fakturaer (XML) eller en zip med "
            "mange fakturaer. Flere filer bliver til én import."
        ),
    )
    profile = forms.ModelChoiceField(
        label=_("Kolonnekortlægning"),
        queryset=MappingProfile.objects.none(),
        required=False,
        empty_label=_("Find automatisk"),
    )
    currency = forms.RegexField(
        label=_("Valuta for beløb uden valuta"),
        regex=r"^[A-Za-z]{3}$",
        initial="DKK",
        max_length=3,
        error_messages={"invalid": _("Skriv en valutakode med tre bogstaver, fx DKK eller EUR.")},
    )
    decimal = forms.ChoiceField(label=_("Decimaltegn"), choices=DECIMAL_CHOICES, required=False)
    sheet = forms.CharField(
        label=_("Ark (kun Excel; tomt = første ark)"), required=False, max_length=100
    )

    def __init__(self, *args: Any, organisation: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["profile"].queryset = MappingProfile.objects.filter(organisation=organisation)


FIELD_CHOICES = [("", _("— bruges ikke —"))] + [(f.key, f.label) for f in RAW_FIELDS]


class MappingForm(forms.Form):
    """One choice per column of the file: which field of the purchase line it holds."""

    currency = forms.RegexField(
        label=_("Valuta for beløb uden valuta"),
        regex=r"^[A-Za-z]{3}$",
        max_length=3,
        error_messages={"invalid": _("Skriv en valutakode med tre bogstaver, fx DKK eller EUR.")},
    )
    decimal = forms.ChoiceField(label=_("Decimaltegn"), choices=DECIMAL_CHOICES, required=False)
    profile_name = forms.CharField(
        label=_("Gem som kortlægning (navn på kildesystemet, fx 'Opus kreditorposter')"),
        required=False,
        max_length=100,
    )

    def __init__(self, *args: Any, header: list[str], mapping: dict[str, int], **kwargs: Any):
        super().__init__(*args, **kwargs)
        by_column = {int(column): field for field, column in mapping.items()}
        self.columns = []
        for index, name in enumerate(header):
            key = f"col_{index}"
            self.fields[key] = forms.ChoiceField(
                label=name, choices=FIELD_CHOICES, required=False, initial=by_column.get(index, "")
            )
            self.columns.append(key)

    def column_fields(self) -> list[forms.BoundField]:
        return [self[key] for key in self.columns]

    def mapping(self) -> dict[str, int]:
        chosen: dict[str, int] = {}
        for index, key in enumerate(self.columns):
            field = self.cleaned_data.get(key)
            if not field:
                continue
            if field in chosen:
                self.add_error(
                    key,
                    _("Feltet er allerede valgt til kolonne %(n)s.") % {"n": chosen[field] + 1},
                )
                continue
            chosen[field] = index
        return chosen


class MapCodeForm(forms.Form):
    code = forms.CharField(widget=forms.HiddenInput, max_length=64)
    unit = UnitChoiceField(label=_("Enhed"), queryset=OrgUnit.objects.none())

    def __init__(self, *args: Any, organisation: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = OrgUnit.objects.filter(organisation=organisation)
