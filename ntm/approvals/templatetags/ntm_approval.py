"""Template helpers of the approval steps (the data they show is read by
``ntm.approvals.approval_state``, called from the views)."""

from __future__ import annotations

from django import template

from ntm.accounts.permissions import OFFICE_ROLES, can_write
from ntm.approvals.responsibility import OFFICE_LEVELS
from ntm.units.models import AdminUnit

register = template.Library()


@register.filter
def manages_responsibilities(user, unit: AdminUnit) -> bool:
    """Whether the user is an office that assigns criteria to departments for this unit."""
    return unit.level in OFFICE_LEVELS and can_write(user, unit, roles=OFFICE_ROLES)
