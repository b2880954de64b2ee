"""Roles of a member in an organisation and what each may do.

One table decides access; views and API endpoints ask :meth:`Tenant.can` with one of these
permission names and never test roles themselves.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    PROCUREMENT = "procurement", _("Indkøber")
    UNIT_MANAGER = "unit_manager", _("Enhedsleder")
    VIEWER = "viewer", _("Læser")


VIEW = "view"
EDIT_STRUCTURE = "edit_structure"
MANAGE_MEMBERS = "manage_members"
EDIT_ORGANISATION = "edit_organisation"
VIEW_AUDIT_LOG = "view_audit_log"
USE_API = "use_api"
VIEW_PURCHASES = "view_purchases"
IMPORT_PURCHASES = "import_purchases"
#: Confirm classifications, write rules, retrain the text model.
CLASSIFY_LINES = "classify_lines"

PERMISSIONS: dict[str, frozenset[str]] = {
    Role.ADMIN: frozenset(
        {
            VIEW,
            EDIT_STRUCTURE,
            MANAGE_MEMBERS,
            EDIT_ORGANISATION,
            VIEW_AUDIT_LOG,
            USE_API,
            VIEW_PURCHASES,
            IMPORT_PURCHASES,
            CLASSIFY_LINES,
        }
    ),
    Role.PROCUREMENT: frozenset(
        {
            VIEW,
            EDIT_STRUCTURE,
            VIEW_AUDIT_LOG,
            USE_API,
            VIEW_PURCHASES,
            IMPORT_PURCHASES,
            CLASSIFY_LINES,
        }
    ),
    # A unit manager sees their own unit's figures (later modules), not whole import batches.
    Role.UNIT_MANAGER: frozenset({VIEW, USE_API}),
    Role.VIEWER: frozenset({VIEW, USE_API, VIEW_PURCHASES}),
}


def role_can(role: str, permission: str) -> bool:
    """Whether ``role`` grants ``permission``."""
    return permission in PERMISSIONS.get(role, frozenset())
