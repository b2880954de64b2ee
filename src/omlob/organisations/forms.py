"""Forms for organisations, units, members and tokens; choices are always tenant-scoped."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from omlob.core.codes import CodeError, normalise_gln
from omlob.organisations.models import Organisation, OrgUnit
from omlob.organisations.roles import Role
from omlob.organisations.tenancy import Tenant

_SPLIT = re.compile(r"[\s,;/]+")


def split_codes(text: str) -> list[str]:
    """'5798000000001, 5798000000018' → ['5798000000001', '5798000000018']"""
    return [part for part in _SPLIT.split(text or "") if part]


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "kind", "cvr", "inhabitants"]


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: OrgUnit) -> str:
        return "\u2003" * obj.depth + f"{obj.name} ({obj.code})"


class UnitForm(forms.Form):
    code = forms.CharField(
        label=_("Enhedskode"),
        max_length=64,
        help_text=_("Kommunens egen nøgle for enheden, fx 'SKO-0412'."),
    )
    name = forms.CharField(label=_("Navn"), max_length=200)
    kind = forms.ChoiceField(label=_("Type"), choices=OrgUnit.Kind.choices)
    parent = UnitChoiceField(
        label=_("Overordnet enhed"),
        queryset=OrgUnit.objects.none(),
        required=False,
        empty_label=_("(ingen — øverste niveau)"),
    )
    eans = forms.CharField(
        label=_("EAN-numre"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("13 cifre; flere adskilles med komma eller linjeskift."),
    )
    cost_centres = forms.CharField(
        label=_("Omkostningssteder"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Flere adskilles med komma eller linjeskift."),
    )
    active = forms.BooleanField(label=_("Aktiv"), required=False, initial=True)

    def __init__(
        self, *args: Any, tenant: Tenant, unit: OrgUnit | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        parents = tenant.scope(OrgUnit)
        if unit is not None:
            parents = parents.exclude(path__startswith=unit.path)
        self.fields["parent"].queryset = parents

    def clean_code(self) -> str:
        return self.cleaned_data["code"].strip()

    def clean_eans(self) -> list[str]:
        result = []
        for value in split_codes(self.cleaned_data["eans"]):
            try:
                result.append(normalise_gln(value))
            except CodeError as exc:
                raise forms.ValidationError(str(exc)) from exc
        return result

    def clean_cost_centres(self) -> list[str]:
        return split_codes(self.cleaned_data["cost_centres"])


class StructureImportForm(forms.Form):
    file = forms.FileField(label=_("Fil med organisationsstrukturen (CSV eller XLSX)"))
    sheet = forms.CharField(
        label=_("Ark (kun Excel; tomt = første ark)"), required=False, max_length=100
    )
    dry_run = forms.BooleanField(label=_("Kontrollér kun filen — importér ikke"), required=False)

    MAX_BYTES = 20 * 1024 * 1024

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError(_("Filen er for stor (højst 20 MB)."))
        return upload


class MemberForm(forms.Form):
    role = forms.ChoiceField(label=_("Rolle"), choices=Role.choices)
    unit = UnitChoiceField(
        label=_("Enhed (kun for enhedsledere)"), queryset=OrgUnit.objects.none(), required=False
    )

    def __init__(self, *args: Any, tenant: Tenant, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = tenant.scope(OrgUnit)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("role") == Role.UNIT_MANAGER and not data.get("unit"):
            self.add_error("unit", _("Vælg den enhed, enhedslederen skal se."))
        return data


class InviteForm(MemberForm):
    email = forms.EmailField(label=_("E-mail"))
    field_order = ["email", "role", "unit"]


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Navn på nøglen"),
        max_length=100,
        help_text=_("Hvad nøglen bruges til, fx 'Power BI'."),
    )
    expires = forms.DateField(
        label=_("Udløber"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class AcceptInvitationForm(forms.Form):
    first_name = forms.CharField(label=_("Fornavn"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Efternavn"), max_length=150, required=False)
    password1 = forms.CharField(label=_("Adgangskode"), widget=forms.PasswordInput)
    password2 = forms.CharField(label=_("Gentag adgangskode"), widget=forms.PasswordInput)

    def __init__(self, *args: Any, email: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self) -> dict[str, Any]:
        from django.contrib.auth import password_validation
        from django.contrib.auth.models import User

        data = super().clean()
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("De to adgangskoder er ikke ens."))
        elif p1:
            try:
                password_validation.validate_password(
                    p1,
                    User(
                        username=self.email, email=self.email, first_name=data.get("first_name", "")
                    ),
                )
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return data
