"""Certifying whole criteria with a document: every criterion of a set for one unit on a
date, its status, its certification in force and who certifies it, with a small form for
each criterion the user may certify.

Reading is open to anyone whose scope holds the unit (else a 404, as on the entry page);
writing goes through ``ntm.values.certification.certify``, which checks the role,
department, office, input and frozen periods on the server. A saved certification
redirects back (post/redirect/get); a refusal re-renders the page with the reason: 403
for a user who may not, 409 for a period under review or locked, 400 for bad input.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ntm.accounts.permissions import WriteDenied
from ntm.accounts.scope import scope_of, visible_unit
from ntm.approvals.approval import approver_text, who_text
from ntm.approvals.freeze import PeriodFrozen, frozen_cells
from ntm.approvals.responsibility import Responsible
from ntm.audit.services import Actor
from ntm.core.criteria.model import CriterionDef
from ntm.criteria.models import CriteriaSet
from ntm.criteria.selectors import UnknownSet, applicable_sets, get_set
from ntm.dashboards import unit_status
from ntm.dashboards.evaluation import evaluate_unit
from ntm.presentation.converters import parse_day
from ntm.units.models import AdminUnit
from ntm.units.selectors import default_as_of
from ntm.units.wording import crumbs
from ntm.values.certification import (
    Certifiable,
    CertificationInvalid,
    certifiable_criteria,
    certify,
    current_certifications,
    responsibilities,
)
from ntm.values.entry_form import slug_of
from ntm.values.models import CriterionCertification
from ntm.values.validation import AssessmentError

#: Up to this many criteria to certify, their forms are open when the page loads.
OPEN_FORMS = 3


@dataclass
class Line:
    """A criterion on the page: its status, its certification and who certifies it."""

    criterion: CriterionDef
    result: dict[str, Any]
    responsible: Responsible
    certification: CriterionCertification | None
    may: Certifiable | None = None
    posted: dict[str, str] = field(default_factory=dict)
    error: str = ""
    error_field: str = ""
    open: bool = False

    @property
    def slug(self) -> str:
        return slug_of(self.criterion.number)

    @property
    def status(self) -> str:
        return self.result.get("status", "")

    @property
    def status_label(self) -> str:
        return unit_status.page_wording().status(self.status) if self.status else ""

    @property
    def badge(self) -> str:
        return unit_status.badge_class(self.status) if self.status else ""

    @property
    def decides(self) -> bool:
        """The certification decides the criterion (no value observed after it)."""
        return bool(self.result.get("certified"))

    @property
    def department(self):
        return self.responsible.department

    @property
    def entered_by(self) -> str:
        c = self.certification
        return who_text(c.entered_by) if c is not None and c.entered_by_id else ""


@dataclass
class Page:
    unit: AdminUnit
    day: date
    sets: list[CriteriaSet]
    criteria_set: CriteriaSet | None
    errors: list[str]

    def query(self, **extra: str) -> str:
        params = {"set": self.criteria_set.set_id} if self.criteria_set is not None else {}
        params["date"] = self.day.isoformat()
        params.update(extra)
        return urlencode(params)


def _page(request: HttpRequest, unit: AdminUnit) -> Page:
    """The date and set asked for in the query string, else the unit's default day and the
    first set applying on it."""
    errors: list[str] = []
    day = default_as_of(unit)
    text = request.GET.get("date", "").strip()
    if text:
        try:
            day = parse_day(text)
        except ValueError:
            errors.append(
                _("Ngày “%(text)s” không hợp lệ; đang xem ngày %(date)s.")
                % {"text": text, "date": day.strftime("%d/%m/%Y")}
            )
    sets = applicable_sets(unit, day)
    asked = request.GET.get("set", "").strip()
    chosen = next((s for s in sets if s.set_id == asked), None)
    if chosen is None and asked:
        wanted = unit_status.requested_set(asked, unit.level)
        if wanted is not None:
            try:
                chosen = get_set(wanted.set_id, on=day)
            except UnknownSet:
                chosen = wanted
            sets = [*sets, chosen]
        else:
            errors.append(
                _("Không có bộ tiêu chí “%(set)s” cho cấp này; đang mở bộ áp dụng.")
                % {"set": asked}
            )
    if chosen is None and sets:
        chosen = sets[0]
    return Page(unit, day, sets, chosen, errors)


def _lines(request: HttpRequest, page: Page) -> tuple[list[Line], list[Certifiable]]:
    unit, criteria_set = page.unit, page.criteria_set
    assert criteria_set is not None
    definition = criteria_set.to_domain()
    responsible = responsibilities(unit, definition)
    mine = certifiable_criteria(request.user, unit, definition, responsible=responsible)
    may = {c.key: c for c in mine}
    report = evaluate_unit(unit, criteria_set, page.day)
    results = {c["key"]: c for c in report["criteria"]}
    certifications = current_certifications(unit, [c.key for c in definition.criteria], page.day)
    lines = [
        Line(
            criterion=c,
            result=results.get(c.key, {}),
            responsible=responsible[c.key],
            certification=certifications.get(c.key),
            may=may.get(c.key),
            # A few forms open at once; one already certified waits for a click.
            open=c.key in may and len(mine) <= OPEN_FORMS and c.key not in certifications,
        )
        for c in definition.criteria
    ]
    return lines, mine


def _frozen_note(unit: AdminUnit, lines: list[Line], day: date) -> str:
    """Why certifications dated ``day`` would be refused (a period under review or locked)."""
    found = frozen_cells([(unit.pk, line.criterion.key, day) for line in lines if line.may])
    return " ".join(dict.fromkeys(found.values()))


def _default_day(page: Page) -> date:
    """The certification date a form proposes: the page's date, never after today."""
    return min(page.day, timezone.localdate())


@require_http_methods(["GET", "POST"])
def certifications_page(request: HttpRequest, unit_id: int) -> HttpResponse:
    """Every criterion of a set for a unit on a date: its status, its certification, who
    certifies it; a form for each criterion the user may certify."""
    scope = scope_of(request.user)
    unit = visible_unit(scope, unit_id)
    page = _page(request, unit)
    context: dict[str, Any] = {
        "unit": unit,
        "page": page,
        "as_of": page.day,
        "crumbs": crumbs(unit, scope),
        "in_force": unit_status.is_in_force(unit, page.day),
        "validity": unit_status.validity_text(unit),
        "office": approver_text(unit),
        "today": timezone.localdate(),
    }
    if page.criteria_set is None:
        return render(request, "values/certifications.html", context)

    status = 200
    error = ""
    posted: dict[str, str] = {}
    if request.method == "POST":
        posted = {
            name: request.POST.get(name, "").strip()
            for name in ("criterion", "is_met", "certified_on", "document_number", "note")
        }
        try:
            certification = _save(request, page, posted)
        except WriteDenied as denied:
            status, error, error_field = 403, str(denied), ""
        except PeriodFrozen as frozen:
            status, error, error_field = 409, str(frozen), "certified_on"
        except CertificationInvalid as invalid:
            status, error, error_field = 400, str(invalid), invalid.field
        except AssessmentError as invalid:
            status, error, error_field = 400, str(invalid), ""
        else:
            messages.success(request, _saved_message(certification, page))
            day = max(page.day, certification.certified_on)
            target = f"{request.path}?{page.query(date=day.isoformat())}"
            return redirect(f"{target}#crit-{slug_of(_number(certification, page))}")

    lines, mine = _lines(request, page)
    for line in lines:
        if posted and posted["criterion"] in (line.criterion.number, line.criterion.key):
            line.posted, line.error, line.error_field = posted, error, error_field
            line.open = True
    context.update(
        lines=lines,
        mine=mine,
        on_behalf=any(c.on_behalf for c in mine),
        error=error,
        frozen=_frozen_note(unit, lines, _default_day(page)),
        default_day=_default_day(page),
        approval_query=urlencode({"set": page.criteria_set.set_id, "period": str(page.day.year)}),
    )
    return render(request, "values/certifications.html", context, status=status)


def _save(request: HttpRequest, page: Page, posted: dict[str, str]) -> CriterionCertification:
    certified_on = None
    if posted["certified_on"]:
        try:
            certified_on = parse_day(posted["certified_on"])
        except ValueError:
            certified_on = None
    return certify(
        user=request.user,
        unit=page.unit,
        criteria_set=page.criteria_set,
        criterion_key=posted["criterion"],
        is_met={"1": True, "0": False}.get(posted["is_met"]),  # type: ignore[arg-type]
        certified_on=certified_on,  # type: ignore[arg-type]
        document_number=posted["document_number"],
        note=posted["note"],
        actor=Actor.from_request(request),
    )


def _number(certification: CriterionCertification, page: Page) -> str:
    return certification.criterion_key.rpartition(":")[2] or page.criteria_set.set_id


def _saved_message(certification: CriterionCertification, page: Page) -> str:
    words = {
        "number": _number(certification, page),
        "document": certification.document_number,
        "date": certification.certified_on.strftime("%d/%m/%Y"),
    }
    if certification.is_met:
        text = _("Đã lưu xác nhận tiêu chí %(number)s đạt theo văn bản %(document)s ngày %(date)s.")
    else:
        text = _(
            "Đã lưu xác nhận tiêu chí %(number)s chưa đạt theo văn bản %(document)s ngày %(date)s."
        )
    return text % words
