"""Tenants (organisations), their org-unit tree, members, invitations and API tokens.

Every model that belongs to a tenant has a queryset with ``for_tenant``; views and the API reach
rows only through :meth:`omlob.organisations.tenancy.Tenant.scope`, which calls it. That is the
one place isolation between organisations (and a unit manager's subtree) is enforced.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from omlob.core.codes import CodeError, normalise_cvr, normalise_gln
from omlob.core.orgstructure import KINDS
from omlob.organisations.roles import Role

if TYPE_CHECKING:
    from omlob.organisations.tenancy import Tenant


def validate_cvr(value: str) -> None:
    try:
        normalise_cvr(value)
    except CodeError as exc:
        raise ValidationError(str(exc)) from exc


def validate_gln(value: str) -> None:
    try:
        normalise_gln(value)
    except CodeError as exc:
        raise ValidationError(str(exc)) from exc


class TenantQuerySet(models.QuerySet):
    """A queryset that can narrow itself to what one tenant (and member) may see."""

    organisation_field: ClassVar[str] = "organisation"
    #: path from this model to the OrgUnit it belongs to ("" for OrgUnit itself, None: not
    #: unit-bound, so a unit-scoped member sees all of the organisation's rows of this model)
    unit_field: ClassVar[str | None] = None

    def for_tenant(self, tenant: Tenant) -> TenantQuerySet:
        qs = self.filter(**{self.organisation_field: tenant.organisation})
        if tenant.unit_path is not None and self.unit_field is not None:
            lookup = (
                f"{self.unit_field}__path__startswith" if self.unit_field else "path__startswith"
            )
            qs = qs.filter(**{lookup: tenant.unit_path})
        return qs


class OrganisationQuerySet(models.QuerySet):
    def for_user(self, user: Any) -> OrganisationQuerySet:
        if not user.is_authenticated:
            return self.none()
        return self.filter(memberships__user=user).distinct()


class Organisation(models.Model):
    class Kind(models.TextChoices):
        MUNICIPALITY = "kommune", _("Kommune")
        REGION = "region", _("Region")
        GROUP = "faellesskab", _("Fællesskab af kommuner")

    slug = models.SlugField(
        _("kort navn"),
        max_length=60,
        unique=True,
        help_text=_("Bruges i adresser og kommandolinjen, fx 'aalborg'."),
    )
    name = models.CharField(_("navn"), max_length=200)
    kind = models.CharField(
        _("type"), max_length=20, choices=Kind.choices, default=Kind.MUNICIPALITY
    )
    cvr = models.CharField(_("CVR-nr."), max_length=8, blank=True, validators=[validate_cvr])
    inhabitants = models.PositiveIntegerField(_("indbyggere"), null=True, blank=True)
    created_at = models.DateTimeField(_("oprettet"), default=timezone.now)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisationer")

    def __str__(self) -> str:
        return self.name


# Translatable labels of the core's unit kinds (the core itself has no Django, so no gettext).
KIND_LABELS = {
    "forvaltning": _("Forvaltning"),
    "omraade": _("Område"),
    "institution": _("Institution"),
    "school": _("Skole"),
    "daycare": _("Dagtilbud"),
    "kitchen": _("Køkken"),
    "care_home": _("Plejecenter"),
    "office": _("Administration"),
    "other": _("Andet"),
}
assert set(KIND_LABELS) == set(KINDS), "KIND_LABELS must name every kind of omlob.core.orgstructure"


class OrgUnitQuerySet(TenantQuerySet):
    unit_field = ""


class OrgUnit(models.Model):
    """A node of the organisation tree: forvaltning, område or institution."""

    Kind = models.TextChoices("Kind", [(code.upper(), (code, KIND_LABELS[code])) for code in KINDS])

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="units")
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("overordnet enhed"),
    )
    code = models.CharField(
        _("enhedskode"),
        max_length=64,
        validators=[
            RegexValidator(r"^\S(.*\S)?$", _("Koden må ikke begynde eller slutte med mellemrum."))
        ],
        help_text=_("Kommunens egen nøgle for enheden; bruges ved import af strukturen."),
    )
    name = models.CharField(_("navn"), max_length=200)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices, default="institution")
    #: materialised path of primary keys, "00000001/00000007/", for subtree queries
    path = models.CharField(max_length=900, db_index=True, editable=False, default="")
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    active = models.BooleanField(_("aktiv"), default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OrgUnitQuerySet.as_manager()

    class Meta:
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "code"], name="orgunit_code_unique"),
        ]
        verbose_name = _("enhed")
        verbose_name_plural = _("enheder")

    def __str__(self) -> str:
        return self.name

    def ancestors(self) -> list[OrgUnit]:
        """From the root down to the parent, read from the path in one query."""
        ids = [int(part) for part in self.path.strip("/").split("/")[:-1] if part]
        found = {u.pk: u for u in OrgUnit.objects.filter(pk__in=ids)}
        return [found[i] for i in ids if i in found]


class UnitCodeQuerySet(TenantQuerySet):
    unit_field = "unit"


class UnitEAN(models.Model):
    """An EAN/GLN location number the unit receives e-invoices on."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="eans")
    ean = models.CharField(_("EAN-nr."), max_length=13, validators=[validate_gln])

    objects = UnitCodeQuerySet.as_manager()

    class Meta:
        ordering = ["ean"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "ean"], name="unitean_unique"),
        ]

    def __str__(self) -> str:
        return self.ean


class CostCentre(models.Model):
    """A cost-centre code (omkostningssted) purchase lines are posted on."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="cost_centres")
    code = models.CharField(_("omkostningssted"), max_length=64)

    objects = UnitCodeQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "code"], name="costcentre_unique"),
        ]

    def __str__(self) -> str:
        return self.code


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("rolle"), max_length=20, choices=Role.choices, default=Role.VIEWER)
    unit = models.ForeignKey(
        OrgUnit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("enhed"),
        help_text=_("Enhedsledere ser kun denne enhed og dens underenheder."),
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["organisation__name", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="membership_unique"),
        ]
        verbose_name = _("medlemskab")
        verbose_name_plural = _("medlemskaber")

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation} ({self.get_role_display()})"


def hash_secret(secret: str) -> str:
    """Secrets (API keys, invitation tokens) are stored only as their SHA-256."""
    return hashlib.sha256(secret.encode()).hexdigest()


class Invitation(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("e-mail"))
    role = models.CharField(_("rolle"), max_length=20, choices=Role.choices, default=Role.VIEWER)
    unit = models.ForeignKey(
        OrgUnit,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("enhed"),
    )
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} → {self.organisation}"

    @property
    def is_open(self) -> bool:
        return (
            self.accepted_at is None
            and self.revoked_at is None
            and self.expires_at > timezone.now()
        )


class ApiTokenQuerySet(TenantQuerySet):
    def active(self) -> ApiTokenQuerySet:
        now = timezone.now()
        return self.filter(revoked_at__isnull=True).filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now)
        )


class ApiToken(models.Model):
    """A personal API key bound to one organisation; it acts with the owner's current role."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("navn"), max_length=100)
    prefix = models.CharField(max_length=16)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(_("udløber"), null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
