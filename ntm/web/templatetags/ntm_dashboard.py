"""Numbers on dashboards, in the page's language."""

from __future__ import annotations

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def percent(share: float | None) -> str:
    """0.125 -> '12,5 %' in Vietnamese, '12.5 %' in English; None -> ''."""
    if share is None:
        return ""
    value = round(float(share) * 100, 1)
    shown = int(value) if value.is_integer() else value
    return f"{number_format(shown, use_l10n=True)} %"
