"""The small words of every page: numbers in the active language, short dates, status
badges, tier names, the demo mark, a unit's parents and dates of validity (moved out of ``ntm/web/unit_status.py``, issue 10)."""

from __future__ import annotations

import datetime as dt
from datetime import date

from django.utils import dateformat
from django.utils.translation import gettext

from ntm.core.hierarchy import REFORM_2025, Era
from ntm.core.numbers import format_number
from ntm.criteria.models import TierChoices
from ntm.number_messages import page_locale
from ntm.presentation.wording import MAX_DECIMALS, Wording
from ntm.units.models import AdminUnit
from ntm.units.wording import ancestors


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


# --- The unit itself ------------------------------------------------------------------


def parent_chain(unit: AdminUnit) -> str:
    """ "Huyện Kỳ Anh, Tỉnh Hà Tĩnh": the parents, nearest first."""
    return ", ".join(a.name for a in reversed(ancestors(unit)))


def era_label(unit: AdminUnit) -> str:
    if unit.era is Era.FROM_2025:
        return gettext("từ %(date)s") % {"date": short_date(REFORM_2025)}
    return gettext("trước %(date)s") % {"date": short_date(REFORM_2025)}


def last_day(unit: AdminUnit) -> date | None:
    return unit.valid_to - dt.timedelta(days=1) if unit.valid_to else None


def validity_text(unit: AdminUnit) -> str:
    """ "từ 01/12/2019 đến 30/06/2025", "từ 01/07/2025 đến nay", "đến 30/06/2025"."""
    start, end = short_date(unit.valid_from), short_date(last_day(unit))
    if start and end:
        return gettext("từ %(start)s đến %(end)s") % {"start": start, "end": end}
    if start:
        return gettext("từ %(start)s đến nay") % {"start": start}
    if end:
        return gettext("đến %(end)s") % {"end": end}
    return gettext("đang có hiệu lực")
