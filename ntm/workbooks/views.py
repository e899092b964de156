"""The Excel round trip of a unit: download a template, upload it filled, preview, confirm.

Only users who may enter values for the unit reach these pages (role and scope, checked
on the server; a unit outside the scope is a 404). An upload belongs to its user: another
user's token finds nothing.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ntm.accounts.permissions import can_write
from ntm.accounts.scope import scope_of, visible_unit
from ntm.audit.services import Actor
from ntm.units.media import StorageFailed
from ntm.units.models import AdminUnit
from ntm.units.selectors import is_in_force
from ntm.units.wording import crumbs
from ntm.workbooks import jobs
from ntm.workbooks.codes import XLSX_TYPE
from ntm.workbooks.reading import MAX_UPLOAD_BYTES, Expectation, WorkbookRefused, check_size
from ntm.workbooks.template import (
    TemplateRefused,
    check_period_ended,
    default_period,
    make_template,
    period_suggestions,
    read_period,
    template_choices,
    units_below,
)

#: The most changes and problems listed on the preview page; the counts cover them all.
LIST_LIMIT = 300


def _writable_unit(request: HttpRequest, unit_id: int) -> AdminUnit:
    unit = visible_unit(scope_of(request.user), unit_id)
    if not can_write(request.user, unit):
        raise PermissionDeniedPage(unit)
    return unit


class PermissionDeniedPage(Exception):
    def __init__(self, unit: AdminUnit):
        self.unit = unit


def _forbidden(request: HttpRequest, unit: AdminUnit) -> HttpResponse:
    return render(request, "workbooks/forbidden.html", {"unit": unit}, status=403)


def _selection(request: HttpRequest, unit: AdminUnit, source=None):
    """The set and period chosen on the page (or the defaults), with the choices offered."""
    source = source if source is not None else request.GET
    today = timezone.localdate()
    period_text = (source.get("period") or "").strip() or default_period(unit, today)
    errors = []
    try:
        period = read_period(period_text)
        check_period_ended(period, today=today)
        if not is_in_force(unit, period.observed_on):
            errors.append(
                _("%(unit)s không tồn tại vào ngày %(date)s, ngày cuối của kỳ %(period)s.")
                % {
                    "unit": unit.name,
                    "date": period.observed_on.strftime("%d/%m/%Y"),
                    "period": period.label,
                }
            )
    except TemplateRefused as refused:
        errors.append(refused.message)
        period = read_period(default_period(unit, today))
    choices = template_choices(unit, on=period.observed_on)
    set_id = (source.get("set") or "").strip()
    chosen = next((c for c in choices if c.criteria_set.set_id == set_id), None)
    if chosen is None and set_id and not errors:
        errors.append(
            _("Bộ tiêu chí “%(set)s” không áp dụng cho %(unit)s vào ngày %(date)s.")
            % {"set": set_id, "unit": unit.name, "date": period.observed_on.strftime("%d/%m/%Y")}
        )
    if chosen is None and choices:
        chosen = choices[0]
    return {
        "period": period,
        "period_text": period_text,
        "choices": choices,
        "chosen": chosen,
        "errors": errors,
        "suggestions": period_suggestions(unit, today),
    }


def _target_count(unit: AdminUnit, selection) -> int:
    chosen = selection["chosen"]
    if chosen is None or not chosen.for_children:
        return 1
    return AdminUnit.objects.filter(
        units_below(unit, level=chosen.level, on=selection["period"].observed_on)
    ).count()


@require_GET
def workbook_page(request: HttpRequest, unit_id: int) -> HttpResponse:
    """Choose a set and a period; download the template; upload the filled file."""
    try:
        unit = _writable_unit(request, unit_id)
    except PermissionDeniedPage as denied:
        return _forbidden(request, denied.unit)
    selection = _selection(request, unit)
    return render(
        request,
        "workbooks/page.html",
        {
            "unit": unit,
            "crumbs": crumbs(unit, scope_of(request.user)),
            **selection,
            "target_count": _target_count(unit, selection),
            "max_mb": MAX_UPLOAD_BYTES // (1024 * 1024),
            "max_bytes": MAX_UPLOAD_BYTES,
        },
    )


@require_GET
def template_download(request: HttpRequest, unit_id: int) -> HttpResponse:
    """The template of the chosen set and period, as an .xlsx download."""
    try:
        unit = _writable_unit(request, unit_id)
    except PermissionDeniedPage as denied:
        return _forbidden(request, denied.unit)
    selection = _selection(request, unit)
    chosen = selection["chosen"]
    if selection["errors"] or chosen is None:
        return _page_with_errors(
            request,
            unit,
            selection,
            selection["errors"] or [_("Không có bộ tiêu chí nào áp dụng.")],
        )
    try:
        template = make_template(
            unit=unit,
            criteria_set=chosen.criteria_set,
            period=selection["period"],
            for_children=chosen.for_children,
            user=request.user,
        )
    except TemplateRefused as refused:
        return _page_with_errors(request, unit, selection, [refused.message])
    response = HttpResponse(template.content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{template.filename}"'
    return response


def _page_with_errors(request, unit, selection, errors) -> HttpResponse:
    return render(
        request,
        "workbooks/page.html",
        {
            "unit": unit,
            "crumbs": crumbs(unit, scope_of(request.user)),
            **selection,
            "errors": errors,
            "target_count": _target_count(unit, selection),
            "max_mb": MAX_UPLOAD_BYTES // (1024 * 1024),
            "max_bytes": MAX_UPLOAD_BYTES,
        },
        status=400,
    )


def _go(request: HttpRequest, url: str) -> HttpResponse:
    """A redirect that htmx follows as a full page load."""
    if getattr(request, "htmx", False):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


@require_POST
def upload(request: HttpRequest, unit_id: int) -> HttpResponse:
    """Keep the uploaded file and start reading it; the upload's page shows the progress."""
    try:
        unit = _writable_unit(request, unit_id)
    except PermissionDeniedPage as denied:
        return _forbidden(request, denied.unit)
    selection = _selection(request, unit, request.POST)
    back = reverse("web:unit-workbook", args=[unit.id])
    query = {"set": request.POST.get("set", ""), "period": request.POST.get("period", "")}
    uploaded = request.FILES.get("file")
    if uploaded is None:
        message = _("Chọn tệp Excel (.xlsx) đã điền để tải lên.")
    else:
        try:
            check_size(uploaded.size)
            message = ""
        except WorkbookRefused as refused:
            message = refused.message
    if message or selection["errors"] or selection["chosen"] is None:
        message = message or (selection["errors"] or [_("Không có bộ tiêu chí nào áp dụng.")])[0]
        messages.error(request, message)
        return _go(request, f"{back}?{urlencode(query)}")
    chosen = selection["chosen"]
    try:
        saved = jobs.save_upload(
            user_id=request.user.pk,
            content=uploaded.read(),
            original_name=uploaded.name,
            context={
                "unit_id": unit.id,
                "set_id": chosen.criteria_set.set_id,
                "period": selection["period"].label,
            },
        )
        jobs.start(
            saved,
            phase="preview",
            actor=Actor.from_request(request),
            expect=_expectation(saved, unit),
        )
    except StorageFailed as failed:  # nothing kept, nothing written
        messages.error(request, failed.message)
        return _go(request, f"{back}?{urlencode(query)}")
    return _go(request, reverse("web:workbook-upload", args=[unit.id, saved.token]))


def _expectation(saved: jobs.Upload, unit: AdminUnit) -> Expectation:
    context = saved.state.get("context", {})
    return Expectation(set_id=context.get("set_id"), period=context.get("period"), within=unit)


def _owned_upload(request: HttpRequest, unit: AdminUnit, token: str) -> jobs.Upload:
    found = jobs.find_upload(user_id=request.user.pk, token=token)
    if found is None or found.state.get("context", {}).get("unit_id") != unit.id:
        raise Http404
    return found


@require_GET
def upload_page(request: HttpRequest, unit_id: int, token: str) -> HttpResponse:
    """The state of an upload: reading, the preview to confirm, refused, or written."""
    try:
        unit = _writable_unit(request, unit_id)
    except PermissionDeniedPage as denied:
        return _forbidden(request, denied.unit)
    found = _owned_upload(request, unit, token)
    return render(request, "workbooks/upload.html", _upload_context(request, unit, found))


@require_GET
def upload_status(request: HttpRequest, unit_id: int, token: str) -> HttpResponse:
    """The progress fragment the page polls; once the work is done, the page reloads."""
    try:
        unit = _writable_unit(request, unit_id)
    except PermissionDeniedPage as denied:
        return _forbidden(request, denied.unit)
    found = _owned_upload(request, unit, token)
    if not found.is_busy:
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    return render(request, "workbooks/_progress.html", _upload_context(request, unit, found))


def _upload_context(request: HttpRequest, unit: AdminUnit, found: jobs.Upload) -> dict:
    state = found.state
    changes = [
        {**c, "old_on": _day(c.get("old_on"))} for c in state.get("changes", [])[:LIST_LIMIT]
    ]
    problems = state.get("problems", [])
    observed_on = state.get("observed_on")
    overview = ""
    if state.get("set_id") and observed_on:
        target = unit if unit.level != "commune" else None
        if target is not None:
            overview = (
                reverse("web:unit-children", args=[unit.id])
                + "?"
                + urlencode({"as_of": observed_on, "set": state["set_id"]})
            )
        else:
            overview = (
                reverse("web:unit", args=[unit.id])
                + "?"
                + urlencode({"as_of": observed_on, "set": state["set_id"]})
            )
    return {
        "unit": unit,
        "crumbs": crumbs(unit, scope_of(request.user)),
        "upload": found,
        "state": state,
        "changes": changes,
        "more_changes": max(len(state.get("changes", [])) - LIST_LIMIT, 0),
        "observed_label": _day(observed_on),
        "problems": problems[:LIST_LIMIT],
        "more_problems": max(len(problems) - LIST_LIMIT, 0) + state.get("more_problems", 0),
        "warnings": state.get("warnings", [])[:LIST_LIMIT],
        "counts": state.get("counts", {}),
        "overview_url": overview,
        "back_url": reverse("web:unit-workbook", args=[unit.id])
        + "?"
        + urlencode(
            {
                "set": state.get("context", {}).get("set_id", ""),
                "period": state.get("context", {}).get("period", ""),
            }
        ),
    }


def _day(iso: str | None) -> str:
    """ "2021-12-31" -> "31/12/2021"."""
    if not iso:
        return ""
    year, month, day = iso.split("-")
    return f"{day}/{month}/{year}"


@require_POST
def upload_confirm(request: HttpRequest, unit_id: int, token: str) -> HttpResponse:
    """Write the previewed values (all or nothing), in the background."""
    try:
        unit = _writable_unit(request, unit_id)
    except PermissionDeniedPage as denied:
        return _forbidden(request, denied.unit)
    found = _owned_upload(request, unit, token)
    page = reverse("web:workbook-upload", args=[unit.id, found.token])
    if found.status != jobs.PREVIEWED or found.state.get("problems"):
        return _go(request, page)
    try:
        jobs.start(
            found,
            phase="apply",
            actor=Actor.from_request(request),
            expect=_expectation(found, unit),
        )
    except StorageFailed as failed:
        messages.error(request, failed.message)
    return _go(request, page)


@require_POST
def upload_cancel(request: HttpRequest, unit_id: int, token: str) -> HttpResponse:
    """Forget an upload: the file is deleted, nothing is written."""
    try:
        unit = _writable_unit(request, unit_id)
    except PermissionDeniedPage as denied:
        return _forbidden(request, denied.unit)
    found = _owned_upload(request, unit, token)
    back = (
        reverse("web:unit-workbook", args=[unit.id])
        + "?"
        + urlencode(
            {
                "set": found.state.get("context", {}).get("set_id", ""),
                "period": found.state.get("context", {}).get("period", ""),
            }
        )
    )
    if not found.is_busy:
        jobs.remove_upload(found)
    return _go(request, back)
