"""The audit trail: per unit (with what lies below it), per user, per record; filtered by
action and date, paginated, and exported to CSV or XLSX with the same filters.

Who sees what is decided in ``ntm.accounts.trail.visible_entries``; a unit asked for
outside the viewer's scope is a 404, as everywhere.
"""

from __future__ import annotations

import csv
import json
from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from ntm.accounts.api_types import FIRST_DAY, LAST_DAY
from ntm.accounts.scope import scope_of, visible_unit
from ntm.accounts.trail import filtered_entries
from ntm.audit.labels import action_label
from ntm.audit.models import AuditEntry
from ntm.audit.selectors import KINDS, AuditFilter, actions_seen
from ntm.core.numbers import format_number
from ntm.core.spreadsheet import csv_text
from ntm.number_messages import page_locale
from ntm.presentation.converters import parse_id
from ntm.presentation.xlsx import XLSX_TYPE, Col, table_xlsx
from ntm.units.models import AdminUnit
from ntm.units.wording import crumbs

PAGE_SIZE = 50
#: An XLSX export holds at most this many rows (the CSV has no limit).
XLSX_MAX_ROWS = 20_000
KIND_LABELS = {
    "values": gettext_lazy("Số liệu, minh chứng, kỳ nhập"),
    "recognition": gettext_lazy("Công nhận, mục tiêu, đăng ký"),
    "criteria": gettext_lazy("Bộ tiêu chí"),
    "units": gettext_lazy("Đơn vị hành chính, ranh giới"),
    "users": gettext_lazy("Người dùng, mã truy cập"),
}
CHANNELS = {
    "web": "web",
    "api": "API",
    "cli": gettext_lazy("dòng lệnh"),
    "system": gettext_lazy("hệ thống"),
}


def _int(text: str | None) -> int | None:
    if text is None or not text.strip().isdigit():
        return None
    # An id beyond the database's range is no record: 0 matches nothing.
    return parse_id(text) or 0


def _date(text: str, errors: list[str], label: str) -> date | None:
    text = text.strip()
    if not text:
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        errors.append(
            _("%(label)s “%(text)s” không phải ngày (dạng năm-tháng-ngày, ví dụ 2021-09-25).")
            % {"label": label, "text": text}
        )
        return None
    if not FIRST_DAY <= day <= LAST_DAY:
        errors.append(
            _("%(label)s %(day)s nằm ngoài khoảng %(first)s – %(last)s; bỏ qua ngày này.")
            % {
                "label": label,
                "day": day.strftime("%d/%m/%Y"),
                "first": FIRST_DAY.strftime("%d/%m/%Y"),
                "last": LAST_DAY.strftime("%d/%m/%Y"),
            }
        )
        return None
    return day


def read_filter(request: HttpRequest, unit: AdminUnit | None) -> tuple[AuditFilter, list[str]]:
    errors: list[str] = []
    params = request.GET
    wanted = AuditFilter(
        unit_id=unit.pk if unit is not None else None,
        actor_id=_int(params.get("actor")),
        action=params.get("action", "").strip()[:60],
        kind=params.get("kind", "") if params.get("kind", "") in KINDS else "",
        object_type=params.get("object_type", "").strip()[:60],
        object_id=params.get("object_id", "").strip()[:60],
        date_from=_date(params.get("from", ""), errors, _("Từ ngày")),
        date_to=_date(params.get("to", ""), errors, _("Đến ngày")),
    )
    return wanted, errors


def _unit_param(request: HttpRequest, unit_id: int | None) -> AdminUnit | None:
    unit_id = unit_id if unit_id is not None else _int(request.GET.get("unit"))
    if unit_id is None:
        return None
    return visible_unit(scope_of(request.user), unit_id)


def _changes(old: Any, new: Any) -> list[dict[str, str]]:
    """Old and new values side by side, one line per field that differs."""
    if isinstance(old, dict) or isinstance(new, dict):
        old = old if isinstance(old, dict) else {}
        new = new if isinstance(new, dict) else {}
        keys = [k for k in {**old, **new} if old.get(k) != new.get(k)]
        return [{"field": str(k), "old": _text(old.get(k)), "new": _text(new.get(k))} for k in keys]
    if old is None and new is None:
        return []
    return [{"field": "", "old": _text(old), "new": _text(new)}]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, default=str)


def _who(entry: AuditEntry) -> str:
    return entry.actor_name or (_("hệ thống") if entry.channel == "system" else "—")


@require_GET
def audit_list(request: HttpRequest, unit_id: int | None = None) -> HttpResponse:
    """The trail the user may see, newest first, with filters and export links."""
    unit = _unit_param(request, unit_id)
    wanted, errors = read_filter(request, unit)
    entries = filtered_entries(request.user, wanted)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    existing = set(
        AdminUnit.objects.filter(pk__in={e.unit_id for e in rows if e.unit_id}).values_list(
            "pk", flat=True
        )
    )
    actor = None
    if wanted.actor_id is not None:
        actor = get_user_model().objects.filter(pk=wanted.actor_id).first()
    query = request.GET.copy()
    query.pop("page", None)
    export_query = query.copy()
    if unit is not None:
        export_query["unit"] = str(unit.pk)
    scope = scope_of(request.user)
    return render(
        request,
        "audit/list.html",
        {
            "unit": unit,
            "crumbs": crumbs(unit, scope) if unit is not None else [],
            "page": page,
            "entries": [
                {
                    "entry": e,
                    "label": action_label(e.action),
                    "who": _who(e),
                    "channel": str(CHANNELS.get(e.channel, e.channel)),
                    "changes": _changes(e.old, e.new),
                    "unit_link": e.unit_id in existing,
                }
                for e in rows
            ],
            "filters": wanted,
            "filter_from": request.GET.get("from", ""),
            "filter_to": request.GET.get("to", ""),
            "errors": errors,
            "actions": [
                (a, action_label(a))
                for a in actions_seen(
                    filtered_entries(request.user, AuditFilter(unit_id=wanted.unit_id))
                )
            ],
            "kinds": [(k, str(v)) for k, v in KIND_LABELS.items()],
            "actor": actor,
            "query_without_page": query.urlencode(),
            "export_query": export_query.urlencode(),
        },
    )


def _export_rows(entries):
    for e in entries.iterator(chunk_size=2000):
        yield [
            timezone.localtime(e.at),
            _who(e),
            str(CHANNELS.get(e.channel, e.channel)),
            e.ip_address or "",
            action_label(e.action),
            e.action,
            e.unit_label,
            e.unit_id,
            e.object_type,
            e.object_id,
            e.summary,
            _text(e.old),
            _text(e.new),
            e.reason,
        ]


def _headers() -> list[str]:
    return [
        _("Thời điểm"), _("Người thực hiện"), _("Kênh"), _("Địa chỉ IP"), _("Thao tác"),
        _("Mã thao tác"), _("Đơn vị"), _("Mã đơn vị (id)"), _("Loại bản ghi"), _("Mã bản ghi"),
        _("Tóm tắt"), _("Giá trị cũ"), _("Giá trị mới"), _("Lý do"),
    ]  # fmt: skip


class _Echo:
    def write(self, value: str) -> str:
        return value


@require_GET
def audit_export(request: HttpRequest, file_format: str) -> HttpResponse:
    """The filtered trail as CSV (every row) or XLSX (up to XLSX_MAX_ROWS rows)."""
    unit = _unit_param(request, None)
    wanted, errors = read_filter(request, unit)
    if errors:
        return HttpResponse("\n".join(errors), status=400, content_type="text/plain")
    entries = filtered_entries(request.user, wanted)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    name = f"nhat-ky-{stamp}"
    if file_format == "csv":
        writer = csv.writer(_Echo())

        def lines():
            yield "\ufeff"  # so Excel reads the file as UTF-8
            yield writer.writerow(_headers())
            for row in _export_rows(entries):
                yield writer.writerow(
                    [csv_text(v.strftime("%Y-%m-%d %H:%M:%S") if hasattr(v, "strftime") else v)
                     for v in row]
                )  # fmt: skip

        response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
    if file_format != "xlsx":
        raise Http404
    total = entries.count()
    widths = [17, 14, 9, 14, 22, 20, 22, 10, 22, 10, 40, 30, 30, 24]
    kinds = ["datetime"] + ["text"] * 6 + ["int"] + ["text"] * 6
    columns = [
        Col(header, width, kind, wrap=width >= 30)
        for header, width, kind in zip(_headers(), widths, kinds, strict=True)
    ]
    facts: list[tuple[str, Any]] = [
        (_("Đơn vị"), unit.name if unit else _("Toàn bộ phạm vi của tài khoản"))
    ]
    if wanted.date_from or wanted.date_to:
        facts.append((_("Từ ngày"), wanted.date_from or "…"))
        facts.append((_("Đến ngày"), wanted.date_to or "…"))
    if wanted.action or wanted.kind:
        facts.append((_("Thao tác"), action_label(wanted.action) if wanted.action
                      else str(KIND_LABELS[wanted.kind])))  # fmt: skip
    facts.append((_("Số dòng"), total))
    if total > XLSX_MAX_ROWS:
        facts.append(
            (_("Lưu ý"), _("Chỉ %(count)s dòng mới nhất; tải CSV để có đủ.")
             % {"count": format_number(XLSX_MAX_ROWS, 0, locale=page_locale())})
        )  # fmt: skip
    rows = _export_rows(entries[:XLSX_MAX_ROWS])  # written as text cells by table_xlsx
    content = table_xlsx(
        title=_("Nhật ký thay đổi"),
        facts=facts,
        columns=columns,
        rows=rows,
        sheet_name=_("Nhật ký"),
    )
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response
