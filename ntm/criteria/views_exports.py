"""A criteria set version as an XLSX download: one row per threshold of each indicator
(moved out of ``ntm/web/views_exports.py``, issue 10)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from ntm.criteria.selectors import UnknownSet, get_set
from ntm.criteria.views_criteria import _missing, _version_param, needs_confirmation, sections_of
from ntm.presentation.labels import (
    comparator_symbol,
    confidence_label,
    group_label,
    kind_label,
    region_label,
    tier_label,
)
from ntm.presentation.xlsx import Col, table_xlsx, xlsx_download


def _columns() -> list[Col]:
    """The columns of the set's table."""
    return [
        Col(_("Nhóm"), 18),
        Col(_("Tiêu chí"), 8),
        Col(_("Tên tiêu chí"), 28, wrap=True),
        Col(_("Mã chỉ tiêu"), 9),
        Col(_("Chỉ tiêu"), 46, wrap=True),
        Col(_("Loại"), 16),
        Col(_("Đơn vị tính"), 12),
        Col(_("So sánh"), 8),
        Col(_("Ngưỡng"), 10, "number"),
        Col(_("Áp dụng cho"), 18),
        Col(_("Từ năm"), 8, "int"),
        Col(_("Độ tin cậy"), 16),
        Col(_("Nguồn"), 40, wrap=True),
    ]


def indicator_rows(rows: list[list], group: str, number: str, name: str, indicator) -> None:
    """Append an indicator's rows: one per threshold, or one saying none is set."""
    base = [
        group,
        number,
        name,
        indicator.code,
        indicator.name_vi,
        kind_label(indicator.kind.value),
        indicator.unit,
        comparator_symbol(indicator.comparator.value if indicator.comparator else None),
    ]
    if not indicator.thresholds:
        state = _("cần xác nhận") if needs_confirmation(indicator) else ""
        rows.append(
            [
                *base,
                None,
                state,
                None,
                confidence_label(indicator.confidence.value),
                "; ".join(indicator.sources),
            ]
        )
    for threshold in indicator.thresholds:
        applies = " · ".join(
            p
            for p in (
                region_label(threshold.region),
                group_label(threshold.group) if threshold.group else "",
            )
            if p
        ) or _("Mọi đơn vị")
        rows.append(
            [
                *base,
                threshold.value,
                applies,
                threshold.from_year,
                confidence_label(threshold.confidence.value),
                "; ".join(threshold.sources or indicator.sources),
            ]
        )


def _set_rows(definition) -> list[list]:
    """The rows of every criterion's indicators by section, then the tier conditions."""
    rows: list[list] = []
    for section in sections_of(definition):
        label = f"{section.code}. {section.name_vi}" if section.code else section.name_vi
        for view in section.criteria:
            criterion = view.definition
            if not criterion.indicators:
                rows.append([label, criterion.number, criterion.name_vi] + [None] * 10)
            for indicator in criterion.indicators:
                indicator_rows(rows, label, criterion.number, criterion.name_vi, indicator)
    for indicator in definition.conditions:
        indicator_rows(rows, _("Điều kiện của mức"), "", "", indicator)
    return rows


def _facts(stored, definition) -> list[tuple]:
    """What the table shows: the set, its document, level, tier, period and size."""
    return [
        (_("Mã bộ"), f"{stored.set_id}, {_('phiên bản')} {stored.version}"),
        (_("Văn bản"), definition.legal_source.number or "—"),
        (_("Cấp"), stored.level),
        (_("Mức"), tier_label(stored.tier)),
        (
            _("Giai đoạn"),
            f"{stored.period_start or '…'}–{stored.period_end or '…'}",
        ),
        (_("Số lượng tiêu chí"), len(definition.criteria)),
    ]


def criteria_set_xlsx(request: HttpRequest, set_id: str) -> HttpResponse:
    """A set version: one row per threshold of each indicator (region, group, year)."""
    try:
        stored = get_set(set_id, _version_param(request.GET.get("version")))
    except UnknownSet:
        return _missing(request, [set_id])
    definition = stored.to_domain()
    content = table_xlsx(
        title=stored.name_vi,
        facts=_facts(stored, definition),
        columns=_columns(),
        rows=_set_rows(definition),
        sheet_name=_("Bộ tiêu chí"),
    )
    return xlsx_download(content, f"bo-tieu-chi-{stored.set_id}-v{stored.version}.xlsx")
