"""Write audit events; the only way rows get into :class:`AuditEvent`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import models

from omlob.audit.models import AuditEvent

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


@dataclass(frozen=True)
class Actor:
    """Who did something: a logged-in user, a user through an API token, or the system (CLI)."""

    user: AbstractBaseUser | None
    label: str

    @classmethod
    def of_user(cls, user: Any, via: str = "") -> Actor:
        name = user.get_username() if user is not None else "?"
        return cls(user=user, label=f"{name} ({via})" if via else name)

    @property
    def saved_user(self) -> AbstractBaseUser | None:
        """The user as a database row to point at (None for the system or an unsaved user)."""
        return self.user if self.user is not None and self.user.pk else None

    @classmethod
    def system(cls, label: str = "system") -> Actor:
        return cls(user=None, label=label)


def _plain(value: Any) -> Any:
    """JSON-safe representation of a field value for the change record."""
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, (list, tuple, set, frozenset)):
        return sorted(str(v) for v in value)
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """Fields whose value changed, as ``{field: [old, new]}``."""
    changes: dict[str, list[Any]] = {}
    for key in sorted(set(before) | set(after)):
        old, new = _plain(before.get(key)), _plain(after.get(key))
        if old != new:
            changes[key] = [old, new]
    return changes


def event(
    *,
    organisation: Any,
    actor: Actor,
    action: str,
    obj: models.Model,
    changes: Mapping[str, list[Any]] | None = None,
    note: str = "",
) -> AuditEvent:
    """An unsaved event for ``obj``; :func:`record_event` and :func:`record_events` save it."""
    return AuditEvent(
        organisation=organisation,
        actor=actor.saved_user,
        actor_label=actor.label[:200],
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:255],
        changes=dict(changes or {}),
        note=note[:255],
    )


def record_event(**kwargs: Any) -> AuditEvent:
    """Append one event (arguments as :func:`event`) inside the change's transaction."""
    saved = event(**kwargs)
    saved.save()
    return saved


def record_events(events: list[AuditEvent]) -> None:
    """Append many events at once (bulk imports); call inside the change's transaction."""
    AuditEvent.objects.bulk_create(events, batch_size=500)


def history_of(obj: models.Model) -> models.QuerySet[AuditEvent]:
    """The events of one record, newest first."""
    return AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
