"""Recognition pages: monitoring after recognition and opening a revocation."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ntm.accounts.permissions import WriteDenied
from ntm.accounts.scope import scope_of, visible_unit
from ntm.audit.services import Actor
from ntm.recognition import services
from ntm.recognition.models import (
    Recognition,
)
from ntm.recognition.monitoring import CLOSE, DUE, NO_DATA, OK, monitor
from ntm.recognition.procedure import (
    CLOSE_SHARE,
    procedure,
    setting_defs,
)
from ntm.recognition.selectors import (
    PROVINCE,
    province_of,
    provinces_in_scope,
    settings_in_force,
)
from ntm.recognition.views.helpers import (
    _date_param,
    _forbidden,
    _int,
)
from ntm.units.selectors import default_as_of
from ntm.units.wording import crumbs

# --- Monitoring after recognition ---------------------------------------------------------------


MONITORING_SHOW = ("flagged", DUE, CLOSE, NO_DATA, OK, "all")


@require_GET
def monitoring(request: HttpRequest) -> HttpResponse:
    """Recognized communes at or below a unit that meet the revocation rule or come close,
    computed from the data on the date (default: today, or the unit's last day)."""
    scope = scope_of(request.user)
    unit_id = _int(request.GET.get("unit")) or scope.root_id
    root = visible_unit(scope, unit_id) if unit_id else None
    if root is None and not scope.is_national:
        raise Http404
    default = default_as_of(root) if root is not None else timezone.localdate()
    as_of, date_error = _date_param(request.GET.get("as_of"), default)
    show = request.GET.get("show", "flagged")
    if show not in MONITORING_SHOW:
        show = "flagged"
    if root is None:
        # A national account picks a province: the whole country is not computed at once.
        return render(
            request,
            "recognition/monitoring.html",
            {"root": None, "provinces": provinces_in_scope(scope), "as_of": as_of, "show": show},
        )
    report = monitor(root, scope=scope, as_of=as_of)
    rows = report.flagged(show)
    page = Paginator(rows, 100).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    province = province_of(root)
    close_share = (
        settings_in_force([province.pk], as_of)[province.pk][CLOSE_SHARE].value
        if province is not None
        else setting_defs()[CLOSE_SHARE].default
    )
    return render(
        request,
        "recognition/monitoring.html",
        {
            "root": root,
            "unit": root,
            "crumbs": crumbs(root, scope),
            "report": report,
            "page": page,
            "rows": page.object_list,
            "as_of": as_of,
            "date_error": date_error,
            "show": show,
            "counts": {
                "recognized": report.recognized,
                DUE: report.count(DUE),
                CLOSE: report.count(CLOSE),
                NO_DATA: report.count(NO_DATA),
                OK: report.count(OK),
            },
            "may_revoke": services.may_act(request.user, root, PROVINCE),
            "query_without_page": query.urlencode(),
            "close_share": close_share,
            "province": province,
            "after_2025": as_of.year >= 2026,
            "after_2025_note": procedure()["after_2025"],
            "legal_number": procedure()["legal_source"]["number"],
        },
    )


@require_POST
def open_revocation(request: HttpRequest) -> HttpResponse:
    """Start the revocation review of a recognition flagged by monitoring."""
    scope = scope_of(request.user)
    recognition = Recognition.objects.filter(pk=_int(request.POST.get("recognition"))).first()
    if recognition is None or not scope.allows(recognition.unit_id):
        raise Http404
    comment = request.POST.get("comment", "").strip()
    try:
        case = services.open_revocation_case(
            recognition=recognition, actor=Actor.from_request(request), comment=comment
        )
    except WriteDenied as denied:
        return _forbidden(request, str(denied), recognition.unit)
    except services.CaseRefused as refused:
        for problem in refused.problems:
            messages.error(request, problem)
        back = request.POST.get("next", "")
        if back.startswith("/recognition/"):
            return redirect(back)
        return redirect("recognition:monitoring")
    messages.success(request, _("Đã mở hồ sơ xem xét thu hồi."))
    return redirect("recognition:case", case_id=case.pk)
