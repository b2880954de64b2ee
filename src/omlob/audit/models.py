"""The append-only history of every change users make (who, when, what).

Rows are only ever written by :func:`omlob.audit.record.record_event`, inside the same transaction
as the change they describe, so the trail is complete because there is no other way to change
state (the actions modules are the only writers).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        related_name="audit_events",
        null=True,
        blank=True,
    )
    at = models.DateTimeField(_("tidspunkt"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_label = models.CharField(_("udført af"), max_length=200)
    action = models.CharField(_("handling"), max_length=40)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(_("objekt"), max_length=255)
    changes = models.JSONField(_("ændringer"), default=dict, blank=True)
    note = models.CharField(_("bemærkning"), max_length=255, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["organisation", "object_type", "object_id"])]
        verbose_name = _("hændelse")
        verbose_name_plural = _("historik")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_repr}"
