"""The small words of every page: numbers in the active language, short dates, status
badges, tier names and the demo mark (moved out of ``ntm/web/unit_status.py``, issue 10)."""

from __future__ import annotations

from datetime import date

from django.utils import dateformat
from django.utils.translation import gettext

from ntm.core.numbers import format_number
from ntm.criteria.models import TierChoices
from ntm.number_messages import page_locale
from ntm.presentation.wording import MAX_DECIMALS, Wording


def localized_number(value: float, max_decimals: int | None = None) -> str:
    """A number in the active language's format: 12.5 -> "12,5" (vi), "12.5" (en).

    Thousands are grouped as reports write them: 6801 -> "6.801" (vi), "6,801" (en).
    """
    decimals = MAX_DECIMALS if max_decimals is None else max_decimals
    return format_number(value, decimals, locale=page_locale())


def page_wording() -> Wording:
    return Wording(number=localized_number, gettext=gettext)


def is_demo(source: str | None) -> bool:
    """Demo data is synthetic: its source starts with "demo"."""
    return bool(source) and source.strip().lower().startswith("demo")


def short_date(day: date | None) -> str:
    return dateformat.format(day, "d/m/Y") if day else ""


def badge_class(status: str) -> str:
    """The CSS class of a status badge: "not_met" -> "badge-not-met"."""
    return "badge-" + status.replace("_", "-")


def tier_label(tier: str) -> str:
    try:
        return str(TierChoices(tier).label)
    except ValueError:
        return tier
