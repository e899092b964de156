"""The words of the unit pages: plural nouns of levels, short tier words, the reported
metrics ntm also computes, and the unit's own dates and parents in words."""

from __future__ import annotations

import datetime as dt
from datetime import date

from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from ntm.core.criteria.model import Tier
from ntm.core.hierarchy import REFORM_2025, Era
from ntm.presentation.page_words import short_date
from ntm.units.models import AdminUnit
from ntm.units.wording import ancestors

#: The most dates the timeline evaluates (the latest ones are kept).
TIMELINE_LIMIT = 20


#: Plural nouns for units of a level, as in "23/23 xã đạt chuẩn".
LEVEL_NOUNS = {
    "province": pgettext_lazy("số nhiều", "tỉnh"),
    "district": pgettext_lazy("số nhiều", "huyện"),
    "commune": pgettext_lazy("số nhiều", "xã"),
    "village": pgettext_lazy("số nhiều", "thôn"),
}


#: Short tier words, as in "8 xã nâng cao".
TIER_WORDS = {
    "standard": _("đạt chuẩn"),
    "advanced": _("nâng cao"),
    "model": _("kiểu mẫu"),
    "modern": _("hiện đại"),
    "completion": _("hoàn thành nhiệm vụ"),
}


#: Reported counts of child units ntm also holds: (child level, lowest tier or None).
#: Units come from the catalogue in force on the report's date, tiers from recognitions.
CHILD_COUNT_METRICS: dict[str, tuple[str, Tier | None]] = {
    "communes_total": ("commune", None),
    "communes_standard": ("commune", Tier.STANDARD),
    "communes_advanced": ("commune", Tier.ADVANCED),
    "communes_model": ("commune", Tier.MODEL),
    "districts_total": ("district", None),
    "villages_total": ("village", None),
}


#: Decimals kept in a reported figure (the report's own precision, 7.942 billion VND).
REPORTED_DECIMALS = 4


#: Reported counts of model-village registrations: the status counted (None for all).
REGISTRATION_METRICS: dict[str, str | None] = {
    "model_village_registrations": None,
    "model_villages_recognized": "recognized",
    "model_villages_appraised": "appraised",
    "model_villages_in_progress": "in_progress",
}


#: Reported numbers of criteria met, which ntm evaluates from the values it holds.
CRITERIA_MET_METRICS = ("criteria_met", "district_criteria_met")


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
