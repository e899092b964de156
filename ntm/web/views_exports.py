"""Tables and overviews as XLSX downloads ("Tải Excel" beside each).

Each export takes the same parameters as its page, applies the same scope rules and reads
the same data (`unit_status`, the recognition filters, the set's sections), so the file
says what the page says, with numbers as numbers and dates as dates.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from ntm.accounts.scope import scope_of, visible_unit
from ntm.core.hierarchy import search_key
from ntm.criteria.models import TierChoices
from ntm.criteria.selectors import UnknownSet, get_set
from ntm.criteria.views_criteria import _missing, _version_param, needs_confirmation, sections_of
from ntm.dashboards import unit_status
from ntm.presentation.labels import (
    comparator_symbol,
    confidence_label,
    group_label,
    kind_label,
    region_label,
    tier_label,
)
from ntm.presentation.xlsx import XLSX_TYPE, Col, table_xlsx
from ntm.recognition.selectors import public_recognitions
from ntm.units.models import AdminUnit
from ntm.web.views_public import _int_param, filter_recognitions
from ntm.web.views_units import _as_of


def _download(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _slug(text: str) -> str:
    return "-".join(search_key(text).split())[:50] or "bang"


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
    return _download(content, f"don-vi-truc-thuoc-{_slug(unit.name)}-{as_of.isoformat()}.xlsx")


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
    return _download(content, f"tieu-chi-{_slug(unit.name)}-{as_of.isoformat()}.xlsx")


@login_not_required
def recognitions_xlsx(request: HttpRequest) -> HttpResponse:
    """The public recognition list with the page's filters, every page of it."""
    province_id = _int_param(request.GET.get("province"))
    tier = request.GET.get("tier", "")
    if tier not in TierChoices.values:
        tier = ""
    text = request.GET.get("q", "").strip()[:100]
    recognitions = (
        filter_recognitions(public_recognitions(), province_id=province_id, tier=tier, text=text)
        .select_related("unit__parent__parent__parent", "criteria_set", "revocation")
        .defer("criteria_set__definition", "criteria_set__source_document")
        .order_by("-decision_date", "unit__name", "id")
    )
    columns = [
        Col(_("Đơn vị"), 24),
        Col(_("Mã"), 9),
        Col(_("Thuộc"), 36),
        Col(_("Mức"), 16),
        Col(_("Số quyết định"), 18),
        Col(_("Ngày quyết định"), 12, "date"),
        Col(_("Cơ quan ban hành"), 26),
        Col(_("Người ký"), 18),
        Col(_("Bộ tiêu chí"), 20),
        Col(_("Tình trạng"), 12),
        Col(_("Quyết định thu hồi"), 18),
        Col(_("Ngày thu hồi"), 12, "date"),
    ]
    rows = []
    for r in recognitions:
        revocation = getattr(r, "revocation", None)
        rows.append(
            [
                r.unit.name,
                r.unit.code,
                unit_status.parent_chain(r.unit),
                tier_label(r.tier),
                r.decision_number,
                r.decision_date,
                r.issuer,
                r.signer,
                (r.criteria_set.legal_number or r.criteria_set.set_id) if r.criteria_set else "",
                _("Đã thu hồi") if revocation else _("Còn hiệu lực"),
                revocation.decision_number if revocation else "",
                revocation.decision_date if revocation else None,
            ]
        )
    province = AdminUnit.objects.filter(pk=province_id).first() if province_id else None
    facts = [
        (_("Tỉnh, thành phố"), province.name if province else _("Tất cả")),
        (_("Mức"), tier_label(tier) if tier else _("Tất cả")),
        (_("Tìm"), text or "—"),
        (_("Số quyết định"), len(rows)),
    ]
    content = table_xlsx(
        title=_("Đơn vị được công nhận nông thôn mới"),
        facts=facts,
        columns=columns,
        rows=rows,
        sheet_name=_("Công nhận"),
    )
    return _download(content, "cong-nhan-nong-thon-moi.xlsx")


def criteria_set_xlsx(request: HttpRequest, set_id: str) -> HttpResponse:
    """A set version: one row per threshold of each indicator (region, group, year)."""
    try:
        stored = get_set(set_id, _version_param(request.GET.get("version")))
    except UnknownSet:
        return _missing(request, [set_id])
    definition = stored.to_domain()
    columns = [
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
    rows = []

    def indicator_rows(group: str, number: str, name: str, indicator) -> None:
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

    for section in sections_of(definition):
        label = f"{section.code}. {section.name_vi}" if section.code else section.name_vi
        for view in section.criteria:
            criterion = view.definition
            if not criterion.indicators:
                rows.append([label, criterion.number, criterion.name_vi] + [None] * 10)
            for indicator in criterion.indicators:
                indicator_rows(label, criterion.number, criterion.name_vi, indicator)
    for indicator in definition.conditions:
        indicator_rows(_("Điều kiện của mức"), "", "", indicator)
    facts = [
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
    content = table_xlsx(
        title=stored.name_vi,
        facts=facts,
        columns=columns,
        rows=rows,
        sheet_name=_("Bộ tiêu chí"),
    )
    return _download(content, f"bo-tieu-chi-{stored.set_id}-v{stored.version}.xlsx")
