"""Approval pages: a unit's period (status, criteria, history, steps), the queue of what
waits for the user, and the departments responsible for criteria.

Scope is enforced on the server: a unit outside it is a 404. Every step goes through
``ntm.approvals.approval``, which checks role, department, office and state and says
why in Vietnamese when it refuses; htmx requests get the panel back with the outcome,
plain form posts a redirect with a message.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ntm.accounts.permissions import OFFICE_ROLES, WriteDenied, require_write
from ntm.accounts.scope import scope_of, visible_unit
from ntm.approvals import approval
from ntm.approvals.approval import TransitionRefused
from ntm.approvals.panel import Panel, build_panel
from ntm.approvals.queue import QueueFilter, QueueKind, build_queue, kinds_for, queue_total
from ntm.approvals.responsibility import (
    OFFICE_LEVELS,
    assign_responsibility,
    candidate_departments,
    create_department,
    responsible_under,
    set_department_sector,
)
from ntm.audit.services import Actor
from ntm.criteria.models import CriteriaSet
from ntm.criteria.sectors import sector_map
from ntm.criteria.selectors import latest_sets
from ntm.units.models import AdminUnit, Department, LevelChoices
from ntm.units.wording import crumbs
from ntm.values.pages import entry_target, picker_context, safe_next
from ntm.values.validation import AssessmentError

#: The steps a form may post, with the words of their success.
STEPS = ("submit", "withdraw", "verify", "return", "approve", "lock", "unlock")


def _panel(request: HttpRequest, unit: AdminUnit, target) -> Panel:
    return build_panel(
        unit=unit, criteria_set=target.criteria_set, period=target.period, user=request.user
    )


@require_GET
def approval_page(request: HttpRequest, unit_id: int) -> HttpResponse:
    """A unit's period: where it stands, who must act, criteria, history, the user's steps."""
    scope = scope_of(request.user)
    unit = visible_unit(scope, unit_id)
    target = entry_target(request, unit)
    context = {
        "unit": unit,
        "target": target,
        "crumbs": crumbs(unit, scope),
        **picker_context(target),
    }
    if target.criteria_set is not None:
        context["panel"] = _panel(request, unit, target)
    return render(request, "approvals/approval/page.html", context)


@require_POST
def approval_step(request: HttpRequest, unit_id: int, step: str) -> HttpResponse:
    """Take one step (submit, withdraw, verify, return, approve, lock, unlock)."""
    scope = scope_of(request.user)
    unit = visible_unit(scope, unit_id)
    if step not in STEPS:
        raise Http404
    target = entry_target(request, unit)
    if target.criteria_set is None:
        raise Http404
    actor = Actor.from_request(request)
    comment = request.POST.get("comment", "").strip()
    notice, error = "", ""
    try:
        # "all": every criterion still waiting for the user (None to the service).
        numbers = None if request.POST.get("all") else request.POST.getlist("criteria")
        notice = _run(step, unit, target, actor, comment, numbers)
    except (WriteDenied, AssessmentError) as refused:
        error = str(refused)
    if request.htmx:
        panel = _panel(request, unit, target)
        panel.notice, panel.error = notice, error
        if error:
            panel.posted = {"step": step, "comment": comment}
        response = render(
            request,
            "approvals/approval/_panel.html",
            {"panel": panel, "unit": unit, "target": target},
        )
        if not error:
            response["HX-Trigger"] = "ntm-queue-changed"  # the navigation's count follows
        return response
    if error:
        messages.error(request, error)
    else:
        messages.success(request, notice)
    default = f"{reverse('web:unit-approval', args=[unit.pk])}?{target.query()}"
    return redirect(safe_next(request, default))


def _run(
    step: str, unit: AdminUnit, target, actor: Actor, comment: str, numbers: list[str] | None
) -> str:
    """Run a step; the words of its success. ``numbers`` None: every criterion waiting."""
    if step == "submit":
        approval.submit_period(
            unit=unit,
            criteria_set=target.criteria_set,
            period=target.period,
            actor=actor,
            comment=comment,
        )
        return _("Đã gửi kỳ này lên để thẩm tra; số liệu của kỳ được giữ nguyên trong khi xét.")
    submission = approval.find_submission(unit, target.criteria_set.set_id, target.period)
    if submission is None:
        raise TransitionRefused(
            _("Kỳ này của %(unit)s chưa có số liệu nào được lưu: chưa có gì để xét duyệt.")
            % {"unit": unit.name}
        )
    if step == "withdraw":
        approval.withdraw_submission(submission=submission, actor=actor, comment=comment)
        return _("Đã rút kỳ này về bản nháp: có thể sửa số liệu rồi gửi lại.")
    if step == "verify":
        chosen = None if numbers is None else [n for n in numbers if n.strip()]
        if chosen is not None and not chosen:
            raise TransitionRefused(_("Chọn ít nhất một tiêu chí để xác nhận."))
        rows = approval.verify_criteria(
            submission=submission, numbers=chosen, actor=actor, comment=comment
        )
        return _("Đã xác nhận tiêu chí %(numbers)s.") % {
            "numbers": ", ".join(r.number for r in rows)
        }
    if step == "return":
        approval.return_submission(submission=submission, actor=actor, comment=comment)
        return _("Đã trả lại kỳ này cho đơn vị, kèm ý kiến.")
    if step == "approve":
        approval.approve_submission(submission=submission, actor=actor, comment=comment)
        return _("Đã phê duyệt kỳ này.")
    if step == "lock":
        approval.lock_submission(submission=submission, actor=actor, comment=comment)
        return _("Đã khóa số liệu kỳ này.")
    approval.unlock_submission(submission=submission, actor=actor, reason=comment)
    return _("Đã mở khóa; kỳ này trở về bản nháp để sửa, rồi gửi và xét duyệt lại.")


# --- The queue ----------------------------------------------------------------------------


def _queue_filter(request: HttpRequest) -> QueueFilter:
    kind = request.GET.get("kind", "").strip()
    return QueueFilter(
        kind=kind if kind in {k.value for k in QueueKind} else "",
        set_id=request.GET.get("set", "").strip(),
        query=request.GET.get("q", "").strip()[:100],
        below=request.GET.get("below") == "1",
    )


@require_GET
def queue_page(request: HttpRequest) -> HttpResponse:
    """What waits for the user's action, with counts per kind and ages, oldest first."""
    if not request.user.is_authenticated:
        return redirect(f"{reverse('web:login')}?next={request.path}")
    filters = _queue_filter(request)
    queue = build_queue(request.user, filters)
    role = getattr(getattr(request.user, "profile", None), "role", "")
    department = getattr(getattr(request.user, "profile", None), "department", None)
    sets = [s for s in latest_sets() if s.level != LevelChoices.PROVINCE]
    return render(
        request,
        "approvals/approval/queue.html",
        {
            "queue": queue,
            "filters": filters,
            "sets": sets,
            "is_office": role in OFFICE_ROLES or request.user.is_superuser,
            "department": department,
        },
    )


@require_GET
def queue_count(request: HttpRequest) -> HttpResponse:
    """The navigation's badge: the periods waiting for the user (htmx, on page load)."""
    total = queue_total(request.user) if kinds_for(request.user) else 0
    return render(request, "approvals/approval/_queue_count.html", {"total": total})


# --- Departments responsible for criteria -------------------------------------------------


def _office_sets(office: AdminUnit) -> list[CriteriaSet]:
    """The sets of the levels an office's units are assessed at, national or its province's."""
    below = {
        LevelChoices.PROVINCE: {LevelChoices.DISTRICT, LevelChoices.COMMUNE, LevelChoices.VILLAGE},
        LevelChoices.DISTRICT: {LevelChoices.COMMUNE, LevelChoices.VILLAGE},
    }[office.level]
    province = office
    while province.parent_id is not None:
        province = province.parent
    order = {LevelChoices.COMMUNE: 0, LevelChoices.DISTRICT: 1, LevelChoices.VILLAGE: 2}
    return sorted(
        (
            s
            for s in latest_sets()
            if s.level in below and (not s.province_code or s.province_code == province.code)
        ),
        # The province's own sets first (those its units are assessed by), then newest.
        key=lambda s: (
            order.get(s.level, 9),
            not s.province_code,
            -(s.period_start or 0),
            s.set_id,
        ),
    )


@require_http_methods(["GET", "POST"])
def responsibilities_page(request: HttpRequest, unit_id: int) -> HttpResponse:
    """An office assigns each criterion to the department that verifies it; departments."""
    scope = scope_of(request.user)
    office = visible_unit(scope, unit_id)
    try:
        require_write(request.user, office, roles=OFFICE_ROLES)
        if office.level not in OFFICE_LEVELS:
            raise WriteDenied(_("Chỉ tỉnh hoặc huyện giao sở, ngành phụ trách tiêu chí."))
    except WriteDenied as denied:
        return render(
            request,
            "approvals/approval/forbidden.html",
            {"unit": office, "reason": str(denied), "crumbs": crumbs(office, scope)},
            status=403,
        )
    sets = _office_sets(office)
    asked = request.GET.get("set", "")
    chosen = next((s for s in sets if s.set_id == asked), sets[0] if sets else None)
    actor = Actor.from_request(request)
    if request.method == "POST":
        _save_responsibilities(request, office, chosen, actor)
        query = f"?set={chosen.set_id}" if chosen else ""
        return redirect(f"{request.path}{query}")
    definition = chosen.to_domain() if chosen else None
    resolved = responsible_under(office, definition) if definition else {}
    departments = candidate_departments(office)
    own = [d for d in departments if d.unit_id == office.pk]
    return render(
        request,
        "approvals/approval/responsibilities.html",
        {
            "unit": office,
            "crumbs": crumbs(office, scope),
            "sets": sets,
            "chosen": chosen,
            "rows": [(c, resolved[c.key]) for c in definition.criteria] if definition else [],
            "departments": departments,
            "own_departments": own,
            "sectors": sector_map(),
        },
    )


def _save_responsibilities(
    request: HttpRequest, office: AdminUnit, chosen: CriteriaSet | None, actor: Actor
) -> None:
    """Apply the posted form: assignments, a department's sector, or a new department."""
    action = request.POST.get("action", "")
    try:
        if action == "assign" and chosen is not None:
            definition = chosen.to_domain()
            allowed = {d.pk: d for d in candidate_departments(office)}
            changed = 0
            for criterion in definition.criteria:
                field = f"dept-{criterion.number}"
                if field not in request.POST:
                    continue
                raw = request.POST[field]
                department = allowed.get(int(raw)) if raw.isdigit() else None
                if raw and department is None:
                    raise AssessmentError(_("Sở, ngành đã chọn không còn tồn tại."))
                changed += assign_responsibility(
                    office=office,
                    definition=definition,
                    number=criterion.number,
                    department=department,
                    actor=actor,
                )
            messages.success(
                request,
                _("Đã lưu: %(count)d tiêu chí đổi sở, ngành phụ trách.") % {"count": changed},
            )
        elif action == "sector":
            department = Department.objects.filter(
                pk=request.POST.get("department", ""), unit=office
            ).first()
            if department is None:
                raise Http404
            set_department_sector(
                department=department, sector=request.POST.get("sector", ""), actor=actor
            )
            messages.success(
                request, _("Đã đổi lĩnh vực của %(name)s.") % {"name": department.name}
            )
        elif action == "department":
            department = create_department(
                office=office,
                name=request.POST.get("name", ""),
                short_name=request.POST.get("short_name", ""),
                sector=request.POST.get("sector", ""),
                actor=actor,
            )
            messages.success(request, _("Đã thêm %(name)s.") % {"name": department.name})
    except (WriteDenied, AssessmentError) as refused:
        messages.error(request, str(refused))
