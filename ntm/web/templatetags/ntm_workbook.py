"""Template filters for the Excel links: who may enter values for a unit."""

from __future__ import annotations

from django import template

from ntm.accounts.permissions import can_write

register = template.Library()


@register.filter
def can_enter_values(user, unit) -> bool:
    """True when the user's role enters values and the unit is in their scope."""
    return can_write(user, unit)
