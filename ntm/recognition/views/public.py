"""The public recognition list and its XLSX export: no login needed (moved out of
``ntm/web``, issue 10)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from ntm.criteria.models import TierChoices
from ntm.presentation.converters import parse_id
from ntm.presentation.labels import tier_label
from ntm.presentation.page_words import parent_chain
from ntm.presentation.xlsx import Col, table_xlsx, xlsx_download
from ntm.recognition.selectors import (
    filter_recognitions,
    provinces_with_recognitions,
    public_recognitions,
)
from ntm.units.models import AdminUnit

PAGE_SIZE = 50


@login_not_required
def recognitions(request: HttpRequest) -> HttpResponse:
    """Every recognition decision, newest first, filterable by province, tier and text."""
    province_id = _int_param(request.GET.get("province"))
    tier = request.GET.get("tier", "")
    if tier not in TierChoices.values:
        tier = ""
    text = request.GET.get("q", "").strip()[:100]

    rows = filter_recognitions(public_recognitions(), province_id=province_id, tier=tier, text=text)
    rows = rows.select_related(
        "unit__parent__parent__parent", "criteria_set", "revocation"
    ).order_by("-decision_date", "unit__name", "id")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "recognition/recognitions.html",
        {
            "page": page,
            "recognitions": page.object_list,
            "provinces": provinces_with_recognitions(),
            "tiers": TierChoices.choices,
            "filters": {"province": province_id, "tier": tier, "q": text},
            "is_filtered": bool(province_id or tier or text),
            "query_without_page": _query_without_page(request),
        },
    )


def _int_param(raw: str | None) -> int | None:
    return parse_id(raw)


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


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
                parent_chain(r.unit),
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
    return xlsx_download(content, "cong-nhan-nong-thon-moi.xlsx")
