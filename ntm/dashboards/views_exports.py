"""A unit's criteria table and its children overview as XLSX downloads ("Tải Excel" beside
each; the set and recognition lists are exported by their apps).

Each export takes the same parameters as its page, applies the same scope rules and reads
the same data (`unit_status`, the recognition filters, the set's sections), so the file
says what the page says, with numbers as numbers and dates as dates.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from ntm.accounts.scope import scope_of, visible_unit
from ntm.dashboards import unit_status
from ntm.dashboards.views_units import _as_of
from ntm.presentation.labels import (
    comparator_symbol,
)
from ntm.presentation.xlsx import Col, file_slug, table_xlsx, xlsx_download


def children_xlsx(request: HttpRequest, unit_id: int) -> HttpResponse:
    """The children overview of a unit, with the page's date, set and sort."""
    scope = scope_of(request.user)
    unit = visible_unit(scope, unit_id)
    as_of, _error = _as_of(request, unit)
    overview = unit_status.children_overview(
        unit,
        scope=scope,
        as_of=as_of,
        set_id=request.GET.get("set", "").strip(),
        sort=request.GET.get("sort", "name"),
    )
    columns = [
        Col(_("Tên"), 24),
        Col(_("Mã"), 9),
        Col(_("Tiêu chí đạt"), 10, "int"),
        Col(_("Tổng số tiêu chí"), 10, "int"),
        Col(_("Đủ mọi tiêu chí"), 10),
        Col(_("Đã công nhận"), 18),
        Col(_("Quyết định công nhận"), 18),
        Col(_("Ngày quyết định"), 12, "date"),
        Col(_("Mục tiêu (năm)"), 10, "int"),
        Col(_("Mục tiêu (mức)"), 18),
        Col(_("Đã đạt mục tiêu"), 10),
        Col(_("Tiêu chí chưa đạt"), 48, wrap=True),
        Col(_("Tiêu chí thiếu số liệu"), 10, "int"),
        Col(_("Tiêu chí chưa đánh giá được"), 12, "int"),
    ]
    yes = _("Có")
    rows = [
        [
            row.unit.name,
            row.unit.code,
            row.met,
            row.total,
            yes if row.all_met else "",
            unit_status.tier_label(row.recognition.tier) if row.recognition else "",
            row.recognition.decision_number if row.recognition else "",
            row.recognition.decision_date if row.recognition else None,
            row.target.year if row.target else None,
            unit_status.tier_label(row.target.tier) if row.target else "",
            yes if row.target_reached else "",
            "; ".join(f"{number}. {name}" for number, name in row.unmet),
            row.missing,
            row.not_evaluable,
        ]
        for row in overview.rows
    ]
    facts = [
        (_("Đơn vị"), f"{unit.name} ({unit.code})" if unit.code else unit.name),
        (_("Tại ngày"), as_of),
        (_("Bộ tiêu chí"), overview.criteria_set.name_vi if overview.criteria_set else "—"),
        (
            _("Đạt chuẩn"),
            f"{overview.at_tier.get('standard', 0)}/{len(overview.rows)} {overview.noun}",
        ),
        (_("Sắp xếp"), overview.sort),
    ]
    if not scope.is_national:
        facts.append((_("Phạm vi"), _("chỉ các đơn vị tài khoản được xem")))
    content = table_xlsx(
        title=_("Đơn vị trực thuộc %(unit)s") % {"unit": unit.name},
        facts=facts,
        columns=columns,
        rows=rows,
        sheet_name=_("Đơn vị trực thuộc"),
    )
    return xlsx_download(
        content, f"don-vi-truc-thuoc-{file_slug(unit.name)}-{as_of.isoformat()}.xlsx"
    )


def unit_criteria_xlsx(request: HttpRequest, unit_id: int) -> HttpResponse:
    """A unit's criteria table under the page's set on the page's date."""
    scope = scope_of(request.user)
    unit = visible_unit(scope, unit_id)
    as_of, _error = _as_of(request, unit)
    page = unit_status.unit_page(
        unit, scope=scope, as_of=as_of, set_id=request.GET.get("set", "").strip()
    )
    status = page.selected
    columns = [
        Col(_("Tiêu chí"), 8),
        Col(_("Tên tiêu chí"), 30, wrap=True),
        Col(_("Tiêu chí: đánh giá"), 14),
        Col(_("Mã chỉ tiêu"), 9),
        Col(_("Chỉ tiêu"), 46, wrap=True),
        Col(_("Giá trị"), 11, "number"),
        Col(_("Đơn vị tính"), 12),
        Col(_("Yêu cầu"), 8),
        Col(_("Ngưỡng"), 10, "number"),
        Col(_("Đánh giá"), 14),
        Col(_("Còn thiếu"), 22),
        Col(_("Số liệu ngày"), 12, "date"),
        Col(_("Nguồn"), 28, wrap=True),
        Col(_("Ghi chú"), 28, wrap=True),
    ]
    rows = []
    if status is not None:
        report = {c["number"]: c for c in status.report["criteria"]}
        for criterion in page.criteria:
            entries = {i["code"]: i for i in report[criterion.number]["indicators"]}
            if not criterion.indicators:
                rows.append(
                    [criterion.number, criterion.name, criterion.status_label] + [None] * 11
                )
            for indicator in criterion.indicators:
                entry = entries.get(indicator.code, {})
                value = entry.get("value")
                if indicator.kind == "judgement" and value is not None:
                    value = None
                rows.append(
                    [
                        criterion.number,
                        criterion.name,
                        criterion.status_label,
                        indicator.code,
                        indicator.name,
                        value if indicator.kind != "judgement" else None,
                        entry.get("unit", ""),
                        comparator_symbol(entry.get("comparator")),
                        entry.get("threshold"),
                        indicator.status_label
                        if indicator.kind != "judgement"
                        else indicator.value or indicator.status_label,
                        indicator.gap,
                        indicator.observed_on,
                        indicator.source,
                        indicator.note,
                    ]
                )
    facts = [
        (_("Đơn vị"), f"{unit.name} ({unit.code})" if unit.code else unit.name),
        (_("Tại ngày"), as_of),
        (_("Bộ tiêu chí"), status.stored.name_vi if status else "—"),
        (_("Tiêu chí đạt"), f"{status.met}/{status.total}" if status else "—"),
    ]
    content = table_xlsx(
        title=_("Bảng tiêu chí của %(unit)s") % {"unit": unit.name},
        facts=facts,
        columns=columns,
        rows=rows,
        sheet_name=_("Bảng tiêu chí"),
    )
    return xlsx_download(content, f"tieu-chi-{file_slug(unit.name)}-{as_of.isoformat()}.xlsx")
