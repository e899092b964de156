"""Numbers on dashboards, in the page's language."""

from __future__ import annotations

from django import template

from ntm.core.numbers import format_number
from ntm.number_messages import page_locale

register = template.Library()


@register.filter
def percent(share: float | None) -> str:
    """0.125 -> '12,5 %' in Vietnamese, '12.5 %' in English; None -> ''."""
    if share is None:
        return ""
    return f"{format_number(float(share) * 100, 1, locale=page_locale())} %"
