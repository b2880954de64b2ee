"""Purchase data: import jobs, registered batches of lines, mapping profiles.

The lines themselves are not in the database: each batch is one immutable Parquet file (see
:mod:`omlob.core.purchase_import`). A :class:`Batch` row is what makes that file visible; it is
written in one transaction once the file is complete, so a batch is either wholly there or not
at all. An :class:`ImportJob` is the work (queued, running, failed, done) with its progress.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from omlob.organisations.models import Organisation, TenantQuerySet


class MappingProfile(models.Model):
    """A confirmed column mapping for one source system, found again by the header's key."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("navn"), max_length=100)
    header_key = models.CharField(max_length=64, db_index=True)
    header = models.JSONField(default=list)
    mapping = models.JSONField(default=dict)
    currency = models.CharField(_("valuta"), max_length=3, default="DKK")
    decimal = models.CharField(_("decimaltegn"), max_length=1, blank=True)
    sheet = models.CharField(_("ark"), max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="profile_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class ImportJob(models.Model):
    """One import: the uploaded files, how to read them, and how far the work has come."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Afventer kolonnevalg")
        QUEUED = "queued", _("I kø")
        RUNNING = "running", _("I gang")
        DONE = "done", _("Færdig")
        FAILED = "failed", _("Fejlet")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    stage = models.CharField(max_length=200, blank=True)
    progress = models.FloatField(default=0.0)
    message = models.TextField(blank=True)
    #: [{"name", "sha256", "size", "kind", "mapping", "header", ...}]
    files = models.JSONField(default=list)
    options = models.JSONField(default=dict)
    profile = models.ForeignKey(
        MappingProfile, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    replaces = models.ForeignKey(
        "Batch", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    result = models.JSONField(default=dict)
    heartbeat = models.DateTimeField(null=True, blank=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"import {self.pk}"

    @property
    def file_names(self) -> str:
        return ", ".join(f["name"] for f in self.files)

    @property
    def is_active(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)


class Batch(models.Model):
    """A registered, complete set of purchase lines from one import (same id as its job)."""

    id = models.BigIntegerField(primary_key=True)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    source = models.CharField(_("kilde"), max_length=20)
    file_names = models.TextField(_("filer"))
    lines_file = models.CharField(max_length=300)
    rejects_file = models.CharField(max_length=300)
    accepted = models.IntegerField(_("linjer"), default=0)
    rejected = models.IntegerField(_("afviste"), default=0)
    duplicates = models.IntegerField(_("dubletter"), default=0)
    unmapped_units = models.IntegerField(_("ukendte enhedskoder"), default=0)
    unmapped_lines = models.IntegerField(_("linjer uden enhed"), default=0)
    total_dkk = models.DecimalField(_("beløb i alt"), max_digits=18, decimal_places=2, default=0)
    first_date = models.DateField(null=True, blank=True)
    last_date = models.DateField(null=True, blank=True)
    profile_name = models.CharField(max_length=100, blank=True)
    details = models.JSONField(default=dict)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("importbatch")

    def __str__(self) -> str:
        return f"batch {self.pk}"


class BatchFile(models.Model):
    """A source file of a batch; its content hash refuses the same file a second time."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    batch = models.ForeignKey(Batch, on_delete=models.CASCADE, related_name="source_files")
    name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    size = models.BigIntegerField()
    kind = models.CharField(max_length=10)
    stored = models.CharField(max_length=300)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "sha256"], name="batchfile_unique"),
        ]

    def __str__(self) -> str:
        return self.name
