"""Data entry: the assessment form of a unit, its live preview, value history, evidence
files, and the bulk grid across the communes under a unit.

Every view checks the user's scope on the server (a unit outside it is a 404) and, to
write, a role that enters data (``can_write``; otherwise a 403 page saying why). Values
are written through ``apply_values`` only, with the evidence and the submission in the
same transaction.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ntm.accounts.permissions import WriteDenied, can_write, require_write
from ntm.accounts.scope import Scope, scope_of, visible_unit
from ntm.approvals.approval_state import entry_approval
from ntm.audit.services import Actor
from ntm.core.criteria.model import IndicatorDef, IndicatorKind
from ntm.criteria.models import CriteriaSet
from ntm.units.downloads import file_response
from ntm.units.media import StorageFailed
from ntm.units.models import AdminUnit
from ntm.units.wording import crumbs
from ntm.values.bulk import ValuesRefused, apply_values
from ntm.values.concurrency import WriteConflict
from ntm.values.entry import EntryResult, check_target, save_entry
from ntm.values.entry_cells import number_text
from ntm.values.entry_form import build_entry_form
from ntm.values.entry_grid import MAX_COLUMNS, build_grid, grid_units, pick_indicators
from ntm.values.evidence import (
    ACCEPT,
    allowed_labels,
    max_bytes,
    remove_evidence,
    size_text,
)
from ntm.values.models import EvidenceFile
from ntm.values.pages import Target, entry_target, picker_context, safe_next
from ntm.values.selectors import value_history
from ntm.values.validation import AssessmentError


def _forbidden(request: HttpRequest, unit: AdminUnit, reason: str) -> HttpResponse:
    return render(
        request,
        "values/entry/forbidden.html",
        {
            "unit": unit,
            "reason": reason,
            "crumbs": crumbs(unit, scope_of(request.user)),
        },
        status=403,
    )


# --- The assessment form ------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def entry_form(request: HttpRequest, unit_id: int) -> HttpResponse:
    """Every indicator of a set for one unit and period: enter, preview, save or submit."""
    scope = scope_of(request.user)
    unit = visible_unit(scope, unit_id)
    try:
        require_write(request.user, unit)
    except WriteDenied as denied:
        return _forbidden(request, unit, str(denied))
    target = entry_target(request, unit)
    context = {
        "unit": unit,
        "target": target,
        "crumbs": crumbs(unit, scope),
        "accept": ACCEPT,
        "max_size": size_text(max_bytes()),
        "allowed": allowed_labels(),
        **picker_context(target),
    }
    if target.criteria_set is None:
        return _render_form(request, context)
    blocked = ""
    try:
        check_target(unit, target.criteria_set, target.period)
    except AssessmentError as error:
        blocked = str(error)
    context["blocked"] = blocked

    if request.method == "POST" and not blocked:
        status = 200
        form = build_entry_form(
            unit=unit,
            criteria_set=target.criteria_set,
            period=target.period,
            user=request.user,
            data=request.POST,
            files=request.FILES,
            check=True,
        )
        action = request.POST.get("action", "check")
        if form.is_valid and action in ("draft", "submit"):
            submit = action == "submit"
            try:
                result = save_entry(
                    unit=unit,
                    criteria_set=target.criteria_set,
                    period=target.period,
                    cells=form.cells,
                    uploads=form.uploads,
                    submit=submit,
                    actor=Actor.from_request(request),
                    reason=request.POST.get("reason", "").strip(),
                )
            except ValuesRefused as refused:
                form.add_problems(refused.plan.problems)
                status = _refusal_status(refused)
            except WriteDenied as denied:
                return _forbidden(request, unit, str(denied))
            except WriteConflict as conflict:
                form.general.append(str(conflict))
                status = 409
            except (AssessmentError, StorageFailed) as error:
                form.general.append(str(error))
            else:
                messages.success(request, _saved_message(result, submit))
                return redirect(f"{request.path}?{target.query()}")
        elif form.plan is not None and any(p.conflict for p in form.plan.problems):
            status = 409
        context["form"] = form
        context["stored_met"] = _stored_met(target)
        return _render_form(request, context, status)

    form = build_entry_form(
        unit=unit, criteria_set=target.criteria_set, period=target.period, user=request.user
    )
    context["form"] = form
    context["stored_met"] = form.met
    return _render_form(request, context)


def _render_form(request: HttpRequest, context: dict[str, Any], status: int = 200) -> HttpResponse:
    """The entry form with the period's approval state as it stands now."""
    target = context["target"]
    context["approval_state"] = entry_approval(
        request.user, context["unit"], target.criteria_set, target.period
    )
    return render(request, "values/entry/form.html", context, status=status)


def _refusal_status(refused: ValuesRefused) -> int:
    """409 when a cell was changed by someone else since the page was opened, else 200."""
    return 409 if any(p.conflict is not None for p in refused.plan.problems) else 200


def _stored_met(target: Target) -> int:
    stored = build_entry_form(
        unit=target.unit, criteria_set=target.criteria_set, period=target.period, user=None
    )
    return stored.met


def _saved_message(result: EntryResult, submit: bool) -> str:
    plan = result.plan
    parts = []
    written = len(plan.writes)
    if written:
        parts.append(
            ngettext("Đã lưu %(count)d giá trị", "Đã lưu %(count)d giá trị", written)
            % {"count": written}
        )
    else:
        parts.append(_("Không có giá trị nào thay đổi"))
    if result.evidence:
        parts.append(
            ngettext("%(count)d tệp minh chứng", "%(count)d tệp minh chứng", len(result.evidence))
            % {"count": len(result.evidence)}
        )
    text = ", ".join(parts) + "."
    if submit:
        text += " " + _("Kỳ nhập đã được gửi.")
    elif result.status_changed and result.submission is not None:
        text += " " + _("Kỳ nhập đang ở dạng bản nháp.")
    return text


@require_POST
def entry_preview(request: HttpRequest, unit_id: int) -> HttpResponse:
    """The statuses the typed values would give, and their problems (htmx, no write)."""
    scope = scope_of(request.user)
    unit = visible_unit(scope, unit_id)
    if not can_write(request.user, unit):
        raise Http404
    target = entry_target(request, unit)
    if target.criteria_set is None:
        raise Http404
    form = build_entry_form(
        unit=unit,
        criteria_set=target.criteria_set,
        period=target.period,
        user=request.user,
        data=request.POST,
        check=True,
    )
    return render(
        request,
        "values/entry/_preview.html",
        {"form": form, "unit": unit, "target": target, "stored_met": _stored_met(target)},
    )


@require_GET
def entry_history(request: HttpRequest, unit_id: int) -> HttpResponse:
    """Every value recorded for one indicator of a unit: who, when, old and new value."""
    scope = scope_of(request.user)
    unit = visible_unit(scope, unit_id)
    key = request.GET.get("key", "").strip()
    if ":" not in key:
        raise Http404
    rows = value_history(unit, key)
    by_id = {row["id"]: row for row in rows}
    entries = []
    for row in rows:
        previous = by_id.get(row["supersedes"])
        entries.append({**row, "text": _history_text(row), "old_text": _history_text(previous)})
    template = "values/entry/_history.html" if request.htmx else "values/entry/history.html"
    return render(
        request,
        template,
        {
            "unit": unit,
            "key": key,
            "code": key.partition(":")[2],
            "entries": entries,
            "crumbs": crumbs(unit, scope),
            "back": safe_next(request, ""),
        },
    )


def _history_text(row: dict | None) -> str:
    if row is None:
        return ""
    if row["is_met"] is not None:
        return _("Đạt") if row["is_met"] else _("Chưa đạt")
    if row["numerator"] is not None or row["denominator"] is not None:
        return f"{number_text(row['numerator'])}/{number_text(row['denominator'])}"
    return number_text(row["value"]) or "—"


# --- Evidence files -----------------------------------------------------------------------


def _visible_evidence(request: HttpRequest, evidence_id: int) -> EvidenceFile:
    evidence = EvidenceFile.objects.select_related("unit").filter(pk=evidence_id).first()
    if evidence is None or not scope_of(request.user).allows(evidence.unit_id):
        raise Http404
    return evidence


@require_GET
def evidence_file(request: HttpRequest, evidence_id: int) -> FileResponse:
    """Stream an evidence file to a user whose scope holds its unit (never a media URL)."""
    evidence = _visible_evidence(request, evidence_id)
    if evidence.is_removed and not can_write(request.user, evidence.unit):
        raise Http404
    name = evidence.original_name or f"evidence-{evidence.pk}"
    try:
        return file_response(evidence.file, name, evidence.content_type)
    except FileNotFoundError:
        raise Http404 from None


@require_POST
def evidence_remove(request: HttpRequest, evidence_id: int) -> HttpResponse:
    """Take a file off a value; it stays in the audit trail."""
    evidence = _visible_evidence(request, evidence_id)
    back = safe_next(request, reverse("web:unit-entry", args=[evidence.unit_id]))
    try:
        remove_evidence(evidence, actor=Actor.from_request(request))
    except WriteDenied as denied:
        return _forbidden(request, evidence.unit, str(denied))
    except AssessmentError as refused:  # the period is under review or locked
        messages.error(
            request,
            _("Không gỡ được tệp “%(name)s”: %(reason)s")
            % {"name": evidence.original_name, "reason": refused},
        )
        return redirect(back)
    messages.success(request, _("Đã gỡ tệp “%(name)s”.") % {"name": evidence.original_name})
    return redirect(back)


# --- The bulk grid ------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def grid(request: HttpRequest, unit_id: int) -> HttpResponse:
    """Chosen indicators across the communes under a unit, checked together, saved at once."""
    scope = scope_of(request.user)
    unit = visible_unit(scope, unit_id)
    try:
        require_write(request.user, unit)
    except WriteDenied as denied:
        return _forbidden(request, unit, str(denied))
    target = entry_target(request, unit, set_level="commune")
    codes = [c.strip() for c in request.GET.get("indicators", "").replace(";", ",").split(",")]
    codes = [c for c in codes if c] + [c for c in request.GET.getlist("indicator") if c]
    context = {
        "unit": unit,
        "target": target,
        "crumbs": crumbs(unit, scope),
        "max_columns": MAX_COLUMNS,
        **picker_context(target),
    }
    if target.criteria_set is None:
        return render(request, "values/entry/grid.html", context)
    indicators, errors = _grid_indicators(target, codes)
    context["errors"] = errors
    context["choices"] = _indicator_choices(target.criteria_set, indicators)
    if not indicators:
        context["unit_count"] = len(grid_units(unit, scope, target.period))
        return render(request, "values/entry/grid.html", context)
    context["indicator_query"] = ",".join(i.code for i in indicators)

    if request.method == "POST":
        return _grid_post(request, unit, target, indicators, scope, context)

    context["grid"] = build_grid(
        unit=unit,
        criteria_set=target.criteria_set,
        period=target.period,
        indicators=indicators,
        scope=scope,
        user=request.user,
    )
    return render(request, "values/entry/grid.html", context)


def _grid_indicators(target: Target, codes: list[str]) -> tuple[list[IndicatorDef], list[str]]:
    """The indicators asked for (at most ``MAX_COLUMNS``), and what was wrong with the ask."""
    indicators, unknown = pick_indicators(target.criteria_set, codes)
    errors = list(target.errors)
    if unknown:
        errors.append(
            _("Bộ tiêu chí không có chỉ tiêu: %(codes)s.") % {"codes": ", ".join(unknown)}
        )
    if len(indicators) > MAX_COLUMNS:
        errors.append(
            _("Một bảng nhập tối đa %(count)d chỉ tiêu; đã giữ %(count)d chỉ tiêu đầu.")
            % {"count": MAX_COLUMNS}
        )
        indicators = indicators[:MAX_COLUMNS]
    return indicators, errors


def _grid_post(
    request: HttpRequest,
    unit: AdminUnit,
    target: Target,
    indicators: list[IndicatorDef],
    scope: Scope,
    context: dict[str, Any],
) -> HttpResponse:
    """Check the posted grid and, asked to save and valid, write its cells at once."""
    status = 200
    data = build_grid(
        unit=unit,
        criteria_set=target.criteria_set,
        period=target.period,
        indicators=indicators,
        scope=scope,
        user=request.user,
        data=request.POST,
        check=True,
    )
    if data.is_valid and request.POST.get("action") == "save" and data.cells:
        try:
            plan = apply_values(
                data.cells,
                actor=Actor.from_request(request),
                reason=request.POST.get("reason", "").strip(),
            )
        except ValuesRefused as refused:
            data.add_problems(refused.plan.problems)
            status = _refusal_status(refused)
        except WriteDenied as denied:
            return _forbidden(request, unit, str(denied))
        except WriteConflict as conflict:
            data.general.append(str(conflict))
            status = 409
        else:
            written = len(plan.writes)
            messages.success(
                request,
                ngettext(
                    "Đã lưu %(count)d giá trị từ bảng nhập.",
                    "Đã lưu %(count)d giá trị từ bảng nhập.",
                    written,
                )
                % {"count": written},
            )
            query = target.query(indicators=context["indicator_query"])
            return redirect(f"{request.path}?{query}")
    if status == 200 and data.plan is not None:
        status = 409 if any(p.conflict for p in data.plan.problems) else 200
    context["grid"] = data
    context["checked"] = True
    return render(request, "values/entry/grid.html", context, status=status)


def _indicator_choices(criteria_set: CriteriaSet, chosen) -> list[dict]:
    """The set's enterable indicators by criterion, for the grid's picker."""
    picked = {i.key for i in chosen}
    groups = []
    for criterion in criteria_set.to_domain().criteria:
        items = [
            {"indicator": i, "checked": i.key in picked}
            for i in criterion.indicators
            if i.kind is not IndicatorKind.AGGREGATE
        ]
        if items:
            groups.append({"criterion": criterion, "items": items})
    return groups
