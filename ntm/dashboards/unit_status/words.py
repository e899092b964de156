"""The words of the unit pages: plural nouns of levels, short tier words, the reported
metrics ntm also computes, (the unit's own dates and parents in words are in ``ntm.presentation.page_words``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ntm.core.criteria.model import Tier

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
