"""Template helpers of the data-entry pages and their entry points."""

from __future__ import annotations

from datetime import date

from django import template
from django.urls import reverse
from django.utils.http import urlencode

from ntm.accounts.permissions import can_write
from ntm.presentation.wording import slug_of
from ntm.units.models import AdminUnit
from ntm.values.entry_periods import period_around

register = template.Library()


@register.filter
def can_enter(user, unit: AdminUnit) -> bool:
    """Whether the user may enter values for the unit (a data-entry role, in scope)."""
    return can_write(user, unit)


@register.simple_tag
def entry_url(unit: AdminUnit, set_id: str = "", as_of: date | None = None, code: str = "") -> str:
    """The entry form of a unit for the period around the day being looked at (at one
    indicator when its code is given)."""
    params = {}
    if set_id:
        params["set"] = set_id
    if as_of is not None:
        params["period"] = period_around(unit, as_of).label
    url = reverse("web:unit-entry", args=[unit.pk])
    if params:
        url += "?" + urlencode(params)
    return url + (f"#ind-{slug_of(code)}" if code else "")


@register.simple_tag
def grid_url(unit: AdminUnit, set_id: str = "", as_of: date | None = None) -> str:
    """The bulk grid of the communes under a unit, for the period around the day looked at."""
    params = {}
    if set_id:
        params["set"] = set_id
    if as_of is not None:
        params["period"] = period_around(unit, as_of).label
    url = reverse("web:unit-grid", args=[unit.pk])
    return url + ("?" + urlencode(params) if params else "")


@register.filter
def entry_slug(code: str) -> str:
    """An indicator code as the entry form's anchors write it: "2.1" -> "2-1"."""
    return slug_of(code)
