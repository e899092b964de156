"""Words for the codes stored in criteria data and records, in the user's language.

The template library ``ntm_labels`` registers these functions as filters and tags."""

from __future__ import annotations

import datetime as dt
import unicodedata
from typing import Any

from django.utils.translation import get_language, get_language_info
from django.utils.translation import gettext_lazy as _

from ntm.core.numbers import format_number
from ntm.number_messages import page_locale
from ntm.units.models import CommuneGroupChoices, LevelChoices, RegionChoices

CONFIDENCE_LABELS = {
    "verified": _("đã xác minh"),
    "partial": _("xác minh một phần"),
    "unverified": _("chưa xác minh"),
}

COMPARATOR_SYMBOLS = {">=": "≥", "<=": "≤", ">": ">", "<": "<", "==": "="}

KIND_LABELS = {
    "judgement": _("Đánh giá đạt/chưa đạt"),
    "number": _("Số"),
    "ratio": _("Tỷ lệ"),
    "aggregate": _("Tổng hợp đơn vị con"),
}

# Short tier words for lists and badges; the models carry the full names.
TIER_LABELS = {
    "standard": _("Đạt chuẩn"),
    "advanced": _("Nâng cao"),
    "model": _("Kiểu mẫu"),
    "modern": _("Hiện đại"),
    "completion": _("Hoàn thành nhiệm vụ"),
}

DIFFERENTIATION_LABELS = {
    "region": _("theo 7 vùng kinh tế - xã hội"),
    "commune_group": _("theo nhóm xã (1, 2, 3)"),
    "none": _("một mức chung cho cả nước"),
}

MEASURE_LABELS = {
    "share_at_tier": _("tỷ lệ đơn vị con đạt mức"),
    "count_at_tier": _("số đơn vị con đạt mức"),
}

STATUS_LABELS = {"published": _("Đã ban hành"), "draft": _("Bản nháp")}


def confidence_label(code: str) -> str:
    """'unverified' -> 'chưa xác minh'; unknown codes are shown as they are."""
    return CONFIDENCE_LABELS.get(code, code)


def comparator_symbol(code: str | None) -> str:
    """'>=' -> '≥'."""
    return COMPARATOR_SYMBOLS.get(code or "", code or "")


def kind_label(code: str) -> str:
    """'ratio' -> 'Tỷ lệ'."""
    return KIND_LABELS.get(code, code)


def tier_label(code: str) -> str:
    """'advanced' -> 'Nâng cao'."""
    return TIER_LABELS.get(code, code)


def level_label(code: str) -> str:
    """'commune' -> 'Xã'."""
    return _label(LevelChoices, code)


def region_label(code: str | None) -> str:
    """'BTB' -> 'Bắc Trung Bộ'."""
    return _label(RegionChoices, code)


def group_label(code: int | str | None) -> str:
    """2 -> 'Nhóm 2'."""
    try:
        return str(CommuneGroupChoices(int(code)).label)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return "" if code is None else str(code)


def region_group_label(region: str | None, group: int | None) -> str:
    """A threshold line: 'Bắc Trung Bộ · Nhóm 2', or 'Mọi đơn vị' for every unit."""
    parts = [p for p in (region_label(region), group_label(group) if group else "") if p]
    return " · ".join(parts) if parts else str(_("Mọi đơn vị"))


def line_label(row: Any) -> str:
    """The line of a threshold row or of its change (anything with region and group)."""
    return region_group_label(row.region, row.group)


def differentiation_label(code: str) -> str:
    return DIFFERENTIATION_LABELS.get(code, code)


def measure_label(code: str) -> str:
    return MEASURE_LABELS.get(code, code)


def set_status_label(code: str) -> str:
    return STATUS_LABELS.get(code, code)


def iso_date(value: str | dt.date | None) -> str:
    """'2016-10-17' (as stored in criteria files) -> '17/10/2016'; other text unchanged."""
    if not value:
        return ""
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    try:
        return dt.date.fromisoformat(str(value)).strftime("%d/%m/%Y")
    except ValueError:
        return str(value)


def number(value: float | int | None) -> str:
    """80.0 -> '80', 26.7 -> '26,7', 1234.5 -> '1.234,5' in Vietnamese, '1,234.5' in English."""
    if value is None:
        return ""
    return format_number(value, 2, locale=page_locale())


def threshold_text(comparator: str | None, value: float | None, unit: str = "") -> str:
    """'>=', 80, '%' -> '≥ 80 %'; the comparator in words rather than code."""
    parts = [comparator_symbol(comparator), number(value), unit or ""]
    return " ".join(p for p in parts if p)


def localized_name(item: Any) -> str:
    """The English name when the page is in English and the data has one, else Vietnamese."""
    if (get_language() or "").startswith("en"):
        english = getattr(item, "name_en", "")
        if english:
            return english
    return getattr(item, "name_vi", "") or getattr(item, "name", "") or str(item)


def language_name(code: str) -> str:
    """'vi' -> 'Tiếng Việt', each language in its own words (NFC: Django's is decomposed)."""
    name = unicodedata.normalize("NFC", get_language_info(code)["name_local"])
    return name[:1].upper() + name[1:]


def _label(choices: Any, code: str | None) -> str:
    if not code:
        return ""
    try:
        return str(choices(code).label)
    except ValueError:
        return str(code)


#: Words that mark a transcriber's note as English (the criteria files keep the notes of
#: the reference they were transcribed from, most of them in English).
ENGLISH_WORDS = frozenset(
    {"the", "is", "are", "was", "were", "not", "and", "of", "by", "with", "without", "but",
     "from", "this", "that", "which", "seen"}
)  # fmt: skip


def is_english_note(text: str | None) -> bool:
    """Whether a data note reads as English: two or more common English words."""
    words = (text or "").lower().replace("'", " ").split()
    return sum(1 for word in words if word.strip(".,;:()") in ENGLISH_WORDS) >= 2
