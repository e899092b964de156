"""Helpers shared by the recognition pages: the page size, who acts at a level, loading a
case in the user's scope, the 403 page and reading query parameters.
"""

from __future__ import annotations

import datetime as dt

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from ntm.accounts.scope import scope_of
from ntm.recognition.models import (
    RecognitionCase,
)
from ntm.recognition.selectors import (
    COMMUNE,
    PROVINCE,
)
from ntm.units.models import AdminUnit

PAGE_SIZE = 50


def actor_words(level: str) -> str:
    return {
        COMMUNE: _("UBND xã (cán bộ nhập liệu)"),
        "district": _("Văn phòng NTM huyện"),
        PROVINCE: _("Văn phòng điều phối NTM tỉnh"),
    }.get(level, "")


def _lower_first(name: str) -> str:
    """ "Tỉnh Hà Tĩnh" -> "tỉnh Hà Tĩnh", as in "UBND tỉnh Hà Tĩnh"."""
    return name[:1].lower() + name[1:]


def _case(request: HttpRequest, case_id: int) -> RecognitionCase:
    case = (
        RecognitionCase.objects.select_related(
            "unit__parent__parent__parent", "recognition__revocation", "registration"
        )
        .filter(pk=case_id)
        .first()
    )
    if case is None or not scope_of(request.user).allows(case.unit_id):
        raise Http404
    return case


def _forbidden(request: HttpRequest, reason: str, unit: AdminUnit | None = None) -> HttpResponse:
    return render(
        request, "recognition/forbidden.html", {"reason": reason, "unit": unit}, status=403
    )


def _int(raw: str | None) -> int | None:
    return int(raw) if raw and raw.isdigit() else None


def _date_param(raw: str | None, default: dt.date) -> tuple[dt.date, str]:
    text = (raw or "").strip()
    if not text:
        return default, ""
    try:
        return dt.date.fromisoformat(text), ""
    except ValueError:
        return default, _("Ngày “%(text)s” không hợp lệ; đang xem ngày mặc định.") % {"text": text}
