"""What Omløb knows about classifying an organisation's lines, and where the results are.

The per-line results live next to the lines, one Parquet file per batch
(``DATA_DIR/classified/organisation=<id>/batch-<id>.parquet``, see
:mod:`omlob.core.classify.cascade`); :class:`ClassifiedBatch` registers that file. What
people taught Omløb is here: :class:`Confirmation` (this text is that), :class:`Rule`
(texts with these words are that), :class:`SupplierTrade` (this supplier's trade code),
:class:`ItemMaster` (a supplier's product file) and the organisation's trained
:class:`TextModel` versions with their evaluation.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from omlob.organisations.models import Organisation, TenantQuerySet
from omlob.spend.models import Batch


class ClassifiedBatch(models.Model):
    """The classification file of one batch, and when its results last changed."""

    batch = models.OneToOneField(Batch, on_delete=models.CASCADE, related_name="classified")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    result_file = models.CharField(max_length=300)
    classified_at = models.DateTimeField()
    #: When results of lines last changed; figures computed before this are stale.
    changed_at = models.DateTimeField()
    taxonomy_version = models.CharField(max_length=20)
    model_version = models.CharField(max_length=60, blank=True)
    lines = models.IntegerField(default=0)
    high_lines = models.IntegerField(default=0)
    spend_dkk = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    high_spend_dkk = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    by_step = models.JSONField(default=dict)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-batch_id"]

    def __str__(self) -> str:
        return f"klassifikation af batch {self.batch_id}"


class ClassificationJob(models.Model):
    """Background work on classification: classify, re-classify affected lines, retrain."""

    class Kind(models.TextChoices):
        CLASSIFY = "classify", _("Klassificér alle linjer")
        AFFECTED = "affected", _("Klassificér berørte linjer igen")
        TRAIN = "train", _("Træn tekstmodellen")

    class Status(models.TextChoices):
        QUEUED = "queued", _("I kø")
        RUNNING = "running", _("Kører")
        DONE = "done", _("Færdig")
        FAILED = "failed", _("Fejlede")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    stage = models.CharField(max_length=200, blank=True)
    progress = models.FloatField(default=0.0)
    message = models.TextField(blank=True)
    #: For AFFECTED: the confirmation and rule ids whose lines to look at.
    params = models.JSONField(default=dict)
    result = models.JSONField(default=dict)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.pk})"


class Confirmation(models.Model):
    """A person said: lines with this text (from this supplier) are this code and product."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    supplier_cvr = models.CharField(max_length=40, blank=True)  # blank: any supplier
    text_key = models.CharField(max_length=300)
    example = models.CharField(max_length=300)
    unspsc = models.CharField(_("UNSPSC"), max_length=8)
    product = models.CharField(_("produkt"), max_length=80, blank=True)
    labels = models.JSONField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "supplier_cvr", "text_key"], name="one_confirmation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.example} → {self.unspsc}"


class Rule(models.Model):
    """Texts with these words (from this supplier, or any) are this code and product."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    keywords = models.CharField(_("nøgleord"), max_length=300)
    supplier_cvr = models.CharField(_("leverandørens CVR"), max_length=40, blank=True)
    unspsc = models.CharField(_("UNSPSC"), max_length=8)
    product = models.CharField(_("produkt"), max_length=80, blank=True)
    labels = models.JSONField(default=list, blank=True)
    confirmation = models.ForeignKey(
        Confirmation, null=True, blank=True, on_delete=models.SET_NULL, related_name="rules"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.keywords} → {self.unspsc}"


class SupplierTrade(models.Model):
    """A supplier's trade code (NACE Rev. 2 / DB07, as in the CVR register)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    cvr = models.CharField(max_length=40)
    name = models.CharField(max_length=200, blank=True)
    nace = models.CharField(_("branchekode"), max_length=10)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["name", "cvr"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "cvr"], name="one_trade_per_supplier")
        ]

    def __str__(self) -> str:
        return f"{self.name or self.cvr} ({self.nace})"


class ItemMaster(models.Model):
    """One item of a supplier's product file: its text and the labels it carries."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    supplier_cvr = models.CharField(max_length=40)
    item_number = models.CharField(max_length=100)
    description = models.CharField(max_length=300, blank=True)
    labels = models.CharField(max_length=300, blank=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "supplier_cvr", "item_number"], name="one_master_item"
            )
        ]

    def __str__(self) -> str:
        return f"{self.supplier_cvr}/{self.item_number}"


class TextModel(models.Model):
    """A trained version of an organisation's text classifier, with its evaluation."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    version = models.IntegerField()
    file = models.CharField(max_length=300)
    trained_at = models.DateTimeField(auto_now_add=True)
    examples = models.IntegerField(default=0)
    confirmed_examples = models.IntegerField(default=0)
    metrics = models.JSONField(default=dict)
    active = models.BooleanField(default=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "version"], name="one_model_version")
        ]

    def __str__(self) -> str:
        return f"tekstmodel v{self.version}"
