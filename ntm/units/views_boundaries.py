"""A province's boundary uploads (GeoJSON): the list and, for an office user, the upload form.

Moved out of ``ntm.dashboards.views_dashboard`` (issue 10); the map that draws the shapes is in
``ntm.dashboards.views_dashboard``.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from ntm.accounts.permissions import OFFICE_ROLES, WriteDenied, can_write, require_write
from ntm.accounts.scope import scope_of, visible_unit
from ntm.audit.services import Actor
from ntm.dashboards import unit_status
from ntm.presentation.converters import parse_day
from ntm.units import boundaries
from ntm.units.wording import crumbs


def boundaries_view(request: HttpRequest, unit_id: int) -> HttpResponse:
    """A province's boundary uploads; an office user uploads a new GeoJSON here."""
    scope = scope_of(request.user)
    unit = visible_unit(scope, unit_id)
    if unit.level != "province":
        raise Http404
    may_upload = can_write(request.user, unit, roles=OFFICE_ROLES)
    problems: list[str] = []
    status = 200
    codes_on = boundaries.default_codes_on(unit)
    if request.method == "POST":
        upload = request.FILES.get("file")
        codes_on_text = request.POST.get("codes_on", "").strip()
        try:
            codes_on = parse_day(codes_on_text) if codes_on_text else codes_on
        except ValueError:
            problems.append(_("Ngày áp dụng mã “%(text)s” không hợp lệ.") % {"text": codes_on_text})
        if upload is None:
            problems.append(_("Chưa chọn tệp GeoJSON."))
        if not problems:
            try:
                require_write(request.user, unit, roles=OFFICE_ROLES)
                result = boundaries.upload_boundaries(
                    province=unit,
                    upload=upload,
                    codes_on=codes_on,
                    actor=Actor.from_request(request),
                )
            except WriteDenied as denied:
                problems.append(str(denied))
                status = 403
            except boundaries.BoundaryRefused as refused:
                problems.extend(refused.problems)
            else:
                messages.success(request, result.message())
                return redirect("web:unit-boundaries", unit_id=unit.pk)
    return render(
        request,
        "units/boundaries.html",
        {
            "unit": unit,
            "crumbs": crumbs(unit, scope),
            "as_of": unit_status.last_day(unit) or timezone.localdate(),
            "uploads": boundaries.uploads_of(unit),
            "may_upload": may_upload,
            "problems": problems,
            "codes_on": codes_on,
            "max_megabytes": boundaries.MAX_BYTES // (1024 * 1024),
            "code_properties": boundaries.CODE_PROPERTIES,
            "status": status if status != 200 else (400 if problems else 200),
        },
        # A role that may not upload is a 403, a refused file a 400.
        status=status if status != 200 else (400 if problems else 200),
    )
